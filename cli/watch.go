package cli

// mfadesk watch: the tenant's sign-in failures as they arrive (issue
// 13.9), one line each, with MFA fatigue and fraud reports flagged, until
// ctrl+c (exit 0). Polled within the reports budget (graph.Watch).

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/spf13/cobra"
)

func init() { register(watchCmd) }

func watchCmd(env *Env) *cobra.Command {
	var lookback time.Duration
	cmd := &cobra.Command{
		Use:   "watch",
		Short: "Print the tenant's sign-in failures as they arrive, flagging MFA fatigue and fraud reports",
		Long: "Poll the sign-in log (GET /auditLogs/signIns filtered on createdDateTime, needs Entra ID P1 and a role " +
			"that reads sign-ins) every 10 seconds, inside the reports budget, backing off when Graph refuses, and print " +
			"each new failure as a line: time, user, error code, reason. A user with repeated MFA prompts declined or not " +
			"answered (500121) within 15 minutes is flagged as MFA fatigue; a prompt reported as fraud is flagged at once. " +
			"Sign-ins reach the log a few minutes late. ctrl+c stops (exit 0).",
		Example: "  mfadesk watch\n  mfadesk watch --since 1h",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if lookback < 0 || lookback > 24*time.Hour {
				return Usagef("--since %s: give 0 to 24h", lookback)
			}
			ctx := cmd.Context()
			s, err := env.Session(ctx)
			if err != nil {
				return err
			}
			return env.watch(ctx, s.Client, graph.NewWatch(s.Client, time.Now, lookback), graph.SleepCtx)
		},
	}
	cmd.Flags().DurationVar(&lookback, "since", 15*time.Minute, "also show the failures of this long before now")
	return cmd
}

// watch polls until ctx ends (ctrl+c: no error). sleep waits between
// polls (tests pass one that moves a fake clock).
func (e *Env) watch(ctx context.Context, c graph.Client, w *graph.Watch, sleep func(context.Context, time.Duration) error) error {
	flagged := map[string]bool{}
	for {
		fresh, err := w.Poll(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			if errors.Is(err, graph.ErrDenied) || errors.Is(err, graph.ErrUnlicensed) {
				return err // a refusal does not go away by waiting
			}
			e.note(fmt.Sprintf("warning: %s; trying again in %s", oneLine(err), w.NextPoll(err).Round(time.Second)))
		}
		for _, s := range fresh {
			fmt.Fprintln(e.Stdout, watchLine(s))
		}
		for _, a := range graph.DetectAlerts(w.Failures()) {
			key := string(a.Kind) + a.UserID + a.First.String()
			if flagged[key] {
				continue
			}
			flagged[key] = true
			fmt.Fprintln(e.Stdout, alertLine(a))
		}
		if err := sleep(ctx, w.NextPoll(err)); err != nil {
			return nil
		}
	}
}

// watchLine is one failure: time, user, code, reason (cleaned).
func watchLine(s graph.SignIn) string {
	c := graph.CleanText
	reason := c(s.Status.FailureReason)
	if d := c(s.Status.AdditionalDetails); d != "" {
		reason += " (" + d + ")"
	}
	return fmt.Sprintf("%s  %-30s  %-7d %s", s.CreatedDateTime.Local().Format("15:04:05"), c(s.UserPrincipalName), s.Status.ErrorCode, reason)
}

// alertLine flags a user.
func alertLine(a graph.Alert) string {
	c := graph.CleanText
	switch a.Kind {
	case graph.AlertFraud:
		return fmt.Sprintf("!! FRAUD REPORTED  %s reported an MFA prompt as fraud at %s: someone has their password; block sign-in and reset it",
			c(a.UPN), a.Last.Local().Format("15:04:05"))
	}
	return fmt.Sprintf("!! MFA FATIGUE  %s: %d prompts declined or unanswered %s-%s: someone may have their password; revoke sessions and reset it",
		c(a.UPN), a.Count, a.First.Local().Format("15:04"), a.Last.Local().Format("15:04"))
}
