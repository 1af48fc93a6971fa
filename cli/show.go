package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/spf13/cobra"
)

// showJSON is `show --output json`: the user object with its registration
// and methods, Graph's names throughout.
type showJSON struct {
	graph.User
	Registration    *graph.Registration   `json:"registration"`
	Methods         []graph.Method        `json:"methods"`
	PerUserMfaState graph.PerUserMFAState `json:"perUserMfaState,omitempty"`
	// IdentityRisk is the user's Identity Protection risk (riskyUser),
	// absent when it could not be read; riskUnknown says why.
	IdentityRisk *graph.IdentityRisk `json:"identityRisk,omitempty"`
	riskUnknown  string
	// Groups and MfaRequired: the user's groups and what requires MFA
	// of them (mfarequired.go).
	Groups      []graph.UserGroup     `json:"groups"`
	MfaRequired *graph.MFARequirement `json:"mfaRequired,omitempty"`
}

func showCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "show USER",
		Short: "Show a user's MFA registration and authentication methods",
		Long: "Show one user (object id or UPN): account, MFA / SSPR registration status, " +
			"per-user MFA state and every registered authentication method.",
		Example: "  mfadesk show alice@contoso.com\n  mfadesk show alice@contoso.com -o json | jq '.methods[].kind'",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := graph.ParseTargetArgs(args); err != nil {
				return Usage(err)
			}
			ctx := cmd.Context()
			s, err := env.Session(ctx)
			if err != nil {
				return err
			}
			u, err := resolveUser(ctx, s.Client, args[0])
			if err != nil {
				return err
			}
			methods, err := s.Client.ListMethods(ctx, u.ID)
			if err != nil {
				return err
			}
			doc := showJSON{User: u, Methods: methods}
			if doc.Methods == nil {
				doc.Methods = []graph.Method{}
			}
			// Registration details and per-user MFA need other permissions
			// (reports, beta requirements) than the methods; without them the
			// rest is still worth showing.
			var notes []string
			if reg, err := s.Client.Registration(ctx, u.ID); err == nil {
				doc.Registration = &reg
			} else if errors.Is(err, graph.ErrUnlicensed) {
				notes = append(notes, "Registration details unavailable: the registration report needs Microsoft Entra ID P1 or P2, which this tenant lacks. The methods above are read directly and every action still works.")
			} else if errors.Is(err, graph.ErrNotFound) && !u.AccountEnabled {
				notes = append(notes, "No registration details: Graph's registration report does not cover disabled accounts.")
			} else if errors.Is(err, graph.ErrNotFound) {
				notes = append(notes, "No registration details yet (Graph adds users to the report within a day).")
			} else {
				notes = append(notes, "Registration details unavailable: "+oneLine(err))
			}
			var perUser *graph.PerUserMFAState
			if st, err := s.Client.PerUserMFA(ctx, u.ID); err == nil {
				doc.PerUserMfaState = st
				perUser = &st
			} else {
				notes = append(notes, "Per-user MFA state unavailable: "+oneLine(err))
			}
			// Groups and "is MFA required?": a 403 on the policies or the
			// groups says so in the section, never fails show. (An
			// unreadable per-user state is read again there: one request,
			// only when it failed.)
			mfa := graph.ReadUserMFA(ctx, s.Client, u, graph.ReadMFAPolicies(ctx, s.Client), perUser)
			doc.Groups, doc.MfaRequired = mfa.Groups, &mfa.Required
			groupsNote := graph.GroupsNote(mfa.GroupsErr)

			// Identity Protection needs its own permission, a security role
			// and Entra ID P2: say what is missing rather than fail.
			if r, err := s.Client.UserRisk(ctx, u.ID); err == nil {
				doc.IdentityRisk = &r
			} else if errors.Is(err, graph.ErrDenied) || errors.Is(err, graph.ErrUnlicensed) {
				doc.riskUnknown = "unknown — needs IdentityRiskyUser.Read.All and Entra ID P2"
			} else if !errors.Is(err, graph.ErrUnsupported) {
				doc.riskUnknown = "unavailable: " + oneLine(err)
			}

			v := View{JSON: doc,
				Header: []string{"USER", "KIND", "DETAIL", "DEFAULT", "CREATED", "METHOD ID"},
				Text: func(w io.Writer) {
					env.showText(w, doc, notes)
					env.mfaText(w, graph.UserMFA{Groups: doc.Groups, Required: *doc.MfaRequired}, groupsNote)
				},
			}
			for _, m := range methods {
				v.Rows = append(v.Rows, []string{u.UserPrincipalName, methodKindName(m), m.Detail, yesNo(m.IsDefault), fmtTime(m.Created), m.ID})
			}
			if env.Flags.Output != "table" {
				for _, n := range notes {
					env.note(n)
				}
			}
			return env.Emit(v)
		},
	}
}

func (e *Env) showText(w io.Writer, d showJSON, notes []string) {
	u := d.User
	fmt.Fprintf(w, "%s  %s\n", e.style(styleHeader, graph.CleanText(u.DisplayName)), graph.CleanText(u.UserPrincipalName))
	account := "enabled"
	if !u.AccountEnabled {
		account = "DISABLED"
	}
	pairs := [][2]string{
		{"Object id", u.ID},
		{"Account", account + ", " + strings.ToLower(orDash(u.UserType))},
		{"Department", orDash(u.Department)},
		{"Job title", orDash(u.JobTitle)},
		{"Mail", orDash(u.Mail)},
	}
	if !u.SignInSessionsValidFrom.IsZero() {
		pairs = append(pairs, [2]string{"Sessions valid from", fmtTime(u.SignInSessionsValidFrom)})
	}
	if d.PerUserMfaState != "" {
		pairs = append(pairs, [2]string{"Per-user MFA", string(d.PerUserMfaState)})
	}
	switch r := d.IdentityRisk; {
	case r != nil:
		risk := r.Summary()
		if !r.LastUpdated.IsZero() {
			risk += ", updated " + fmtTime(r.LastUpdated)
		}
		if r.AtRisk() {
			risk += " (a risk-based policy may block sign-in: mfadesk dismiss-risk once the account is secured)"
		}
		pairs = append(pairs, [2]string{"Identity risk", risk})
	case d.riskUnknown != "":
		pairs = append(pairs, [2]string{"Identity risk", d.riskUnknown})
	}
	e.kv(w, pairs)

	if r := d.Registration; r != nil {
		fmt.Fprintln(w)
		fmt.Fprintln(w, e.style(styleHeader, "Registration"))
		e.kv(w, [][2]string{
			{"MFA registered", yesNo(r.IsMfaRegistered)},
			{"MFA capable", yesNo(r.IsMfaCapable)},
			{"SSPR registered", yesNo(r.IsSsprRegistered) + " (enabled: " + yesNo(r.IsSsprEnabled) + ")"},
			{"Passwordless capable", yesNo(r.IsPasswordlessCapable)},
			{"Admin", yesNo(r.IsAdmin)},
			{"Default method", orDash(r.UserPreferredMethodForSecondaryAuthentication)},
			{"Methods registered", orDash(strings.Join(r.MethodsRegistered, ", "))},
			{"Last updated", fmtTime(r.LastUpdated)},
		})
	}
	// With system-preferred MFA on, Entra prompts for the system's pick,
	// not the default (graph.Prompted).
	p := graph.Prompted(d.Methods, d.Registration)
	prompted := -1
	if p.System {
		switch {
		case p.Index >= 0 && !d.Methods[p.Index].IsDefault:
			prompted = p.Index
			fmt.Fprintln(w)
			e.kv(w, [][2]string{{"Entra prompts", methodKindName(d.Methods[p.Index]) +
				" (system-preferred MFA is on: the default method is not used; from the " + p.Source + ")"}})
		case p.Index >= 0:
			fmt.Fprintln(w)
			e.kv(w, [][2]string{{"Entra prompts", methodKindName(d.Methods[p.Index]) + " (system-preferred MFA is on and picks the default)"}})
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, e.style(styleHeader, "Authentication methods"))
	rows := make([][]string, 0, len(d.Methods))
	for i, m := range d.Methods {
		def := ""
		switch {
		case i == prompted:
			def = "prompted"
		case m.IsDefault && prompted >= 0:
			def = "default, not used"
		case m.IsDefault:
			def = "default"
		}
		rows = append(rows, []string{methodKindName(m), m.Detail, def, fmtTime(m.Created)})
	}
	if len(rows) == 0 {
		fmt.Fprintln(w, "  none")
	} else {
		e.writeTable(w, []string{"KIND", "DETAIL", "", "ADDED"}, rows)
	}
	for _, n := range notes {
		fmt.Fprintln(w)
		fmt.Fprintln(w, e.style(styleWarn, n))
	}
}

// methodKindName is a method's kind as Graph spells it (graph's naming
// table).
func methodKindName(m graph.Method) string { return graph.MethodKindName(m) }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// fmtTime prints times in local time, to the minute (tables) — JSON keeps
// Graph's full UTC timestamps.
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04")
}
