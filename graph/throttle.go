package graph

import (
	"context"
	"time"
)

// WithThrottleObserver returns ctx whose requests report every 429 the
// client sees to fn, with its Retry-After (0 when absent), besides
// ClientOptions.OnThrottle: also the ones the client retries itself and
// its caller never hears of. The bulk runner uses it to slow its pacer
// without the CLI or TUI wiring OnThrottle to it. fn may be called from
// the goroutine making the call and must return quickly.
func WithThrottleObserver(ctx context.Context, fn func(retryAfter time.Duration)) context.Context {
	return context.WithValue(ctx, throttleObserverKey{}, fn)
}

func ThrottleObserver(ctx context.Context) func(time.Duration) {
	fn, _ := ctx.Value(throttleObserverKey{}).(func(time.Duration))
	return fn
}

type throttleObserverKey struct{}

// SleepCtx waits d or until ctx is done.
func SleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
