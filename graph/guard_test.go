package graph_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/mfadesk/mfadesk/graph"
)

// spyClient is a graph.Client double: a small directory, every call
// recorded. Reads answer from users; writes succeed (or fail with
// writeErr) and are counted.
type spyClient struct {
	graph.Client // nil: an unexpected call panics the test

	mu       sync.Mutex
	users    []graph.User
	groups   map[string][]graph.User
	calls    []string
	writeErr error
	// resolveErr, when set, fails ResolveUser (not found is by lookup).
	resolveErr error
}

func (s *spyClient) record(call string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, call)
}

func (s *spyClient) callList() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

func (s *spyClient) writes() []string {
	var w []string
	for _, c := range s.callList() {
		if !strings.HasPrefix(c, "resolve ") && !strings.HasPrefix(c, "members ") && !strings.HasPrefix(c, "read ") {
			w = append(w, c)
		}
	}
	return w
}

func (s *spyClient) ResolveUser(_ context.Context, idOrUPN string) (graph.User, error) {
	s.record("resolve " + idOrUPN)
	if s.resolveErr != nil {
		return graph.User{}, s.resolveErr
	}
	for _, u := range s.users {
		if strings.EqualFold(u.ID, idOrUPN) || strings.EqualFold(u.UserPrincipalName, idOrUPN) {
			return u, nil
		}
	}
	return graph.User{}, &graph.Error{Kind: graph.ErrNotFound, Op: "look up user " + idOrUPN, Status: 404}
}

func (s *spyClient) ListMethods(_ context.Context, userID string) ([]graph.Method, error) {
	s.record("read methods " + userID)
	return []graph.Method{{ID: "m1", Kind: graph.KindPhone}}, nil
}

func (s *spyClient) Me(context.Context) (graph.Operator, error) {
	s.record("read me")
	return graph.Operator{UserPrincipalName: "op@contoso.com", TenantID: "tid"}, nil
}

func (s *spyClient) deleteMethod(_ context.Context, userID string, m graph.Method) error {
	s.record("delete " + userID + " " + m.ID)
	return s.writeErr
}

func (s *spyClient) revokeSessions(_ context.Context, userID string) error {
	s.record("revoke " + userID)
	return s.writeErr
}

func (s *spyClient) createTAP(_ context.Context, userID string, req graph.TAPRequest) (graph.TAP, error) {
	s.record("tap " + userID)
	if s.writeErr != nil {
		return graph.TAP{}, s.writeErr
	}
	return graph.TAP{ID: "tap-id-1", Value: "SECRET-TAP-VALUE-Xy7!", LifetimeMinutes: req.LifetimeMinutes, IsUsable: true}, nil
}

func (s *spyClient) setPerUserMFA(_ context.Context, userID string, st graph.PerUserMFAState) error {
	s.record("mfa " + userID + " " + string(st))
	return s.writeErr
}

func (s *spyClient) sendMail(_ context.Context, m graph.Mail) error {
	s.record("mail " + strings.Join(m.To, ","))
	return s.writeErr
}

// Apply implements graph.Writer: every change is recorded as a call.
func (s *spyClient) Apply(ctx context.Context, ch graph.Change) (graph.Result, error) {
	switch ch := ch.(type) {
	case graph.DeleteMethod:
		return graph.Result{}, s.deleteMethod(ctx, ch.UserID, ch.Method)
	case graph.RevokeSessions:
		return graph.Result{}, s.revokeSessions(ctx, ch.UserID)
	case graph.CreateTAP:
		tap, err := s.createTAP(ctx, ch.UserID, ch.Request)
		return graph.Result{TAP: tap}, err
	case graph.SetPerUserMFA:
		return graph.Result{}, s.setPerUserMFA(ctx, ch.UserID, ch.State)
	case graph.SetDefaultMethod:
		s.record("default " + ch.UserID + " " + ch.Method.ID)
		return graph.Result{}, s.writeErr
	case graph.SendMail:
		return graph.Result{}, s.sendMail(ctx, ch.Mail)
	}
	return graph.Result{}, graph.UnknownChange(ch)
}

// GroupMembers: the spy alone cannot list groups (spyGroups can).
func (s *spyClient) GroupMembers(ctx context.Context, gid string) ([]graph.User, error) {
	return graph.NoOptionalReads{}.GroupMembers(ctx, gid)
}

// spyGroups adds group members to spyClient.
type spyGroups struct{ *spyClient }

func (s spyGroups) GroupMembers(_ context.Context, gid string) ([]graph.User, error) {
	s.record("members " + gid)
	m, ok := s.groups[gid]
	if !ok {
		return nil, &graph.Error{Kind: graph.ErrNotFound, Op: "list members of group " + gid, Status: 404}
	}
	return m, nil
}

var (
	alice = graph.User{ID: "11111111-1111-1111-1111-111111111111", UserPrincipalName: "alice@contoso.com", DisplayName: "Alice"}
	carol = graph.User{ID: "33333333-3333-3333-3333-333333333333", UserPrincipalName: "carol.martinez@contoso.com", DisplayName: "Carol"}
	glass = graph.User{ID: "44444444-4444-4444-4444-444444444444", UserPrincipalName: "breakglass2@contoso.com", DisplayName: "Break Glass 2"}
	dave  = graph.User{ID: "55555555-5555-5555-5555-555555555555", UserPrincipalName: "dave@contoso.com", DisplayName: "Dave"}
)

const bgGroup = "99999999-9999-9999-9999-999999999999"

func newSpy() *spyClient {
	return &spyClient{users: []graph.User{alice, carol, glass, dave},
		groups: map[string][]graph.User{bgGroup: {glass, dave}}}
}

// everyWrite performs each kind of change on userID through c.
func everyWrite(ctx context.Context, c graph.Client, userID string) map[graph.WriteKind]error {
	_, tapErr := tapOf(c.Apply(ctx, graph.CreateTAP{UserID: userID, Request: graph.TAPRequest{LifetimeMinutes: 60}}))
	return map[graph.WriteKind]error{
		graph.WriteDeleteMethod:   errOf(c.Apply(ctx, graph.DeleteMethod{UserID: userID, Method: graph.Method{ID: "m1", Kind: graph.KindPhone}})),
		graph.WriteRevokeSessions: errOf(c.Apply(ctx, graph.RevokeSessions{UserID: userID})),
		graph.WriteCreateTAP:      tapErr,
		graph.WriteSetPerUserMFA:  errOf(c.Apply(ctx, graph.SetPerUserMFA{UserID: userID, State: graph.PerUserMFAEnforced})),
		graph.WriteSendMail:       errOf(c.Apply(ctx, graph.SendMail{Mail: graph.Mail{To: []string{"x@contoso.com"}, Subject: "s", Body: "b"}})),
	}
}

func TestGuardReadOnlyRefusesEveryWrite(t *testing.T) {
	spy := newSpy()
	c := graph.Guard(spy, graph.GuardOptions{ReadOnly: true, ReadOnlyWhy: `profile "prod" is read-only in config`})
	ctx := context.Background()
	for kind, err := range everyWrite(ctx, c, alice.ID) {
		if !errors.Is(err, graph.ErrReadOnly) {
			t.Errorf("%s in read-only mode: err = %v, want ErrReadOnly", kind, err)
			continue
		}
		if ge, ok := graph.AsError(err); !ok || !strings.Contains(ge.Error(), "read-only") || !strings.Contains(ge.Error(), `profile "prod"`) {
			t.Errorf("%s: message %q does not say read-only and why", kind, err)
		}
	}
	if w := spy.writes(); len(w) != 0 {
		t.Errorf("read-only guard let writes through: %v", w)
	}
	// Reads pass through.
	if ms, err := c.ListMethods(ctx, alice.ID); err != nil || len(ms) != 1 {
		t.Errorf("ListMethods through read-only guard = %v, %v", ms, err)
	}
	if err := graph.CheckWrite(ctx, c, graph.WriteRevokeSessions, alice.ID); !errors.Is(err, graph.ErrReadOnly) {
		t.Errorf("CheckWrite = %v, want ErrReadOnly", err)
	}
}

func TestGuardProtected(t *testing.T) {
	tests := []struct {
		name      string
		opts      graph.GuardOptions
		target    string
		protected bool
		wantText  string
	}{
		{"listed by UPN, target by id", graph.GuardOptions{ProtectedUsers: []string{"carol.martinez@contoso.com"}},
			carol.ID, true, "carol.martinez@contoso.com is protected (break-glass list in config)"},
		{"listed by UPN, target by UPN other case", graph.GuardOptions{ProtectedUsers: []string{"carol.martinez@contoso.com"}},
			"Carol.Martinez@Contoso.com", true, "carol.martinez@contoso.com is protected"},
		{"listed by id, target by UPN", graph.GuardOptions{ProtectedUsers: []string{carol.ID}},
			carol.UserPrincipalName, true, "carol.martinez@contoso.com is protected"},
		{"listed by id, target by id", graph.GuardOptions{ProtectedUsers: []string{" " + carol.ID + " "}},
			carol.ID, true, "carol.martinez@contoso.com is protected"},
		{"custom reason", graph.GuardOptions{ProtectedUsers: []string{carol.ID}, ProtectedWhy: "emergency access account"},
			carol.ID, true, "(emergency access account)"},
		{"group member by id", graph.GuardOptions{ProtectedGroups: []string{bgGroup}},
			glass.ID, true, "breakglass2@contoso.com is protected (member of protected group " + bgGroup},
		{"group member by UPN", graph.GuardOptions{ProtectedGroups: []string{bgGroup}},
			"DAVE@contoso.com", true, "dave@contoso.com is protected"},
		{"not protected", graph.GuardOptions{ProtectedUsers: []string{carol.ID}, ProtectedGroups: []string{bgGroup}},
			alice.ID, false, ""},
		{"unknown protected UPN still protected literally", graph.GuardOptions{ProtectedUsers: []string{"future@contoso.com"}},
			"future@contoso.com", true, "future@contoso.com is protected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spy := newSpy()
			c := graph.Guard(spyGroups{spy}, tt.opts)
			errs := everyWrite(context.Background(), c, tt.target)
			for kind, err := range errs {
				if kind == graph.WriteSendMail {
					if err != nil {
						t.Errorf("SendMail refused: %v", err)
					}
					continue
				}
				if !tt.protected {
					if err != nil {
						t.Errorf("%s on unprotected %s: %v", kind, tt.target, err)
					}
					continue
				}
				if !errors.Is(err, graph.ErrProtected) {
					t.Errorf("%s on %s: err = %v, want ErrProtected", kind, tt.target, err)
					continue
				}
				if !strings.Contains(err.Error(), tt.wantText) {
					t.Errorf("%s: message %q lacks %q", kind, err, tt.wantText)
				}
			}
			want := 1 // the mail
			if !tt.protected {
				want = 5
			}
			if w := spy.writes(); len(w) != want {
				t.Errorf("writes that reached the client: %v, want %d", w, want)
			}
		})
	}
}

func TestGuardResolvesOnce(t *testing.T) {
	spy := newSpy()
	c := graph.Guard(spyGroups{spy}, graph.GuardOptions{ProtectedUsers: []string{carol.UserPrincipalName}, ProtectedGroups: []string{bgGroup}})
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			errOf(c.Apply(ctx, graph.RevokeSessions{UserID: alice.ID}))
			errOf(c.Apply(ctx, graph.RevokeSessions{UserID: carol.ID}))
		})
	}
	wg.Wait()
	var lookups int
	for _, call := range spy.callList() {
		if strings.HasPrefix(call, "resolve ") || strings.HasPrefix(call, "members ") {
			lookups++
		}
	}
	if lookups != 2 {
		t.Errorf("protected lookups = %d, want 2 (once each): %v", lookups, spy.callList())
	}
	if n := len(spy.writes()); n != 8 {
		t.Errorf("writes = %d, want 8 (alice only)", n)
	}
}

func TestGuardFailsClosed(t *testing.T) {
	ctx := context.Background()
	t.Run("lookup fails", func(t *testing.T) {
		spy := newSpy()
		spy.resolveErr = &graph.Error{Kind: graph.ErrUnavailable, Op: "look up user", Status: 503}
		c := graph.Guard(spy, graph.GuardOptions{ProtectedUsers: []string{carol.UserPrincipalName}})
		err := errOf(c.Apply(ctx, graph.RevokeSessions{UserID: alice.ID}))
		if !errors.Is(err, graph.ErrProtected) || !strings.Contains(err.Error(), "cannot check the protected accounts") {
			t.Errorf("err = %v, want a fail-closed refusal", err)
		}
		if len(spy.writes()) != 0 {
			t.Errorf("write went through: %v", spy.writes())
		}
		// Once the lookup works, the change is allowed: failures are not cached.
		spy.resolveErr = nil
		if err := errOf(c.Apply(ctx, graph.RevokeSessions{UserID: alice.ID})); err != nil {
			t.Errorf("after recovery: %v", err)
		}
	})
	t.Run("client cannot list groups", func(t *testing.T) {
		spy := newSpy()
		c := graph.Guard(spy, graph.GuardOptions{ProtectedGroups: []string{bgGroup}})
		err := errOf(c.Apply(ctx, graph.RevokeSessions{UserID: alice.ID}))
		if !errors.Is(err, graph.ErrProtected) || !strings.Contains(err.Error(), "cannot list group members") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("unknown group", func(t *testing.T) {
		spy := newSpy()
		c := graph.Guard(spyGroups{spy}, graph.GuardOptions{ProtectedGroups: []string{"00000000-0000-0000-0000-000000000000"}})
		err := errOf(c.Apply(ctx, graph.RevokeSessions{UserID: alice.ID}))
		if !errors.Is(err, graph.ErrProtected) || !strings.Contains(err.Error(), "fix protected.groups") {
			t.Errorf("err = %v", err)
		}
		if len(spy.writes()) != 0 {
			t.Errorf("write went through: %v", spy.writes())
		}
	})
}

func TestGuardPassesWriteErrorsThrough(t *testing.T) {
	spy := newSpy()
	spy.writeErr = &graph.Error{Kind: graph.ErrConflict, Op: "delete", Status: 400}
	c := graph.Guard(spy, graph.GuardOptions{})
	if err := errOf(c.Apply(context.Background(), graph.DeleteMethod{UserID: alice.ID, Method: graph.Method{ID: "m1"}})); !errors.Is(err, graph.ErrConflict) {
		t.Errorf("err = %v, want the client's ErrConflict", err)
	}
	if got := graph.CheckWrite(context.Background(), spy, graph.WriteDeleteMethod, alice.ID); got != nil {
		t.Errorf("CheckWrite on an unguarded client = %v, want nil", got)
	}
}

// The optional reads this double does not model.
func (*spyClient) TAPPolicy(ctx context.Context) (graph.TAPPolicy, error) {
	return graph.NoOptionalReads{}.TAPPolicy(ctx)
}
func (*spyClient) TargetRoles(ctx context.Context, id string) (graph.TargetRoles, error) {
	return graph.NoOptionalReads{}.TargetRoles(ctx, id)
}
func (*spyClient) Manager(ctx context.Context, id string) (graph.User, error) {
	return graph.NoOptionalReads{}.Manager(ctx, id)
}
func (*spyClient) Traits() graph.Traits { return graph.Traits{} }
func (*spyClient) SignInPreferences(ctx context.Context, id string) (graph.SignInPreferences, error) {
	return graph.NoOptionalReads{}.SignInPreferences(ctx, id)
}

// The MFA-requirement reads this double does not model.
func (*spyClient) UserGroups(ctx context.Context, id string) ([]graph.UserGroup, error) {
	return graph.NoOptionalReads{}.UserGroups(ctx, id)
}
func (*spyClient) ConditionalAccessPolicies(ctx context.Context) ([]graph.ConditionalAccessPolicy, error) {
	return graph.NoOptionalReads{}.ConditionalAccessPolicies(ctx)
}
func (*spyClient) SecurityDefaults(ctx context.Context) (graph.SecurityDefaults, error) {
	return graph.NoOptionalReads{}.SecurityDefaults(ctx)
}
func (*spyClient) UserRisk(ctx context.Context, id string) (graph.IdentityRisk, error) {
	return graph.NoOptionalReads{}.UserRisk(ctx, id)
}

func (*spyClient) TenantSignIns(ctx context.Context, q graph.SignInQuery) ([]graph.SignIn, error) {
	return graph.NoOptionalReads{}.TenantSignIns(ctx, q)
}
