package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// memTenant is an in-memory graph.Client for the runner's unit tests: it
// keeps Graph's rules that matter to ordering (the default method last, an
// alternate mobile before the mobile) and records every change that took
// effect, so a test can tell a repeated change from a retried request.
type memTenant struct {
	mu    sync.Mutex
	users map[string]*memUser // by id
	upns  map[string]string   // upn -> id
	// fault, when set, is asked before (after=false) and after (after=true,
	// the change already made) each call; a non-nil error is returned to
	// the caller. An error after the change is a lost answer.
	fault func(call, userID string, after bool) error
	// applied counts changes that took effect: "delete <method id>",
	// "revoke <user>", "tap <user>", "mfa <user>".
	applied map[string]int
	calls   int
	seq     int
	now     func() time.Time
}

type memUser struct {
	User
	methods []Method
	revoked int
	mfa     PerUserMFAState
}

func newMemTenant() *memTenant {
	return &memTenant{users: map[string]*memUser{}, upns: map[string]string{}, applied: map[string]int{}, now: time.Now}
}

// addUser adds a user with methods of the given kinds ("phone:mobile",
// "phone:alternateMobile", "fido2", ...); "!" marks the default.
func (t *memTenant) addUser(i int, kinds ...string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	id := fmt.Sprintf("00000000-0000-0000-0000-%012d", i)
	u := &memUser{User: User{ID: id, UserPrincipalName: fmt.Sprintf("user%d@contoso.com", i), UserType: "Member"}}
	u.methods = append(u.methods, Method{ID: PasswordMethodID, Kind: KindPassword})
	for _, k := range kinds {
		def := strings.HasSuffix(k, "!")
		k = strings.TrimSuffix(k, "!")
		kind, pt, _ := strings.Cut(k, ":")
		t.seq++
		u.methods = append(u.methods, Method{ID: fmt.Sprintf("m%d-%d", i, t.seq), Kind: MethodKind(kind),
			PhoneType: pt, IsDefault: def, Created: t.now().Add(-24 * time.Hour)})
	}
	t.users[id] = u
	t.upns[u.UserPrincipalName] = id
	return id
}

func (t *memTenant) enter(call, id string) (*memUser, error) {
	t.mu.Lock()
	t.calls++
	f := t.fault
	t.mu.Unlock()
	if f != nil {
		if err := f(call, id, false); err != nil {
			return nil, err
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	u := t.users[id]
	if u == nil {
		return nil, &Error{Kind: ErrNotFound, Op: call, Status: 404, Code: "Request_ResourceNotFound", RequestID: "req-404"}
	}
	return u, nil
}

func (t *memTenant) leave(call, id string) error {
	t.mu.Lock()
	f := t.fault
	t.mu.Unlock()
	if f != nil {
		return f(call, id, true)
	}
	return nil
}

func (t *memTenant) ResolveUser(ctx context.Context, k string) (User, error) {
	t.mu.Lock()
	id, ok := t.upns[k]
	t.mu.Unlock()
	if !ok {
		id = k
	}
	u, err := t.enter("resolve", id)
	if err != nil {
		return User{}, err
	}
	return u.User, t.leave("resolve", id)
}

func (t *memTenant) ListMethods(ctx context.Context, id string) ([]Method, error) {
	u, err := t.enter("list", id)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	out := slices.Clone(u.methods)
	t.mu.Unlock()
	return out, t.leave("list", id)
}

func (t *memTenant) deleteMethod(ctx context.Context, id string, m Method) error {
	u, err := t.enter("delete", id)
	if err != nil {
		return err
	}
	t.mu.Lock()
	i := slices.IndexFunc(u.methods, func(x Method) bool { return x.ID == m.ID })
	if i < 0 {
		t.mu.Unlock()
		return &Error{Kind: ErrNotFound, Status: 404, RequestID: "req-gone"}
	}
	cur := u.methods[i]
	others := 0
	hasAlt := false
	for _, x := range u.methods {
		if x.ID != cur.ID && x.Kind != KindPassword {
			others++
		}
		if x.Kind == KindPhone && x.PhoneType == "alternateMobile" {
			hasAlt = true
		}
	}
	if cur.IsDefault && others > 0 || cur.Kind == KindPhone && cur.PhoneType == "mobile" && hasAlt {
		t.mu.Unlock()
		return &Error{Kind: ErrConflict, Status: 400, Code: "badRequest", RequestID: "req-conflict",
			Message: "Cannot delete default method with other methods configured"}
	}
	u.methods = slices.Delete(u.methods, i, i+1)
	t.applied["delete "+m.ID]++
	t.mu.Unlock()
	return t.leave("delete", id)
}

func (t *memTenant) revokeSessions(ctx context.Context, id string) error {
	u, err := t.enter("revoke", id)
	if err != nil {
		return err
	}
	t.mu.Lock()
	u.revoked++
	t.applied["revoke "+id]++
	t.mu.Unlock()
	return t.leave("revoke", id)
}

func (t *memTenant) createTAP(ctx context.Context, id string, r TAPRequest) (TAP, error) {
	u, err := t.enter("tap", id)
	if err != nil {
		return TAP{}, err
	}
	t.mu.Lock()
	t.seq++
	tapID := fmt.Sprintf("tap-%d", t.seq)
	// A new pass replaces a valid one, as Graph does.
	u.methods = slices.DeleteFunc(u.methods, func(m Method) bool { return m.Kind == KindTAP })
	u.methods = append(u.methods, Method{ID: tapID, Kind: KindTAP, Created: t.now()})
	t.applied["tap "+id]++
	value := fmt.Sprintf("SECRET-TAP-%s-%d", id, t.seq)
	t.mu.Unlock()
	if err := t.leave("tap", id); err != nil {
		return TAP{}, err
	}
	return TAP{ID: tapID, Value: value, Created: t.now(), LifetimeMinutes: r.LifetimeMinutes}, nil
}

func (t *memTenant) setPerUserMFA(ctx context.Context, id string, s PerUserMFAState) error {
	u, err := t.enter("mfa", id)
	if err != nil {
		return err
	}
	t.mu.Lock()
	u.mfa = s
	t.applied["mfa "+id]++
	t.mu.Unlock()
	return t.leave("mfa", id)
}

// deletable counts the methods left that a full reset would delete.
func (t *memTenant) deletable(id string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, m := range t.users[id].methods {
		if m.Deletable() {
			n++
		}
	}
	return n
}

// The rest of Client is not used by the runner.
func (t *memTenant) SearchUsers(context.Context, string, int) (Page[User], error) {
	return Page[User]{}, nil
}
func (t *memTenant) NextUsers(context.Context, string) (Page[User], error) { return Page[User]{}, nil }
func (t *memTenant) Registration(context.Context, string) (Registration, error) {
	return Registration{}, nil
}
func (t *memTenant) Registrations(context.Context, RegistrationFilter) (Page[Registration], error) {
	return Page[Registration]{}, nil
}
func (t *memTenant) NextRegistrations(context.Context, string) (Page[Registration], error) {
	return Page[Registration]{}, nil
}
func (t *memTenant) SignIns(context.Context, string, SignInQuery) ([]SignIn, error) { return nil, nil }
func (t *memTenant) AuditEvents(context.Context, string, AuditQuery) ([]AuditEvent, error) {
	return nil, nil
}
func (t *memTenant) PerUserMFA(context.Context, string) (PerUserMFAState, error) { return "", nil }
func (t *memTenant) Me(context.Context) (Operator, error)                        { return Operator{}, nil }

func (t *memTenant) GroupMembers(context.Context, string) ([]User, error) { return nil, nil }
func (t *memTenant) TAPPolicy(context.Context) (TAPPolicy, error) {
	return TAPPolicy{}, &Error{Kind: ErrUnsupported}
}
func (t *memTenant) TargetRoles(context.Context, string) (TargetRoles, error) {
	return TargetRoles{}, &Error{Kind: ErrUnsupported}
}
func (t *memTenant) Manager(context.Context, string) (User, error) {
	return User{}, &Error{Kind: ErrUnsupported}
}
func (t *memTenant) Traits() Traits { return Traits{} }

// Apply implements Writer over the in-memory tenant.
func (t *memTenant) Apply(ctx context.Context, ch Change) (Result, error) {
	switch ch := ch.(type) {
	case DeleteMethod:
		return Result{}, t.deleteMethod(ctx, ch.UserID, ch.Method)
	case RevokeSessions:
		return Result{}, t.revokeSessions(ctx, ch.UserID)
	case CreateTAP:
		tap, err := t.createTAP(ctx, ch.UserID, ch.Request)
		return Result{TAP: tap}, err
	case SetPerUserMFA:
		return Result{}, t.setPerUserMFA(ctx, ch.UserID, ch.State)
	case SendMail:
		return Result{}, nil
	}
	return Result{}, UnknownChange(ch)
}

var _ Client = (*memTenant)(nil)

// fastOpts are options for unit tests: no real waiting, a high ceiling.
func fastOpts(journal string) BulkOptions {
	return BulkOptions{Journal: journal, Concurrency: 8, MaxRPS: 1e6, Endpoint: "https://graph.test",
		sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }}
}
func (*memTenant) SignInPreferences(ctx context.Context, id string) (SignInPreferences, error) {
	return NoOptionalReads{}.SignInPreferences(ctx, id)
}

// The MFA-requirement reads this double does not model.
func (t *memTenant) UserGroups(ctx context.Context, id string) ([]UserGroup, error) {
	return NoOptionalReads{}.UserGroups(ctx, id)
}
func (t *memTenant) ConditionalAccessPolicies(ctx context.Context) ([]ConditionalAccessPolicy, error) {
	return NoOptionalReads{}.ConditionalAccessPolicies(ctx)
}
func (t *memTenant) SecurityDefaults(ctx context.Context) (SecurityDefaults, error) {
	return NoOptionalReads{}.SecurityDefaults(ctx)
}
func (*memTenant) UserRisk(ctx context.Context, id string) (IdentityRisk, error) {
	return NoOptionalReads{}.UserRisk(ctx, id)
}

func (*memTenant) TenantSignIns(ctx context.Context, q SignInQuery) ([]SignIn, error) {
	return NoOptionalReads{}.TenantSignIns(ctx, q)
}
