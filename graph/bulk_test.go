package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestBulkDeleteStages(t *testing.T) {
	m := func(id string, k MethodKind, pt string, def bool) Method {
		return Method{ID: id, Kind: k, PhoneType: pt, IsDefault: def}
	}
	pw := Method{ID: PasswordMethodID, Kind: KindPassword}
	tests := []struct {
		name    string
		methods []Method
		op      Operation
		want    [][]string
		kept    []string
		after   string // "" | "move:<id>" | "blocked"
	}{
		{"nothing", []Method{pw}, Operation{Kind: OpReset}, nil, nil, ""},
		{"all parallel", []Method{pw, m("e", KindEmail, "", false), m("f", KindFIDO2, "", false)},
			Operation{Kind: OpReset}, [][]string{{"e", "f"}}, nil, ""},
		// the default not read: the one method that can be a default goes last
		{"lone candidate last", []Method{pw, m("a", KindAuthenticator, "", false), m("f", KindFIDO2, "", false)},
			Operation{Kind: OpReset}, [][]string{{"f"}, {"a"}}, nil, ""},
		{"default last", []Method{m("a", KindAuthenticator, "", true), m("f", KindFIDO2, "", false), m("e", KindEmail, "", false)},
			Operation{Kind: OpReset}, [][]string{{"e", "f"}, {"a"}}, nil, ""},
		{"alternate before mobile", []Method{m("mob", KindPhone, "mobile", false), m("alt", KindPhone, "alternateMobile", false), m("o", KindSoftwareOath, "", false)},
			Operation{Kind: OpReset}, [][]string{{"o", "alt"}, {"mob"}}, nil, ""},
		{"default mobile with alternate", []Method{m("mob", KindPhone, "mobile", true), m("alt", KindPhone, "alternateMobile", false), m("a", KindAuthenticator, "", false)},
			Operation{Kind: OpReset}, [][]string{{"a", "alt"}, {"mob"}}, nil, ""},
		{"three stages", []Method{m("mob", KindPhone, "mobile", false), m("alt", KindPhone, "alternateMobile", false), m("a", KindAuthenticator, "", true)},
			Operation{Kind: OpReset}, [][]string{{"alt"}, {"mob"}, {"a"}}, nil, ""},
		{"keep fido2", []Method{m("a", KindAuthenticator, "", true), m("f", KindFIDO2, "", false)},
			Operation{Kind: OpReset, Keep: []MethodKind{KindFIDO2}}, [][]string{{"a"}}, []string{"f"}, "blocked"},
		{"keep oath: the default moves", []Method{m("a", KindAuthenticator, "", true), m("o", KindSoftwareOath, "", false)},
			Operation{Kind: OpReset, Keep: []MethodKind{KindSoftwareOath}}, [][]string{{"a"}}, []string{"o"}, "move:o"},
		{"portal kinds", []Method{m("a", KindAuthenticator, "", false), m("f", KindFIDO2, "", false), m("w", KindWindowsHello, "", false), m("p", KindPhone, "mobile", true)},
			Operation{Kind: OpReregister}.withDefaults(), [][]string{{"a"}, {"p"}}, []string{"f", "w"}, "blocked"},
		{"portal kinds, hardware token kept", []Method{m("a", KindAuthenticator, "", false), m("h", KindHardwareOath, "", false), m("p", KindPhone, "mobile", true)},
			Operation{Kind: OpReregister}.withDefaults(), [][]string{{"a"}, {"p"}}, []string{"h"}, "move:h"},
		{"unknown kind kept", []Method{{ID: "x", Kind: KindOther}, m("e", KindEmail, "", false)},
			Operation{Kind: OpReset}, [][]string{{"e"}}, []string{"x"}, ""},
		{"delete-methods", []Method{m("e", KindEmail, "", false), m("t", KindTAP, "", false), m("a", KindAuthenticator, "", false)},
			Operation{Kind: OpDeleteMethods, Kinds: []MethodKind{KindTAP, KindEmail}}, [][]string{{"t", "e"}}, []string{"a"}, ""},
		{"delete-methods of the default kind", []Method{m("p", KindPhone, "mobile", true), m("a", KindAuthenticator, "", false)},
			Operation{Kind: OpDeleteMethods, Kinds: []MethodKind{KindPhone}}, [][]string{{"p"}}, []string{"a"}, "move:a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Within a stage, PlanReset's order (loose ends first).
			stages, kept, move, blocked := bulkDeleteStages(tt.methods, tt.op)
			after := ""
			if move != nil {
				after = "move:" + move.ID
			}
			if blocked != "" {
				after = "blocked"
			}
			if after != tt.after {
				t.Errorf("after %q, want %q", after, tt.after)
			}
			var got [][]string
			for _, s := range stages {
				var ids []string
				for _, m := range s {
					ids = append(ids, m.ID)
				}
				got = append(got, ids)
			}
			var keptIDs []string
			for _, k := range kept {
				keptIDs = append(keptIDs, k.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) || fmt.Sprint(keptIDs) != fmt.Sprint(tt.kept) {
				t.Errorf("stages %v kept %v, want %v kept %v", got, keptIDs, tt.want, tt.kept)
			}
		})
	}
}

func TestOperationValidate(t *testing.T) {
	bad := []Operation{
		{Kind: "explode"},
		{Kind: OpDeleteMethods},
		{Kind: OpSetMFA, MFAState: "maybe"},
		{Kind: OpReset, Keep: []MethodKind{"password"}},
		{Kind: OpReset, Keep: []MethodKind{"bogus"}},
		{Kind: OpReset, TAP: &BulkTAP{}},
		{Kind: OpReset, Kinds: []MethodKind{KindPhone}},
		{Kind: OpReregister, TAP: &BulkTAP{LifetimeMinutes: 5}},
	}
	for _, op := range bad {
		if op.Validate() == nil {
			t.Errorf("%+v: want an error", op)
		}
	}
	good := []Operation{
		{Kind: OpReset}, {Kind: OpReset, Keep: []MethodKind{KindFIDO2}}, {Kind: OpRevoke},
		{Kind: OpReregister, TAP: &BulkTAP{LifetimeMinutes: 60}}, {Kind: OpSetMFA, MFAState: PerUserMFAEnforced},
		{Kind: OpDeleteMethods, Kinds: []MethodKind{KindPhone}},
	}
	for _, op := range good {
		if err := op.Validate(); err != nil {
			t.Errorf("%+v: %v", op, err)
		}
	}
}

// mixedTenant builds n users with assorted method sets, some with ordering
// constraints, some with nothing to delete.
func mixedTenant(n int) (*memTenant, []string) {
	t := newMemTenant()
	sets := [][]string{
		{"microsoftAuthenticator!", "phone:mobile", "fido2"},
		{"phone:mobile!", "phone:alternateMobile", "email"},
		{"phone:mobile", "phone:alternateMobile", "softwareOath!"},
		{},
		{"fido2", "windowsHelloForBusiness"},
		{"temporaryAccessPass", "microsoftAuthenticator!"},
	}
	var targets []string
	for i := range n {
		id := t.addUser(i, sets[i%len(sets)]...)
		if i%7 == 3 {
			targets = append(targets, fmt.Sprintf("user%d@contoso.com", i)) // a UPN target
		} else {
			targets = append(targets, id)
		}
	}
	return t, targets
}

func TestBulkResetAll(t *testing.T) {
	ten, targets := mixedTenant(60)
	targets = append(targets, targets[0], "  ", "99999999-0000-0000-0000-000000000000") // duplicate, blank, unknown
	dir := t.TempDir()
	var events []Event
	opts := fastOpts(filepath.Join(dir, "j.jsonl"))
	opts.OnEvent = func(e Event) { events = append(events, e) }
	sum, err := RunBulk(context.Background(), ten, Operation{Kind: OpReset}, targets, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Counts.Total != 61 || sum.Pending != 0 || len(sum.Results) != 61 {
		t.Fatalf("counts %+v pending %d results %d", sum.Counts, sum.Pending, len(sum.Results))
	}
	for id, u := range ten.users {
		if n := ten.deletable(id); n != 0 {
			t.Errorf("%s: %d methods left: %+v", id, n, u.methods)
		}
	}
	for k, n := range ten.applied {
		if n != 1 {
			t.Errorf("%s applied %d times", k, n)
		}
	}
	byState := map[UserState]int{}
	for _, r := range sum.Results {
		byState[r.State]++
		if r.User == "99999999-0000-0000-0000-000000000000" {
			if r.State != StateFailed || r.RequestID != "req-404" || r.Status != 404 {
				t.Errorf("unknown user: %+v", r)
			}
		}
	}
	// 10 users of 60 have nothing to delete (set {}).
	if byState[StateSkipped] != 10 || byState[StateFailed] != 1 || byState[StateDone] != 50 {
		t.Errorf("states %v", byState)
	}
	last := events[len(events)-1]
	if last.Kind != EventFinished || last.Counts.Finished() != 61 {
		t.Errorf("last event %+v", last)
	}
	finals := map[string]int{}
	for _, e := range events {
		if e.Kind == EventDone || e.Kind == EventSkipped || e.Kind == EventFailed {
			finals[e.User]++
		}
	}
	if len(finals) != 61 {
		t.Errorf("%d users with a final event", len(finals))
	}
	for u, n := range finals {
		if n != 1 {
			t.Errorf("%s: %d final events", u, n)
		}
	}
}

// faultyTenant injects, per call, a throttle, a refused 5xx, or a change
// made whose answer is lost, at the given rate.
func faultyTenant(ten *memTenant, seed uint64, rate float64) {
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(seed, 1))
	ten.fault = func(call, id string, after bool) error {
		mu.Lock()
		x := rng.Float64()
		kind := rng.IntN(3)
		mu.Unlock()
		if x >= rate {
			return nil
		}
		switch {
		case !after && kind == 0:
			return &Error{Kind: ErrThrottled, Status: 429, RetryAfter: time.Second, RequestID: "req-429"}
		case !after && kind == 1:
			return &Error{Kind: ErrUnavailable, Status: 503, RequestID: "req-503"}
		case after && kind == 2:
			return &Error{Kind: ErrUnavailable, Message: "connection reset", RequestID: ""}
		}
		return nil
	}
}

func TestBulkFaultsEveryUserAccounted(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			ten, targets := mixedTenant(120)
			faultyTenant(ten, seed, 0.15)
			path := filepath.Join(t.TempDir(), "j.jsonl")
			opts := fastOpts(path)
			opts.MaxAttempts = 8
			sum, err := RunBulk(context.Background(), ten, Operation{Kind: OpReregister, Keep: []MethodKind{}}, targets, opts)
			if err != nil {
				t.Fatal(err)
			}
			st, err := ReadJournal(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Pending()) != 0 || !st.Ended {
				t.Fatalf("pending %d ended %v", len(st.Pending()), st.Ended)
			}
			for _, r := range sum.Results {
				if r.State == StateFailed {
					t.Logf("failed: %+v", r)
				}
			}
			for k, n := range ten.applied {
				if strings.HasPrefix(k, "delete") && n != 1 {
					t.Errorf("%s applied %d times", k, n)
				}
			}
			for _, r := range sum.Results {
				id := r.UserID
				if r.State == StateDone && (ten.deletable(id) != 0 || ten.users[id].revoked == 0) {
					t.Errorf("%s done but methods %d revoked %d", id, ten.deletable(id), ten.users[id].revoked)
				}
			}
		})
	}
}

func TestBulkTAPNeverJournaled(t *testing.T) {
	ten, targets := mixedTenant(12)
	path := filepath.Join(t.TempDir(), "j.jsonl")
	var taps []string
	opts := fastOpts(path)
	opts.OnEvent = func(e Event) {
		if e.TAP != nil {
			if e.Kind != EventDone {
				t.Errorf("TAP on a %s event", e.Kind)
			}
			taps = append(taps, e.TAP.Value)
		}
	}
	sum, err := RunBulk(context.Background(), ten, Operation{Kind: OpReregister, Keep: []MethodKind{}, TAP: &BulkTAP{LifetimeMinutes: 60}}, targets, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(taps) != 12 || sum.Counts.Done != 12 {
		t.Fatalf("%d passes shown, counts %+v", len(taps), sum.Counts)
	}
	data, _ := os.ReadFile(path)
	for _, v := range taps {
		if bytes.Contains(data, []byte(v)) {
			t.Fatalf("TAP value %q is in the journal", v)
		}
	}
	if bytes.Contains(data, []byte("SECRET")) {
		t.Fatal("a TAP value is in the journal")
	}
	for _, r := range sum.Results {
		if !r.TAPIssued || !r.SessionsRevoked {
			t.Errorf("%+v", r)
		}
	}
}

func TestBulkTAPLostAnswerNotReissued(t *testing.T) {
	ten := newMemTenant()
	id := ten.addUser(1, "microsoftAuthenticator")
	ten.fault = func(call, _ string, after bool) error {
		if call == "tap" && after {
			return &Error{Kind: ErrUnavailable, Message: "connection reset"}
		}
		return nil
	}
	sum, err := RunBulk(context.Background(), ten, Operation{Kind: OpReregister, TAP: &BulkTAP{}}, []string{id}, fastOpts(""))
	if err != nil {
		t.Fatal(err)
	}
	r := sum.Results[0]
	if r.State != StateFailed || !strings.Contains(r.Why, "never shown") {
		t.Fatalf("%+v", r)
	}
	if n := ten.applied["tap "+id]; n != 1 {
		t.Fatalf("TAP created %d times", n)
	}
}

func TestBulkTAPRefusedBeforeSendingIsRetried(t *testing.T) {
	ten := newMemTenant()
	id := ten.addUser(1)
	var n atomic.Int32
	ten.fault = func(call, _ string, after bool) error {
		if call == "tap" && !after && n.Add(1) <= 2 {
			return &Error{Kind: ErrUnavailable, Message: "connection refused"}
		}
		return nil
	}
	sum, err := RunBulk(context.Background(), ten, Operation{Kind: OpReregister, TAP: &BulkTAP{}}, []string{id}, fastOpts(""))
	if err != nil {
		t.Fatal(err)
	}
	if r := sum.Results[0]; r.State != StateDone || !r.TAPIssued {
		t.Fatalf("%+v", r)
	}
	if got := ten.applied["tap "+id]; got != 1 {
		t.Fatalf("TAP created %d times", got)
	}
}

// TestBulkReregisterGoesOnAfterFailedDelete: as for one user, a reregister
// whose delete fails still revokes and issues the pass; the user ends
// failed, naming the delete, and the pass is shown with that event.
func TestBulkReregisterGoesOnAfterFailedDelete(t *testing.T) {
	ten := newMemTenant()
	// The OATH token goes; Graph then keeps refusing the default
	// Authenticator (as when its list lags behind its deletes). A kept
	// method the default cannot move to would refuse the user before any
	// change instead (TestBulkFakeDefaultMethod).
	id := ten.addUser(1, "microsoftAuthenticator!", "softwareOath")
	var deletes atomic.Int32
	ten.fault = func(call, _ string, after bool) error {
		if call == "delete" && !after && deletes.Add(1) > 1 {
			return &Error{Kind: ErrConflict, Status: 400, Code: "badRequest", RequestID: "req-conflict",
				Message: "Cannot delete default method with other methods configured"}
		}
		return nil
	}
	var final Event
	opts := fastOpts(filepath.Join(t.TempDir(), "j.jsonl"))
	opts.OnEvent = func(e Event) {
		if e.Kind == EventFailed || e.Kind == EventDone {
			final = e
		}
	}
	sum, err := RunBulk(context.Background(), ten, Operation{Kind: OpReregister, TAP: &BulkTAP{}}, []string{id}, opts)
	if err != nil {
		t.Fatal(err)
	}
	r := sum.Results[0]
	if r.State != StateFailed || r.RequestID != "req-conflict" || !r.SessionsRevoked || !r.TAPIssued ||
		!strings.Contains(r.Why, "default method") || len(r.Deleted) != 1 {
		t.Fatalf("%+v", r)
	}
	if final.Kind != EventFailed || final.TAP == nil || final.TAP.Value == "" {
		t.Fatalf("final event %+v", final)
	}
	if ten.users[id].revoked != 1 {
		t.Fatal("not revoked")
	}
}

func TestBulkFailureCarriesRequestID(t *testing.T) {
	ten := newMemTenant()
	id := ten.addUser(1, "fido2")
	ten.fault = func(call, _ string, after bool) error {
		if call == "delete" && !after {
			return &Error{Kind: ErrDenied, Op: "delete FIDO2 method", Status: 403, Code: "accessDenied",
				RequestID: "rid-123", Needs: "Privileged Authentication Administrator"}
		}
		return nil
	}
	path := filepath.Join(t.TempDir(), "j.jsonl")
	sum, err := RunBulk(context.Background(), ten, Operation{Kind: OpReset}, []string{id}, fastOpts(path))
	if err != nil {
		t.Fatal(err)
	}
	r := sum.Results[0]
	if r.State != StateFailed || r.RequestID != "rid-123" || r.Status != 403 || !strings.Contains(r.Why, "Privileged") {
		t.Fatalf("%+v", r)
	}
}

func TestBulkOtherOps(t *testing.T) {
	ten, targets := mixedTenant(10)
	sum, err := RunBulk(context.Background(), ten, Operation{Kind: OpSetMFA, MFAState: PerUserMFAEnforced}, targets, fastOpts(""))
	if err != nil || sum.Counts.Done != 10 {
		t.Fatalf("%v %+v", err, sum.Counts)
	}
	for _, u := range ten.users {
		if u.mfa != PerUserMFAEnforced {
			t.Errorf("%s: %q", u.ID, u.mfa)
		}
	}
	sum, err = RunBulk(context.Background(), ten, Operation{Kind: OpRevoke}, targets, fastOpts(""))
	if err != nil || sum.Counts.Done != 10 {
		t.Fatalf("%v %+v", err, sum.Counts)
	}
	for _, r := range sum.Results {
		if !r.SessionsRevoked {
			t.Errorf("%+v", r)
		}
	}
	sum, err = RunBulk(context.Background(), ten, Operation{Kind: OpDeleteMethods, Kinds: []MethodKind{KindFIDO2}}, targets, fastOpts(""))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range ten.users {
		if slices.ContainsFunc(u.methods, func(m Method) bool { return m.Kind == KindFIDO2 }) {
			t.Errorf("%s still has FIDO2", u.ID)
		}
	}
}

// TestBulkResumeAfterKill interrupts runs at random points, several times,
// and resumes them; the final tenant must equal an uninterrupted run's, no
// change may be applied twice, and every user ends exactly once.
func TestBulkResumeAfterKill(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 2))
			ten, targets := mixedTenant(80)
			ref, _ := mixedTenant(80)
			op := Operation{Kind: OpReregister, Keep: []MethodKind{}, TAP: &BulkTAP{LifetimeMinutes: 60}}
			if _, err := RunBulk(context.Background(), ref, op, targets, fastOpts("")); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "j.jsonl")
			var calls atomic.Int64
			var kill atomic.Int64
			var cancel context.CancelFunc
			ten.fault = func(string, string, bool) error {
				if calls.Add(1) == kill.Load() {
					cancel()
				}
				return nil
			}
			run := func(first bool) error {
				var ctx context.Context
				ctx, cancel = context.WithCancel(context.Background())
				defer cancel()
				kill.Store(calls.Load() + 1 + int64(rng.IntN(150)))
				if first {
					_, err := RunBulk(ctx, ten, op, targets, fastOpts(path))
					return err
				}
				_, err := ResumeBulk(ctx, ten, path, fastOpts(""))
				return err
			}
			err := run(true)
			for i := 0; i < 3 && err != nil; i++ {
				if !errors.Is(err, ErrBulkInterrupted) {
					t.Fatal(err)
				}
				err = run(false)
			}
			for err != nil {
				kill.Store(-1)
				_, err = ResumeBulk(context.Background(), ten, path, fastOpts(""))
			}
			st, err := ReadJournal(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Pending()) != 0 {
				t.Fatalf("%d pending", len(st.Pending()))
			}
			for id, u := range ten.users {
				r := ref.users[id]
				if len(u.methods) != len(r.methods) || (u.revoked == 0) != (r.revoked == 0) {
					t.Errorf("%s: methods %d vs %d, revoked %d vs %d", id, len(u.methods), len(r.methods), u.revoked, r.revoked)
					if os.Getenv("BULK_DEBUG") != "" {
						data, _ := os.ReadFile(path)
						for _, l := range strings.Split(string(data), "\n") {
							if strings.Contains(l, id) && !strings.Contains(l, `"run"`) {
								t.Log(l)
							}
						}
					}
				}
			}
			for k, n := range ten.applied {
				if (strings.HasPrefix(k, "delete") || strings.HasPrefix(k, "tap")) && n != 1 {
					t.Errorf("%s applied %d times", k, n)
				}
			}
			res := BulkResults(st)
			for _, r := range res {
				if r.State != StateDone && r.State != StateSkipped {
					t.Errorf("%+v", r)
				}
			}
		})
	}
}

func TestBulkResumeTAPIntent(t *testing.T) {
	for _, created := range []bool{true, false} {
		t.Run(fmt.Sprint("created=", created), func(t *testing.T) {
			ten := newMemTenant()
			id := ten.addUser(1)
			path := filepath.Join(t.TempDir(), "j.jsonl")
			op := Operation{Kind: OpReregister, TAP: &BulkTAP{}}
			j, err := CreateJournal(path, JournalRun{ID: "x", Op: op, Targets: []string{id}, Endpoint: "https://graph.test"})
			if err != nil {
				t.Fatal(err)
			}
			at := time.Now().UTC()
			for _, e := range []JournalEntry{
				{Event: evPlan, User: id, UserID: id, Steps: []PlannedStep{{Do: stepRevoke}, {Do: stepTAP}}},
				{Event: evStep, User: id, UserID: id, Do: stepRevoke, Result: "revoked"},
				{Time: at, Event: evIntent, User: id, UserID: id, Do: stepTAP},
			} {
				if err := j.Append(e); err != nil {
					t.Fatal(err)
				}
			}
			j.Close()
			if created {
				// The killed run's request reached Graph.
				if _, err := tapOf(ten.Apply(context.Background(), CreateTAP{UserID: id, Request: TAPRequest{}})); err != nil {
					t.Fatal(err)
				}
			}
			var shown int
			opts := fastOpts("")
			opts.OnEvent = func(e Event) {
				if e.TAP != nil {
					shown++
				}
			}
			sum, err := ResumeBulk(context.Background(), ten, path, opts)
			if err != nil {
				t.Fatal(err)
			}
			r := sum.Results[0]
			if ten.applied["tap "+id] != 1 {
				t.Fatalf("TAP created %d times", ten.applied["tap "+id])
			}
			if ten.applied["revoke "+id] != 0 {
				t.Errorf("revoke repeated")
			}
			if created && (r.State != StateFailed || shown != 0) {
				t.Fatalf("%+v shown %d", r, shown)
			}
			if !created && (r.State != StateDone || shown != 1 || !r.TAPIssued) {
				t.Fatalf("%+v shown %d", r, shown)
			}
		})
	}
}

func TestBulkResumeTAPAlreadyIssued(t *testing.T) {
	ten := newMemTenant()
	id := ten.addUser(1)
	path := filepath.Join(t.TempDir(), "j.jsonl")
	op := Operation{Kind: OpReregister, TAP: &BulkTAP{}}
	j, err := CreateJournal(path, JournalRun{ID: "x", Op: op, Targets: []string{id}, Endpoint: "https://graph.test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []JournalEntry{
		{Event: evPlan, User: id, UserID: id, Steps: []PlannedStep{{Do: stepRevoke}, {Do: stepTAP}}},
		{Event: evStep, User: id, UserID: id, Do: stepRevoke, Result: "revoked"},
		{Event: evIntent, User: id, UserID: id, Do: stepTAP},
		{Event: evStep, User: id, UserID: id, Do: stepTAP, Result: "issued", TAPID: "tap-9"},
	} {
		j.Append(e)
	}
	j.Close()
	sum, err := ResumeBulk(context.Background(), ten, path, fastOpts(""))
	if err != nil {
		t.Fatal(err)
	}
	r := sum.Results[0]
	if r.State != StateDone || !r.TAPIssued || !strings.Contains(r.Why, "not re-issued") || ten.applied["tap "+id] != 0 {
		t.Fatalf("%+v applied %v", r, ten.applied)
	}
}

func TestBulkInterruptLeavesPending(t *testing.T) {
	ten, targets := mixedTenant(40)
	ctx, cancel := context.WithCancel(context.Background())
	var n atomic.Int32
	ten.fault = func(string, string, bool) error {
		if n.Add(1) == 30 {
			cancel()
		}
		return nil
	}
	path := filepath.Join(t.TempDir(), "j.jsonl")
	sum, err := RunBulk(ctx, ten, Operation{Kind: OpReset}, targets, fastOpts(path))
	if !errors.Is(err, ErrBulkInterrupted) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if sum.Pending == 0 || sum.Pending+sum.Counts.Finished() != 40 {
		t.Fatalf("pending %d counts %+v", sum.Pending, sum.Counts)
	}
}

func TestBulkJournalUnwritableStopsRun(t *testing.T) {
	ten, targets := mixedTenant(20)
	sink := &failingSink{after: 10}
	sum, err := runBulkWithSink(ten, targets, fastOpts(""), sink)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err %v", err)
	}
	// Workers stop at their next journal write: a handful of requests at
	// most after the failure, not the rest of the run.
	if sum.Counts.Requests > 40 {
		t.Errorf("run went on after the journal failed: %d requests", sum.Counts.Requests)
	}
}

type failingSink struct {
	mu    sync.Mutex
	n     int
	after int
	err   error // what a failed Append returns (default: "disk full")
	mem   *memJournal
}

func (f *failingSink) Append(e JournalEntry) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	if f.n > f.after {
		if f.err != nil {
			return f.err
		}
		return errors.New("journal write: disk full")
	}
	return f.mem.Append(e)
}

// failed reports whether an Append has failed.
func (f *failingSink) failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n > f.after
}
func (f *failingSink) Close() error                  { return nil }
func (f *failingSink) state() (*JournalState, error) { return f.mem.state() }

func runBulkWithSink(c Client, targets []string, opts BulkOptions, f *failingSink) (*BulkSummary, error) {
	hdr := JournalRun{Version: JournalVersion, ID: "t", Op: Operation{Kind: OpReset}, Targets: targets}
	f.mem = newMemJournal(hdr)
	st, _, _ := parseJournal(mustHeaderLine(hdr))
	return runBulk(context.Background(), c, st, f, opts)
}
