package graph

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph/fake"
)

// End-to-end: the real client over loopback HTTP against the fake tenant
// (graph/fake), every operation and the rules a tenant enforces.

func startFake(t *testing.T, opts fake.Options) *fake.Server {
	t.Helper()
	if opts.Users == 0 {
		opts.Users = 40
	}
	srv, err := fake.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// fakeClient is a client on srv acting as the demo operator (no token; a
// Privileged Authentication Administrator), or as the token's operator.
func fakeClient(t *testing.T, srv *fake.Server, token string) MSGraph {
	t.Helper()
	c, _ := testClient(t, srv.URL, func(o *ClientOptions) {
		if token != "" {
			o.Credential = &staticCred{Token: token}
		}
	})
	return c
}

func operatorToken(oid, upn string, wids []string) string {
	return makeJWT(map[string]any{"tid": fake.TenantID, "oid": oid, "upn": upn, "appid": "mfadesk-test", "name": upn,
		"scp":  "User.Read.All UserAuthenticationMethod.ReadWrite.All User.RevokeSessions.All AuditLog.Read.All Policy.ReadWrite.AuthenticationMethod Mail.Send",
		"wids": wids, "exp": time.Now().Add(time.Hour).Unix()})
}

func kinds(ms []Method) []MethodKind {
	var out []MethodKind
	for _, m := range ms {
		out = append(out, m.Kind)
	}
	return out
}

func TestE2ESearch(t *testing.T) {
	srv := startFake(t, fake.Options{})
	c := fakeClient(t, srv, "")
	ctx := context.Background()

	p, err := c.SearchUsers(ctx, "O'Brien", 10)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(p.Items, func(u User) bool { return u.ID == fake.BobID }) {
		t.Errorf("O'Brien search: %+v", p.Items)
	}
	// A quote neither breaks the query nor widens it to everyone. (`a"b`
	// may match "Ana Baker": $search tokenises on punctuation.)
	for _, q := range []string{`a"b`, "x' or 1 eq 1", `\`, `"`} {
		p, err := c.SearchUsers(ctx, q, 10)
		if err != nil || len(p.Items) > 1 {
			t.Errorf("hostile query %q: %d users, %v", q, len(p.Items), err)
		}
	}
	p, err = c.SearchUsers(ctx, fake.BobUPN, 10)
	if err != nil || len(p.Items) != 1 || p.Items[0].ID != fake.BobID {
		t.Errorf("exact UPN: %+v %v", p, err)
	}
	p, err = c.SearchUsers(ctx, fake.AliceID, 10)
	if err != nil || len(p.Items) != 1 || p.Items[0].UserPrincipalName != fake.AliceUPN {
		t.Errorf("exact id: %+v %v", p, err)
	}

	// Paging on demand: a small page, then the next one, no overlap.
	p, err = c.SearchUsers(ctx, "", 15)
	if err != nil || len(p.Items) != 15 || p.Next == "" {
		t.Fatalf("first page: %d items next %q err %v", len(p.Items), p.Next, err)
	}
	p2, err := c.NextUsers(ctx, p.Next)
	if err != nil || len(p2.Items) == 0 {
		t.Fatalf("next page: %+v %v", p2, err)
	}
	if p2.Items[0].ID == p.Items[0].ID {
		t.Errorf("page 2 repeats page 1")
	}

	// Hostile display names come back clean.
	u, err := c.ResolveUser(ctx, fake.MalloryID)
	if err != nil || strings.ContainsAny(u.DisplayName, "\x1b\x07\u202e") || !strings.Contains(u.DisplayName, "Mallory") {
		t.Errorf("mallory %q %v", u.DisplayName, err)
	}
	if _, err := c.ResolveUser(ctx, "nobody@contoso.com"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
}

func TestE2EMethodsAndDeleteRules(t *testing.T) {
	srv := startFake(t, fake.Options{})
	c := fakeClient(t, srv, "")
	ctx := context.Background()

	ms, err := c.ListMethods(ctx, fake.AliceID)
	if err != nil {
		t.Fatal(err)
	}
	var app, mobile, alt Method
	for _, m := range ms {
		switch {
		case m.Kind == KindAuthenticator:
			app = m
		case m.Kind == KindPhone && m.PhoneType == "mobile":
			mobile = m
		case m.Kind == KindPhone && m.PhoneType == "alternateMobile":
			alt = m
		}
		if m.ODataType == "" {
			t.Errorf("method without @odata.type: %+v", m)
		}
	}
	if !app.IsDefault || app.Device != "iPhone 15" || mobile.ID == "" || alt.ID == "" {
		t.Fatalf("alice's methods %+v", ms)
	}
	if strings.Count(mobile.PhoneNumber, "X") < 5 {
		t.Errorf("phone not masked: %q", mobile.PhoneNumber)
	}

	err = errOf(c.Apply(ctx, DeleteMethod{UserID: fake.AliceID, Method: app}))
	if ge, _ := AsError(err); !errors.Is(err, ErrConflict) || ge.RequestID == "" || !strings.Contains(ge.Message, "default") {
		t.Errorf("delete default while others exist: %v", err)
	}
	if err := errOf(c.Apply(ctx, DeleteMethod{UserID: fake.AliceID, Method: mobile})); !errors.Is(err, ErrConflict) {
		t.Errorf("delete mobile while alternate exists: %v", err)
	}
	if err := errOf(c.Apply(ctx, DeleteMethod{UserID: fake.AliceID, Method: Method{ID: PasswordMethodID, Kind: KindPassword}})); !errors.Is(err, ErrBadRequest) {
		t.Errorf("delete password: %v", err)
	}
	if err := errOf(c.Apply(ctx, DeleteMethod{UserID: fake.AliceID, Method: Method{ID: "00000000-0000-0000-0000-000000000000", Kind: KindFIDO2}})); !errors.Is(err, ErrNotFound) {
		t.Errorf("delete unknown method: %v", err)
	}
	if err := errOf(c.Apply(ctx, DeleteMethod{UserID: fake.AliceID, Method: alt})); err != nil {
		t.Errorf("delete alternate: %v", err)
	}
	if err := errOf(c.Apply(ctx, DeleteMethod{UserID: fake.AliceID, Method: mobile})); err != nil {
		t.Errorf("delete mobile after alternate: %v", err)
	}

	// Every kind a generated tenant has converts to a known kind.
	for _, id := range srv.Tenant.UserIDs() {
		ms, err := c.ListMethods(ctx, id)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				continue // guests have no methods endpoint in the fake
			}
			t.Fatalf("list %s: %v", id, err)
		}
		for _, m := range ms {
			if m.Kind == KindOther {
				t.Errorf("user %s: unknown kind %q", id, m.ODataType)
			}
		}
	}
}

func TestE2EResetAndAudit(t *testing.T) {
	srv := startFake(t, fake.Options{})
	c := fakeClient(t, srv, "")
	ctx := context.Background()

	plan, err := Reset(ctx, c, fake.AliceID, ResetOptions{DryRun: true})
	if err != nil || len(plan.Plan.Delete) != 4 || !plan.Plan.Delete[3].IsDefault {
		t.Fatalf("dry run %+v %v", plan.Plan, err)
	}
	if len(srv.Tenant.Methods(fake.AliceID)) != 5 {
		t.Fatalf("dry run changed the tenant")
	}
	res, err := Reset(ctx, c, fake.AliceID, ResetOptions{})
	if err != nil {
		t.Fatalf("reset: %v (%+v)", err, res)
	}
	if res.Deleted+res.Pending != 4 || res.Failed != 0 || res.Kept != 1 {
		t.Errorf("result %+v", res)
	}
	left := srv.Tenant.Methods(fake.AliceID)
	if len(left) != 1 || left[0].ID != PasswordMethodID {
		t.Errorf("left after reset: %+v", left)
	}

	evs, err := c.AuditEvents(ctx, fake.AliceID, AuditQuery{Since: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	deletes := 0
	for _, e := range evs {
		if strings.Contains(strings.ToLower(e.Activity), "delete") && e.InitiatedBy == fake.DemoOperatorUPN && e.TargetID == fake.AliceID {
			deletes++
			// which method went, from modifiedProperties
			if !strings.HasPrefix(e.Details, "removed ") {
				t.Errorf("audit details %q", e.Details)
			}
		}
	}
	if deletes != 4 {
		t.Errorf("audit shows %d deletes by the operator: %+v", deletes, evs)
	}
	for i := 1; i < len(evs); i++ {
		if evs[i].Time.After(evs[i-1].Time) {
			t.Errorf("audit not newest first")
		}
	}
}

func TestE2EReregister(t *testing.T) {
	srv := startFake(t, fake.Options{})
	c := fakeClient(t, srv, "")
	ctx := context.Background()
	before, _ := srv.Tenant.User(fake.BobID)

	res, err := Reregister(ctx, c, fake.BobID, ReregisterOptions{TAP: &TAPRequest{LifetimeMinutes: 60, IsUsableOnce: true}})
	if err != nil {
		t.Fatalf("reregister: %v %+v", err, res)
	}
	if !res.OK() || !res.Revoked || res.TAP == nil || res.TAP.Value == "" || res.TAP.LifetimeMinutes != 60 || !res.TAP.IsUsableOnce {
		t.Errorf("result %+v", res)
	}
	after, _ := srv.Tenant.User(fake.BobID)
	if !after.SignInSessionsValidFrom.After(before.SignInSessionsValidFrom) {
		t.Errorf("sessions not revoked: %v -> %v", before.SignInSessionsValidFrom, after.SignInSessionsValidFrom)
	}
	ms, err := c.ListMethods(ctx, fake.BobID)
	if err != nil || !slices.Equal(kinds(ms), []MethodKind{KindPassword, KindTAP}) {
		t.Errorf("bob after re-register: %v %v", kinds(ms), err)
	}

	// Erin keeps her FIDO2 keys and Windows Hello: nothing to delete but
	// sessions revoked.
	res, err = Reregister(ctx, c, fake.ErinID, ReregisterOptions{})
	if err != nil || res.Reset.Kept < 3 || !res.Revoked {
		t.Errorf("erin: %+v %v", res, err)
	}
	if n := len(srv.Tenant.Methods(fake.ErinID)); n != res.Reset.Kept {
		t.Errorf("erin's kept methods: %d, tenant has %d", res.Reset.Kept, n)
	}
}

func TestE2ETAPRevokeMFAState(t *testing.T) {
	srv := startFake(t, fake.Options{})
	c := fakeClient(t, srv, "")
	ctx := context.Background()

	tap, err := tapOf(c.Apply(ctx, CreateTAP{UserID: fake.DaveID, Request: TAPRequest{LifetimeMinutes: 120}}))
	if err != nil || tap.Value == "" || tap.LifetimeMinutes != 120 || tap.Expires().IsZero() {
		t.Fatalf("TAP %+v %v", tap, err)
	}
	ms, _ := c.ListMethods(ctx, fake.DaveID)
	if !slices.Contains(kinds(ms), KindTAP) {
		t.Errorf("TAP not listed afterwards: %v", kinds(ms))
	}
	for _, m := range ms {
		if m.Kind == KindTAP && strings.Contains(m.Detail, tap.Value) {
			t.Errorf("TAP value shown in the method list")
		}
	}
	if _, err := tapOf(c.Apply(ctx, CreateTAP{UserID: fake.GraceID, Request: TAPRequest{}})); !errors.Is(err, ErrBadRequest) && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrDenied) {
		t.Errorf("TAP for a guest: %v", err)
	}

	if err := errOf(c.Apply(ctx, RevokeSessions{UserID: fake.AliceID})); err != nil {
		t.Fatal(err)
	}
	u, err := c.ResolveUser(ctx, fake.AliceID)
	if err != nil || time.Since(u.SignInSessionsValidFrom) > time.Minute {
		t.Errorf("after revoke: %v %v", u.SignInSessionsValidFrom, err)
	}

	st, err := c.PerUserMFA(ctx, fake.DaveID)
	if err != nil || st != PerUserMFADisabled {
		t.Errorf("per-user MFA %q %v", st, err)
	}
	if err := errOf(c.Apply(ctx, SetPerUserMFA{UserID: fake.DaveID, State: PerUserMFAEnforced})); err != nil {
		t.Fatal(err)
	}
	if st, _ := c.PerUserMFA(ctx, fake.DaveID); st != PerUserMFAEnforced || srv.Tenant.PerUserMFA(fake.DaveID) != "enforced" {
		t.Errorf("after set: %q / %q", st, srv.Tenant.PerUserMFA(fake.DaveID))
	}

	if err := errOf(c.Apply(ctx, SendMail{Mail: Mail{To: []string{fake.AliceUPN}, Subject: "MFA reset", Body: "Please re-register."}})); err != nil {
		t.Fatal(err)
	}
	if sent := srv.Tenant.SentMail(); len(sent) != 1 {
		t.Errorf("sent mail %+v", sent)
	}
}

func TestE2EReportsAndSignIns(t *testing.T) {
	srv := startFake(t, fake.Options{RegistrationPageSize: 10})
	c := fakeClient(t, srv, "")
	ctx := context.Background()

	r, err := c.Registration(ctx, fake.DaveID)
	if err != nil || r.IsMfaRegistered || r.UserPrincipalName != fake.DaveUPN {
		t.Errorf("dave's registration %+v %v", r, err)
	}
	r, err = c.Registration(ctx, fake.AliceUPN)
	if err != nil || !r.IsMfaRegistered || r.ID != fake.AliceID {
		t.Errorf("alice by UPN %+v %v", r, err)
	}
	yes, no := true, false
	p, err := c.Registrations(ctx, RegistrationFilter{IsAdmin: &yes, IsMfaRegistered: &no, PageSize: 50})
	if err != nil || !slices.ContainsFunc(p.Items, func(r Registration) bool { return r.ID == fake.LiamID }) {
		t.Errorf("admins without MFA: %+v %v", p.Items, err)
	}
	for _, r := range p.Items {
		if !r.IsAdmin || r.IsMfaRegistered {
			t.Errorf("filter not applied: %+v", r)
		}
	}
	all, err := c.Registrations(ctx, RegistrationFilter{PageSize: 10})
	if err != nil || len(all.Items) != 10 || all.Next == "" {
		t.Fatalf("report page %d %q %v", len(all.Items), all.Next, err)
	}
	if _, err := c.NextRegistrations(ctx, all.Next); err != nil {
		t.Errorf("report next page: %v", err)
	}

	ss, err := c.SignIns(ctx, fake.AliceID, SignInQuery{Since: time.Now().Add(-14 * 24 * time.Hour), Top: 100})
	if err != nil || len(ss) == 0 {
		t.Fatalf("sign-ins %d %v", len(ss), err)
	}
	var declined bool
	for i, s := range ss {
		if i > 0 && s.CreatedDateTime.After(ss[i-1].CreatedDateTime) {
			t.Errorf("sign-ins not newest first")
		}
		if s.Status.ErrorCode == 500121 && strings.Contains(s.Status.AdditionalDetails, "declined") {
			declined = true
		}
		if s.UserID != fake.AliceID {
			t.Errorf("someone else's sign-in: %+v", s)
		}
	}
	if !declined {
		t.Errorf("alice's declined MFA (500121) not found")
	}
	fails, err := c.SignIns(ctx, fake.AliceID, SignInQuery{Since: time.Now().Add(-14 * 24 * time.Hour), FailuresOnly: true})
	if err != nil || len(fails) == 0 {
		t.Fatalf("failures %d %v", len(fails), err)
	}
	for _, s := range fails {
		if !s.Failed() {
			t.Errorf("success in failures-only: %+v", s.Status)
		}
	}

	nop1 := startFake(t, fake.Options{NoP1: true})
	_, err = fakeClient(t, nop1, "").SignIns(ctx, fake.AliceID, SignInQuery{})
	if ge, _ := AsError(err); !errors.Is(err, ErrUnlicensed) || !strings.Contains(ge.Message, "P1") {
		t.Errorf("no P1: %v", err)
	}
}

// TestE2ERoles: an Authentication Administrator (crafted token) may reset a
// user but not an admin; Me reads the token and the directory.
func TestE2ERoles(t *testing.T) {
	srv := startFake(t, fake.Options{})
	c := fakeClient(t, srv, operatorToken(fake.IvanID, fake.IvanUPN, []string{RoleAuthAdmin, "b79fbf4d-3ef9-4689-8143-76b194e85509"}))
	ctx := context.Background()

	op, err := c.Me(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if op.ID != fake.IvanID || op.UserPrincipalName != fake.IvanUPN || op.TenantID != fake.TenantID || op.IsApp ||
		!slices.Contains(op.DirectoryRoles, "Authentication Administrator") || !slices.Contains(op.Scopes, "UserAuthenticationMethod.ReadWrite.All") {
		t.Errorf("operator %+v", op)
	}

	ms, err := c.ListMethods(ctx, fake.CarolID)
	if err != nil {
		t.Fatalf("auth admin reading an admin's methods: %v", err)
	}
	var fido Method
	for _, m := range ms {
		if m.Kind == KindFIDO2 {
			fido = m
		}
	}
	err = errOf(c.Apply(ctx, DeleteMethod{UserID: fake.CarolID, Method: fido}))
	if ge, _ := AsError(err); !errors.Is(err, ErrDenied) || !strings.Contains(ge.Needs, "Privileged Authentication Administrator") || ge.RequestID == "" {
		t.Errorf("auth admin deleting an admin's key: %v", err)
	}
	if _, err := Reset(ctx, c, fake.BobID, ResetOptions{}); err != nil {
		t.Errorf("auth admin resetting a user: %v", err)
	}
	// An Authentication Administrator cannot read the audit log; a
	// Privileged one (the demo operator) sees Ivan's deletes.
	if _, err := c.AuditEvents(ctx, fake.BobID, AuditQuery{}); !errors.Is(err, ErrDenied) {
		t.Errorf("auth admin reading audit: %v", err)
	}
	evs, err := fakeClient(t, srv, "").AuditEvents(ctx, fake.BobID, AuditQuery{Since: time.Now().Add(-time.Hour)})
	if err != nil || !slices.ContainsFunc(evs, func(e AuditEvent) bool { return e.InitiatedBy == fake.IvanUPN }) {
		t.Errorf("audit does not name ivan: %+v %v", evs, err)
	}

	app := fakeClient(t, srv, makeJWT(map[string]any{"tid": fake.TenantID, "oid": "sp", "appid": "app", "roles": []string{"User.Read.All"}, "exp": time.Now().Add(time.Hour).Unix()}))
	op, err = app.Me(ctx)
	if err != nil || !op.IsApp || op.AppID != "app" {
		t.Errorf("app-only %+v %v", op, err)
	}
	if _, err := app.ListMethods(ctx, fake.AliceID); !errors.Is(err, ErrDenied) {
		t.Errorf("app without method permission: %v", err)
	}

	// Demo operator (no token).
	op, err = fakeClient(t, srv, "").Me(ctx)
	if err != nil || op.UserPrincipalName != fake.DemoOperatorUPN || !slices.Contains(op.DirectoryRoles, "Privileged Authentication Administrator") {
		t.Errorf("demo operator %+v %v", op, err)
	}
}

func TestE2EThrottleAndFaults(t *testing.T) {
	srv := startFake(t, fake.Options{ThrottleRate: 0.3, FaultRate: 0.1, RetryAfter: 1500 * time.Millisecond, Seed: 7})
	var throttles int
	c, w := testClient(t, srv.URL, func(o *ClientOptions) {
		o.MaxRetries = 8
		o.OnThrottle = func(time.Duration) { throttles++ }
	})
	ctx := context.Background()
	for i := 0; i < 20; i++ {
		if _, err := c.ResolveUser(ctx, fake.AliceID); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	st := srv.Tenant.Stats()
	if st.Throttled == 0 || throttles != st.Throttled || len(w.all()) < st.Throttled {
		t.Errorf("throttled %d, seen %d, waits %v", st.Throttled, throttles, w.all())
	}
	for _, d := range w.all() {
		if d != 1500*time.Millisecond && d > 30*time.Second {
			t.Errorf("wait %v", d)
		}
	}

	drops := startFake(t, fake.Options{DropRate: 0.3, Seed: 3})
	c2, _ := testClient(t, drops.URL, func(o *ClientOptions) { o.MaxRetries = 8 })
	for i := 0; i < 10; i++ {
		if _, err := c2.ListMethods(ctx, fake.AliceID); err != nil {
			t.Fatalf("GET with drops, call %d: %v", i, err)
		}
	}
	if drops.Tenant.Stats().Drops == 0 {
		t.Errorf("no connection was dropped")
	}
}

// BenchmarkE2EListMethods is one interactive "open a user" call (methods +
// sign-in preferences) over loopback against the fake tenant.
func BenchmarkE2EListMethods(b *testing.B) {
	srv, err := fake.Start(fake.Options{Users: 20})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	c, err := NewClient(ClientOptions{Endpoint: srv.URL})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := c.ListMethods(ctx, fake.AliceID); err != nil {
			b.Fatal(err)
		}
	}
}

// Every token request asks for the same kind of token (CAE, as the request
// adapter does): azidentity caches CAE and non-CAE tokens apart, so a mix
// would make a device-code user sign in twice.
func TestE2ETokenRequestsShareTheCache(t *testing.T) {
	srv := startFake(t, fake.Options{})
	cred := &staticCred{Token: operatorToken(fake.JudyID, fake.JudyUPN, []string{fake.RolePrivilegedAuthAdmin})}
	c, _ := testClient(t, srv.URL, func(o *ClientOptions) { o.Credential = cred })
	ctx := context.Background()
	if _, err := c.Me(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListMethods(ctx, fake.AliceID); err != nil {
		t.Fatal(err)
	}
	if len(cred.Scopes()) < 2 || cred.NoCAE() != 0 {
		t.Errorf("%d token requests, %d without CAE", len(cred.Scopes()), cred.NoCAE())
	}
}
