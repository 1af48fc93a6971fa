package graph

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// call sends one request through the pacer, retrying what is safe to
// retry: 429 always (after its Retry-After, bounded by MaxThrottleWait);
// dropped connections / 5xx / timeouts for every step but a TAP (bounded by
// MaxAttempts); the default-method and alternate-mobile conflicts of a
// delete a few times (Graph's list lags behind its deletes).
func (r *runner) call(ctx context.Context, ur *userRun, step string, f func(context.Context) error) error {
	var throttleWait time.Duration
	faults, conflicts := 0, 0
	for {
		n := r.ops.cost(step)
		// pn is what the run's pacer books: the sign-in preferences are a
		// directory read, counted against that service's budget
		// (thousands per 10 s), not the one the run is paced at, so they
		// take no slot of it (BenchmarkBulkBudget: a fifth of the slots).
		pn := n
		if step == stepPrefs || step == stepMFARead {
			pn = 0
		}
		if h := r.pacer.HoldUntil(); h.After(r.opts.now()) {
			if r.checkStall(h) {
				return context.Cause(ctx)
			}
			r.announceWait(nil, h, "Graph refused every request in a row (429): the whole run pauses as Graph asked")
		}
		if !r.ops.paced(step) && pn > 0 {
			if err := r.pacer.Wait(ctx, pn); err != nil {
				return err
			}
		}
		r.requests.Add(int64(n))
		callCtx := ctx
		// In plain mode the client may retry a 429 itself and answer
		// success: its observer tells the pacer of every 429 (saw keeps the
		// one it gives up on from being counted twice below).
		var saw atomic.Bool
		if r.observe {
			callCtx = WithThrottleObserver(ctx, func(ra time.Duration) {
				saw.Store(true)
				r.throttled.Add(1)
				r.pacer.Throttled(ra)
				r.emit(Event{Kind: EventThrottled, User: ur.key, UserID: ur.id, RetryAfter: ra})
			})
		}
		// Nothing new is sent once the run is stopping (ctrl+c, a signal,
		// a journal that cannot be written: issue 15.9).
		r.sending.RLock()
		err := ctx.Err()
		if err == nil {
			err = f(callCtx)
		}
		r.sending.RUnlock()
		if err == nil {
			r.lastOK.Store(r.opts.now().UnixNano())
			r.pacer.Success(pn, r.ops.limitPct())
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		ge, _ := AsError(err)
		switch {
		case errors.Is(err, ErrThrottled):
			ra := time.Second
			if ge != nil && ge.RetryAfter > 0 {
				ra = ge.RetryAfter
			}
			if !saw.Load() {
				r.throttled.Add(1)
				r.pacer.Throttled(ra)
				r.emit(Event{Kind: EventThrottled, User: ur.key, UserID: ur.id, RetryAfter: ra})
			}
			r.pacer.Success(pn-1, 0) // the other requests of a step that sends several
			if throttleWait+ra > r.opts.MaxThrottleWait {
				return err
			}
			throttleWait += ra
			r.announceWait(ur, r.opts.now().Add(ra), "Graph throttled a request (429) and asked to wait")
			if err := r.opts.sleep(ctx, ra); err != nil {
				return err
			}
		// A TAP, and a change the runner knows nothing of (a mail would go
		// twice), are never repeated after a fault: the answer may be lost.
		case errors.Is(err, ErrUnavailable) && step != stepTAP && step != stepChange:
			r.pacer.Success(pn, 0) // not a throttle: keep the rate
			faults++
			if faults >= r.opts.MaxAttempts {
				return err
			}
			wait := faultBackoff(faults)
			if ge != nil && ge.RetryAfter > 0 {
				// A 503's Retry-After counts against the same limit
				// as a 429's: no single request waits for hours.
				wait = ge.RetryAfter
				if throttleWait+wait > r.opts.MaxThrottleWait {
					return err
				}
				throttleWait += wait
				r.announceWait(ur, r.opts.now().Add(wait), "Graph is unavailable (503) and asked to wait")
			}
			if err := r.opts.sleep(ctx, wait); err != nil {
				return err
			}
		case errors.Is(err, ErrConflict) && step == stepDeleteLast && conflicts < 4:
			r.pacer.Success(pn, 0)
			conflicts++
			if err := r.opts.sleep(ctx, time.Duration(conflicts)*500*time.Millisecond); err != nil {
				return err
			}
		default:
			r.pacer.Success(pn, 0)
			return err
		}
	}
}

// faultBackoff is the wait before retry n (from 1) of a failed request:
// 200ms, 400ms, 800ms ... capped at 10s.
func faultBackoff(n int) time.Duration {
	d := 200 * time.Millisecond << min(n-1, 6)
	return min(d, 10*time.Second)
}
