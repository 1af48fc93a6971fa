package cli

// Commands generated from the operation catalogue (graph/ops): an
// operation that is one change per user (ops.Operation.Change: block and
// unblock sign-in) gets its verb, help, plan and availability rule from
// its catalogue entry, and runs as every change command does: every user
// looked up first, risks named, the guard and the catalogue's rule asked,
// the plan printed, a confirmation (--yes off a terminal; --dry-run
// changes nothing), then the change for each user through the write path.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
	"github.com/spf13/cobra"
)

// catalogueCmds are the commands of the catalogue's one-change operations.
func catalogueCmds(env *Env) []*cobra.Command {
	var out []*cobra.Command
	for _, o := range ops.All() {
		if o.Change != nil {
			out = append(out, changeCmd(env, o))
		}
	}
	return out
}

func changeCmd(env *Env, o ops.Operation) *cobra.Command {
	var t targetOptions
	name := string(o.Name)
	cmd := &cobra.Command{
		Use:   name + " USER... | --csv FILE",
		Short: o.Short,
		Long:  o.Long,
		Example: "  mfadesk " + name + " alice@contoso.com\n" +
			"  mfadesk " + name + " alice@contoso.com --dry-run\n" +
			"  mfadesk " + name + " --csv users.csv --yes --ticket INC-42",
		RunE: func(cmd *cobra.Command, args []string) error {
			return env.runChange(cmd.Context(), o, args, t)
		},
	}
	cmd.Flags().StringVar(&t.CSV, "csv", "", "read the users from a CSV file with an ObjectId, Id or UserPrincipalName column (- for stdin)")
	addApprovalFlags(cmd, &t.approval)
	cmd.Flags().BoolVar(&t.DryRun, "dry-run", false, "print the plan and change nothing")
	cmd.Flags().BoolVar(&t.SkipUnknown, "skip-unknown", false, "go ahead for the others when some users do not exist (default: refuse the list)")
	cmd.Flags().BoolVar(&t.IncludeSelf, "include-self", false, "allow the change to include your own account (refused otherwise)")
	return cmd
}

// runChange is a one-change operation on the users named.
func (e *Env) runChange(ctx context.Context, o ops.Operation, args []string, t targetOptions) error {
	what := o.Label
	t.checklist = o.Checklist
	targets, err := e.readTargets(args, t.CSV)
	if err != nil {
		return err
	}
	s, err := e.Session(ctx)
	if err != nil {
		return err
	}
	if !t.DryRun {
		if err := e.requireWrite(s, string(o.Name)); err != nil {
			return err
		}
		if err := e.canApprove(s, t.approval, what); err != nil {
			return err
		}
	}
	jobs, err := e.resolveJobs(ctx, s.Client, targets, t)
	if err != nil {
		return err
	}
	if err := e.checkRisks(ctx, s, jobs, t, o.Changes[0]); err != nil {
		return err
	}
	// The catalogue's rule, told what the command knows: the operator,
	// each target's directory roles, the guard (read-only is the dry
	// run's business: it still shows the plan).
	me, meErr := s.Client.Me(ctx)
	oc := ops.Context{Operator: me, OperatorKnown: meErr == nil,
		Guard: func(k graph.WriteKind, userID string) error {
			err := graph.CheckWrite(ctx, s.Client, k, userID)
			if t.DryRun && errors.Is(err, graph.ErrReadOnly) {
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
	e.forEach(ctx, "checking", jobs, false, func(ctx context.Context, j *job) error {
		if o.Prepare != nil {
			// What the rule needs beyond the lookup (the identity risk).
			j.User = o.Prepare(ctx, s.Client, j.User)
		}
		if ok, why := o.Available(oc, j.User); !ok {
			return Denied(errors.New(why))
		}
		return nil
	})
	plan := o.Plan(nil)
	planned := 0
	for _, j := range jobs {
		if j.Err == nil {
			j.Plan = strings.Join(plan.Steps, "; ")
			planned++
		}
	}
	line := func(j *job) string { s, _ := j.Plan.(string); return s }
	if t.DryRun || planned == 0 {
		return e.emitResults(what, jobs, t.DryRun, line)
	}
	e.note(fmt.Sprintf("Plan: %s for %d user(s):", strings.ToLower(what), planned))
	e.listPlanned(jobs, line)
	if len(plan.Keeps) > 0 {
		e.note("Stays as it is: " + strings.Join(plan.Keeps, "; ") + ".")
	}
	for _, w := range plan.Warnings {
		e.note("Note: " + w)
	}
	if ctx, err = e.approve(ctx, s, t.approval, planned, what); err != nil {
		return err
	}
	e.forEach(ctx, strings.ToLower(what), jobs, true, func(ctx context.Context, j *job) error {
		return runOp(ctx, s.Client, j.User, ops.Request{Kind: o.Name}).Err
	})
	return e.emitResults(what, jobs, false, func(j *job) string { return o.Done })
}
