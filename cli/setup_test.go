package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/config"
	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/auth"
	"github.com/mfadesk/mfadesk/graph/auth/authtest"
	"github.com/mfadesk/mfadesk/graph/fake"
)

const setupTenantID = "8a4d3c1e-0000-4000-8000-00000000c0de"

// setupAgainstFake runs `mfadesk setup` against a fake tenant (a loopback
// endpoint: no sign-in) and returns the tenant, the config path and the
// created app.
func setupAgainstFake(t *testing.T, extra ...string) (*fake.Server, string, fake.AppData, result) {
	t.Helper()
	srv, err := fake.Start(fake.Options{Data: docTenant()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	var global, sub []string
	for _, a := range extra {
		if f, ok := strings.CutPrefix(a, "setup-flags:"); ok {
			sub = append(sub, f)
		} else {
			global = append(global, a)
		}
	}
	args := append([]string{"--config", cfg, "--graph-endpoint", srv.URL}, global...)
	args = append(append(args, "setup", "--tenant", setupTenantID, "--yes"), sub...)
	r := runWithEnv(t, nil, args...)
	apps := srv.Tenant.Apps()
	if r.code != 0 || len(apps) != 1 {
		t.Fatalf("setup: %s; apps %+v", r, apps)
	}
	return srv, cfg, apps[0], r
}

// pointAt adds the fake authority and tenant to the profile setup wrote
// (a real tenant needs neither), and signs the technician in with scopes
// (what was consented) and wids.
func pointAt(t *testing.T, srv *fake.Server, cfg, appID string, scopes, wids []string) *authtest.Authority {
	t.Helper()
	a := authtest.Start(authtest.Options{TenantID: setupTenantID, ClientID: appID, PendingPolls: 1, User: authtest.Identity{
		OID: docOperatorID, UPN: "tess@contoso.com", Name: "Tess Tech", Scopes: scopes, WIDs: wids}})
	t.Cleanup(a.Close)
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("    authorityHost: " + a.Host + "\n    graphEndpoint: " + srv.URL + "\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	old := authTestOptions
	authTestOptions = []auth.Option{auth.WithHTTPClient(a.Client), auth.WithMemoryCache()}
	t.Cleanup(func() { authTestOptions = old })
	return a
}

func TestSetupThenDoctorReportsEveryAction(t *testing.T) {
	srv, cfg, app, r := setupAgainstFake(t)
	if !app.IsFallbackPublicClient || app.SignInAudience != "AzureADMyOrg" || len(app.RedirectURIs) != 1 || app.ServicePrincipalID == "" {
		t.Errorf("app = %+v", app)
	}
	if len(app.Scopes) != len(auth.DelegatedPermissions(false, false, false)) {
		t.Errorf("app asks for %d scopes, mfadesk for %v", len(app.Scopes), auth.DelegatedPermissions(false, false, false))
	}
	consent := "/" + setupTenantID + "/adminconsent?client_id=" + app.AppID
	if !strings.Contains(r.stdout, consent) || !strings.Contains(r.stdout, "Wrote profile \"default\"") {
		t.Errorf("stdout = %s", r.stdout)
	}
	l, err := config.Load(config.Options{Path: cfg, LookupEnv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	if l.Profile.ClientID != app.AppID || l.Profile.Tenant != setupTenantID || l.Profile.Auth != config.AuthDeviceCode || l.Profile.ReadOnly {
		t.Fatalf("profile = %+v", l.Profile)
	}

	// Consent granted for everything setup asked for; the technician holds
	// the roles every action needs.
	pointAt(t, srv, cfg, app.AppID, append(auth.DelegatedPermissions(false, false, false), "Mail.Send"),
		[]string{graph.RolePrivilegedAuthAdmin, graph.RoleAuthPolicyAdmin, graph.RoleReportsReader, graph.RoleSecurityReader, graph.RoleSecurityAdmin})
	d := runWithEnv(t, nil, "--config", cfg, "doctor", "-o", "json")
	if d.code != 0 {
		t.Fatalf("doctor: %s", d)
	}
	rep := mustJSON[DoctorReport](t, d)
	if len(rep.Actions) != len(graph.Requirements()) {
		t.Fatalf("actions = %+v", rep.Actions)
	}
	for _, a := range rep.Actions {
		if !a.Available {
			t.Errorf("%s not available: %s", a.Action, a.Missing)
		}
	}
	for _, n := range rep.Notes {
		if strings.Contains(n, "consent") {
			t.Errorf("note about consent with everything consented: %s", n)
		}
	}
}

func TestSetupThenDoctorNamesMissingConsent(t *testing.T) {
	srv, cfg, app, _ := setupAgainstFake(t)
	var partial []string
	for _, s := range auth.DelegatedPermissions(false, false, false) {
		if s != "Policy.ReadWrite.AuthenticationMethod" {
			partial = append(partial, s)
		}
	}
	pointAt(t, srv, cfg, app.AppID, partial, []string{graph.RolePrivilegedAuthAdmin, graph.RoleAuthPolicyAdmin})
	d := runWithEnv(t, nil, "--config", cfg, "doctor")
	if d.code != 0 {
		t.Fatalf("doctor: %s", d)
	}
	want := "the token lacks Policy.ReadWrite.AuthenticationMethod, which mfadesk asks for: admin consent is not granted for them; an admin grants it at "
	if !strings.Contains(d.stdout, want) || !strings.Contains(d.stdout, "client_id="+app.AppID) {
		t.Errorf("doctor says:\n%s", d.stdout)
	}
}

func TestSetupReadOnly(t *testing.T) {
	_, cfg, app, r := setupAgainstFake(t, "--read-only", "--profile", "audit")
	if len(app.Scopes) != len(auth.DelegatedPermissions(true, false, false)) {
		t.Errorf("read-only app asks for %d scopes", len(app.Scopes))
	}
	for _, s := range auth.DelegatedPermissions(true, false, false) {
		if strings.Contains(s, "ReadWrite") || strings.Contains(s, "Revoke") {
			t.Errorf("read-only asks for %s", s)
		}
	}
	if strings.Contains(r.stdout, "ReadWrite") {
		t.Errorf("read-only plan names a write permission:\n%s", r.stdout)
	}
	l, err := config.Load(config.Options{Path: cfg, LookupEnv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	if !l.Profile.ReadOnly || l.Profile.Name != "audit" || l.Profile.ClientID != app.AppID {
		t.Errorf("profile = %+v", l.Profile)
	}
}

func TestSetupNeedsConfirmationAndChangesNothingWithout(t *testing.T) {
	srv, err := fake.Start(fake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"setup", "--tenant", setupTenantID}, ExitUsage},      // off a terminal, no --yes
		{[]string{"setup", "--tenant", setupTenantID, "--dry-run"}, 0}, // plan only
		{[]string{"setup", "--yes"}, ExitUsage},                        // no tenant
		{[]string{"--auth", "devicecode", "setup", "--tenant", setupTenantID, "--yes"}, ExitUsage},
		{[]string{"setup", "--tenant", "not a tenant!", "--yes"}, ExitUsage},
		{[]string{"setup", "--tenant", setupTenantID, "--name", "", "--yes"}, ExitUsage},
	} {
		r := runWithEnv(t, nil, append([]string{"--config", cfg, "--graph-endpoint", srv.URL}, tc.args...)...)
		if r.code != tc.code {
			t.Errorf("%v: %s", tc.args, r)
		}
		if tc.code == 0 && !strings.Contains(r.stdout, "Dry run: nothing created.") {
			t.Errorf("%v: %s", tc.args, r.stdout)
		}
	}
	if n := len(srv.Tenant.Apps()); n != 0 {
		t.Errorf("%d apps created", n)
	}
	if config.Exists(cfg) {
		t.Error("a config file was written")
	}
}

func TestDoctorConsentHints(t *testing.T) {
	l := &config.Loaded{Profile: config.Profile{Tenant: "contoso.onmicrosoft.com", ClientID: "11111111-2222-3333-4444-555555555555"}}
	err := errors.New("read the signed-in operator: could not get an access token: sign-in failed: AADSTS65001: The user or administrator has not consented to use the application")
	if h := consentForSignIn(l, err); !strings.Contains(h, "https://login.microsoftonline.com/contoso.onmicrosoft.com/adminconsent?client_id=11111111-2222-3333-4444-555555555555") {
		t.Errorf("hint = %q", h)
	}
	if h := consentForSignIn(l, errors.New("AADSTS50126: wrong password")); h != "" {
		t.Errorf("a wrong password got a consent hint: %q", h)
	}
	if m := missingConsent([]string{"https://graph.microsoft.com/User.Read", "https://graph.microsoft.com/AuditLog.Read.All"}, []string{"user.read"}); len(m) != 1 || m[0] != "AuditLog.Read.All" {
		t.Errorf("missing = %v", m)
	}
	if m := missingConsent([]string{"https://graph.microsoft.com/.default"}, []string{"User.Read"}); m != nil {
		t.Errorf(".default: missing = %v", m)
	}
}

// --cloud writes the national cloud into the profile and points the
// consent URL at its authority; --multi-tenant registers for any
// organisation (a partner's app); a cloud mfadesk does not know is refused
// before anything is created.
func TestSetupCloudAndMultiTenant(t *testing.T) {
	_, _, app, _ := setupAgainstFake(t, "--profile", "gov")
	if app.SignInAudience != "AzureADMyOrg" {
		t.Errorf("default audience %q", app.SignInAudience)
	}
	_, cfg, app, r := setupAgainstFake(t, "--profile", "gov", "setup-flags:--cloud=usgov", "setup-flags:--multi-tenant")
	if app.SignInAudience != "AzureADMultipleOrgs" || !strings.Contains(r.stdout, "multi-tenant (AzureADMultipleOrgs") {
		t.Errorf("audience %q; plan:\n%s", app.SignInAudience, r.stdout)
	}
	if !strings.Contains(r.stdout, "https://login.microsoftonline.us/"+setupTenantID+"/adminconsent?client_id="+app.AppID) {
		t.Errorf("consent URL not at the usgov authority:\n%s", r.stdout)
	}
	l, err := config.Load(config.Options{Path: cfg, LookupEnv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	if l.Profile.Cloud != config.CloudUSGov || l.Profile.ClientID != app.AppID {
		t.Errorf("profile = %+v", l.Profile)
	}
	bad := runWithEnv(t, nil, "--config", filepath.Join(t.TempDir(), "c.yaml"), "--graph-endpoint", "http://127.0.0.1:1", "setup", "--tenant", setupTenantID, "--yes", "--cloud", "mars")
	if bad.code != 2 || !strings.Contains(bad.stderr, "usgov") {
		t.Errorf("--cloud mars: %s", bad)
	}
}
