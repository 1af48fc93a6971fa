package graph

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A Retry-After of a day must not pause the run for a day: the run-wide
// hold is capped at MaxWait.
func TestPacerHoldCapped(t *testing.T) {
	s := newSimPacer(100)
	for range pacerHoldAfter + 1 {
		s.Throttled(24 * time.Hour)
	}
	if got := s.hold.Sub(s.clock); got <= 0 || got > MaxWait {
		t.Fatalf("run-wide hold %v after Retry-After 24h, want at most %v", got, MaxWait)
	}
}

// stepClock is a clock that moves only when the test says (each request
// to the tenant takes step).
type stepClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *stepClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *stepClock) tick() {
	c.mu.Lock()
	c.t = c.t.Add(c.step)
	c.mu.Unlock()
}

// hugeRetryAfterRun runs a reset against a tenant that answers every
// request 429 with a Retry-After of a day, each answer taking step of the
// run's clock; stopOnWait cancels the run at its first announced wait.
func hugeRetryAfterRun(t *testing.T, step time.Duration, stopOnWait bool) (*BulkSummary, error, []Event) {
	t.Helper()
	ten, targets := mixedTenant(30)
	clk := &stepClock{t: time.Unix(1_700_000_000, 0), step: step}
	ten.fault = func(_, _ string, after bool) error {
		if after {
			return nil
		}
		clk.tick()
		return &Error{Kind: ErrThrottled, Status: 429, RetryAfter: 24 * time.Hour, RequestID: "req-429"}
	}
	p := NewPacer(1e6)
	p.now = clk.now
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stop, stopCause := context.WithCancel(ctx)
	defer stopCause()
	var waiting []Event // OnEvent calls are serialised
	opts := fastOpts("")
	opts.Concurrency = 1
	opts.Pacer = p
	opts.now = clk.now
	opts.OnEvent = func(ev Event) {
		if ev.Kind == EventWaiting {
			waiting = append(waiting, ev)
			if stopOnWait {
				stopCause() // the technician's ctrl+c
			}
		}
	}
	sum, err := RunBulk(stop, ten, Operation{Kind: OpReset}, targets, opts)
	if ctx.Err() != nil {
		t.Fatal("the run stalled (30 s of wall clock)")
	}
	return sum, err, waiting
}

// Every long wait is announced (what, until when, never beyond MaxWait),
// and the technician can stop it: the run ends at once, resumable.
func TestBulkHugeRetryAfterAnnounced(t *testing.T) {
	sum, err, waiting := hugeRetryAfterRun(t, time.Second, true)
	if len(waiting) == 0 {
		t.Fatalf("the run paused without saying so (err %v)", err)
	}
	for _, ev := range waiting {
		if ev.Why == "" || ev.Until.IsZero() {
			t.Errorf("waiting event without what or until when: %+v", ev)
		}
		if d := ev.Until.Sub(ev.Time); d > MaxWait || d < announceWaitsFrom {
			t.Errorf("announced a wait of %v, want at most %v", d, MaxWait)
		}
	}
	if !errors.Is(err, ErrBulkInterrupted) || sum.Pending == 0 {
		t.Fatalf("stopping during the wait: err %v, pending %d", err, sum.Pending)
	}
}

// A run on which nothing has gone through for a long time, told to pause
// again, stops by itself (resumable) instead of waiting on and on.
func TestBulkHugeRetryAfterStops(t *testing.T) {
	sum, err, _ := hugeRetryAfterRun(t, 3*time.Minute, false)
	if !errors.Is(err, ErrBulkInterrupted) || !errors.Is(err, ErrGraphRefusing) {
		t.Fatalf("err %v, want an interrupted run saying Graph refused everything", err)
	}
	if sum.Pending == 0 {
		t.Errorf("no user left pending for a resume: %+v", sum.Counts)
	}
}

// A 503 with a huge Retry-After is bounded like a 429: the request fails
// instead of sleeping for hours.
func TestBulk503RetryAfterBounded(t *testing.T) {
	ten, targets := mixedTenant(3)
	ten.fault = func(string, string, bool) error {
		return &Error{Kind: ErrUnavailable, Status: 503, RetryAfter: 24 * time.Hour}
	}
	var slept atomic.Int64
	opts := fastOpts("")
	opts.sleep = func(ctx context.Context, d time.Duration) error {
		slept.Add(int64(d))
		return ctx.Err()
	}
	sum, err := RunBulk(context.Background(), ten, Operation{Kind: OpReset}, targets, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Counts.Failed != 3 {
		t.Errorf("counts %+v, want 3 failed", sum.Counts)
	}
	if d := time.Duration(slept.Load()); d > 3*DefaultMaxThrottleWait {
		t.Errorf("slept %v in all for 3 users", d)
	}
}
