package graph

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// deleteStage deletes methods that do not depend on each other
// concurrently. It returns the ones Graph refused for ordering (deferred,
// unless final) and the first error. The final pass (the deferred ones)
// goes one at a time, in plan order, retrying ordering refusals a few
// times (Graph's lag).
func (ur *userRun) deleteStage(ctx context.Context, ms []Method, final bool) ([]Method, error) {
	r := ur.r
	errs := make([]error, len(ms))
	later := make([]bool, len(ms))
	step := stepDelete
	if final {
		step = stepDeleteLast
	}
	var wg sync.WaitGroup
	for i, m := range ms {
		wg.Add(1)
		work := func() {
			defer wg.Done()
			gone := false
			err := r.call(ctx, ur, step, func(ctx context.Context) error {
				err := r.ops.del(ctx, ur.id, m)
				if errors.Is(err, ErrNotFound) {
					gone = true // deleted by an earlier attempt or run
					return nil
				}
				return err
			})
			if err != nil && !final && errors.Is(err, ErrConflict) {
				later[i] = true
				return
			}
			if err != nil {
				errs[i] = err
				ur.mu.Lock()
				ur.failed[m.ID] = err
				ur.mu.Unlock()
				if ctx.Err() == nil && !errors.Is(err, ErrProtected) {
					// Journaled so a resume knows this user cannot end done.
					e := JournalEntry{Event: evStep, User: ur.key, UserID: ur.id, Do: stepDelete,
						Method: m.ID, Kind: m.Kind, Result: "failed", Why: bulkWhy(err)}
					if ge, ok := AsError(err); ok {
						e.Status, e.RequestID = ge.Status, ge.RequestID
					}
					r.append(e)
				}
				return
			}
			res := "deleted"
			if gone {
				res = "gone"
			}
			if err := r.append(JournalEntry{Event: evStep, User: ur.key, UserID: ur.id, Do: stepDelete,
				Method: m.ID, Kind: m.Kind, Result: res}); err != nil {
				errs[i] = err
				return
			}
			ur.mu.Lock()
			ur.deleted[m.ID] = true
			ur.mu.Unlock()
			r.emit(Event{Kind: EventStep, User: ur.key, UserID: ur.id,
				Step: fmt.Sprintf("%s %s method", res, KindLabel(m.Kind))})
		}
		if final || r.opts.oneByOne {
			work()
			if final && errs[i] != nil {
				break
			}
		} else {
			go work()
		}
	}
	wg.Wait()
	var first error
	var deferred []Method
	for i, err := range errs {
		switch {
		case later[i]:
			deferred = append(deferred, ms[i])
		case err != nil && first == nil:
			first = err
		}
	}
	return deferred, first
}

// setDefault makes m the user's default method (journaled), so the
// current default can be deleted while m stays.
func (ur *userRun) setDefault(ctx context.Context, m Method) error {
	r := ur.r
	if err := r.call(ctx, ur, stepDefault, func(ctx context.Context) error { return r.ops.setDefault(ctx, ur.id, m) }); err != nil {
		return err
	}
	if err := r.append(JournalEntry{Event: evStep, User: ur.key, UserID: ur.id, Do: stepDefault,
		Method: m.ID, Kind: m.Kind, Result: "default"}); err != nil {
		return err
	}
	r.emit(Event{Kind: EventStep, User: ur.key, UserID: ur.id, Step: "made " + KindLabel(m.Kind) + " the default method"})
	ur.notes = append(ur.notes, "default moved to "+KindLabel(m.Kind))
	return nil
}

func (ur *userRun) revoke(ctx context.Context) error {
	r := ur.r
	if _, ok := ur.u.stepDone(stepRevoke); ok {
		ur.notes = append(ur.notes, "sessions revoked")
		return nil
	}
	if err := r.call(ctx, ur, stepRevoke, func(ctx context.Context) error { return r.ops.revoke(ctx, ur.id) }); err != nil {
		ur.revokeErr = err
		return err
	}
	if err := r.append(JournalEntry{Event: evStep, User: ur.key, UserID: ur.id, Do: stepRevoke, Result: "revoked"}); err != nil {
		return err
	}
	r.emit(Event{Kind: EventStep, User: ur.key, UserID: ur.id, Step: "revoked sessions"})
	ur.notes = append(ur.notes, "sessions revoked")
	return nil
}

// mfaState is the state an mfa-state run sets for the target key: the
// run's, or the target's own (Operation.MFAStatePerUser).
func (r *runner) mfaState(key string) PerUserMFAState {
	if r.op.MFAStatePerUser {
		return r.st.Run.States[key]
	}
	return r.op.MFAState
}

// readMFA reads the user's current per-user MFA state (journaled, so the
// report says what it was); a resume believes an earlier read only if
// nothing was set since.
func (ur *userRun) readMFA(ctx context.Context) (PerUserMFAState, error) {
	r := ur.r
	var cur PerUserMFAState
	if err := r.call(ctx, ur, stepMFARead, func(ctx context.Context) error {
		var err error
		cur, err = r.ops.readMFA(ctx, ur.id)
		return err
	}); err != nil {
		return "", err
	}
	if _, done := ur.u.stepDone(stepMFARead); !done {
		if err := r.append(JournalEntry{Event: evStep, User: ur.key, UserID: ur.id, Do: stepMFARead, Result: string(cur)}); err != nil {
			return "", err
		}
	}
	ur.from = cur
	return cur, nil
}

func (ur *userRun) setMFA(ctx context.Context) error {
	r := ur.r
	s := r.mfaState(ur.key)
	if err := r.call(ctx, ur, stepMFA, func(ctx context.Context) error { return r.ops.setMFA(ctx, ur.id, s) }); err != nil {
		return err
	}
	if err := r.append(JournalEntry{Event: evStep, User: ur.key, UserID: ur.id, Do: stepMFA, Result: string(s), From: string(ur.from)}); err != nil {
		return err
	}
	r.emit(Event{Kind: EventStep, User: ur.key, UserID: ur.id, Step: "per-user MFA set to " + string(s)})
	ur.notes = append(ur.notes, "per-user MFA "+string(ur.from)+" -> "+string(s))
	return nil
}

// applyChange makes an OpChange's one change (journaled as applied, never
// with its content: a change's answer may hold a pass).
func (ur *userRun) applyChange(ctx context.Context) error {
	r := ur.r
	ch := r.op.Change(ur.id, r.opts.Approval)
	var res Result
	if err := r.call(ctx, ur, stepChange, func(ctx context.Context) error {
		var err error
		res, err = r.ops.apply(ctx, ch)
		return err
	}); err != nil {
		return err
	}
	ur.changed = &res
	if err := r.append(JournalEntry{Event: evStep, User: ur.key, UserID: ur.id, Do: stepChange, Result: "applied"}); err != nil {
		return err
	}
	r.emit(Event{Kind: EventStep, User: ur.key, UserID: ur.id, Step: CleanText(string(ch.Kind()) + " " + ch.Describe())})
	if r.op.Name != "" {
		ur.notes = append(ur.notes, CleanText(r.op.Name))
	}
	return nil
}
