package graph

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// RunBulk applies op to every target (object ids or UPNs; repeated strings
// are dropped, and a user named twice in different ways, by UPN and by id
// or in different case, is worked on once: the other target ends skipped,
// "same user as ..."). It returns when every target is done, skipped or failed, or
// when ctx ends (ErrBulkInterrupted: the journal can be resumed).
func RunBulk(ctx context.Context, c Client, op Operation, targets []string, opts BulkOptions) (*BulkSummary, error) {
	if op.Kind == OpChange {
		return nil, errors.New("a change operation runs for one user at a time (RunOne): it cannot be journaled")
	}
	if op.MFAStatePerUser {
		return nil, errors.New("a run with a state per user takes its jobs (RunBulkJobs)")
	}
	jobs := make([]BulkJob, len(targets))
	for i, t := range targets {
		jobs[i] = BulkJob{Target: t}
	}
	return RunBulkJobs(ctx, c, op, jobs, opts)
}

// RunBulkJobs is RunBulk with what each target carries of its own (an
// mfa-state run with op.MFAStatePerUser: every job's MFAState, journaled
// in the header so a resume sets the same). A target named twice with
// different states is refused before anything is sent.
func RunBulkJobs(ctx context.Context, c Client, op Operation, jobs []BulkJob, opts BulkOptions) (*BulkSummary, error) {
	if op.Kind == OpChange {
		return nil, errors.New("a change operation runs for one user at a time (RunOne): it cannot be journaled")
	}
	return runBulkJobs(ctx, c, op, jobs, opts, nil)
}

// runBulkJobs is RunBulkJobs; ids maps targets whose object id is already
// known (RunOne's user) to it, so they are not looked up again.
func runBulkJobs(ctx context.Context, c Client, op Operation, jobs []BulkJob, opts BulkOptions, ids map[string]string) (*BulkSummary, error) {
	if err := op.Validate(); err != nil {
		return nil, err
	}
	op = op.withDefaults()
	if op.TAP != nil {
		// A pass the tenant's policy refuses would fail for every user
		// after their methods were deleted: refuse the run before it starts.
		req, err := CheckTAP(ctx, c, op.TAP.request())
		if err != nil {
			what := "refused before any change"
			if op.Kind == OpReregister {
				what += " (no method deleted, no session revoked)"
			}
			return nil, fmt.Errorf("%s, because the Temporary Access Pass would fail: %w", what, err)
		}
		op.TAP = BulkTAPOf(req)
	}
	seen := make(map[string]bool, len(jobs))
	uniq := make([]string, 0, len(jobs))
	var states map[string]PerUserMFAState
	if op.MFAStatePerUser {
		states = make(map[string]PerUserMFAState, len(jobs))
	}
	for _, j := range jobs {
		t := strings.TrimSpace(j.Target)
		if t == "" {
			continue
		}
		if states != nil {
			st, err := ParsePerUserMFAState(string(j.MFAState))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", CleanText(t), err)
			}
			if prev, ok := states[t]; ok && prev != st {
				return nil, fmt.Errorf("%s is listed with two states (%s and %s); nothing was changed", CleanText(t), prev, st)
			}
			states[t] = st
		}
		if seen[t] {
			continue
		}
		seen[t] = true
		uniq = append(uniq, t)
	}
	hdr := JournalRun{Version: JournalVersion, ID: newRunID(), Op: op, Targets: uniq, States: states,
		Tenant: opts.Tenant, TenantID: opts.TenantID, Endpoint: strings.TrimRight(opts.Endpoint, "/"),
		Operator: opts.Operator, Reason: opts.Reason}
	var sink journalSink
	if opts.Journal != "" {
		j, err := CreateJournal(opts.Journal, hdr)
		if err != nil {
			return nil, err
		}
		sink = j
	} else {
		sink = newMemJournal(hdr)
	}
	defer sink.Close()
	st, _, err := parseJournal(mustHeaderLine(hdr))
	if err != nil {
		return nil, err
	}
	st.Run.Op = op // as given: an OpChange's function is in no header line
	for _, u := range st.Users {
		u.UserID = ids[u.User]
	}
	return runBulk(ctx, c, st, sink, opts)
}

// ResumeBulk finishes the run recorded in the journal at path: users already
// done, skipped or failed are left alone; the others are worked on again
// from what the journal says (nothing is repeated that must not be: a TAP
// already issued is recorded, not re-issued).
func ResumeBulk(ctx context.Context, c Client, path string, opts BulkOptions) (*BulkSummary, error) {
	j, st, err := OpenJournal(path)
	if err != nil {
		return nil, err
	}
	defer j.Close()
	if err := st.Run.Op.Validate(); err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	// Before anything is sent or written: the run is finished only in
	// the tenant it was started in (and by its operator unless told).
	if err := CheckResume(st.Run, opts); err != nil {
		return nil, err
	}
	if err := j.Append(JournalEntry{Event: evResume}); err != nil {
		return nil, err
	}
	opts.Journal = path
	return runBulk(ctx, c, st, j, opts)
}
