package fake

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// Stats counts what the fake has served. Keys of Requests are "METHOD
// pattern" with ids replaced, e.g. "DELETE /users/{id}/authentication/fido2Methods/{id}";
// unknown routes count as "METHOD unknown". Batch items count like direct
// requests (and in BatchItems).
type Stats struct {
	Total      int
	Requests   map[string]int
	Priorities map[string]int // by x-ms-throttle-priority header ("" when absent)
	Statuses   map[int]int    // by status code sent (batch items and envelopes both)
	BatchItems int

	Throttled       int // 429s injected by ThrottleRate
	BudgetThrottled int // 429s from the empty token bucket
	Faults          int // 503s injected by FaultRate
	Drops           int // connections closed without a response

	Deletes       int            // methods actually deleted
	DeletesByKind map[string]int // by method kind
	TAPsCreated   int
	// MethodsAdded and MethodsUpdated count phone and email methods
	// created (POST) and changed (PATCH).
	MethodsAdded, MethodsUpdated int
	Revokes                      int
	MailsSent                    int
}

func (s *Stats) init() {
	s.Requests = map[string]int{}
	s.Priorities = map[string]int{}
	s.Statuses = map[int]int{}
	s.DeletesByKind = map[string]int{}
}

func (s *Stats) count(key, priority string) {
	s.Total++
	s.Requests[key]++
	s.Priorities[priority]++
}

func (s *Stats) status(code int) { s.Statuses[code]++ }

// Injected429 is every 429 the fake sent (rate and budget).
func (s Stats) Injected429() int { return s.Throttled + s.BudgetThrottled }

// Stats returns a copy of the request statistics.
func (t *Tenant) Stats() Stats {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.stats
	s.Requests = maps.Clone(s.Requests)
	s.Priorities = maps.Clone(s.Priorities)
	s.Statuses = maps.Clone(s.Statuses)
	s.DeletesByKind = maps.Clone(s.DeletesByKind)
	return s
}

// ResetStats zeroes the statistics (e.g. between benchmark phases).
func (t *Tenant) ResetStats() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stats = Stats{}
	t.stats.init()
}

func cloneUser(u *user, withSignIns bool) UserData {
	d := u.UserData
	d.Roles = slices.Clone(u.Roles)
	d.Methods = make([]MethodData, len(u.Methods))
	for i, m := range u.Methods {
		m.AttestationCertificates = slices.Clone(m.AttestationCertificates)
		d.Methods[i] = m
	}
	if withSignIns {
		d.SignIns = slices.Clone(u.SignIns)
	} else {
		d.SignIns = nil
	}
	return d
}

// withUser runs f on the user (by id or UPN) with the tenant locked; the
// zero T for an unknown user.
func withUser[T any](t *Tenant, idOrUPN string, f func(*user) T) T {
	t.mu.Lock()
	defer t.mu.Unlock()
	if u := t.lookup(idOrUPN); u != nil {
		return f(u)
	}
	var zero T
	return zero
}

// User looks a user up by object id or UPN (case-insensitive) and returns a
// copy without sign-ins (see SignIns).
func (t *Tenant) User(idOrUPN string) (UserData, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	u := t.lookup(idOrUPN)
	if u == nil {
		return UserData{}, false
	}
	return cloneUser(u, false), true
}

// Users returns copies of every user (without sign-ins), in directory order.
func (t *Tenant) Users() []UserData {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]UserData, len(t.users))
	for i, u := range t.users {
		out[i] = cloneUser(u, false)
	}
	return out
}

// UserIDs lists every user's object id in directory order.
func (t *Tenant) UserIDs() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]string, len(t.users))
	for i, u := range t.users {
		out[i] = u.ID
	}
	return out
}

// Methods returns a copy of the user's current methods (password included);
// nil for an unknown user.
func (t *Tenant) Methods(idOrUPN string) []MethodData {
	return withUser(t, idOrUPN, func(u *user) []MethodData { return cloneUser(u, false).Methods })
}

// SignIns returns a copy of the user's sign-ins, newest first.
func (t *Tenant) SignIns(idOrUPN string) []SignInData {
	return withUser(t, idOrUPN, func(u *user) []SignInData { return slices.Clone(t.signInsOf(u)) })
}

// PerUserMFA returns the user's per-user MFA state ("" for an unknown user).
func (t *Tenant) PerUserMFA(idOrUPN string) string {
	return withUser(t, idOrUPN, func(u *user) string { return firstNonEmpty(u.PerUserMFAState, "disabled") })
}

// Audits returns a copy of the directory audit log, oldest first.
func (t *Tenant) Audits() []AuditData {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.audits)
}

// AuditsFor returns the audit entries targeting the user, oldest first.
func (t *Tenant) AuditsFor(userID string) []AuditData {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []AuditData
	for i := range t.audits {
		if auditTargets(&t.audits[i], userID) {
			out = append(out, t.audits[i])
		}
	}
	return out
}

// SentMail returns every message accepted by sendMail, oldest first.
func (t *Tenant) SentMail() []SentMail {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.mail)
}

// Export returns the whole tenant as TenantData (sign-ins included, so a
// file written from it reloads the same tenant).
func (t *Tenant) Export() TenantData {
	t.mu.Lock()
	defer t.mu.Unlock()
	td := TenantData{TenantID: t.tenantID, DisplayName: t.displayName, Domain: t.domain}
	for _, u := range t.users {
		t.signInsOf(u)
		td.Users = append(td.Users, cloneUser(u, true))
	}
	td.Groups = cloneGroups(t.groups)
	td.Policies = clonePolicies(t.policies)
	td.SecurityDefaults = t.securityDefaults
	td.Audits = slices.Clone(t.audits)
	td.SentMail = slices.Clone(t.mail)
	return td
}

// TenantIDValue returns the tenant's id (TenantID unless a file said otherwise).
func (t *Tenant) TenantIDValue() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.tenantID
}

// Update runs f on the stored user: a test hook to arrange state no Graph
// call creates (an expired TAP, a new role). f must not keep the pointer.
// Changing the id or UPN re-indexes the user.
func (t *Tenant) Update(idOrUPN string, f func(u *UserData)) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	u := t.lookup(idOrUPN)
	if u == nil {
		return false
	}
	oldID, oldUPN := strings.ToLower(u.ID), strings.ToLower(u.UserPrincipalName)
	f(&u.UserData)
	delete(t.byID, oldID)
	delete(t.byUPN, oldUPN)
	t.byID[strings.ToLower(u.ID)] = u
	t.byUPN[strings.ToLower(u.UserPrincipalName)] = u
	return true
}

// AddUser adds a user (a test hook); false if the id or UPN is taken.
func (t *Tenant) AddUser(d UserData) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.lookup(d.ID) != nil || t.lookup(d.UserPrincipalName) != nil {
		return false
	}
	u := &user{UserData: d}
	u.setDefaults()
	t.addUser(u)
	return true
}

// Now is the tenant's clock.
func (t *Tenant) Now() time.Time { return t.now() }
