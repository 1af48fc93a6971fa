package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph/fake"
)

// mfaBulkTenant adds n users (per-user MFA disabled, no methods) to the
// test tenant.
func mfaBulkTenant(t *testing.T, n int) *fake.Server {
	return startTenantWith(t, func(td *fake.TenantData) {
		for i := range n {
			td.Users = append(td.Users, fake.UserData{ID: fmt.Sprintf("c0000000-0000-4000-8000-%012d", i),
				DisplayName: fmt.Sprintf("Legacy %d", i), UserPrincipalName: fmt.Sprintf("legacy%d@contoso.com", i),
				Mail: fmt.Sprintf("legacy%d@contoso.com", i), AccountEnabled: true, UserType: "Member",
				PerUserMFAState: "disabled", Methods: methods()})
		}
	})
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// The legacy per-user MFA bulk file sets each row's own state through the
// journaled runner, its requests 20 to a $batch; a user already there is
// skipped and not mailed; --notify mails the others.
func TestMFAStateLegacyFile(t *testing.T) {
	const n = 45
	srv := mfaBulkTenant(t, n)
	var b strings.Builder
	b.WriteString("Username,MFA Status\r\n")
	for i := range n {
		st := []string{"Enabled", "Enforced", "Disabled"}[i%3]
		fmt.Fprintf(&b, "legacy%d@contoso.com,%s\r\n", i, st)
	}
	path := writeFile(t, "bulk.csv", b.String())
	cfg := writeConfig(t, "      sender: carol.admin@contoso.com\n")
	before := srv.Tenant.Stats()
	r := runCLI(t, runOpts{endpoint: srv.URL}, "--config", cfg, "mfa-state", "--csv", path, "--yes", "--notify")
	if r.code != 0 {
		t.Fatal(r)
	}
	for i := range n {
		// No methods: "enabled" stays enabled (the strongAuthenticationRequirements rule).
		want := []string{"enabled", "enforced", "disabled"}[i%3]
		if got := srv.Tenant.PerUserMFA(fmt.Sprintf("legacy%d@contoso.com", i)); got != want {
			t.Errorf("legacy%d: %s, want %s", i, got, want)
		}
	}
	if !strings.Contains(r.stderr, "30 done, 15 skipped") {
		t.Errorf("summary: %s", r.stderr)
	}
	st := srv.Tenant.Stats()
	patches := st.Requests["PATCH /users/{id}/authentication/requirements"] - before.Requests["PATCH /users/{id}/authentication/requirements"]
	batches := st.Requests["POST /$batch"] - before.Requests["POST /$batch"]
	if patches != 30 || batches == 0 || st.BatchItems-before.BatchItems < 30+n {
		t.Errorf("%d patches, %d batches, %d items", patches, batches, st.BatchItems-before.BatchItems)
	}
	mails := srv.Tenant.SentMail()
	if len(mails) != 30 {
		t.Fatalf("%d mails, want 30 (only the changed users)", len(mails))
	}
	if m := mails[0]; m.Subject != "Your multi-factor authentication setting was changed" || !strings.Contains(m.Body, "per-user MFA") {
		t.Errorf("mail: %+v", m)
	}
}

// One bad row refuses the whole file, every bad line named; nothing is
// changed and nothing written.
func TestMFAStateLegacyFileRejected(t *testing.T) {
	srv := mfaBulkTenant(t, 3)
	path := writeFile(t, "bad.csv", "Username,MFA Status\nlegacy0@contoso.com,Enforced\nlegacy1@contoso.com,Yes\n,Enabled\nlegacy2@contoso.com,Disabled\n")
	before := srv.Tenant.Stats()
	r := runCLI(t, runOpts{endpoint: srv.URL}, "mfa-state", "--csv", path, "--yes")
	if r.code != ExitUsage {
		t.Fatal(r)
	}
	for _, s := range []string{"line 3: MFA Status \"Yes\"", "line 4: no value in the Username column", "Nothing was changed"} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr lacks %q: %s", s, r.stderr)
		}
	}
	if st := srv.Tenant.Stats(); st.Total != before.Total || srv.Tenant.PerUserMFA("legacy0@contoso.com") != "disabled" {
		t.Errorf("requests were sent: %d -> %d", before.Total, st.Total)
	}
	// A state on the command line with a per-row file is refused too.
	ok := writeFile(t, "ok.csv", "Username,MFA Status\nlegacy0@contoso.com,Enforced\n")
	if r := runCLI(t, runOpts{endpoint: srv.URL}, "mfa-state", "--csv", ok, "disabled", "--yes"); r.code != ExitUsage {
		t.Error(r)
	}
}

// Many users named: without a state their states are printed; with one,
// each is set (a plain list of users in --csv works the same).
func TestMFAStateMany(t *testing.T) {
	srv := mfaBulkTenant(t, 3)
	r := runCLI(t, runOpts{endpoint: srv.URL}, "mfa-state", "bob@contoso.com", "legacy0@contoso.com", "-o", "json")
	docs := mustJSON[[]map[string]any](t, r)
	if r.code != 0 || len(docs) != 2 || docs[0]["perUserMfaState"] != "enforced" || docs[1]["perUserMfaState"] != "disabled" {
		t.Fatal(r)
	}
	list := writeFile(t, "users.csv", "UserPrincipalName\nlegacy1@contoso.com\nlegacy2@contoso.com\n")
	r = runCLI(t, runOpts{endpoint: srv.URL}, "mfa-state", "--csv", list, "enforced", "--yes")
	if r.code != 0 || srv.Tenant.PerUserMFA("legacy1@contoso.com") != "enforced" || srv.Tenant.PerUserMFA("legacy2@contoso.com") != "enforced" {
		t.Fatal(r)
	}
	r = runCLI(t, runOpts{endpoint: srv.URL}, "mfa-state", "legacy0@contoso.com", "legacy1@contoso.com", "disabled", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "already disabled") || !strings.Contains(r.stdout, "enforced -> disabled") ||
		srv.Tenant.PerUserMFA("legacy1@contoso.com") != "enforced" {
		t.Fatal(r)
	}
}

// report --per-user-mfa adds the column (read 20 to a $batch);
// --per-user-mfa-state keeps the rows in that state.
func TestReportPerUser(t *testing.T) {
	srv := mfaBulkTenant(t, 30)
	before := srv.Tenant.Stats()
	r := runCLI(t, runOpts{endpoint: srv.URL}, "report", "--all", "--per-user-mfa-state", "enforced", "-o", "json")
	docs := mustJSON[[]map[string]any](t, r)
	if r.code != 0 || len(docs) == 0 {
		t.Fatal(r)
	}
	for _, d := range docs {
		if d["perUserMfaState"] != "enforced" || srv.Tenant.PerUserMFA(d["id"].(string)) != "enforced" {
			t.Errorf("row %v", d)
		}
	}
	st := srv.Tenant.Stats()
	reads := st.Requests["GET /users/{id}/authentication/requirements"] - before.Requests["GET /users/{id}/authentication/requirements"]
	if batches := st.Requests["POST /$batch"] - before.Requests["POST /$batch"]; batches == 0 || batches > reads/20+5 {
		t.Errorf("%d reads in %d batches", reads, batches)
	}
	r = runCLI(t, runOpts{endpoint: srv.URL}, "report", "--per-user-mfa", "--top", "3")
	if r.code != 0 || !strings.Contains(r.stdout, "PER-USER MFA") {
		t.Fatal(r)
	}
	if r := runCLI(t, runOpts{endpoint: srv.URL}, "report", "--per-user-mfa-state", "on"); r.code != ExitUsage {
		t.Error(r)
	}
}
