package cli

// mfarequired.go: `mfadesk mfa-required USER...` and the Groups / MFA
// required sections of `show`. A command of its own as well as a section
// of show: the question "is MFA required for these users, and by what?"
// is asked for several users at once (a ticket lists a team), the
// policies are read once for all of them, and scripts want the answer
// alone (-o json, csv) without the methods and registration show reads.

import (
	"fmt"
	"io"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/spf13/cobra"
)

// mfaRequiredJSON is one user's answer in `mfa-required -o json`.
type mfaRequiredJSON struct {
	ID                string               `json:"id"`
	UserPrincipalName string               `json:"userPrincipalName"`
	DisplayName       string               `json:"displayName"`
	Groups            []graph.UserGroup    `json:"groups"`
	GroupsNote        string               `json:"groupsNote,omitempty"`
	Required          graph.MFARequirement `json:"mfaRequired"`
}

func mfaRequiredCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "mfa-required USER...",
		Short: "Is MFA required for a user, and by what (per-user MFA, security defaults, Conditional Access)?",
		Long: "Evaluate, for each user (object id or UPN), what requires multifactor authentication: the per-user MFA " +
			"state, security defaults, and every enabled Conditional Access policy whose grant asks for MFA or an " +
			"authentication strength, by the policy's users, groups (transitive) and directory roles; exclusions win. " +
			"Report-only policies are listed apart. Conditions mfadesk does not evaluate (apps, locations, platforms, " +
			"client apps, risk) are said as \"applies when ...\". The policies are read once for all users. " +
			"Needs Policy.Read.All and a Conditional Access reader role (Security Reader, Global Reader, ...); without " +
			"them the answer is \"unknown\".",
		Example: "  mfadesk mfa-required liam.chen@contoso.com\n  mfadesk mfa-required alice@contoso.com bob@contoso.com -o json | jq '.[].mfaRequired.verdict'",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := graph.ParseTargetArgs(args); err != nil {
				return Usage(err)
			}
			ctx := cmd.Context()
			s, err := env.Session(ctx)
			if err != nil {
				return err
			}
			var users []graph.User
			for _, a := range args {
				u, err := resolveUser(ctx, s.Client, a)
				if err != nil {
					return err
				}
				users = append(users, u)
			}
			pol := graph.ReadMFAPolicies(ctx, s.Client)
			docs := make([]mfaRequiredJSON, 0, len(users))
			for _, u := range users {
				m := graph.ReadUserMFA(ctx, s.Client, u, pol, nil)
				docs = append(docs, mfaRequiredJSON{ID: u.ID, UserPrincipalName: u.UserPrincipalName, DisplayName: u.DisplayName,
					Groups: m.Groups, GroupsNote: graph.GroupsNote(m.GroupsErr), Required: m.Required})
			}
			v := View{JSON: docs,
				Header: []string{"USER PRINCIPAL NAME", "MFA REQUIRED", "BY", "REPORT-ONLY", "UNKNOWN"},
				Text: func(w io.Writer) {
					for i, d := range docs {
						if i > 0 {
							fmt.Fprintln(w)
						}
						fmt.Fprintf(w, "%s  %s\n", env.style(styleHeader, graph.CleanText(d.DisplayName)), graph.CleanText(d.UserPrincipalName))
						env.mfaText(w, graph.UserMFA{Groups: d.Groups, Required: d.Required}, d.GroupsNote)
					}
				},
			}
			for _, d := range docs {
				r := d.Required
				var by, ro []string
				for _, x := range r.Reasons {
					by = append(by, x.Detail())
				}
				for _, x := range r.ReportOnly {
					ro = append(ro, x.Detail())
				}
				v.Rows = append(v.Rows, []string{d.UserPrincipalName, string(r.Verdict), strings.Join(by, " | "),
					strings.Join(ro, " | "), strings.Join(r.Unknown, " | ")})
			}
			return env.Emit(v)
		},
	}
}

// mfaText writes the Groups and MFA required sections (show and
// mfa-required).
func (e *Env) mfaText(w io.Writer, m graph.UserMFA, groupsNote string) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, e.style(styleHeader, "MFA required: "+m.Required.Line()))
	r := m.Required
	section := func(title string, rs []graph.MFAReason) {
		if len(rs) == 0 {
			return
		}
		fmt.Fprintln(w, "  "+title)
		for _, x := range rs {
			fmt.Fprintln(w, "    - "+x.Detail())
		}
	}
	section("Requires it:", r.Reasons)
	section("Report-only (not enforced):", r.ReportOnly)
	section("Would, but the user is excluded:", r.Excluded)
	for _, u := range r.Unknown {
		fmt.Fprintln(w, "  "+e.style(styleWarn, "Unknown: "+u))
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, e.style(styleHeader, "Groups"))
	switch {
	case groupsNote != "":
		fmt.Fprintln(w, "  "+e.style(styleWarn, groupsNote))
	case len(m.Groups) == 0:
		fmt.Fprintln(w, "  none")
	}
	for _, g := range m.Groups {
		fmt.Fprintln(w, "  "+graph.GroupLine(g))
	}
}
