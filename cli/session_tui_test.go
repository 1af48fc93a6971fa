package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph/fake"
)

// runApp runs mfadesk without a command (the full-screen app) with tuiFn in
// place of the app, in a clean config directory.
func runApp(t *testing.T, env map[string]string, tuiFn TUIFunc, args ...string) result {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // no config file from the machine
	t.Setenv("HOME", t.TempDir())
	var out, errb bytes.Buffer
	e := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		InTerminal: true, OutTerminal: true, ErrTerminal: true,
		Getenv: func(k string) string { return env[k] }, TUI: tuiFn}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return result{Run(ctx, e, args), out.String(), errb.String()}
}

func TestAppWelcomeOnFirstLaunch(t *testing.T) {
	hist := filepath.Join(t.TempDir(), "history.jsonl")
	for _, tc := range []struct {
		name    string
		env     map[string]string
		args    []string
		welcome bool
	}{
		{"nothing configured", map[string]string{"MFADESK_HISTORY_FILE": hist}, nil, true},
		{"demo", map[string]string{"MFADESK_HISTORY_FILE": hist}, []string{"--demo"}, false},
		{"tenant in env", map[string]string{"MFADESK_HISTORY_FILE": hist, "AZURE_TENANT_ID": "contoso.onmicrosoft.com", "AZURE_CLIENT_ID": "11111111-1111-1111-1111-111111111111"}, []string{"--auth", "azcli"}, false},
		{"client id in env", map[string]string{"MFADESK_HISTORY_FILE": hist, "AZURE_CLIENT_ID": "11111111-1111-1111-1111-111111111111"}, []string{"--auth", "azcli"}, false},
		{"auth flag", map[string]string{"MFADESK_HISTORY_FILE": hist}, []string{"--auth", "azcli"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got *Session
			r := runApp(t, tc.env, func(_ context.Context, s *Session) error { got = s; return nil }, tc.args...)
			if r.code != 0 || got == nil {
				t.Fatalf("app not started: %v", r)
			}
			if got.Welcome != tc.welcome {
				t.Fatalf("Welcome = %v, want %v", got.Welcome, tc.welcome)
			}
			if got.Welcome && got.Client != nil {
				t.Fatal("a welcome session must not sign in (Client should be nil)")
			}
			if !got.Welcome && got.Client == nil {
				t.Fatal("no client")
			}
		})
	}
}

// The app's session journals bulk runs beside the change history (where
// `reset --resume` looks) and sends 429s to the app, never to stderr.
func TestAppSessionThrottleAndJournal(t *testing.T) {
	srv, err := fake.Start(fake.Options{Data: testTenant(time.Now()), ThrottleRate: 0.5, RetryAfter: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	hist := filepath.Join(t.TempDir(), "state", "history.jsonl")
	var throttles atomic.Int32
	var sess *Session
	r := runApp(t, map[string]string{"MFADESK_HISTORY_FILE": hist, "MFADESK_GRAPH_ENDPOINT": srv.URL},
		func(ctx context.Context, s *Session) error {
			sess = s
			s.ThrottleTo(func(time.Duration) { throttles.Add(1) })
			for range 10 {
				// Some searches may fail after their retries; only the
				// notices matter here.
				_, _ = s.Client.SearchUsers(ctx, "a", 5)
			}
			return nil
		})
	if r.code != 0 {
		t.Fatal(r)
	}
	if throttles.Load() == 0 {
		t.Fatal("no 429 reached the app's hook")
	}
	if r.stderr != "" {
		t.Fatalf("the app's terminal got a stderr write: %q", r.stderr)
	}
	want := filepath.Join(filepath.Dir(hist), "runs")
	if sess.JournalDir != want || sess.HistoryPath != hist {
		t.Fatalf("JournalDir %q HistoryPath %q, want %q and %q", sess.JournalDir, sess.HistoryPath, want, hist)
	}
	if fi, err := os.Stat(want); err != nil || !fi.IsDir() {
		t.Fatalf("journal dir not made: %v", err)
	}
}

// A command keeps its stderr note about throttling.
func TestCommandThrottleNoteOnStderr(t *testing.T) {
	srv, err := fake.Start(fake.Options{Data: testTenant(time.Now()), ThrottleRate: 0.6, RetryAfter: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	var saw bool
	for range 5 {
		r := runApp(t, map[string]string{"MFADESK_GRAPH_ENDPOINT": srv.URL, "MFADESK_HISTORY_FILE": filepath.Join(t.TempDir(), "h.jsonl")}, nil, "users", "a")
		if strings.Contains(r.stderr, "Graph is throttling") {
			saw = true
			break
		}
	}
	if !saw {
		t.Fatal("no throttling note on a command's stderr")
	}
}
