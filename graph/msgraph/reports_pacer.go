package msgraph

import (
	"context"
	"sync"
	"time"

	"github.com/mfadesk/mfadesk/graph"
)

// The identity and access reports service (registration details, sign-ins,
// directory audits) allows 5 requests per 10 s per app per tenant
// (https://learn.microsoft.com/graph/throttling-limits, "Identity and
// access reports service limits"). Sending faster only buys 429s, and a
// 429 there stalls the technician's next view too, so every reports
// request waits for a token here first.

// DefaultReportsPerTenSeconds is the documented reports budget.
const DefaultReportsPerTenSeconds = 5

// reportsReserve is how much of the budget background (PriorityLow) work
// leaves for the request a person is waiting for, who also goes first
// whenever both wait.
const reportsReserve = 1

// reportsPacer keeps the documented window: at most perTen requests in any
// 10 s (a sliding log of send times, so no burst ever exceeds it, unlike a
// token bucket refilled at the same rate). Hand-made rather than
// golang.org/x/time/rate for that reason: a Limiter of 0.5/s with a burst
// of 5 lets 5 go at once and 5 more within the same 10 s (up to twice the
// documented budget), and it has no notion of the reserve a person's
// request keeps over background work. A nil pacer never waits.
type reportsPacer struct {
	mu      sync.Mutex
	perTen  int
	sent    []time.Time // send times within the last window, oldest first
	waiting int         // high-priority requests waiting: background yields to them
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
}

const reportsWindow = 10 * time.Second

func newReportsPacer(perTen int) *reportsPacer {
	if perTen < 0 {
		return nil
	}
	if perTen == 0 {
		perTen = DefaultReportsPerTenSeconds
	}
	return &reportsPacer{perTen: perTen, now: time.Now, sleep: graph.SleepCtx}
}

// wait blocks until the request may go (or ctx ends).
func (p *reportsPacer) wait(ctx context.Context) error {
	if p == nil {
		return ctx.Err()
	}
	high := graph.PriorityFrom(ctx) != graph.PriorityLow
	limit := p.perTen
	if !high && limit > reportsReserve {
		limit -= reportsReserve
	}
	if high {
		p.mu.Lock()
		p.waiting++
		p.mu.Unlock()
		defer func() {
			p.mu.Lock()
			p.waiting--
			p.mu.Unlock()
		}()
	}
	for {
		p.mu.Lock()
		now := p.now()
		for len(p.sent) > 0 && now.Sub(p.sent[0]) >= reportsWindow {
			p.sent = p.sent[1:]
		}
		yield := !high && p.waiting > 0
		if !yield && len(p.sent) < limit {
			p.sent = append(p.sent, now)
			p.mu.Unlock()
			return ctx.Err()
		}
		d := 50 * time.Millisecond // yielding: look again soon
		if !yield {
			d = reportsWindow - now.Sub(p.sent[len(p.sent)-limit])
		}
		p.mu.Unlock()
		if err := p.sleep(ctx, max(d, time.Millisecond)); err != nil {
			return err
		}
	}
}
