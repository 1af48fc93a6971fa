package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// One engine for one user and for many: a single action (a reset, a
// re-registration, a revoke, a pass, per-user MFA, block / unblock, one
// method, a mail) runs through the same runner as a bulk run, with one
// target and an in-memory journal, so its retries, pacing, 429 handling,
// guard, history and result row are a bulk run's. What stays different,
// and why:
//   - no journal file: one user's outcome is shown at once and every
//     change is in the change history; a resume point nobody resumes is
//     noise (and a pass's value never reaches any journal anyway);
//   - Graph's high priority: a person is waiting on the answer;
//   - the deletes go one at a time, in plan order: the per-method
//     outcomes a single reset shows read in the order Graph saw them, and
//     one user's few deletes gain nothing from running together;
//   - after a delete, one re-list: a single reset says per method what
//     happened, and Graph's deletes are eventually consistent, so a method
//     still listed after Graph accepted its delete is "pending", not
//     failed. A bulk run does not spend a request per user on it.
//   - the pass itself is handed back (OneResult.TAP) to be shown once.

// OneResult is one user's run: the report row a bulk run would write, and
// what only a single action shows.
type OneResult struct {
	UserResult
	// Plan is the reset plan made from the methods listed at the start
	// (nil for an operation that deletes nothing, or when the list failed).
	Plan *ResetPlan
	// Methods says per method what happened (deletes only): kept, left,
	// deleted, pending, failed, in plan order after the kept ones.
	Methods []MethodOutcome
	// LeftOver are the methods the re-list still shows that the plan meant
	// to delete or that appeared meanwhile (not kept ones, nor the pass the
	// run issued); RelistError is set when the re-list failed.
	LeftOver    []Method
	RelistError string
	// TAP is the pass issued (show it once; it is in no journal).
	TAP *TAP
	// RevokeErr and TAPErr are a failed revoke and a failed pass.
	RevokeErr, TAPErr error
	// Change is an OpChange's answer from the adapter.
	Change *Result
	// MFAFrom is the per-user MFA state an mfa-state run found first.
	MFAFrom PerUserMFAState
	// Err is the error the user ended with (nil when done or skipped).
	Err error
}

// errNotAttempted: a planned delete that was not sent because an earlier
// stage failed (e.g. the mobile after its alternate could not go).
var errNotAttempted = errors.New("not attempted: an earlier delete failed")

// RunOne applies op to the one user whose object id is userID through the
// bulk runner (see above). opts tunes it as a bulk run (Approval, OnEvent,
// Pacer, MaxAttempts...); its Journal and Concurrency are ignored. The
// error is the user's (OneResult.Err), or why the run did not happen or
// stopped (ErrBulkInterrupted when ctx ended first).
func RunOne(ctx context.Context, c Client, op Operation, userID string, opts BulkOptions) (OneResult, error) {
	out := OneResult{UserResult: UserResult{User: userID, UserID: userID, State: StatePending}}
	if userID == "" {
		return out, errors.New("no user to run on")
	}
	opts.Journal, opts.Concurrency, opts.ReissuePasses = "", 1, false
	opts.interactive, opts.oneByOne = true, true
	if opts.StartRPS == 0 {
		opts.StartRPS = StartRPS(op.Kind)
	}
	var ur *userRun
	var o *outcome
	opts.onUser = func(u *userRun, oc *outcome) { ur, o = u, oc }
	// The object id is known: the run does not look the user up again.
	sum, err := runBulkJobs(ctx, c, op, []BulkJob{{Target: userID}}, opts, map[string]string{userID: userID})
	if sum != nil && len(sum.Results) == 1 {
		out.UserResult = sum.Results[0]
	}
	if ur == nil {
		return out, err // refused before the run, or stopped before the user
	}
	out.Plan, out.TAP, out.RevokeErr, out.TAPErr, out.Change = ur.plan, ur.tap, ur.revokeErr, ur.tapErr, ur.changed
	out.MFAFrom = ur.from
	if o != nil {
		out.Err = o.err
		if o.state == StateFailed && o.err == nil {
			out.Err = &Error{Kind: ErrConflict, Message: o.why} // a lost pass (checkTAP)
		}
	}
	if out.Plan != nil {
		out.Methods = ur.outcomes(ctx, out.Plan)
		// Re-listed once any delete was sent (a failed one too: the
		// left-overs say what is still registered).
		if op.deletes() && len(ur.deleted)+len(ur.failed) > 0 && ctx.Err() == nil {
			out.relist(ctx, c, ur)
		}
	}
	if err == nil {
		err = out.Err
	}
	return out, err
}

// outcomes says per method what the run did with plan: kept ones first,
// then the deletes in plan order.
func (ur *userRun) outcomes(ctx context.Context, plan *ResetPlan) []MethodOutcome {
	ms := []MethodOutcome{}
	for _, k := range plan.Keep {
		if k.CannotDelete {
			ms = append(ms, MethodOutcome{Method: k.Method, Outcome: OutcomeLeft, Reason: k.Reason})
			continue
		}
		ms = append(ms, MethodOutcome{Method: k.Method, Outcome: OutcomeKept, Reason: k.Reason})
	}
	if plan.Blocked != "" {
		return ms // refused before any change: nothing was to be sent
	}
	for _, m := range plan.Delete {
		o := MethodOutcome{Method: m, Outcome: OutcomeDeleted}
		if !ur.deleted[m.ID] {
			err := ur.failed[m.ID]
			switch {
			case err != nil:
			case ctx.Err() != nil:
				err = fmt.Errorf("not attempted: %w", ctx.Err())
			default:
				err = errNotAttempted
			}
			setFailed(&o, err)
			if errors.Is(err, ErrConflict) {
				o.Reason = conflictAdvice(m, *plan)
			}
		}
		ms = append(ms, o)
	}
	return ms
}

// relist reads the methods once after the deletes: one Graph accepted but
// still lists is pending (eventually consistent), not failed.
func (out *OneResult) relist(ctx context.Context, c Client, ur *userRun) {
	after, err := c.ListMethods(WithPriority(ctx, PriorityHigh), ur.id)
	if err != nil {
		out.RelistError = err.Error()
		return
	}
	for _, m := range after {
		kept := slices.ContainsFunc(out.Plan.Keep, func(k KeptMethod) bool { return k.Method.ID == m.ID })
		if kept || ur.tap != nil && m.ID == ur.tap.ID {
			continue
		}
		out.LeftOver = append(out.LeftOver, m)
		for i := range out.Methods {
			if o := &out.Methods[i]; o.Method.ID == m.ID && o.Outcome == OutcomeDeleted {
				o.Outcome = OutcomePending
				o.Reason = "Graph accepted the delete; the method is still listed and should disappear within minutes"
			}
		}
	}
}
