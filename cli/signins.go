package cli

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/spf13/cobra"
)

// signInJSON is one sign-in in --output json: Graph's signIn plus our hint
// for its error code.
type signInJSON struct {
	graph.SignIn
	Hint *graph.Hint `json:"hint,omitempty"`
}

func signinsCmd(env *Env) *cobra.Command {
	var (
		since    string
		failures bool
		top      int
	)
	cmd := &cobra.Command{
		Use:   "signins USER",
		Short: "Show a user's recent sign-ins, with a hint for each failure",
		Long: "List a user's sign-ins, newest first, with the failure reason Graph gives and a " +
			"plain hint per error code (what it means, what to do). Interactive and non-interactive sign-ins are both listed, " +
			"labelled as the portal's tabs. Needs Microsoft Entra ID P1. Sign-ins take 2-5 minutes to appear.",
		Example: "  mfadesk signins alice@contoso.com --failures\n" +
			"  mfadesk signins alice@contoso.com --since 7d -o json | jq '.[] | {createdDateTime, code: .status.errorCode, hint: .hint}'",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkUserQuery(args, since, top); err != nil {
				return err
			}
			ctx := cmd.Context()
			s, err := env.Session(ctx)
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("since") && s.Prof != nil && s.Prof.SignInWindow.Duration > 0 {
				since = s.Prof.SignInWindow.Duration.String()
			}
			from, _ := parseSince(since, time.Now())
			u, err := resolveUser(ctx, s.Client, args[0])
			if err != nil {
				return err
			}
			list, err := s.Client.SignIns(ctx, u.ID, graph.SignInQuery{Since: from, FailuresOnly: failures, Top: top})
			if err != nil {
				return err
			}
			docs := make([]signInJSON, len(list))
			v := View{
				Header: []string{"TIME", "KIND", "APP", "RESULT", "REASON", "HINT", "IP", "LOCATION", "CA"},
				Empty:  "No sign-ins for " + graph.CleanText(u.UserPrincipalName) + " since " + fmtTime(from) + ".",
			}
			for i, si := range list {
				docs[i].SignIn = si
				result, reason, hint := "success", "", ""
				if si.Failed() {
					result = strconv.Itoa(si.Status.ErrorCode)
					reason = si.Status.FailureReason
					if h, text, ok := signInHint(si.Status.ErrorCode); ok {
						docs[i].Hint = h
						hint = text
					}
				}
				if si.Status.AdditionalDetails != "" {
					reason = strings.TrimSpace(reason + " " + parens(si.Status.AdditionalDetails))
				}
				v.Rows = append(v.Rows, []string{fmtTime(si.CreatedDateTime), signInKind(si), si.AppDisplayName, result, reason, hint,
					si.IPAddress, location(si.Location), caText(si)})
			}
			v.JSON = docs
			// Entra writes sign-ins to the log 2-5 minutes after they happen.
			env.note("Sign-ins take 2-5 minutes to appear in the log: one that just happened may not be listed yet.")
			if env.Flags.Output == "table" && len(list) > 0 {
				// Eight columns do not fit a terminal with long reasons and
				// hints: a list reads better.
				v.Text = func(w io.Writer) { env.signInsText(w, docs) }
			}
			return env.Emit(v)
		},
	}
	cmd.Flags().StringVar(&since, "since", "72h", "how far back: a duration (72h, 7d) or a date")
	cmd.Flags().BoolVar(&failures, "failures", false, "failed sign-ins only")
	cmd.Flags().IntVar(&top, "top", 50, "at most this many sign-ins")
	return cmd
}

func (e *Env) signInsText(w io.Writer, docs []signInJSON) {
	for i, d := range docs {
		if i > 0 {
			io.WriteString(w, "\n")
		}
		si := d.SignIn
		result := e.style(styleGood, "success")
		if si.Failed() {
			result = e.style(styleBad, "failed "+strconv.Itoa(si.Status.ErrorCode))
		}
		head := fmtTime(si.CreatedDateTime) + "  " + result + "  " + signInKind(si) + "  " + graph.CleanText(si.AppDisplayName)
		if si.ClientAppUsed != "" {
			head += " (" + graph.CleanText(si.ClientAppUsed) + ")"
		}
		io.WriteString(w, head+"\n")
		pairs := [][2]string{}
		if si.Status.FailureReason != "" && si.Failed() {
			pairs = append(pairs, [2]string{"  Reason", si.Status.FailureReason})
		}
		if si.Status.AdditionalDetails != "" {
			pairs = append(pairs, [2]string{"  Details", si.Status.AdditionalDetails})
		}
		if h := d.Hint; h != nil {
			pairs = append(pairs, [2]string{"  Hint", h.Meaning})
			if h.Next != "" {
				pairs = append(pairs, [2]string{"  Next", h.Next})
			}
		}
		where := si.IPAddress
		if l := location(si.Location); l != "" {
			where += ", " + l
		}
		if dev := deviceText(si.Device); dev != "" {
			where += " · " + dev
		}
		pairs = append(pairs, [2]string{"  From", where})
		if ca := caText(si); ca != "" {
			pairs = append(pairs, [2]string{"  Conditional Access", ca})
		}
		e.kv(w, pairs)
	}
}

// signInKind labels a sign-in as the portal's tabs do.
func signInKind(si graph.SignIn) string {
	if si.EventType == graph.SignInNonInteractive || (si.EventType == "" && !si.IsInteractive) {
		return "non-interactive"
	}
	return "interactive"
}

// caText is the Conditional Access status, saying when Graph withheld the
// applied policies from this operator (signin-list.md: omitted for callers
// who cannot read Conditional Access data).
func caText(si graph.SignIn) string {
	ca := si.ConditionalAccessStatus
	if si.PoliciesHidden {
		if ca != "" {
			ca += "; "
		}
		ca += "policies not visible to your role"
	}
	return ca
}

func location(l graph.Location) string {
	var parts []string
	for _, p := range []string{l.City, l.State, l.CountryOrRegion} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

func deviceText(d graph.Device) string {
	var parts []string
	for _, p := range []string{d.DisplayName, d.OperatingSystem, d.Browser} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " / ")
}

func parens(s string) string { return "(" + s + ")" }

// checkUserQuery checks what `signins` and `audit` share before anything is
// asked of Graph: one user, a readable --since and a --top Graph accepts.
func checkUserQuery(args []string, since string, top int) error {
	if _, err := parseSince(since, time.Now()); err != nil {
		return Usagef("--since %w", err)
	}
	if top < 1 || top > 1000 {
		return Usagef("--top %d: use 1 to 1000", top)
	}
	if _, err := graph.ParseTargetArgs(args); err != nil {
		return Usage(err)
	}
	return nil
}
