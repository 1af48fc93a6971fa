package cli

import (
	"context"
	"fmt"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/spf13/cobra"
)

func revokeCmd(env *Env) *cobra.Command {
	var o targetOptions
	cmd := &cobra.Command{
		Use:   "revoke USER... | --csv FILE",
		Short: "Revoke users' sign-in sessions (they must sign in again everywhere)",
		Long: "Invalidate the refresh tokens and session cookies of one or more users, so every " +
			"app and device asks them to sign in again (within minutes). Does nothing for guests.",
		Example: "  mfadesk revoke alice@contoso.com\n  mfadesk revoke --csv leavers.csv --yes",
		RunE: func(cmd *cobra.Command, args []string) error {
			targets, err := env.readTargets(args, o.CSV)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			s, err := env.Session(ctx)
			if err != nil {
				return err
			}
			const what = "Revoke sign-in sessions"
			if !o.DryRun {
				if err := env.requireWrite(s, "revoke"); err != nil {
					return err
				}
				if err := env.canApprove(s, o.approval, what); err != nil {
					return err
				}
			}
			jobs := env.resolveJobs(ctx, s.Client, targets)
			planned := 0
			for _, j := range jobs {
				if j.Err == nil {
					j.Err = graph.CheckWrite(ctx, s.Client, graph.WriteRevokeSessions, j.User.ID)
				}
				if j.Err != nil {
					continue
				}
				planned++
				j.Plan = "revoke sign-in sessions"
				if j.User.IsGuest() {
					j.Plan = "revoke sign-in sessions (a guest: Graph accepts it but it has no effect)"
				}
			}
			if o.DryRun || planned == 0 {
				return env.emitResults(what, jobs, true, func(j *job) string { return j.Plan.(string) })
			}
			env.note(fmt.Sprintf("Plan: revoke the sign-in sessions of %d user(s):", planned))
			env.listPlanned(jobs, func(j *job) string { return j.Plan.(string) })
			if ctx, err = env.approve(ctx, s, o.approval, planned, what); err != nil {
				return err
			}
			env.forEach(ctx, "revoking", jobs, true, func(ctx context.Context, j *job) error {
				return s.Client.RevokeSessions(ctx, j.User.ID)
			})
			return env.emitResults(what, jobs, false, func(j *job) string { return "sessions revoked" })
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
