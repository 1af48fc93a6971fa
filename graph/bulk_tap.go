package graph

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// tapSkew is how much older than the journaled intent a pass may look (the
// operator's clock against Graph's) and still count as ours.
const tapSkew = 2 * time.Minute

// issueTAP issues the pass, never twice: an earlier run that recorded the
// pass as issued is believed; an earlier attempt whose answer was lost
// (intent journaled, no result) is checked against the user's methods
// first. ok is false when the user ends here, with outcome o (nil when the
// run is being interrupted).
func (ur *userRun) issueTAP(ctx context.Context) (o *outcome, ok bool) {
	r := ur.r
	if s, ok := ur.u.stepDone(stepTAP); ok {
		ur.notes = append(ur.notes, fmt.Sprintf("TAP issued by the interrupted run at %s, not re-issued", s.Time.Format(time.RFC3339)))
		return nil, true
	}
	if at, ok := ur.u.Intents[stepTAP]; ok {
		if o := ur.checkTAP(ctx, at, "the interrupted run"); o != nil || ctx.Err() != nil {
			return o, false
		}
	}
	for attempt := 1; ; attempt++ {
		at := r.opts.now().UTC()
		if err := r.append(JournalEntry{Time: at, Event: evIntent, User: ur.key, UserID: ur.id, Do: stepTAP}); err != nil {
			return nil, false
		}
		var tap TAP
		err := r.call(ctx, ur, stepTAP, func(ctx context.Context) error {
			var err error
			tap, err = r.ops.tap(ctx, ur.id, r.op.TAP.request())
			return err
		})
		if err == nil {
			if err := r.append(JournalEntry{Event: evStep, User: ur.key, UserID: ur.id, Do: stepTAP,
				Result: "issued", TAPID: tap.ID}); err != nil {
				return nil, false
			}
			ur.tap = &tap
			if err := ur.deliver(tap); err != nil {
				return nil, false // the run stops: the resume lists this pass
			}
			ur.notes = append(ur.notes, "TAP issued")
			r.emit(Event{Kind: EventStep, User: ur.key, UserID: ur.id, Step: "issued a Temporary Access Pass"})
			return nil, true
		}
		// Only a lost answer is worth a second look: anything Graph
		// refused outright (policy, guest, denied) is final.
		if !errors.Is(err, ErrUnavailable) || attempt >= r.opts.MaxAttempts || ctx.Err() != nil {
			ur.tapErr = err
			return ur.fail(ctx, err), false
		}
		if o := ur.checkTAP(ctx, at, "an attempt whose answer was lost"); o != nil || ctx.Err() != nil {
			return o, false
		}
		if err := r.opts.sleep(ctx, faultBackoff(attempt)); err != nil {
			return nil, false
		}
	}
}

// checkTAP looks for a pass created since the intent at: if there is one,
// the earlier attempt went through but its value never reached the operator,
// so the user is failed with that said (a new pass is the operator's call).
func (ur *userRun) checkTAP(ctx context.Context, at time.Time, by string) *outcome {
	r := ur.r
	var methods []Method
	err := r.call(ctx, ur, stepList, func(ctx context.Context) error {
		var err error
		methods, err = r.ops.list(ctx, ur.id)
		return err
	})
	if err != nil {
		return ur.fail(ctx, err)
	}
	for _, m := range methods {
		if m.Kind == KindTAP && !m.Created.Before(at.Add(-tapSkew)) {
			return &outcome{state: StateFailed, step: stepTAP, why: "a Temporary Access Pass was created by " + by +
				" but its value was never shown; it was not re-issued: issue a new one for this user if needed"}
		}
	}
	return nil
}
