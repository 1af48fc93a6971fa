package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/auth"
	"github.com/mfadesk/mfadesk/graph/fake"
)

// dismiss-risk and confirm-compromised are generated from the catalogue,
// run by a Security Administrator signed in through the fake authority:
// show says the risk, the rule refuses a user with nothing to dismiss,
// the plan says what a high risk does, --yes makes each change.
func TestDismissRiskAndConfirmCompromised(t *testing.T) {
	s := setupDoctor(t, auth.DelegatedPermissions(false, false, false), []string{graph.RoleSecurityAdmin, graph.RoleGlobalReader}, false, fake.Options{})
	run := func(args ...string) result {
		return runWithEnv(t, nil, append([]string{"--config", s.cfg}, args...)...)
	}
	risk := func() fake.RiskData { u, _ := s.tenant.Tenant.User(docUserID); return u.Risk }

	r := run("show", "uma@contoso.com")
	if r.code != 0 || !regexp.MustCompile(`Identity risk +none\n`).MatchString(r.stdout) {
		t.Fatalf("show without a record: %s", r)
	}
	r = run("dismiss-risk", "uma@contoso.com", "--yes")
	if r.code == 0 || !strings.Contains(r.stdout, "no risk to dismiss") {
		t.Fatalf("dismiss with no risk: %s", r)
	}
	r = run("confirm-compromised", "uma@contoso.com", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "risk level -> HIGH") || !risk().IsZero() {
		t.Fatalf("dry run: %s", r)
	}
	r = run("confirm-compromised", "uma@contoso.com", "--yes", "--ticket", "INC-9")
	if r.code != 0 || !strings.Contains(r.stderr, "Not reversible") || risk().State != "confirmedCompromised" || risk().Level != "high" {
		t.Fatalf("confirm: %s (%+v)", r, risk())
	}
	r = run("show", "uma@contoso.com")
	if !strings.Contains(r.stdout, "high · confirmed compromised (an admin confirmed the user compromised)") {
		t.Fatalf("show after confirm: %s", r)
	}
	r = run("confirm-compromised", "uma@contoso.com", "--yes")
	if r.code == 0 || !strings.Contains(r.stdout, "already confirmed compromised") {
		t.Fatalf("second confirm: %s", r)
	}
	r = run("dismiss-risk", "uma@contoso.com", "--yes", "--ticket", "INC-9")
	if r.code != 0 || !strings.Contains(r.stderr, "secure password change") || risk().State != "dismissed" || risk().Level != "none" {
		t.Fatalf("dismiss: %s (%+v)", r, risk())
	}
	// Not on yourself: your own high risk would block your sign-in.
	r = run("confirm-compromised", "tess@contoso.com", "--yes")
	if r.code == 0 || !strings.Contains(r.stderr, "your own account") {
		t.Fatalf("self: %s", r)
	}
}

// A Security Reader sees the risk, and is told which role changes it; in
// a tenant without Entra ID P2 show says what the risk read needs.
func TestRiskRefusals(t *testing.T) {
	s := setupDoctor(t, auth.DelegatedPermissions(false, false, false), []string{graph.RoleSecurityReader}, false, fake.Options{})
	r := runWithEnv(t, nil, "--config", s.cfg, "dismiss-risk", "uma@contoso.com", "--yes")
	if r.code == 0 || !strings.Contains(r.stdout, "needs the Security Administrator or Global Administrator role") {
		t.Fatalf("security reader: %s", r)
	}
	s = setupDoctor(t, auth.DelegatedPermissions(false, false, false), []string{graph.RoleSecurityAdmin, graph.RoleGlobalReader}, false, fake.Options{NoP2: true})
	r = runWithEnv(t, nil, "--config", s.cfg, "show", "uma@contoso.com")
	if r.code != 0 || !strings.Contains(r.stdout, "unknown — needs IdentityRiskyUser.Read.All and Entra ID P2") {
		t.Fatalf("no P2: %s", r)
	}
}
