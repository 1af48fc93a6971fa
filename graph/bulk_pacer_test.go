package graph

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"
)

// simPacer is a pacer on a simulated clock.
type simPacer struct {
	*Pacer
	clock time.Time
}

func newSimPacer(ceiling float64) *simPacer {
	s := &simPacer{Pacer: NewPacer(ceiling), clock: time.Unix(1_700_000_000, 0)}
	s.now = func() time.Time { return s.clock }
	return s
}

// send books one request and moves the clock to its start.
func (s *simPacer) send() time.Time {
	t := s.reserve(1)
	if t.After(s.clock) {
		s.clock = t
	}
	return t
}

func TestPacerSpacesAtRate(t *testing.T) {
	s := newSimPacer(100)
	first := s.reserve(1)
	second := s.reserve(1)
	batch := s.reserve(20)
	after := s.reserve(1)
	if d := second.Sub(first); d != 10*time.Millisecond {
		t.Errorf("spacing %v, want 10ms", d)
	}
	if d := after.Sub(batch); d != 200*time.Millisecond {
		t.Errorf("a batch of 20 books %v, want 200ms", d)
	}
}

func TestPacerNeverAboveCeiling(t *testing.T) {
	s := newSimPacer(50)
	start := s.clock
	n := 0
	for s.clock.Sub(start) < 20*time.Second {
		s.send()
		s.Success(1, 0)
		n++
	}
	if s.Rate() > 50 {
		t.Errorf("rate %v above the ceiling", s.Rate())
	}
	if got := float64(n) / 20; got > 50.1 {
		t.Errorf("sent %.1f/s, ceiling 50", got)
	}
}

// TestPacerFindsBudget drives the pacer against a simulated token bucket
// (as Graph's per-app budget): it must settle just above the refill rate,
// keep the budget busy, and not spend its time collecting 429s.
func TestPacerFindsBudget(t *testing.T) {
	const refill, capacity = 100.0, 1000.0
	s := newSimPacer(1000)
	tokens, last := capacity, s.clock
	start := s.clock
	ok, thr := 0, 0
	for s.clock.Sub(start) < 60*time.Second {
		now := s.send()
		tokens = min(capacity, tokens+now.Sub(last).Seconds()*refill)
		last = now
		if tokens >= 1 {
			tokens--
			ok++
			s.Success(1, 0)
		} else {
			thr++
			s.Throttled(time.Duration((1 - tokens) / refill * float64(time.Second)))
		}
	}
	t.Logf("%d ok, %d 429s, rate %.0f/s", ok, thr, s.Rate())
	// Over 60 s the bucket allows capacity + 60*refill = 7000.
	if ok < 6500 {
		t.Errorf("%d requests got through in 60 s, the budget allows 7000", ok)
	}
	if r := s.Rate(); r < refill || r > 1.3*refill {
		t.Errorf("settled at %.0f/s, budget refills %v/s", r, refill)
	}
	if float64(thr) > 0.35*float64(ok) {
		t.Errorf("%d 429s for %d successes: hammering", thr, ok)
	}
}

// TestPacerIgnoresScatteredThrottles: 5% of requests throttled at random
// (not because of our rate) must not drag the rate down.
func TestPacerIgnoresScatteredThrottles(t *testing.T) {
	s := newSimPacer(500)
	rng := rand.New(rand.NewPCG(1, 2))
	start := s.clock
	for s.clock.Sub(start) < 30*time.Second {
		s.send()
		if rng.Float64() < 0.05 {
			s.Throttled(time.Second)
		} else {
			s.Success(1, 0)
		}
	}
	if r := s.Rate(); r < 450 {
		t.Errorf("rate fell to %.0f with 5%% scattered 429s", r)
	}
}

func TestPacerSlowsAndRecovers(t *testing.T) {
	s := newSimPacer(400)
	start := s.clock
	// 10 s of heavy throttling: every other request refused.
	for i := 0; s.clock.Sub(start) < 10*time.Second; i++ {
		s.send()
		if i%2 == 0 {
			s.Throttled(100 * time.Millisecond)
		} else {
			s.Success(1, 0)
		}
	}
	low := s.Rate()
	if low > 100 {
		t.Errorf("rate %.0f after 10 s of 50%% throttling", low)
	}
	// Then quiet: back to the ceiling within a few seconds.
	mid := s.clock
	for s.clock.Sub(mid) < 15*time.Second {
		s.send()
		s.Success(1, 0)
	}
	if r := s.Rate(); r != 400 {
		t.Errorf("rate %.0f after 15 quiet seconds, want the ceiling 400 (was %.0f)", r, low)
	}
}

func TestPacerHoldsAfterRunOf429s(t *testing.T) {
	s := newSimPacer(1000)
	s.send()
	for range pacerHoldAfter {
		s.Throttled(3 * time.Second)
	}
	if got := s.reserve(1).Sub(s.clock); got < 3*time.Second-time.Millisecond {
		t.Errorf("next request in %v, want the 3s Retry-After", got)
	}
	// A success between 429s resets the run: no hold.
	s2 := newSimPacer(1000)
	for i := range 2 * pacerHoldAfter {
		if i%2 == 0 {
			s2.Throttled(3 * time.Second)
		} else {
			s2.Success(1, 0)
		}
	}
	if got := s2.reserve(1).Sub(s2.clock); got > 10*time.Millisecond {
		t.Errorf("held %v without a run of 429s", got)
	}
}

func TestPacerLimitPercentage(t *testing.T) {
	run := func(pct float64) float64 {
		s := newSimPacer(1000)
		s.rate = 100
		start := s.clock
		for s.clock.Sub(start) < 5*time.Second {
			s.send()
			s.Success(1, pct)
		}
		return s.Rate()
	}
	if r := run(0); r <= 250 {
		t.Errorf("no header: rate %.0f, want fast growth", r)
	}
	// Graph says the limit is nearly used: ease off before the first 429
	// (10% a window), without collapsing.
	if r := run(0.95); r >= 100 || r < 20 {
		t.Errorf("at 95%% of the limit: rate %.0f, want an easing below 100", r)
	}
	if r := run(1.3); r >= 100 {
		t.Errorf("over the limit: rate %.0f, want a decrease", r)
	}
}

// TestPacerStartsAtDocumentedBudget: a pacer started at a budget sends at
// it from the first request, recovers to it fast after throttling, and
// above it only creeps.
func TestPacerStartsAtDocumentedBudget(t *testing.T) {
	s := newSimPacer(1000)
	s.Start(20)
	if s.Rate() != 20 {
		t.Fatalf("rate %v, want the budget 20", s.Rate())
	}
	start := s.clock
	for s.clock.Sub(start) < 5*time.Second {
		s.send()
		s.Success(1, 0)
	}
	if r := s.Rate(); r < 20 || r > 20*1.25 {
		t.Errorf("quiet for 5 s at the budget: rate %.1f, want a creep above 20", r)
	}
	s.rate = 2 // after heavy throttling
	start = s.clock
	for s.clock.Sub(start) < 3*time.Second {
		s.send()
		s.Success(1, 0)
	}
	if r := s.Rate(); r < 19 || r > 21 {
		t.Errorf("recovered to %.1f, want back at the budget 20", r)
	}
}

func TestPacerWaitHonoursContext(t *testing.T) {
	p := NewPacer(0.5) // one request per 2 s
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := p.Wait(ctx, 1); err != nil {
		t.Fatal(err) // the first goes at once
	}
	if err := p.Wait(ctx, 1); err == nil {
		t.Fatal("second request did not wait for its slot")
	}
}
