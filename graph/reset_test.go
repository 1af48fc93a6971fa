package graph

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph/fake"
)

func ids(ms []Method) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

var (
	mPassword = Method{ID: PasswordMethodID, Kind: KindPassword}
	mMobile   = Method{ID: "mobile", Kind: KindPhone, PhoneType: "mobile"}
	mAlt      = Method{ID: "alt", Kind: KindPhone, PhoneType: "alternateMobile"}
	mOffice   = Method{ID: "office", Kind: KindPhone, PhoneType: "office"}
	mApp      = Method{ID: "app", Kind: KindAuthenticator}
	mFIDO     = Method{ID: "fido", Kind: KindFIDO2}
	mHello    = Method{ID: "hello", Kind: KindWindowsHello}
	mPlat     = Method{ID: "plat", Kind: KindPlatformCredential}
	mOath     = Method{ID: "oath", Kind: KindSoftwareOath}
	mHwOath   = Method{ID: "hw", Kind: KindHardwareOath}
	mEmail    = Method{ID: "email", Kind: KindEmail}
	mTAP      = Method{ID: "tap", Kind: KindTAP}
	mOther    = Method{ID: "qr", Kind: KindOther, ODataType: "#microsoft.graph.qrCodePinAuthenticationMethod"}
)

func def(m Method) Method { m.IsDefault = true; return m }

func TestPlanReset(t *testing.T) {
	tests := []struct {
		name    string
		methods []Method
		opts    ResetOptions
		del     []string
		keep    []string
	}{
		{"only password", []Method{mPassword}, ResetOptions{}, []string{}, []string{PasswordMethodID}},
		{"default last", []Method{mPassword, def(mApp), mMobile, mOath}, ResetOptions{}, []string{"oath", "mobile", "app"}, []string{PasswordMethodID}},
		{"alternate before mobile", []Method{mMobile, mAlt, mOffice, mPassword}, ResetOptions{}, []string{"office", "alt", "mobile"}, []string{PasswordMethodID}},
		{"default mobile with alternate", []Method{def(mMobile), mAlt, mApp}, ResetOptions{}, []string{"app", "alt", "mobile"}, []string{}},
		{"everything", []Method{mPassword, mTAP, def(mApp), mMobile, mAlt, mFIDO, mHello, mPlat, mOath, mHwOath, mEmail, mOther},
			ResetOptions{}, []string{"tap", "email", "oath", "hw", "plat", "hello", "fido", "alt", "mobile", "app"}, []string{PasswordMethodID, "qr"}},
		{"keep fido2", []Method{mPassword, mFIDO, def(mMobile), mApp}, ResetOptions{Keep: []MethodKind{KindFIDO2}}, []string{"app", "mobile"}, []string{PasswordMethodID, "fido"}},
		{"portal re-register", []Method{mPassword, mFIDO, mHello, mPlat, def(mApp), mMobile, mOath, mHwOath, mEmail},
			ResetOptions{Keep: ReregisterKeep}, []string{"oath", "mobile", "app"}, []string{PasswordMethodID, "fido", "hello", "plat", "hw", "email"}},
		{"default is kept kind", []Method{def(mFIDO), mApp}, ResetOptions{Keep: []MethodKind{KindFIDO2}}, []string{"app"}, []string{"fido"}},
		{"password by id", []Method{{ID: PasswordMethodID, Kind: KindOther}}, ResetOptions{}, []string{}, []string{PasswordMethodID}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := PlanReset(tc.methods, tc.opts)
			if got := ids(p.Delete); !reflect.DeepEqual(got, tc.del) {
				t.Errorf("delete %v, want %v", got, tc.del)
			}
			var kept []string
			for _, k := range p.Keep {
				kept = append(kept, k.Method.ID)
				if k.Reason == "" {
					t.Errorf("kept %s without a reason", k.Method.ID)
				}
			}
			if kept == nil {
				kept = []string{}
			}
			if !reflect.DeepEqual(kept, tc.keep) {
				t.Errorf("keep %v, want %v", kept, tc.keep)
			}
		})
	}
}

// ruleClient is a test double for Client enforcing Graph's delete rules on
// an in-memory method list.
type ruleClient struct {
	Client // nil: any method not overridden panics
	user   string
	ms     []Method
	// sticky: deleted ids still listed once (eventual consistency).
	sticky bool
	// strict: every other method blocks the default's delete (as the fake
	// tenant has it), not only methods that can be a default.
	strict    bool
	ghost     map[string]bool
	failIDs   map[string]error
	deletes   []string
	revoked   int
	taps      []TAPRequest
	revokeErr error
	listErr   error
	lists     int
}

func (r *ruleClient) ListMethods(_ context.Context, userID string) ([]Method, error) {
	r.lists++
	if r.listErr != nil {
		return nil, r.listErr
	}
	out := append([]Method(nil), r.ms...)
	for id := range r.ghost {
		out = append(out, Method{ID: id, Kind: KindAuthenticator})
	}
	r.ghost = nil
	return out, nil
}

func (r *ruleClient) deleteMethod(_ context.Context, userID string, m Method) error {
	r.deletes = append(r.deletes, m.ID)
	if err := r.failIDs[m.ID]; err != nil {
		return err
	}
	idx := -1
	for i, x := range r.ms {
		if x.ID == m.ID {
			idx = i
		}
	}
	if idx < 0 {
		return &Error{Kind: ErrNotFound, Status: 404}
	}
	others := 0
	for _, x := range r.ms {
		if x.ID != m.ID && x.Kind != KindPassword && (r.strict || defaultCapable(x.Kind)) {
			others++
		}
		if m.PhoneType == "mobile" && x.PhoneType == "alternateMobile" {
			return &Error{Kind: ErrConflict, Status: 400, Message: "mobile with alternateMobile"}
		}
	}
	if r.ms[idx].IsDefault && others > 0 {
		return &Error{Kind: ErrConflict, Status: 400, Message: "Cannot delete default method with other methods configured."}
	}
	r.ms = append(r.ms[:idx], r.ms[idx+1:]...)
	if r.sticky {
		if r.ghost == nil {
			r.ghost = map[string]bool{}
		}
		r.ghost[m.ID] = true
	}
	return nil
}

func (r *ruleClient) revokeSessions(context.Context, string) error {
	r.revoked++
	return r.revokeErr
}

func (r *ruleClient) createTAP(_ context.Context, _ string, req TAPRequest) (TAP, error) {
	r.taps = append(r.taps, req)
	return TAP{ID: "newtap", Value: "secret", LifetimeMinutes: req.LifetimeMinutes}, nil
}

// Apply implements Writer: the changes a reset makes; anything else is
// refused as an unknown change (the double cannot change the default).
func (r *ruleClient) Apply(ctx context.Context, ch Change) (Result, error) {
	switch ch := ch.(type) {
	case DeleteMethod:
		return Result{}, r.deleteMethod(ctx, ch.UserID, ch.Method)
	case RevokeSessions:
		return Result{}, r.revokeSessions(ctx, ch.UserID)
	case CreateTAP:
		tap, err := r.createTAP(ctx, ch.UserID, ch.Request)
		return Result{TAP: tap}, err
	}
	return Result{}, UnknownChange(ch)
}

// defaultCapable: kinds userPreferredMethodForSecondaryAuthentication can
// point at (push, oath, sms/voice*).
func defaultCapable(k MethodKind) bool {
	return k == KindPhone || k == KindAuthenticator || k == KindSoftwareOath || k == KindHardwareOath
}

func TestResetEndToEnd(t *testing.T) {
	rc := &ruleClient{ms: []Method{mPassword, def(mApp), mMobile, mAlt, mFIDO, mOath}}
	res, err := Reset(context.Background(), rc, aliceID, ResetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rc.deletes, []string{"oath", "fido", "alt", "mobile", "app"}) {
		t.Errorf("delete order %v", rc.deletes)
	}
	if len(rc.ms) != 1 || rc.ms[0].ID != PasswordMethodID {
		t.Errorf("left %v", ids(rc.ms))
	}
	if res.Deleted != 5 || res.Failed != 0 || res.Kept != 1 || !res.OK() || len(res.LeftOver) != 0 || rc.lists != 2 {
		t.Errorf("result %+v lists %d", res, rc.lists)
	}
	b, err := json.Marshal(res)
	if err != nil || !strings.Contains(string(b), `"outcome":"deleted"`) || !strings.Contains(string(b), `"userId":"`+aliceID+`"`) {
		t.Errorf("json %s %v", b, err)
	}
}

func TestResetUnknownDefault(t *testing.T) {
	// Graph did not say which method is the default: the conflict is
	// retried after the others.
	rc := &ruleClient{ms: []Method{mPassword, def(mOath), mMobile}}
	res, err := Reset(context.Background(), &hideDefault{rc}, aliceID, ResetOptions{})
	if err != nil || res.Deleted != 2 || res.Failed != 0 {
		t.Fatalf("res %+v err %v", res, err)
	}
	if !reflect.DeepEqual(rc.deletes, []string{"oath", "mobile", "oath"}) {
		t.Errorf("deletes %v", rc.deletes)
	}
}

// hideDefault lists methods without IsDefault (as when the preference
// lookup failed).
type hideDefault struct{ *ruleClient }

func (h *hideDefault) ListMethods(ctx context.Context, id string) ([]Method, error) {
	ms, err := h.ruleClient.ListMethods(ctx, id)
	for i := range ms {
		ms[i].IsDefault = false
	}
	return ms, err
}

func TestResetDryRunAndKeep(t *testing.T) {
	rc := &ruleClient{ms: []Method{mPassword, def(mApp), mFIDO}}
	res, err := Reset(context.Background(), rc, aliceID, ResetOptions{DryRun: true, Keep: []MethodKind{KindFIDO2}})
	if err != nil || len(rc.deletes) != 0 || !res.DryRun {
		t.Fatalf("dry run deleted %v (%v)", rc.deletes, err)
	}
	outcomes := map[string]string{}
	for _, o := range res.Methods {
		outcomes[o.Method.ID] = o.Outcome
	}
	if !reflect.DeepEqual(outcomes, map[string]string{PasswordMethodID: OutcomeKept, "fido": OutcomeKept, "app": OutcomePlanned}) {
		t.Errorf("outcomes %v", outcomes)
	}
}

func TestResetPendingAndFailures(t *testing.T) {
	rc := &ruleClient{ms: []Method{mPassword, mApp, mOath}, sticky: true}
	res, err := Reset(context.Background(), rc, aliceID, ResetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Pending != 2 || res.Deleted != 0 || res.Failed != 0 || len(res.LeftOver) != 2 {
		t.Errorf("pending: %+v", res)
	}
	for _, o := range res.Methods {
		if o.Outcome == OutcomePending && o.Reason == "" {
			t.Errorf("pending without reason")
		}
	}

	denied := &Error{Kind: ErrDenied, Status: 403, Code: "accessDenied", Message: "denied", Needs: "Privileged Authentication Administrator", RequestID: "rid"}
	rc = &ruleClient{ms: []Method{mPassword, mApp, mOath}, failIDs: map[string]error{"oath": denied}}
	res, err = Reset(context.Background(), rc, aliceID, ResetOptions{})
	ge, ok := AsError(err)
	if !ok || !errors.Is(err, ErrDenied) || ge.RequestID != "rid" || !strings.Contains(ge.Message, "1 of 2") || ge.Needs == "" {
		t.Errorf("err %v", err)
	}
	if res.Failed != 1 || res.Deleted != 1 || res.OK() || len(res.LeftOver) != 1 || res.LeftOver[0].ID != "oath" {
		t.Errorf("res %+v", res)
	}

	rc = &ruleClient{listErr: &Error{Kind: ErrNotFound}}
	if _, err := Reset(context.Background(), rc, aliceID, ResetOptions{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("list error: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rc = &ruleClient{ms: []Method{mPassword, mApp}}
	res, err = Reset(ctx, rc, aliceID, ResetOptions{})
	// The engine sends nothing on a context already ended, the list
	// included: nothing is reported deleted. (The old loop listed anyway,
	// which only a test double ignoring ctx answered, and reported the
	// method "failed, not attempted".)
	if !errors.Is(err, context.Canceled) || len(rc.deletes) != 0 || res.Deleted != 0 || res.OK() && len(res.Methods) > 0 {
		t.Errorf("cancelled: %v %v %+v", err, rc.deletes, res)
	}
}

func TestReregister(t *testing.T) {
	rc := &ruleClient{ms: []Method{mPassword, def(mApp), mMobile, mOath}}
	res, err := Reregister(context.Background(), rc, aliceID, ReregisterOptions{TAP: &TAPRequest{LifetimeMinutes: 60, IsUsableOnce: true}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rc.deletes, []string{"oath", "mobile", "app"}) || rc.revoked != 1 || len(rc.taps) != 1 {
		t.Errorf("deletes %v revoked %d taps %v", rc.deletes, rc.revoked, rc.taps)
	}
	if !res.OK() || !res.Revoked || res.TAP == nil || res.TAP.Value != "secret" || res.Reset.Kept != 1 {
		t.Errorf("result %+v", res)
	}

	// Where kept methods block the default and none can take it over, the
	// re-registration is refused before any change (nothing deleted, no
	// revoke), saying why and what to do.
	rc = &ruleClient{ms: []Method{mPassword, def(mApp), mMobile, mFIDO}, strict: true}
	res, err = Reregister(context.Background(), rc, aliceID, ReregisterOptions{})
	if !errors.Is(err, ErrConflict) || len(rc.deletes) != 0 || rc.revoked != 0 || !strings.Contains(err.Error(), "default method") {
		t.Errorf("strict: %+v %v deletes %v revoked %d", res, err, rc.deletes, rc.revoked)
	}

	// Everything, no TAP, and a failing revoke.
	rc = &ruleClient{ms: []Method{mPassword, mFIDO}, revokeErr: &Error{Kind: ErrDenied, Message: "no"}}
	res, err = Reregister(context.Background(), rc, aliceID, ReregisterOptions{Keep: []MethodKind{}})
	if !errors.Is(err, ErrDenied) || res.Revoked || res.RevokeError == "" || res.OK() || !reflect.DeepEqual(rc.deletes, []string{"fido"}) {
		t.Errorf("res %+v err %v deletes %v", res, err, rc.deletes)
	}

	// Dry run changes nothing.
	rc = &ruleClient{ms: []Method{mPassword, mApp}}
	res, err = Reregister(context.Background(), rc, aliceID, ReregisterOptions{DryRun: true, TAP: &TAPRequest{}})
	if err != nil || len(rc.deletes) != 0 || rc.revoked != 0 || len(rc.taps) != 0 || !res.OK() {
		t.Errorf("dry run: %+v %v", res, err)
	}

	// Nothing listed: nothing revoked.
	rc = &ruleClient{listErr: &Error{Kind: ErrDenied}}
	if _, err := Reregister(context.Background(), rc, aliceID, ReregisterOptions{}); !errors.Is(err, ErrDenied) || rc.revoked != 0 {
		t.Errorf("list failure: %v revoked %d", err, rc.revoked)
	}
}

// A reset that keeps a kind moves the default to a kept method first
// instead of failing with "Cannot delete default method with other methods
// configured" (the fake enforces Graph's rule).
func TestResetKeepMovesDefault(t *testing.T) {
	srv := startFake(t, fake.Options{})
	c := fakeClient(t, srv, "")
	ctx := context.Background()
	// Alice: default Authenticator (push) and a mobile phone.
	before := srv.Tenant.Methods(fake.AliceID)
	if srv.Tenant.DefaultMethodID(fake.AliceID) == "" {
		t.Fatal("Alice has no default method")
	}
	res, err := Reset(ctx, c, fake.AliceID, ResetOptions{Keep: []MethodKind{KindPhone}})
	if err != nil {
		t.Fatalf("%v %+v", err, res)
	}
	if res.Plan.MoveDefaultTo == nil || res.Plan.MoveDefaultTo.Kind != KindPhone {
		t.Fatalf("plan %+v", res.Plan)
	}
	for _, m := range srv.Tenant.Methods(fake.AliceID) {
		if m.Kind == fake.KindAuthenticator {
			t.Fatalf("the Authenticator stays (before: %d methods)", len(before))
		}
	}
}

// The optional reads this double does not model.
func (*ruleClient) GroupMembers(ctx context.Context, id string) ([]User, error) {
	return NoOptionalReads{}.GroupMembers(ctx, id)
}
func (*ruleClient) TAPPolicy(ctx context.Context) (TAPPolicy, error) {
	return NoOptionalReads{}.TAPPolicy(ctx)
}
func (*ruleClient) TargetRoles(ctx context.Context, id string) (TargetRoles, error) {
	return NoOptionalReads{}.TargetRoles(ctx, id)
}
func (*ruleClient) Manager(ctx context.Context, id string) (User, error) {
	return NoOptionalReads{}.Manager(ctx, id)
}
func (*ruleClient) Traits() Traits { return Traits{} }
func (*ruleClient) SignInPreferences(ctx context.Context, id string) (SignInPreferences, error) {
	return NoOptionalReads{}.SignInPreferences(ctx, id)
}

// The MFA-requirement reads this double does not model.
func (*ruleClient) UserGroups(ctx context.Context, id string) ([]UserGroup, error) {
	return NoOptionalReads{}.UserGroups(ctx, id)
}
func (*ruleClient) ConditionalAccessPolicies(ctx context.Context) ([]ConditionalAccessPolicy, error) {
	return NoOptionalReads{}.ConditionalAccessPolicies(ctx)
}
func (*ruleClient) SecurityDefaults(ctx context.Context) (SecurityDefaults, error) {
	return NoOptionalReads{}.SecurityDefaults(ctx)
}
func (*ruleClient) UserRisk(ctx context.Context, id string) (IdentityRisk, error) {
	return NoOptionalReads{}.UserRisk(ctx, id)
}

func (*ruleClient) TenantSignIns(ctx context.Context, q SignInQuery) ([]SignIn, error) {
	return NoOptionalReads{}.TenantSignIns(ctx, q)
}
