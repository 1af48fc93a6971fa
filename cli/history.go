package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/history"
	"github.com/spf13/cobra"
)

func init() { register(historyCmd) }

// historyCmd reads the local change history (graph/history): every change
// mfadesk made from this account on this machine, with its ticket. It needs
// no sign-in and never talks to Graph.
func historyCmd(env *Env) *cobra.Command {
	var (
		user, since, file string
		last              int
	)
	cmd := &cobra.Command{
		Use:   "history",
		Short: "Show the changes mfadesk made from this machine (local change history)",
		Long: "List the changes recorded in mfadesk's local change history, oldest first: when, " +
			"to whom, what, the result, the ticket or reason and the verification checklist " +
			"confirmed, who did it and Graph's request-id. It reads a local file and needs no " +
			"sign-in; the directory audit log (mfadesk audit) is the tenant's own record.\n\n" +
			"The file is $MFADESK_HISTORY_FILE, else $XDG_STATE_HOME/mfadesk/history.jsonl, " +
			"else ~/.local/state/mfadesk/history.jsonl.",
		Example: "  mfadesk history --user alice@contoso.com\n" +
			"  mfadesk history --since 7d -o csv > changes.csv\n" +
			"  mfadesk history -o json | jq '.[] | select(.result != \"ok\")'",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := history.Filter{User: strings.TrimSpace(user), Last: last}
			if since != "" {
				t, err := parseSince(since, time.Now())
				if err != nil {
					return Usagef("--since %w", err)
				}
				f.Since = t
			}
			if last < 0 {
				return Usagef("--last %d: give a positive number (0 for all)", last)
			}
			path := file
			if path == "" {
				p, err := history.PathFrom(env.Getenv)
				if err != nil {
					return err
				}
				path = p
			}
			entries, skipped, err := history.ReadFile(path, f)
			if err != nil {
				return err
			}
			if skipped > 0 {
				env.note(fmt.Sprintf("%d unreadable line(s) in %s were skipped (a write cut short, or an edited file).", skipped, path))
			}
			if entries == nil {
				entries = []history.Entry{}
			}
			empty := "No changes recorded in " + path
			if f.User != "" {
				empty += " for " + f.User
			}
			if !f.Since.IsZero() {
				empty += " since " + fmtTime(f.Since)
			}
			v := View{JSON: entries,
				Header: []string{"TIME", "USER", "CHANGE", "RESULT", "TICKET", "CHECKLIST", "OPERATOR", "REQUEST ID"},
				Empty:  empty + ".",
			}
			for _, e := range entries {
				v.Rows = append(v.Rows, historyRow(e))
			}
			return env.Emit(v)
		},
	}
	cmd.Flags().StringVar(&user, "user", "", "only changes to this user (UPN, object id, or the part of the UPN before @)")
	cmd.Flags().StringVar(&since, "since", "", "only changes since: a duration (72h, 7d) or a date (2025-01-31)")
	cmd.Flags().IntVar(&last, "last", 0, "only the newest N changes (0: all)")
	cmd.Flags().StringVar(&file, "file", "", "read this history file instead of the default")
	return cmd
}

// historyRow is one entry as table / CSV cells. The file is local but may
// have been edited: every cell is cleaned again by the table writer, and
// here for CSV.
func historyRow(e history.Entry) []string {
	who := e.UPN
	if who == "" {
		who = e.UserID
	}
	change := e.Op.Describe()
	if e.Detail != "" {
		change += ": " + e.Detail
	}
	result := e.Result
	if e.Error != "" {
		result += ": " + e.Error
	}
	operator := e.Operator
	if e.Via != "" {
		operator = strings.TrimSpace(operator + " (" + e.Via + ")")
	}
	row := []string{fmtTime(e.Time), who, change, result, e.Ticket, strings.Join(e.Checklist, "; "), operator, e.RequestID}
	for i := range row {
		row[i] = graph.CleanText(row[i])
	}
	return row
}
