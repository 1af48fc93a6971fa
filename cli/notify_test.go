package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
)

// startTenantWith starts the test tenant after edit changes it.
func startTenantWith(t *testing.T, edit func(td *fake.TenantData)) *fake.Server {
	t.Helper()
	td := testTenant(time.Now())
	edit(td)
	srv, err := fake.Start(fake.Options{Data: td})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func writeConfig(t *testing.T, notify string) string {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte(`defaultProfile: lab
profiles:
  lab:
    tenant: contoso.com
    clientId: 11111111-2222-3333-4444-555555555555
    notify:
`+notify), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestResetNotify(t *testing.T) {
	srv := startTenant(t)
	noDefaults(srv)
	// A sender mailbox (the test tenant has no signed-in operator to send as);
	// notify.enabled is off, so only --notify sends.
	cfg := writeConfig(t, "      sender: carol.admin@contoso.com\n")
	run := func(args ...string) result {
		return runCLI(t, runOpts{endpoint: srv.URL}, append([]string{"--config", cfg}, args...)...)
	}

	// --dry-run: the plan names the recipient, nothing is sent.
	r := run("reset", "alice@contoso.com", "--notify", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "then mail alice@contoso.com") {
		t.Fatalf("dry run: %v", r)
	}
	if n := len(srv.Tenant.SentMail()); n != 0 {
		t.Fatalf("dry run sent %d mails", n)
	}
	// Without --notify (and no profile): no mail.
	if r := run("reset", "taro.yamada@contoso.com", "--yes"); r.code != 0 || len(srv.Tenant.SentMail()) != 0 || strings.Contains(r.stdout, "mailed") {
		t.Fatalf("no --notify: %v, %d mails", r, len(srv.Tenant.SentMail()))
	}

	r = run("reset", "alice@contoso.com", "--yes", "--notify", "--ticket", "INC-9")
	mails := srv.Tenant.SentMail()
	if r.code != 0 || len(mails) != 1 {
		t.Fatalf("reset --notify: %v, %d mails", r, len(mails))
	}
	m := mails[0]
	if len(m.To) != 1 || m.To[0] != "alice@contoso.com" || m.From != "carol.admin@contoso.com" || m.Subject != "Your sign-in methods were reset" ||
		!strings.Contains(m.Body, "Hello Alice Smith") || !strings.Contains(m.Body, "INC-9") || !strings.Contains(m.Body, graph.ReregisterURL) {
		t.Fatalf("mail: %+v", m)
	}
	if !strings.Contains(r.stdout, "mailed alice@contoso.com") {
		t.Errorf("result does not say mailed: %v", r)
	}

	// Several users: bob has no mail address and is skipped with a note,
	// which is no failure; the others are mailed after the run.
	r = run("reregister", "sean.o'brien@contoso.com", "bob@contoso.com", "bulk01@contoso.com", "--yes", "--notify")
	if r.code != 0 {
		t.Fatalf("bulk: %v", r)
	}
	mails = srv.Tenant.SentMail()[1:]
	if len(mails) != 2 || !strings.Contains(r.stderr, "bob@contoso.com: not mailed: bob@contoso.com has no mail address") ||
		!strings.Contains(r.stderr, "bulk01@contoso.com: mailed bulk01@contoso.com") {
		t.Fatalf("bulk mails %+v: %v", mails, r)
	}
	for _, m := range mails {
		if m.Subject != "Please register your sign-in methods again" {
			t.Errorf("reregister subject: %q", m.Subject)
		}
	}
}

func TestTAPNotifyHasNoPass(t *testing.T) {
	srv := startTenant(t)
	cfg := writeConfig(t, "      sender: carol.admin@contoso.com\n")
	run := func(args ...string) result {
		return runCLI(t, runOpts{endpoint: srv.URL}, append([]string{"--config", cfg}, args...)...)
	}
	r := run("tap", "alice@contoso.com", "--notify", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stderr, "Then mail alice@contoso.com") || len(srv.Tenant.SentMail()) != 0 {
		t.Fatalf("dry run: %v", r)
	}
	r = run("tap", "alice@contoso.com", "--notify", "--yes", "-o", "json")
	doc := mustJSON[map[string]any](t, r)
	value, _ := doc["temporaryAccessPass"].(string)
	mails := srv.Tenant.SentMail()
	if r.code != 0 || value == "" || len(mails) != 1 || doc["notify"] != "mailed alice@contoso.com" {
		t.Fatalf("tap --notify: %v, %d mails", r, len(mails))
	}
	m := mails[0]
	if strings.Contains(m.Body, value) || strings.Contains(m.Subject, value) {
		t.Fatalf("the pass is in the mail: %+v", m)
	}
	if m.Subject != "A Temporary Access Pass was issued for your account" || !strings.Contains(m.Body, "never sent by mail") {
		t.Errorf("tap mail: %+v", m)
	}
	// A user without a mail address: the pass is issued, no mail, exit 0.
	r = run("tap", "bob@contoso.com", "--notify", "--yes")
	if r.code != 0 || !strings.Contains(r.stdout, "not mailed: bob@contoso.com has no mail address") || len(srv.Tenant.SentMail()) != 1 {
		t.Fatalf("no mail address: %v", r)
	}
}

func TestNotifyProfile(t *testing.T) {
	srv := startTenantWith(t, func(td *fake.TenantData) {
		for i := range td.Users {
			if td.Users[i].ID == aliceID {
				td.Users[i].ManagerID = wideID
			}
		}
	})
	hist := filepath.Join(t.TempDir(), "history.jsonl")
	run := func(cfg string, args ...string) result {
		return runCLI(t, runOpts{endpoint: srv.URL, history: hist}, append([]string{"--config", cfg}, args...)...)
	}
	// notify.enabled turns it on; toManager mails the manager, never the user.
	cfg := writeConfig(t, "      enabled: true\n      sender: carol.admin@contoso.com\n      toManager: true\n      subject: \"Reset: {{.UPN}}\"\n")
	r := run(cfg, "reset", "alice@contoso.com", "--dry-run")
	if !strings.Contains(r.stdout, "then mail taro.yamada@contoso.com") {
		t.Fatalf("plan: %v", r)
	}
	r = run(cfg, "reset", "alice@contoso.com", "--yes")
	mails := srv.Tenant.SentMail()
	if r.code != 0 || len(mails) != 1 || mails[0].To[0] != "taro.yamada@contoso.com" || mails[0].Subject != "Reset: alice@contoso.com" {
		t.Fatalf("to manager: %v %+v", r, mails)
	}
	// No manager: said so, nobody mailed.
	r = run(cfg, "reset", "evil@contoso.com", "--yes")
	if r.code != 0 || len(srv.Tenant.SentMail()) != 1 || !strings.Contains(r.stdout, "has no manager") {
		t.Fatalf("no manager: %v", r)
	}
	// --notify=false wins over the profile.
	if r := run(cfg, "reset", "bulk02@contoso.com", "--yes", "--notify=false"); r.code != 0 || len(srv.Tenant.SentMail()) != 1 {
		t.Fatalf("--notify=false: %v", r)
	}
	// A mail that cannot be sent (an unknown sender mailbox) does not undo
	// the reset, is reported, and makes the exit code 1.
	cfg = writeConfig(t, "      enabled: true\n      sender: nobody@contoso.com\n")
	r = run(cfg, "reset", "bulk03@contoso.com", "--yes")
	if r.code != ExitFailed || !strings.Contains(r.stdout, "mail NOT sent") || len(srv.Tenant.Methods("00000000-0000-4000-8000-000000000003")) != 1 {
		t.Fatalf("failed mail: %v", r)
	}
}
