package fake

import (
	"slices"
	"strings"
)

// Who may act on whom, from the two tables on
// https://learn.microsoft.com/entra/identity/role-based-access-control/privileged-roles-permissions
// ("Who can perform sensitive actions", "Who can reset passwords"): columns
// are the operator's role, rows the target's roles. A target with no admin
// role is open to every column; one in a role-assignable group, or holding
// a role a column does not list ("All other built-in and custom roles"),
// only to the Privileged Authentication Administrator and Global
// Administrator. (graph/roles.go holds the client's copy.)

const privilegedRolesPage = "https://learn.microsoft.com/entra/identity/role-based-access-control/privileged-roles-permissions"

// More role template ids the tables name.
const (
	RoleGroupsAdmin            = "fdd7a751-b60b-444a-984c-02652fe8fa1c"
	RolePrivilegedRoleAdmin    = "e8611ab8-c189-46e8-94e1-60213ab1f814"
	RoleUXSuccessManager       = "27460883-1df1-4691-b032-3b79643e5e63"
	RoleUsageSummaryReportsRdr = "75934031-6c7e-415a-99d7-48dbd49e875e"
)

func init() {
	RoleNames[RoleGroupsAdmin] = "Groups Administrator"
	RoleNames[RolePrivilegedRoleAdmin] = "Privileged Role Administrator"
	RoleNames[RoleUXSuccessManager] = "User Experience Success Manager"
	RoleNames[RoleUsageSummaryReportsRdr] = "Usage Summary Reports Reader"
}

// targetTable is one of the two tables: operator role -> target roles.
type targetTable map[string][]string

var everyone = []string{"*"}

var (
	ruleSensitiveActions = docRule("roles.sensitive-actions",
		"credentials (authentication methods, TAPs) of a user holding an admin role, or in a role-assignable group, change only for the operator roles the \"Who can perform sensitive actions\" table allows; others get 403",
		privilegedRolesPage+"#who-can-perform-sensitive-actions")
	ruleResetPasswords = docRule("roles.reset-passwords",
		"refresh tokens (revokeSignInSessions) of a user holding an admin role, or in a role-assignable group, are invalidated only by the operator roles the \"Who can reset passwords\" table allows; others get 403",
		privilegedRolesPage+"#who-can-reset-passwords")
	ruleRoleAssignableGroup = docRule("roles.role-assignable-group",
		"a user with no admin role but a member of a role-assignable group counts as privileged: only the Privileged Authentication Administrator and Global Administrator may change their credentials or invalidate their tokens",
		privilegedRolesPage+"#who-can-perform-sensitive-actions")
)

// sensitiveActions: "Who can perform sensitive actions" (Auth Admin, User
// Admin, Privileged Auth Admin, Global Admin columns).
var sensitiveActions = targetTable{
	RoleAuthAdmin: {RoleAuthAdmin, RoleDirectoryReaders, RoleGuestInviter, RoleMessageCenterReader,
		RolePasswordAdmin, RoleReportsReader, RoleUXSuccessManager, RoleUsageSummaryReportsRdr},
	RoleUserAdmin: {RoleDirectoryReaders, RoleGroupsAdmin, RoleGuestInviter, RoleHelpdeskAdmin,
		RoleMessageCenterReader, RolePasswordAdmin, RoleReportsReader, RoleUserAdmin,
		RoleUXSuccessManager, RoleUsageSummaryReportsRdr},
	RolePrivilegedAuthAdmin: everyone,
	RoleGlobalAdmin:         everyone,
}

// resetPasswords: "Who can reset passwords" ("the roles that can reset
// passwords and invalidate refresh tokens").
var resetPasswords = targetTable{
	RolePasswordAdmin: {RoleDirectoryReaders, RoleGuestInviter, RolePasswordAdmin},
	RoleHelpdeskAdmin: {RoleDirectoryReaders, RoleGuestInviter, RoleHelpdeskAdmin, RoleMessageCenterReader,
		RolePasswordAdmin, RoleReportsReader, RoleUXSuccessManager, RoleUsageSummaryReportsRdr},
	RoleAuthAdmin: {RoleAuthAdmin, RoleDirectoryReaders, RoleGuestInviter, RoleMessageCenterReader,
		RolePasswordAdmin, RoleReportsReader, RoleUXSuccessManager, RoleUsageSummaryReportsRdr},
	RoleUserAdmin: {RoleDirectoryReaders, RoleGroupsAdmin, RoleGuestInviter, RoleHelpdeskAdmin,
		RoleMessageCenterReader, RolePasswordAdmin, RoleReportsReader, RoleUserAdmin,
		RoleUXSuccessManager, RoleUsageSummaryReportsRdr},
	RolePrivilegedAuthAdmin: everyone,
	RoleGlobalAdmin:         everyone,
}

// mayActOn: may an operator holding wids act on a target with roles,
// who is (or is not) in a role-assignable group, under table?
func (tb targetTable) mayActOn(wids, roles []string, inRoleGroup bool) bool {
	for _, w := range wids {
		allowed, ok := tb[strings.ToLower(w)]
		if !ok {
			continue
		}
		if slices.Equal(allowed, everyone) {
			return true
		}
		if inRoleGroup {
			continue
		}
		all := true
		for _, r := range roles {
			if !slices.Contains(allowed, strings.ToLower(r)) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// inRoleAssignableGroup reports whether id is a member of a role-assignable
// group (directly: such groups cannot have groups as members).
func (t *Tenant) inRoleAssignableGroup(id string) bool {
	for i := range t.groups {
		g := &t.groups[i]
		if g.IsAssignableToRole && slices.ContainsFunc(g.MemberIDs, func(m string) bool { return strings.EqualFold(m, id) }) {
			return true
		}
	}
	return false
}

// memberGroups lists the groups id belongs to, directly or (transitive)
// through nested groups, in tenant order.
func (t *Tenant) memberGroups(id string, transitive bool) []*GroupData {
	in := map[string]bool{strings.ToLower(id): true}
	var out []*GroupData
	for changed := true; changed; {
		changed = false
		for i := range t.groups {
			g := &t.groups[i]
			if in[strings.ToLower(g.ID)] {
				continue
			}
			for _, m := range g.MemberIDs {
				if in[strings.ToLower(m)] && (transitive || strings.EqualFold(m, id)) {
					in[strings.ToLower(g.ID)] = true
					out = append(out, g)
					changed = true
					break
				}
			}
		}
	}
	return out
}
