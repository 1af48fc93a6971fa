package graph

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// One user's action goes through the bulk runner: a 429 is waited out and
// retried as in a bulk run, the pass comes back to be shown once, every
// event a bulk run emits is emitted, and the result is a bulk report row.
func TestRunOneIsTheBulkRunner(t *testing.T) {
	mt := newMemTenant()
	id := mt.addUser(1, "microsoftAuthenticator!", "phone:mobile", "fido2")
	var throttled atomic.Int32
	mt.fault = func(call, uid string, after bool) error {
		if call == "revoke" && !after && throttled.Add(1) == 1 {
			return &Error{Kind: ErrThrottled, Status: 429, RetryAfter: time.Second, RequestID: "req-429"}
		}
		return nil
	}
	var slept []time.Duration
	opts := fastOpts("")
	opts.sleep = func(ctx context.Context, d time.Duration) error { slept = append(slept, d); return ctx.Err() }
	var kinds []EventKind
	opts.OnEvent = func(ev Event) { kinds = append(kinds, ev.Kind) }
	one, err := RunOne(context.Background(), mt, Operation{Kind: OpReregister, Keep: []MethodKind{},
		TAP: &BulkTAP{LifetimeMinutes: 60, IsUsableOnce: true}}, id, opts)
	if err != nil {
		t.Fatal(err)
	}
	if one.State != StateDone || !one.SessionsRevoked || !one.TAPIssued || len(one.Deleted) != 3 {
		t.Errorf("row %+v", one.UserResult)
	}
	if one.TAP == nil || one.TAP.Value == "" {
		t.Errorf("the pass is not handed back: %+v", one.TAP)
	}
	if len(slept) != 1 || slept[0] != time.Second || mt.applied["revoke "+id] != 1 {
		t.Errorf("429: slept %v, revoked %d", slept, mt.applied["revoke "+id])
	}
	for _, want := range []EventKind{EventPlanned, EventStarted, EventStep, EventThrottled, EventDone, EventFinished} {
		if !strings.Contains(fmtKinds(kinds), string(want)) {
			t.Errorf("no %s event in %v", want, kinds)
		}
	}
	// Per method, in plan order after the kept ones (none kept but the password).
	var got []string
	for _, o := range one.Methods {
		got = append(got, string(o.Method.Kind)+"="+o.Outcome)
	}
	if strings.Join(got, " ") != "password=kept fido2=deleted phone=deleted microsoftAuthenticator=deleted" {
		t.Errorf("outcomes %v", got)
	}
}

func fmtKinds(ks []EventKind) string {
	var b strings.Builder
	for _, k := range ks {
		b.WriteString(string(k) + " ")
	}
	return b.String()
}

// A one-change operation (block, a mail, one method) runs through the same
// runner: its change goes through the client's Apply once, and a fault is
// not retried (the answer may be lost, and a mail must not go twice).
func TestRunOneChange(t *testing.T) {
	mt := newMemTenant()
	id := mt.addUser(2, "fido2")
	var sent atomic.Int32
	op := Operation{Kind: OpChange, Name: "notify", Change: func(uid string, a Approval) Change {
		sent.Add(1)
		return SendMail{Mail: Mail{To: []string{"a@contoso.com"}, Subject: "s"}, Approval: a}
	}}
	one, err := RunOne(context.Background(), mt, op, id, fastOpts(""))
	if err != nil || one.State != StateDone || one.Change == nil || sent.Load() != 1 {
		t.Fatalf("%+v %v", one, err)
	}
	mt.fault = func(call, uid string, after bool) error {
		return &Error{Kind: ErrUnavailable, Status: 503}
	}
	one, err = RunOne(context.Background(), mt, Operation{Kind: OpChange, Name: "delete",
		Change: func(uid string, a Approval) Change {
			return DeleteMethod{UserID: uid, Method: Method{ID: "x", Kind: KindFIDO2}}
		}}, id, fastOpts(""))
	if !errors.Is(err, ErrUnavailable) || one.State != StateFailed || mt.calls != 1 /* the mail touched no user; the delete went once */ {
		t.Errorf("a faulted change: %v %+v calls %d", err, one.UserResult, mt.calls)
	}
	// A change cannot be journaled, so it has no bulk form.
	if _, err := RunBulk(context.Background(), mt, op, []string{id}, fastOpts("")); err == nil {
		t.Error("RunBulk took a change operation")
	}
	if err := (Operation{Kind: OpChange}).Validate(); err == nil {
		t.Error("a change operation without its change validated")
	}
}
