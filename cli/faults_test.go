package cli

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/graph/history"
)

// Tests for issue 15 (faults, kills, hostile servers).

// runCLIEnv is runCLI with extra environment variables (and no config
// file: TestMain points the config directory at an empty one).
func runCLIEnv(t *testing.T, o runOpts, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	if o.history == "" {
		o.history = filepath.Join(t.TempDir(), "history.jsonl")
	}
	e := &Env{
		Stdin: strings.NewReader(o.stdin), Stdout: &out, Stderr: &errb,
		InTerminal: o.terminal,
		Getenv: func(k string) string {
			switch k {
			case "MFADESK_GRAPH_ENDPOINT":
				return o.endpoint
			case "MFADESK_HISTORY_FILE":
				return o.history
			}
			return env[k]
		},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := Run(ctx, e, args)
	return result{code, out.String(), errb.String()}
}

// countingProxy stands in front of the fake and counts what reaches it:
// every request, and the ones that could change something.
type countingProxy struct {
	URL          string
	all, changes atomic.Int64
}

func newCountingProxy(t *testing.T, target string) *countingProxy {
	t.Helper()
	u, _ := url.Parse(target)
	rp := httputil.NewSingleHostReverseProxy(u)
	p := &countingProxy{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.all.Add(1)
		if r.Method != http.MethodGet || strings.Contains(r.URL.Path, "$batch") {
			p.changes.Add(1)
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// 15.3: guard rails set only by the environment are enforced, with no
// config file, whatever the sign-in mode.
func TestEnvOnlyGuardRailsEnforced(t *testing.T) {
	srv := startTenant(t)
	before, _ := srv.Tenant.User(bobID)
	for _, authArgs := range [][]string{{"--auth", "none"}, {"--auth", "azcli"}, nil} {
		px := newCountingProxy(t, srv.URL)
		r := runCLIEnv(t, runOpts{endpoint: px.URL}, map[string]string{"MFADESK_READ_ONLY": "true"},
			append([]string{"revoke", "bob@contoso.com", "--yes"}, authArgs...)...)
		if r.code != ExitDenied || !strings.Contains(r.stderr, "read-only") {
			t.Errorf("%v MFADESK_READ_ONLY=true: %v", authArgs, r)
		}
		if n := px.all.Load(); n != 0 {
			t.Errorf("%v: %d request(s) reached the tenant", authArgs, n)
		}
	}
	after, _ := srv.Tenant.User(bobID)
	if !after.SignInSessionsValidFrom.Equal(before.SignInSessionsValidFrom) {
		t.Fatal("read-only from the environment: sessions were revoked")
	}

	// Protected users from the environment.
	px := newCountingProxy(t, srv.URL)
	r := runCLIEnv(t, runOpts{endpoint: px.URL}, map[string]string{"MFADESK_PROTECTED_USERS": "bob@contoso.com"},
		"revoke", "bob@contoso.com", "--yes", "--auth", "none")
	if r.code == 0 || !strings.Contains(strings.ToLower(r.stdout+r.stderr), "protected") {
		t.Errorf("MFADESK_PROTECTED_USERS: %v", r)
	}
	if n := px.changes.Load(); n != 0 {
		t.Errorf("protected user: %d change request(s) reached the tenant", n)
	}
	after, _ = srv.Tenant.User(bobID)
	if !after.SignInSessionsValidFrom.Equal(before.SignInSessionsValidFrom) {
		t.Fatal("protected from the environment: sessions were revoked")
	}
}

// 15.6: a hostile server whose next-page links go round in a circle
// (page 2 -> page 3 -> page 2 ...): `--all` stops with a clear error after
// a few requests instead of fetching forever.
func TestEndlessPagingStops(t *testing.T) {
	var n atomic.Int64
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		next := "2"
		if r.URL.Query().Get("$skiptoken") == "2" {
			next = "3"
		}
		w.Header().Set("Content-Type", "application/json")
		row := `{"id":"11111111-1111-1111-1111-111111111111","displayName":"A","userPrincipalName":"a@contoso.com"}`
		fmt.Fprintf(w, `{"@odata.nextLink":%q,"value":[%s]}`, srv.URL+r.URL.Path+"?$skiptoken="+next, row)
	}))
	t.Cleanup(srv.Close)
	for _, args := range [][]string{{"users", "a", "--all"}, {"report", "--all"}} {
		n.Store(0)
		r := runCLI(t, runOpts{endpoint: srv.URL}, args...)
		if r.code == 0 || !strings.Contains(r.stderr, "already fetched") {
			t.Errorf("%v: %v", args, r)
		}
		if got := n.Load(); got > 5 {
			t.Errorf("%v: %d requests for a circle of 2 pages", args, got)
		}
	}
}

// 15.1: a journal written against one tenant is not resumed against
// another: refused before anything that changes anything reaches it.
func TestResumeOtherTenantRefused(t *testing.T) {
	a, b := startTenant(t), startTenant(t)
	journal := filepath.Join(t.TempDir(), "run.jsonl")
	r := runCLI(t, runOpts{endpoint: a.URL}, "revoke", "bob@contoso.com", "alice@contoso.com", "--yes", "--journal", journal)
	if r.code != 0 {
		t.Fatal(r)
	}
	px := newCountingProxy(t, b.URL)
	r = runCLI(t, runOpts{endpoint: px.URL}, "revoke", "--resume", journal, "--yes")
	if r.code != ExitDenied || !strings.Contains(r.stderr, "another tenant") {
		t.Fatalf("resume in another tenant: %v", r)
	}
	if n := px.changes.Load(); n != 0 {
		t.Fatalf("%d change request(s) reached the other tenant", n)
	}
	// The same tenant resumes (nothing left to do).
	r = runCLI(t, runOpts{endpoint: a.URL}, "revoke", "--resume", journal, "--yes")
	if r.code != 0 {
		t.Fatalf("resume in the same tenant: %v", r)
	}
}

// bigTenant is testTenant with n more plain users (bigNN@contoso.com).
func bigTenant(t *testing.T, n int, opts fake.Options) *fake.Server {
	t.Helper()
	td := testTenant(time.Now())
	for i := range n {
		td.Users = append(td.Users, mfaUser(fmt.Sprintf("10000000-0000-4000-8000-%012d", i+1),
			fmt.Sprintf("Big User %03d", i+1), fmt.Sprintf("big%03d@contoso.com", i+1)))
	}
	opts.Data = td
	srv, err := fake.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// 15.7: a run in which a target was not done for a reason other than
// "nothing to do" exits 1, whatever its size: protected users refused by
// the guard rails are not "skipped" (the plan above 50 users is a summary,
// so the refusal comes from the bulk runner, which called them skipped).
func TestExitCodeProtectedAnySize(t *testing.T) {
	for _, n := range []int{10, 58} {
		srv := bigTenant(t, n, fake.Options{})
		var args []string
		for i := range n {
			args = append(args, fmt.Sprintf("big%03d@contoso.com", i+1))
		}
		protected := "big001@contoso.com,big002@contoso.com"
		for _, verb := range []string{"revoke", "reset"} {
			r := runCLIEnv(t, runOpts{endpoint: srv.URL}, map[string]string{"MFADESK_PROTECTED_USERS": protected},
				append([]string{verb, "--yes", "-o", "json"}, args...)...)
			if r.code != ExitFailed {
				t.Errorf("%s %d users, 2 protected: exit %d, want %d\n%s", verb, n, r.code, ExitFailed, r.stderr)
			}
			if !strings.Contains(r.stdout+r.stderr, "protected") {
				t.Errorf("%s %d users: the protected users are not named\n%s", verb, n, r)
			}
		}
		// Nothing to do is not a failure: a second reset finds no methods.
		r := runCLI(t, runOpts{endpoint: srv.URL}, append([]string{"reset", "--yes", "-o", "json"}, args[2:]...)...)
		if r.code != 0 || !strings.Contains(r.stderr, "skipped") {
			t.Errorf("reset of %d users with nothing left to delete: %v", n-2, r.stderr)
		}
	}
}

// 15.9: the ticket travels with the journal: a resume given no ticket (the
// profile does not require one) records the run's original ticket in the
// change history; one given another ticket records both.
func TestResumeKeepsTicket(t *testing.T) {
	srv := startTenant(t)
	dir := t.TempDir()
	hist := filepath.Join(dir, "history.jsonl")
	for _, tc := range []struct{ resumeTicket, want string }{
		{"", "INC-7"},
		{"INC-8", "INC-7 (resumed under INC-8)"},
	} {
		journal := filepath.Join(t.TempDir(), "run.jsonl")
		r := runCLI(t, runOpts{endpoint: srv.URL, history: hist}, "revoke", "bob@contoso.com", "alice@contoso.com",
			"--yes", "--ticket", "INC-7", "--journal", journal)
		if r.code != 0 {
			t.Fatal(r)
		}
		// Killed right after the header: nothing of the run is journaled.
		data, err := os.ReadFile(journal)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(journal, data[:bytes.IndexByte(data, '\n')+1], 0o600); err != nil {
			t.Fatal(err)
		}
		args := []string{"revoke", "--resume", journal, "--yes"}
		if tc.resumeTicket != "" {
			args = append(args, "--ticket", tc.resumeTicket)
		}
		r = runCLI(t, runOpts{endpoint: srv.URL, history: hist}, args...)
		if r.code != 0 {
			t.Fatal(r)
		}
		entries, _, err := history.ReadFile(hist, history.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		resumed := entries[len(entries)-2:]
		for _, e := range resumed {
			if e.Ticket != tc.want {
				t.Errorf("resume with ticket %q: history says %q, want %q", tc.resumeTicket, e.Ticket, tc.want)
			}
		}
	}
}
