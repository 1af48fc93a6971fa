package graph

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// Resolving a target list (a CSV, command-line users) before anything is
// planned: every target is looked up first, so an unknown user rejects the
// list before any change, as a malformed row does, and a lookup that Graph
// throttled or could not answer is never mistaken for "no such user".
//
// Lookups are paced by one Pacer shared by the workers (so the list as a
// whole slows down when Graph throttles, as a bulk run does), a 429 is
// retried after its Retry-After (bounded in total per user), and 5xx / a
// dropped connection a few times with backoff.

// DefaultResolveConcurrency is how many lookups are in flight at once:
// reads, coalesced 20 to a $batch and paced, so five full batches rather
// than the bulk runner's few users (DefaultConcurrency).
const DefaultResolveConcurrency = 100

// ResolveOptions tune ResolveTargets. Zero values mean the defaults.
type ResolveOptions struct {
	// Concurrency is how many lookups are in flight at once (default
	// DefaultResolveConcurrency: with batching, five full batches).
	Concurrency int
	// MaxRPS is the pacer's ceiling (default DefaultMaxRPS).
	MaxRPS float64
	// MaxAttempts bounds tries of a lookup that failed with a dropped
	// connection or a 5xx (default DefaultMaxAttempts).
	MaxAttempts int
	// MaxThrottleWait bounds the total Retry-After waited for one user
	// (default 2 minutes): past it the user "could not be looked up".
	MaxThrottleWait time.Duration
	// OnProgress, when set, is called after every finished lookup and every
	// throttled answer (from the workers: it must be safe for concurrent
	// use and quick).
	OnProgress func(ResolveProgress)

	sleep func(context.Context, time.Duration) error
}

// ResolveProgress is how far a ResolveTargets has got.
type ResolveProgress struct {
	Done, Total int
	// NotFound and Failed count finished lookups of those outcomes.
	NotFound, Failed int
	// Throttled counts 429s seen so far; WaitingUntil is when the latest
	// throttled lookup will be tried again (zero when none waits).
	Throttled    int
	WaitingUntil time.Time
}

// Resolved is one target's lookup.
type Resolved struct {
	Target Target
	User   User
	// Err is nil when the user was found. NotFound says Graph answered that
	// there is no such user; any other Err means the user could not be
	// looked up (throttled past the limit, Graph unavailable, denied) and
	// may well exist.
	Err      error
	NotFound bool
}

// Found reports whether the lookup found the user.
func (r Resolved) Found() bool { return r.Err == nil }

// ResolveTargets looks every target up, in order, and returns one Resolved
// per target. It stops early only when ctx ends (the rest then carry ctx's
// error, as not looked up).
func ResolveTargets(ctx context.Context, c Client, targets []Target, o ResolveOptions) []Resolved {
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultResolveConcurrency
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
	ctx = WithPriority(ctx, PriorityLow)
	if len(targets) == 1 {
		// Somebody is waiting on this one.
		ctx = WithPriority(ctx, PriorityHigh)
	}
	pacer := NewPacer(o.MaxRPS)
	lookup := func(ctx context.Context, key string) (User, error) {
		if err := pacer.Wait(ctx, 1); err != nil {
			return User{}, err
		}
		return c.ResolveUser(ctx, key)
	}
	if c.Traits().Batches && len(targets) > 1 {
		// Up to 20 lookups in one $batch: the adapter books the pacer per
		// batch. The lookups still go through c (history hears of them).
		scope := NewBatchScope(pacer)
		lookup = func(ctx context.Context, key string) (User, error) {
			return c.ResolveUser(WithBatching(ctx, scope), key)
		}
	}
	out := make([]Resolved, len(targets))
	var (
		mu   sync.Mutex
		prog = ResolveProgress{Total: len(targets)}
	)
	report := func(f func(p *ResolveProgress)) {
		mu.Lock()
		f(&prog)
		p := prog
		mu.Unlock()
		if o.OnProgress != nil {
			o.OnProgress(p)
		}
	}
	// A bounded pool: o.Concurrency lookups at a time, each target once.
	var pool errgroup.Group
	pool.SetLimit(max(o.Concurrency, 1))
	for i := range targets {
		pool.Go(func() error {
			r := Resolved{Target: targets[i]}
			r.User, r.Err = resolveOne(ctx, lookup, pacer, targets[i].Value, o, func(until time.Time) {
				report(func(p *ResolveProgress) { p.Throttled++; p.WaitingUntil = until })
			})
			r.NotFound = errors.Is(r.Err, ErrNotFound)
			out[i] = r
			report(func(p *ResolveProgress) {
				p.Done++
				switch {
				case r.NotFound:
					p.NotFound++
				case r.Err != nil:
					p.Failed++
				}
				if !p.WaitingUntil.IsZero() && time.Now().After(p.WaitingUntil) {
					p.WaitingUntil = time.Time{}
				}
			})
			return nil
		})
	}
	_ = pool.Wait() // every lookup's error is in its own result
	return out
}

// resolveOne looks one user up through the pacer, retrying 429s (after
// their Retry-After) and transient failures.
func resolveOne(ctx context.Context, lookup func(context.Context, string) (User, error), p *Pacer, key string, o ResolveOptions, throttled func(until time.Time)) (User, error) {
	var waited time.Duration
	faults := 0
	for {
		// The client may retry a 429 itself: the pacer hears of each.
		var saw atomic.Bool
		callCtx := WithThrottleObserver(ctx, func(ra time.Duration) {
			saw.Store(true)
			p.Throttled(ra)
		})
		u, err := lookup(callCtx, key)
		if err == nil {
			p.Success(1, 0)
			return u, nil
		}
		if ctx.Err() != nil {
			return User{}, ctx.Err()
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
				return User{}, err
			}
			waited += ra
			throttled(time.Now().Add(ra))
			if err := o.sleep(ctx, ra); err != nil {
				return User{}, err
			}
		case errors.Is(err, ErrUnavailable):
			p.Success(1, 0) // not a throttle: keep the rate
			if faults++; faults >= o.MaxAttempts {
				return User{}, err
			}
			wait := faultBackoff(faults)
			if ge != nil && ge.RetryAfter > 0 {
				wait = min(ge.RetryAfter, o.MaxThrottleWait)
			}
			if err := o.sleep(ctx, wait); err != nil {
				return User{}, err
			}
		default:
			p.Success(1, 0)
			return User{}, err
		}
	}
}
