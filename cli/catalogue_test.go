package cli

import (
	"strings"
	"testing"
)

// block and unblock are generated from the catalogue: a dry run changes
// nothing, read-only refuses, off a terminal only --yes confirms, and the
// change reaches the tenant and the change history.
func TestBlockUnblock(t *testing.T) {
	srv := startTenant(t)
	enabled := func() bool { u, _ := srv.Tenant.User(bobID); return u.AccountEnabled }

	r := runCLI(t, runOpts{endpoint: srv.URL}, "block", "bob@contoso.com", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "planned") || !enabled() {
		t.Fatalf("dry run: %v", r)
	}
	r = runCLI(t, runOpts{endpoint: srv.URL}, "block", "bob@contoso.com", "--read-only", "--yes")
	if r.code != ExitDenied || !strings.Contains(r.stderr, "read-only") || !enabled() {
		t.Fatalf("read-only: %v", r)
	}
	r = runCLI(t, runOpts{endpoint: srv.URL}, "block", "bob@contoso.com")
	if r.code != ExitUsage || !enabled() {
		t.Fatalf("no --yes off a terminal: %v", r)
	}
	// On a terminal, n cancels.
	r = runCLI(t, runOpts{endpoint: srv.URL, terminal: true, stdin: "\nn\n"}, "block", "bob@contoso.com")
	if r.code == 0 || !enabled() {
		t.Fatalf("answered n: %v", r)
	}
	hist := t.TempDir() + "/history.jsonl"
	r = runCLI(t, runOpts{endpoint: srv.URL, history: hist}, "block", "bob@contoso.com", "--yes", "--ticket", "INC-7")
	if r.code != 0 || enabled() || !strings.Contains(r.stdout, "sign-in blocked") {
		t.Fatalf("block: %v", r)
	}
	// Blocking again says why not, and changes nothing.
	r = runCLI(t, runOpts{endpoint: srv.URL}, "block", "bob@contoso.com", "--yes")
	if r.code == 0 || !strings.Contains(r.stdout, "already blocked") {
		t.Fatalf("second block: %v", r)
	}
	r = runCLI(t, runOpts{endpoint: srv.URL, history: hist}, "unblock", "bob@contoso.com", "--yes", "--ticket", "INC-7")
	if r.code != 0 || !enabled() {
		t.Fatalf("unblock: %v", r)
	}
	r = runCLI(t, runOpts{endpoint: srv.URL, history: hist}, "history", "-o", "json")
	if r.code != 0 || strings.Count(r.stdout, "setAccountEnabled") != 2 || !strings.Contains(r.stdout, "INC-7") {
		t.Fatalf("history: %v", r)
	}
}
