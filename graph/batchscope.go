package graph

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
)

// BatchScope marks work whose concurrent calls may be coalesced into JSON
// $batch requests (up to 20 each). The bulk runner and ResolveTargets make
// one and put it on the contexts of the calls that may be batched
// (WithBatching); they still call the outer Client (guard, history) as
// always, and the adapter underneath coalesces what arrives marked. A
// client that cannot batch ignores the mark (Traits.Batches is false).
type BatchScope struct {
	pacer *Pacer
	pct   atomic.Uint64 // float64 bits: highest limit percentage of the last batch

	mu     sync.Mutex
	shared map[any]any
}

// NewBatchScope makes a scope whose batches book p (nil: unpaced), one
// request per item.
func NewBatchScope(p *Pacer) *BatchScope { return &BatchScope{pacer: p} }

type batchScopeKey struct{}

// WithBatching marks ctx: calls made with it may go out in s's batches.
// A nil s unmarks ctx.
func WithBatching(ctx context.Context, s *BatchScope) context.Context {
	return context.WithValue(ctx, batchScopeKey{}, s)
}

// BatchScopeFrom returns the scope ctx is marked with, nil when none.
func BatchScopeFrom(ctx context.Context) *BatchScope {
	s, _ := ctx.Value(batchScopeKey{}).(*BatchScope)
	return s
}

// Pacer is the pacer batches book (nil: none).
func (s *BatchScope) Pacer() *Pacer { return s.pacer }

// Shared returns the value kept under key in s, made by mk on first use:
// the adapter keeps its queues here, so they live as long as the scope.
func (s *BatchScope) Shared(key any, mk func() any) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shared == nil {
		s.shared = map[any]any{}
	}
	v, ok := s.shared[key]
	if !ok {
		v = mk()
		s.shared[key] = v
	}
	return v
}

// NoteLimitPercentage keeps the highest x-ms-throttle-limit-percentage of
// the last batch's items.
func (s *BatchScope) NoteLimitPercentage(p float64) { s.pct.Store(math.Float64bits(p)) }

// LimitPercentage is what NoteLimitPercentage kept last (0 when none).
func (s *BatchScope) LimitPercentage() float64 { return math.Float64frombits(s.pct.Load()) }

type unbookedKey struct{}

// WithoutBooking marks ctx: a batched request made with it takes no slot
// of the scope's pacer. For a read that counts against another service's
// budget than the one the work is paced at (the bulk runner's per-user MFA
// read before a write, paced at the directory write budget).
func WithoutBooking(ctx context.Context) context.Context {
	return context.WithValue(ctx, unbookedKey{}, true)
}

// Unbooked reports a WithoutBooking mark on ctx.
func Unbooked(ctx context.Context) bool {
	v, _ := ctx.Value(unbookedKey{}).(bool)
	return v
}
