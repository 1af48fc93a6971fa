package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
)

// startGenerated serves the generated tenant (its Conditional Access
// policies and nested groups) for the MFA-requirement tests.
func startGenerated(t *testing.T) *fake.Server {
	t.Helper()
	srv, err := fake.Start(fake.Options{Users: 40})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// golden compares got with testdata/name (MFADESK_UPDATE_GOLDEN=1 rewrites it).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if os.Getenv("MFADESK_UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (MFADESK_UPDATE_GOLDEN=1 writes it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// mfa-required for a Helpdesk Administrator (three policies: all users,
// admins by role, an authentication strength via a group with an app
// condition), a break-glass account (excluded through a nested group) and
// a Sales member (a report-only policy listed apart).
func TestMFARequiredGolden(t *testing.T) {
	srv := startGenerated(t)
	var sales string
	for _, g := range srv.Tenant.Groups() {
		if g.ID == fake.SalesGroupID {
			sales = g.MemberIDs[0]
		}
	}
	r := runCLI(t, runOpts{endpoint: srv.URL}, "mfa-required", fake.LiamUPN, fake.JudyUPN, sales)
	if r.code != 0 {
		t.Fatal(r)
	}
	golden(t, "mfa-required.golden", r.stdout)

	r = runCLI(t, runOpts{endpoint: srv.URL}, "mfa-required", fake.LiamUPN, "-o", "json")
	docs := mustJSON[[]map[string]any](t, r)
	req, _ := docs[0]["mfaRequired"].(map[string]any)
	if len(docs) != 1 || req["verdict"] != "yes" || len(req["reasons"].([]any)) != 3 {
		t.Errorf("json: %v", docs)
	}
}

// show carries the same sections, and its JSON the groups and verdict.
func TestShowGroupsAndMFARequired(t *testing.T) {
	srv := startGenerated(t)
	r := runCLI(t, runOpts{endpoint: srv.URL}, "show", fake.JudyUPN)
	if r.code != 0 {
		t.Fatal(r)
	}
	i := strings.Index(r.stdout, "\nMFA required: ")
	if i < 0 {
		t.Fatalf("no MFA required section:\n%s", r.stdout)
	}
	golden(t, "show-mfa-sections.golden", r.stdout[i:])

	doc := mustJSON[map[string]any](t, runCLI(t, runOpts{endpoint: srv.URL}, "show", fake.JudyUPN, "-o", "json"))
	gs, _ := doc["groups"].([]any)
	req, _ := doc["mfaRequired"].(map[string]any)
	if len(gs) != 3 || req["verdict"] != "yes" || len(req["excluded"].([]any)) != 2 {
		t.Errorf("groups %v, mfaRequired %v", gs, req)
	}
}

// A technician without Policy.Read.All: show still works, and says what
// it could not tell and what would let it.
func TestShowMFARequired403(t *testing.T) {
	s := setupDoctor(t, []string{"User.Read", "User.Read.All", "UserAuthenticationMethod.ReadWrite.All", "GroupMember.Read.All"},
		[]string{graph.RoleAuthAdmin}, false, fake.Options{})
	r := runWithEnv(t, nil, "--config", s.cfg, "show", "uma@contoso.com")
	if r.code != 0 {
		t.Fatal(r)
	}
	for _, want := range []string{
		"MFA required: unknown: Conditional Access and security defaults: needs Policy.Read.All (Security Reader / Global Reader / Conditional Access Administrator",
		"Authentication methods",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("show lacks %q:\n%s", want, r.stdout)
		}
	}
}

// report --mfa-not-required keeps the users nothing requires MFA of (the
// guests, excluded from "all users"), with the column; --mfa-required
// adds the column to every row.
func TestReportMFAColumnAndFilter(t *testing.T) {
	srv := startGenerated(t)
	rows := mustJSON[[]map[string]any](t, runCLI(t, runOpts{endpoint: srv.URL}, "report", "--all", "--mfa-not-required", "-o", "json"))
	if len(rows) == 0 {
		t.Fatal("no rows")
	}
	for _, r := range rows {
		req, _ := r["mfaRequired"].(map[string]any)
		if r["userType"] != "guest" || req["verdict"] != "no" {
			t.Errorf("row %v", r)
		}
	}
	r := runCLI(t, runOpts{endpoint: srv.URL}, "report", "--admins", "--mfa-required")
	if r.code != 0 || !strings.Contains(r.stdout, "MFA REQUIRED") || !strings.Contains(r.stdout, "CA 'Require MFA for all users' (via all users)") {
		t.Fatal(r)
	}
}
