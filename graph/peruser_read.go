package graph

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// Reading the per-user MFA state of many users (the report's per-user
// column, mfa-state with many users): Graph has no list of it, only one
// beta GET /users/{id}/authentication/requirements per user
// (api-reference/beta/api/authentication-get.md). The reads go 20 to a
// JSON $batch (json-batching: "JSON batch requests are currently limited
// to 20 individual requests") when the client batches, paced by one Pacer
// that starts at the documented directory read budget, and a 429 is waited
// out for the item it came back on (the SDK does not retry a throttled
// item inside a batch), as ResolveTargets and the bulk runner do.

// BudgetDirectoryReadsRPS is the directory read budget of the smallest
// tenant tier (3,500 resource units per 10 s, a requirements read costing
// one).
// https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits
const BudgetDirectoryReadsRPS = 3500.0 / 10

// DirectoryReadsRPSFor is the directory read budget of a tenant with at
// least users users (3,500 / 5,000 / 8,000 resource units per 10 s under
// 50, 50 to 500, over 500 users): reading n users' states proves the
// tenant has n, so the reads start at that tier's budget and never above
// the tenant's real one.
func DirectoryReadsRPSFor(users int) float64 {
	switch {
	case users > 500:
		return 8000.0 / 10
	case users >= 50:
		return 5000.0 / 10
	}
	return BudgetDirectoryReadsRPS
}

// DefaultPerUserReadConcurrency is how many reads are in flight at once:
// five full batches.
const DefaultPerUserReadConcurrency = 100

// PerUserReadOptions tune ReadPerUserMFA. Zero values mean the defaults.
type PerUserReadOptions struct {
	// Concurrency: reads in flight (default DefaultPerUserReadConcurrency).
	Concurrency int
	// StartRPS is the rate the reads start at (default
	// DirectoryReadsRPSFor the number of users); MaxRPS the ceiling
	// (default DefaultMaxRPS).
	StartRPS, MaxRPS float64
	// MaxAttempts bounds tries of a read that failed with a dropped
	// connection or a 5xx (default DefaultMaxAttempts).
	MaxAttempts int
	// MaxThrottleWait bounds the total Retry-After waited for one user
	// (default 2 minutes): past it that user's state is unknown (an error).
	MaxThrottleWait time.Duration
	// OnProgress, when set, hears of every finished read and every 429
	// (from the workers: safe for concurrent use and quick).
	OnProgress func(PerUserProgress)
	// OnResult, when set, receives each user's answer as it arrives
	// (from the workers), so a view can fill its column progressively.
	OnResult func(PerUserRead)

	sleep func(context.Context, time.Duration) error
}

// PerUserProgress is how far a ReadPerUserMFA has got.
type PerUserProgress struct {
	Done, Total, Failed int
	// Throttled counts 429s so far; WaitingUntil is when the latest
	// throttled read is tried again (zero when none waits).
	Throttled    int
	WaitingUntil time.Time
}

// PerUserRead is one user's per-user MFA state, or why it is unknown.
type PerUserRead struct {
	UserID string
	State  PerUserMFAState
	Err    error
}

// ReadPerUserMFA reads the per-user MFA state of every user in ids (object
// ids), in order, one result per id. It never fails as a whole: a user
// Graph would not answer for carries its error, and when ctx ends the
// users not yet read carry ctx's error.
func ReadPerUserMFA(ctx context.Context, c Client, ids []string, o PerUserReadOptions) []PerUserRead {
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultPerUserReadConcurrency
	}
	if o.StartRPS <= 0 {
		o.StartRPS = DirectoryReadsRPSFor(len(ids))
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.MaxThrottleWait <= 0 {
		o.MaxThrottleWait = 2 * time.Minute
	}
	if o.sleep == nil {
		o.sleep = SleepCtx
	}
	// Background work: Graph sheds it before what a person waits for.
	ctx = WithPriority(ctx, PriorityLow)
	pacer := NewPacer(o.MaxRPS)
	pacer.Start(o.StartRPS)
	read := func(ctx context.Context, id string) (PerUserMFAState, error) {
		if err := pacer.Wait(ctx, 1); err != nil {
			return "", err
		}
		return c.PerUserMFA(ctx, id)
	}
	if c.Traits().Batches && len(ids) > 1 {
		// Up to 20 reads in one $batch; the adapter books the pacer per
		// batch. They still go through c (guard, history see reads pass).
		scope := NewBatchScope(pacer)
		read = func(ctx context.Context, id string) (PerUserMFAState, error) {
			return c.PerUserMFA(WithBatching(ctx, scope), id)
		}
	}
	out := make([]PerUserRead, len(ids))
	var (
		mu   sync.Mutex
		prog = PerUserProgress{Total: len(ids)}
	)
	// A refusal for want of a permission or role is the same for every
	// user: the first one stops the rest (each then carries it), rather
	// than a thousand 403s.
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	report := func(f func(p *PerUserProgress)) {
		mu.Lock()
		f(&prog)
		p := prog
		mu.Unlock()
		if o.OnProgress != nil {
			o.OnProgress(p)
		}
	}
	var pool errgroup.Group
	pool.SetLimit(max(o.Concurrency, 1))
	for i, id := range ids {
		if ctx.Err() != nil {
			out[i] = PerUserRead{UserID: id, Err: context.Cause(ctx)}
			continue
		}
		pool.Go(func() error {
			r := PerUserRead{UserID: id}
			r.State, r.Err = readPerUserOne(ctx, read, pacer, id, o, func(until time.Time) {
				report(func(p *PerUserProgress) { p.Throttled++; p.WaitingUntil = until })
			})
			if errors.Is(r.Err, ErrDenied) {
				stop(r.Err)
			}
			if r.Err != nil && ctx.Err() != nil {
				r.Err = context.Cause(ctx)
			}
			out[i] = r
			if o.OnResult != nil {
				o.OnResult(r)
			}
			report(func(p *PerUserProgress) {
				p.Done++
				if r.Err != nil {
					p.Failed++
				}
				if !p.WaitingUntil.IsZero() && time.Now().After(p.WaitingUntil) {
					p.WaitingUntil = time.Time{}
				}
			})
			return nil
		})
	}
	_ = pool.Wait() // each read's error is in its own result
	return out
}

// readPerUserOne reads one user's state through the pacer, waiting out
// 429s (after their Retry-After, bounded in total) and retrying transient
// failures with backoff.
func readPerUserOne(ctx context.Context, read func(context.Context, string) (PerUserMFAState, error), p *Pacer, id string, o PerUserReadOptions, throttled func(until time.Time)) (PerUserMFAState, error) {
	var waited time.Duration
	faults := 0
	for {
		var saw atomic.Bool
		callCtx := WithThrottleObserver(ctx, func(ra time.Duration) {
			saw.Store(true)
			p.Throttled(ra)
		})
		st, err := read(callCtx, id)
		if err == nil {
			p.Success(1, 0)
			return st, nil
		}
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		ge, _ := AsError(err)
		switch {
		case errors.Is(err, ErrThrottled):
			ra := time.Second
			if ge != nil && ge.RetryAfter > 0 {
				ra = ge.RetryAfter
			}
			if !saw.Load() {
				p.Throttled(ra)
			}
			if waited+ra > o.MaxThrottleWait {
				return "", err
			}
			waited += ra
			throttled(time.Now().Add(ra))
			if err := o.sleep(ctx, ra); err != nil {
				return "", err
			}
		case errors.Is(err, ErrUnavailable):
			p.Success(1, 0)
			if faults++; faults >= o.MaxAttempts {
				return "", err
			}
			wait := faultBackoff(faults)
			if ge != nil && ge.RetryAfter > 0 {
				wait = min(ge.RetryAfter, o.MaxThrottleWait)
			}
			if err := o.sleep(ctx, wait); err != nil {
				return "", err
			}
		default:
			p.Success(1, 0)
			return "", err
		}
	}
}
