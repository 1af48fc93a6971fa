package cli

import (
	"context"
	"fmt"

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
		o      targetOptions
		notify bool
	)
	cmd := &cobra.Command{
		Use:   "mfa-state USER... [disabled|enabled|enforced] | --csv FILE [STATE]",
		Short: ops.MustGet(ops.SetMFA).Short,
		Long: ops.MustGet(ops.SetMFA).Long + "\n\nMany users: name them, or pass --csv with a list of users " +
			"(ObjectId / UserPrincipalName column) and the state, or the legacy per-user MFA bulk file " +
			"(header Username,MFA Status; a state per row: Enabled, Enforced or Disabled). A file with any bad " +
			"row is refused whole, its lines named, and nothing is changed. Without a state the users' states are " +
			"printed (one beta request each, 20 to a $batch). Users already in the state are skipped; --notify " +
			"mails those whose state changed.",
		Example: "  mfadesk mfa-state alice@contoso.com\n  mfadesk mfa-state alice@contoso.com enforced --yes\n" +
			"  mfadesk mfa-state alice@contoso.com bob@contoso.com disabled\n  mfadesk mfa-state --csv mfa-bulk.csv --notify",
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) >= 1 {
				return []string{"disabled", "enabled", "enforced"}, cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if o.Resume != "" {
				return env.resumeRun(ctx, args, o, "Set per-user MFA", graph.OpSetMFA)
			}
			// A last argument that is a state is the state; the others
			// are users (a UPN or an object id is never a state word).
			var want graph.PerUserMFAState
			users := args
			if n := len(args); n > 0 {
				if st, err := graph.ParsePerUserMFAState(args[n-1]); err == nil {
					want, users = st, args[:n-1]
				} else if n == 2 && o.CSV == "" && !graph.LooksLikeUPN(args[1]) && !graph.IsGUID(args[1]) {
					return Usagef("state %q: use disabled, enabled or enforced", args[1])
				}
			}
			nf := notifyFlagOf(cmd, notify)
			if len(users) == 1 && o.CSV == "" && o.Journal == "" {
				return env.mfaStateOne(ctx, users[0], want, o, nf)
			}
			return env.mfaStateMany(ctx, users, want, o, nf)
		},
	}
	addTargetFlags(cmd, &o)
	addNotifyFlag(cmd, &notify)
	return cmd
}

// mfaStateOne shows or sets one user's state, reading it back after.
func (env *Env) mfaStateOne(ctx context.Context, user string, want graph.PerUserMFAState, o targetOptions, nf notifyFlag) error {
	if _, err := graph.ParseTargetArgs([]string{user}); err != nil {
		return Usage(err)
	}
	s, err := env.Session(ctx)
	if err != nil {
		return err
	}
	a, dryRun := o.approval, o.DryRun
	what := "Set per-user MFA"
	if want != "" && !dryRun {
		if err := env.requireWrite(s, "mfa-state "+string(want)); err != nil {
			return err
		}
		if err := env.canApprove(s, a, what); err != nil {
			return err
		}
	}
	u, err := resolveUser(ctx, s.Client, user)
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
	n := notifierFor(s, nf, graph.NotifyMFAState)
	if n != nil {
		plan += " Then mail the user (or their manager)."
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
	if n != nil {
		mo := n.send(ctx, s.Client, u, mailOutcome{}, approvalFrom(ctx).Ticket, nil)
		env.note("Notification mail: " + mo.String())
		if err := emit(); err != nil || !mo.Failed() {
			return err
		}
		return silentExit(ExitFailed)
	}
	return emit()
}
