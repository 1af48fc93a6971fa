package fake

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// Directory role template ids (the `wids` claim and UserData.Roles).
const (
	RoleGlobalAdmin                  = "62e90394-69f5-4237-9190-012177145e10"
	RolePrivilegedAuthAdmin          = "7be44c8a-adaf-4e2a-84d6-ab2649e08a13"
	RoleAuthAdmin                    = "c4e39bd9-1100-46d3-8c65-fb160da0071f"
	RoleAuthPolicyAdmin              = "0526716b-113d-4c15-b2c8-68e3c22b9f80"
	RoleGlobalReader                 = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
	RoleReportsReader                = "4a5d8f65-41da-4de4-8968-e035b65339cf"
	RoleSecurityReader               = "5d6b6bb7-de71-4623-b4af-96380a352509"
	RoleSecurityAdmin                = "194ae4cb-b126-40b2-bd5b-6091b380977d"
	RoleSecurityOperator             = "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f"
	RoleHelpdeskAdmin                = "729827e3-9c14-49f7-bb1b-9608f156bbb8"
	RoleUserAdmin                    = "fe930be7-5e62-47db-91af-98c3a49a38b1"
	RoleDirectoryReaders             = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
	RoleGuestInviter                 = "95e79109-95c0-4d8e-aee3-d01accf2d47b"
	RoleMessageCenterReader          = "790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b"
	RolePasswordAdmin                = "966707d0-3269-4727-9be2-8c3a10f19b9d"
	roleDefaultUserTemplate          = "b79fbf4d-3ef9-4689-8143-76b194e85509" // "User" role in every member's wids
	privilegedAuthAdminDisplayName   = "Privileged Authentication Administrator"
	insufficientPrivilegesMessage    = "Insufficient privileges to complete the operation."
	requestAuthorizationFailedMessge = "Request Authorization failed"
)

// RoleNames maps role template ids to their display names.
var RoleNames = map[string]string{
	RoleGlobalAdmin:         "Global Administrator",
	RolePrivilegedAuthAdmin: privilegedAuthAdminDisplayName,
	RoleAuthAdmin:           "Authentication Administrator",
	RoleAuthPolicyAdmin:     "Authentication Policy Administrator",
	RoleGlobalReader:        "Global Reader",
	RoleReportsReader:       "Reports Reader",
	RoleSecurityReader:      "Security Reader",
	RoleSecurityAdmin:       "Security Administrator",
	RoleSecurityOperator:    "Security Operator",
	RoleHelpdeskAdmin:       "Helpdesk Administrator",
	RoleUserAdmin:           "User Administrator",
	RoleDirectoryReaders:    "Directory Readers",
	RoleGuestInviter:        "Guest Inviter",
	RoleMessageCenterReader: "Message Center Reader",
	RolePasswordAdmin:       "Password Administrator",
}

// Op names a guarded operation in the Permissions table.
type Op string

const (
	OpReadUsers             Op = "users.read"
	OpReadMethods           Op = "methods.read"
	OpWriteMethods          Op = "methods.write" // delete a method, create a TAP, set the default method
	OpReadSignIns           Op = "signins.read"
	OpReadAudit             Op = "audit.read"
	OpReadRegistration      Op = "registration.read"
	OpRevokeSessions        Op = "sessions.revoke"
	OpReadPerUserMFA        Op = "perusermfa.read"
	OpWritePerUserMFA       Op = "perusermfa.write"
	OpSendMail              Op = "mail.send"
	OpReadMe                Op = "me.read" // /me, /me/memberOf, /organization
	OpReadOrganization      Op = "organization.read"
	OpReadGroups            Op = "groups.read" // /groups, /groups/{id}, its (transitive) members
	OpReadPolicy            Op = "policy.read" // the authentication methods policy (TAP configuration)
	opNone                  Op = ""
	roleCheckNone              = 0
	roleCheckTarget            = 1 // role limits depend on the target (admins need a privileged role)
	roleCheckTenant            = 2 // tenant-wide read: the operator must hold one of Roles
	permissionDenyMethods      = "accessDenied"
	permissionDenyDirectory    = "Authorization_RequestDenied"
)

// Permission is one row of the fake's authorization table: which delegated
// scopes (scp) or application roles (roles) grant an operation, and which
// directory roles a delegated operator also needs. App-only tokens skip the
// directory-role check, as Graph does.
//
// Targets, when set, is the table (roles.go) deciding which users each of
// Roles may act on; nil: every user.
type Permission struct {
	Op       Op
	Scopes   []string    // delegated: any one suffices
	AppRoles []string    // application: any one suffices
	Roles    []string    // delegated: any one suffices; empty means no role needed
	Targets  targetTable // delegated: which targets each role may act on
	Rule     string      // the docRule id of this row
}

var (
	userRead     = []string{"User.Read.All", "User.ReadBasic.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	userReadApp  = []string{"User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	methodsRead  = []string{"UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"}
	methodsWrite = []string{"UserAuthenticationMethod.ReadWrite.All"}
	logRead      = []string{"AuditLog.Read.All", "Directory.Read.All"}
	// userRegistrationDetails: AuditLog.Read.All, or the higher
	// UserAuthenticationMethod.Read.All; Reports.Read.All is not listed.
	regRead       = []string{"AuditLog.Read.All", "UserAuthenticationMethod.Read.All"}
	perUserRead   = []string{"Policy.Read.All", "Policy.ReadWrite.AuthenticationMethod"}
	perUserWrite  = []string{"Policy.ReadWrite.AuthenticationMethod"}
	policyRead    = []string{"Policy.Read.AuthenticationMethod", "Policy.ReadWrite.AuthenticationMethod", "Policy.Read.All"}
	groupRead     = []string{"GroupMember.Read.All", "Group.Read.All", "Group.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	revokeScopes  = []string{"User.RevokeSessions.All", "User.ReadWrite.All", "Directory.ReadWrite.All"}
	logReaders    = []string{RoleGlobalAdmin, RoleGlobalReader, RoleReportsReader, RoleSecurityReader, RoleSecurityOperator, RoleSecurityAdmin}
	methodReaders = []string{RoleGlobalAdmin, RolePrivilegedAuthAdmin, RoleAuthAdmin, RoleGlobalReader}
	methodWriters = []string{RoleGlobalAdmin, RolePrivilegedAuthAdmin, RoleAuthAdmin}
	// revokeSignInSessions: the roles holding
	// microsoft.directory/users/invalidateAllRefreshTokens, the columns
	// of "Who can reset passwords".
	revokers = []string{RoleGlobalAdmin, RolePrivilegedAuthAdmin, RoleAuthAdmin, RoleHelpdeskAdmin,
		RoleUserAdmin, RolePasswordAdmin}
	// Per-user MFA: "at least the Global Reader or Authentication Policy
	// Administrator" to read, "Authentication Policy Administrator is the
	// least privileged role" to write; the authentication administrators
	// "Manage per-user MFA: No".
	perUserReaders = []string{RoleGlobalAdmin, RoleGlobalReader, RoleAuthPolicyAdmin}
	perUserWriters = []string{RoleGlobalAdmin, RoleAuthPolicyAdmin}
)

// One rule per row of the table, each with its page.
var (
	rulePermUsersRead = docRule("perm.users.read", "GET /users needs User.Read.All (or ReadBasic / ReadWrite / Directory.*); any member",
		"api-reference/v1.0/api/user-get.md")
	rulePermMethodsRead = docRule("perm.methods.read", "listing another user's methods needs UserAuthenticationMethod.Read(Write).All and Global Reader, Authentication Administrator or Privileged Authentication Administrator; 403 accessDenied otherwise",
		"api-reference/v1.0/includes/rbac-for-apis/rbac-authentication-methods-apis-read-others.md")
	rulePermMethodsWrite = docRule("perm.methods.write", "deleting a method or creating a TAP for another user needs UserAuthenticationMethod.ReadWrite.All and Authentication Administrator or Privileged Authentication Administrator (which targets: roles.sensitive-actions); 403 accessDenied otherwise",
		"api-reference/v1.0/includes/rbac-for-apis/rbac-authentication-methods-apis-write-others.md")
	rulePermSignIns = docRule("perm.signins.read", "sign-in logs need AuditLog.Read.All and a reports role (Reports Reader, Security Reader/Operator/Administrator, Global Reader)",
		"api-reference/v1.0/api/signin-list.md")
	rulePermAudit = docRule("perm.audit.read", "directory audit needs AuditLog.Read.All and a reports role",
		"api-reference/v1.0/api/directoryaudit-list.md")
	rulePermRegistration = docRule("perm.registration.read", "userRegistrationDetails needs AuditLog.Read.All (or UserAuthenticationMethod.Read.All) and a reports role",
		"api-reference/v1.0/api/authenticationmethodsroot-list-userregistrationdetails.md")
	rulePermRevoke = docRule("perm.sessions.revoke", "revokeSignInSessions needs User.RevokeSessions.All (or User.ReadWrite.All / Directory.ReadWrite.All) and a role holding invalidateAllRefreshTokens (which targets: roles.reset-passwords)",
		"api-reference/v1.0/api/user-revokesigninsessions.md")
	rulePermPerUserRead = docRule("perm.perusermfa.read", "reading another user's per-user MFA state needs Policy.Read.All (or Policy.ReadWrite.AuthenticationMethod) and Global Reader or Authentication Policy Administrator",
		"api-reference/beta/includes/rbac-for-apis/rbac-authentication-methods-policy-apis-read.md")
	rulePermPerUserWrite = docRule("perm.perusermfa.write", "setting per-user MFA needs Policy.ReadWrite.AuthenticationMethod and Authentication Policy Administrator (the authentication administrators may not: \"Manage per-user MFA: No\")",
		"api-reference/beta/includes/rbac-for-apis/rbac-authentication-methods-policy-apis-write.md")
	rulePermMail = docRule("perm.mail.send", "sendMail needs Mail.Send (delegated also Mail.Send.Shared)",
		"api-reference/v1.0/api/user-sendmail.md")
	rulePermMe = docRule("perm.me.read", "/me and /me/memberOf need User.Read (or wider)",
		"api-reference/v1.0/api/user-get.md")
	rulePermGroups = docRule("perm.groups.read", "groups and their members need GroupMember.Read.All, Group.Read(Write).All or Directory.Read(Write).All",
		"api-reference/v1.0/api/group-list-transitivemembers.md")
	rulePermPolicy = docRule("perm.policy.read", "the authentication methods policy needs Policy.Read.AuthenticationMethod (or wider) and Global Reader or Authentication Policy Administrator",
		"api-reference/v1.0/api/authenticationmethodconfiguration-get.md")
	rulePermOrganization = docRule("perm.organization.read", "/organization needs User.Read, Organization.Read.All or Directory.Read(Write).All",
		"api-reference/v1.0/api/organization-get.md")
)

// Permissions is the fake's authorization table, from Microsoft's Graph
// API permission pages (the auth helper's graph/permissions.go mirrors it
// for `mfadesk doctor`):
//
//	users.read          User.Read.All (or ReadBasic / ReadWrite / Directory.*); any member.
//	                    Graph answers User.ReadBasic.All (delegated only) with basic
//	                    properties; doctor still asks for User.Read.All (see permissions.go)
//	methods.read        UserAuthenticationMethod.Read(Write).All; GA, PAA, AA, Global Reader
//	methods.write       UserAuthenticationMethod.ReadWrite.All; GA, PAA, AA (targets: "Who can
//	                    perform sensitive actions", roles.go)
//	signins.read, audit AuditLog.Read.All or Directory.Read.All; GA, Global Reader, Reports Reader,
//	                    Security Reader/Operator/Administrator
//	registration.read   AuditLog.Read.All or UserAuthenticationMethod.Read.All; same roles
//	                    (not the authentication admin roles)
//	sessions.revoke     User.RevokeSessions.All, User.ReadWrite.All, Directory.ReadWrite.All;
//	                    GA, PAA, AA, Helpdesk, User, Password Administrator (targets: "Who
//	                    can reset passwords")
//	perusermfa.read     Policy.Read.All, Policy.ReadWrite.AuthenticationMethod; GA, Global Reader,
//	                    Authentication Policy Administrator
//	perusermfa.write    Policy.ReadWrite.AuthenticationMethod; GA, Authentication Policy
//	                    Administrator (every user)
//	mail.send           Mail.Send (delegated also Mail.Send.Shared)
//	me.read, org        User.Read (or wider)
//	groups.read         GroupMember.Read.All, Group.Read(Write).All or Directory.Read(Write).All; any member
//	policy.read         Policy.Read.AuthenticationMethod (or ReadWrite / Policy.Read.All); GA,
//	                    Global Reader, Authentication Policy Administrator
//
// A user may always read their own methods and per-user MFA state.
var Permissions = []Permission{
	{Op: OpReadUsers, Scopes: userRead, AppRoles: userReadApp, Rule: rulePermUsersRead},
	{Op: OpReadMethods, Scopes: methodsRead, AppRoles: methodsRead, Roles: methodReaders, Rule: rulePermMethodsRead},
	{Op: OpWriteMethods, Scopes: methodsWrite, AppRoles: methodsWrite, Roles: methodWriters, Targets: sensitiveActions, Rule: rulePermMethodsWrite},
	{Op: OpReadSignIns, Scopes: logRead, AppRoles: logRead, Roles: logReaders, Rule: rulePermSignIns},
	{Op: OpReadAudit, Scopes: logRead, AppRoles: logRead, Roles: logReaders, Rule: rulePermAudit},
	{Op: OpReadRegistration, Scopes: regRead, AppRoles: regRead, Roles: logReaders, Rule: rulePermRegistration},
	{Op: OpRevokeSessions, Scopes: revokeScopes, AppRoles: revokeScopes, Roles: revokers, Targets: resetPasswords, Rule: rulePermRevoke},
	{Op: OpReadPerUserMFA, Scopes: perUserRead, AppRoles: perUserRead, Roles: perUserReaders, Rule: rulePermPerUserRead},
	{Op: OpWritePerUserMFA, Scopes: perUserWrite, AppRoles: perUserWrite, Roles: perUserWriters, Rule: rulePermPerUserWrite},
	{Op: OpSendMail, Scopes: []string{"Mail.Send", "Mail.Send.Shared"}, AppRoles: []string{"Mail.Send"}, Rule: rulePermMail},
	{Op: OpReadMe, Scopes: []string{"User.Read", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}, Rule: rulePermMe},
	{Op: OpReadGroups, Scopes: groupRead, AppRoles: groupRead, Rule: rulePermGroups},
	{Op: OpReadPolicy, Scopes: policyRead, AppRoles: policyRead, Roles: []string{RoleGlobalAdmin, RoleGlobalReader, RoleAuthPolicyAdmin}, Rule: rulePermPolicy},
	{Op: OpReadOrganization, Scopes: []string{"User.Read", "Organization.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"}, AppRoles: []string{"Organization.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"}, Rule: rulePermOrganization},
}

func permissionFor(op Op) *Permission {
	for i := range Permissions {
		if Permissions[i].Op == op {
			return &Permissions[i]
		}
	}
	return nil
}

// operator is who a request acts as.
type operator struct {
	ID          string
	UPN         string
	DisplayName string
	TenantID    string
	AppID       string
	AppName     string
	Scopes      []string
	AppRoles    []string
	Wids        []string
	AppOnly     bool
	Demo        bool // no Authorization header: the built-in demo operator
}

// DemoOperatorUPN is who requests without an Authorization header act as: a
// Privileged Authentication Administrator holding every scope mfadesk uses.
const DemoOperatorUPN = "demo.admin@contoso.com"

// demoScopes are the demo operator's delegated scopes.
var demoScopes = []string{"User.Read", "User.Read.All", "UserAuthenticationMethod.ReadWrite.All",
	"AuditLog.Read.All", "Reports.Read.All", "User.RevokeSessions.All", "User.EnableDisableAccount.All", "Policy.ReadWrite.AuthenticationMethod",
	"Mail.Send", "Directory.Read.All", "Policy.Read.All"}

type claims struct {
	OID               string   `json:"oid"`
	UPN               string   `json:"upn"`
	PreferredUsername string   `json:"preferred_username"`
	UniqueName        string   `json:"unique_name"`
	Name              string   `json:"name"`
	TID               string   `json:"tid"`
	SCP               string   `json:"scp"`
	Roles             []string `json:"roles"`
	Wids              []string `json:"wids"`
	AppID             string   `json:"appid"`
	AZP               string   `json:"azp"`
	AppDisplayName    string   `json:"app_displayname"`
	Idtyp             string   `json:"idtyp"`
	Exp               *float64 `json:"exp"`
	Nbf               *float64 `json:"nbf"`
}

// parseToken decodes a bearer JWT's payload WITHOUT verifying its signature:
// the fake is a test double and the fake authority used in tests signs the
// tokens; here only the claims matter. It returns a Graph-style error message
// for tokens Graph itself would reject (malformed, expired).
func parseToken(header string, now time.Time) (*operator, string) {
	raw, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		raw, ok = strings.CutPrefix(header, "bearer ")
	}
	raw = strings.TrimSpace(raw)
	if !ok || raw == "" {
		return nil, "Access token is empty."
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, "IDX14100: JWT is not well formed, there are no dots (.). The token needs to be in JWS or JWE Compact Serialization Format."
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, "Access token validation failure. Invalid audience."
	}
	var c claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, "Access token validation failure. Invalid audience."
	}
	if c.Exp != nil && time.Unix(int64(*c.Exp), 0).Before(now) {
		return nil, "Lifetime validation failed, the token is expired."
	}
	op := &operator{
		ID:          c.OID,
		UPN:         firstNonEmpty(c.UPN, c.PreferredUsername, c.UniqueName),
		DisplayName: c.Name,
		TenantID:    c.TID,
		AppID:       firstNonEmpty(c.AppID, c.AZP),
		AppName:     c.AppDisplayName,
		Scopes:      strings.Fields(c.SCP),
		AppRoles:    c.Roles,
		Wids:        c.Wids,
	}
	op.AppOnly = c.SCP == "" && (len(c.Roles) > 0 || c.Idtyp == "app")
	if op.AppName == "" {
		op.AppName = "mfadesk"
	}
	return op, ""
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// hasAny reports whether have and want share an element (case-insensitive,
// as Graph compares permission names).
func hasAny(have, want []string) bool {
	for _, h := range have {
		for _, w := range want {
			if strings.EqualFold(h, w) {
				return true
			}
		}
	}
	return false
}

// grants reports whether the operator's token grants op (scopes or app roles).
func (o *operator) grants(p *Permission) bool {
	if o.AppOnly {
		return hasAny(o.AppRoles, p.AppRoles)
	}
	return hasAny(o.Scopes, p.Scopes)
}

// roleOK checks the directory role a delegated operator needs; target is
// nil for tenant-wide operations, inRoleGroup says the target is in a
// role-assignable group. adminTarget is true when the operator holds one of
// p.Roles but not one that may act on this target.
func (o *operator) roleOK(p *Permission, target *UserData, inRoleGroup bool) (ok bool, adminTarget bool) {
	if o.AppOnly || len(p.Roles) == 0 {
		return true, false
	}
	if !hasAny(o.Wids, p.Roles) {
		return false, false
	}
	if target == nil || p.Targets == nil || (len(target.Roles) == 0 && !inRoleGroup) {
		return true, false
	}
	// Only the operator's roles that grant op are columns here: a User
	// Administrator who is also an Authentication Administrator may not
	// write a Helpdesk Administrator's methods.
	var cols []string
	for _, w := range o.Wids {
		if hasAny([]string{w}, p.Roles) {
			cols = append(cols, w)
		}
	}
	if p.Targets.mayActOn(cols, target.Roles, inRoleGroup) {
		return true, false
	}
	return false, true
}
