package fake

import (
	"slices"
	"sort"
	"strings"
)

// mfaKinds are the kinds that count as a registered second factor.
var mfaKinds = []string{KindAuthenticator, KindPhone, KindSoftwareOath, KindHardwareOath, KindFIDO2, KindWindowsHello, KindPlatformCredential}

func isMfaRegistered(ms []MethodData) bool {
	for _, k := range mfaKinds {
		if hasKind(ms, k) {
			return true
		}
	}
	return false
}

func isAuthenticatorPasskey(m *MethodData) bool {
	return m.Kind == KindFIDO2 && strings.Contains(m.Model, "Authenticator")
}

// methodsRegistered names the user's methods as the registration report does.
func methodsRegistered(ms []MethodData) []string {
	out := []string{}
	add := func(s string) {
		for _, x := range out {
			if x == s {
				return
			}
		}
		out = append(out, s)
	}
	for i := range ms {
		m := &ms[i]
		switch m.Kind {
		case KindPhone:
			switch m.PhoneType {
			case "mobile":
				add("mobilePhone")
			case "alternateMobile":
				add("alternateMobilePhone")
			case "office":
				add("officePhone")
			}
		case KindAuthenticator:
			add("microsoftAuthenticatorPush")
			if m.DeviceTag == "SoftwareTokenActivated" || m.DeviceTag == "" {
				add("softwareOneTimePasscode")
			}
		case KindSoftwareOath:
			add("softwareOneTimePasscode")
		case KindHardwareOath:
			add("hardwareOneTimePasscode")
		case KindEmail:
			add("email")
		case KindFIDO2:
			if isAuthenticatorPasskey(m) {
				add("passKeyDeviceBoundAuthenticator")
			} else {
				add("fido2SecurityKey")
			}
		case KindWindowsHello:
			add("windowsHelloForBusiness")
		case KindPlatformCredential:
			add("macOsSecureEnclaveKey")
		case KindTAP:
			add("temporaryAccessPass")
		}
	}
	return out
}

type regRow struct {
	u                  *user
	methods            []string
	mfaReg, ssprReg    bool
	ssprEnabled        bool
	passwordlessCap    bool
	preferred, sysPref string
}

func makeReg(u *user) regRow {
	ms := u.Methods
	r := regRow{u: u, methods: methodsRegistered(ms), mfaReg: isMfaRegistered(ms)}
	r.ssprReg = hasKind(ms, KindPhone) || hasKind(ms, KindEmail) || hasKind(ms, KindAuthenticator) || hasKind(ms, KindSoftwareOath)
	r.ssprEnabled = !u.IsGuest()
	r.passwordlessCap = hasKind(ms, KindFIDO2) || hasKind(ms, KindWindowsHello) || hasKind(ms, KindPlatformCredential)
	r.preferred = firstNonEmpty(u.PreferredMethod, "none")
	if defaultMethod(&u.UserData) == nil {
		r.preferred = "none"
	}
	r.sysPref = systemPreferred(ms)
	return r
}

func (r regRow) field(name string) any {
	u := r.u
	switch name {
	case "id":
		return u.ID
	case "userPrincipalName":
		return u.UserPrincipalName
	case "userDisplayName":
		return u.DisplayName
	case "userType":
		return strings.ToLower(u.UserType)
	case "isAdmin":
		return u.IsAdmin()
	case "isMfaRegistered", "isMfaCapable":
		return r.mfaReg
	case "isSsprRegistered":
		return r.ssprReg
	case "isSsprEnabled":
		return r.ssprEnabled
	case "isSsprCapable":
		return r.ssprReg && r.ssprEnabled
	case "isPasswordlessCapable":
		return r.passwordlessCap
	case "isSystemPreferredAuthenticationMethodEnabled":
		return u.SystemPreferredEnabled
	case "methodsRegistered":
		return r.methods
	case "userPreferredMethodForSecondaryAuthentication":
		return r.preferred
	case "systemPreferredAuthenticationMethods":
		if r.sysPref == "none" {
			return []string{}
		}
		return []string{r.sysPref}
	case "lastUpdatedDateTime":
		return u.RegistrationUpdated
	}
	return nil
}

var regSchema = registerSchema(&schema{typeName: "microsoft.graph.userRegistrationDetails", props: map[string]ptype{
	"id": pString, "userPrincipalName": pString, "userDisplayName": pString, "userType": pString,
	"isAdmin": pBool, "isMfaRegistered": pBool, "isMfaCapable": pBool, "isSsprRegistered": pBool,
	"isSsprEnabled": pBool, "isSsprCapable": pBool, "isPasswordlessCapable": pBool,
	"isSystemPreferredAuthenticationMethodEnabled": pBool, "methodsRegistered": pStrColl,
	"userPreferredMethodForSecondaryAuthentication": pString, "systemPreferredAuthenticationMethods": pStrColl,
	"lastUpdatedDateTime": pTime,
},
	// api-reference/v1.0/resources/userregistrationdetails.md: the
	// "Supports $filter" notes. id, isAdmin, userType and
	// lastUpdatedDateTime carry none. userPreferredMethodForSecondary-
	// Authentication says "any with eq" on a single value: taken as eq.
	ops: map[string]string{
		"isMfaCapable": "eq", "isMfaRegistered": "eq", "isPasswordlessCapable": "eq", "isSsprCapable": "eq",
		"isSsprEnabled": "eq", "isSsprRegistered": "eq", "isSystemPreferredAuthenticationMethodEnabled": "eq",
		"methodsRegistered": "any", "methodsRegistered/$it": "eq",
		"systemPreferredAuthenticationMethods": "any", "systemPreferredAuthenticationMethods/$it": "eq",
		"userDisplayName": "eq startswith", "userPrincipalName": "eq startswith",
		"userPreferredMethodForSecondaryAuthentication": "eq",
	}})

var (
	ruleRegFilter = docRule("reports.registration-filter-documented",
		"userRegistrationDetails $filter accepts only the properties and operators its resource page marks filterable (not isAdmin, userType, id)",
		"api-reference/v1.0/resources/userregistrationdetails.md")
	ruleRegQuery = docRule("reports.registration-query-options",
		"userRegistrationDetails supports only $filter and $orderby (userDisplayName, userPrincipalName); $top and other options are refused",
		"api-reference/v1.0/api/authenticationmethodsroot-list-userregistrationdetails.md")
	ruleRegP1 = docRule("reports.registration-needs-p1",
		"the registration report (usage and insights) needs Microsoft Entra ID P1 or P2; without it the request is refused with 403",
		"https://learn.microsoft.com/graph/api/resources/authenticationmethods-usage-insights-overview")
	ruleRegDisabled = docRule("reports.registration-not-for-disabled-users",
		"userRegistrationDetails does not work for disabled users: they are not listed and reading one by id is 404",
		"https://learn.microsoft.com/graph/api/authenticationmethodsroot-list-userregistrationdetails")
)

// DefaultRegistrationPageSize is the fake's page size for
// userRegistrationDetails. The reference documents none (and no $top), so
// it borrows the 1,000 the same reports service documents for signIns
// (api-reference/beta/api/signin-list.md); Options.RegistrationPageSize
// changes it.
const DefaultRegistrationPageSize = 1000

// regQueryOptions are the query options the registration report accepts:
// the documented $filter and $orderby, and the $skiptoken of its own
// nextLinks.
var regQueryOptions = []string{"$filter", "$orderby", "$skiptoken"}

// authorizeRegistrations checks the caller may read the report and that
// the tenant has the P1 licence it needs.
func (t *Tenant) authorizeRegistrations(rc *reqCtx) *response {
	if r := t.authorize(rc, OpReadRegistration, nil); r != nil {
		return r
	}
	if t.opts.NoP1 {
		r := notPremium(rc)
		return &r
	}
	return nil
}

// notPremium is the licence refusal the reporting troubleshooting page
// names ("Neither tenant is B2C or tenant doesn't have premium license").
func notPremium(rc *reqCtx) response {
	return rc.fail(403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant", "Neither tenant is B2C or tenant doesn't have premium license")
}

func regJSON(rc *reqCtx, r regRow) obj {
	u := r.u
	o := obj{
		{"id", u.ID},
		{"userPrincipalName", u.UserPrincipalName},
		{"userDisplayName", u.DisplayName},
		{"userType", strings.ToLower(u.UserType)},
		{"isAdmin", u.IsAdmin()},
		{"isSsprRegistered", r.ssprReg},
		{"isSsprEnabled", r.ssprEnabled},
		{"isSsprCapable", r.ssprReg && r.ssprEnabled},
		{"isMfaRegistered", r.mfaReg},
		{"isMfaCapable", r.mfaReg},
		{"isPasswordlessCapable", r.passwordlessCap},
		{"lastUpdatedDateTime", gtime(u.RegistrationUpdated)},
		{"methodsRegistered", r.methods},
		{"isSystemPreferredAuthenticationMethodEnabled", u.SystemPreferredEnabled},
		{"systemPreferredAuthenticationMethods", r.field("systemPreferredAuthenticationMethods")},
		{"userPreferredMethodForSecondaryAuthentication", r.preferred},
	}
	if rc.version == "beta" {
		def := r.preferred
		if def == "push" {
			def = "microsoftAuthenticatorPush"
		}
		o = append(o, kv{"defaultMfaMethod", def})
	}
	return o
}

func (t *Tenant) listRegistrations(rc *reqCtx) response {
	if r := t.authorizeRegistrations(rc); r != nil {
		return *r
	}
	for k := range rc.q {
		if !slices.Contains(regQueryOptions, strings.ToLower(k)) && strings.HasPrefix(k, "$") {
			return rc.fail(400, "BadRequest", "Query option '"+k+"' is not allowed. Allowed query options are $filter and $orderby.")
		}
	}
	fn, bad := parseFilterFor(rc, regSchema)
	if bad != nil {
		return *bad
	}
	size := t.opts.RegistrationPageSize
	if size <= 0 {
		size = DefaultRegistrationPageSize
	}
	ctx := "reports/authenticationMethods/userRegistrationDetails"
	if fn == nil && rc.q.Get("$orderby") == "" {
		// the whole report: rows are derived for the page only, so a
		// 50,000-user walk costs O(users), not O(users x pages)
		var us []*user
		for _, u := range t.users {
			if u.AccountEnabled {
				us = append(us, u)
			}
		}
		return page(rc, us, size, ctx, func(u *user) obj { return regJSON(rc, makeReg(u)) }, false)
	}
	var rows []regRow
	for _, u := range t.usersByKey(fn, "id", "") {
		if !u.AccountEnabled {
			continue
		}
		if r := makeReg(u); matches(r, regSchema, fn, nil) {
			rows = append(rows, r)
		}
	}
	if bad := orderBy(rc, rows, []string{"userDisplayName", "userPrincipalName"}, func(r regRow) entity { return r }); bad != nil {
		return *bad
	}
	return page(rc, rows, size, ctx, func(r regRow) obj { return regJSON(rc, r) }, false)
}

func (t *Tenant) getRegistration(rc *reqCtx, id string) response {
	if r := t.authorizeRegistrations(rc); r != nil {
		return *r
	}
	u := t.byID[strings.ToLower(id)]
	if u == nil || !u.AccountEnabled {
		return resourceNotFound(rc, id)
	}
	return single(rc, "reports/authenticationMethods/userRegistrationDetails/$entity", regJSON(rc, makeReg(u)))
}

// ---------------------------------------------------------------------------
// sign-ins

type signInRow struct {
	u *user
	s *SignInData
}

type fieldsEnt map[string]any

func (f fieldsEnt) field(name string) any { return f[name] }

func (r signInRow) field(name string) any {
	s := r.s
	switch name {
	case "id":
		return s.ID
	case "createdDateTime":
		return s.Created
	case "userId":
		return r.u.ID
	case "userPrincipalName":
		return r.u.UserPrincipalName
	case "userDisplayName":
		return r.u.DisplayName
	case "appId":
		return s.AppID
	case "appDisplayName":
		return s.AppDisplayName
	case "ipAddress":
		return s.IPAddress
	case "clientAppUsed":
		return s.ClientAppUsed
	case "conditionalAccessStatus":
		return s.ConditionalAccessStatus
	case "isInteractive":
		return s.IsInteractive
	case "signInEventTypes":
		return []string{signInEventType(s)}
	case "correlationId":
		return s.CorrelationID
	case "resourceDisplayName":
		return s.ResourceDisplayName
	case "resourceId":
		return s.ResourceID
	case "authenticationRequirement":
		return s.AuthenticationRequirement
	case "status":
		return fieldsEnt{"errorCode": s.ErrorCode, "failureReason": s.FailureReason, "additionalDetails": s.AdditionalDetails}
	case "location":
		return fieldsEnt{"city": s.Location.City, "state": s.Location.State, "countryOrRegion": s.Location.CountryOrRegion}
	case "deviceDetail":
		return fieldsEnt{"deviceId": s.Device.DeviceID, "displayName": s.Device.DisplayName, "operatingSystem": s.Device.OperatingSystem,
			"browser": s.Device.Browser, "isCompliant": s.Device.IsCompliant, "isManaged": s.Device.IsManaged, "trustType": s.Device.TrustType}
	}
	return nil
}

var signInSchema = registerSchema(&schema{typeName: "microsoft.graph.signIn", props: map[string]ptype{
	"id": pString, "createdDateTime": pTime, "userId": pString, "userPrincipalName": pString, "userDisplayName": pString,
	"appId": pString, "appDisplayName": pString, "ipAddress": pString, "clientAppUsed": pString,
	"conditionalAccessStatus": pString, "isInteractive": pBool, "correlationId": pString,
	"resourceDisplayName": pString, "resourceId": pString, "authenticationRequirement": pString,
	"status": pObj, "location": pObj, "deviceDetail": pObj, "signInEventTypes": pStrColl,
},
	// api-reference/beta/resources/signin.md, each property's "Supports
	// $filter" note. status/errorCode is eq only; isInteractive has none.
	ops: map[string]string{
		"id": "eq", "userId": "eq", "appId": "eq", "createdDateTime": "eq le ge",
		"userDisplayName": "eq startswith", "userPrincipalName": "eq startswith", "appDisplayName": "eq startswith",
		"authenticationRequirement": "eq startswith", "ipAddress": "eq startswith",
		"location/city": "eq startswith", "location/state": "eq startswith", "location/countryOrRegion": "eq startswith",
		"status/errorCode": "eq", "clientAppUsed": "eq", "conditionalAccessStatus": "eq", "correlationId": "eq",
		"deviceDetail/browser": "eq startswith", "deviceDetail/operatingSystem": "eq startswith",
		"resourceDisplayName": "eq", "resourceId": "eq",
		"signInEventTypes": "any", "signInEventTypes/$it": "eq ne",
	}, sub: map[string]*schema{
		"status":       {typeName: "microsoft.graph.signInStatus", props: map[string]ptype{"errorCode": pNumber, "failureReason": pString, "additionalDetails": pString}},
		"location":     {typeName: "microsoft.graph.signInLocation", props: map[string]ptype{"city": pString, "state": pString, "countryOrRegion": pString}},
		"deviceDetail": {typeName: "microsoft.graph.deviceDetail", props: map[string]ptype{"deviceId": pString, "displayName": pString, "operatingSystem": pString, "browser": pString, "isCompliant": pBool, "isManaged": pBool, "trustType": pString}},
	}})

var (
	ruleSignInFilter = docRule("signins.filter-documented",
		"signIns $filter accepts only documented properties and operators: status/errorCode eq only, signInEventTypes any with eq/ne, no isInteractive",
		"api-reference/beta/resources/signin.md")
	ruleSignInInteractive = docRule("signins.interactive-unless-filtered",
		"the sign-in list returns only interactive sign-ins unless the $filter names signInEventTypes (beta only)",
		"api-reference/beta/resources/signin.md")
	ruleSignInCA = docRule("signins.ca-policies-need-ca-read",
		"appliedConditionalAccessPolicies is omitted unless the caller may read Conditional Access data (Global Administrator, Global Reader, Security Administrator, Security Reader, Conditional Access Administrator; app: Policy.Read.All, Policy.ReadWrite.ConditionalAccess or Policy.Read.ConditionalAccess)",
		"https://learn.microsoft.com/graph/api/signin-list#viewing-applied-conditional-access-ca-policies-in-sign-ins")
)

// roleCAAdmin is the Conditional Access Administrator role template.
const roleCAAdmin = "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9"

// caReadRoles and caReadPerms may see appliedConditionalAccessPolicies.
var (
	caReadRoles = []string{RoleGlobalAdmin, RoleGlobalReader, RoleSecurityAdmin, RoleSecurityReader, roleCAAdmin}
	caReadPerms = []string{"Policy.Read.All", "Policy.ReadWrite.ConditionalAccess", "Policy.Read.ConditionalAccess"}
)

// canReadCA: an app needs one of caReadPerms; a signed-in user also one of
// caReadRoles.
func canReadCA(op *operator) bool {
	if op == nil {
		return false
	}
	perms := op.Scopes
	if op.AppOnly {
		perms = op.AppRoles
	}
	hasPerm := slices.ContainsFunc(perms, func(p string) bool {
		return slices.ContainsFunc(caReadPerms, func(c string) bool { return strings.EqualFold(p, c) })
	})
	if !hasPerm {
		return false
	}
	return op.AppOnly || slices.ContainsFunc(op.Wids, func(w string) bool { return slices.Contains(caReadRoles, strings.ToLower(w)) })
}

func signInEventType(s *SignInData) string {
	if s.IsInteractive {
		return "interactiveUser"
	}
	return "nonInteractiveUser"
}

// signInsOf returns the user's sign-ins, generating them on first use.
func (t *Tenant) signInsOf(u *user) []SignInData {
	if u.signInsPending {
		u.SignIns = genSignIns(u, u.signInSeed, u.signInBase)
		u.signInsPending = false
	}
	return u.SignIns
}

func signInJSON(rc *reqCtx, r signInRow) obj {
	s, u := r.s, r.u
	policies := []obj{}
	for _, p := range s.Policies {
		g, ss := p.EnforcedGrant, p.EnforcedSessions
		if g == nil {
			g = []string{}
		}
		if ss == nil {
			ss = []string{}
		}
		policies = append(policies, obj{{"id", p.ID}, {"displayName", p.DisplayName},
			{"enforcedGrantControls", g}, {"enforcedSessionControls", ss}, {"result", p.Result}})
	}
	status := obj{{"errorCode", s.ErrorCode}, {"failureReason", nullable(s.FailureReason)}, {"additionalDetails", nullable(s.AdditionalDetails)}}
	if s.ErrorCode == 0 && s.FailureReason == "" {
		status[1].v = nil
	}
	o := obj{
		{"id", s.ID},
		{"createdDateTime", gtime(s.Created)},
		{"userDisplayName", u.DisplayName},
		{"userPrincipalName", u.UserPrincipalName},
		{"userId", u.ID},
		{"appId", s.AppID},
		{"appDisplayName", s.AppDisplayName},
		{"ipAddress", s.IPAddress},
		{"clientAppUsed", s.ClientAppUsed},
		{"correlationId", s.CorrelationID},
		{"conditionalAccessStatus", firstNonEmpty(s.ConditionalAccessStatus, "notApplied")},
		{"isInteractive", s.IsInteractive},
		{"riskDetail", signInRiskValue(s.RiskDetail, rc.hideRisk)},
		{"riskLevelAggregated", signInRiskValue(s.RiskLevelAggregated, rc.hideRisk)},
		{"riskLevelDuringSignIn", signInRiskValue(s.RiskLevelDuringSignIn, rc.hideRisk)},
		{"riskState", firstNonEmpty(s.RiskState, "none")},
		{"riskEventTypes", signInRiskEvents(s.RiskEventTypes)},
		{"riskEventTypes_v2", signInRiskEvents(s.RiskEventTypes)},
		{"resourceDisplayName", s.ResourceDisplayName},
		{"resourceId", s.ResourceID},
		{"status", status},
		{"deviceDetail", obj{
			{"deviceId", s.Device.DeviceID},
			{"displayName", nullable(s.Device.DisplayName)},
			{"operatingSystem", nullable(s.Device.OperatingSystem)},
			{"browser", nullable(s.Device.Browser)},
			{"isCompliant", s.Device.IsCompliant},
			{"isManaged", s.Device.IsManaged},
			{"trustType", nullable(s.Device.TrustType)},
		}},
		{"location", obj{
			{"city", nullable(s.Location.City)},
			{"state", nullable(s.Location.State)},
			{"countryOrRegion", nullable(s.Location.CountryOrRegion)},
			{"geoCoordinates", obj{{"altitude", nil}, {"latitude", s.Location.Latitude}, {"longitude", s.Location.Longitude}}},
		}},
	}
	if canReadCA(rc.op) {
		o = append(o, kv{"appliedConditionalAccessPolicies", policies})
	}
	if rc.version == "beta" {
		steps := []obj{}
		var used []string
		for _, st := range s.AuthDetails {
			steps = append(steps, obj{
				{"authenticationStepDateTime", gtime(st.Time)},
				{"authenticationMethod", st.Method},
				{"authenticationMethodDetail", nullable(st.MethodDetail)},
				{"succeeded", st.Succeeded},
				{"authenticationStepResultDetail", st.ResultDetail},
				{"authenticationStepRequirement", st.Requirement},
			})
			if st.Succeeded && st.Method != "Previously satisfied" {
				used = append(used, st.Method)
			}
		}
		if used == nil {
			used = []string{}
		}
		o = append(o,
			kv{"authenticationRequirement", firstNonEmpty(s.AuthenticationRequirement, "singleFactorAuthentication")},
			kv{"authenticationDetails", steps},
			kv{"authenticationMethodsUsed", used},
			kv{"signInEventTypes", []string{signInEventType(s)}},
		)
	}
	return o
}

// authorizeSignIns checks the caller may read sign-ins and that the tenant
// has the Entra ID P1 licence the sign-in log needs.
func (t *Tenant) authorizeSignIns(rc *reqCtx) *response {
	if r := t.authorize(rc, OpReadSignIns, nil); r != nil {
		return r
	}
	if t.opts.NoP1 {
		r := notPremium(rc)
		return &r
	}
	rc.hideRisk = t.opts.NoP2 // signins.risk-hidden-without-p2
	return nil
}

func (t *Tenant) listSignIns(rc *reqCtx) response {
	if r := t.authorizeSignIns(rc); r != nil {
		return *r
	}
	fn, bad := parseFilterFor(rc, signInSchema)
	if bad != nil {
		return *bad
	}
	t.advanceLive(rc.now) // ruleSignInCreatedGe: new sign-ins as they happen
	byType := fn.mentions("signInEventTypes")
	if byType && rc.version != "beta" {
		// v1.0 signIn has no signInEventTypes property
		return rc.fail(400, "BadRequest", "Invalid filter clause: Could not find a property named 'signInEventTypes' on type 'microsoft.graph.signIn'.")
	}
	top, bad := parseTop(rc, 1000, 1000)
	if bad != nil {
		return *bad
	}
	var rows []signInRow
	for _, u := range t.usersByKey(fn, "userId", "userPrincipalName") {
		ss := t.signInsOf(u)
		for i := range ss {
			if !byType && !ss[i].IsInteractive {
				continue // interactive only unless filtered on signInEventTypes
			}
			if r := (signInRow{u, &ss[i]}); matches(r, signInSchema, fn, nil) {
				rows = append(rows, r)
			}
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].s.Created.After(rows[j].s.Created) })
	return page(rc, rows, top, "auditLogs/signIns", func(r signInRow) obj { return signInJSON(rc, r) }, false)
}

func (t *Tenant) getSignIn(rc *reqCtx, id string) response {
	if r := t.authorizeSignIns(rc); r != nil {
		return *r
	}
	for _, u := range t.users {
		ss := t.signInsOf(u)
		for i := range ss {
			if ss[i].ID == id {
				return single(rc, "auditLogs/signIns/$entity", signInJSON(rc, signInRow{u, &ss[i]}))
			}
		}
	}
	return resourceNotFound(rc, id)
}

// ---------------------------------------------------------------------------
// directory audits

type auditRow struct{ a *AuditData }

func (r auditRow) field(name string) any {
	a := r.a
	switch name {
	case "id":
		return a.ID
	case "activityDateTime":
		return a.ActivityDateTime
	case "activityDisplayName":
		return a.ActivityDisplayName
	case "category":
		return a.Category
	case "correlationId":
		return a.CorrelationID
	case "loggedByService":
		return a.LoggedByService
	case "operationType":
		return a.OperationType
	case "result":
		return a.Result
	case "initiatedBy":
		ib := a.InitiatedBy
		return fieldsEnt{
			"user": fieldsEnt{"id": ib.UserID, "displayName": ib.UserDisplayName, "userPrincipalName": ib.UserPrincipalName},
			"app":  fieldsEnt{"appId": ib.AppID, "displayName": ib.AppDisplayName, "servicePrincipalId": ib.ServicePrincipalID},
		}
	case "targetResources":
		var out []entity
		for _, tr := range a.Targets {
			out = append(out, fieldsEnt{"id": tr.ID, "displayName": tr.DisplayName, "userPrincipalName": tr.UserPrincipalName, "type": tr.Type})
		}
		return out
	}
	return nil
}

var auditSchema = registerSchema(&schema{typeName: "microsoft.graph.directoryAudit", props: map[string]ptype{
	"id": pString, "activityDateTime": pTime, "activityDisplayName": pString, "category": pString,
	"correlationId": pString, "loggedByService": pString, "operationType": pString, "result": pString,
	"initiatedBy": pObj, "targetResources": pObjColl,
}, sub: map[string]*schema{
	"initiatedBy": {typeName: "microsoft.graph.auditActivityInitiator", props: map[string]ptype{"user": pObj, "app": pObj}, sub: map[string]*schema{
		"user": {typeName: "microsoft.graph.userIdentity", props: map[string]ptype{"id": pString, "displayName": pString, "userPrincipalName": pString}},
		"app":  {typeName: "microsoft.graph.appIdentity", props: map[string]ptype{"appId": pString, "displayName": pString, "servicePrincipalId": pString}},
	}},
	"targetResources": {typeName: "microsoft.graph.targetResource", props: map[string]ptype{"id": pString, "displayName": pString, "userPrincipalName": pString, "type": pString}},
}})

func auditJSON(a *AuditData) obj {
	var init obj
	ib := a.InitiatedBy
	if ib.AppID != "" && ib.UserID == "" && ib.UserPrincipalName == "" {
		init = obj{{"app", obj{{"appId", ib.AppID}, {"displayName", ib.AppDisplayName}, {"servicePrincipalId", ib.ServicePrincipalID}, {"servicePrincipalName", nil}}}, {"user", nil}}
	} else {
		init = obj{{"app", nil}, {"user", obj{{"id", nullable(ib.UserID)}, {"displayName", nullable(ib.UserDisplayName)},
			{"userPrincipalName", nullable(ib.UserPrincipalName)}, {"ipAddress", nullable(ib.IPAddress)}, {"userType", nil}}}}
	}
	targets := []obj{}
	for _, tr := range a.Targets {
		props := []obj{}
		for _, p := range tr.ModifiedProperties {
			props = append(props, obj{{"displayName", p.DisplayName}, {"oldValue", nullable(p.OldValue)}, {"newValue", nullable(p.NewValue)}})
		}
		targets = append(targets, obj{{"id", tr.ID}, {"displayName", nullable(tr.DisplayName)}, {"type", tr.Type},
			{"userPrincipalName", nullable(tr.UserPrincipalName)}, {"groupType", nil}, {"modifiedProperties", props}})
	}
	details := []obj{}
	for _, d := range a.AdditionalDetails {
		details = append(details, obj{{"key", d.Key}, {"value", d.Value}})
	}
	return obj{
		{"id", a.ID},
		{"category", a.Category},
		{"correlationId", a.CorrelationID},
		{"result", a.Result},
		{"resultReason", a.ResultReason},
		{"activityDisplayName", a.ActivityDisplayName},
		{"activityDateTime", gtime(a.ActivityDateTime)},
		{"loggedByService", a.LoggedByService},
		{"operationType", a.OperationType},
		{"initiatedBy", init},
		{"targetResources", targets},
		{"additionalDetails", details},
	}
}

func (t *Tenant) listAudits(rc *reqCtx) response {
	if r := t.authorize(rc, OpReadAudit, nil); r != nil {
		return *r
	}
	fn, bad := parseFilterFor(rc, auditSchema)
	if bad != nil {
		return *bad
	}
	top, bad := parseTop(rc, 1000, 1000)
	if bad != nil {
		return *bad
	}
	target, byTarget := fn.topEq("targetResources/id")
	var rows []*AuditData
	for i := len(t.audits) - 1; i >= 0; i-- { // newest first
		a := &t.audits[i]
		if byTarget && !auditTargets(a, target) {
			continue
		}
		if matches(auditRow{a}, auditSchema, fn, nil) {
			rows = append(rows, a)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].ActivityDateTime.After(rows[j].ActivityDateTime) })
	return page(rc, rows, top, "auditLogs/directoryAudits", auditJSON, false)
}

func auditTargets(a *AuditData, id string) bool {
	for _, tr := range a.Targets {
		if strings.EqualFold(tr.ID, id) {
			return true
		}
	}
	return false
}

func (t *Tenant) getAudit(rc *reqCtx, id string) response {
	if r := t.authorize(rc, OpReadAudit, nil); r != nil {
		return *r
	}
	for i := range t.audits {
		if t.audits[i].ID == id {
			return single(rc, "auditLogs/directoryAudits/$entity", auditJSON(&t.audits[i]))
		}
	}
	return resourceNotFound(rc, id)
}
