package graph

import (
	"slices"
	"strings"
)

// Action is something an operator can ask mfadesk to do. Operator.Allows
// says before trying whether the operator's token and directory roles permit
// it, so the TUI can disable what would fail and doctor can say why.
type Action string

const (
	ActionReadUsers    Action = "readUsers"    // search and open users
	ActionReadMethods  Action = "readMethods"  // list a user's authentication methods
	ActionDeleteMethod Action = "deleteMethod" // delete one method
	ActionReset        Action = "reset"        // reset MFA: delete every method but the password
	ActionReregister   Action = "reregister"   // "require re-register MFA": phones, Authenticator, software OATH
	ActionRevoke       Action = "revoke"       // revoke sign-in sessions
	ActionTAP          Action = "tap"          // issue a Temporary Access Pass
	ActionReadPerUser  Action = "readPerUserMfa"
	ActionPerUserMFA   Action = "perUserMfa" // set per-user MFA state
	ActionSignIns      Action = "signIns"    // sign-in log (also needs Entra ID P1)
	ActionAudit        Action = "audit"      // directory audit events
	ActionReport       Action = "report"     // tenant-wide registration report
	ActionSendMail     Action = "sendMail"   // notify a user by mail
	// ActionAccountEnabled blocks or unblocks sign-in (accountEnabled).
	ActionAccountEnabled Action = "accountEnabled"
	// Methods added or changed by the technician (issue 13.3).
	ActionSetDefaultMethod Action = "setDefaultMethod" // make a method the default
	ActionSetPhone         Action = "setPhone"         // add or replace a phone
	ActionSetEmail         Action = "setEmail"         // add or replace the email method
	// Identity Protection (idrisk.go): read a user's risk, dismiss it,
	// confirm the user compromised.
	ActionReadRisk           Action = "readIdentityRisk"
	ActionDismissRisk        Action = "dismissRisk"
	ActionConfirmCompromised Action = "confirmCompromised"
	// ActionResetPassword resets a user's password (password.go).
	ActionResetPassword Action = "resetPassword"
)

// Directory role template ids (the `wids` claim carries these).
const (
	RoleGlobalAdmin            = "62e90394-69f5-4237-9190-012177145e10"
	RolePrivilegedAuthAdmin    = "7be44c8a-adaf-4e2a-84d6-ab2649e08a13"
	RoleAuthAdmin              = "c4e39bd9-1100-46d3-8c65-fb160da0071f"
	RoleAuthPolicyAdmin        = "0526716b-113d-4c15-b2c8-68e3c22b9f80"
	RoleUserAdmin              = "fe930be7-5e62-47db-91af-98c3a49a38b1"
	RoleHelpdeskAdmin          = "729827e3-9c14-49f7-bb1b-9608f156bbb8"
	RoleSecurityAdmin          = "194ae4cb-b126-40b2-bd5b-6091b380977d"
	RoleSecurityOperator       = "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f"
	RoleSecurityReader         = "5d6b6bb7-de71-4623-b4af-96380a352509"
	RoleGlobalReader           = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
	RoleReportsReader          = "4a5d8f65-41da-4de4-8968-e035b65339cf"
	roleDefaultUserTemplateID  = "b79fbf4d-3ef9-4689-8143-76b194e85509" // "User": every member has it
	roleGuestUserTemplateID    = "10dae51f-b6af-4016-8d66-8c2a99b929b3"
	roleRestrictedGuestUserTID = "2af84b1e-32c8-42b7-82bc-daa82404023b"
)

// RoleNames maps directory role template ids to their display names.
var RoleNames = map[string]string{
	RoleGlobalAdmin:         "Global Administrator",
	RolePrivilegedAuthAdmin: "Privileged Authentication Administrator",
	RoleAuthAdmin:           "Authentication Administrator",
	RoleAuthPolicyAdmin:     "Authentication Policy Administrator",
	RoleUserAdmin:           "User Administrator",
	RoleHelpdeskAdmin:       "Helpdesk Administrator",
	RoleSecurityAdmin:       "Security Administrator",
	RoleSecurityOperator:    "Security Operator",
	RoleSecurityReader:      "Security Reader",
	RoleGlobalReader:        "Global Reader",
	RoleReportsReader:       "Reports Reader",
	// Every signed-in member or guest carries one of these in wids; they
	// are not admin roles.
	roleDefaultUserTemplateID:  "User",
	roleGuestUserTemplateID:    "Guest User",
	roleRestrictedGuestUserTID: "Restricted Guest User",
}

// RoleName returns a role template id's display name, or the id itself for
// a role mfadesk does not know.
func RoleName(id string) string {
	if n, ok := RoleNames[strings.ToLower(id)]; ok {
		return n
	}
	return id
}

// roleID is the reverse of RoleNames ("" when unknown), so an Operator
// filled from Graph's directoryRole display names also works.
func roleID(name string) string {
	for id, n := range RoleNames {
		if strings.EqualFold(n, name) {
			return id
		}
	}
	return ""
}

// Requirement is what one action needs, from Microsoft's Graph API
// permission pages (least privileged first). A delegated operator needs one
// of Delegated in `scp` AND, unless Roles is empty, one of Roles in `wids`;
// Target then says which table decides whether that role may act on the
// target user (roles.go). An app-only operator needs one of Application in
// `roles` (directory roles do not apply to app permissions).
//
// This is the one table: doctor, the TUI's pre-checks, the scopes mfadesk
// asks for (auth.DelegatedPermissions) and the "needs ..." of a refused call
// (classify.go) all read it. The fake tenant keeps its own enforcement
// (graph/fake/auth.go), each rule citing the same pages, and
// TestAllowsMatchesFake holds the two together.
type Requirement struct {
	Action Action `json:"action"`
	// Label is the human name ("reset MFA").
	Label string `json:"label"`
	// Write is true for actions that change the directory (read-only mode
	// refuses them and asks for none of their scopes).
	Write       bool     `json:"write"`
	Delegated   []string `json:"delegated"`
	Application []string `json:"application"`
	// Roles are directory role template ids, least privileged first. Empty:
	// any signed-in member (e.g. reading users, sending one's own mail).
	Roles []string `json:"roles,omitempty"`
	// Target names the table deciding which users each of Roles may act
	// on; TargetAny: every user.
	Target TargetRule `json:"target,omitempty"`
	// Note is shown by doctor and the README ("needs Entra ID P1").
	Note string `json:"note,omitempty"`
	// Also are actions this one performs as well, each with its own
	// requirement (re-registration revokes sessions): Allows needs them all.
	Also []Action `json:"also,omitempty"`
	// Source is the documentation the row follows (docs-contrib paths,
	// learn.microsoft.com pages).
	Source []string `json:"source"`
	// NotPrivileged: the action is refused on a target holding a
	// privileged administrator role (or in a role-assignable group), which
	// Graph allows only with a permission mfadesk does not ask for.
	NotPrivileged bool `json:"notPrivileged,omitempty"`
	// With names permissions that grant the action only together with one
	// of another set ("User.EnableDisableAccount.All and User.Read.All").
	With map[string][]string `json:"with,omitempty"`
}

// grantedBy reports whether granted holds one of want, counting a
// permission of r.With only when one of its companions is held too; why
// names what is missing.
func (r Requirement) grantedBy(granted, want []string) (bool, string) {
	var short []string
	for _, w := range want {
		if !hasAny(granted, []string{w}) {
			continue
		}
		if need, ok := r.With[w]; ok && !hasAny(granted, need) {
			short = append(short, w+" (it needs "+OrList(need)+" with it)")
			continue
		}
		return true, ""
	}
	if len(short) > 0 {
		return false, "has " + short[0]
	}
	return false, ""
}

var methodWrite = []string{"UserAuthenticationMethod.ReadWrite.All"}

// Writing another user's methods: "The following least privileged roles
// are supported: Authentication Administrator, Privileged Authentication
// Administrator" (every per-kind delete page and the TAP create page
// include rbac-authentication-methods-apis-write-others), which among them
// may touch whom is the sensitive-actions table.
var methodWriteRoles = []string{RoleAuthAdmin, RolePrivilegedAuthAdmin, RoleGlobalAdmin}

// The pages a methods write follows, one per kind mfadesk deletes.
var methodWriteSources = []string{
	"api-reference/v1.0/includes/rbac-for-apis/rbac-authentication-methods-apis-write-others.md",
	"api-reference/v1.0/api/phoneauthenticationmethod-delete.md",
	"api-reference/v1.0/api/microsoftauthenticatorauthenticationmethod-delete.md",
	"api-reference/v1.0/api/softwareoathauthenticationmethod-delete.md",
	"api-reference/v1.0/api/fido2authenticationmethod-delete.md",
	"api-reference/v1.0/api/emailauthenticationmethod-delete.md",
	"api-reference/v1.0/api/temporaryaccesspassauthenticationmethod-delete.md",
	"api-reference/v1.0/api/windowshelloforbusinessauthenticationmethod-delete.md",
	"api-reference/v1.0/api/platformcredentialauthenticationmethod-delete.md",
	"api-reference/beta/api/hardwareoathauthenticationmethod-delete.md",
	SourcePrivilegedRoles + "#who-can-perform-sensitive-actions",
}

// Reports and audit logs: "Reports Reader, Security Reader, Security
// Administrator, Global Reader" (plus Global Administrator).
var reportRoles = []string{RoleReportsReader, RoleSecurityReader, RoleSecurityOperator,
	RoleSecurityAdmin, RoleGlobalReader, RoleGlobalAdmin}

// requirements is the table, in the order doctor and the README show it.
var requirements = []Requirement{
	{
		Action: ActionReadUsers, Label: "search and read users",
		// User.ReadBasic.All lacks accountEnabled, userType and
		// signInSessionsValidFromDateTime, which the helpdesk needs.
		Delegated:   []string{"User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"},
		Application: []string{"User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"},
		Source:      []string{"api-reference/v1.0/api/user-get.md", "api-reference/v1.0/api/user-list.md"},
	},
	{
		Action: ActionReadMethods, Label: "read authentication methods",
		Delegated:   []string{"UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"},
		Application: []string{"UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"},
		// "Global Reader, Authentication Administrator, Privileged
		// Authentication Administrator"; reading is not limited by the
		// target's roles (writing is).
		Roles: []string{RoleGlobalReader, RoleAuthAdmin, RolePrivilegedAuthAdmin, RoleGlobalAdmin},
		Note:  "an Authentication Administrator sees masked phone numbers",
		Source: []string{"api-reference/v1.0/includes/rbac-for-apis/rbac-authentication-methods-apis-read-others.md",
			"api-reference/v1.0/api/authentication-list-methods.md", "api-reference/beta/api/authentication-list-methods.md"},
	},
	{
		Action: ActionDeleteMethod, Label: "delete a method", Write: true,
		Delegated: methodWrite, Application: methodWrite,
		Roles: methodWriteRoles, Target: TargetSensitive, Source: methodWriteSources,
	},
	{
		Action: ActionReset, Label: "reset MFA", Write: true,
		Delegated: methodWrite, Application: methodWrite,
		Roles: methodWriteRoles, Target: TargetSensitive, Source: methodWriteSources,
	},
	{
		Action: ActionReregister, Label: "require re-registration", Write: true,
		Delegated: methodWrite, Application: methodWrite,
		Roles: methodWriteRoles, Target: TargetSensitive, Source: methodWriteSources,
		// graph.Reregister revokes the sessions after deleting methods.
		Also: []Action{ActionRevoke},
	},
	{
		Action: ActionRevoke, Label: "revoke sessions", Write: true,
		// User.RevokeSessions.All is the narrow permission; older tenants'
		// consents often only have User.ReadWrite.All.
		Delegated:   []string{"User.RevokeSessions.All", "User.ReadWrite.All", "Directory.ReadWrite.All"},
		Application: []string{"User.RevokeSessions.All", "User.ReadWrite.All", "Directory.ReadWrite.All"},
		// microsoft.directory/users/invalidateAllRefreshTokens: the columns
		// of "Who can reset passwords" ("reset passwords and invalidate
		// refresh tokens"), each for the targets its column lists.
		Roles: []string{RolePasswordAdmin, RoleHelpdeskAdmin, RoleAuthAdmin, RoleUserAdmin,
			RolePrivilegedAuthAdmin, RoleGlobalAdmin},
		Target: TargetPasswordReset,
		Note:   "does nothing for guests (they sign in at home)",
		Source: []string{"api-reference/v1.0/api/user-revokesigninsessions.md",
			SourcePrivilegedRoles + "#who-can-reset-passwords"},
	},
	{
		Action: ActionTAP, Label: "issue a Temporary Access Pass", Write: true,
		Delegated: methodWrite, Application: methodWrite,
		Roles: methodWriteRoles, Target: TargetSensitive,
		Note: "also needs the TAP method enabled in the authentication methods policy",
		Source: []string{"api-reference/v1.0/api/authentication-post-temporaryaccesspassmethods.md",
			"api-reference/v1.0/includes/rbac-for-apis/rbac-authentication-methods-apis-write-others.md",
			SourcePrivilegedRoles + "#who-can-perform-sensitive-actions"},
	},
	{
		Action: ActionAccountEnabled, Label: "block or unblock sign-in", Write: true,
		// "User.EnableDisableAccount.All and User.Read.All" is the least
		// privileged pair for accountEnabled (User.Read.All is asked for
		// reading users anyway); the wider ones carry both.
		Delegated:   []string{"User.EnableDisableAccount.All", "User.ReadWrite.All", "Directory.ReadWrite.All"},
		Application: []string{"User.EnableDisableAccount.All", "User.ReadWrite.All", "Directory.ReadWrite.All"},
		// microsoft.directory/users/disable and enable: the columns of
		// "Who can perform sensitive actions" ("Disable or enable users").
		Roles:  []string{RoleAuthAdmin, RoleUserAdmin, RolePrivilegedAuthAdmin, RoleGlobalAdmin},
		Target: TargetSensitive,
		// A privileged administrator's accountEnabled needs the delegated
		// Directory.AccessAsUser.All, which mfadesk never asks for.
		NotPrivileged: true,
		With: map[string][]string{"User.EnableDisableAccount.All": {"User.Read.All", "User.ReadWrite.All",
			"Directory.Read.All", "Directory.ReadWrite.All"}},
		Note: "not for administrators with a privileged role (Graph needs Directory.AccessAsUser.All for them: use the Entra admin center)",
		Source: []string{"api-reference/v1.0/api/user-update.md", "api-reference/beta/api/user-update.md",
			SourcePrivilegedRoles + "#who-can-perform-sensitive-actions"},
	},
	{
		Action: ActionReadPerUser, Label: "read per-user MFA state",
		Delegated:   []string{"Policy.Read.All", "Policy.ReadWrite.AuthenticationMethod"},
		Application: []string{"Policy.Read.All", "Policy.ReadWrite.AuthenticationMethod"},
		// "at least the Global Reader or Authentication Policy
		// Administrator role"; the authentication administrators are not
		// named ("Manage per-user MFA: No" in the Entra role comparison).
		Roles: []string{RoleGlobalReader, RoleAuthPolicyAdmin, RoleGlobalAdmin},
		Note:  "beta API",
		Source: []string{"api-reference/beta/api/authentication-get.md",
			"api-reference/beta/includes/permissions/authentication-get-3-permissions.md",
			"api-reference/beta/includes/rbac-for-apis/rbac-authentication-methods-policy-apis-read.md"},
	},
	{
		Action: ActionPerUserMFA, Label: "set per-user MFA", Write: true,
		Delegated:   []string{"Policy.ReadWrite.AuthenticationMethod"},
		Application: []string{"Policy.ReadWrite.AuthenticationMethod"},
		// "Authentication Policy Administrator is the least privileged
		// role"; for every user (the role comparison says "Yes", not "for
		// some users"). Authentication and Privileged Authentication
		// Administrators: "Manage per-user MFA: No".
		Roles: []string{RoleAuthPolicyAdmin, RoleGlobalAdmin},
		Note:  "beta API",
		Source: []string{"api-reference/beta/api/authentication-update.md",
			"api-reference/beta/includes/permissions/authentication-update-3-permissions.md",
			"api-reference/beta/includes/rbac-for-apis/rbac-authentication-methods-policy-apis-write.md",
			SourcePrivilegedRoles + "#compare-authentication-roles"},
	},
	{
		Action: ActionSignIns, Label: "read sign-in logs",
		Delegated:   []string{"AuditLog.Read.All", "Directory.Read.All"},
		Application: []string{"AuditLog.Read.All", "Directory.Read.All"},
		Roles:       reportRoles,
		Note:        "needs Entra ID P1 in the tenant",
		Source:      []string{"api-reference/v1.0/api/signin-list.md", "api-reference/beta/api/signin-list.md"},
	},
	{
		Action: ActionAudit, Label: "read directory audit",
		Delegated:   []string{"AuditLog.Read.All", "Directory.Read.All"},
		Application: []string{"AuditLog.Read.All", "Directory.Read.All"},
		Roles:       reportRoles,
		Source:      []string{"api-reference/v1.0/api/directoryaudit-list.md"},
	},
	{
		Action: ActionReport, Label: "registration report",
		Delegated:   []string{"AuditLog.Read.All", "UserAuthenticationMethod.Read.All"},
		Application: []string{"AuditLog.Read.All", "UserAuthenticationMethod.Read.All"},
		Roles:       reportRoles,
		Source:      []string{"api-reference/v1.0/api/authenticationmethodsroot-list-userregistrationdetails.md"},
	},
	// Identity Protection: the riskyUsers API "requires a Microsoft Entra
	// ID P2 license". Reads: "Global Reader, Security Operator, Security
	// Reader, Security Administrator" (rbac-identity-protection-apis-read);
	// dismiss and confirmCompromised: "Security Administrator is the least
	// privileged role" (the Identity Protection overview also lets a
	// Security Operator do both in the portal; the Graph pages do not name
	// that role, so mfadesk takes their narrower reading).
	{
		Action: ActionReadRisk, Label: "read identity risk",
		Delegated:   []string{"IdentityRiskyUser.Read.All"},
		Application: []string{"IdentityRiskyUser.Read.All"},
		Roles:       []string{RoleGlobalReader, RoleSecurityOperator, RoleSecurityReader, RoleSecurityAdmin, RoleGlobalAdmin},
		Note:        "needs Microsoft Entra ID P2 in the tenant",
		Source: []string{"api-reference/v1.0/api/riskyuser-get.md", "api-reference/v1.0/resources/riskyuser.md",
			"api-reference/beta/includes/rbac-for-apis/rbac-identity-protection-apis-read.md"},
	},
	{
		Action: ActionDismissRisk, Label: "dismiss user risk", Write: true,
		Delegated:   []string{"IdentityRiskyUser.ReadWrite.All"},
		Application: []string{"IdentityRiskyUser.ReadWrite.All"},
		Roles:       []string{RoleSecurityAdmin, RoleGlobalAdmin},
		Note:        "needs Microsoft Entra ID P2 in the tenant",
		Source: []string{"api-reference/v1.0/api/riskyuser-dismiss.md",
			"api-reference/beta/includes/rbac-for-apis/rbac-identity-protection-apis-write.md"},
	},
	{
		Action: ActionConfirmCompromised, Label: "confirm user compromised", Write: true,
		Delegated:   []string{"IdentityRiskyUser.ReadWrite.All"},
		Application: []string{"IdentityRiskyUser.ReadWrite.All"},
		Roles:       []string{RoleSecurityAdmin, RoleGlobalAdmin},
		Note:        "needs Microsoft Entra ID P2 in the tenant",
		Source: []string{"api-reference/v1.0/api/riskyuser-confirmcompromised.md",
			"api-reference/beta/includes/rbac-for-apis/rbac-identity-protection-apis-write.md"},
	},
	{
		Action: ActionSendMail, Label: "send notification mail", Write: true,
		// Mail.Send sends as the signed-in user; a configured shared sender
		// needs Mail.Send.Shared and Send As rights in Exchange.
		Delegated:   []string{"Mail.Send", "Mail.Send.Shared"},
		Application: []string{"Mail.Send"},
		Note:        "app-only Mail.Send can send as any mailbox unless an Exchange application access policy limits it",
		Source:      []string{"api-reference/v1.0/api/user-sendmail.md"},
	},
	{
		Action: ActionSetDefaultMethod, Label: "make a method the default", Write: true,
		// The page's least privileged UserAuthenticationMethod.ReadWrite
		// acts on the signed-in user only; another user's preference
		// needs the .All permission and a role of the write-others include.
		Delegated: methodWrite, Application: methodWrite,
		Roles: methodWriteRoles, Target: TargetSensitive,
		Note: "beta API; ignored while system-preferred MFA is on for the user",
		Source: []string{"api-reference/beta/api/authentication-update.md",
			"api-reference/beta/includes/permissions/authentication-update-permissions.md",
			"api-reference/beta/resources/signinpreferences.md",
			"api-reference/v1.0/includes/rbac-for-apis/rbac-authentication-methods-apis-write-others.md",
			SourcePrivilegedRoles + "#who-can-perform-sensitive-actions"},
	},
	{
		Action: ActionSetPhone, Label: "add or replace a phone", Write: true,
		Delegated: methodWrite, Application: methodWrite,
		Roles: methodWriteRoles, Target: TargetSensitive,
		Source: []string{"api-reference/v1.0/api/authentication-post-phonemethods.md",
			"api-reference/v1.0/api/phoneauthenticationmethod-update.md",
			"api-reference/v1.0/resources/phoneauthenticationmethod.md",
			"api-reference/v1.0/includes/rbac-for-apis/rbac-authentication-methods-apis-write-others.md",
			SourcePrivilegedRoles + "#who-can-perform-sensitive-actions"},
	},
	{
		Action: ActionSetEmail, Label: "add or replace the email method", Write: true,
		Delegated: methodWrite, Application: methodWrite,
		Roles: methodWriteRoles, Target: TargetSensitive,
		Note: "email is a self-service password reset method, not an MFA method",
		Source: []string{"api-reference/v1.0/api/authentication-post-emailmethods.md",
			"api-reference/v1.0/api/emailauthenticationmethod-update.md",
			"api-reference/v1.0/includes/rbac-for-apis/rbac-authentication-methods-apis-write-others.md",
			SourcePrivilegedRoles + "#who-can-perform-sensitive-actions"},
	},
	{
		Action: ActionResetPassword, Label: "reset a password", Write: true,
		// "Delegated (work or school account): UserAuthenticationMethod.ReadWrite.All;
		// Application: Not supported." (v1.0 and beta alike.)
		Delegated: methodWrite,
		// "Authentication Administrator, Privileged Authentication
		// Administrator" (least privileged), and "Admins with User
		// Administrator, Helpdesk Administrator, or Password Administrator
		// roles can also reset passwords for non-admin users and a limited
		// set of admin roles as defined in Who can reset passwords": that
		// table's columns, each for the targets it lists.
		Roles: []string{RolePasswordAdmin, RoleHelpdeskAdmin, RoleAuthAdmin, RoleUserAdmin,
			RolePrivilegedAuthAdmin, RoleGlobalAdmin},
		Target: TargetPasswordReset,
		Note:   "delegated only (Graph offers no application permission for it); never your own account; the user must change it at the next sign-in",
		Source: []string{"api-reference/v1.0/api/authenticationmethod-resetpassword.md",
			"api-reference/beta/api/authenticationmethod-resetpassword.md",
			"api-reference/v1.0/includes/permissions/authenticationmethod-resetpassword-permissions.md",
			"api-reference/v1.0/api/longrunningoperation-get.md",
			SourcePrivilegedRoles + "#who-can-reset-passwords"},
	},
}

// Requirements returns the whole table (a copy), in display order.
func Requirements() []Requirement { return slices.Clone(requirements) }

// RequirementFor returns what a needs (ok false for an unknown action).
func RequirementFor(a Action) (Requirement, bool) {
	for _, r := range requirements {
		if r.Action == a {
			return r, true
		}
	}
	return Requirement{}, false
}

// Label is the action's human name.
func (a Action) Label() string {
	if r, ok := RequirementFor(a); ok {
		return r.Label
	}
	return string(a)
}

// IsWrite reports an action that changes the directory (or sends mail).
func (a Action) IsWrite() bool {
	r, ok := RequirementFor(a)
	return !ok || r.Write // unknown actions count as writes: refuse, don't guess
}

// Allows reports whether the operator may do a to target (nil: any or an
// unknown user, so no target rule is applied). When not, why names exactly
// the missing permission or role, e.g. `needs delegated permission
// UserAuthenticationMethod.ReadWrite.All` or `the target holds the Security
// Administrator role: needs the Privileged Authentication Administrator or
// Global Administrator role`. Read-only mode is the caller's business.
//
// A delegated operator known without a token (the in-process demo sends
// none, so neither scopes nor app roles are known) is not refused for
// permissions: only roles are checked. A real user token always has scp.
func (o Operator) Allows(a Action, target *TargetRoles) (ok bool, why string) {
	r, known := RequirementFor(a)
	if !known {
		return false, "unknown action " + string(a)
	}
	if ok, why := o.allows(r, target); !ok {
		return false, why
	}
	for _, b := range r.Also {
		if ok, why := o.Allows(b, target); !ok {
			return false, why + " (to " + b.Label() + ")"
		}
	}
	return true, ""
}

// allows checks one requirement row (without Also).
func (o Operator) allows(r Requirement, target *TargetRoles) (ok bool, why string) {
	if o.IsApp {
		// An app always has a token; no roles claim means no permissions.
		if len(r.Application) == 0 {
			return false, "Graph does not allow it with application permissions: sign in as a user (delegated)"
		}
		if ok, has := r.grantedBy(o.AppRoles, r.Application); !ok {
			return false, "needs application permission " + OrList(r.Application) + also(has)
		}
		if r.NotPrivileged && target.HoldsPrivileged() {
			return false, notPrivilegedWhy
		}
		return true, ""
	}
	if len(o.Scopes) > 0 || len(o.AppRoles) > 0 {
		if ok, has := r.grantedBy(o.Scopes, r.Delegated); !ok {
			return false, "needs delegated permission " + OrList(r.Delegated) + also(has)
		}
	}
	if len(r.Roles) == 0 {
		return true, ""
	}
	held := o.roleIDs()
	holds := false
	for _, id := range r.Roles {
		if slices.Contains(held, id) {
			holds = true
			break
		}
	}
	if !holds {
		names := make([]string, len(r.Roles))
		for i, id := range r.Roles {
			names[i] = RoleName(id)
		}
		return false, "needs the " + OrList(names) + " role"
	}
	if r.NotPrivileged && target.HoldsPrivileged() {
		return false, notPrivilegedWhy
	}
	return targetOK(r, held, target)
}

// notPrivilegedWhy is the refusal of a NotPrivileged action on an admin.
const notPrivilegedWhy = "the target is an administrator with a privileged role: Graph changes their " +
	"sign-in only with Directory.AccessAsUser.All, which mfadesk does not ask for (use the Entra admin center)"

// also is ", has X (it needs Y with it)" when has is set.
func also(has string) string {
	if has == "" {
		return ""
	}
	return "; the token " + has
}

// roleIDs merges wids and the role display names Graph returned, as
// lower-case template ids.
func (o Operator) roleIDs() []string {
	ids := make([]string, 0, len(o.RoleTemplateIDs)+len(o.DirectoryRoles))
	for _, id := range o.RoleTemplateIDs {
		ids = append(ids, strings.ToLower(id))
	}
	for _, n := range o.DirectoryRoles {
		if id := roleID(n); id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// effectiveOrder ranks roles by how much of mfadesk they unlock.
var effectiveOrder = []string{RoleGlobalAdmin, RolePrivilegedAuthAdmin, RoleAuthAdmin,
	RoleAuthPolicyAdmin, RoleUserAdmin, RoleHelpdeskAdmin, RoleSecurityAdmin,
	RoleGlobalReader, RoleSecurityOperator, RoleSecurityReader, RoleReportsReader}

// EffectiveRole is a one-line description for the TUI's top line: the most
// capable directory role held ("Privileged Authentication Administrator"),
// "app-only" for an application, or "no admin role".
func (o Operator) EffectiveRole() string {
	if o.IsApp {
		return "app-only"
	}
	held := o.roleIDs()
	for _, id := range effectiveOrder {
		if slices.Contains(held, id) {
			return RoleName(id)
		}
	}
	return "no admin role"
}

// hasAny reports whether granted holds any of want (case-insensitive:
// Graph's scp claim is not case-normalised across clients).
func hasAny(granted, want []string) bool {
	for _, w := range want {
		for _, g := range granted {
			if strings.EqualFold(g, w) {
				return true
			}
		}
	}
	return false
}

// OrList renders "A", "A or B", "A, B or C".
func OrList(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

// DelegatedScopes is the least privileged set of delegated permissions
// covering every row of the table (read-only: the reads only), without
// notification mail, which is asked for only when configured. A read
// covered by a write's permission (UserAuthenticationMethod.ReadWrite.All
// covers reading methods) adds nothing.
func DelegatedScopes(readOnly bool) []string {
	var writes []string
	if !readOnly {
		for _, r := range requirements {
			if r.Write && r.Action != ActionSendMail {
				writes = append(writes, r.Delegated[0])
			}
		}
	}
	var out []string
	for _, r := range requirements {
		if r.Action == ActionSendMail || (readOnly && r.Write) {
			continue
		}
		pick := r.Delegated[0]
		for _, w := range writes {
			if slices.Contains(r.Delegated, w) {
				pick = w
				break
			}
		}
		if !slices.Contains(out, pick) {
			out = append(out, pick)
		}
	}
	return out
}
