package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/config"
	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/auth"
	"github.com/mfadesk/mfadesk/graph/auth/authtest"
	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/graph/msgraph"
)

// doctor tests: the real sign-in path (config file -> auth.NewCredential ->
// azidentity's DeviceCodeCredential) against the loopback fake authority,
// then the real Graph client against the fake tenant, which enforces scopes
// and roles from the same token.

const (
	docOperatorID = "0d0c7000-0000-4000-8000-000000000001" // the signed-in technician (no roles in the directory)
	docUserID     = "0d0c7000-0000-4000-8000-000000000002" // an ordinary user
	docAdminID    = "0d0c7000-0000-4000-8000-000000000003" // a Global Administrator
)

func docTenant() *fake.TenantData {
	created := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	user := func(id, name, upn string, roles ...string) fake.UserData {
		return fake.UserData{ID: id, DisplayName: name, UserPrincipalName: upn, AccountEnabled: true, UserType: "Member",
			Roles: roles, PerUserMFAState: "disabled", PreferredMethod: "push",
			Methods: []fake.MethodData{
				{Kind: fake.KindPassword, ID: fake.PasswordMethodID, Created: created},
				{Kind: fake.KindAuthenticator, ID: id[:24] + "0000000000a1", DisplayName: "Pixel 8", Created: created},
			}}
	}
	return &fake.TenantData{TenantID: fake.TenantID, DisplayName: "Contoso", Domain: "contoso.com", Users: []fake.UserData{
		user(docOperatorID, "Tess Tech", "tess@contoso.com"),
		user(docUserID, "Uma User", "uma@contoso.com"),
		user(docAdminID, "Ada Admin", "ada.admin@contoso.com", graph.RoleGlobalAdmin),
	}}
}

type docSetup struct {
	authority *authtest.Authority
	tenant    *fake.Server
	cfg       string
}

// setupDoctor starts the fake authority (signing the technician in with
// scopes and wids) and the fake tenant, and writes a config file pointing at
// both.
func setupDoctor(t *testing.T, scopes, wids []string, readOnly bool, opts fake.Options) docSetup {
	t.Helper()
	a := authtest.Start(authtest.Options{PendingPolls: 1, User: authtest.Identity{
		OID: docOperatorID, UPN: "tess@contoso.com", Name: "Tess Tech", Scopes: scopes, WIDs: wids}})
	t.Cleanup(a.Close)
	opts.Data = docTenant()
	srv, err := fake.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)

	cfg := filepath.Join(t.TempDir(), "config.yaml")
	content := fmt.Sprintf(`defaultProfile: helpdesk
profiles:
  helpdesk:
    tenant: %s
    clientId: %s
    auth: devicecode
    authorityHost: %s
    graphEndpoint: %s
    readOnly: %v
`, a.TenantID(), a.ClientID(), a.Host, srv.URL, readOnly)
	if err := os.WriteFile(cfg, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	// The fake authority's test certificate, and no keyring in tests.
	old := authTestOptions
	authTestOptions = []auth.Option{auth.WithHTTPClient(a.Client), auth.WithMemoryCache()}
	t.Cleanup(func() { authTestOptions = old })
	return docSetup{a, srv, cfg}
}

func runWithEnv(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	e := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string {
			if k == "MFADESK_HISTORY_FILE" {
				return filepath.Join(t.TempDir(), "history.jsonl")
			}
			return env[k]
		}}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return result{Run(ctx, e, args), out.String(), errb.String()}
}

func action(t *testing.T, rep DoctorReport, a graph.Action) DoctorAction {
	t.Helper()
	for _, x := range rep.Actions {
		if x.Action == a {
			return x
		}
	}
	t.Fatalf("no action %s in %+v", a, rep.Actions)
	return DoctorAction{}
}

func TestDoctorReadOnlyOperator(t *testing.T) {
	s := setupDoctor(t, auth.DelegatedPermissions(true, false, false), []string{graph.RoleGlobalReader}, true, fake.Options{})
	r := runWithEnv(t, nil, "--config", s.cfg, "doctor", "-o", "json")
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	rep := mustJSON[DoctorReport](t, r)
	if rep.Operator == nil || rep.Operator.Kind != "user" || rep.Operator.UserPrincipalName != "tess@contoso.com" ||
		rep.Operator.EffectiveRole != "Global Reader" || rep.Operator.TokenExpires.IsZero() {
		t.Fatalf("operator = %+v", rep.Operator)
	}
	if !rep.Config.ReadOnly || rep.Config.Profile != "helpdesk" || rep.Config.SignIn != "devicecode" || rep.Config.Tenant != s.authority.TenantID() {
		t.Errorf("config = %+v", rep.Config)
	}
	// Read-only asks for no write scope, of the authority and in the report.
	for _, asked := range s.authority.Scopes() {
		for _, sc := range asked {
			if strings.Contains(sc, "ReadWrite") || strings.Contains(sc, "RevokeSessions") {
				t.Errorf("read-only asked for %s", sc)
			}
		}
	}
	for _, a := range []graph.Action{graph.ActionReadUsers, graph.ActionReadMethods, graph.ActionSignIns, graph.ActionAudit, graph.ActionReport} {
		if x := action(t, rep, a); !x.Available {
			t.Errorf("%s not available: %s", a, x.Missing)
		}
	}
	reset := action(t, rep, graph.ActionReset)
	if reset.Available || !strings.Contains(reset.Missing, `read-only mode (profile "helpdesk" is read-only (file config.yaml:`) ||
		!strings.Contains(reset.Missing, "also needs delegated permission UserAuthenticationMethod.ReadWrite.All") {
		t.Errorf("reset = %+v", reset)
	}
	if rep.Tenant.EntraP1 != "yes" {
		t.Errorf("P1 = %s %s", rep.Tenant.EntraP1, rep.Tenant.EntraP1Detail)
	}
	// a Global Reader with the read scopes reads the TAP policy
	if rep.Tenant.TAPPolicy != "enabled" || !strings.Contains(rep.Tenant.TAPPolicyDetail, "default lifetime 60 minutes") {
		t.Errorf("TAP policy = %s %s", rep.Tenant.TAPPolicy, rep.Tenant.TAPPolicyDetail)
	}
	// The device code was shown on stderr, and no token anywhere.
	if !strings.Contains(r.stderr, "enter the code FAKE") {
		t.Errorf("stderr = %q", r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "eyJ") {
		t.Error("a token was printed")
	}
}

func TestDoctorAuthenticationAdministrator(t *testing.T) {
	s := setupDoctor(t, auth.DelegatedPermissions(false, false, false), []string{graph.RoleAuthAdmin}, false, fake.Options{})
	r := runWithEnv(t, nil, "--config", s.cfg, "doctor")
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	out := r.stdout
	for _, want := range []string{
		"Tess Tech <tess@contoso.com>", "Authentication Administrator",
		"UserAuthenticationMethod.ReadWrite.All",
		"the target is an admin: needs the Privileged Authentication Administrator or Global Administrator role",
		"needs the Reports Reader, Security Reader, Security Operator, Security Administrator, Global Reader or Global Administrator role",
		"Entra ID P1  unknown: not checked: reading sign-in logs needs the Reports Reader",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
	var resetLine string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "reset MFA") {
			resetLine = strings.Join(strings.Fields(l), " ")
		}
	}
	if !strings.HasPrefix(resetLine, "reset MFA yes no the target is an admin") {
		t.Errorf("reset line = %q", resetLine)
	}

	// Doctor tells the truth: what it says about this operator is what the
	// tenant does, with the same token.
	rep := mustJSON[DoctorReport](t, runWithEnv(t, nil, "--config", s.cfg, "doctor", "-o", "json"))
	c := directClient(t, s)
	ctx := context.Background()
	admin, user := methodOf(t, c, docAdminID), methodOf(t, c, docUserID)
	err := errOf(c.Apply(ctx, graph.DeleteMethod{UserID: docAdminID, Method: admin}))
	if x := action(t, rep, graph.ActionDeleteMethod); x.OnAdmins == nil || *x.OnAdmins || !errors.Is(err, graph.ErrDenied) {
		t.Errorf("delete on an admin: doctor %+v, tenant %v", x, err)
	}
	if err := errOf(c.Apply(ctx, graph.DeleteMethod{UserID: docUserID, Method: user})); err != nil || !action(t, rep, graph.ActionDeleteMethod).Available {
		t.Errorf("delete on a user: tenant %v", err)
	}
	_, err = c.SignIns(ctx, docUserID, graph.SignInQuery{Top: 1})
	if action(t, rep, graph.ActionSignIns).Available || !errors.Is(err, graph.ErrDenied) {
		t.Errorf("sign-ins: doctor says available=%v, tenant %v", action(t, rep, graph.ActionSignIns).Available, err)
	}
	if err := errOf(c.Apply(ctx, graph.RevokeSessions{UserID: docUserID})); err != nil || !action(t, rep, graph.ActionRevoke).Available {
		t.Errorf("revoke: %v", err)
	}
}

// directClient signs the same technician in again and returns a Graph
// client on the fake tenant.
func directClient(t *testing.T, s docSetup) graph.Client {
	t.Helper()
	l, err := config.Load(config.Options{Path: s.cfg, LookupEnv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	cred, err := auth.NewCredential(context.Background(), l.Profile, func(auth.DeviceCodePrompt) {},
		auth.WithHTTPClient(s.authority.Client), auth.WithMemoryCache())
	if err != nil {
		t.Fatal(err)
	}
	c, err := msgraph.NewClient(msgraph.ClientOptions{Endpoint: s.tenant.URL, Credential: cred, Scopes: auth.ScopesFor(l.Profile)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func methodOf(t *testing.T, c graph.Client, userID string) graph.Method {
	t.Helper()
	ms, err := c.ListMethods(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Deletable() {
			return m
		}
	}
	t.Fatalf("no deletable method for %s", userID)
	return graph.Method{}
}

func TestDoctorPrivilegedAuthenticationAdministrator(t *testing.T) {
	s := setupDoctor(t, auth.DelegatedPermissions(false, false, false),
		[]string{graph.RolePrivilegedAuthAdmin, graph.RoleReportsReader}, false, fake.Options{NoP1: true})
	r := runWithEnv(t, nil, "--config", s.cfg, "doctor", "-o", "json")
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	rep := mustJSON[DoctorReport](t, r)
	// neither role may read the authentication methods policy: doctor says what would
	if rep.Tenant.TAPPolicy != "unknown" || !strings.Contains(rep.Tenant.TAPPolicyDetail, "not allowed to read the policy: needs Policy.Read.AuthenticationMethod") {
		t.Errorf("TAP policy = %s %s", rep.Tenant.TAPPolicy, rep.Tenant.TAPPolicyDetail)
	}
	if rep.Operator.EffectiveRole != "Privileged Authentication Administrator" {
		t.Errorf("role = %q", rep.Operator.EffectiveRole)
	}
	for _, a := range []graph.Action{graph.ActionReset, graph.ActionTAP, graph.ActionRevoke, graph.ActionDeleteMethod} {
		x := action(t, rep, a)
		if !x.Available || x.OnAdmins == nil || !*x.OnAdmins {
			t.Errorf("%s = %+v", a, x)
		}
	}
	if x := action(t, rep, graph.ActionSendMail); x.Available || !strings.Contains(x.Missing, "Mail.Send") {
		t.Errorf("send mail without notify scopes = %+v", x)
	}
	// without P1 the registration report goes too (usage and insights),
	// not only the sign-in log
	if rep.Tenant.EntraP1 != "no" || !strings.Contains(rep.Tenant.EntraP1Detail, "the sign-in log and the MFA registration report are unavailable") ||
		!strings.Contains(rep.Tenant.EntraP1Detail, "`report`") || !strings.Contains(rep.Tenant.EntraP1Detail, "methods, resets") {
		t.Errorf("P1 = %s: %s", rep.Tenant.EntraP1, rep.Tenant.EntraP1Detail)
	}
	c := directClient(t, s)
	if err := errOf(c.Apply(context.Background(), graph.DeleteMethod{UserID: docAdminID, Method: methodOf(t, c, docAdminID)})); err != nil {
		t.Errorf("the tenant refused what doctor promised: %v", err)
	}
	// CSV: one row per action.
	r = runWithEnv(t, nil, "--config", s.cfg, "doctor", "-o", "csv")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "action,available,on admins,missing\n") || strings.Count(r.stdout, "\n") != len(graph.Requirements())+1 {
		t.Errorf("csv:\n%s", r)
	}
}

func TestDoctorAppOnly(t *testing.T) {
	s := setupDoctor(t, nil, nil, false, fake.Options{})
	r := runWithEnv(t, map[string]string{"AZURE_CLIENT_SECRET": "test-secret", "MFADESK_AUTH": "secret"}, "--config", s.cfg, "doctor", "-o", "json")
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	rep := mustJSON[DoctorReport](t, r)
	if rep.Operator.Kind != "app" || rep.Operator.EffectiveRole != "app-only" ||
		!slices.Equal(rep.Config.Scopes, []string{"https://graph.microsoft.com/.default"}) {
		t.Errorf("report = %+v %+v", rep.Operator, rep.Config)
	}
	if x := action(t, rep, graph.ActionReadUsers); x.Available || !strings.Contains(x.Missing, "application permission User.Read.All") {
		t.Errorf("read users = %+v", x)
	}
	if strings.Contains(r.stdout+r.stderr, "test-secret") {
		t.Error("the secret was printed")
	}
}

func TestDoctorSignInFails(t *testing.T) {
	s := setupDoctor(t, nil, nil, false, fake.Options{})
	r := runWithEnv(t, map[string]string{"AZURE_CLIENT_ID": "99999999-2222-3333-4444-555555555555", "MFADESK_CLIENT_ID": ""},
		"--config", s.cfg, "doctor")
	// The environment wins over the file: the authority does not know this
	// app, and Entra's reason and what to do come first.
	if r.code == 0 || !strings.Contains(r.stdout, "check clientId and tenant") || !strings.Contains(r.stdout, "Sign-in failed") || !strings.Contains(r.stdout+r.stderr, "AADSTS700016") {
		t.Fatalf("%s", r)
	}
	if !strings.Contains(r.stdout, "profile helpdesk") {
		t.Errorf("the configuration is not shown:\n%s", r.stdout)
	}
}

func TestDoctorDemo(t *testing.T) {
	r := runWithEnv(t, map[string]string{"MFADESK_CONFIG": filepath.Join(t.TempDir(), "none.yaml")}, "--demo", "doctor", "-o", "json")
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	rep := mustJSON[DoctorReport](t, r)
	if rep.Operator == nil || rep.Operator.EffectiveRole != "Privileged Authentication Administrator" || len(rep.Notes) == 0 {
		t.Errorf("demo report = %+v", rep)
	}
	if x := action(t, rep, graph.ActionReset); !x.Available {
		t.Errorf("demo reset = %+v", x)
	}
	raw, _ := json.Marshal(rep)
	if strings.Contains(string(raw), "Bearer") {
		t.Error("token material in the report")
	}
}

func TestConfigInitAndShow(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mfadesk", "config.yaml")
	env := map[string]string{"MFADESK_CONFIG": path}
	r := runWithEnv(t, env, "config", "init", "--tenant", "contoso.onmicrosoft.com", "--client-id", "11111111-2222-3333-4444-555555555555")
	if r.code != 0 || !strings.Contains(r.stdout, "Wrote "+path) || !strings.Contains(r.stdout, "mfadesk doctor") {
		t.Fatalf("%s", r)
	}
	if r := runWithEnv(t, env, "config", "init"); r.code != ExitUsage || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("second init: %s", r)
	}
	env["AZURE_CLIENT_SECRET"] = "super-secret-value-42"
	r = runWithEnv(t, env, "--read-only", "config", "show")
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	for _, want := range []string{"profile    default", "contoso.onmicrosoft.com", "file config.yaml:", "flag --read-only",
		"[redacted]", "env AZURE_CLIENT_SECRET", "auth"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("show lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "super-secret-value-42") {
		t.Error("show printed the secret")
	}
	r = runWithEnv(t, env, "config", "show", "-o", "json")
	doc := mustJSON[config.ShowDoc](t, r)
	if doc.Profile != "default" || !doc.FileFound || strings.Contains(r.stdout, "super-secret-value-42") {
		t.Errorf("json = %+v", doc)
	}

	// On a terminal init asks, and re-asks after a bad answer.
	path2 := filepath.Join(dir, "other.yaml")
	var out, errb bytes.Buffer
	e := &Env{Stdin: strings.NewReader("not a tenant\ncontoso.com\n\n"), Stdout: &out, Stderr: &errb, InTerminal: true,
		Getenv: func(k string) string { return "" }}
	if code := Run(context.Background(), e, []string{"--config", path2, "config", "init"}); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out.String(), errb.String())
	}
	if !strings.Contains(errb.String(), "Tenant (directory id") || !strings.Contains(errb.String(), "expected a tenant id") ||
		!strings.Contains(out.String(), "Fill in tenant and clientId") {
		t.Errorf("prompts:\n%s\n%s", errb.String(), out.String())
	}
	l, err := config.Load(config.Options{Path: path2, LookupEnv: func(string) (string, bool) { return "", false }})
	if err != nil || l.Profile.Tenant != "contoso.com" || l.Profile.ClientID != "" {
		t.Errorf("written: %v %+v", err, l)
	}

	// A broken file is an error with its line.
	if err := os.WriteFile(path2, []byte("profiles:\n  default:\n    cloud: mars\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = runWithEnv(t, nil, "--config", path2, "config", "show")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "other.yaml:3:12") {
		t.Errorf("broken file: %s", r)
	}
}

// A tenant with the Temporary Access Pass turned off is reported before
// anyone tries to issue one.
func TestDoctorTAPPolicyDisabled(t *testing.T) {
	s := setupDoctor(t, auth.DelegatedPermissions(true, false, false), []string{graph.RoleGlobalReader}, true, fake.Options{TAPDisabled: true})
	r := runWithEnv(t, nil, "--config", s.cfg, "doctor")
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	if !strings.Contains(r.stdout, "Temporary Access Pass is off in the authentication methods policy") {
		t.Errorf("disabled TAP policy not reported:\n%s", r.stdout)
	}
}

// errOf adapts Apply's answer for tests that check only the error.
func errOf(_ graph.Result, err error) error { return err }
