package graph

import (
	"slices"
	"strings"
)

// Who may act on whom. Microsoft publishes two tables of "which admin role
// may change which user", by the roles the target user holds
// (learn.microsoft.com/entra/identity/role-based-access-control/privileged-roles-permissions):
//
//   - "Who can perform sensitive actions": the roles that may change a
//     user's credentials and sensitive properties. The authentication
//     methods pages send here ("Authentication Administrator: Yes for some
//     users", the "Compare authentication roles" table on the same page).
//   - "Who can reset passwords": the roles that may reset passwords and
//     invalidate refresh tokens, which is what revokeSignInSessions does.
//
// Columns are the operator's role, rows the target's roles. A target with
// no admin role is open to every column. A target who is a member (or
// owner) of a role-assignable group, or holds any role a column does not
// list ("All other built-in and custom roles"), is open only to the
// Privileged Authentication Administrator and the Global Administrator.

// More directory role template ids, for the target tables.
const (
	RolePasswordAdmin          = "966707d0-3269-4727-9be2-8c3a10f19b9d"
	RoleDirectoryReaders       = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
	RoleGuestInviter           = "95e79109-95c0-4d8e-aee3-d01accf2d47b"
	RoleMessageCenterReader    = "790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b"
	RoleGroupsAdmin            = "fdd7a751-b60b-444a-984c-02652fe8fa1c"
	RolePrivilegedRoleAdmin    = "e8611ab8-c189-46e8-94e1-60213ab1f814"
	RoleUXSuccessManager       = "27460883-1df1-4691-b032-3b79643e5e63"
	RoleUsageSummaryReportsRdr = "75934031-6c7e-415a-99d7-48dbd49e875e"
)

func init() {
	for id, n := range map[string]string{
		RolePasswordAdmin:          "Password Administrator",
		RoleDirectoryReaders:       "Directory Readers",
		RoleGuestInviter:           "Guest Inviter",
		RoleMessageCenterReader:    "Message Center Reader",
		RoleGroupsAdmin:            "Groups Administrator",
		RolePrivilegedRoleAdmin:    "Privileged Role Administrator",
		RoleUXSuccessManager:       "User Experience Success Manager",
		RoleUsageSummaryReportsRdr: "Usage Summary Reports Reader",
	} {
		RoleNames[id] = n
	}
}

// TargetRule names the table that decides whether an operator's role may
// act on a given user.
type TargetRule string

const (
	// TargetAny: the target's roles make no difference.
	TargetAny TargetRule = ""
	// TargetSensitive: "Who can perform sensitive actions".
	TargetSensitive TargetRule = "sensitiveActions"
	// TargetPasswordReset: "Who can reset passwords" (and invalidate
	// refresh tokens).
	TargetPasswordReset TargetRule = "resetPasswords"
)

// SourcePrivilegedRoles is the page both target tables are on.
const SourcePrivilegedRoles = "https://learn.microsoft.com/entra/identity/role-based-access-control/privileged-roles-permissions"

// allTargets marks a column that may act on every user.
var allTargets = []string{"*"}

// The Authentication Administrator's and User Administrator's columns are
// the same in both of the page's tables.
var (
	authAdminTargets = []string{RoleAuthAdmin, RoleDirectoryReaders, RoleGuestInviter, RoleMessageCenterReader,
		RolePasswordAdmin, RoleReportsReader, RoleUXSuccessManager, RoleUsageSummaryReportsRdr}
	userAdminTargets = []string{RoleDirectoryReaders, RoleGroupsAdmin, RoleGuestInviter, RoleHelpdeskAdmin,
		RoleMessageCenterReader, RolePasswordAdmin, RoleReportsReader, RoleUserAdmin,
		RoleUXSuccessManager, RoleUsageSummaryReportsRdr}
)

// targetTables: per rule, per operator role (column), the target roles
// (rows) that column may act on. A user without admin roles is always
// allowed and is not listed.
var targetTables = map[TargetRule]map[string][]string{
	TargetSensitive: {
		RoleAuthAdmin:           authAdminTargets,
		RoleUserAdmin:           userAdminTargets,
		RolePrivilegedAuthAdmin: allTargets,
		RoleGlobalAdmin:         allTargets,
	},
	TargetPasswordReset: {
		RolePasswordAdmin: {RoleDirectoryReaders, RoleGuestInviter, RolePasswordAdmin},
		RoleHelpdeskAdmin: {RoleDirectoryReaders, RoleGuestInviter, RoleHelpdeskAdmin, RoleMessageCenterReader,
			RolePasswordAdmin, RoleReportsReader, RoleUXSuccessManager, RoleUsageSummaryReportsRdr},
		RoleAuthAdmin:           authAdminTargets,
		RoleUserAdmin:           userAdminTargets,
		RolePrivilegedAuthAdmin: allTargets,
		RoleGlobalAdmin:         allTargets,
	},
}

// TargetRoles is what the client knows of the user an action is for.
type TargetRoles struct {
	// Known: Roles and RoleAssignableGroups were read from the directory
	// (Reader.TargetRoles). Otherwise only Admin is known, from the
	// registration report's isAdmin, and any admin role is assumed.
	Known bool
	Admin bool
	// Roles are the directory role template ids the user holds, directly
	// or through a group.
	Roles []string
	// RoleAssignableGroups are the display names of the role-assignable
	// groups the user is a member of.
	RoleAssignableGroups []string
}

// TargetRolesFromRegistration is the target as the registration report tells it
// (nil for nil: an unknown user, to whom no target rule is applied).
func TargetRolesFromRegistration(r *Registration) *TargetRoles {
	if r == nil {
		return nil
	}
	return &TargetRoles{Admin: r.IsAdmin}
}

// AnyAdminTarget is an admin of unknown roles, whom only the roles that may
// act on every user may change (doctor's "on admins").
func AnyAdminTarget() *TargetRoles { return &TargetRoles{Admin: true} }

// IsAdmin reports a target holding a directory role or in a role-assignable
// group.
func (t *TargetRoles) IsAdmin() bool {
	if t == nil {
		return false
	}
	if !t.Known {
		return t.Admin
	}
	return len(adminRoles(t.Roles)) > 0 || len(t.RoleAssignableGroups) > 0
}

// unprivilegedRoles are the roles of the sensitive-actions table Entra does
// not label privileged (privileged-roles-permissions: "Which roles and
// permissions are privileged?"); every other role counts as privileged.
var unprivilegedRoles = []string{RoleDirectoryReaders, RoleGuestInviter, RoleMessageCenterReader,
	RoleReportsReader, RoleUXSuccessManager, RoleUsageSummaryReportsRdr}

// HoldsPrivileged reports a target holding a privileged administrator role
// or in a role-assignable group. Unknown roles (only the report's isAdmin)
// count as privileged: refuse rather than guess.
func (t *TargetRoles) HoldsPrivileged() bool {
	if t == nil {
		return false
	}
	if !t.Known {
		return t.Admin
	}
	if len(t.RoleAssignableGroups) > 0 {
		return true
	}
	for _, r := range adminRoles(t.Roles) {
		if !slices.Contains(unprivilegedRoles, r) {
			return true
		}
	}
	return false
}

// adminRoles drops the implicit member and guest roles.
func adminRoles(ids []string) []string {
	var out []string
	for _, id := range ids {
		id = strings.ToLower(id)
		switch id {
		case roleDefaultUserTemplateID, roleGuestUserTemplateID, roleRestrictedGuestUserTID:
			continue
		}
		out = append(out, id)
	}
	return out
}

// mayActOn reports whether a column (operator role) of rule's table may
// act on t, and if not the reason (the first role or group it may not).
func mayActOn(rule TargetRule, column string, t *TargetRoles) (bool, string) {
	allowed, ok := targetTables[rule][column]
	if !ok {
		return false, ""
	}
	if slices.Equal(allowed, allTargets) {
		return true, ""
	}
	if !t.Known {
		if t.Admin {
			return false, "the target is an admin"
		}
		return true, ""
	}
	for _, r := range adminRoles(t.Roles) {
		if !slices.Contains(allowed, r) {
			return false, "the target holds the " + RoleName(r) + " role"
		}
	}
	if len(t.RoleAssignableGroups) > 0 {
		return false, "the target is a member of the role-assignable group " + quoteName(t.RoleAssignableGroups[0])
	}
	return true, ""
}

func quoteName(s string) string { return "\"" + CleanText(s) + "\"" }

// targetOK applies r's target rule for an operator holding held (lower-case
// template ids). why names the target's blocking role or group and the
// roles that could act on it.
func targetOK(r Requirement, held []string, t *TargetRoles) (bool, string) {
	if r.Target == TargetAny || t == nil {
		return true, ""
	}
	var because string
	for _, id := range r.Roles {
		if !slices.Contains(held, id) {
			continue
		}
		ok, why := mayActOn(r.Target, id, t)
		if ok {
			return true, ""
		}
		if because == "" {
			because = why
		}
	}
	if because == "" {
		// The operator holds a role of r.Roles outside the table (none
		// today): nothing to decide with, so let Graph answer.
		return true, ""
	}
	var could []string
	for _, id := range r.Roles {
		if ok, _ := mayActOn(r.Target, id, t); ok {
			could = append(could, RoleName(id))
		}
	}
	return false, because + ": needs the " + OrList(could) + " role"
}
