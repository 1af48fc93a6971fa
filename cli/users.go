package cli

import (
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/spf13/cobra"
)

// maxUserPage is the largest $top list users accepts.
const maxUserPage = 999

func usersCmd(env *Env) *cobra.Command {
	var top int
	var all bool
	cmd := &cobra.Command{
		Use:   "users QUERY",
		Short: "Find users by name, UPN or mail",
		Long: "Search the directory's users by display name, user principal name or mail " +
			"(Graph $search). An object id or a full UPN is looked up exactly.",
		Example: "  mfadesk users alice\n  mfadesk users \"o'brien\" -o json | jq -r '.[].userPrincipalName'",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if all && !cmd.Flags().Changed("top") {
				// Everything is wanted: the largest page list users
				// accepts (api-reference/v1.0/api/user-list.md, $top
				// 1 to 999), so 50,000 users take 51 requests, not 2,000.
				top = maxUserPage
			}
			if top < 1 || top > maxUserPage {
				return Usagef("--top %d: use 1 to 999", top)
			}
			s, err := env.Session(cmd.Context())
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			query := strings.Join(args, " ")
			page, err := s.Client.SearchUsers(ctx, query, top)
			if err != nil {
				return err
			}
			users := page.Items
			pager := graph.NewPager("list users")
			for all && page.Next != "" {
				if err := pager.Follow(page.Next); err != nil {
					return err
				}
				if page, err = s.Client.NextUsers(ctx, page.Next); err != nil {
					return err
				}
				users = append(users, page.Items...)
			}
			if users == nil {
				users = []graph.User{}
			}
			v := View{
				JSON:   users,
				Header: []string{"DISPLAY NAME", "USER PRINCIPAL NAME", "ID", "DEPARTMENT", "JOB TITLE", "ENABLED", "TYPE"},
				Empty:  "No users match " + quoteArg(query) + ".",
			}
			for _, u := range users {
				v.Rows = append(v.Rows, []string{u.DisplayName, u.UserPrincipalName, u.ID, u.Department, u.JobTitle, yesNo(u.AccountEnabled), u.UserType})
			}
			if err := env.Emit(v); err != nil {
				return err
			}
			if page.Next != "" {
				env.note("More users match; narrow the query, or pass --all.")
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&top, "top", 25, "users per page (with --all and no --top: 999, the largest)")
	cmd.Flags().BoolVar(&all, "all", false, "fetch every page of matches")
	return cmd
}
