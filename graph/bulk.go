package graph

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// The bulk runner: one operation applied to many users, as fast as Graph
// allows and no faster, every step journaled so a killed run can be resumed.
//
//	sum, err := graph.RunBulk(ctx, client, graph.Operation{Kind: graph.OpReset},
//		targets, graph.BulkOptions{Journal: path, OnEvent: show})
//	sum, err = graph.ResumeBulk(ctx, client, path, graph.BulkOptions{OnEvent: show})
//
// Users are worked on concurrently (BulkOptions.Concurrency); one user's
// requests go in the order Graph requires (methods listed, then deleted with
// alternate mobile before mobile and the default method last, then sessions
// revoked, then a TAP issued). Every request passes the run's Pacer.
// Retries are only made where repeating is safe; a TAP is never re-issued
// without first checking that the earlier attempt did not create one.
//
// The runner's files, by concern:
//
//	bulk.go          the operation (Operation, Validate)
//	bulk_options.go  BulkOptions and its defaults
//	bulk_events.go   progress events, counts, result rows, the summary
//	bulk_run.go      RunBulk and ResumeBulk, the entry points
//	bulk_runner.go   the run loop: workers, claims, stalls, waits, events
//	bulk_user.go     one user's work, from resolve to final state
//	bulk_steps.go    the delete stages, default move, revoke, per-user MFA
//	bulk_tap.go      issuing a pass never twice
//	bulk_call.go     one request: pacing, 429s, safe retries
//	bulk_stages.go   which methods go, in which order (PlanReset's choice)
//	bulk_sink.go     journaling hooks: step names, the in-memory journal
//	bulk_results.go  report rows derived from the journal
//	bulk_one.go      RunOne: the same runner for one user's action
//	bulk_ops.go      the requests themselves, alone or in $batch
//	bulk_pacer.go    the pacer; bulk_budget.go Graph's documented budgets
//	bulk_passes.go   delivering passes; bulk_resume.go resume checks
//	bulk_report.go   the CSV / JSON report

// OpKind names a bulk operation.
type OpKind string

const (
	// OpReset deletes every method but the password (minus Keep).
	OpReset OpKind = "reset"
	// OpReregister is the portal's "Require re-register MFA": reset, then
	// revoke sign-in sessions, then optionally issue a TAP.
	OpReregister OpKind = "reregister"
	// OpRevoke revokes sign-in sessions.
	OpRevoke OpKind = "revoke"
	// OpSetMFA sets the per-user MFA state.
	OpSetMFA OpKind = "mfa-state"
	// OpDeleteMethods deletes the methods of the kinds in Kinds.
	OpDeleteMethods OpKind = "delete-methods"
	// OpIssueTAP issues a Temporary Access Pass (TAP), never twice.
	OpIssueTAP OpKind = "tap"
	// OpChange makes the one change Operation.Change builds for each user
	// (block or unblock sign-in, delete one method, send a mail): the
	// catalogue's one-change operations. It runs in memory only (RunOne):
	// a function cannot be written to a journal, so it cannot be resumed.
	OpChange OpKind = "change"
)

// Operation is what a bulk run does to each user. It is written to the
// journal's header, so a resumed run does exactly the same.
type Operation struct {
	Kind OpKind `json:"kind"`
	// Keep lists kinds a reset / reregister leaves in place (e.g. fido2).
	// For reregister, nil means ReregisterKeep (the portal's behaviour), as
	// for one user; RunBulk writes the resolved list to the journal.
	Keep []MethodKind `json:"keep,omitempty"`
	// Kinds are the kinds delete-methods deletes.
	Kinds []MethodKind `json:"kinds,omitempty"`
	// TAP, for reregister, also issues a Temporary Access Pass.
	TAP *BulkTAP `json:"tap,omitempty"`
	// MFAState is the per-user MFA state mfa-state sets.
	MFAState PerUserMFAState `json:"mfaState,omitempty"`
	// MFAStatePerUser: each user of an mfa-state run carries its own state
	// (BulkJob.MFAState, journaled in the header's States: the legacy
	// per-user MFA bulk file); MFAState is then empty.
	MFAStatePerUser bool `json:"mfaStatePerUser,omitempty"`
	// Name names an OpChange for people and the journal ("block").
	Name string `json:"name,omitempty"`
	// Change builds OpChange's change for one user, with the run's
	// approval. It is never journaled (see OpChange).
	Change func(userID string, a Approval) Change `json:"-"`
}

// BulkJob is one target of a run with what is to be done to it when that
// differs per user (RunBulkJobs): so far the per-user MFA state of an
// mfa-state run read from a `Username,MFA Status` file.
type BulkJob struct {
	Target   string
	MFAState PerUserMFAState
}

// BulkTAP is the pass a reregister issues (TAPRequest with JSON names, for
// the journal).
type BulkTAP struct {
	LifetimeMinutes int  `json:"lifetimeInMinutes,omitempty"`
	IsUsableOnce    bool `json:"isUsableOnce,omitempty"`
	// DefaultUse: one-time or not as the tenant's TAP policy says.
	DefaultUse bool `json:"defaultUse,omitempty"`
	// Start is when the pass starts to work (zero: at once).
	Start time.Time `json:"startDateTime,omitzero"`
}

// request is the pass as a TAPRequest.
func (t BulkTAP) request() TAPRequest {
	return TAPRequest{LifetimeMinutes: t.LifetimeMinutes, IsUsableOnce: t.IsUsableOnce, DefaultUse: t.DefaultUse, Start: t.Start}
}

// BulkTAPOf is a TAPRequest as a run's pass.
func BulkTAPOf(r TAPRequest) *BulkTAP {
	return &BulkTAP{LifetimeMinutes: r.LifetimeMinutes, IsUsableOnce: r.IsUsableOnce, DefaultUse: r.DefaultUse, Start: r.Start}
}

// Validate checks op before anything is sent.
func (op Operation) Validate() error {
	known := func(ks []MethodKind) error {
		for _, k := range ks {
			if !slices.Contains(AllKinds, k) || k == KindPassword {
				return fmt.Errorf("unknown or undeletable method kind %q", k)
			}
		}
		return nil
	}
	if err := known(op.Keep); err != nil {
		return err
	}
	if err := known(op.Kinds); err != nil {
		return err
	}
	if op.MFAStatePerUser && op.Kind != OpSetMFA {
		return errors.New("only mfa-state takes a state per user")
	}
	if op.Change != nil && op.Kind != OpChange {
		return errors.New("only a change operation takes a change")
	}
	if len(op.Kinds) > 0 && op.Kind != OpDeleteMethods {
		return errors.New("only delete-methods takes method kinds to delete (use keep)")
	}
	switch op.Kind {
	case OpReset, OpReregister:
	case OpDeleteMethods:
		if len(op.Kinds) == 0 {
			return errors.New("delete-methods needs the kinds to delete")
		}
	case OpRevoke:
	case OpIssueTAP:
		if op.TAP == nil {
			return errors.New("tap needs the pass to issue")
		}
	case OpChange:
		if op.Change == nil {
			return fmt.Errorf("the change operation %q has no change to make (a journal cannot hold one: it is not resumable)", op.Name)
		}
	case OpSetMFA:
		if op.MFAStatePerUser {
			if op.MFAState != "" {
				return errors.New("mfa-state takes one state for every user or a state per user, not both")
			}
			break
		}
		if _, err := ParsePerUserMFAState(string(op.MFAState)); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown bulk operation %q", op.Kind)
	}
	if op.TAP != nil {
		if op.Kind != OpReregister && op.Kind != OpIssueTAP {
			return errors.New("a TAP can only be issued by reregister or tap")
		}
		if l := op.TAP.LifetimeMinutes; l != 0 && (l < MinTAPLifetime || l > MaxTAPLifetime) {
			return fmt.Errorf("TAP lifetime %d minutes is outside %d..%d", l, MinTAPLifetime, MaxTAPLifetime)
		}
	}
	return nil
}

func (op Operation) deletes() bool {
	return op.Kind == OpReset || op.Kind == OpReregister || op.Kind == OpDeleteMethods
}

// withDefaults resolves what a zero field means, before it is journaled.
func (op Operation) withDefaults() Operation {
	if op.Kind == OpReregister && op.Keep == nil {
		op.Keep = slices.Clone(ReregisterKeep)
	}
	return op
}
