package cli

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/auth"
	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/graph/history"
)

// reset-password: the plan and a dry run change nothing, off a terminal
// only --yes confirms, -o json without --show-password is refused before
// anything changes, and the password reaches the tenant, the terminal once,
// and never the change history.
func TestResetPassword(t *testing.T) {
	srv := startTenant(t)
	set := func() string { p, _ := srv.Tenant.Password(bobID); return p }

	r := runCLI(t, runOpts{endpoint: srv.URL}, "reset-password", "bob@contoso.com", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stderr, "Plan: reset the password of bob@contoso.com") || set() != "" {
		t.Fatalf("dry run: %v", r)
	}
	r = runCLI(t, runOpts{endpoint: srv.URL}, "reset-password", "bob@contoso.com")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--yes") || set() != "" {
		t.Fatalf("no --yes off a terminal: %v", r)
	}
	r = runCLI(t, runOpts{endpoint: srv.URL}, "reset-password", "bob@contoso.com", "--yes", "-o", "json")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--show-password") || set() != "" {
		t.Fatalf("-o json without --show-password: %v", r)
	}
	r = runCLI(t, runOpts{endpoint: srv.URL}, "reset-password", "bob@contoso.com", "--yes", "--read-only")
	if r.code != ExitDenied || set() != "" {
		t.Fatalf("read-only: %v", r)
	}

	hist := t.TempDir() + "/history.jsonl"
	r = runCLI(t, runOpts{endpoint: srv.URL, history: hist}, "reset-password", "bob@contoso.com", "--yes", "--ticket", "INC-9")
	pw := set()
	if r.code != 0 || len(pw) != graph.TemporaryPasswordLength {
		t.Fatalf("reset: %v (tenant holds %q)", r, pw)
	}
	if strings.Count(r.stdout, pw) != 1 || strings.Contains(r.stderr, pw) || !strings.Contains(r.stdout, "reset succeeded") {
		t.Errorf("password shown %d times on stdout (stderr: %v):\n%v", strings.Count(r.stdout, pw), strings.Contains(r.stderr, pw), r)
	}
	if graph.PasswordComplexityProblem(pw) != "" {
		t.Errorf("generated %q: %s", pw, graph.PasswordComplexityProblem(pw))
	}
	entries, _, err := history.ReadFile(hist, history.Filter{})
	if err != nil || len(entries) != 1 || entries[0].Op != graph.WriteResetPassword || entries[0].Ticket != "INC-9" {
		t.Fatalf("history: %+v, %v", entries, err)
	}
	r = runCLI(t, runOpts{endpoint: srv.URL, history: hist}, "history", "-o", "json")
	if strings.Contains(r.stdout, pw) || !strings.Contains(r.stdout, "resetPassword") {
		t.Errorf("history shows the password or not the reset:\n%s", r.stdout)
	}

	// Asked for: in the JSON document, and only there.
	r = runCLI(t, runOpts{endpoint: srv.URL}, "reset-password", "bob@contoso.com", "--yes", "-o", "json", "--show-password")
	doc := mustJSON[map[string]any](t, r)
	if doc["newPassword"] != set() || doc["confirmed"] != true || doc["forceChangePasswordNextSignIn"] != true {
		t.Errorf("json: %v", doc)
	}

	// Guests and unknown users: refused with nothing sent.
	r = runCLI(t, runOpts{endpoint: srv.URL}, "reset-password", "nobody@contoso.com", "--yes")
	if r.code == 0 {
		t.Errorf("unknown user: %v", r)
	}
}

// A Helpdesk Administrator may reset a plain user's password but not an
// administrator's: mfadesk refuses before sending (from the "Who can reset
// passwords" table), and the tenant, asked directly with the same token,
// answers 403 as Graph does. The operation's status page names only the
// authentication roles, so the helpdesk's reset is accepted without a
// confirmed end, and the password is still shown.
func TestResetPasswordHelpdeskRoles(t *testing.T) {
	s := setupDoctor(t, auth.DelegatedPermissions(false, false, false), []string{graph.RoleHelpdeskAdmin}, false, fake.Options{})
	r := runWithEnv(t, nil, "--config", s.cfg, "reset-password", "ada.admin@contoso.com", "--yes")
	if r.code != ExitDenied || !strings.Contains(r.stderr, "Global Administrator role") {
		t.Fatalf("helpdesk on an admin: %v", r)
	}
	if _, ok := s.tenant.Tenant.Password(docAdminID); ok {
		t.Fatal("the admin's password was reset")
	}
	c := directClient(t, s)
	_, err := c.Apply(context.Background(), graph.ResetPassword{UserID: docAdminID, NewPassword: graph.NewTemporaryPassword()})
	ge, _ := graph.AsError(err)
	if !errors.Is(err, graph.ErrDenied) || ge.Status != 403 || ge.Code != "accessDenied" || !strings.Contains(ge.Needs, "Who can reset passwords") {
		t.Fatalf("tenant on an admin: %v", err)
	}

	r = runWithEnv(t, nil, "--config", s.cfg, "reset-password", "uma@contoso.com", "--yes")
	pw, ok := s.tenant.Tenant.Password(docUserID)
	if r.code != 0 || !ok || !strings.Contains(r.stdout, pw) || !strings.Contains(r.stdout, "status could not be read") {
		t.Fatalf("helpdesk on a user: %v", r)
	}
	// Never your own account.
	r = runWithEnv(t, nil, "--config", s.cfg, "reset-password", "tess@contoso.com", "--yes")
	if r.code != ExitDenied || !strings.Contains(r.stderr, "your own account") {
		t.Fatalf("own account: %v", r)
	}
}
