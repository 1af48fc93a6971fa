package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
)

const (
	operatorID = "0e0e0e0e-0000-4000-8000-0000000000e1"
	disabledID = "0d0d0d0d-0000-4000-8000-0000000000d1"
)

// riskyTenant adds the demo operator and a disabled account to the test
// tenant (which has an admin, carol, and a guest, gail), and more users.
func riskyTenant(t *testing.T, extra int) *fake.Server {
	return startTenantWith(t, func(td *fake.TenantData) {
		me := mfaUser(operatorID, "Demo Admin", fake.DemoOperatorUPN)
		me.Roles = []string{graph.RolePrivilegedAuthAdmin}
		off := mfaUser(disabledID, "Dora Disabled", "dora@contoso.com")
		off.AccountEnabled = false
		td.Users = append(td.Users, me, off)
		for i := range extra {
			td.Users = append(td.Users, mfaUser(fmt.Sprintf("00000000-0000-4000-9000-%012d", i+1),
				fmt.Sprintf("More User %02d", i+1), fmt.Sprintf("more%02d@contoso.com", i+1)))
		}
	})
}

// 15.8: an unknown user rejects the whole list before anything changes,
// also above the size where the plan is summarised (more than 50 rows),
// naming its line.
func TestUnknownUserRejectsLargeList(t *testing.T) {
	srv := riskyTenant(t, 60)
	var b strings.Builder
	b.WriteString("UserPrincipalName\n")
	for i := range 60 {
		if i == 38 {
			b.WriteString("nobody@contoso.com\n") // line 40
		}
		fmt.Fprintf(&b, "more%02d@contoso.com\n", i+1)
	}
	path := filepath.Join(t.TempDir(), "users.csv")
	os.WriteFile(path, []byte(b.String()), 0o600)
	for _, cmd := range []string{"reset", "revoke"} {
		r := runCLI(t, runOpts{endpoint: srv.URL}, cmd, "--csv", path, "--yes")
		if r.code != ExitUsage || !strings.Contains(r.stderr, "line 40: nobody@contoso.com") || !strings.Contains(r.stderr, "Nothing was changed") {
			t.Fatalf("%s: %v", cmd, r)
		}
	}
	st := srv.Tenant.Stats()
	if st.Deletes != 0 || st.Revokes != 0 {
		t.Fatalf("changed: %d deletes, %d revokes", st.Deletes, st.Revokes)
	}
	// --skip-unknown: the 60 others are done.
	r := runCLI(t, runOpts{endpoint: srv.URL}, "revoke", "--csv", path, "--yes", "--skip-unknown")
	if r.code != 0 || srv.Tenant.Stats().Revokes != 60 {
		t.Fatalf("--skip-unknown: %d revokes: %v", srv.Tenant.Stats().Revokes, r)
	}
}

// 10.5: the plan names risky targets by group, with counts and names; a
// change that includes the operator is refused without --include-self.
func TestPlanNamesRiskyTargets(t *testing.T) {
	srv := riskyTenant(t, 0)
	args := []string{"reset", "alice@contoso.com", "carol.admin@contoso.com", "gail_fabrikam.com#EXT#@contoso.com",
		fake.DemoOperatorUPN, "dora@contoso.com"}
	want := []string{
		"Includes yourself (the signed-in operator): " + fake.DemoOperatorUPN,
		"Includes 2 admins (holding a directory role): carol.admin@contoso.com, " + fake.DemoOperatorUPN,
		"Includes 1 guest: gail_fabrikam.com#EXT#@contoso.com",
		"Includes 1 disabled account: dora@contoso.com",
	}
	r := runCLI(t, runOpts{endpoint: srv.URL}, append(args, "--dry-run")...)
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("dry run: no %q in\n%s", w, r.stderr)
		}
	}
	if !strings.Contains(r.stderr, "A real run is refused") {
		t.Errorf("dry run does not say the run is refused: %s", r.stderr)
	}
	r = runCLI(t, runOpts{endpoint: srv.URL}, append(args, "--yes")...)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--include-self") || !strings.Contains(r.stderr, "argument 4") {
		t.Fatalf("without --include-self: %v", r)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("no %q in\n%s", w, r.stderr)
		}
	}
	if len(srv.Tenant.Methods(operatorID)) != 5 || srv.Tenant.Stats().Deletes != 0 {
		t.Fatal("the operator (or anyone) was changed without --include-self")
	}
	r = runCLI(t, runOpts{endpoint: srv.URL}, append(args, "--yes", "--include-self")...)
	if r.code != 0 {
		t.Fatalf("with --include-self: %v", r)
	}
	if len(srv.Tenant.Methods(operatorID)) != 1 {
		t.Fatalf("operator not reset: %v", srv.Tenant.Methods(operatorID))
	}
}
