package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
	"github.com/spf13/cobra"
)

// tapJSON is tap's --output json: the pass with the user it is for.
type tapJSON struct {
	UserID            string `json:"userId"`
	UserPrincipalName string `json:"userPrincipalName"`
	graph.TAP
	ExpiresDateTime time.Time `json:"expiresDateTime"`
	// Notify is the notification mail's outcome (--notify).
	Notify string `json:"notify,omitempty"`
}

func tapCmd(env *Env) *cobra.Command {
	var (
		lifetime time.Duration
		oneTime  bool
		start    string
		a        approval
		dryRun   bool
		notify   bool
	)
	cmd := &cobra.Command{
		Use:     "tap USER",
		Short:   ops.MustGet(ops.IssueTAP).Short,
		Long:    ops.MustGet(ops.IssueTAP).Long,
		Example: "  mfadesk tap alice@contoso.com --lifetime 2h --one-time",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a.checklist = ops.MustGet(ops.IssueTAP).Checklist
			req, err := tapRequest(lifetime, cmd.Flags().Changed("lifetime"), oneTime, cmd.Flags().Changed("one-time"), start)
			if err != nil {
				return err
			}
			if _, err := graph.ParseTargetArgs(args); err != nil {
				return Usage(err)
			}
			ctx := cmd.Context()
			s, err := env.Session(ctx)
			if err != nil {
				return err
			}
			const what = "Issue a Temporary Access Pass"
			if !dryRun {
				if err := env.requireWrite(s, "tap"); err != nil {
					return err
				}
				if err := env.canApprove(s, a, what); err != nil {
					return err
				}
			}
			u, err := resolveUser(ctx, s.Client, args[0])
			if err != nil {
				return err
			}
			if err := graph.CheckWrite(ctx, s.Client, graph.WriteCreateTAP, u.ID); err != nil {
				return err
			}
			// The tenant's TAP policy gives the defaults and the bounds:
			// refused here, before anything is sent.
			if req, err = graph.CheckTAP(ctx, s.Client, req); err != nil {
				return err
			}
			name := graph.CleanText(u.UserPrincipalName)
			plan := fmt.Sprintf("Plan: issue a Temporary Access Pass for %s, %s.", name, describeTAP(req))
			n := notifierFor(s, notifyFlagOf(cmd, notify), graph.NotifyTAP)
			var to mailOutcome
			if n != nil {
				to = n.recipient(ctx, s.Client, u)
				plan += "\n" + strings.ToUpper(to.Planned()[:1]) + to.Planned()[1:] + " (the pass itself is never mailed)."
			}
			if u.IsGuest() {
				env.note("Note: " + name + " is a guest; Graph refuses passes for guests.")
			}
			if methods, err := s.Client.ListMethods(ctx, u.ID); err == nil {
				for _, m := range methods {
					if m.Kind == graph.KindTAP {
						plan += "\nIt replaces the pass the user already has (created " + fmtTime(m.Created) + ")."
					}
				}
			}
			if dryRun {
				env.note(plan + "\nDry run: nothing changed.")
				return nil
			}
			env.note(plan)
			if ctx, err = env.approve(ctx, s, a, 1, what+" for "+name); err != nil {
				return err
			}
			// Shown once below: the engine hands the pass back and keeps it
			// in no journal.
			res := runOp(ctx, s.Client, u, ops.Request{Kind: ops.IssueTAP, TAP: req})
			if res.Err != nil {
				return res.Err
			}
			tap := *res.TAP
			doc := tapJSON{UserID: u.ID, UserPrincipalName: u.UserPrincipalName, TAP: tap, ExpiresDateTime: tap.Expires()}
			v := View{JSON: &doc,
				Header: []string{"USER", "TEMPORARY ACCESS PASS", "VALID FROM", "EXPIRES", "ONE-TIME"},
				Rows:   [][]string{{u.UserPrincipalName, tap.Value, fmtTime(tapStart(tap)), fmtTime(tap.Expires()), yesNo(tap.IsUsableOnce)}},
				// The pass is copied from this file: an apostrophe put in
				// front of a pass starting with = + - @ would break it.
				Verbatim: []int{1},
				Text:     func(w io.Writer) { env.tapText(w, name, tap) },
			}
			var mailed mailOutcome
			if n != nil {
				ticket := approvalFrom(ctx).Ticket
				mailed = n.send(ctx, s.Client, u, to, ticket, &tap)
				doc.Notify = mailed.String()
				v.Header = append(v.Header, "NOTIFY")
				v.Rows[0] = append(v.Rows[0], mailed.String())
				v.Text = func(w io.Writer) {
					env.tapText(w, name, tap)
					fmt.Fprintf(w, "Notification: %s.\n", mailed.String())
				}
			}
			if err := env.Emit(v); err != nil {
				return err
			}
			if mailed.Failed() {
				// The pass is issued; the mail is not: say so in the exit code.
				return silentExit(ExitFailed)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.DurationVar(&lifetime, "lifetime", time.Hour, "how long the pass works (default: the tenant's TAP policy default; 10m to 720h within the policy's bounds)")
	fl.BoolVar(&oneTime, "one-time", false, "the pass works for one sign-in only (default: as the tenant's TAP policy says; --one-time=false asks for a reusable pass)")
	fl.StringVar(&start, "start", "", "when the pass starts working (RFC 3339 or 2006-01-02 15:04; default now)")
	addApprovalFlags(cmd, &a)
	fl.BoolVar(&dryRun, "dry-run", false, "print the plan and change nothing")
	addNotifyFlag(cmd, &notify)
	return cmd
}

// tapRequest checks the pass options against Graph's limits. Options not
// given are left to the tenant's TAP policy (the same default as the TUI's).
func tapRequest(lifetime time.Duration, lifetimeSet, oneTime, oneTimeSet bool, start string) (graph.TAPRequest, error) {
	req := graph.TAPRequest{IsUsableOnce: oneTime, DefaultUse: !oneTimeSet}
	if lifetimeSet {
		if lifetime < 10*time.Minute || lifetime > 43200*time.Minute || lifetime%time.Minute != 0 {
			return req, Usagef("--lifetime %s: Graph accepts whole minutes from 10m to 720h (30 days)", lifetime)
		}
		req.LifetimeMinutes = int(lifetime / time.Minute)
	}
	if start != "" {
		var err error
		for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02 15:04"} {
			var t time.Time
			if t, err = time.ParseInLocation(layout, start, time.Local); err == nil {
				req.Start = t
				break
			}
		}
		if err != nil {
			return req, Usagef("--start %q: give a time like 2025-01-31 09:00 or RFC 3339", start)
		}
	}
	return req, nil
}

// describeTAP is the catalogue's words for a pass to be issued (the
// console's too).
func describeTAP(r graph.TAPRequest) string { return ops.TAPText(r) }

func fmtMinutes(m int) string { return ops.MinutesText(m) }

func tapStart(t graph.TAP) time.Time {
	if t.Start.IsZero() {
		return t.Created
	}
	return t.Start
}

// tapText shows the pass once, set apart so it is read and copied right.
func (e *Env) tapText(w io.Writer, name string, t graph.TAP) {
	fmt.Fprintf(w, "Temporary Access Pass for %s (shown once; mfadesk does not keep it):\n\n", name)
	fmt.Fprintf(w, "    %s\n\n", e.style(styleStrong, graph.CleanText(t.Value)))
	use := "reusable until it expires"
	if t.IsUsableOnce {
		use = "one sign-in only"
	}
	fmt.Fprintf(w, "Valid from %s until %s, %s.\n", fmtTime(tapStart(t)), fmtTime(t.Expires()), use)
	if t.MethodUsabilityReason != "" && !t.IsUsable {
		fmt.Fprintf(w, "Graph says: %s\n", graph.CleanText(t.MethodUsabilityReason))
	}
}
