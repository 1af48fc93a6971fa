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
// burst above the rate). The rate adapts once per window from what Graph
// said in it:
//
//   - a window with 429s: the rate drops to what actually got through plus a
//     10% margin (but at most halves per window). Against a request budget
//     this lands just above the budget's refill rate in one or two windows,
//     keeping the budget busy; random 429s that do not depend on our rate
//     (a few percent) leave it almost unchanged, instead of collapsing it as
//     a per-429 halving would;
//   - x-ms-throttle-limit-percentage at or above 1.0 (over the limit, 429s
//     imminent): the same without waiting for the 429s; 0.9 or above: hold;
//   - a quiet window with traffic: the rate grows by a quarter, up to the
//     ceiling.
//
// Several 429s in a row with no success between them mean everything is being
// refused: then nothing is sent until the Retry-After has passed (a run-wide
// hold), rather than every worker hammering and collecting its own 429.
// Each throttled request also waits its own Retry-After before it is retried;
// that is the caller's job (the runner), not the pacer's.
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

	now func() time.Time
}

// Pacer tuning. Exposed as constants so tests and docs can name them.
const (
	// pacerMargin is how far above the observed successful rate the pacer
	// keeps sending while throttled, so a budget never sits idle.
	pacerMargin = 1.1
	// pacerGrowth is the per-window growth when nothing was throttled.
	pacerGrowth = 1.25
	// pacerHoldAfter is how many 429s in a row (no success between) make
	// the pacer pause the whole run for the Retry-After.
	pacerHoldAfter = 5
	// pacerFloor is the lowest rate (requests per second).
	pacerFloor = 0.5
)

// NewPacer returns a pacer that never exceeds ceiling requests per second
// and starts at it. ceiling <= 0 means DefaultMaxRPS.
func NewPacer(ceiling float64) *Pacer {
	if ceiling <= 0 {
		ceiling = DefaultMaxRPS
	}
	return &Pacer{ceiling: ceiling, floor: min(pacerFloor, ceiling), rate: ceiling,
		window: time.Second, now: time.Now}
}

// Rate is the current rate in requests per second.
func (p *Pacer) Rate() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rate
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

// Success records a request Graph did not throttle. pct is the response's
// x-ms-throttle-limit-percentage, 0 when absent.
func (p *Pacer) Success(pct float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ok++
	p.consecutive = 0
	p.maxPct = max(p.maxPct, pct)
	p.roll()
}

// Throttled records a 429 (or a throttling 503) with its Retry-After.
func (p *Pacer) Throttled(retryAfter time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.thr++
	p.throttles++
	p.consecutive++
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
	switch {
	case p.thr > 0 || p.maxPct >= 1.0:
		target := max(got*pacerMargin, p.rate/2)
		if target < p.rate {
			p.rate = target
		}
	case p.maxPct >= 0.9:
		// Close to the limit: hold the rate.
	case p.ok > 0:
		p.rate *= pacerGrowth
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
