package graph

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph/fake"
)

// perUserTenant is n users with per-user states cycling disabled, enabled,
// enforced.
func perUserTenant(n int) *fake.TenantData {
	td := bulkTenantData(n, "")
	states := []string{"disabled", "enabled", "enforced"}
	for i := range td.Users {
		td.Users[i].PerUserMFAState = states[i%3]
	}
	return td
}

// The per-user column's reads go 20 to a $batch (counted at the fake),
// every user answered with their own state.
func TestReadPerUserMFABatches(t *testing.T) {
	td := perUserTenant(150)
	srv, err := fake.Start(fake.Options{Data: td})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ids := bulkTargets(td)
	var last PerUserProgress
	res := ReadPerUserMFA(context.Background(), bulkClient(t, srv), ids, PerUserReadOptions{
		OnProgress: func(p PerUserProgress) { last = p }})
	for i, r := range res {
		if r.Err != nil || r.UserID != ids[i] || string(r.State) != td.Users[i].PerUserMFAState {
			t.Fatalf("user %d: %+v, want %s", i, r, td.Users[i].PerUserMFAState)
		}
	}
	st := srv.Tenant.Stats()
	batches := st.Requests["POST /$batch"]
	if st.BatchItems != len(ids) || batches < len(ids)/20 || batches > len(ids)/20+5 {
		t.Errorf("%d items in %d batches, want %d in about %d: %v", st.BatchItems, batches, len(ids), len(ids)/20, st.Requests)
	}
	if st.Requests["GET /users/{id}/authentication/requirements"] != len(ids) {
		t.Errorf("requirements reads: %v", st.Requests)
	}
	if n := st.Priorities["High"] + st.Priorities[""]; n != 0 {
		t.Errorf("%d requests not marked low priority: %v", n, st.Priorities)
	}
	if last.Done != len(ids) || last.Failed != 0 {
		t.Errorf("progress = %+v", last)
	}
}

// A throttled item is waited out (its own Retry-After) and read again; a
// user who does not exist carries the error, the others their state.
func TestReadPerUserMFAThrottledAndMissing(t *testing.T) {
	td := perUserTenant(60)
	srv, err := fake.Start(fake.Options{Data: td, ThrottleRate: 0.2, RetryAfter: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ids := append(bulkTargets(td), "dead0000-0000-4000-8000-000000000000")
	var slept []time.Duration
	o := PerUserReadOptions{sleep: func(ctx context.Context, d time.Duration) error {
		slept = append(slept, d) // workers: only read after Wait below
		return ctx.Err()
	}, Concurrency: 1}
	res := ReadPerUserMFA(context.Background(), bulkClient(t, srv), ids, o)
	for i, r := range res[:60] {
		if r.Err != nil || string(r.State) != td.Users[i].PerUserMFAState {
			t.Fatalf("user %d: %+v", i, r)
		}
	}
	if res[60].Err == nil || !errors.Is(res[60].Err, ErrNotFound) {
		t.Errorf("missing user: %+v", res[60])
	}
	if srv.Tenant.Stats().Injected429() == 0 || len(slept) == 0 {
		t.Errorf("no 429 waited out (%d waits)", len(slept))
	}
}

// mfa-state with a state per user (the legacy file): each user gets their
// own, a user already there is skipped, the journal's header carries the
// states so a report (and a resume) says the same.
func TestBulkPerUserStates(t *testing.T) {
	td := perUserTenant(9) // disabled, enabled, enforced, ...
	var jobs []BulkJob
	for i, u := range td.Users {
		want := []PerUserMFAState{PerUserMFAEnforced, PerUserMFADisabled, PerUserMFAEnforced}[i%3]
		jobs = append(jobs, BulkJob{Target: u.ID, MFAState: want})
	}
	for _, batch := range []bool{false, true} {
		t.Run(fmt.Sprint("batch=", batch), func(t *testing.T) {
			srv, err := fake.Start(fake.Options{Data: perUserTenant(9)})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			sum, err := RunBulkJobs(context.Background(), bulkClient(t, srv), Operation{Kind: OpSetMFA, MFAStatePerUser: true}, jobs,
				BulkOptions{Batch: batch})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Counts.Done != 6 || sum.Counts.Skipped != 3 {
				t.Fatalf("counts %+v", sum.Counts)
			}
			for i, r := range sum.Results {
				want := jobs[i].MFAState
				if got := srv.Tenant.PerUserMFA(td.Users[i].ID); got != string(want) {
					t.Errorf("user %d: state %s, want %s", i, got, want)
				}
				if i%3 == 2 {
					if r.State != StateSkipped || r.PreviousPerUserMFA != "enforced" {
						t.Errorf("user %d: %+v", i, r)
					}
					continue
				}
				if r.State != StateDone || r.PerUserMFA != string(want) || r.PreviousPerUserMFA != []string{"disabled", "enabled"}[i%3] {
					t.Errorf("user %d: %+v", i, r)
				}
			}
		})
	}
	srv, err := fake.Start(fake.Options{Data: td})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	// Refused before anything: one state for all and per user, or a
	// target listed with two states.
	if _, err := RunBulkJobs(context.Background(), bulkClient(t, srv), Operation{Kind: OpSetMFA, MFAStatePerUser: true, MFAState: PerUserMFAEnabled}, jobs, BulkOptions{}); err == nil {
		t.Error("both a run-wide and per-user states accepted")
	}
	two := []BulkJob{{Target: td.Users[0].ID, MFAState: PerUserMFAEnabled}, {Target: td.Users[0].ID, MFAState: PerUserMFADisabled}}
	if _, err := RunBulkJobs(context.Background(), bulkClient(t, srv), Operation{Kind: OpSetMFA, MFAStatePerUser: true}, two, BulkOptions{}); err == nil {
		t.Error("two states for one user accepted")
	}
	if _, err := RunBulk(context.Background(), bulkClient(t, srv), Operation{Kind: OpRevoke, MFAStatePerUser: true}, []string{td.Users[0].ID}, BulkOptions{}); err == nil {
		t.Error("per-user states on revoke accepted")
	}
}
