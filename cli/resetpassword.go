package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
	"github.com/spf13/cobra"
)

// passwordJSON is reset-password's --output json. NewPassword is filled
// only with --show-password (a JSON document ends up in files and
// pipelines; the default output shows the password once on the terminal).
type passwordJSON struct {
	UserID            string `json:"userId"`
	UserPrincipalName string `json:"userPrincipalName"`
	NewPassword       string `json:"newPassword,omitempty"`
	// Confirmed: Graph's reset operation reached "succeeded".
	Confirmed bool   `json:"confirmed"`
	Status    string `json:"status"`
	// ForceChangeNextSignIn is always true: Graph makes the user change
	// a reset password at the next sign-in.
	ForceChangeNextSignIn bool `json:"forceChangePasswordNextSignIn"`
}

func init() { register(resetPasswordCmd) }

func resetPasswordCmd(env *Env) *cobra.Command {
	var (
		a      approval
		dryRun bool
		show   bool
	)
	o := ops.MustGet(ops.ResetPassword)
	cmd := &cobra.Command{
		Use:   string(o.Name) + " USER",
		Short: o.Short,
		Long:  o.Long,
		Example: "  mfadesk reset-password alice@contoso.com --ticket INC-42\n" +
			"  mfadesk reset-password alice@contoso.com --dry-run\n" +
			"  mfadesk reset-password alice@contoso.com --yes --ticket INC-42 -o json --show-password",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a.checklist = o.Checklist
			if _, err := graph.ParseTargetArgs(args); err != nil {
				return Usage(err)
			}
			// The password exists once, on the way out: an output that
			// would leave it out is refused before anything changes.
			if f := env.Flags.Output; (f == "json" || f == "csv") && !show && !dryRun {
				return Usagef("-o %s leaves the new password out unless you add --show-password (it then goes into that output); "+
					"without either, nothing was changed", f)
			}
			ctx := cmd.Context()
			s, err := env.Session(ctx)
			if err != nil {
				return err
			}
			what := o.Label
			if !dryRun {
				if err := env.requireWrite(s, string(o.Name)); err != nil {
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
			// The catalogue's rule (role and target table, yourself,
			// guests) and the guard, as the generated commands ask them.
			me, meErr := s.Client.Me(ctx)
			oc := ops.Context{Operator: me, OperatorKnown: meErr == nil,
				Guard: func(k graph.WriteKind, userID string) error {
					err := graph.CheckWrite(ctx, s.Client, k, userID)
					if dryRun && errors.Is(err, graph.ErrReadOnly) {
						return nil
					}
					return err
				},
				Target: func(u graph.User) *graph.TargetRoles {
					if tr, ok, err := graph.ReadTargetRoles(ctx, s.Client, u.ID); ok && err == nil {
						return &tr
					}
					return nil
				}}
			if ok, why := o.Available(oc, u); !ok {
				return Denied(fmt.Errorf("%s for %s: %s; nothing was changed", strings.ToLower(what), graph.CleanText(u.UserPrincipalName), why))
			}
			name := graph.CleanText(u.UserPrincipalName)
			plan := o.Plan([]graph.User{u})
			env.note(fmt.Sprintf("Plan: reset the password of %s:", name))
			for _, st := range plan.Steps {
				env.note("  - " + st)
			}
			env.note("Stays as it is: " + strings.Join(plan.Keeps, "; ") + ".")
			for _, w := range plan.Warnings {
				env.note("Note: " + w)
			}
			if dryRun {
				env.note("Dry run: nothing changed.")
				return nil
			}
			if ctx, err = env.approve(ctx, s, a, 1, what+" for "+name); err != nil {
				return err
			}
			ap := approvalFrom(ctx)
			r := ops.Run(ctx, s.Client, u, ops.Request{Kind: ops.ResetPassword, Ticket: ap.Ticket, Checklist: ap.Checklist}, time.Now)
			if r.Err != nil {
				return r.Err
			}
			pr := *r.Password
			doc := passwordJSON{UserID: u.ID, UserPrincipalName: u.UserPrincipalName, Confirmed: pr.Confirmed,
				Status: pr.Status, ForceChangeNextSignIn: true}
			row := []string{u.UserPrincipalName, "", pr.Status}
			if show {
				doc.NewPassword = pr.Password.Reveal()
				row[1] = pr.Password.Reveal()
			}
			return env.Emit(View{JSON: &doc,
				Header: []string{"USER", "NEW PASSWORD", "STATUS"},
				Rows:   [][]string{row},
				// Copied from the file as it is: an apostrophe in front of a
				// password starting with = + - @ would change it.
				Verbatim: []int{1},
				Text:     func(w io.Writer) { env.passwordText(w, name, pr) },
			})
		},
	}
	fl := cmd.Flags()
	addApprovalFlags(cmd, &a)
	fl.BoolVar(&dryRun, "dry-run", false, "print the plan and change nothing")
	fl.BoolVar(&show, "show-password", false, "include the new password in -o json or -o csv (the default output always shows it, once)")
	return cmd
}

// passwordText shows the new password once, set apart so it is read and
// copied right.
func (e *Env) passwordText(w io.Writer, name string, r graph.PasswordReset) {
	fmt.Fprintf(w, "Temporary password for %s (shown once; mfadesk does not keep it):\n\n", name)
	fmt.Fprintf(w, "    %s\n\n", e.style(styleStrong, graph.CleanText(r.Password.Reveal())))
	if r.Confirmed {
		fmt.Fprintln(w, "Graph: reset succeeded. The user must change it at the next sign-in.")
	} else {
		fmt.Fprintf(w, "Graph: %s. The user must change it at the next sign-in.\n", graph.CleanText(r.Status))
	}
	fmt.Fprintln(w, "Sessions already open stay open: run mfadesk revoke too, to sign the user out everywhere now.")
}
