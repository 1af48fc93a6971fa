package cli

import (
	"fmt"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
	"github.com/spf13/cobra"
)

// mfaStateJSON is mfa-state's --output json.
type mfaStateJSON struct {
	ID                string                `json:"id"`
	UserPrincipalName string                `json:"userPrincipalName"`
	PerUserMfaState   graph.PerUserMFAState `json:"perUserMfaState"`
	// Previous is the state before a change (set only when one was made).
	Previous graph.PerUserMFAState `json:"previousPerUserMfaState,omitempty"`
}

func mfaStateCmd(env *Env) *cobra.Command {
	var (
		a      approval
		dryRun bool
	)
	cmd := &cobra.Command{
		Use:     "mfa-state USER [disabled|enabled|enforced]",
		Short:   ops.MustGet(ops.SetMFA).Short,
		Long:    ops.MustGet(ops.SetMFA).Long,
		Example: "  mfadesk mfa-state alice@contoso.com\n  mfadesk mfa-state alice@contoso.com enforced --yes",
		Args:    cobra.RangeArgs(1, 2),
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 1 {
				return []string{"disabled", "enabled", "enforced"}, cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			var want graph.PerUserMFAState
			if len(args) == 2 {
				switch st := graph.PerUserMFAState(strings.ToLower(args[1])); st {
				case graph.PerUserMFADisabled, graph.PerUserMFAEnabled, graph.PerUserMFAEnforced:
					want = st
				default:
					return Usagef("state %q: use disabled, enabled or enforced", args[1])
				}
			}
			if _, err := graph.ParseTargetArgs(args[:1]); err != nil {
				return Usage(err)
			}
			ctx := cmd.Context()
			s, err := env.Session(ctx)
			if err != nil {
				return err
			}
			what := "Set per-user MFA"
			if want != "" && !dryRun {
				if err := env.requireWrite(s, "mfa-state "+string(want)); err != nil {
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
			cur, err := s.Client.PerUserMFA(ctx, u.ID)
			if err != nil {
				return err
			}
			doc := mfaStateJSON{ID: u.ID, UserPrincipalName: u.UserPrincipalName, PerUserMfaState: cur}
			emit := func() error {
				return env.Emit(View{JSON: doc, Header: []string{"USER", "PER-USER MFA"},
					Rows: [][]string{{u.UserPrincipalName, string(doc.PerUserMfaState)}}})
			}
			if want == "" {
				return emit()
			}
			if err := graph.CheckWrite(ctx, s.Client, graph.WriteSetPerUserMFA, u.ID); err != nil {
				return err
			}
			name := graph.CleanText(u.UserPrincipalName)
			if cur == want {
				env.note(fmt.Sprintf("%s: per-user MFA is already %s; nothing to do.", name, want))
				return emit()
			}
			plan := fmt.Sprintf("Plan: set per-user MFA of %s from %s to %s.", name, cur, want)
			if dryRun {
				env.note(plan + " (dry run: nothing changed)")
				return emit()
			}
			env.note(plan)
			if ctx, err = env.approve(ctx, s, a, 1, what+" of "+name+" to "+string(want)); err != nil {
				return err
			}
			if r := runOp(ctx, s.Client, u, ops.Request{Kind: ops.SetMFA, State: want}); r.Err != nil {
				return r.Err
			}
			// Read back: Graph may store another state than asked.
			got, err := s.Client.PerUserMFA(ctx, u.ID)
			if err != nil {
				got = want
			}
			doc.PerUserMfaState, doc.Previous = got, cur
			if got != want {
				env.note(fmt.Sprintf("Graph set %s rather than %s (the user already has a method registered).", got, want))
			}
			return emit()
		},
	}
	addApprovalFlags(cmd, &a)
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print the change and make none")
	return cmd
}
