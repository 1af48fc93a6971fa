package graph

import (
	"context"
	"strings"
	"sync"
)

// The registration report's "MFA required" column, for every user at
// once. Reading each user's groups would cost a request per user (50,000
// for a large tenant); instead the few groups the MFA policies name are
// expanded once (GroupMembers: transitive user members, 999 a page), and
// directory roles are read only for the rows the report marks isAdmin
// (a user without an admin role matches no role condition). So the
// column costs 2 requests (policies, security defaults), plus one page
// per 999 members of each named group, plus one per admin.

// MembershipIndex answers Membership for any user from the member lists
// of the groups the policies name and the admins' roles.
type MembershipIndex struct {
	members map[string]map[string]bool // group id -> user ids (lower-case)
	failed  map[string]bool            // groups that could not be read
	mu      sync.Mutex
	roles   map[string][]string // admin user id -> role template ids
}

// ReadMembershipIndex expands the groups the MFA policies of pol name
// (up to 4 at a time). A group that cannot be read leaves its members
// unknown (the verdicts say so), it does not fail the index.
func ReadMembershipIndex(ctx context.Context, c Reader, pol MFAPolicies) *MembershipIndex {
	ix := &MembershipIndex{members: map[string]map[string]bool{}, failed: map[string]bool{}, roles: map[string][]string{}}
	groups := MFAPolicyGroups(pol.Policies)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for _, g := range groups {
		wg.Add(1)
		go func(g string) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			us, err := c.GroupMembers(ctx, g)
			ix.mu.Lock()
			defer ix.mu.Unlock()
			if err != nil {
				ix.failed[strings.ToLower(g)] = true
				return
			}
			set := map[string]bool{}
			for _, u := range us {
				set[strings.ToLower(u.ID)] = true
			}
			ix.members[strings.ToLower(g)] = set
		}(g)
	}
	wg.Wait()
	return ix
}

// SetRoles records an admin's directory roles (TargetRoles).
func (ix *MembershipIndex) SetRoles(userID string, roles []string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.roles[strings.ToLower(userID)] = roles
}

// HasRoles reports whether userID's roles were recorded.
func (ix *MembershipIndex) HasRoles(userID string) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	_, ok := ix.roles[strings.ToLower(userID)]
	return ok
}

// For is the Membership of one user; admin is the report's isAdmin.
func (ix *MembershipIndex) For(userID string, admin bool) Membership {
	return indexMembership{ix: ix, id: strings.ToLower(userID), admin: admin}
}

type indexMembership struct {
	ix    *MembershipIndex
	id    string
	admin bool
}

func (m indexMembership) InGroup(id string) (string, bool, bool) {
	m.ix.mu.Lock()
	defer m.ix.mu.Unlock()
	set, ok := m.ix.members[strings.ToLower(id)]
	if !ok {
		return "", false, false
	}
	return "", set[m.id], true
}

func (m indexMembership) HasRole(id string) (bool, bool) {
	if !m.admin {
		return false, true
	}
	m.ix.mu.Lock()
	defer m.ix.mu.Unlock()
	roles, ok := m.ix.roles[m.id]
	if !ok {
		return false, false
	}
	for _, r := range roles {
		if strings.EqualFold(r, id) {
			return true, true
		}
	}
	return false, true
}

// ReportVerdict evaluates one report row: Conditional Access and security
// defaults only (the per-user state is a beta call per user, the per-user
// column's business).
func ReportVerdict(r *Registration, pol MFAPolicies, ix *MembershipIndex) MFARequirement {
	u := User{ID: r.ID, UserPrincipalName: r.UserPrincipalName, DisplayName: r.UserDisplayName, UserType: "Member"}
	if strings.EqualFold(r.UserType, "guest") {
		u.UserType = "Guest" // the report says "guest", the user object "Guest"
	}
	in := MFAInputs{Policies: pol.Policies, PoliciesErr: pol.PoliciesErr, Defaults: pol.Defaults, DefaultsErr: pol.DefaultsErr,
		PerUserErr: unsupported("read per-user MFA in the report")}
	if ix != nil {
		in.Membership = ix.For(r.ID, r.IsAdmin)
	}
	return EvaluateMFA(u, in)
}
