package fake

import (
	"encoding/json"
	"strconv"
	"strings"
)

// PATCH /users/{id} {"accountEnabled": false|true}: block or unblock
// sign-in (mfadesk's block / unblock). The fake updates only accountEnabled,
// the one property mfadesk writes.

var (
	rulePermAccountEnabled = docRule("perm.users.accountenabled",
		"updating accountEnabled needs User.EnableDisableAccount.All together with User.Read.All (the documented least privileged pair), or User.ReadWrite.All / Directory.ReadWrite.All; "+
			"and Authentication Administrator, User Administrator, Privileged Authentication Administrator or Global Administrator (which targets: roles.sensitive-actions, \"Disable or enable users\")",
		"api-reference/v1.0/api/user-update.md")
	_ = docRule("users.accountenabled.privileged",
		"accountEnabled of a user with a privileged administrator role needs the delegated Directory.AccessAsUser.All permission and a higher privileged role (\"Who can perform sensitive actions\"); an app without it is refused",
		"api-reference/beta/api/user-update.md")
	_ = docRule("users.accountenabled.body",
		"accountEnabled is a Boolean; a body without it, or with a non-Boolean value, is a 400",
		"api-reference/v1.0/api/user-update.md")
)

// accountScopes grant writing accountEnabled; accountReadScopes are the
// read permissions User.EnableDisableAccount.All must come with.
var (
	accountScopes     = []string{"User.EnableDisableAccount.All", "User.ReadWrite.All", "Directory.ReadWrite.All"}
	accountReadScopes = []string{"User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	// accountWriters hold microsoft.directory/users/disable and enable:
	// the columns of "Who can perform sensitive actions".
	accountWriters = []string{RoleGlobalAdmin, RolePrivilegedAuthAdmin, RoleAuthAdmin, RoleUserAdmin}
	// unprivilegedRoles are the roles of the sensitive-actions table that
	// Entra does not label privileged: a user holding only these is not a
	// "user with a privileged administrator role".
	unprivilegedRoles = []string{RoleDirectoryReaders, RoleGuestInviter, RoleMessageCenterReader, RoleReportsReader,
		"27460883-1df1-4691-b032-3b79643e5e63", "75934031-6c7e-415a-99d7-48dbd49e875e", roleDefaultUserTemplate}
)

func init() {
	Permissions = append(Permissions, Permission{Op: OpWriteAccountEnabled, Scopes: accountScopes, AppRoles: accountScopes,
		Roles: accountWriters, Targets: sensitiveActions, Rule: rulePermAccountEnabled})
}

// OpWriteAccountEnabled is PATCH /users/{id} with accountEnabled.
const OpWriteAccountEnabled Op = "users.accountenabled"

// privilegedTarget reports a user holding a privileged administrator role
// (or in a role-assignable group).
func (t *Tenant) privilegedTarget(u *UserData) bool {
	if t.inRoleAssignableGroup(u.ID) {
		return true
	}
	for _, r := range u.Roles {
		if !hasAny([]string{r}, unprivilegedRoles) {
			return true
		}
	}
	return false
}

// updateUser answers PATCH /users/{id}.
func (t *Tenant) updateUser(rc *reqCtx, ref string) response {
	u, bad := t.target(rc, ref)
	if bad != nil {
		return *bad
	}
	if r := t.authorize(rc, OpWriteAccountEnabled, &u.UserData); r != nil {
		return *r
	}
	// users.accountenabled.body
	var body map[string]json.RawMessage
	if r := readJSON(rc, &body); r != nil {
		return *r
	}
	// The SDK's user model names its type; Graph accepts that.
	if t, ok := body["@odata.type"]; ok && string(t) == `"#microsoft.graph.user"` {
		delete(body, "@odata.type")
	}
	raw, ok := body["accountEnabled"]
	if !ok || len(body) != 1 {
		return rc.fail(400, "Request_BadRequest", "The fake tenant updates only accountEnabled.")
	}
	var enabled bool
	if err := json.Unmarshal(raw, &enabled); err != nil {
		return rc.fail(400, "Request_BadRequest", "Invalid value specified for property 'accountEnabled' of resource 'User'.")
	}
	if !rc.op.Demo {
		// User.EnableDisableAccount.All alone does not do: the page names
		// it with User.Read.All (or a wider permission that reads users).
		granted := rc.op.Scopes
		if rc.op.AppOnly {
			granted = rc.op.AppRoles
		}
		if !hasAny(granted, accountReadScopes) {
			return rc.fail(403, "Authorization_RequestDenied", insufficientPrivilegesMessage)
		}
		// users.accountenabled.privileged
		if t.privilegedTarget(&u.UserData) && (rc.op.AppOnly || !hasAny(rc.op.Scopes, []string{"Directory.AccessAsUser.All"})) {
			return rc.fail(403, "Authorization_RequestDenied", insufficientPrivilegesMessage)
		}
	}
	old := u.AccountEnabled
	u.AccountEnabled = enabled
	activity := "Disable account"
	if enabled {
		activity = "Enable account"
	}
	t.audit(rc, u, activity, coreDirectoryService, "Update",
		ModifiedProperty{DisplayName: "AccountEnabled", OldValue: "[" + strconv.FormatBool(old) + "]", NewValue: "[" + strconv.FormatBool(enabled) + "]"})
	return response{status: 204}
}

// routeUserPatch is PATCH /users/{id} (the update page), nil otherwise.
func (t *Tenant) routeUserPatch(rc *reqCtx, ref string) func(*reqCtx) response {
	if rc.method != "PATCH" || ref == "" || strings.HasPrefix(ref, "$") {
		return nil
	}
	return func(rc *reqCtx) response { return t.updateUser(rc, ref) }
}
