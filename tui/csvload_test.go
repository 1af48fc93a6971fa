package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/stub"
)

// throttlingStub answers 429 to lookups of the users in throttled.
type throttlingStub struct {
	*stub.Client
	mu        sync.Mutex
	throttled map[string]bool
}

func (s *throttlingStub) ResolveUser(ctx context.Context, k string) (graph.User, error) {
	s.mu.Lock()
	t := s.throttled[k]
	s.mu.Unlock()
	if t {
		return graph.User{}, &graph.Error{Kind: graph.ErrThrottled, Op: "look up user " + k, Status: 429,
			Code: "TooManyRequests", Message: "Too many requests", RetryAfter: time.Second}
	}
	return s.Client.ResolveUser(ctx, k)
}

// 10.7: loading a CSV shows progress while it looks users up; a user
// Graph keeps throttling "could not be looked up" (with the reason), never
// "not found", and r looks them up again.
func TestCSVLoadProgressAndRetry(t *testing.T) {
	old := csvLookupOptions
	csvLookupOptions = graph.ResolveOptions{MaxThrottleWait: time.Millisecond}
	t.Cleanup(func() { csvLookupOptions = old })

	base := newStub(10)
	gate := make(chan struct{})
	base.Gate["ResolveUser"] = gate
	c := &throttlingStub{Client: base, throttled: map[string]bool{"user0004@contoso.com": true}}
	d := newDriver(t, c, nil)
	path := filepath.Join(t.TempDir(), "t.csv")
	os.WriteFile(path, []byte("UserPrincipalName\nuser0003@contoso.com\nuser0004@contoso.com\nnobody@contoso.com\n"), 0o600)
	d.key("L")
	d.typeText(path)
	d.key("enter")
	d.settle()
	// Lookups are held at the gate: the dialog says what is going on.
	d.mustSee("Looking up the users of t.csv: 1 of 3 done")
	d.mustSee("esc stops")
	close(gate)
	d.settle()
	d.mustSee("1 user found")
	d.mustSee("1 row not found")
	d.mustSee("nobody@contoso.com")
	d.mustSee("1 row could not be looked up")
	d.mustSee("line 3: user0004@contoso.com: Too many requests")
	if strings.Contains(d.screen(), "not found in this tenant (not marked):\n  line 3") {
		t.Fatal("a throttled user reported as not found")
	}
	if d.m.marks.Len() != 1 {
		t.Fatalf("%d marked, want 1", d.m.marks.Len())
	}
	// Graph recovers: r looks the failed row up again and marks it.
	c.mu.Lock()
	c.throttled = nil
	c.mu.Unlock()
	d.key("r")
	d.settle()
	d.mustSee("1 user found")
	if d.m.marks.Len() != 2 {
		t.Fatalf("%d marked after retry, want 2\n%s", d.m.marks.Len(), d.screen())
	}
}
