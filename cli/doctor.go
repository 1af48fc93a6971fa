package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mfadesk/mfadesk/config"
	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/auth"
)

// `mfadesk doctor`: signs in and tells the truth about what this operator
// may do, and why not where not, from the access token's claims (scp,
// roles, wids) and the permission table in graph/permissions.go. It also
// probes the tenant for Entra ID P1 and the Temporary Access Pass policy.

func init() { register(doctorCmd) }

// DoctorReport is `mfadesk doctor --output json`.
type DoctorReport struct {
	Config   DoctorConfig    `json:"config"`
	Operator *DoctorOperator `json:"operator,omitempty"`
	// SignInError says why no operator could be read.
	SignInError string         `json:"signInError,omitempty"`
	Actions     []DoctorAction `json:"actions"`
	Tenant      DoctorTenant   `json:"tenant"`
	Notes       []string       `json:"notes,omitempty"`
}

type DoctorConfig struct {
	Path      string `json:"path,omitempty"`
	FileFound bool   `json:"fileFound"`
	Profile   string `json:"profile,omitempty"`
	Tenant    string `json:"tenant,omitempty"`
	Cloud     string `json:"cloud"`
	Authority string `json:"authorityHost"`
	Graph     string `json:"graphEndpoint"`
	SignIn    string `json:"signIn"`
	ReadOnly  bool   `json:"readOnly"`
	// ReadOnlyWhy says where read-only comes from.
	ReadOnlyWhy string `json:"readOnlyWhy,omitempty"`
	// Scopes are what mfadesk asks the authority for.
	Scopes []string `json:"scopes,omitempty"`
}

type DoctorOperator struct {
	Kind              string   `json:"kind"` // "user" or "app"
	ID                string   `json:"id,omitempty"`
	DisplayName       string   `json:"displayName,omitempty"`
	UserPrincipalName string   `json:"userPrincipalName,omitempty"`
	TenantID          string   `json:"tenantId,omitempty"`
	AppID             string   `json:"appId,omitempty"`
	EffectiveRole     string   `json:"effectiveRole"`
	Scopes            []string `json:"scopes,omitempty"`
	AppRoles          []string `json:"appRoles,omitempty"`
	DirectoryRoles    []string `json:"directoryRoles,omitempty"`
	RoleTemplateIDs   []string `json:"roleTemplateIds,omitempty"`
	// TokenExpires is when the access token in use expires (zero: no token).
	TokenExpires time.Time `json:"tokenExpires,omitzero"`
}

type DoctorAction struct {
	Action    graph.Action `json:"action"`
	Label     string       `json:"label"`
	Available bool         `json:"available"`
	// Missing says exactly what is missing when not available.
	Missing string `json:"missing,omitempty"`
	// OnAdmins is whether the action also works on users holding an admin
	// role (nil when the target's roles make no difference).
	OnAdmins      *bool  `json:"onAdmins,omitempty"`
	AdminsMissing string `json:"adminsMissing,omitempty"`
	Note          string `json:"note,omitempty"`
}

type DoctorTenant struct {
	// EntraP1 is "yes", "no" or "unknown" (sign-in logs and the registration report need P1).
	EntraP1       string `json:"entraIdP1"`
	EntraP1Detail string `json:"entraIdP1Detail,omitempty"`
	// TAPPolicy is "enabled", "disabled" or "unknown".
	TAPPolicy       string `json:"tapPolicy"`
	TAPPolicyDetail string `json:"tapPolicyDetail,omitempty"`
}

func doctorCmd(env *Env) *cobra.Command {
	var capture, compare string
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Sign in and show what this operator may do, and what is missing",
		Long: "Signs in with the selected profile, then shows the tenant, the cloud, the operator (user or app), " +
			"the permissions granted in the access token (scp for a user, roles for an app), the directory roles " +
			"(wids), and for every action whether it is available, and if not exactly which permission or role is " +
			"missing. It also checks the tenant for Entra ID P1 (sign-in logs and the registration report need it) and the Temporary Access Pass policy.\n\n" +
			"--capture DIR also reads, read-only, every kind of answer mfadesk uses (a user, their methods, sign-in preferences, " +
			"registration, per-user MFA, roles, manager, sign-ins, audit events, the registration report) and saves their shapes: " +
			"property names, JSON types, @odata.type values and error codes, one file per endpoint. No value, name, id or query is saved. " +
			"--compare DIR reads the same and reports where this tenant's answers differ from the shapes in DIR " +
			"(fields missing here, fields DIR lacks, types that disagree); it exits 1 when fields are missing or types disagree. " +
			"The fake tenant's shapes ship in cli/testdata/shapes: run --compare against them on a real tenant, or " +
			"`mfadesk --demo doctor --compare DIR` to check the fake against a tenant's capture.",
		Example: "  mfadesk doctor\n  mfadesk --profile fabrikam doctor -o json\n" +
			"  mfadesk doctor --capture ./contoso-shapes\n  mfadesk --demo doctor --compare ./contoso-shapes",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if capture != "" && compare != "" {
				return Usagef("--capture and --compare are separate runs; give one")
			}
			var recorded []Shape
			if compare != "" {
				var err error
				if recorded, err = readShapes(compare); err != nil {
					return Usage(err)
				}
			}
			if capture != "" || compare != "" {
				env.shapes = newShapeRecorder(nil)
			}
			rep, err := env.doctor(cmd.Context())
			if err == nil && env.shapes != nil {
				env.probeShapes(cmd.Context(), rep)
			}
			if err == nil && compare != "" {
				return env.emitShapeDiff(compare, compareShapes(recorded, env.shapes.Shapes()))
			}
			if err == nil && capture != "" {
				shapes := env.shapes.Shapes()
				if werr := writeShapes(capture, shapes); werr != nil {
					return Failed(fmt.Errorf("save the shapes: %w", werr))
				}
				rep.Notes = append(rep.Notes, fmt.Sprintf("saved the shapes of %d endpoints' answers in %s (names and types only, no values)", len(shapes), capture))
			}
			if emitErr := env.Emit(View{
				JSON:   rep,
				Header: []string{"action", "available", "on admins", "missing"},
				Rows:   rep.actionRows(),
				Text:   func(w io.Writer) { env.doctorText(w, rep) },
			}); emitErr != nil {
				return emitErr
			}
			return err
		},
	}
	cmd.Flags().StringVar(&capture, "capture", "", "save the shapes (names and types, no values) of this tenant's answers in `DIR`")
	cmd.Flags().StringVar(&compare, "compare", "", "compare this tenant's answers with the shapes saved in `DIR`")
	return cmd
}

// probeShapes sends the reads mfadesk uses that doctor itself does not,
// about the operator (or, for an app, the first user found), so their
// answers' shapes are recorded. Failures are answers too: recorded, not
// reported.
func (e *Env) probeShapes(ctx context.Context, rep *DoctorReport) {
	s, err := e.Session(ctx)
	if err != nil || s.Client == nil {
		return
	}
	c := s.Client
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	id := ""
	if rep.Operator != nil && rep.Operator.Kind == "user" {
		id = rep.Operator.ID
	}
	if page, err := c.SearchUsers(ctx, "a", 1); err == nil && len(page.Items) > 0 && id == "" {
		id = page.Items[0].ID
	}
	if id == "" {
		return
	}
	_, _ = c.ResolveUser(ctx, id)
	_, _ = c.ListMethods(ctx, id)
	_, _ = c.Registration(ctx, id)
	_, _ = c.PerUserMFA(ctx, id)
	_, _, _ = graph.ReadTargetRoles(ctx, c, id)
	_, _, _ = graph.ReadManager(ctx, c, id)
	// The sign-in log was read by the P1 probe; with these, five requests
	// to the reports service, its documented budget per 10 seconds.
	_, _ = c.AuditEvents(ctx, id, graph.AuditQuery{Since: time.Now().Add(-7 * 24 * time.Hour), Top: 5})
	_, _ = c.Registrations(ctx, graph.RegistrationFilter{PageSize: 5})
}

// emitShapeDiff prints how this tenant's answers differ from the shapes
// in dir; missing fields or disagreeing types end with exit 1.
func (e *Env) emitShapeDiff(dir string, diffs []ShapeDiff) error {
	bad := false
	for _, d := range diffs {
		if len(d.Missing) > 0 || len(d.Types) > 0 {
			bad = true
		}
	}
	err := e.Emit(View{
		JSON: struct {
			Compared string      `json:"compared"`
			Diffs    []ShapeDiff `json:"diffs"`
		}{dir, diffs},
		Text: func(w io.Writer) {
			if len(diffs) == 0 {
				fmt.Fprintf(w, "This tenant's answers have the shapes recorded in %s.\n", dir)
				return
			}
			for _, d := range diffs {
				fmt.Fprintln(w, e.style(styleHeader, d.Endpoint))
				switch {
				case d.OnlyRecorded:
					fmt.Fprintln(w, "  answered in the recording only (not read here, or not offered by this tenant)")
				case d.OnlyHere:
					fmt.Fprintln(w, "  answered here only (not in the recording)")
				}
				for _, p := range d.Missing {
					fmt.Fprintln(w, "  missing here:  "+p)
				}
				for _, p := range d.Types {
					fmt.Fprintln(w, "  type differs:  "+p)
				}
				for _, p := range d.Extra {
					fmt.Fprintln(w, "  not recorded:  "+p)
				}
			}
		},
	})
	if err != nil {
		return err
	}
	if bad {
		return silentExit(ExitFailed)
	}
	return nil
}

// doctor builds the report. The error is a failed sign-in or session; the
// report holds what was learned before it.
func (e *Env) doctor(ctx context.Context) (*DoctorReport, error) {
	rep := &DoctorReport{Tenant: DoctorTenant{EntraP1: "unknown", TAPPolicy: "unknown"}}
	l, lerr := e.LoadConfig()
	if lerr != nil && !errors.Is(lerr, config.ErrNoConfig) && !e.Flags.Demo {
		return rep, Usage(lerr)
	}
	s, err := e.Session(ctx)
	if err != nil {
		if l != nil {
			rep.Config = configSection(l, nil)
		}
		rep.SignInError = graph.CleanText(err.Error())
		return rep, err
	}
	cred, scopes := e.sessionCredential()
	rep.Config = configSection(l, s)
	rep.Config.Scopes = scopes
	if s.Demo != nil {
		rep.Notes = append(rep.Notes, "demo tenant: no token is sent; the operator is the demo tenant's built-in admin")
	}

	op, err := s.Client.Me(ctx)
	if err != nil {
		rep.SignInError = graph.CleanText(err.Error())
		if h := consentForSignIn(l, err); h != "" {
			rep.SignInError += "\n" + h
		}
		return rep, err
	}
	o := operatorSection(op)
	if cred != nil {
		// The same cached token the client used: no new sign-in.
		if c, err := auth.TokenClaimsFor(ctx, cred, scopes); err == nil {
			o.TokenExpires = c.ExpiresOn
		}
	}
	rep.Operator = &o
	if cred == nil && len(op.Scopes) == 0 && len(op.AppRoles) == 0 {
		rep.Notes = append(rep.Notes, "no access token: permissions are not known, only directory roles are checked")
	}
	if n := consentNote(l, missingConsent(scopes, op.Scopes)); n != "" && !op.IsApp {
		rep.Notes = append(rep.Notes, n)
	}
	rep.Actions = actionsFor(op, s.ReadOnly, s.ReadOnlyWhy)
	rep.Tenant.EntraP1, rep.Tenant.EntraP1Detail = probeP1(ctx, s.Client, op)
	rep.Tenant.TAPPolicy, rep.Tenant.TAPPolicyDetail = probeTAPPolicy(ctx, s.Client)
	return rep, nil
}

func configSection(l *config.Loaded, s *Session) DoctorConfig {
	var c DoctorConfig
	if l != nil {
		p := l.Profile
		e := p.Endpoints()
		c = DoctorConfig{Path: l.Path, FileFound: l.FileFound, Tenant: p.Tenant, Cloud: string(p.Cloud),
			Authority: e.AuthorityHost, Graph: e.Graph, SignIn: auth.Mode(p), ReadOnly: p.ReadOnly}
		if l.FileFound {
			c.Profile = p.Name
		}
	}
	if s != nil {
		c.Graph = s.Endpoint
		c.ReadOnly, c.ReadOnlyWhy = s.ReadOnly, s.ReadOnlyWhy
		if s.Auth != "default" && s.Auth != "" {
			c.SignIn = s.Auth
		}
		if s.Demo != nil {
			c = DoctorConfig{Graph: s.Endpoint, SignIn: "none (demo tenant)", Tenant: s.TenantName,
				ReadOnly: s.ReadOnly, ReadOnlyWhy: s.ReadOnlyWhy}
		}
	}
	return c
}

func operatorSection(op graph.Operator) DoctorOperator {
	o := DoctorOperator{Kind: "user", ID: op.ID, DisplayName: op.DisplayName, UserPrincipalName: op.UserPrincipalName,
		TenantID: op.TenantID, AppID: op.AppID, EffectiveRole: op.EffectiveRole(), Scopes: op.Scopes,
		AppRoles: op.AppRoles, DirectoryRoles: op.DirectoryRoles, RoleTemplateIDs: op.RoleTemplateIDs}
	if op.IsApp {
		o.Kind = "app"
	}
	return o
}

// actionsFor applies the permission table to the operator.
func actionsFor(op graph.Operator, readOnly bool, readOnlyWhy string) []DoctorAction {
	var out []DoctorAction
	admin := graph.AnyAdminTarget()
	for _, r := range graph.Requirements() {
		a := DoctorAction{Action: r.Action, Label: r.Label, Note: r.Note}
		a.Available, a.Missing = op.Allows(r.Action, nil)
		if a.Available && r.Target != graph.TargetAny && !op.IsApp {
			ok, why := op.Allows(r.Action, admin)
			a.OnAdmins, a.AdminsMissing = &ok, why
		}
		if readOnly && r.Write {
			why := "read-only mode"
			if readOnlyWhy != "" {
				why += " (" + readOnlyWhy + ")"
			}
			if !a.Available {
				why += "; also " + a.Missing
			}
			a.Available, a.Missing, a.OnAdmins, a.AdminsMissing = false, why, nil, ""
		}
		out = append(out, a)
	}
	return out
}

// probeP1 asks for one sign-in: a tenant without Entra ID P1 answers 403
// with a licence error, which the client classifies as ErrUnlicensed.
func probeP1(ctx context.Context, c graph.Client, op graph.Operator) (string, string) {
	if ok, why := op.Allows(graph.ActionSignIns, nil); !ok {
		return "unknown", "not checked: reading sign-in logs " + why
	}
	id := op.ID
	if op.IsApp || id == "" {
		page, err := c.SearchUsers(ctx, "a", 1)
		if err != nil || len(page.Items) == 0 {
			return "unknown", "not checked: no user to ask about"
		}
		id = page.Items[0].ID
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, err := c.SignIns(ctx, id, graph.SignInQuery{Since: time.Now().Add(-24 * time.Hour), Top: 1})
	switch {
	case err == nil:
		return "yes", "sign-in logs are readable"
	case errors.Is(err, graph.ErrUnlicensed):
		return "no", "the tenant has no Entra ID P1 or P2: the sign-in log and the MFA registration report are unavailable, " +
			"so `signins`, `report`, the registration part of `show` and the report's admin flag (isAdmin) cannot be read; " +
			"methods, resets, re-registration, revoke and TAP still work"
	case errors.Is(err, graph.ErrDenied):
		return "unknown", "sign-in logs refused: " + graph.CleanText(err.Error())
	}
	return "unknown", graph.CleanText(err.Error())
}

// probeTAPPolicy reads the Temporary Access Pass policy when the operator
// may, so doctor can say "TAP is off" before anyone tries to issue one.
func probeTAPPolicy(ctx context.Context, c graph.Client) (string, string) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	p, ok, err := graph.ReadTAPPolicy(ctx, c)
	switch {
	case !ok:
		return "unknown", "not checked: this client cannot read the policy"
	case errors.Is(err, graph.ErrDenied):
		needs := ""
		if ge, ok := graph.AsError(err); ok && ge.Needs != "" {
			needs = ": needs " + ge.Needs
		}
		return "unknown", "not allowed to read the policy" + needs
	case errors.Is(err, graph.ErrNotFound), errors.Is(err, graph.ErrBadRequest):
		return "unknown", "not checked: this Graph endpoint does not serve the policy"
	case err != nil:
		return "unknown", "not checked: " + graph.CleanText(err.Error())
	case !p.Enabled():
		return p.State, "Temporary Access Pass is off in the authentication methods policy: issuing a TAP will fail"
	}
	return p.State, fmt.Sprintf("default lifetime %d minutes (%d to %d allowed), one-time use %s",
		p.DefaultLifetimeInMinutes, p.MinimumLifetimeInMinutes, p.MaximumLifetimeInMinutes, yesNo(p.IsUsableOnce))
}

func (r *DoctorReport) actionRows() [][]string {
	rows := make([][]string, len(r.Actions))
	for i, a := range r.Actions {
		admins := "-"
		missing := a.Missing
		if a.OnAdmins != nil {
			admins = yesNo(*a.OnAdmins)
			if !*a.OnAdmins {
				missing = a.AdminsMissing
			}
		}
		rows[i] = []string{a.Label, yesNo(a.Available), admins, missing}
	}
	return rows
}

func (e *Env) doctorText(w io.Writer, r *DoctorReport) {
	c := r.Config
	fmt.Fprintln(w, e.style(styleHeader, "Configuration"))
	where := "none (defaults, environment and flags)"
	if c.FileFound {
		where = fmt.Sprintf("%s (profile %s)", c.Path, c.Profile)
	} else if c.Path != "" {
		where = "no file at " + c.Path + " (run: mfadesk config init)"
	}
	mode := "changes allowed"
	if c.ReadOnly {
		mode = "read-only"
		if c.ReadOnlyWhy != "" {
			mode += ": " + c.ReadOnlyWhy
		}
	}
	pairs := [][2]string{{"config", where}}
	if c.Tenant != "" {
		pairs = append(pairs, [2]string{"tenant", c.Tenant})
	}
	if c.Cloud != "" {
		pairs = append(pairs, [2]string{"cloud", c.Cloud})
	}
	if c.Authority != "" {
		pairs = append(pairs, [2]string{"authority", c.Authority})
	}
	pairs = append(pairs, [2]string{"graph", c.Graph}, [2]string{"sign-in", c.SignIn}, [2]string{"mode", mode})
	if len(c.Scopes) > 0 {
		pairs = append(pairs, [2]string{"asks for", shortScopes(c.Scopes)})
	}
	e.kv(indent(w), pairs)

	if r.SignInError != "" {
		fmt.Fprintln(w)
		fmt.Fprintln(w, e.style(styleBad, "Sign-in failed")+": "+cleanLines(r.SignInError))
		return
	}
	if o := r.Operator; o != nil {
		fmt.Fprintln(w)
		fmt.Fprintln(w, e.style(styleHeader, "Operator"))
		who := o.DisplayName
		if o.UserPrincipalName != "" {
			who += " <" + o.UserPrincipalName + ">"
		}
		if o.Kind == "app" {
			who = "application " + o.AppID + " (app-only)"
		}
		pairs := [][2]string{{"who", strings.TrimSpace(who)}, {"role", o.EffectiveRole}}
		if o.TenantID != "" {
			pairs = append(pairs, [2]string{"tenant id", o.TenantID})
		}
		if o.AppID != "" && o.Kind == "user" {
			pairs = append(pairs, [2]string{"app id", o.AppID})
		}
		if o.Kind == "user" {
			pairs = append(pairs, [2]string{"scopes (scp)", orNone(strings.Join(o.Scopes, " "))})
		} else {
			pairs = append(pairs, [2]string{"app roles", orNone(strings.Join(o.AppRoles, " "))})
		}
		pairs = append(pairs, [2]string{"directory roles", orNone(strings.Join(o.DirectoryRoles, ", "))})
		if !o.TokenExpires.IsZero() {
			pairs = append(pairs, [2]string{"token", "expires " + o.TokenExpires.Local().Format("2006-01-02 15:04")})
		}
		e.kv(indent(w), pairs)
	}
	if len(r.Actions) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, e.style(styleHeader, "What this operator can do"))
		e.writeTable(indent(w), []string{"ACTION", "AVAILABLE", "ON ADMINS", "MISSING"}, r.actionRows())
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, e.style(styleHeader, "Tenant"))
	e.kv(indent(w), [][2]string{
		{"Entra ID P1", joinDetail(r.Tenant.EntraP1, r.Tenant.EntraP1Detail)},
		{"TAP policy", joinDetail(r.Tenant.TAPPolicy, r.Tenant.TAPPolicyDetail)},
	})
	for _, n := range r.Notes {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "note: "+graph.CleanText(n))
	}
}

func joinDetail(v, d string) string {
	if d == "" {
		return v
	}
	return v + ": " + d
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// shortScopes drops the resource prefix: "https://graph.microsoft.com/User.Read" -> "User.Read".
func shortScopes(scopes []string) string {
	out := make([]string, len(scopes))
	for i, s := range scopes {
		if j := strings.LastIndex(s, "/"); j >= 0 && strings.Contains(s, "://") {
			out[i] = s[j+1:]
			if out[i] == ".default" {
				out[i] = s + " (the app's granted permissions)"
			}
		} else {
			out[i] = s
		}
	}
	return strings.Join(out, " ")
}

// indent writes through w with two leading spaces per line.
func indent(w io.Writer) io.Writer { return &indenter{w: w, bol: true} }

type indenter struct {
	w   io.Writer
	bol bool
}

func (in *indenter) Write(p []byte) (int, error) {
	for _, b := range p {
		if in.bol {
			if _, err := in.w.Write([]byte("  ")); err != nil {
				return 0, err
			}
		}
		if _, err := in.w.Write([]byte{b}); err != nil {
			return 0, err
		}
		in.bol = b == '\n'
	}
	return len(p), nil
}
