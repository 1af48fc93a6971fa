package cli

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/graph/msgraph"
)

// mfadesk watch against the fake's live feed on a test clock: new failures
// are printed as they arrive, once each, an MFA fatigue burst and a fraud
// report are flagged, and a stop (ctrl+c) ends it without an error. No
// sleeps: each wait moves the clock.
func TestWatchLive(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv, err := fake.Start(fake.Options{Users: 40, Now: clock, LiveSignIns: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := msgraph.NewClient(msgraph.ClientOptions{Endpoint: srv.URL, ReportsPerTenSeconds: -1})
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	env := &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	polls := 0
	sleep := func(ctx context.Context, d time.Duration) error {
		if d != graph.WatchInterval {
			t.Errorf("waits %s between good polls", d)
		}
		mu.Lock()
		now = now.Add(d)
		mu.Unlock()
		if polls++; polls == 60 { // ten minutes of the feed
			cancel()
		}
		return ctx.Err()
	}
	if err := env.watch(ctx, c, graph.NewWatch(c, clock, 0), sleep); err != nil {
		t.Fatalf("stopped with %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var failures, fatigue, fraud int
	seen := map[string]bool{}
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "!! MFA FATIGUE"):
			fatigue++
		case strings.HasPrefix(l, "!! FRAUD REPORTED"):
			fraud++
		default:
			failures++
			if seen[l] {
				t.Errorf("printed twice: %s", l)
			}
			seen[l] = true
		}
	}
	// 20 steps of 30 s: 20 failures plus the burst's denials.
	if failures < 18 || fatigue < 1 || fraud != 1 {
		t.Errorf("%d failures, %d fatigue, %d fraud:\n%s", failures, fatigue, fraud, out.String())
	}
}
