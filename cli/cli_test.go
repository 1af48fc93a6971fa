package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/graph/history"
)

// Test tenant: exact users, so the tests say what they expect.
const (
	aliceID  = "a1b2c3d4-e5f6-4890-abcd-1234567890ef"
	bobID    = "b2c3d4e5-f678-4012-bcde-2345678901fa"
	obrienID = "c3d4e5f6-0789-4123-8def-3456789012fb"
	adminID  = "d4e5f607-1890-4234-9ef0-4567890123fc"
	wideID   = "e5f60718-2901-4345-af01-5678901234fd"
	evilID   = "f6071829-3a12-4456-b012-6789012345fe"
	guestID  = "07182930-4b23-4567-8123-7890123456ff"
)

func methods(ms ...fake.MethodData) []fake.MethodData {
	created := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	out := []fake.MethodData{{Kind: fake.KindPassword, ID: fake.PasswordMethodID, Created: created}}
	for _, m := range ms {
		if m.Created.IsZero() {
			m.Created = created
		}
		out = append(out, m)
	}
	return out
}

func mfaUser(id, name, upn string) fake.UserData {
	return fake.UserData{
		ID: id, DisplayName: name, UserPrincipalName: upn, Mail: upn,
		AccountEnabled: true, UserType: "Member", PerUserMFAState: "disabled",
		PreferredMethod: "push", Department: "Sales", JobTitle: "Account Manager",
		Methods: methods(
			fake.MethodData{Kind: fake.KindPhone, ID: fake.MobilePhoneID, PhoneNumber: "+1 5555550100", PhoneType: "mobile"},
			fake.MethodData{Kind: fake.KindPhone, ID: fake.AlternateMobilePhoneID, PhoneNumber: "+1 5555550101", PhoneType: "alternateMobile"},
			fake.MethodData{Kind: fake.KindAuthenticator, ID: "9f1e3a2b-0000-4000-8000-000000000001", DisplayName: "Pixel 8", PhoneAppVersion: "6.2401.0119"},
			fake.MethodData{Kind: fake.KindFIDO2, ID: "9f1e3a2b-0000-4000-8000-000000000002", DisplayName: "Work key", Model: "YubiKey 5 NFC"},
		),
	}
}

func testTenant(now time.Time) *fake.TenantData {
	alice := mfaUser(aliceID, "Alice Smith", "alice@contoso.com")
	alice.SignIns = []fake.SignInData{
		{ID: "si-3", Created: now.Add(-1 * time.Hour), AppDisplayName: "Office 365 Exchange Online", ClientAppUsed: "Browser", IPAddress: "203.0.113.7",
			ErrorCode: 500121, FailureReason: "Authentication failed during strong authentication request.", AdditionalDetails: "MFA denied; user declined the authentication",
			ConditionalAccessStatus: "notApplied", Location: fake.LocationData{City: "Seattle", CountryOrRegion: "US"}},
		{ID: "si-2", Created: now.Add(-2 * time.Hour), AppDisplayName: "Microsoft Teams", ClientAppUsed: "Mobile Apps and Desktop clients", IPAddress: "203.0.113.7",
			ErrorCode: 50074, FailureReason: "Strong Authentication is required.", ConditionalAccessStatus: "notApplied"},
		{ID: "si-1", Created: now.Add(-3 * time.Hour), AppDisplayName: "Microsoft Teams", ClientAppUsed: "Browser", IPAddress: "203.0.113.7",
			ConditionalAccessStatus: "success"},
		{ID: "si-0", Created: now.Add(-200 * time.Hour), AppDisplayName: "Old App", IPAddress: "203.0.113.8", ErrorCode: 50126,
			FailureReason: "Invalid username or password."},
	}
	bob := fake.UserData{ID: bobID, DisplayName: "Bob Jones", UserPrincipalName: "bob@contoso.com", AccountEnabled: true,
		UserType: "Member", PerUserMFAState: "enforced", PreferredMethod: "none", Methods: methods()}
	obrien := mfaUser(obrienID, "Seán O'Brien", "sean.o'brien@contoso.com")
	admin := mfaUser(adminID, "Carol Admin", "carol.admin@contoso.com")
	admin.Roles = []string{graph.RoleGlobalAdmin}
	wide := mfaUser(wideID, "山田 太郎", "taro.yamada@contoso.com")
	evil := mfaUser(evilID, "Evil\x1b]52;c;aGk=\x07\x1b[2J Name", "evil@contoso.com")
	evil.JobTitle = "=HYPERLINK(\"http://x\")"
	guest := mfaUser(guestID, "Gail Guest", "gail_fabrikam.com#EXT#@contoso.com")
	guest.UserType = "Guest"
	td := &fake.TenantData{TenantID: fake.TenantID, DisplayName: "Contoso", Domain: "contoso.com",
		Users: []fake.UserData{alice, bob, obrien, admin, wide, evil, guest}}
	for i := range 15 {
		u := mfaUser(fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), fmt.Sprintf("Bulk User %02d", i+1), fmt.Sprintf("bulk%02d@contoso.com", i+1))
		td.Users = append(td.Users, u)
	}
	return td
}

func startTenant(t *testing.T) *fake.Server {
	t.Helper()
	srv, err := fake.Start(fake.Options{Data: testTenant(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

type result struct {
	code           int
	stdout, stderr string
}

type runOpts struct {
	endpoint string // MFADESK_GRAPH_ENDPOINT
	history  string // MFADESK_HISTORY_FILE (default: a file in the test's temp dir)
	stdin    string
	terminal bool // stdin is a terminal (confirmation possible)
}

func runCLI(t *testing.T, o runOpts, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	if o.history == "" {
		o.history = filepath.Join(t.TempDir(), "history.jsonl")
	}
	env := &Env{
		Stdin: strings.NewReader(o.stdin), Stdout: &out, Stderr: &errb,
		InTerminal: o.terminal,
		Getenv: func(k string) string {
			switch k {
			case "MFADESK_GRAPH_ENDPOINT":
				return o.endpoint
			case "MFADESK_HISTORY_FILE":
				return o.history
			}
			return ""
		},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := Run(ctx, env, args)
	return result{code, out.String(), errb.String()}
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.stdout, r.stderr)
}

func mustJSON[T any](t *testing.T, r result) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r)
	}
	return v
}

func TestUsersSearch(t *testing.T) {
	srv := startTenant(t)
	o := runOpts{endpoint: srv.URL}

	r := runCLI(t, o, "users", "O'Brien", "-o", "json")
	if r.code != 0 {
		t.Fatal(r)
	}
	users := mustJSON[[]map[string]any](t, r)
	if len(users) != 1 || users[0]["userPrincipalName"] != "sean.o'brien@contoso.com" || users[0]["id"] != obrienID {
		t.Fatalf("O'Brien search: %v", users)
	}

	// A quote that would widen an OData filter finds nobody, not everyone.
	r = runCLI(t, o, "users", "x' or 1 eq 1", "-o", "json")
	if r.code != 0 || len(mustJSON[[]map[string]any](t, r)) != 0 {
		t.Fatalf("injection search: %v", r)
	}

	r = runCLI(t, o, "users", "alice")
	if r.code != 0 || !strings.Contains(r.stdout, "alice@contoso.com") || !strings.HasPrefix(r.stdout, "DISPLAY NAME") {
		t.Fatal(r)
	}

	r = runCLI(t, o, "users", "bulk", "--top", "5", "-o", "csv")
	if r.code != 0 || strings.Count(r.stdout, "\n") != 6 || !strings.Contains(r.stderr, "--all") {
		t.Fatalf("paged csv: %v", r)
	}
	r = runCLI(t, o, "users", "bulk", "--top", "5", "--all", "-o", "json")
	if got := len(mustJSON[[]map[string]any](t, r)); got != 15 {
		t.Fatalf("--all: %d users\n%v", got, r)
	}
}

func TestTableAlignmentAndHostileText(t *testing.T) {
	srv := startTenant(t)
	o := runOpts{endpoint: srv.URL}
	r := runCLI(t, o, "users", "contoso.com", "--all")
	if r.code != 0 {
		t.Fatal(r)
	}
	if strings.ContainsRune(r.stdout, 0x1b) || strings.ContainsRune(r.stdout, 0x07) {
		t.Fatalf("escape sequence reached the terminal: %q", r.stdout)
	}
	// Every row's UPN column starts at the same display column, wide
	// characters included.
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	col := displayCol(lines[0], "USER PRINCIPAL NAME")
	for _, l := range lines[1:] {
		upn := ""
		for _, f := range strings.Fields(l) {
			if strings.Contains(f, "@") {
				upn = f
				break
			}
		}
		if c := displayCol(l, upn); c != col {
			t.Errorf("UPN at column %d, header at %d: %q", c, col, l)
		}
	}
	if !strings.Contains(r.stdout, "山田 太郎") {
		t.Error("wide name missing")
	}

	// CSV defuses spreadsheet formulas from the directory.
	r = runCLI(t, o, "users", "evil@contoso.com", "-o", "csv")
	if !strings.Contains(r.stdout, `'=HYPERLINK`) {
		t.Fatalf("formula not defused: %v", r)
	}
}

// displayCol is where sub starts in line, in terminal cells.
func displayCol(line, sub string) int {
	i := strings.Index(line, sub)
	if i < 0 {
		return -1
	}
	return ansi.StringWidth(line[:i])
}

func TestShowJSON(t *testing.T) {
	srv := startTenant(t)
	r := runCLI(t, runOpts{endpoint: srv.URL}, "show", "alice@contoso.com", "-o", "json")
	if r.code != 0 {
		t.Fatal(r)
	}
	doc := mustJSON[map[string]any](t, r)
	if doc["id"] != aliceID || doc["userPrincipalName"] != "alice@contoso.com" || doc["displayName"] != "Alice Smith" {
		t.Errorf("user fields: %v", doc)
	}
	reg, ok := doc["registration"].(map[string]any)
	if !ok {
		t.Fatalf("no registration object: %v", doc)
	}
	if reg["isMfaRegistered"] != true {
		t.Errorf("registration.isMfaRegistered = %v", reg["isMfaRegistered"])
	}
	if _, ok := reg["methodsRegistered"].([]any); !ok {
		t.Errorf("registration.methodsRegistered = %v", reg["methodsRegistered"])
	}
	ms, _ := doc["methods"].([]any)
	kinds := map[string]bool{}
	for _, m := range ms {
		mm := m.(map[string]any)
		kinds[mm["kind"].(string)] = true
		if !strings.HasPrefix(mm["@odata.type"].(string), "#microsoft.graph.") {
			t.Errorf("method without @odata.type: %v", mm)
		}
	}
	for _, k := range []string{"password", "phone", "microsoftAuthenticator", "fido2"} {
		if !kinds[k] {
			t.Errorf("methods lack %s: %v", k, kinds)
		}
	}
	if doc["perUserMfaState"] != "disabled" {
		t.Errorf("perUserMfaState = %v", doc["perUserMfaState"])
	}

	// By object id, as a table.
	r = runCLI(t, runOpts{endpoint: srv.URL}, "show", aliceID)
	if r.code != 0 || !strings.Contains(r.stdout, "Authentication methods") || !strings.Contains(r.stdout, "YubiKey") {
		t.Fatal(r)
	}
}

func TestUnknownUser(t *testing.T) {
	srv := startTenant(t)
	for _, cmd := range [][]string{{"show", "nobody@contoso.com"}, {"signins", "99999999-9999-4999-8999-999999999999"}} {
		r := runCLI(t, runOpts{endpoint: srv.URL}, cmd...)
		if r.code != ExitFailed || !strings.Contains(r.stderr, "no user") || !strings.Contains(r.stderr, "in this tenant") {
			t.Errorf("%v: %v", cmd, r)
		}
	}
	r := runCLI(t, runOpts{endpoint: srv.URL}, "show", "not a user")
	if r.code != ExitUsage {
		t.Errorf("malformed user: %v", r)
	}
}

func TestSignInsFailuresWithHints(t *testing.T) {
	srv := startTenant(t)
	o := runOpts{endpoint: srv.URL}
	r := runCLI(t, o, "signins", "alice@contoso.com", "--failures", "-o", "json")
	if r.code != 0 {
		t.Fatal(r)
	}
	list := mustJSON[[]map[string]any](t, r)
	if len(list) != 2 {
		t.Fatalf("want the 2 failures of the last 72h, got %d\n%v", len(list), r)
	}
	for _, s := range list {
		st := s["status"].(map[string]any)
		if st["errorCode"].(float64) == 0 {
			t.Errorf("success in --failures: %v", s)
		}
		h, _ := s["hint"].(map[string]any)
		if h == nil || h["meaning"] == "" || h["code"] != st["errorCode"] {
			t.Errorf("no hint for %v: %v", st["errorCode"], s["hint"])
		}
	}
	r = runCLI(t, o, "signins", "alice@contoso.com", "--since", "30d")
	if r.code != 0 || !strings.Contains(r.stdout, "500121") || !strings.Contains(r.stdout, "50126") || !strings.Contains(r.stdout, "Hint") || !strings.Contains(r.stdout, "Next") {
		t.Fatal(r)
	}
	r = runCLI(t, o, "signins", "alice@contoso.com", "--since", "yesterday-ish")
	if r.code != ExitUsage {
		t.Fatal(r)
	}
}

func TestResetDryRunChangesNothing(t *testing.T) {
	srv := startTenant(t)
	before := len(srv.Tenant.Methods(aliceID))
	r := runCLI(t, runOpts{endpoint: srv.URL}, "reset", "alice@contoso.com", "--dry-run")
	if r.code != 0 {
		t.Fatal(r)
	}
	if got := len(srv.Tenant.Methods(aliceID)); got != before {
		t.Fatalf("dry run changed methods: %d -> %d", before, got)
	}
	// The plan: the alternate mobile before the mobile, the default
	// (Authenticator, push) last; password kept.
	out := r.stdout
	alt, mob, app := strings.Index(out, "+1 XXXXXXX101"), strings.Index(out, "+1 XXXXXXX100"), strings.Index(out, "microsoftAuthenticator")
	if alt < 0 || mob < 0 || app < 0 {
		t.Logf("plan output does not show masked numbers as expected; checking order by kind only\n%s", out)
	} else if !(alt < mob && mob < app) {
		t.Errorf("order wrong (alt %d, mobile %d, app %d):\n%s", alt, mob, app, out)
	}
	if !strings.Contains(out, "keep") || !strings.Contains(out, "password") || !strings.Contains(r.stderr, "nothing changed") {
		t.Errorf("plan output:\n%s", r)
	}

	r = runCLI(t, runOpts{endpoint: srv.URL}, "reset", "alice@contoso.com", "--dry-run", "--keep", "fido2", "-o", "json")
	plans := mustJSON[[]resultJSON](t, r)
	if len(plans) != 1 || plans[0].Status != "planned" {
		t.Fatalf("json plan: %v", r)
	}
	b, _ := json.Marshal(plans[0].Plan)
	var p struct {
		Delete []graph.Method
		Keep   []graph.KeptMethod
	}
	_ = json.Unmarshal(b, &p)
	if len(p.Delete) != 3 || len(p.Keep) != 2 {
		t.Errorf("plan with --keep fido2: delete %d keep %d\n%s", len(p.Delete), len(p.Keep), b)
	}
	if p.Delete[len(p.Delete)-1].Kind != graph.KindAuthenticator {
		t.Errorf("default method not last: %s", b)
	}
}

func TestResetYesThenAudit(t *testing.T) {
	srv := startTenant(t)
	o := runOpts{endpoint: srv.URL}
	r := runCLI(t, o, "reset", "alice@contoso.com", "--yes")
	if r.code != 0 {
		t.Fatal(r)
	}
	ms := srv.Tenant.Methods(aliceID)
	if len(ms) != 1 || ms[0].Kind != fake.KindPassword {
		t.Fatalf("after reset: %v", ms)
	}
	if !strings.Contains(r.stdout, "done") || !strings.Contains(r.stderr, "1 done") {
		t.Error(r)
	}
	r = runCLI(t, o, "audit", "alice@contoso.com", "-o", "json")
	if r.code != 0 {
		t.Fatal(r)
	}
	events := mustJSON[[]map[string]any](t, r)
	if len(events) < 4 {
		t.Fatalf("want an audit event per deleted method, got %d\n%v", len(events), r)
	}
	if by, _ := events[0]["initiatedBy"].(string); by == "" {
		t.Errorf("audit event without initiator: %v", events[0])
	}
}

func TestNoTerminalNeedsYes(t *testing.T) {
	srv := startTenant(t)
	for _, args := range [][]string{
		{"reset", "alice@contoso.com"},
		{"reregister", "alice@contoso.com"},
		{"revoke", "alice@contoso.com"},
		{"tap", "alice@contoso.com"},
		{"mfa-state", "alice@contoso.com", "enforced"},
	} {
		r := runCLI(t, runOpts{endpoint: srv.URL}, args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, "--yes") {
			t.Errorf("%v: %v", args, r)
		}
	}
	if len(srv.Tenant.Methods(aliceID)) != 5 || srv.Tenant.PerUserMFA(aliceID) != "disabled" {
		t.Fatal("something changed")
	}
	if n := len(srv.Tenant.AuditsFor(aliceID)); n != 0 {
		t.Fatalf("%d audit events after refused commands", n)
	}
}

func TestConfirmOnTerminal(t *testing.T) {
	srv := startTenant(t)
	hist := filepath.Join(t.TempDir(), "history.jsonl")
	// No ticket, "n": cancelled.
	r := runCLI(t, runOpts{endpoint: srv.URL, terminal: true, stdin: "\nn\n", history: hist}, "reset", "alice@contoso.com")
	if r.code != ExitFailed || !strings.Contains(r.stderr, "nothing was changed") || len(srv.Tenant.Methods(aliceID)) != 5 {
		t.Fatalf("declined: %v", r)
	}
	// A ticket, then "y": done, and recorded with the ticket.
	r = runCLI(t, runOpts{endpoint: srv.URL, terminal: true, stdin: "INC-4711\ny\n", history: hist}, "reset", "alice@contoso.com")
	if r.code != 0 || len(srv.Tenant.Methods(aliceID)) != 1 || !strings.Contains(r.stderr, "[y/N]") || !strings.Contains(r.stderr, "Ticket or reason") {
		t.Fatalf("accepted: %v", r)
	}
	entries, _, err := history.ReadFile(hist, history.Filter{User: "alice@contoso.com"})
	if err != nil || len(entries) != 4 {
		t.Fatalf("history: %d entries, %v", len(entries), err)
	}
	for _, e := range entries {
		if e.Ticket != "INC-4711" || e.Via != "cli reset" || e.Op != graph.WriteDeleteMethod || e.Result != history.ResultOK || e.Operator == "" {
			t.Errorf("history entry: %+v", e)
		}
	}
	// Above 10 users a y is not enough: the count must be typed.
	var users []string
	for i := range 12 {
		users = append(users, fmt.Sprintf("bulk%02d@contoso.com", i+1))
	}
	r = runCLI(t, runOpts{endpoint: srv.URL, terminal: true, stdin: "\ny\n"}, append([]string{"revoke"}, users...)...)
	if r.code != ExitFailed || !strings.Contains(r.stderr, "Type 12 to confirm") {
		t.Fatalf("y for 12 users: %v", r)
	}
	if n := len(srv.Tenant.AuditsFor("00000000-0000-4000-8000-000000000001")); n != 0 {
		t.Fatal("revoked without typed confirmation")
	}
	r = runCLI(t, runOpts{endpoint: srv.URL, terminal: true, stdin: "\n12\n"}, append([]string{"revoke"}, users...)...)
	if r.code != 0 || !strings.Contains(r.stderr, "12 done") {
		t.Fatalf("typed 12: %v", r)
	}
}

func TestRevoke(t *testing.T) {
	srv := startTenant(t)
	before, _ := srv.Tenant.User(bobID)
	r := runCLI(t, runOpts{endpoint: srv.URL}, "revoke", "bob@contoso.com", "alice@contoso.com", "--yes", "-o", "json")
	if r.code != 0 {
		t.Fatal(r)
	}
	res := mustJSON[[]resultJSON](t, r)
	if len(res) != 2 || res[0].Status != "done" || res[1].Status != "done" {
		t.Fatalf("%v", r)
	}
	after, _ := srv.Tenant.User(bobID)
	if !after.SignInSessionsValidFrom.After(before.SignInSessionsValidFrom) {
		t.Errorf("sessions not revoked: %v -> %v", before.SignInSessionsValidFrom, after.SignInSessionsValidFrom)
	}
}

func TestTAPShownOnce(t *testing.T) {
	srv := startTenant(t)
	r := runCLI(t, runOpts{endpoint: srv.URL}, "tap", "bob@contoso.com", "--lifetime", "2h", "--one-time", "--yes")
	if r.code != 0 {
		t.Fatal(r)
	}
	var tap fake.MethodData
	for _, m := range srv.Tenant.Methods(bobID) {
		if m.Kind == fake.KindTAP {
			tap = m
		}
	}
	if tap.ID == "" || tap.LifetimeMinutes != 120 || !tap.IsUsableOnce {
		t.Fatalf("TAP in tenant: %+v", tap)
	}
	// Find the value in stdout: the line after the heading.
	lines := strings.Split(r.stdout, "\n")
	value := ""
	for i, l := range lines {
		if strings.HasPrefix(l, "Temporary Access Pass for") && i+2 < len(lines) {
			value = strings.TrimSpace(lines[i+2])
		}
	}
	if len(value) < 8 {
		t.Fatalf("no pass value shown:\n%v", r)
	}
	if strings.Count(r.stdout, value) != 1 || strings.Contains(r.stderr, value) {
		t.Errorf("pass shown %d times on stdout, on stderr: %v", strings.Count(r.stdout, value), strings.Contains(r.stderr, value))
	}

	r = runCLI(t, runOpts{endpoint: srv.URL}, "tap", "bob@contoso.com", "--yes", "-o", "json")
	doc := mustJSON[map[string]any](t, r)
	if v, _ := doc["temporaryAccessPass"].(string); v == "" || doc["userPrincipalName"] != "bob@contoso.com" || doc["lifetimeInMinutes"].(float64) != 60 {
		t.Errorf("tap json: %v", doc)
	}
	if !strings.Contains(r.stderr, "replaces") {
		t.Errorf("no warning about the existing pass: %v", r.stderr)
	}

	r = runCLI(t, runOpts{endpoint: srv.URL}, "tap", "bob@contoso.com", "--lifetime", "5m", "--yes")
	if r.code != ExitUsage {
		t.Errorf("5m lifetime: %v", r)
	}
}

func TestMFAState(t *testing.T) {
	srv := startTenant(t)
	o := runOpts{endpoint: srv.URL}
	r := runCLI(t, o, "mfa-state", "bob@contoso.com", "-o", "json")
	if doc := mustJSON[map[string]any](t, r); doc["perUserMfaState"] != "enforced" {
		t.Fatal(r)
	}
	r = runCLI(t, o, "mfa-state", "bob@contoso.com", "disabled", "--dry-run")
	if r.code != 0 || srv.Tenant.PerUserMFA(bobID) != "enforced" || !strings.Contains(r.stderr, "from enforced to disabled") {
		t.Fatalf("dry run: %v", r)
	}
	r = runCLI(t, o, "mfa-state", "bob@contoso.com", "disabled", "--yes", "-o", "json")
	doc := mustJSON[map[string]any](t, r)
	if r.code != 0 || doc["perUserMfaState"] != "disabled" || doc["previousPerUserMfaState"] != "enforced" || srv.Tenant.PerUserMFA(bobID) != "disabled" {
		t.Fatalf("set: %v", r)
	}
	r = runCLI(t, o, "mfa-state", "bob@contoso.com", "sometimes")
	if r.code != ExitUsage {
		t.Fatal(r)
	}
}

func TestReport(t *testing.T) {
	srv := startTenant(t)
	o := runOpts{endpoint: srv.URL}
	r := runCLI(t, o, "report", "--all", "-o", "json")
	all := mustJSON[[]graph.Registration](t, r)
	if len(all) != 22 {
		t.Fatalf("report --all: %d rows\n%v", len(all), r)
	}
	r = runCLI(t, o, "report", "--admins", "-o", "json")
	admins := mustJSON[[]graph.Registration](t, r)
	if len(admins) != 1 || admins[0].UserPrincipalName != "carol.admin@contoso.com" {
		t.Fatalf("--admins: %v", r)
	}
	r = runCLI(t, o, "report", "--not-registered", "-o", "json")
	nr := mustJSON[[]graph.Registration](t, r)
	if len(nr) != 1 || nr[0].UserPrincipalName != "bob@contoso.com" {
		t.Fatalf("--not-registered: %v", r)
	}
	r = runCLI(t, o, "report", "--top", "5")
	if r.code != 0 || strings.Count(r.stdout, "\n") != 6 || !strings.Contains(r.stderr, "--all") {
		t.Fatalf("first page: %v", r)
	}
}

func TestCSVInput(t *testing.T) {
	srv := startTenant(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("\xef\xbb\xbfObjectId\r\n"+aliceID+"\r\nnot-a-guid\r\n"+bobID+"\r\nalso bad\r\n"), 0o600)
	r := runCLI(t, runOpts{endpoint: srv.URL}, "reset", "--csv", bad, "--yes")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "line 3") || !strings.Contains(r.stderr, "line 5") || !strings.Contains(r.stderr, "Nothing was changed") {
		t.Fatalf("bad csv: %v", r)
	}
	if len(srv.Tenant.Methods(aliceID)) != 5 || len(srv.Tenant.AuditsFor(aliceID)) != 0 {
		t.Fatal("bad CSV changed something")
	}

	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte("DisplayName,UserPrincipalName\r\n\"Alice\",alice@contoso.com\r\n\"Nobody\",nobody@contoso.com\r\n\"Alice again\",ALICE@contoso.com\r\n"), 0o600)
	// An unknown user rejects the list before anything changes, naming
	// its line, as a malformed row does.
	r = runCLI(t, runOpts{endpoint: srv.URL}, "reset", "--csv", good, "--yes", "-o", "json")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "line 3: nobody@contoso.com") || !strings.Contains(r.stderr, "Nothing was changed") ||
		!strings.Contains(r.stderr, "--skip-unknown") {
		t.Fatalf("one unknown user should reject the list with 2: %v", r)
	}
	if len(srv.Tenant.Methods(aliceID)) != 5 || len(srv.Tenant.AuditsFor(aliceID)) != 0 {
		t.Fatal("a list with an unknown user changed something")
	}
	// --skip-unknown: the others go ahead; the unknown one is named.
	r = runCLI(t, runOpts{endpoint: srv.URL}, "reset", "--csv", good, "--yes", "--skip-unknown", "-o", "json")
	if r.code != 0 || !strings.Contains(r.stderr, "skipping 1 user(s) not found") || !strings.Contains(r.stderr, "line 3: nobody@contoso.com") {
		t.Fatalf("--skip-unknown: %v", r)
	}
	res := mustJSON[[]resultJSON](t, r)
	if len(res) != 1 || res[0].Status != "done" {
		t.Fatalf("results: %v", r)
	}
	if !strings.Contains(r.stderr, "ignoring column") || !strings.Contains(r.stderr, "appears on lines 2, 4") {
		t.Errorf("warnings: %v", r.stderr)
	}
}

func TestReadOnlyRefuses(t *testing.T) {
	srv := startTenant(t)
	for _, args := range [][]string{
		{"reset", "alice@contoso.com", "--yes"},
		{"revoke", "alice@contoso.com", "--yes"},
		{"tap", "alice@contoso.com", "--yes"},
		{"mfa-state", "alice@contoso.com", "enforced", "--yes"},
		{"reregister", "alice@contoso.com", "--yes"},
	} {
		r := runCLI(t, runOpts{endpoint: srv.URL}, append(args, "--read-only")...)
		if r.code != ExitDenied || !strings.Contains(r.stderr, "read-only") {
			t.Errorf("%v: %v", args, r)
		}
	}
	if len(srv.Tenant.Methods(aliceID)) != 5 || len(srv.Tenant.AuditsFor(aliceID)) != 0 {
		t.Fatal("read-only changed something")
	}
	// Reads and dry runs still work.
	r := runCLI(t, runOpts{endpoint: srv.URL}, "reset", "alice@contoso.com", "--dry-run", "--read-only")
	if r.code != 0 {
		t.Fatal(r)
	}
}

func TestEndpointRules(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--graph-endpoint", "http://graph.example.com", "users", "x"}, "plain http is refused"},
		{[]string{"--graph-endpoint", "https://graph.example.com", "--auth", "none", "users", "x"}, "--auth none is refused"},
		{[]string{"--graph-endpoint", "http://127.0.0.1:1/v1.0", "users", "x"}, "without /v1.0"},
		{[]string{"--graph-endpoint", "ftp://127.0.0.1", "users", "x"}, "service root"},
		{[]string{"--auth", "magic", "--demo", "users", "x"}, "--auth"},
		{[]string{"--output", "yaml", "users", "x"}, "--output"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"users", "x", "--bogus"}, "unknown flag"},
	} {
		r := runCLI(t, runOpts{}, tc.args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: want exit 2 and %q\n%v", tc.args, tc.want, r)
		}
	}
}

func TestDemoFlag(t *testing.T) {
	r := runCLI(t, runOpts{}, "--demo", "report", "--top", "3", "-o", "json")
	if r.code != 0 || len(mustJSON[[]graph.Registration](t, r)) != 3 {
		t.Fatal(r)
	}
}

func TestHelpAndVersion(t *testing.T) {
	r := runCLI(t, runOpts{}, "--version")
	if r.code != 0 || !strings.Contains(r.stdout, "dev") {
		t.Fatal(r)
	}
	for _, c := range []string{"users", "show", "signins", "reset", "reregister", "revoke", "tap", "mfa-state", "audit", "report", "demo-server", "completion"} {
		r := runCLI(t, runOpts{}, c, "--help")
		if r.code != 0 || !strings.Contains(strings.ToLower(r.stdout), "usage") {
			t.Errorf("%s --help: %v", c, r)
		}
	}
	r = runCLI(t, runOpts{}, "completion", "bash")
	if r.code != 0 || !strings.Contains(r.stdout, "mfadesk") {
		t.Fatal(r)
	}
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{Usagef("x"), 2},
		{&graph.Error{Kind: graph.ErrDenied}, 3},
		{fmt.Errorf("wrapped: %w", &graph.Error{Kind: graph.ErrSignIn}), 3},
		{&graph.Error{Kind: graph.ErrUnavailable}, 1},
		{fmt.Errorf("x: %w", errNoUser), 1},
		{context.Canceled, 1},
		{&graph.TargetError{Source: "CSV"}, 2},
		{fmt.Errorf("unknown command \"x\" for \"mfadesk\""), 2},
	}
	for _, c := range cases {
		if got := ExitCode(c.err); got != c.want {
			t.Errorf("ExitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
	// Denied errors say what would allow it, and the request-id.
	msg := describeError(&graph.Error{Kind: graph.ErrDenied, Op: "delete phone method of carol@contoso.com", Status: 403,
		Code: "accessDenied", Message: "Insufficient privileges.", Needs: "Privileged Authentication Administrator role (the target is an admin)", RequestID: "req-123"})
	for _, want := range []string{"delete phone method of carol@contoso.com failed", "Why:", "Next:", "Privileged Authentication Administrator", "Request-id: req-123"} {
		if !strings.Contains(msg, want) {
			t.Errorf("describeError lacks %q:\n%s", want, msg)
		}
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2025, 6, 10, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"72h": now.Add(-72 * time.Hour), "7d": now.AddDate(0, 0, -7), "90m": now.Add(-90 * time.Minute),
		"2025-06-01T00:00:00Z": time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC),
	} {
		got, err := parseSince(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"-3h", "soon", "d"} {
		if _, err := parseSince(in, now); err == nil {
			t.Errorf("parseSince(%q) accepted", in)
		}
	}
}

func TestFmtMinutes(t *testing.T) {
	for m, want := range map[int]string{1: "1 minute", 90: "90 minutes", 60: "1 hour", 120: "2 hours", 1440: "1 day", 43200: "30 days"} {
		if got := fmtMinutes(m); got != want {
			t.Errorf("fmtMinutes(%d) = %q, want %q", m, got, want)
		}
	}
}

func TestParseKinds(t *testing.T) {
	got, err := parseKinds("FIDO2, whfb,sms")
	if err != nil || fmt.Sprint(got) != "[fido2 windowsHelloForBusiness phone]" {
		t.Fatalf("%v %v", got, err)
	}
	if _, err := parseKinds("fido2,carrier-pigeon"); err == nil || !strings.Contains(err.Error(), "carrier-pigeon") {
		t.Fatal(err)
	}
}
