package cli

import (
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/spf13/cobra"
)

func auditCmd(env *Env) *cobra.Command {
	var (
		since string
		top   int
	)
	cmd := &cobra.Command{
		Use:   "audit USER",
		Short: "Show who changed a user's methods and sessions (directory audit log)",
		Long: "List the directory audit events that target a user, newest first: who reset or " +
			"registered which method, revoked sessions or issued a Temporary Access Pass, and when.",
		Example: "  mfadesk audit alice@contoso.com --since 7d\n" +
			"  mfadesk audit alice@contoso.com -o json | jq '.[] | {activityDateTime, activityDisplayName, initiatedBy}'",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkUserQuery(args, since, top); err != nil {
				return err
			}
			from, _ := parseSince(since, time.Now())
			ctx := cmd.Context()
			s, err := env.Session(ctx)
			if err != nil {
				return err
			}
			u, err := resolveUser(ctx, s.Client, args[0])
			if err != nil {
				return err
			}
			events, err := s.Client.AuditEvents(ctx, u.ID, graph.AuditQuery{Since: from, Top: top})
			if err != nil {
				return err
			}
			if events == nil {
				events = []graph.AuditEvent{}
			}
			v := View{JSON: events,
				Header: []string{"TIME", "ACTIVITY", "RESULT", "INITIATED BY", "DETAILS"},
				Empty:  "No audit events for " + graph.CleanText(u.UserPrincipalName) + " since " + fmtTime(from) + ".",
			}
			for _, ev := range events {
				detail := ev.Details
				if ev.ResultReason != "" {
					detail = ev.ResultReason + " " + detail
				}
				v.Rows = append(v.Rows, []string{fmtTime(ev.Time), ev.Activity, ev.Result, ev.InitiatedBy, detail})
			}
			// Entra writes audit events 2-5 minutes after the change.
			env.note("Audit events take 2-5 minutes to appear: a change made just now may not be listed yet.")
			return env.Emit(v)
		},
	}
	cmd.Flags().StringVar(&since, "since", "30d", "how far back: a duration (72h, 7d) or a date (Entra keeps 30 days)")
	cmd.Flags().IntVar(&top, "top", 100, "at most this many events")
	return cmd
}
