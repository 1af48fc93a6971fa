package graph

import (
	"context"
	"errors"
)

// bulkOps is how the runner sends a user's requests: always through the
// outer Client (guard, history) and its Apply, so guard rails and the
// change history see every change. When the run batches and the adapter
// can, the calls that may be coalesced carry the run's BatchScope on their
// context and the adapter sends them in JSON batches; the runner's logic
// (ordering, retries, journal) is the same either way.
type bulkOps struct {
	c        Client
	approval Approval
	// batch is the run's scope, nil when the run does not batch.
	batch *BatchScope
}

func newBulkOps(c Client, batch bool, p *Pacer, a Approval) bulkOps {
	o := bulkOps{c: c, approval: a}
	if batch && c.Traits().Batches {
		o.batch = NewBatchScope(p)
	}
	return o
}

// batched marks ctx for the adapter's batches when the run batches.
func (o bulkOps) batched(ctx context.Context) context.Context {
	if o.batch == nil {
		return ctx
	}
	return WithBatching(ctx, o.batch)
}

// resolve and tap go as plain calls (a TAP is never repeated blindly).
func (o bulkOps) resolve(ctx context.Context, k string) (User, error) {
	return o.c.ResolveUser(ctx, k)
}

// list lists a user's methods without reading which is the default (the
// adapter's list then marks none; prefs reads it where it matters).
func (o bulkOps) list(ctx context.Context, id string) ([]Method, error) {
	return o.c.ListMethods(WithoutPreferences(o.batched(ctx)), id)
}

// prefs reads the user's sign-in preferences (best effort: zero when
// unknown, or when the client cannot read them: its ListMethods marks the
// default itself).
func (o bulkOps) prefs(ctx context.Context, id string) (SignInPreferences, error) {
	p, err := o.c.SignInPreferences(o.batched(ctx), id)
	if errors.Is(err, ErrUnsupported) {
		return SignInPreferences{}, nil
	}
	return p, err
}

// setDefault makes m the user's default method (a guarded, recorded
// change).
func (o bulkOps) setDefault(ctx context.Context, id string, m Method) error {
	_, err := o.c.Apply(o.batched(ctx), SetDefaultMethod{UserID: id, Method: m, Approval: o.approval})
	return err
}

func (o bulkOps) del(ctx context.Context, id string, m Method) error {
	_, err := o.c.Apply(o.batched(ctx), DeleteMethod{UserID: id, Method: m, Approval: o.approval})
	return err
}

func (o bulkOps) revoke(ctx context.Context, id string) error {
	_, err := o.c.Apply(o.batched(ctx), RevokeSessions{UserID: id, Approval: o.approval})
	return err
}

func (o bulkOps) tap(ctx context.Context, id string, r TAPRequest) (TAP, error) {
	res, err := o.c.Apply(ctx, CreateTAP{UserID: id, Request: r, Approval: o.approval})
	return res.TAP, err
}

// apply makes an OpChange's change as a plain call: its kind may be one
// the adapter does not batch.
func (o bulkOps) apply(ctx context.Context, ch Change) (Result, error) {
	return o.c.Apply(ctx, ch)
}

func (o bulkOps) setMFA(ctx context.Context, id string, s PerUserMFAState) error {
	_, err := o.c.Apply(o.batched(ctx), SetPerUserMFA{UserID: id, State: s, Approval: o.approval})
	return err
}

// readMFA reads the user's per-user MFA state before it is set: a
// directory read, counted against that budget rather than the run's
// (WithoutBooking), and batched with the run's other beta requests.
func (o bulkOps) readMFA(ctx context.Context, id string) (PerUserMFAState, error) {
	return o.c.PerUserMFA(WithoutBooking(o.batched(ctx)), id)
}

// cost is how many Graph requests one call of step sends (the pacer books
// that many): one each (a list reads no preferences).
func (o bulkOps) cost(string) int { return 1 }

// paced reports that the adapter books the pacer itself for step (per
// batch); otherwise the runner books it per call. A lookup or a TAP goes as
// a plain call, booked by the runner.
func (o bulkOps) paced(step string) bool {
	return o.batch != nil && step != stepResolve && step != stepTAP && step != stepChange
}

// limitPct is the latest x-ms-throttle-limit-percentage (0 if none).
func (o bulkOps) limitPct() float64 {
	p := o.c.Traits().ThrottleLimitPercentage
	if o.batch != nil {
		p = max(p, o.batch.LimitPercentage())
	}
	return p
}
