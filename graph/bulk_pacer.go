package graph

import (
	"context"
	"sync"
	"time"
)

// Pacer shares one request rate among every worker of a bulk run, so the run
// as a whole slows down when Graph throttles and speeds up again when it
// stops, and never sends faster than a ceiling.
//
// Sending is spaced at the current rate (a reservation per request, so no
// burst above the rate). The rate adapts once per window (half a second)
// from what Graph said in it:
//
//   - more than 10% of the window's answers were 429 (or
//     x-ms-throttle-limit-percentage went over 1.0, i.e. over the limit): the rate
//     drops to what actually got through plus a 10% margin, at most halving
//     per window. Against a request budget this lands just above the
//     budget's refill rate in a few windows and stays there, keeping the
//     budget busy without hammering it;
//   - x-ms-throttle-limit-percentage above 0.8 (Graph sends it once a
//     limit is more than 80% used): ease off by 10% and stop growing for
//     a few seconds, so the budget refills before the first 429;
//   - 5% or fewer were 429: the rate grows by a quarter (doubling from the
//     second such window in a row) back up to where the run started (the
//     documented budget, Start), and above that creeps by 2% a window, up
//     to the ceiling;
//   - in between: hold.
//
// A few percent of 429s that do not depend on our rate (Graph shedding
// load here and there) therefore never collapse the rate, as a
// decrease-on-every-429 rule would: each of those requests just waits its
// own Retry-After (the runner's job, not the pacer's).
//
// Several 429s in a row with no success between them mean everything is being
// refused: then nothing is sent until the Retry-After has passed (a run-wide
// hold), rather than every worker hammering and collecting its own 429.
//
// The spacing is hand-made rather than golang.org/x/time/rate's Limiter
// (which the fake tenant uses for Graph's documented token buckets): a
// Limiter must hold a burst of 20 tokens to reserve a full $batch, and
// after any pause it would let those 20 go at once, four times the
// reports budget's 5 per 10 s; here credit never builds up beyond the
// next slot, and a reservation made during a hold starts after it (a
// Limiter's reservations are kept from "now", so they would all fire when
// the hold ends).
type Pacer struct {
	mu      sync.Mutex
	ceiling float64
	floor   float64
	rate    float64
	window  time.Duration

	next time.Time // earliest start of the next reservation
	hold time.Time // run-wide pause after a run of 429s

	winStart    time.Time
	ok, thr     int
	maxPct      float64
	consecutive int
	throttles   int
	quiet       int // quiet windows in a row

	// start is the documented budget the run began at (Start). Below it
	// the rate recovers fast; above it, it only creeps, and not at all for
	// a while after Graph said the limit was near (cooldown windows).
	start    float64
	cooldown int

	now func() time.Time
}

// Pacer tuning. Exposed as constants so tests and docs can name them.
const (
	// pacerMargin is how far above the observed successful rate the pacer
	// keeps sending while throttled, so a budget never sits idle.
	pacerMargin = 1.1
	// pacerGrowth is the per-window growth when (almost) nothing was
	// throttled.
	pacerGrowth = 1.25
	// pacerSlowAbove and pacerGrowBelow are the throttled shares of a
	// window above which the rate drops and at or below which it grows.
	pacerSlowAbove = 0.10
	pacerGrowBelow = 0.05
	// pacerHoldAfter is how many 429s in a row (no success between) make
	// the pacer pause the whole run for the Retry-After.
	pacerHoldAfter = 5
	// pacerFloor is the lowest rate (requests per second).
	pacerFloor = 0.5
	// pacerNearLimit: an x-ms-throttle-limit-percentage above this (Graph
	// sends it once a limit is more than 80% used) eases the rate by
	// pacerEase and holds growth for pacerCooldown windows.
	pacerNearLimit = 0.8
	pacerEase      = 0.9
	pacerCooldown  = 10
	// pacerCreep is the growth per quiet window above the documented budget.
	pacerCreep = 1.02
	// pacerWindow is how often the rate adapts. Half a second reacts to a
	// spent budget within a few hundred requests, yet holds enough answers
	// (at tens of requests per second) to tell a budget from scattered 429s.
	pacerWindow = 500 * time.Millisecond
)

// NewPacer returns a pacer that never exceeds ceiling requests per second
// and starts at it. ceiling <= 0 means DefaultMaxRPS.
func NewPacer(ceiling float64) *Pacer {
	if ceiling <= 0 {
		ceiling = DefaultMaxRPS
	}
	return &Pacer{ceiling: ceiling, floor: min(pacerFloor, ceiling), rate: ceiling,
		window: pacerWindow, now: time.Now}
}

// Start sets the rate to begin at: the documented budget of the service
// the run's requests count against (DocumentedRPS), so the run starts inside
// it instead of at the ceiling. rate <= 0 or above the ceiling is ignored.
func (p *Pacer) Start(rate float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if rate <= 0 || rate > p.ceiling {
		return
	}
	p.rate, p.start = rate, rate
}

// Rate is the current rate in requests per second.
func (p *Pacer) Rate() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rate
}

// HoldUntil is the end of the current run-wide pause (zero or past when
// there is none), so the runner can say what it waits for and until when.
func (p *Pacer) HoldUntil() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hold
}

// Throttles counts the 429s reported so far.
func (p *Pacer) Throttles() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.throttles
}

// Wait blocks until n more requests may be sent (n > 1 for a $batch: Graph
// counts every request inside it). It returns ctx's error if ctx ends first.
func (p *Pacer) Wait(ctx context.Context, n int) error {
	t := p.reserve(n)
	for {
		if err := sleepUntil(ctx, p.now, t); err != nil {
			return err
		}
		// A hold may have been set while this reservation slept: it applies
		// to requests not yet sent, so honour it too.
		p.mu.Lock()
		h := p.hold
		p.mu.Unlock()
		if !h.After(p.now()) {
			return nil
		}
		t = h
	}
}

// reserve books n request slots and returns when the first may start.
func (p *Pacer) reserve(n int) time.Time {
	if n < 1 {
		n = 1
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.now()
	if p.next.After(t) {
		t = p.next
	}
	if p.hold.After(t) {
		t = p.hold
	}
	p.next = t.Add(time.Duration(float64(n) / p.rate * float64(time.Second)))
	return t
}

// Success records n requests Graph did not throttle. pct is the latest
// x-ms-throttle-limit-percentage, 0 when absent.
func (p *Pacer) Success(n int, pct float64) {
	if n <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ok += n
	p.consecutive = 0
	p.maxPct = max(p.maxPct, pct)
	p.roll()
}

// Throttled records a 429 with its Retry-After. (Its signature fits
// ClientOptions.OnThrottle, so the client can report 429s it retried
// itself.)
func (p *Pacer) Throttled(retryAfter time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.thr++
	p.throttles++
	p.consecutive++
	// A Retry-After of hours (Graph's, or a hostile server's) must not
	// stall the run silently: the hold is capped like every other wait.
	retryAfter = min(retryAfter, MaxWait)
	if p.consecutive >= pacerHoldAfter && retryAfter > 0 {
		if h := p.now().Add(retryAfter); h.After(p.hold) {
			p.hold = h
		}
	}
	p.roll()
}

// roll closes the current window when it has lasted long enough and adapts
// the rate from it. Called with mu held.
func (p *Pacer) roll() {
	now := p.now()
	if p.winStart.IsZero() {
		p.winStart = now
		return
	}
	elapsed := now.Sub(p.winStart)
	if elapsed < p.window {
		return
	}
	got := float64(p.ok) / elapsed.Seconds()
	share := 0.0
	if n := p.ok + p.thr; n > 0 {
		share = float64(p.thr) / float64(n)
	}
	quiet := false
	switch {
	case share > pacerSlowAbove || p.maxPct > 1.0:
		target := got * pacerMargin
		if p.maxPct > 1.0 {
			// Over the limit by that much: come down by as much.
			target = min(target, got/p.maxPct)
		}
		target = max(target, p.rate/2)
		if target < p.rate {
			p.rate = target
		}
	case p.maxPct > pacerNearLimit:
		// Graph says the limit is more than 80% used: the budget is being
		// drawn down, so stop probing upwards for a while, and ease off a
		// little before the first 429 when above the documented budget. At
		// or below it the rate holds: sending at a budget's refill rate
		// keeps its bucket near empty (Graph says so on every answer)
		// without going over, and easing each time would sink the rate to
		// the floor.
		if p.start <= 0 || p.rate > p.start {
			p.rate *= pacerEase
		}
		p.cooldown = pacerCooldown
	case share > pacerGrowBelow:
		// Some throttling: hold the rate.
	case p.ok > 0 && p.start > 0 && p.rate >= p.start:
		// At or above the documented budget: probe upwards slowly (the
		// tenant may allow more), never right after a near-limit signal.
		if p.cooldown > 0 {
			p.cooldown--
		} else {
			p.rate *= pacerCreep
		}
	case p.ok > 0:
		// Quiet: grow by a quarter, and double from the second quiet
		// window in a row on, so a run slowed far down by a burst of
		// throttling is back at full speed within seconds of it ending
		// (back at the documented budget, when it started there).
		quiet = true
		if p.quiet > 0 {
			p.rate *= 2
		} else {
			p.rate *= pacerGrowth
		}
		if p.start > 0 {
			p.rate = min(p.rate, p.start)
		}
	}
	if quiet {
		p.quiet++
	} else {
		p.quiet = 0
	}
	p.rate = min(max(p.rate, p.floor), p.ceiling)
	p.winStart, p.ok, p.thr, p.maxPct = now, 0, 0, 0
}

// sleepUntil waits until t (by now's clock) or ctx ends.
func sleepUntil(ctx context.Context, now func() time.Time, t time.Time) error {
	d := t.Sub(now())
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}
