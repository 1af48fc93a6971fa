package graph

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph/fake"
)

// Re-register with a TAP while the TAP policy is off: refused before the
// first change (no method deleted, no revoke), saying why.
func TestReregisterTAPPolicyOffChangesNothing(t *testing.T) {
	srv := startFake(t, fake.Options{TAPDisabled: true})
	c := fakeClient(t, srv, "")
	before := srv.Tenant.Methods(fake.BobID)
	u0, _ := srv.Tenant.User(fake.BobID)
	_, err := Reregister(context.Background(), c, fake.BobID, ReregisterOptions{TAP: &TAPRequest{DefaultUse: true}})
	if err == nil || !errors.Is(err, ErrBadRequest) || !strings.Contains(err.Error(), "policy is off") {
		t.Fatalf("not refused: %v", err)
	}
	u1, _ := srv.Tenant.User(fake.BobID)
	if len(srv.Tenant.Methods(fake.BobID)) != len(before) || !u1.SignInSessionsValidFrom.Equal(u0.SignInSessionsValidFrom) {
		t.Fatal("changed before refusing")
	}
	if st := srv.Tenant.Stats(); st.Deletes != 0 || st.Revokes != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// A lifetime outside the policy, or multi-use where the policy makes every
// pass one-time, is refused before anything is sent; defaults come from it.
func TestTAPPolicyCheck(t *testing.T) {
	pol := &fake.TAPPolicy{State: "enabled", DefaultLifetime: 120, MinLifetime: 60, MaxLifetime: 480, IsUsableOnce: true}
	srv := startFake(t, fake.Options{TAPPolicy: pol})
	c := fakeClient(t, srv, "")
	ctx := context.Background()
	if _, err := CheckTAP(ctx, c, TAPRequest{LifetimeMinutes: 30, DefaultUse: true}); err == nil || !strings.Contains(err.Error(), "60 to 480") {
		t.Fatalf("short lifetime: %v", err)
	}
	if _, err := CheckTAP(ctx, c, TAPRequest{LifetimeMinutes: 60}); err == nil || !strings.Contains(err.Error(), "one-time") {
		t.Fatalf("multi-use: %v", err)
	}
	req, err := CheckTAP(ctx, c, TAPRequest{DefaultUse: true})
	if err != nil || req.LifetimeMinutes != 120 || !req.IsUsableOnce {
		t.Fatalf("defaults: %+v %v", req, err)
	}
	tap, err := tapOf(c.Apply(ctx, CreateTAP{UserID: fake.BobID, Request: req}))
	if err != nil || tap.LifetimeMinutes != 120 || !tap.IsUsableOnce {
		t.Fatalf("created %+v %v", tap, err)
	}
	// Left to Graph (policy unread): isUsableOnce is not sent, the fake
	// applies its policy.
	tap, err = tapOf(c.Apply(ctx, CreateTAP{UserID: fake.BobID, Request: TAPRequest{DefaultUse: true}}))
	if err != nil || !tap.IsUsableOnce || tap.LifetimeMinutes != 120 {
		t.Fatalf("policy default by Graph: %+v %v", tap, err)
	}
	if srv.Tenant.Stats().TAPsCreated != 2 {
		t.Fatal("passes")
	}
}
