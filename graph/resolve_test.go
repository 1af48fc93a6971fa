package graph

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph/fake"
)

// Every target is looked up; throttling and 503s are retried (through the
// pacer) rather than reported, and only Graph's 404 is "not found".
func TestResolveTargetsUnderFaults(t *testing.T) {
	srv := startFake(t, fake.Options{Users: 60, ThrottleRate: 0.3, FaultRate: 0.15})
	c := fakeClient(t, srv, "")
	var targets []Target
	for i, u := range srv.Tenant.Users() {
		targets = append(targets, Target{Line: i + 2, Value: u.UserPrincipalName})
	}
	targets = append(targets, Target{Line: 100, Value: "nobody@" + "contoso.example"}, Target{Line: 101, Value: "00000000-0000-4000-8000-000000000001", IsID: true})
	var (
		mu    sync.Mutex
		last  ResolveProgress
		calls int
	)
	o := ResolveOptions{Concurrency: 1, sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
		OnProgress: func(p ResolveProgress) { mu.Lock(); last = p; calls++; mu.Unlock() }}
	got := ResolveTargets(context.Background(), c, targets, o)
	if len(got) != len(targets) {
		t.Fatalf("%d results for %d targets", len(got), len(targets))
	}
	for i, r := range got[:len(got)-2] {
		if !r.Found() || r.User.UserPrincipalName != targets[i].Value {
			t.Errorf("%s: %v (user %q)", targets[i].Value, r.Err, r.User.UserPrincipalName)
		}
	}
	for _, r := range got[len(got)-2:] {
		if r.Found() || !r.NotFound {
			t.Errorf("%s: found %v, not found %v, err %v", r.Target.Value, r.Found(), r.NotFound, r.Err)
		}
	}
	if st := srv.Tenant.Stats(); st.Throttled == 0 || st.Faults == 0 {
		t.Fatalf("no faults injected: %+v", st)
	}
	if last.Done != len(targets) || last.NotFound != 2 || last.Failed != 0 || last.Throttled == 0 || calls < len(targets) {
		t.Errorf("last progress %+v after %d calls", last, calls)
	}
}

// A user that stays throttled past the wait limit could not be looked up:
// that is never reported as "not found".
func TestResolveTargetsThrottledIsNotNotFound(t *testing.T) {
	srv := startFake(t, fake.Options{Users: 5, ThrottleRate: 1})
	c := fakeClient(t, srv, "")
	u := srv.Tenant.Users()[0]
	o := ResolveOptions{MaxThrottleWait: 3 * time.Second, sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }}
	got := ResolveTargets(context.Background(), c, []Target{{Line: 2, Value: u.UserPrincipalName}}, o)
	if got[0].Found() || got[0].NotFound || !errors.Is(got[0].Err, ErrThrottled) {
		t.Fatalf("got %+v", got[0])
	}
}

// Lookups go up to 20 to a $batch: 200 users take about 10 requests, not
// 200 (fewer items share a batch on a loaded machine: half is the bound).
func TestResolveTargetsBatched(t *testing.T) {
	srv := startFake(t, fake.Options{Users: 200})
	c := fakeClient(t, srv, "")
	var targets []Target
	for i, u := range srv.Tenant.Users() {
		v := u.UserPrincipalName
		if i%2 == 0 {
			v = u.ID
		}
		targets = append(targets, Target{Line: i + 2, Value: v, IsID: i%2 == 0})
	}
	got := ResolveTargets(context.Background(), c, targets, ResolveOptions{})
	for i, r := range got {
		if !r.Found() || (r.User.ID != targets[i].Value && r.User.UserPrincipalName != targets[i].Value) {
			t.Fatalf("%s: %+v", targets[i].Value, r)
		}
	}
	st := srv.Tenant.Stats()
	if st.BatchItems != len(targets) || st.Requests["POST /$batch"] > len(targets)/2 {
		t.Errorf("%d batch items in %d batches: %v", st.BatchItems, st.Requests["POST /$batch"], st.Requests)
	}
	if st.Priorities["Low"] == 0 {
		t.Errorf("lookups not sent at low priority: %v", st.Priorities)
	}
}
