package cli

import (
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph/fake"
)

// add-phone: the plan names the number in full and what it replaces
// (masked); results and the history mask it; bad numbers and refused
// types never reach the tenant.
func TestAddPhone(t *testing.T) {
	srv := startTenant(t)
	o := runOpts{endpoint: srv.URL}
	mobile := func() string {
		for _, m := range srv.Tenant.Methods(aliceID) {
			if m.Kind == fake.KindPhone && m.PhoneType == "mobile" {
				return m.PhoneNumber
			}
		}
		return ""
	}
	srv.Tenant.ResetStats()
	r := runCLI(t, o, "add-phone", "alice@contoso.com", "--type", "mobile", "--number", "+1 206-555-0123", "--yes")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "+{country code} {number}x{extension}") || srv.Tenant.Stats().Total != 0 {
		t.Fatalf("bad number: %v", r)
	}
	r = runCLI(t, o, "add-phone", "alice@contoso.com", "--type", "pager", "--number", "+1 2065550123", "--yes")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "alternateMobile") {
		t.Fatalf("bad type: %v", r)
	}
	r = runCLI(t, o, "add-phone", "alice@contoso.com", "--type", "mobile", "--number", "+1 2065550123", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stderr, "set the mobile phone to +1 2065550123 (replaces +1 XXXXXXX100)") ||
		!strings.Contains(r.stderr, "Dry run") || mobile() != "+1 5555550100" {
		t.Fatalf("dry run: %v", r)
	}
	hist := t.TempDir() + "/history.jsonl"
	r = runCLI(t, runOpts{endpoint: srv.URL, history: hist}, "add-phone", "alice@contoso.com", "--type", "mobile", "--number", "+1 2065550123", "--yes", "--ticket", "INC-9")
	if r.code != 0 || mobile() != "+1 2065550123" || !strings.Contains(r.stdout, "+1 XXXXXXX123 (was +1 XXXXXXX100)") || strings.Contains(r.stdout, "2065550123") {
		t.Fatalf("replace: %v", r)
	}
	r = runCLI(t, runOpts{endpoint: srv.URL, history: hist}, "history", "-o", "json")
	if r.code != 0 || !strings.Contains(r.stdout, "setPhone") || strings.Contains(r.stdout, "2065550123") || !strings.Contains(r.stdout, "INC-9") {
		t.Fatalf("history must mask the number: %v", r)
	}
	// An office phone is added (Alice has none).
	r = runCLI(t, o, "add-phone", "alice@contoso.com", "--type", "office", "--number", "+1 2065550100x7", "--yes")
	if r.code != 0 || !strings.Contains(r.stderr, "calls only, never SMS") || !strings.Contains(r.stdout, "office phone") {
		t.Fatalf("office: %v", r)
	}
	// An alternate mobile without a mobile: refused before sending.
	srv.Tenant.ResetStats()
	r = runCLI(t, o, "add-phone", "bob@contoso.com", "--type", "alternateMobile", "--number", "+1 2065550177", "--yes")
	if r.code != ExitDenied || !strings.Contains(r.stderr, "needs a mobile phone first") || srv.Tenant.Stats().MethodsAdded != 0 {
		t.Fatalf("alternate without mobile: %v", r)
	}
}

func TestAddEmail(t *testing.T) {
	srv := startTenant(t)
	o := runOpts{endpoint: srv.URL}
	r := runCLI(t, o, "add-email", "bob@contoso.com", "Bob <bob@example.com>", "--yes")
	if r.code != ExitUsage {
		t.Fatalf("display name: %v", r)
	}
	r = runCLI(t, o, "add-email", "bob@contoso.com", "bob@example.com", "--yes")
	if r.code != 0 || !strings.Contains(r.stdout, "email method bob@example.com added") {
		t.Fatalf("add: %v", r)
	}
	r = runCLI(t, o, "add-email", "bob@contoso.com", "bob@example.com", "--yes")
	if r.code != ExitDenied || !strings.Contains(r.stderr, "already") {
		t.Fatalf("same again: %v", r)
	}
	r = runCLI(t, o, "add-email", "bob@contoso.com", "robert@example.com", "--yes")
	if r.code != 0 || !strings.Contains(r.stdout, "now robert@example.com (was bob@example.com)") {
		t.Fatalf("replace: %v", r)
	}
}

func TestSetDefault(t *testing.T) {
	srv := startTenant(t)
	o := runOpts{endpoint: srv.URL}
	pref := func() string { u, _ := srv.Tenant.User(aliceID); return u.PreferredMethod }
	r := runCLI(t, o, "set-default", "alice@contoso.com", "9f1e3a2b-0000-4000-8000-000000000002", "--yes") // the FIDO2 key
	if r.code != ExitDenied || !strings.Contains(r.stderr, "cannot be the default") || pref() != "push" {
		t.Fatalf("FIDO2: %v", r)
	}
	r = runCLI(t, o, "set-default", "alice@contoso.com", "push", "--yes")
	if r.code != ExitDenied || !strings.Contains(r.stderr, "already the default") {
		t.Fatalf("push again: %v", r)
	}
	r = runCLI(t, o, "set-default", "alice@contoso.com", "voiceOffice", "--yes")
	if r.code != ExitDenied || !strings.Contains(r.stderr, "no method for") {
		t.Fatalf("no office phone: %v", r)
	}
	r = runCLI(t, o, "set-default", "alice@contoso.com", "oath", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stderr, "Authenticator") || !strings.Contains(r.stderr, "(oath)") {
		t.Fatalf("the app's codes: %v", r)
	}
	r = runCLI(t, o, "set-default", "alice@contoso.com", "voice", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stderr, "a call to the mobile (voiceMobile)") || pref() != "push" {
		t.Fatalf("dry run: %v", r)
	}
	r = runCLI(t, o, "set-default", "alice@contoso.com", fake.AlternateMobilePhoneID, "--yes")
	if r.code != 0 || pref() != "voiceAlternateMobile" {
		t.Fatalf("by id: %v", r)
	}
	r = runCLI(t, o, "set-default", "alice@contoso.com", "sms", "--yes")
	if r.code != 0 || pref() != "sms" {
		t.Fatalf("sms: %v", r)
	}
}

// delete-method: Graph's refusals before anything is sent, then the delete.
func TestDeleteMethodCommand(t *testing.T) {
	srv := startTenant(t)
	o := runOpts{endpoint: srv.URL}
	count := func() int { return len(srv.Tenant.Methods(aliceID)) }
	n := count()
	const auth = "9f1e3a2b-0000-4000-8000-000000000001"
	for _, c := range []struct{ id, want string }{
		{auth, "default method"},                                  // the default, with others left
		{fake.MobilePhoneID, "alternate mobile"},                  // the mobile before the alternate
		{fake.PasswordMethodID, "reset it instead"},               // the password
		{"00000000-0000-4000-8000-00000000dead", "has no method"}, // unknown
	} {
		r := runCLI(t, o, "delete-method", "alice@contoso.com", c.id, "--yes")
		if r.code != ExitDenied || !strings.Contains(r.stderr, c.want) || count() != n {
			t.Fatalf("%s: %v", c.id, r)
		}
	}
	r := runCLI(t, o, "delete-method", "alice@contoso.com", fake.AlternateMobilePhoneID, "--dry-run")
	if r.code != 0 || !strings.Contains(r.stderr, "delete Phone") || count() != n {
		t.Fatalf("dry run: %v", r)
	}
	r = runCLI(t, o, "delete-method", "alice@contoso.com", fake.AlternateMobilePhoneID)
	if r.code != ExitUsage || count() != n {
		t.Fatalf("no --yes off a terminal: %v", r)
	}
	r = runCLI(t, o, "delete-method", "alice@contoso.com", fake.AlternateMobilePhoneID, "--yes")
	if r.code != 0 || count() != n-1 || !strings.Contains(r.stdout, "deleted") {
		t.Fatalf("delete: %v", r)
	}
	r = runCLI(t, o, "delete-method", "alice@contoso.com", fake.AlternateMobilePhoneID, "--read-only", "--yes")
	if r.code != ExitDenied || !strings.Contains(r.stderr, "read-only") {
		t.Fatalf("read-only: %v", r)
	}
}
