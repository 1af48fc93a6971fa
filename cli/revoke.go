package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
	"github.com/spf13/cobra"
)

func revokeCmd(env *Env) *cobra.Command {
	var o targetOptions
	cmd := &cobra.Command{
		Use:     "revoke USER... | --csv FILE",
		Short:   ops.MustGet(ops.Revoke).Short,
		Long:    ops.MustGet(ops.Revoke).Long,
		Example: "  mfadesk revoke alice@contoso.com\n  mfadesk revoke --csv leavers.csv --yes",
		RunE: func(cmd *cobra.Command, args []string) error {
			const what = "Revoke sign-in sessions"
			ctx := cmd.Context()
			if o.Resume != "" {
				return env.resumeRun(ctx, args, o, what, graph.OpRevoke)
			}
			targets, err := env.readTargets(args, o.CSV)
			if err != nil {
				return err
			}
			s, err := env.Session(ctx)
			if err != nil {
				return err
			}
			if !o.DryRun {
				if err := env.requireWrite(s, "revoke"); err != nil {
					return err
				}
				if err := env.canApprove(s, o.approval, what); err != nil {
					return err
				}
			}
			plan := func(j *job) string { s, _ := j.Plan.(string); return s }
			// Every user is looked up first: an unknown one rejects the
			// list (unless --skip-unknown), whatever its size.
			jobs, err := env.resolveJobs(ctx, s.Client, targets, o)
			if err != nil {
				return err
			}
			if err := env.checkRisks(ctx, s, jobs, o, graph.WriteRevokeSessions); err != nil {
				return err
			}
			for _, j := range jobs {
				if j.Err == nil {
					if err := graph.CheckWrite(ctx, s.Client, graph.WriteRevokeSessions, j.User.ID); err != nil &&
						!(o.DryRun && errors.Is(err, graph.ErrReadOnly)) {
						j.Err = err
					}
				}
				if j.Err != nil {
					continue
				}
				j.Plan = "revoke sign-in sessions"
				if j.User.IsGuest() {
					j.Plan = "revoke sign-in sessions (a guest: Graph accepts it but it has no effect)"
				}
			}
			planned := 0
			for _, j := range jobs {
				if j.Err == nil {
					planned++
				}
			}
			if o.DryRun || planned == 0 {
				return env.emitResults(what, jobs, o.DryRun, plan)
			}
			env.note(fmt.Sprintf("Plan: revoke the sign-in sessions of %d user(s):", planned))
			env.listPlanned(jobs, plan)
			if ctx, err = env.approve(ctx, s, o.approval, planned, what); err != nil {
				return err
			}
			if planned > 1 || o.Journal != "" {
				return env.runBulk(ctx, s, what, graph.Operation{Kind: graph.OpRevoke}, jobs, o.bulkOptions)
			}
			env.forEach(ctx, "revoking", jobs, true, func(ctx context.Context, j *job) error {
				return runOp(ctx, s.Client, j.User, ops.Request{Kind: ops.Revoke}).Err
			})
			// revokeSignInSessions takes a few minutes to reach every app
			// (user-revokesigninsessions.md): say so, so nobody retries it.
			err = env.emitResults(what, jobs, false, func(j *job) string { return "sessions revoked" })
			env.note("A revoke takes a few minutes to reach every app: the user may stay signed in briefly.")
			return err
		},
	}
	addTargetFlags(cmd, &o)
	return cmd
}

// planPreview is how many users' plans are printed before a confirmation;
// --dry-run prints them all.
const planPreview = 20

// listPlanned prints the per-user plan on stderr before a confirmation.
func (e *Env) listPlanned(jobs []*job, line func(j *job) string) {
	n, failed := 0, 0
	for _, j := range jobs {
		if j.Err != nil {
			failed++
			continue
		}
		if n < planPreview {
			e.note("  " + j.name() + ": " + line(j))
		}
		n++
	}
	if n > planPreview {
		e.note(fmt.Sprintf("  … and %d more (--dry-run lists every user)", n-planPreview))
	}
	if failed > 0 {
		e.note(fmt.Sprintf("%d user(s) cannot be done and will be reported as failed:", failed))
		for _, j := range jobs {
			if j.Err != nil {
				e.note("  " + j.name() + ": " + oneLine(j.Err))
			}
		}
	}
}
