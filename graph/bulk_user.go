package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// userRun carries one user's work.
type userRun struct {
	r     *runner
	u     *UserJournal // the journal's record at the start of this run
	key   string
	id    string
	tap   *TAP
	notes []string
	// from is the per-user MFA state found before an mfa-state run set it.
	from PerUserMFAState

	mu      sync.Mutex
	deleted map[string]bool // method ids deleted (or found gone), this run or before

	// What a one-user run reports besides the journal (RunOne): the plan
	// made from the methods listed, each delete that failed and why, a
	// failed revoke or pass, and an OpChange's answer. Never journaled.
	plan      *ResetPlan
	failed    map[string]error
	revokeErr error
	tapErr    error
	changed   *Result
}

// outcome is a user's final state. A nil outcome means the run was
// interrupted while the user was in progress (no final state is written).
type outcome struct {
	state UserState
	why   string
	err   error
	// step names the step that failed when a later delivered pass
	// makes good on it (stepTAP: a pass issued whose value was lost).
	step string
}

func (r *runner) runUser(ctx context.Context, u *UserJournal) {
	if ctx.Err() != nil {
		return
	}
	r.inFlight.Add(1)
	defer r.inFlight.Add(-1)
	ur := &userRun{r: r, u: u, key: u.User, id: u.UserID, deleted: map[string]bool{}, failed: map[string]error{}}
	for _, s := range u.Steps {
		if s.Do == stepDelete && s.Result != "failed" {
			ur.deleted[s.Method] = true
		}
	}
	r.emit(Event{Kind: EventStarted, User: u.User, UserID: u.UserID})
	out := ur.run(ctx)
	if r.opts.onUser != nil {
		r.opts.onUser(ur, out)
	}
	if out == nil {
		return // interrupted: left pending for a resume
	}
	e := JournalEntry{User: ur.key, UserID: ur.id, Why: out.why, Do: out.step}
	ev := Event{User: ur.key, UserID: ur.id, Why: out.why}
	switch out.state {
	case StateDone:
		e.Event, ev.Kind = evDone, EventDone
	case StateSkipped:
		e.Event, ev.Kind = evSkipped, EventSkipped
	default:
		e.Event, ev.Kind = evFailed, EventFailed
		if ge, ok := AsError(out.err); ok {
			e.Status, e.RequestID = ge.Status, ge.RequestID
			ev.RequestID = ge.RequestID
		}
	}
	// The pass goes with the user's final event, whatever it is: a
	// reregister whose delete failed still issued it.
	ev.TAP = ur.tap
	if r.append(e) != nil {
		return
	}
	r.emit(ev)
}

// run does one user's operation and says how it ended.
func (ur *userRun) run(ctx context.Context) *outcome {
	r := ur.r
	if ur.id == "" {
		if IsGUID(ur.key) {
			ur.id = ur.key
		} else {
			var usr User
			err := r.call(ctx, ur, stepResolve, func(ctx context.Context) error {
				var err error
				usr, err = r.ops.resolve(ctx, ur.key)
				return err
			})
			if err != nil {
				return ur.fail(ctx, err)
			}
			ur.id = usr.ID
		}
	}
	if dup := r.claimUser(ur.key, ur.id); dup != "" {
		return &outcome{state: StateSkipped, why: dup}
	}

	var plan []PlannedStep
	var stages [][]Method
	var kept []MethodKind
	var moveTo *Method
	// On a resume, a user whose later steps had begun finished deleting
	// before the interruption: re-listing now would find the pass this run
	// issued and delete it.
	deletesDone := len(ur.u.Intents) > 0 || slices.ContainsFunc(ur.u.Steps, func(e JournalEntry) bool {
		return e.Do != stepDelete && e.Do != stepDefault || e.Result == "failed"
	})
	if deletesDone {
		kept = ur.u.Kept
	}
	if r.op.deletes() && !deletesDone {
		var methods []Method
		err := r.call(ctx, ur, stepList, func(ctx context.Context) error {
			var err error
			methods, err = r.ops.list(ctx, ur.id)
			return err
		})
		if err != nil {
			return ur.fail(ctx, err)
		}
		// Never delete a pass this run issued (belt and braces: see above).
		methods = slices.DeleteFunc(methods, func(m Method) bool {
			return slices.ContainsFunc(ur.u.Steps, func(e JournalEntry) bool { return e.TAPID != "" && e.TAPID == m.ID })
		})
		// Which method is the default is read only where it changes what
		// happens (the order, or a move to a kept method): not for a user
		// with one method that can be a default, nor for a TAP check.
		if defaultMatters(methods, r.op) {
			var p SignInPreferences
			err := r.call(ctx, ur, stepPrefs, func(ctx context.Context) error {
				var err error
				p, err = r.ops.prefs(ctx, ur.id)
				return err
			})
			if err != nil {
				return ur.fail(ctx, err)
			}
			ApplyPreferences(methods, p)
		}
		var keptMs []Method
		var blocked string
		rp, _ := bulkPlan(methods, r.op) // pure: the plan RunOne reports
		ur.plan = &rp
		stages, keptMs, moveTo, blocked = bulkDeleteStages(methods, r.op)
		if blocked != "" {
			// As for one user: refused before any change.
			return ur.fail(ctx, &Error{Kind: ErrConflict, Op: "reset MFA of " + CleanText(ur.key), Message: blocked})
		}
		if moveTo != nil {
			plan = append(plan, PlannedStep{Do: stepDefault, Method: moveTo.ID, Kind: moveTo.Kind})
		}
		for _, s := range stages {
			for _, m := range s {
				plan = append(plan, PlannedStep{Do: stepDelete, Method: m.ID, Kind: m.Kind})
			}
		}
		for _, m := range keptMs {
			if !slices.Contains(kept, m.Kind) {
				kept = append(kept, m.Kind)
			}
		}
	}
	switch r.op.Kind {
	case OpReregister:
		plan = append(plan, PlannedStep{Do: stepRevoke})
		if r.op.TAP != nil {
			plan = append(plan, PlannedStep{Do: stepTAP})
		}
	case OpRevoke:
		plan = append(plan, PlannedStep{Do: stepRevoke})
	case OpSetMFA:
		want := r.mfaState(ur.key)
		if s, ok := ur.u.stepDone(stepMFA); ok {
			// Set by the interrupted run: a read now would find it and
			// call the user "already" there.
			return &outcome{state: StateDone, why: "per-user MFA " + s.From + " -> " + s.Result}
		}
		cur, err := ur.readMFA(ctx)
		if err != nil {
			return ur.fail(ctx, err)
		}
		if cur == want {
			return &outcome{state: StateSkipped, why: "per-user MFA is already " + string(want)}
		}
		plan = append(plan, PlannedStep{Do: stepMFA, Detail: string(want)})
	case OpIssueTAP:
		plan = append(plan, PlannedStep{Do: stepTAP})
	case OpChange:
		plan = append(plan, PlannedStep{Do: stepChange, Detail: r.op.Name})
	}
	// Deletions an interrupted run already made (a resume re-lists, so
	// they are no longer in the plan).
	if len(plan) == 0 && len(ur.deleted) > 0 {
		return &outcome{state: StateDone, why: fmt.Sprintf("deleted %d method(s)", len(ur.deleted))}
	}
	if len(plan) == 0 {
		why := "no methods to delete"
		if len(kept) > 0 {
			why = "only kept methods: " + joinKinds(kept)
		}
		return &outcome{state: StateSkipped, why: why}
	}
	if err := r.append(JournalEntry{Event: evPlan, User: ur.key, UserID: ur.id, Steps: plan, Kept: kept}); err != nil {
		return nil
	}

	// A reregister goes on to revoke (and issue the pass) when a delete
	// fails, as it does for one user: both help and harm nothing. The user
	// then ends failed, naming the delete.
	var deleteErr error
	if f, ok := ur.u.failedDelete(); ok {
		deleteErr = &Error{Kind: ErrBadRequest, Status: f.Status, RequestID: f.RequestID, Message: f.Why}
	}
	// A delete Graph refuses for ordering (the default method, a mobile
	// with an alternate) although the plan put it in order, e.g. because
	// the default was not known or Graph's list lagged, is deferred to a
	// last pass after every other stage.
	if moveTo != nil {
		if err := ur.setDefault(ctx, *moveTo); err != nil {
			// The default cannot be deleted now: stop before any delete.
			return ur.fail(ctx, fmt.Errorf("the default method must first move to the kept %s, which failed, so nothing was deleted: %w",
				KindLabel(moveTo.Kind), err))
		}
	}
	var deferred []Method
	for _, stage := range append(stages, nil) {
		final := stage == nil
		if final {
			stage = deferred
		}
		d, err := ur.deleteStage(ctx, stage, final)
		deferred = append(deferred, d...)
		if err != nil {
			if r.op.Kind != OpReregister || ctx.Err() != nil {
				return ur.fail(ctx, err)
			}
			deleteErr = err
			break
		}
	}
	if len(ur.deleted) > 0 {
		ur.notes = append(ur.notes, fmt.Sprintf("deleted %d method(s)", len(ur.deleted)))
	}
	if len(kept) > 0 {
		ur.notes = append(ur.notes, "kept "+joinKinds(kept))
	}

	for _, s := range plan {
		var err error
		switch s.Do {
		case stepRevoke:
			err = ur.revoke(ctx)
		case stepTAP:
			if o, ok := ur.issueTAP(ctx); !ok {
				return o
			}
		case stepMFA:
			err = ur.setMFA(ctx)
		case stepChange:
			err = ur.applyChange(ctx)
		}
		if err != nil {
			return ur.fail(ctx, err)
		}
	}
	if deleteErr != nil {
		o := ur.fail(ctx, deleteErr)
		if o != nil && len(ur.notes) > 0 {
			o.why += " (" + strings.Join(ur.notes, "; ") + ")"
		}
		return o
	}
	return &outcome{state: StateDone, why: strings.Join(ur.notes, "; ")}
}

// fail turns err into the user's failed outcome, or nil when the run is
// being interrupted (the user stays pending).
func (ur *userRun) fail(ctx context.Context, err error) *outcome {
	if ctx.Err() != nil { // interrupted, or the journal failed (it cancels)
		return nil
	}
	// Skipped means "nothing to do". A user mfadesk's own guard refused
	// (protected, or the protected list could not be read) was not done:
	// failed, so the run's exit code says so at any size (issue 15.7).
	return &outcome{state: StateFailed, why: bulkWhy(err), err: err}
}

// bulkWhy says what went wrong in words, without the request-id (the
// report has a column for it).
func bulkWhy(err error) string {
	why := err.Error()
	if ge, ok := AsError(err); ok {
		why = ge.Kind.Error()
		if ge.Message != "" {
			why = ge.Message
		}
		if ge.Op != "" {
			why = ge.Op + ": " + why
		}
		if ge.Needs != "" {
			why += " (needs " + ge.Needs + ")"
		}
	}
	return CleanText(why)
}
