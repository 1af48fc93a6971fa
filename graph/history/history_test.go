package history_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/graph/history"
	"github.com/mfadesk/mfadesk/graph/msgraph"
)

const (
	tapValue = "Xy7!SECRET-TAP-q9"
	jwt      = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
)

var alice = graph.User{ID: "11111111-1111-1111-1111-111111111111", UserPrincipalName: "alice@contoso.com"}

// double is a graph.Client whose writes succeed unless err is set. When
// http is set, each write makes one request through it (to exercise
// Transport).
type double struct {
	graph.Client
	err    error
	http   *http.Client
	url    string
	mu     sync.Mutex
	writes int
}

func (d *double) write(ctx context.Context) error {
	d.mu.Lock()
	d.writes++
	d.mu.Unlock()
	if d.http != nil {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, d.url, nil)
		resp, err := d.http.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
	}
	return d.err
}

func (d *double) ResolveUser(context.Context, string) (graph.User, error) { return alice, nil }
func (d *double) Apply(ctx context.Context, ch graph.Change) (graph.Result, error) {
	if tc, ok := ch.(graph.CreateTAP); ok {
		if err := d.write(ctx); err != nil {
			// A hostile or buggy layer below that puts the value in its error.
			return graph.Result{TAP: graph.TAP{Value: tapValue}}, errors.New("created but then failed: pass " + tapValue + " Authorization: Bearer " + jwt)
		}
		return graph.Result{TAP: graph.TAP{ID: "tap-method-id", Value: tapValue, LifetimeMinutes: tc.Request.LifetimeMinutes}}, nil
	}
	return graph.Result{}, d.write(ctx)
}

func openLog(t *testing.T) (*history.Log, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state", "mfadesk", "history.jsonl")
	l, err := history.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, path
}

func meta(context.Context) history.Meta {
	return history.Meta{Tenant: "contoso.onmicrosoft.com", Operator: "tech@contoso.com", Via: "test"}
}

func TestWrapRecordsEveryWrite(t *testing.T) {
	l, path := openLog(t)
	d := &double{}
	c := history.Wrap(d, l, meta)
	ctx := context.Background()
	appr := graph.Approval{Ticket: "INC-4711", Checklist: []string{"verified the caller by phone callback"}}

	if _, err := c.ResolveUser(ctx, alice.UserPrincipalName); err != nil {
		t.Fatal(err)
	}
	if err := errOf(c.Apply(ctx, graph.DeleteMethod{UserID: alice.ID, Method: graph.Method{ID: "m-phone", Kind: graph.KindPhone, Detail: "mobile +1 XXXXXXX890", IsDefault: true}, Approval: appr})); err != nil {
		t.Fatal(err)
	}
	errOf(c.Apply(ctx, graph.RevokeSessions{UserID: alice.ID, Approval: appr}))
	tap, err := tapOf(c.Apply(ctx, graph.CreateTAP{UserID: alice.ID, Request: graph.TAPRequest{LifetimeMinutes: 60, IsUsableOnce: true}, Approval: appr}))
	if err != nil || tap.Value != tapValue {
		t.Fatalf("CreateTAP = %+v, %v: the caller must still get the pass", tap, err)
	}
	errOf(c.Apply(ctx, graph.SetPerUserMFA{UserID: alice.ID, State: graph.PerUserMFAEnforced, Approval: appr}))
	errOf(c.Apply(ctx, graph.SendMail{Mail: graph.Mail{From: "helpdesk@contoso.com", To: []string{"alice@contoso.com"}, Subject: "Your sign-in methods were reset", Body: "body text"}, Approval: appr}))

	es, err := l.Read(history.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	wantOps := []graph.WriteKind{graph.WriteDeleteMethod, graph.WriteRevokeSessions, graph.WriteCreateTAP, graph.WriteSetPerUserMFA, graph.WriteSendMail}
	if len(es) != len(wantOps) {
		t.Fatalf("got %d entries, want %d: %+v", len(es), len(wantOps), es)
	}
	for i, e := range es {
		if e.Op != wantOps[i] || e.Result != history.ResultOK {
			t.Errorf("entry %d = %s %s, want %s ok", i, e.Op, e.Result, wantOps[i])
		}
		if e.Tenant != "contoso.onmicrosoft.com" || e.Operator != "tech@contoso.com" || e.Via != "test" {
			t.Errorf("entry %d meta = %q %q %q", i, e.Tenant, e.Operator, e.Via)
		}
		if e.Ticket != "INC-4711" || len(e.Checklist) != 1 || e.Checklist[0] != "verified the caller by phone callback" {
			t.Errorf("entry %d ticket/checklist = %q %q", i, e.Ticket, e.Checklist)
		}
		if e.UPN != "alice@contoso.com" {
			t.Errorf("entry %d UPN = %q, want alice@contoso.com (remembered from ResolveUser)", i, e.UPN)
		}
		if time.Since(e.Time) > time.Minute || e.Time.Location() != time.UTC {
			t.Errorf("entry %d time = %v", i, e.Time)
		}
	}
	if es[0].UserID != alice.ID || !strings.Contains(es[0].Detail, "phone method m-phone (mobile +1 XXXXXXX890), default") {
		t.Errorf("delete entry = %+v", es[0])
	}
	if !strings.Contains(es[2].Detail, "lifetime 60 min, one-time; TAP method tap-method-id") {
		t.Errorf("TAP entry detail = %q", es[2].Detail)
	}
	if es[3].Detail != "per-user MFA -> enforced" {
		t.Errorf("MFA entry detail = %q", es[3].Detail)
	}
	if es[4].Detail != "from helpdesk@contoso.com to alice@contoso.com: Your sign-in methods were reset" {
		t.Errorf("mail entry detail = %q", es[4].Detail)
	}
	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, []byte(tapValue)) || bytes.Contains(raw, []byte("body text")) {
		t.Errorf("history holds the TAP value or a mail body:\n%s", raw)
	}
}

func TestNeverASecret(t *testing.T) {
	l, path := openLog(t)
	d := &double{err: errors.New("boom")}
	c := history.Wrap(d, l, meta)
	ctx := context.Background()
	tap, err := tapOf(c.Apply(ctx, graph.CreateTAP{UserID: alice.ID, Request: graph.TAPRequest{}}))
	if err == nil || !strings.Contains(err.Error(), tapValue) || tap.Value != tapValue {
		t.Fatalf("the caller's error and TAP must be untouched: %+v, %v", tap, err)
	}
	// Token-shaped text in any field, from any source.
	// (A change's description and the error of the layer below.)
	d.err = errors.New("GET https://graph.microsoft.com?access_token=abc failed; bearer " + jwt)
	errOf(c.Apply(ctx, graph.SendMail{Mail: graph.Mail{To: []string{"x@contoso.com"},
		Subject: "cached token " + jwt + " access_token=" + jwt + "&x=1 client_secret: s3cr3tv4lue password=hunter2 temporaryAccessPass\":\"" + tapValue}}))

	raw, _ := os.ReadFile(path)
	for _, secret := range []string{tapValue, jwt, "eyJ0eXAi", "s3cr3tv4lue", "hunter2", "access_token=abc"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("history holds %q:\n%s", secret, raw)
		}
	}
	es, _ := l.Read(history.Filter{})
	if len(es) != 2 || es[0].Result != history.ResultError || !strings.Contains(es[0].Error, "[redacted]") {
		t.Errorf("entries = %+v", es)
	}
}

func TestRefusalsAreRecorded(t *testing.T) {
	l, _ := openLog(t)
	d := &double{}
	guarded := graph.Guard(d, graph.GuardOptions{ReadOnly: true, ReadOnlyWhy: "--read-only"})
	c := history.Wrap(guarded, l, meta)
	err := errOf(c.Apply(context.Background(), graph.RevokeSessions{UserID: alice.ID}))
	if !errors.Is(err, graph.ErrReadOnly) {
		t.Fatalf("err = %v", err)
	}
	if err := graph.CheckWrite(context.Background(), c, graph.WriteRevokeSessions, alice.ID); !errors.Is(err, graph.ErrReadOnly) {
		t.Errorf("CheckWrite through history = %v, want the guard's ErrReadOnly", err)
	}
	es, _ := l.Read(history.Filter{})
	if len(es) != 1 || es[0].Result != history.ResultRefused || !strings.Contains(es[0].Error, "read-only") {
		t.Errorf("entries = %+v", es)
	}
	if d.writes != 0 {
		t.Errorf("%d writes reached the client", d.writes)
	}
}

func TestRequireTicket(t *testing.T) {
	l, _ := openLog(t)
	d := &double{}
	c := history.Wrap(d, l, func(context.Context) history.Meta { return history.Meta{RequireTicket: true} })
	err := errOf(c.Apply(context.Background(), graph.RevokeSessions{UserID: alice.ID}))
	if err == nil || !strings.Contains(err.Error(), "ticket") {
		t.Fatalf("err = %v, want a refusal naming the ticket", err)
	}
	if d.writes != 0 {
		t.Fatalf("change made without a ticket")
	}
	if err := c.CheckWrite(context.Background(), graph.WriteRevokeSessions, alice.ID); err != nil {
		t.Errorf("CheckWrite must not ask for the ticket (it is asked before one is given): %v", err)
	}
	ctx := context.Background()
	appr := graph.Approval{Ticket: "  CHG-1 "}
	if err := errOf(c.Apply(ctx, graph.RevokeSessions{UserID: alice.ID, Approval: appr})); err != nil || d.writes != 1 {
		t.Fatalf("with ticket: %v (writes %d)", err, d.writes)
	}
	es, _ := l.Read(history.Filter{})
	if len(es) != 2 || es[0].Result != history.ResultRefused || es[1].Ticket != "CHG-1" {
		t.Errorf("entries = %+v", es)
	}
}

func TestBrokenLogRefusesChanges(t *testing.T) {
	l, _ := openLog(t)
	d := &double{}
	c := history.Wrap(d, l, meta)
	l.Close()
	err := errOf(c.Apply(context.Background(), graph.RevokeSessions{UserID: alice.ID}))
	if err == nil || !strings.Contains(err.Error(), "change history cannot be written") {
		t.Fatalf("err = %v", err)
	}
	if d.writes != 0 {
		t.Errorf("an unrecordable change was made")
	}
}

func TestRequestIDs(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("request-id", "req-ok-123")
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	l, _ := openLog(t)
	d := &double{http: &http.Client{Transport: history.Transport(nil)}, url: srv.URL}
	c := history.Wrap(d, l, meta)
	ctx := context.Background()
	if err := errOf(c.Apply(ctx, graph.RevokeSessions{UserID: alice.ID})); err != nil {
		t.Fatal(err)
	}
	// A classified error's request-id wins.
	d.http = nil
	d.err = &graph.Error{Kind: graph.ErrDenied, Op: "revoke", Status: 403, RequestID: "req-err-456"}
	errOf(c.Apply(ctx, graph.RevokeSessions{UserID: alice.ID}))
	es, _ := l.Read(history.Filter{})
	if len(es) != 2 || es[0].RequestID != "req-ok-123" || es[1].RequestID != "req-err-456" {
		t.Errorf("request ids = %+v", es)
	}
}

func TestFilePermissionsAndPath(t *testing.T) {
	_, path := openLog(t)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("history file mode = %v, want 0600", fi.Mode().Perm())
	}
	di, _ := os.Stat(filepath.Dir(path))
	if di.Mode().Perm() != 0o700 {
		t.Errorf("history dir mode = %v, want 0700", di.Mode().Perm())
	}

	loose := filepath.Join(t.TempDir(), "h.jsonl")
	os.WriteFile(loose, nil, 0o644)
	l, err := history.Open(loose)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if fi, _ := os.Stat(loose); fi.Mode().Perm() != 0o600 {
		t.Errorf("existing world-readable history left %v", fi.Mode().Perm())
	}

	t.Setenv("MFADESK_HISTORY_FILE", "")
	t.Setenv("XDG_STATE_HOME", "/xdg/state")
	if p, _ := history.DefaultPath(); p != "/xdg/state/mfadesk/history.jsonl" {
		t.Errorf("DefaultPath with XDG_STATE_HOME = %q", p)
	}
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", "/home/tech")
	if p, _ := history.DefaultPath(); p != "/home/tech/.local/state/mfadesk/history.jsonl" {
		t.Errorf("DefaultPath = %q", p)
	}
	t.Setenv("MFADESK_HISTORY_FILE", "/tmp/h.jsonl")
	if p, _ := history.DefaultPath(); p != "/tmp/h.jsonl" {
		t.Errorf("DefaultPath with MFADESK_HISTORY_FILE = %q", p)
	}
}

func TestTornLines(t *testing.T) {
	l, path := openLog(t)
	l.Append(history.Entry{Op: graph.WriteRevokeSessions, UserID: "a", Result: "ok"})
	l.Close()
	// A crash mid-write leaves half a line.
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"time":"2026-01-02T03:04:05Z","op":"revokeSess`)
	f.Close()

	es, skipped, err := history.ReadFile(path, history.Filter{})
	if err != nil || len(es) != 1 || skipped != 1 {
		t.Fatalf("ReadFile with torn tail = %d entries, %d skipped, %v", len(es), skipped, err)
	}
	// Reopening ends the torn line, so the next entry is whole.
	l2, err := history.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	if err := l2.Append(history.Entry{Op: graph.WriteDeleteMethod, UserID: "b", Result: "ok"}); err != nil {
		t.Fatal(err)
	}
	es, skipped, err = history.ReadFile(path, history.Filter{})
	if err != nil || len(es) != 2 || skipped != 1 || es[1].UserID != "b" {
		t.Fatalf("after reopen: %+v, %d skipped, %v", es, skipped, err)
	}
	if es, _, err := history.ReadFile(filepath.Join(t.TempDir(), "none.jsonl"), history.Filter{}); err != nil || len(es) != 0 {
		t.Errorf("missing file = %v, %v; want empty", es, err)
	}
}

func TestFilter(t *testing.T) {
	l, _ := openLog(t)
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i, e := range []history.Entry{
		{UserID: alice.ID, UPN: "alice@contoso.com"},
		{UserID: "22222222-2222-2222-2222-222222222222", UPN: "bob@contoso.com"},
		{UserID: alice.ID, UPN: "Alice@Contoso.com"},
		{UPN: "alice@fabrikam.com"},
	} {
		e.Time = base.Add(time.Duration(i) * time.Hour)
		e.Op, e.Result = graph.WriteRevokeSessions, history.ResultOK
		if err := l.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		f    history.Filter
		want int
	}{
		{history.Filter{}, 4},
		{history.Filter{User: "alice@contoso.com"}, 2},
		{history.Filter{User: strings.ToUpper(alice.ID)}, 2},
		{history.Filter{User: "alice"}, 3},
		{history.Filter{User: "bob@contoso.com"}, 1},
		{history.Filter{User: "nobody"}, 0},
		{history.Filter{Since: base.Add(90 * time.Minute)}, 2},
		{history.Filter{User: "alice", Last: 1}, 1},
	}
	for _, tt := range tests {
		es, err := l.Read(tt.f)
		if err != nil || len(es) != tt.want {
			t.Errorf("Read(%+v) = %d entries, %v; want %d", tt.f, len(es), err, tt.want)
		}
	}
	if es, _ := l.Read(history.Filter{Last: 1}); len(es) != 1 || es[0].UPN != "alice@fabrikam.com" {
		t.Errorf("Last keeps the newest: %+v", es)
	}
}

func TestConcurrentAppends(t *testing.T) {
	l, path := openLog(t)
	c := history.Wrap(&double{}, l, meta)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			for range 10 {
				errOf(c.Apply(context.Background(), graph.RevokeSessions{UserID: alice.ID}))
			}
		})
	}
	wg.Wait()
	es, skipped, err := history.ReadFile(path, history.Filter{})
	if err != nil || skipped != 0 || len(es) != 200 {
		t.Errorf("after 200 concurrent changes: %d entries, %d skipped, %v", len(es), skipped, err)
	}
}

func TestHostileTextIsCleaned(t *testing.T) {
	l, path := openLog(t)
	c := history.Wrap(&double{err: errors.New("Mallory\x1b]52;c;cm0gLXJmCg==\x07 \x1b[2J failed")}, l, meta)
	ctx := context.Background()
	appr := graph.Approval{Ticket: "INC-1\x1b[31m", Checklist: []string{"\u202Echecked"}}
	errOf(c.Apply(ctx, graph.RevokeSessions{UserID: alice.ID, Approval: appr}))
	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, []byte("\x1b")) || bytes.Contains(raw, []byte(`\u001b`)) || bytes.Contains(raw, []byte("\u202E")) || bytes.Contains(raw, []byte(`\u202e`)) {
		t.Errorf("escape sequences reached the history: %s", raw)
	}
}

// The whole stack as the TUI and CLI build it: history.Wrap(graph.Guard(the
// real client)), against the fake tenant.
func TestEndToEndWithFake(t *testing.T) {
	srv, err := fake.Start(fake.Options{Users: 20})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	real, err := msgraph.NewClient(msgraph.ClientOptions{Endpoint: srv.URL,
		HTTPClient: &http.Client{Transport: history.Transport(nil)}})
	if err != nil {
		t.Fatal(err)
	}
	l, path := openLog(t)
	c := history.Wrap(graph.Guard(real, graph.GuardOptions{ProtectedUsers: []string{fake.CarolUPN}}), l, meta)
	ctx := context.Background()
	appr := graph.Approval{Ticket: "INC-500", Checklist: []string{"verified the caller by phone callback"}}

	u, err := c.ResolveUser(ctx, fake.AliceUPN)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := c.ListMethods(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	var victim graph.Method
	for _, m := range ms {
		if m.Deletable() && !m.IsDefault && m.Kind != graph.KindPhone {
			victim = m
			break
		}
	}
	if victim.ID == "" {
		t.Fatalf("no deletable method in %+v", ms)
	}
	if err := errOf(c.Apply(ctx, graph.DeleteMethod{UserID: u.ID, Method: victim, Approval: appr})); err != nil {
		t.Fatal(err)
	}
	tap, err := tapOf(c.Apply(ctx, graph.CreateTAP{UserID: u.ID, Request: graph.TAPRequest{LifetimeMinutes: 60}, Approval: appr}))
	if err != nil || tap.Value == "" {
		t.Fatalf("CreateTAP = %+v, %v", tap, err)
	}
	carol, ok := srv.Tenant.User(fake.CarolUPN)
	if !ok {
		t.Fatal("no Carol in the fake")
	}
	before := len(carol.Methods)
	if err := errOf(c.Apply(ctx, graph.RevokeSessions{UserID: carol.ID, Approval: appr})); !errors.Is(err, graph.ErrProtected) {
		t.Fatalf("revoke of a protected user = %v", err)
	}
	if _, err := tapOf(c.Apply(ctx, graph.CreateTAP{UserID: carol.ID, Request: graph.TAPRequest{}, Approval: appr})); !errors.Is(err, graph.ErrProtected) {
		t.Fatalf("TAP for a protected user = %v", err)
	}
	if after, _ := srv.Tenant.User(fake.CarolUPN); len(after.Methods) != before {
		t.Errorf("the protected user's methods changed")
	}

	es, err := l.Read(history.Filter{})
	if err != nil || len(es) != 4 {
		t.Fatalf("entries = %+v, %v", es, err)
	}
	for i, want := range []struct {
		op     graph.WriteKind
		result string
	}{{graph.WriteDeleteMethod, "ok"}, {graph.WriteCreateTAP, "ok"}, {graph.WriteRevokeSessions, "refused"}, {graph.WriteCreateTAP, "refused"}} {
		e := es[i]
		if e.Op != want.op || e.Result != want.result || e.Ticket != "INC-500" {
			t.Errorf("entry %d = %+v, want %s %s", i, e, want.op, want.result)
		}
		if want.result == "ok" && (e.RequestID == "" || e.UPN != fake.AliceUPN) {
			t.Errorf("entry %d lacks Graph's request-id or the UPN: %+v", i, e)
		}
	}
	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, []byte(tap.Value)) {
		t.Errorf("the TAP value is in the history:\n%s", raw)
	}
}

// FuzzScrub: whatever text surrounds a token (escape sequences, letters
// glued to it, other tokens), no part of it survives Scrub.
func FuzzScrub(f *testing.F) {
	for _, s := range [][2]string{{"", ""}, {"\x1b", ""}, {"Bearer ", "\x07"}, {"xx", "yy"}, {"eyJa.", ".b"}, {"access_token=", "&x"}, {"\x1b]52;c;", "\x1b\\"}, {"\u009b", "m"}} {
		f.Add(s[0], s[1])
	}
	payload, sig := strings.Split(jwt, ".")[1], strings.Split(jwt, ".")[2]
	f.Fuzz(func(t *testing.T, prefix, suffix string) {
		out := history.Scrub(prefix + jwt + suffix)
		for _, part := range []string{payload[:12], sig[:12]} {
			if strings.Contains(out, part) && !strings.Contains(graph.CleanText(prefix+suffix), part) {
				t.Fatalf("Scrub(%q + token + %q) = %q keeps %q", prefix, suffix, out, part)
			}
		}
		if graph.CleanText(out) != out {
			t.Fatalf("Scrub output %q is not clean", out)
		}
	})
}

// FuzzReadFile: any file content reads without panic; every line is either
// an entry or counted as skipped.
func FuzzReadFile(f *testing.F) {
	f.Add([]byte(`{"time":"2026-01-01T00:00:00Z","op":"revokeSessions","result":"ok","upn":"a@b.c"}` + "\n"))
	f.Add([]byte(`{"time":"2026-01-01T00:00:00Z","op":"revokeSess`))
	f.Add([]byte("\n\n{}\n[]\nnull\n\xff\xfe"))
	dir := f.TempDir()
	path := filepath.Join(dir, "h.jsonl")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		es, skipped, err := history.ReadFile(path, history.Filter{User: "a@b.c", Last: 3})
		if err != nil {
			t.Fatalf("ReadFile: %v", err)
		}
		lines := 0
		for _, l := range bytes.Split(data, []byte("\n")) {
			if len(bytes.TrimSpace(l)) > 0 {
				lines++
			}
		}
		if len(es) > 3 || skipped > lines || len(es)+skipped > lines {
			t.Fatalf("%d entries + %d skipped from %d lines", len(es), skipped, lines)
		}
		for _, e := range es {
			if !strings.EqualFold(e.UPN, "a@b.c") && !strings.EqualFold(e.UserID, "a@b.c") {
				t.Fatalf("filter let through %+v", e)
			}
		}
	})
}

// TestRequireTicketBulk: a bulk run without a ticket (BulkOptions.Approval) is
// refused before anything is sent, batched or not, and the refusals are
// in the history; with a ticket it goes through.
func TestRequireTicketBulk(t *testing.T) {
	for _, batch := range []bool{false, true} {
		t.Run(map[bool]string{false: "direct", true: "batch"}[batch], func(t *testing.T) {
			srv, err := fake.Start(fake.Options{Users: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			gc, err := msgraph.NewClient(msgraph.ClientOptions{Endpoint: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			l, _ := openLog(t)
			c := history.Wrap(gc, l, func(context.Context) history.Meta {
				return history.Meta{Via: "cli bulk", RequireTicket: true}
			})
			before := len(srv.Tenant.Methods(fake.BobID))
			sum, err := graph.RunBulk(context.Background(), c, graph.Operation{Kind: graph.OpReset},
				[]string{fake.BobID}, graph.BulkOptions{Batch: batch})
			if err != nil {
				t.Fatal(err)
			}
			if r := sum.Results[0]; r.State != graph.StateFailed || !strings.Contains(r.Why, "ticket") {
				t.Fatalf("without a ticket: %+v", r)
			}
			if n := len(srv.Tenant.Methods(fake.BobID)); n != before {
				t.Fatalf("methods %d -> %d: a change was sent without a ticket", before, n)
			}
			es, _ := l.Read(history.Filter{})
			if len(es) != 1 || es[0].Result != history.ResultRefused || es[0].UserID != fake.BobID {
				t.Fatalf("entries = %+v", es)
			}

			ctx := context.Background()
			appr := graph.Approval{Ticket: "CHG-7"}
			sum, err = graph.RunBulk(ctx, c, graph.Operation{Kind: graph.OpReset}, []string{fake.BobID}, graph.BulkOptions{Batch: batch, Approval: appr})
			if err != nil || sum.Results[0].State != graph.StateDone {
				t.Fatalf("with a ticket: %v %+v", err, sum.Results)
			}
			es, _ = l.Read(history.Filter{})
			if last := es[len(es)-1]; last.Ticket != "CHG-7" || last.Result != history.ResultOK {
				t.Errorf("last entry = %+v", last)
			}
		})
	}
}

// errOf and tapOf adapt Apply's answer for tests written against the one
// value they check.
func errOf(_ graph.Result, err error) error { return err }

func tapOf(r graph.Result, err error) (graph.TAP, error) { return r.TAP, err }

// The optional reads this double does not model.
func (*double) GroupMembers(ctx context.Context, id string) ([]graph.User, error) {
	return graph.NoOptionalReads{}.GroupMembers(ctx, id)
}
func (*double) TAPPolicy(ctx context.Context) (graph.TAPPolicy, error) {
	return graph.NoOptionalReads{}.TAPPolicy(ctx)
}
func (*double) TargetRoles(ctx context.Context, id string) (graph.TargetRoles, error) {
	return graph.NoOptionalReads{}.TargetRoles(ctx, id)
}
func (*double) Manager(ctx context.Context, id string) (graph.User, error) {
	return graph.NoOptionalReads{}.Manager(ctx, id)
}
func (*double) Traits() graph.Traits { return graph.Traits{} }
func (*double) SignInPreferences(ctx context.Context, id string) (graph.SignInPreferences, error) {
	return graph.NoOptionalReads{}.SignInPreferences(ctx, id)
}

// The MFA-requirement reads this double does not model.
func (*double) UserGroups(ctx context.Context, id string) ([]graph.UserGroup, error) {
	return graph.NoOptionalReads{}.UserGroups(ctx, id)
}
func (*double) ConditionalAccessPolicies(ctx context.Context) ([]graph.ConditionalAccessPolicy, error) {
	return graph.NoOptionalReads{}.ConditionalAccessPolicies(ctx)
}
func (*double) SecurityDefaults(ctx context.Context) (graph.SecurityDefaults, error) {
	return graph.NoOptionalReads{}.SecurityDefaults(ctx)
}
func (*double) UserRisk(ctx context.Context, id string) (graph.IdentityRisk, error) {
	return graph.NoOptionalReads{}.UserRisk(ctx, id)
}

func (*double) TenantSignIns(ctx context.Context, q graph.SignInQuery) ([]graph.SignIn, error) {
	return graph.NoOptionalReads{}.TenantSignIns(ctx, q)
}
