// Package stub is an in-memory graph.Client for the TUI's Update-level unit
// tests: fast, deterministic, inspectable (which calls were made), and able
// to hold a call open (Gate) so tests can check what the UI does while a
// request is in flight. Golden and end-to-end tests use the real client and
// the fake tenant instead.
package stub

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mfadesk/mfadesk/graph"
)

// Client is the stub. Zero value is not usable; use New.
type Client struct {
	graph.NoOptionalReads
	mu       sync.Mutex
	Users    []graph.User
	Methods  map[string][]graph.Method
	Regs     map[string]graph.Registration
	SignInsM map[string][]graph.SignIn
	Audit    map[string][]graph.AuditEvent
	MFA      map[string]graph.PerUserMFAState
	Op       graph.Operator
	Mails    []graph.Mail
	// Fail makes the named call fail for the given user id ("" = any):
	// Fail["RevokeSessions"] = "u3".
	Fail map[string]string
	// Gate, when set for a call name, blocks that call until a value is
	// received (or ctx is done).
	Gate  map[string]chan struct{}
	calls []string
	// PageSize overrides the page size SearchUsers uses (tests of paging).
	PageSize int
}

// New returns a stub with n generated users (u0..u{n-1}) and the given
// operator roles.
func New(n int) *Client {
	c := &Client{
		Methods:  map[string][]graph.Method{},
		Regs:     map[string]graph.Registration{},
		SignInsM: map[string][]graph.SignIn{},
		Audit:    map[string][]graph.AuditEvent{},
		MFA:      map[string]graph.PerUserMFAState{},
		Fail:     map[string]string{},
		Gate:     map[string]chan struct{}{},
		Op: graph.Operator{ID: "op", DisplayName: "Helpdesk Harry", UserPrincipalName: "harry@contoso.com",
			DirectoryRoles: []string{"Privileged Authentication Administrator"}},
	}
	base := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		id := "u" + strconv.Itoa(i)
		name := fmt.Sprintf("User %04d", i)
		upn := fmt.Sprintf("user%04d@contoso.com", i)
		u := graph.User{ID: id, DisplayName: name, UserPrincipalName: upn, Mail: upn, AccountEnabled: true, UserType: "Member"}
		c.Users = append(c.Users, u)
		c.Methods[id] = []graph.Method{
			{ID: graph.PasswordMethodID, Kind: graph.KindPassword, Detail: "password"},
			{ID: id + "-auth", Kind: graph.KindAuthenticator, Detail: "Pixel 8", IsDefault: true},
			{ID: id + "-phone", Kind: graph.KindPhone, Detail: "mobile +1 XXXXXXX890", PhoneType: "mobile"},
		}
		c.Regs[id] = graph.Registration{ID: id, UserPrincipalName: upn, UserDisplayName: name,
			IsMfaRegistered: i%3 != 0, IsMfaCapable: i%3 != 0, IsAdmin: i%10 == 0,
			MethodsRegistered: []string{"microsoftAuthenticatorPush", "mobilePhone"}}
		c.SignInsM[id] = []graph.SignIn{
			{ID: id + "-s1", CreatedDateTime: base, UserID: id, AppDisplayName: "Office 365", Status: graph.Status{ErrorCode: 50074, FailureReason: "Strong Authentication is required."}},
			{ID: id + "-s2", CreatedDateTime: base.Add(-time.Hour), UserID: id, AppDisplayName: "Teams"},
		}
		c.MFA[id] = graph.PerUserMFADisabled
	}
	return c
}

// Calls returns the calls made so far ("SearchUsers(al)", "DeleteMethod(u1,u1-phone)").
func (c *Client) Calls() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.calls...)
}

// CountCalls counts calls whose record starts with prefix.
func (c *Client) CountCalls(prefix string) int {
	n := 0
	for _, s := range c.Calls() {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

func (c *Client) enter(ctx context.Context, name, user string, arg ...string) error {
	c.mu.Lock()
	rec := name + "(" + strings.Join(append([]string{user}, arg...), ",") + ")"
	c.calls = append(c.calls, rec)
	gate := c.Gate[name]
	fail, failing := c.Fail[name]
	c.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return &graph.Error{Kind: graph.ErrUnavailable, Op: name, Message: "cancelled"}
		}
	}
	if err := ctx.Err(); err != nil {
		return &graph.Error{Kind: graph.ErrUnavailable, Op: name, Message: "cancelled"}
	}
	if failing && (fail == "" || fail == user) {
		return &graph.Error{Kind: graph.ErrDenied, Op: name + " " + user, Status: 403,
			Code: "accessDenied", Message: "Insufficient privileges", RequestID: "req-" + user}
	}
	return nil
}

func (c *Client) SearchUsers(ctx context.Context, q string, pageSize int) (graph.Page[graph.User], error) {
	if err := c.enter(ctx, "SearchUsers", q); err != nil {
		return graph.Page[graph.User]{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var all []graph.User
	ql := strings.ToLower(q)
	for _, u := range c.Users {
		if ql == "" || strings.Contains(strings.ToLower(u.DisplayName), ql) || strings.Contains(strings.ToLower(u.UserPrincipalName), ql) {
			all = append(all, u)
		}
	}
	if c.PageSize > 0 {
		pageSize = c.PageSize
	}
	if pageSize <= 0 {
		pageSize = 25
	}
	return c.page(all, 0, pageSize, q), nil
}

func (c *Client) page(all []graph.User, from, size int, q string) graph.Page[graph.User] {
	to := min(from+size, len(all))
	p := graph.Page[graph.User]{Items: append([]graph.User(nil), all[from:to]...), Count: len(all)}
	if to < len(all) {
		p.Next = fmt.Sprintf("%d|%d|%s", to, size, q)
	}
	return p
}

func (c *Client) NextUsers(ctx context.Context, next string) (graph.Page[graph.User], error) {
	if err := c.enter(ctx, "NextUsers", next); err != nil {
		return graph.Page[graph.User]{}, err
	}
	parts := strings.SplitN(next, "|", 3)
	from, _ := strconv.Atoi(parts[0])
	size, _ := strconv.Atoi(parts[1])
	c.mu.Lock()
	defer c.mu.Unlock()
	var all []graph.User
	ql := strings.ToLower(parts[2])
	for _, u := range c.Users {
		if ql == "" || strings.Contains(strings.ToLower(u.DisplayName), ql) || strings.Contains(strings.ToLower(u.UserPrincipalName), ql) {
			all = append(all, u)
		}
	}
	return c.page(all, from, size, parts[2]), nil
}

func (c *Client) ResolveUser(ctx context.Context, idOrUPN string) (graph.User, error) {
	if err := c.enter(ctx, "ResolveUser", idOrUPN); err != nil {
		return graph.User{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, u := range c.Users {
		if u.ID == idOrUPN || strings.EqualFold(u.UserPrincipalName, idOrUPN) {
			return u, nil
		}
	}
	return graph.User{}, &graph.Error{Kind: graph.ErrNotFound, Op: "resolve " + idOrUPN, Status: 404}
}

func (c *Client) ListMethods(ctx context.Context, userID string) ([]graph.Method, error) {
	if err := c.enter(ctx, "ListMethods", userID); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]graph.Method(nil), c.Methods[userID]...), nil
}

func (c *Client) deleteMethod(ctx context.Context, userID string, m graph.Method) error {
	if err := c.enter(ctx, "DeleteMethod", userID, m.ID); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	ms := c.Methods[userID]
	for i, x := range ms {
		if x.ID == m.ID {
			c.Methods[userID] = append(ms[:i:i], ms[i+1:]...)
			c.Audit[userID] = append([]graph.AuditEvent{{ID: "a" + m.ID, Activity: "Admin deleted security info",
				InitiatedBy: c.Op.UserPrincipalName, Result: "success", TargetID: userID}}, c.Audit[userID]...)
			return nil
		}
	}
	return &graph.Error{Kind: graph.ErrNotFound, Op: "delete " + m.ID, Status: 404}
}

func (c *Client) Registration(ctx context.Context, userID string) (graph.Registration, error) {
	if err := c.enter(ctx, "Registration", userID); err != nil {
		return graph.Registration{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Regs[userID], nil
}

func (c *Client) Registrations(ctx context.Context, f graph.RegistrationFilter) (graph.Page[graph.Registration], error) {
	if err := c.enter(ctx, "Registrations", ""); err != nil {
		return graph.Page[graph.Registration]{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	p := graph.Page[graph.Registration]{Count: -1}
	for _, u := range c.Users {
		if r := c.Regs[u.ID]; f.IsAdmin == nil || r.IsAdmin == *f.IsAdmin {
			p.Items = append(p.Items, r)
		}
	}
	return p, nil
}

func (c *Client) NextRegistrations(ctx context.Context, next string) (graph.Page[graph.Registration], error) {
	return graph.Page[graph.Registration]{}, c.enter(ctx, "NextRegistrations", next)
}

func (c *Client) SignIns(ctx context.Context, userID string, q graph.SignInQuery) ([]graph.SignIn, error) {
	if err := c.enter(ctx, "SignIns", userID); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]graph.SignIn(nil), c.SignInsM[userID]...), nil
}

func (c *Client) AuditEvents(ctx context.Context, userID string, q graph.AuditQuery) ([]graph.AuditEvent, error) {
	if err := c.enter(ctx, "AuditEvents", userID); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]graph.AuditEvent(nil), c.Audit[userID]...), nil
}

func (c *Client) revokeSessions(ctx context.Context, userID string) error {
	return c.enter(ctx, "RevokeSessions", userID)
}

func (c *Client) createTAP(ctx context.Context, userID string, req graph.TAPRequest) (graph.TAP, error) {
	if err := c.enter(ctx, "CreateTAP", userID); err != nil {
		return graph.TAP{}, err
	}
	lt := req.LifetimeMinutes
	if lt == 0 {
		lt = 60
	}
	return graph.TAP{ID: userID + "-tap", Value: "Tap+" + userID + "!x9", LifetimeMinutes: lt,
		Start: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC), IsUsable: true, IsUsableOnce: req.IsUsableOnce}, nil
}

func (c *Client) PerUserMFA(ctx context.Context, userID string) (graph.PerUserMFAState, error) {
	if err := c.enter(ctx, "PerUserMFA", userID); err != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.MFA[userID], nil
}

func (c *Client) setPerUserMFA(ctx context.Context, userID string, s graph.PerUserMFAState) error {
	if err := c.enter(ctx, "SetPerUserMFA", userID, string(s)); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.MFA[userID] = s
	return nil
}

func (c *Client) sendMail(ctx context.Context, m graph.Mail) error {
	if err := c.enter(ctx, "SendMail", strings.Join(m.To, ";")); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Mails = append(c.Mails, m)
	return nil
}

func (c *Client) Me(ctx context.Context) (graph.Operator, error) {
	if err := c.enter(ctx, "Me", ""); err != nil {
		return graph.Operator{}, err
	}
	return c.Op, nil
}

// Apply implements graph.Writer over the in-memory tenant.
func (c *Client) Apply(ctx context.Context, ch graph.Change) (graph.Result, error) {
	switch ch := ch.(type) {
	case graph.DeleteMethod:
		return graph.Result{}, c.deleteMethod(ctx, ch.UserID, ch.Method)
	case graph.RevokeSessions:
		return graph.Result{}, c.revokeSessions(ctx, ch.UserID)
	case graph.CreateTAP:
		tap, err := c.createTAP(ctx, ch.UserID, ch.Request)
		return graph.Result{TAP: tap}, err
	case graph.SetPerUserMFA:
		return graph.Result{}, c.setPerUserMFA(ctx, ch.UserID, ch.State)
	case graph.SendMail:
		return graph.Result{}, c.sendMail(ctx, ch.Mail)
	}
	return graph.Result{}, graph.UnknownChange(ch)
}

var _ graph.Client = (*Client)(nil)
