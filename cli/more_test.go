package cli

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/graph/history"
	"github.com/mfadesk/mfadesk/graph/msgraph"
)

// denyAdmins acts like an Authentication Administrator: Graph refuses to
// touch an admin's methods.
type denyAdmins struct{ graph.Client }

func (d denyAdmins) Apply(ctx context.Context, ch graph.Change) (graph.Result, error) {
	if del, ok := ch.(graph.DeleteMethod); ok && del.UserID == adminID {
		m := del.Method
		return graph.Result{}, &graph.Error{Kind: graph.ErrDenied, Op: "delete " + string(m.Kind) + " method of carol.admin@contoso.com",
			Status: 403, Code: "accessDenied", Message: "Insufficient privileges to complete the operation.",
			Needs: "Privileged Authentication Administrator role (the target is an admin)", RequestID: "11111111-2222-4333-8444-555555555555"}
	}
	return d.Client.Apply(ctx, ch)
}

func runWithClient(t *testing.T, c graph.Client, args ...string) result {
	t.Helper()
	var out, errb strings.Builder
	hist := filepath.Join(t.TempDir(), "history.jsonl")
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Client: c,
		Getenv: func(k string) string {
			if k == "MFADESK_HISTORY_FILE" {
				return hist
			}
			return ""
		}}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := Run(ctx, env, append([]string{"--graph-endpoint", "http://127.0.0.1:1"}, args...))
	return result{code, out.String(), errb.String()}
}

func TestDeniedExitCodes(t *testing.T) {
	srv := startTenant(t)
	real, err := msgraph.NewClient(msgraph.ClientOptions{Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	c := denyAdmins{real}

	// Every target refused: exit 3, the error names the role and the request-id.
	r := runWithClient(t, c, "reset", "carol.admin@contoso.com", "--yes")
	if r.code != ExitDenied {
		t.Fatalf("all denied: %v", r)
	}
	if !strings.Contains(r.stdout, "Privileged Authentication Administrator") || !strings.Contains(r.stdout, "11111111-2222-4333-8444-555555555555") {
		t.Errorf("denial not explained: %v", r)
	}
	// One of two refused: some targets failed, exit 1; the other is done.
	r = runWithClient(t, c, "reset", "carol.admin@contoso.com", "bob@contoso.com", "alice@contoso.com", "--yes", "-o", "json")
	if r.code != ExitFailed {
		t.Fatalf("partly denied: %v", r)
	}
	res := mustJSON[[]resultJSON](t, r)
	if res[0].Status != "failed" || res[0].Error.Kind != "denied" || !strings.Contains(res[0].Error.Message, "Privileged Authentication Administrator") || res[2].Status != "done" {
		t.Errorf("results: %v", r)
	}
	if len(srv.Tenant.Methods(aliceID)) != 1 {
		t.Error("alice not reset")
	}
}

func TestReregister(t *testing.T) {
	srv := startTenant(t)
	noDefaults(srv)
	before, _ := srv.Tenant.User(aliceID)
	r := runCLI(t, runOpts{endpoint: srv.URL}, "reregister", "alice@contoso.com", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "revoke") || len(srv.Tenant.Methods(aliceID)) != 5 {
		t.Fatalf("dry run: %v", r)
	}
	r = runCLI(t, runOpts{endpoint: srv.URL}, "reregister", "alice@contoso.com", "--tap", "--tap-lifetime", "90m", "--yes")
	if r.code != 0 {
		t.Fatal(r)
	}
	kinds := map[string]int{}
	for _, m := range srv.Tenant.Methods(aliceID) {
		kinds[m.Kind]++
	}
	// Phones and Authenticator go; FIDO2 and the password stay; a new TAP.
	if kinds[fake.KindPhone] != 0 || kinds[fake.KindAuthenticator] != 0 || kinds[fake.KindFIDO2] != 1 || kinds[fake.KindPassword] != 1 || kinds[fake.KindTAP] != 1 {
		t.Errorf("methods after reregister: %v", kinds)
	}
	after, _ := srv.Tenant.User(aliceID)
	if !after.SignInSessionsValidFrom.After(before.SignInSessionsValidFrom) {
		t.Error("sessions not revoked")
	}
	if !strings.Contains(r.stdout, "Temporary Access Pass for alice@contoso.com") || !strings.Contains(r.stdout, "sessions revoked") {
		t.Errorf("output: %v", r)
	}
}

// TestBinaryDemoServer builds mfadesk, runs `mfadesk demo-server`, and points
// commands at it with --graph-endpoint, as a new user would.
func TestBinaryDemoServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "mfadesk")
	build := exec.Command("go", "build", "-o", bin, "github.com/mfadesk/mfadesk")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := exec.CommandContext(ctx, bin, "demo-server", "--users", "40")
	stdout, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Process.Kill(); _ = srv.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("demo-server printed no URL: %v", err)
	}
	endpoint := strings.TrimSpace(line)
	if !strings.HasPrefix(endpoint, "http://127.0.0.1:") {
		t.Fatalf("service root %q", endpoint)
	}
	mfadesk := func(args ...string) (string, int) {
		cmd := exec.CommandContext(ctx, bin, append([]string{"--graph-endpoint", endpoint}, args...)...)
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	if out, code := mfadesk("users", "alice", "-o", "json"); code != 0 || !strings.Contains(out, fake.AliceID) {
		t.Fatalf("users: %d\n%s", code, out)
	}
	if out, code := mfadesk("reset", fake.AliceUPN); code != ExitUsage || !strings.Contains(out, "--yes") {
		t.Fatalf("reset without --yes off a terminal: %d\n%s", code, out)
	}
	if out, code := mfadesk("reset", fake.AliceUPN, "--yes"); code != 0 {
		t.Fatalf("reset: %d\n%s", code, out)
	}
	out, code := mfadesk("audit", fake.AliceUPN)
	if code != 0 || !strings.Contains(out, "demo.admin@contoso.com") || !strings.Contains(strings.ToLower(out), "deleted") {
		t.Fatalf("audit after reset: %d\n%s", code, out)
	}
	if out, code := mfadesk("show", fake.AliceUPN, "-o", "json"); code != 0 || strings.Contains(out, "microsoftAuthenticator") {
		t.Fatalf("show after reset: %d\n%s", code, out)
	}
}

func TestCanApprove(t *testing.T) {
	for _, tc := range []struct {
		terminal, required, yes bool
		ticket                  string
		ok                      bool
	}{
		{terminal: false, yes: false, ok: false},
		{terminal: false, yes: true, ok: true},
		{terminal: true, yes: false, ok: true},
		{terminal: false, yes: true, required: true, ok: false},
		{terminal: false, yes: true, required: true, ticket: "INC-1", ok: true},
		{terminal: true, yes: false, required: true, ok: true}, // asked on the terminal
		{terminal: true, yes: true, required: true, ok: false},
	} {
		e := &Env{InTerminal: tc.terminal}
		err := e.canApprove(&Session{RequireTicket: tc.required}, approval{Yes: tc.yes, Ticket: tc.ticket}, "Reset MFA")
		if (err == nil) != tc.ok || (err != nil && ExitCode(err) != ExitUsage) {
			t.Errorf("%+v: %v", tc, err)
		}
	}
}

// TestProfileGuardRails drives the commands with a config profile against the
// fake tenant: protected accounts refused before the confirmation,
// keepOnReset as the default --keep, a required ticket, the verification
// checklist.
func TestProfileGuardRails(t *testing.T) {
	srv := startTenant(t)
	noDefaults(srv)
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte(`defaultProfile: lab
profiles:
  lab:
    tenant: contoso.com
    clientId: 11111111-2222-3333-4444-555555555555
    keepOnReset: [fido2]
    ticketRequired: true
    verificationChecklist:
      - Called the user back on the number on file
    protected:
      users:
        - carol.admin@contoso.com
`), 0o600); err != nil {
		t.Fatal(err)
	}
	hist := filepath.Join(t.TempDir(), "history.jsonl")
	run := func(stdin string, terminal bool, args ...string) result {
		return runCLI(t, runOpts{endpoint: srv.URL, history: hist, stdin: stdin, terminal: terminal}, append([]string{"--config", cfg}, args...)...)
	}

	// --yes without --ticket / --verified: refused before anything is read.
	if r := run("", false, "reset", "alice@contoso.com", "--yes"); r.code != ExitUsage || !strings.Contains(r.stderr, "--ticket") {
		t.Fatalf("no ticket: %v", r)
	}
	if r := run("", false, "reset", "alice@contoso.com", "--yes", "--ticket", "INC-1"); r.code != ExitUsage || !strings.Contains(r.stderr, "Called the user back") {
		t.Fatalf("no --verified: %v", r)
	}
	// The protected admin fails in the plan; alice is reset keeping FIDO2.
	r := run("", false, "reset", "alice@contoso.com", "carol.admin@contoso.com", "--yes", "--ticket", "INC-1", "--verified", "-o", "json")
	if r.code != ExitFailed {
		t.Fatalf("protected: %v", r)
	}
	res := mustJSON[[]resultJSON](t, r)
	if res[0].Status != "done" || res[1].Status != "failed" || res[1].Error.Kind != "protected" {
		t.Errorf("results: %v", r)
	}
	if len(srv.Tenant.Methods(adminID)) != 5 {
		t.Error("protected admin changed")
	}
	kinds := map[string]int{}
	for _, m := range srv.Tenant.Methods(aliceID) {
		kinds[m.Kind]++
	}
	if len(kinds) != 2 || kinds[fake.KindFIDO2] != 1 {
		t.Errorf("keepOnReset not applied: %v", kinds)
	}
	entries, _, err := history.ReadFile(hist, history.Filter{User: "alice@contoso.com"})
	if err != nil || len(entries) == 0 || entries[0].Ticket != "INC-1" || len(entries[0].Checklist) != 1 {
		t.Errorf("history: %+v %v", entries, err)
	}

	// On a terminal: the checklist and the ticket are asked for.
	r = run("y\n\n", true, "tap", "bob@contoso.com")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "Done all of the above") || !strings.Contains(r.stderr, "required") {
		t.Fatalf("blank required ticket: %v", r)
	}
	r = run("y\nINC-2\ny\n", true, "tap", "bob@contoso.com")
	if r.code != 0 || !strings.Contains(r.stdout, "Temporary Access Pass for bob@contoso.com") {
		t.Fatalf("tap on terminal: %v", r)
	}
}

// TestBulkRunAndResume: many users go through the bulk runner with a
// journal; a run cut short by --timeout is finished with --resume, and
// every user ends reset exactly once.
func TestBulkRunAndResume(t *testing.T) {
	srv, err := fake.Start(fake.Options{Users: 150, Latency: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	var ids []string
	for _, id := range srv.Tenant.UserIDs() {
		if len(ids) == 80 {
			break
		}
		if u, _ := srv.Tenant.User(id); !u.IsGuest() && !u.IsAdmin() {
			ids = append(ids, id)
		}
	}
	csvPath := filepath.Join(dir, "users.csv")
	if err := os.WriteFile(csvPath, []byte("ObjectId\n"+strings.Join(ids, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	deletable := 0
	for _, id := range ids {
		for _, m := range srv.Tenant.Methods(id) {
			if m.Kind != fake.KindPassword {
				deletable++
			}
		}
	}
	journal := filepath.Join(dir, "run.jsonl")
	o := runOpts{endpoint: srv.URL, history: filepath.Join(dir, "history.jsonl")}

	// 2s: long enough for the lookups before the plan on a loaded machine
	// (about 0.3 s), far too short for the run itself (about 8 s at 100 ms
	// latency and the default concurrency), so the run is interrupted.
	r := runCLI(t, o, "reset", "--csv", csvPath, "--yes", "--journal", journal, "--timeout", "2s")
	if r.code != ExitFailed || !strings.Contains(r.stderr, "--resume "+journal) {
		t.Fatalf("interrupted run: %v", r)
	}
	if !strings.Contains(r.stderr, "Plan: reset mfa for 80 users") {
		t.Errorf("no summary plan: %v", r.stderr)
	}
	r = runCLI(t, o, "revoke", "--resume", journal, "--yes")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "reset run") {
		t.Fatalf("resume with the wrong command: %v", r)
	}
	r = runCLI(t, o, "reset", "--resume", journal, "--yes", "-o", "json")
	if r.code != 0 {
		t.Fatalf("resume: %v", r)
	}
	rows := mustJSON[[]resultJSON](t, r)
	if len(rows) != 80 {
		t.Fatalf("%d rows after resume", len(rows))
	}
	for _, id := range ids {
		for _, m := range srv.Tenant.Methods(id) {
			if m.Kind != fake.KindPassword {
				t.Errorf("user %s still has %s", id, m.Kind)
			}
		}
	}
	// Every method was deleted exactly once.
	if got := srv.Tenant.Stats().Deletes; got != deletable {
		t.Errorf("%d deletes for %d methods", got, deletable)
	}
}

// A bulk re-register's passes go to the --passes file, each as it is
// issued; without one the run is refused before any change (issue 15.2).
func TestBulkReregisterPassesToFile(t *testing.T) {
	srv := startTenant(t)
	noDefaults(srv)
	r := runCLI(t, runOpts{endpoint: srv.URL}, "reregister", "alice@contoso.com", "bob@contoso.com", "--tap", "--yes")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--passes") || len(srv.Tenant.Audits()) != 0 {
		t.Fatalf("no --passes: %v (%d changes)", r, len(srv.Tenant.Audits()))
	}
	passes := filepath.Join(t.TempDir(), "passes.csv")
	r = runCLI(t, runOpts{endpoint: srv.URL}, "reregister", "alice@contoso.com", "bob@contoso.com", "--tap", "--yes", "--passes", passes)
	if r.code != 0 {
		t.Fatal(r)
	}
	data, err := os.ReadFile(passes)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(passes); fi.Mode().Perm() != 0o600 {
		t.Errorf("passes file mode %v", fi.Mode().Perm())
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "user,userId,temporaryAccessPass") {
		t.Fatalf("passes file:\n%s", data)
	}
	for _, id := range []string{aliceID, bobID} {
		n := 0
		for _, m := range srv.Tenant.Methods(id) {
			if m.Kind == fake.KindTAP {
				n++
			}
		}
		if n != 1 || !strings.Contains(string(data), id) {
			t.Errorf("%s has %d passes", id, n)
		}
	}
	// The values are in the file only.
	for _, l := range lines[1:] {
		value := strings.Split(l, ",")[2]
		if strings.Contains(r.stdout+r.stderr, value) {
			t.Errorf("pass %q printed", value)
		}
	}
	if strings.Count(r.stdout, "pass issued and delivered") != 2 {
		t.Errorf("report: %v", r)
	}
	// Never overwritten.
	r = runCLI(t, runOpts{endpoint: srv.URL}, "reregister", "alice@contoso.com", "bob@contoso.com", "--tap", "--yes", "--passes", passes)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("existing passes file: %v", r)
	}
	if after, _ := os.ReadFile(passes); !bytes.Equal(after, data) {
		t.Error("the passes file changed")
	}
}

func TestTenantLimits(t *testing.T) {
	srv, err := fake.Start(fake.Options{Data: testTenant(time.Now()), NoP1: true, TAPDisabled: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	o := runOpts{endpoint: srv.URL}
	r := runCLI(t, o, "signins", "alice@contoso.com")
	if r.code != ExitFailed || !strings.Contains(r.stderr, "P1") {
		t.Errorf("no P1: %v", r)
	}
	// Refused from the policy before anything is sent.
	r = runCLI(t, o, "tap", "alice@contoso.com", "--yes")
	if r.code == 0 || !strings.Contains(r.stderr, "policy is off") || srv.Tenant.Stats().TAPsCreated != 0 {
		t.Errorf("TAP disabled: %v", r)
	}
}

// TestDemoHostileText: the demo tenant's Mallory carries OSC 52, CSI and
// bidi overrides in her name, title and a failure reason; nothing of it
// reaches the terminal in any output form.
func TestDemoHostileText(t *testing.T) {
	for _, args := range [][]string{
		{"show", fake.MalloryUPN},
		{"signins", fake.MalloryUPN, "--since", "14d"},
		{"users", "mallory"},
		{"users", "mallory", "-o", "csv"},
	} {
		r := runCLI(t, runOpts{}, append([]string{"--demo"}, args...)...)
		if r.code != 0 {
			t.Fatalf("%v: %v", args, r)
		}
		for _, bad := range []string{"\x1b", "\x07", "\u202e", "\x9b"} {
			if strings.Contains(r.stdout+r.stderr, bad) {
				t.Errorf("%v: output carries %q", args, bad)
			}
		}
	}
}
