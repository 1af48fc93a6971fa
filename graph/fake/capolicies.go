package fake

// capolicies.go: the tenant's Conditional Access policies
// (GET /identity/conditionalAccess/policies), its security defaults policy
// (GET /policies/identitySecurityDefaultsEnforcementPolicy) and a user's
// groups through an OData cast (GET /users/{id}/(transitive)memberOf/
// microsoft.graph.group): what "is MFA required for this user?" reads.

import (
	"strings"
	"time"
)

// CAPolicyData is one Conditional Access policy, in Graph's terms
// (api-reference/v1.0/resources/conditionalaccesspolicy.md).
type CAPolicyConfig struct {
	ID          string    `json:"id"`
	DisplayName string    `json:"displayName"`
	State       string    `json:"state"` // enabled, disabled, enabledForReportingButNotEnforced
	Created     time.Time `json:"createdDateTime,omitzero"`

	IncludeUsers  []string `json:"includeUsers,omitempty"`
	ExcludeUsers  []string `json:"excludeUsers,omitempty"`
	IncludeGroups []string `json:"includeGroups,omitempty"`
	ExcludeGroups []string `json:"excludeGroups,omitempty"`
	IncludeRoles  []string `json:"includeRoles,omitempty"`
	ExcludeRoles  []string `json:"excludeRoles,omitempty"`
	// IncludeGuestTypes is includeGuestsOrExternalUsers'
	// guestOrExternalUserTypes (all external tenants); empty: null.
	IncludeGuestTypes string `json:"includeGuestOrExternalUserTypes,omitempty"`

	IncludeApplications []string `json:"includeApplications,omitempty"` // empty: ["All"]
	ExcludeApplications []string `json:"excludeApplications,omitempty"`
	ClientAppTypes      []string `json:"clientAppTypes,omitempty"` // empty: ["all"]
	IncludeLocations    []string `json:"includeLocations,omitempty"`
	ExcludeLocations    []string `json:"excludeLocations,omitempty"`
	SignInRiskLevels    []string `json:"signInRiskLevels,omitempty"`

	GrantOperator   string   `json:"grantOperator,omitempty"` // OR unless set
	BuiltInControls []string `json:"builtInControls,omitempty"`
	// AuthStrengthID names a built-in authentication strength
	// (authStrengths) required by the grant.
	AuthStrengthID string `json:"authenticationStrengthId,omitempty"`
}

// Fixed policy ids; the first three are the policies sign-ins name
// (signins.go).
const (
	CAAllUsersID       = "a3d3b1c4-77e2-4f6b-9a8c-2b7e6d5c4f01"
	CACompliantID      = "c7e5f2a8-3b4d-4e6f-8a9b-1c2d3e4f5a02"
	CABlockLegacyID    = "e9f1a3b5-6c7d-4e8f-9a0b-2c3d4e5f6a03"
	CAAdminsID         = "b4e6c8d0-2f3a-4b5c-9d6e-7f8a9b0c1d04"
	CAITPhishResistID  = "d6f8a0b2-4c5d-4e6f-8a7b-9c0d1e2f3a05"
	CASalesPilotID     = "e7a9b1c3-5d6e-4f7a-8b9c-0d1e2f3a4b06"
	CAProjectDisabled  = "f8b0c2d4-6e7f-4a8b-9c0d-1e2f3a4b5c07"
	RoleCAAdmin        = "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9"
	RoleGSAAdmin       = "ac434307-12b9-4fa1-a708-88bf58caabc1"
	azureManagementApp = "797f4846-ba00-4fd7-ba43-dac1f8f63013"
	// PhishingResistantStrengthID is the built-in "Phishing-resistant MFA"
	// authentication strength.
	PhishingResistantStrengthID = "00000000-0000-0000-0000-000000000004"
)

func init() {
	RoleNames[RoleCAAdmin] = "Conditional Access Administrator"
	RoleNames[RoleGSAAdmin] = "Global Secure Access Administrator"
}

// authStrengths are the built-in authentication strengths the fake knows
// (api-reference/v1.0/resources/authenticationstrengthpolicy.md).
var authStrengths = map[string]struct{ name, desc string }{
	"00000000-0000-0000-0000-000000000002": {"Multifactor authentication", "Combinations of methods that satisfy strong authentication, such as a password + SMS"},
	"00000000-0000-0000-0000-000000000003": {"Passwordless MFA", "Passwordless methods that satisfy strong authentication, such as Passwordless sign-in with the Microsoft Authenticator"},
	PhishingResistantStrengthID:            {"Phishing-resistant MFA", "Phishing-resistant, Passwordless methods for the strongest authentication, such as a FIDO2 security key"},
}

// generatePolicies gives a generated tenant a realistic set: MFA for all
// users but the break-glass accounts and guests (who do MFA at home under
// cross-tenant trust), MFA for admins by role, phishing-
// resistant MFA for IT on the Azure management app (an authentication
// strength and an app condition), a report-only pilot for Sales, a
// disabled one, and two that do not ask for MFA. Security defaults are
// off (they cannot be on beside Conditional Access).
func (t *Tenant) generatePolicies(now time.Time) {
	created := func(days int) time.Time { return now.Add(-time.Duration(days) * 24 * time.Hour).Truncate(time.Second) }
	admins := []string{RoleGlobalAdmin, RolePrivilegedAuthAdmin, RoleAuthAdmin, RoleHelpdeskAdmin, RoleUserAdmin,
		RoleSecurityAdmin, RolePasswordAdmin, RoleCAAdmin, RolePrivilegedRoleAdmin}
	t.policies = []CAPolicyConfig{
		{ID: CAAllUsersID, DisplayName: "Require MFA for all users", State: "enabled", Created: created(700),
			IncludeUsers: []string{"All"}, ExcludeUsers: []string{"GuestsOrExternalUsers"}, ExcludeGroups: []string{BreakGlassGroupID},
			BuiltInControls: []string{"mfa"}},
		{ID: CAAdminsID, DisplayName: "Require MFA for admins", State: "enabled", Created: created(690),
			IncludeRoles: admins, ExcludeGroups: []string{BreakGlassGroupID}, BuiltInControls: []string{"mfa"}},
		{ID: CAITPhishResistID, DisplayName: "Phishing-resistant MFA for Azure management", State: "enabled", Created: created(200),
			IncludeGroups: []string{ITGroupID}, IncludeApplications: []string{azureManagementApp}, AuthStrengthID: PhishingResistantStrengthID},
		{ID: CASalesPilotID, DisplayName: "Require MFA off the office network (Sales pilot)", State: "enabledForReportingButNotEnforced", Created: created(30),
			IncludeGroups: []string{SalesGroupID}, IncludeLocations: []string{"All"}, ExcludeLocations: []string{"AllTrusted"}, BuiltInControls: []string{"mfa"}},
		{ID: CAProjectDisabled, DisplayName: "Require MFA for O'Brien's project team", State: "disabled", Created: created(80),
			IncludeGroups: []string{ProjectGroupID}, BuiltInControls: []string{"mfa"}},
		{ID: CACompliantID, DisplayName: "Require compliant device", State: "enabled", Created: created(400),
			IncludeGroups: []string{SalesGroupID}, ClientAppTypes: []string{"mobileAppsAndDesktopClients"}, BuiltInControls: []string{"compliantDevice"}},
		{ID: CABlockLegacyID, DisplayName: "Block legacy authentication", State: "enabled", Created: created(720),
			IncludeUsers: []string{"All"}, ExcludeGroups: []string{BreakGlassGroupID}, ClientAppTypes: []string{"exchangeActiveSync", "other"},
			BuiltInControls: []string{"block"}},
	}
}

// ConditionalAccessPolicies returns copies of the tenant's policies.
func (t *Tenant) ConditionalAccessPolicies() []CAPolicyConfig {
	t.mu.Lock()
	defer t.mu.Unlock()
	return clonePolicies(t.policies)
}

// SetSecurityDefaults turns security defaults on or off (tests).
func (t *Tenant) SetSecurityDefaults(on bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.securityDefaults = on
}

func clonePolicies(ps []CAPolicyConfig) []CAPolicyConfig {
	if ps == nil {
		return nil
	}
	td := TenantData{Policies: ps}.clone()
	return td.Policies
}

func orAll(xs []string, all string) []string {
	if len(xs) == 0 {
		return []string{all}
	}
	return xs
}

func orEmpty(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// caPolicyJSON renders a policy with every property Graph returns
// (api-reference/v1.0/resources/conditionalaccesspolicy.md and the
// example of conditionalaccessroot-list-policies.md).
func caPolicyJSON(p *CAPolicyConfig) obj {
	var locations, guests, strength any
	if len(p.IncludeLocations)+len(p.ExcludeLocations) > 0 {
		locations = obj{{"includeLocations", orEmpty(p.IncludeLocations)}, {"excludeLocations", orEmpty(p.ExcludeLocations)}}
	}
	if p.IncludeGuestTypes != "" {
		guests = obj{{"guestOrExternalUserTypes", p.IncludeGuestTypes},
			{"externalTenants", obj{{"@odata.type", "#microsoft.graph.conditionalAccessAllExternalTenants"}, {"membershipKind", "all"}}}}
	}
	if s, ok := authStrengths[p.AuthStrengthID]; ok {
		strength = obj{{"id", p.AuthStrengthID}, {"createdDateTime", "2021-12-01T00:00:00Z"}, {"modifiedDateTime", "2021-12-01T00:00:00Z"},
			{"displayName", s.name}, {"description", s.desc}, {"policyType", "builtIn"}, {"requirementsSatisfied", "mfa"},
			{"allowedCombinations", []string{"windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor"}}}
	}
	op := p.GrantOperator
	if op == "" {
		op = "OR"
	}
	return obj{
		{"id", p.ID},
		{"templateId", nil},
		{"displayName", p.DisplayName},
		{"createdDateTime", gtime(p.Created)},
		{"modifiedDateTime", nil},
		{"state", p.State},
		{"sessionControls", nil},
		{"conditions", obj{
			{"userRiskLevels", []string{}},
			{"signInRiskLevels", orEmpty(p.SignInRiskLevels)},
			{"clientAppTypes", orAll(p.ClientAppTypes, "all")},
			{"servicePrincipalRiskLevels", []string{}},
			{"platforms", nil},
			{"locations", locations},
			{"devices", nil},
			{"clientApplications", nil},
			{"applications", obj{
				{"includeApplications", orAll(p.IncludeApplications, "All")},
				{"excludeApplications", orEmpty(p.ExcludeApplications)},
				{"includeUserActions", []string{}},
				{"includeAuthenticationContextClassReferences", []string{}},
				{"applicationFilter", nil},
			}},
			{"users", obj{
				{"includeUsers", orEmpty(p.IncludeUsers)},
				{"excludeUsers", orEmpty(p.ExcludeUsers)},
				{"includeGroups", orEmpty(p.IncludeGroups)},
				{"excludeGroups", orEmpty(p.ExcludeGroups)},
				{"includeRoles", orEmpty(p.IncludeRoles)},
				{"excludeRoles", orEmpty(p.ExcludeRoles)},
				{"includeGuestsOrExternalUsers", guests},
				{"excludeGuestsOrExternalUsers", nil},
			}},
		}},
		{"grantControls", obj{
			{"operator", op},
			{"builtInControls", orEmpty(p.BuiltInControls)},
			{"customAuthenticationFactors", []string{}},
			{"termsOfUse", []string{}},
			{"authenticationStrength", strength},
		}},
	}
}

// The policy reads' permissions and who may make them.
const (
	OpReadCAPolicies Op = "capolicies.read" // CA policies and security defaults
	opReadUserGroups Op = "usergroups.read" // /users/{id}/(transitive)memberOf/microsoft.graph.group
)

var (
	caReaders = []string{RoleGlobalAdmin, RoleGlobalReader, RoleSecurityReader, RoleSecurityAdmin, RoleCAAdmin, RoleGSAAdmin}

	rulePermCAPolicies = docRule("perm.capolicies.read",
		"Conditional Access policies need Policy.Read.All and, delegated, Security Reader, Security Administrator, Global Secure Access Administrator, Global Reader or Conditional Access Administrator; 403 otherwise",
		"api-reference/v1.0/api/conditionalaccessroot-list-policies.md")
	ruleCAReaders = docRule("perm.capolicies.roles",
		"the roles that may read Conditional Access policies for another user: Global Secure Access Administrator, Security Reader, Security Administrator, Global Reader, Conditional Access Administrator",
		"api-reference/v1.0/includes/rbac-for-apis/rbac-conditionalaccess-apis-read.md")
	rulePermSecurityDefaults = docRule("perm.securitydefaults.read",
		"the security defaults policy needs Policy.Read.All (the page names no role: the Conditional Access readers are required, the safer reading)",
		"https://learn.microsoft.com/graph/api/identitysecuritydefaultsenforcementpolicy-get")
	rulePermUserGroups = docRule("perm.usergroups.read",
		"a user's memberships need User.Read, User.Read.All, GroupMember.Read.All, Group.Read.All or Directory.Read(Write).All (applications: the same without User.Read)",
		"api-reference/v1.0/api/user-list-transitivememberof.md")
	ruleLimitedInfo = docRule("directoryobjects.limited-info",
		"a directoryObject collection (memberOf, transitiveMemberOf) returns the groups a caller without a group permission may not read with only @odata.type and id, the other properties null",
		"concepts/permissions-overview.md#limited-information-returned-for-inaccessible-member-objects")
	ruleMemberOfCast = docRule("users.memberof-cast-needs-advanced-query",
		"an OData cast on /users/{id}/memberOf or /transitiveMemberOf (microsoft.graph.group) needs ConsistencyLevel: eventual and $count=true",
		"api-reference/v1.0/api/user-list-transitivememberof.md")
	ruleCAStates = docRule("capolicies.shape",
		"policies are served with every documented property: state enabled, disabled or enabledForReportingButNotEnforced; conditions.users include/exclude users (All, None, GuestsOrExternalUsers, ids), groups and role template ids; grantControls operator, builtInControls and authenticationStrength",
		"api-reference/v1.0/resources/conditionalaccesspolicy.md")
)

func init() {
	Permissions = append(Permissions,
		Permission{Op: OpReadCAPolicies, Scopes: []string{"Policy.Read.All"}, AppRoles: []string{"Policy.Read.All"},
			Roles: caReaders, Rule: rulePermCAPolicies},
		Permission{Op: opReadUserGroups,
			Scopes:   []string{"User.Read", "User.Read.All", "GroupMember.Read.All", "Group.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"},
			AppRoles: []string{"User.Read.All", "GroupMember.Read.All", "Group.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"},
			Rule:     rulePermUserGroups},
	)
}

// listCAPolicies answers GET /identity/conditionalAccess/policies.
func (t *Tenant) listCAPolicies(rc *reqCtx) response {
	if r := t.authorize(rc, OpReadCAPolicies, nil); r != nil {
		return *r
	}
	vals := make([]obj, 0, len(t.policies))
	for i := range t.policies {
		vals = append(vals, caPolicyJSON(&t.policies[i]))
	}
	return collection(rc, "identity/conditionalAccess/policies", vals)
}

// getCAPolicy answers GET /identity/conditionalAccess/policies/{id}.
func (t *Tenant) getCAPolicy(rc *reqCtx, id string) response {
	if r := t.authorize(rc, OpReadCAPolicies, nil); r != nil {
		return *r
	}
	for i := range t.policies {
		if strings.EqualFold(t.policies[i].ID, id) {
			return single(rc, "identity/conditionalAccess/policies/$entity", caPolicyJSON(&t.policies[i]))
		}
	}
	return resourceNotFound(rc, id)
}

// securityDefaultsPolicy answers GET
// /policies/identitySecurityDefaultsEnforcementPolicy (the example's shape).
func (t *Tenant) securityDefaultsPolicy(rc *reqCtx) response {
	p := *permissionFor(OpReadCAPolicies)
	p.Rule = rulePermSecurityDefaults
	if r := t.authorizeRow(rc, &p); r != nil {
		return *r
	}
	return single(rc, "policies/identitySecurityDefaultsEnforcementPolicy/$entity", obj{
		{"id", "00000000-0000-0000-0000-000000000005"},
		{"displayName", "Security Defaults"},
		{"description", "Security defaults is a set of basic identity security mechanisms recommended by Microsoft. When enabled, these recommendations will be automatically enforced in your organization. Administrators and users will be better protected from common identity related attacks."},
		{"isEnabled", t.securityDefaults},
	})
}

// canReadGroups: does the caller hold a group permission (else groups in
// a directoryObject collection come back with limited information)?
func canReadGroups(rc *reqCtx) bool {
	return rc.op.Demo || rc.op.grants(permissionFor(OpReadGroups))
}

// limitedGroupJSON is a group as a caller without a group permission sees
// it in a directoryObject collection: type and id, the rest null.
func limitedGroupJSON(g *GroupData, sel []string) obj {
	o := obj{{"id", g.ID}}
	for _, p := range groupProps[1:] {
		if sel == nil || containsFold(sel, p) {
			o = append(o, kv{p, nil})
		}
	}
	return o
}

func containsFold(xs []string, v string) bool {
	for _, x := range xs {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// memberGroups answers GET /users/{id}/memberOf/microsoft.graph.group and
// /transitiveMemberOf/microsoft.graph.group: the user's groups as a
// collection of groups, with $select, $top and $count (the cast is an
// advanced query: ConsistencyLevel: eventual and $count=true).
func (t *Tenant) memberGroupsCast(rc *reqCtx, target func(*reqCtx) (*user, *response), transitive bool) response {
	if rc.op.AppOnly && strings.HasPrefix(rc.path, "/me") {
		return rc.fail(400, "BadRequest", "/me request is only valid with delegated authentication flow.")
	}
	if r := t.authorize(rc, opReadUserGroups, nil); r != nil {
		return *r
	}
	count, eventual, bad := countParam(rc)
	if bad != nil {
		return *bad
	}
	if !eventual || !count {
		_ = ruleMemberOfCast
		return rc.fail(400, "Request_UnsupportedQuery", "An OData cast on a directory object collection needs the ConsistencyLevel: eventual header and $count=true (advanced query).")
	}
	for _, p := range []string{"$search", "$orderby", "$expand", "$filter"} {
		if rc.q.Get(p) != "" {
			return rc.fail(400, "Request_UnsupportedQuery", "The query parameter '"+p+"' is not supported by this fake on this collection.")
		}
	}
	sel, bad := parseSelect(rc, groupProps, "microsoft.graph.group")
	if bad != nil {
		return *bad
	}
	top, bad := parseTop(rc, 100, 999)
	if bad != nil {
		return *bad
	}
	var groups []*GroupData
	if strings.HasPrefix(rc.path, "/me") {
		groups = t.memberGroups(rc.op.ID, transitive)
	} else {
		u, bad := target(rc)
		if bad != nil {
			return *bad
		}
		groups = t.memberGroups(u.ID, transitive)
	}
	full := canReadGroups(rc)
	return page(rc, groups, top, selectContext("groups", sel), func(g *GroupData) obj {
		if !full {
			return limitedGroupJSON(g, sel)
		}
		return groupJSON(g).project(sel)
	}, count)
}
