package fake

import (
	"strings"
	"time"
)

// Identity Protection: GET /identityProtection/riskyUsers/{id}, POST
// .../riskyUsers/dismiss and .../riskyUsers/confirmCompromised (v1.0),
// and the risk fields of sign-ins. mfadesk reads one user's record and
// acts on one user at a time; the fake serves just that.

// RiskData is a user's riskyUser record; the zero value is no record.
type RiskData struct {
	Level   string    `json:"riskLevel,omitempty"`  // low, medium, high, none
	State   string    `json:"riskState,omitempty"`  // atRisk, confirmedCompromised, dismissed, remediated, confirmedSafe, none
	Detail  string    `json:"riskDetail,omitempty"` // riskDetail; "" is none
	Updated time.Time `json:"riskLastUpdatedDateTime,omitzero"`
}

// IsZero reports no record.
func (r RiskData) IsZero() bool { return r.Level == "" && r.State == "" }

// Op names for the permission table.
const (
	OpReadRisk  Op = "identityprotection.riskyusers.read"
	OpWriteRisk Op = "identityprotection.riskyusers.write"
)

var (
	rulePermRiskRead = docRule("perm.riskyusers.read",
		"reading a riskyUser needs IdentityRiskyUser.Read.All and Global Reader, Security Operator, Security Reader or Security Administrator (or Global Administrator); 403 otherwise",
		"api-reference/v1.0/api/riskyuser-get.md")
	rulePermRiskWrite = docRule("perm.riskyusers.write",
		"dismiss and confirmCompromised need IdentityRiskyUser.ReadWrite.All and Security Administrator (\"the least privileged role\") or Global Administrator; 403 otherwise",
		"api-reference/v1.0/api/riskyuser-dismiss.md")
	_ = docRule("riskyusers.confirm-needs-role",
		"confirmCompromised has the same permission and role rule as dismiss (Security Administrator is the least privileged role)",
		"api-reference/v1.0/api/riskyuser-confirmcompromised.md")
	ruleRiskNeedsP2 = docRule("riskyusers.needs-p2",
		"the riskyUsers API requires Microsoft Entra ID P2: without it every call is refused with 403 (the pages do not document the error's shape; "+
			"the fake answers the same 403 as a missing permission, which mfadesk reports as either)",
		"api-reference/v1.0/resources/riskyuser.md")
	ruleRiskNoRecord = docRule("riskyusers.get-404-no-record",
		"GET /identityProtection/riskyUsers/{id} of a user Identity Protection holds no record for answers 404 (the page documents only 200; "+
			"mfadesk reads the 404 as risk none, the fake gives it for every user without a record)",
		"api-reference/v1.0/api/riskyuser-get.md")
	ruleRiskDismiss = docRule("riskyusers.dismiss",
		"dismiss sets each named user's risk level to none (riskState dismissed, riskDetail adminDismissedAllRiskForUser) and answers 204; "+
			"the user's at-risk sign-ins become dismissed too",
		"api-reference/v1.0/api/riskyuser-dismiss.md")
	ruleRiskConfirm = docRule("riskyusers.confirmcompromised",
		"confirmCompromised sets each named user's risk level to high (riskState confirmedCompromised, riskDetail adminConfirmedUserCompromised) and answers 204",
		"api-reference/v1.0/api/riskyuser-confirmcompromised.md")
	ruleRiskBody = docRule("riskyusers.body",
		"dismiss and confirmCompromised take {\"userIds\": [...]}: a body without a non-empty string list is a 400; an id that is no user of the directory is a 404 (the pages are silent on unknown ids: the fake refuses them)",
		"api-reference/v1.0/api/riskyuser-dismiss.md")
	_ = docRule("signins.risk-hidden-without-p2",
		"riskLevelDuringSignIn, riskLevelAggregated and riskDetail are \"hidden\" for a tenant without Entra ID P2 (\"All other customers will be returned hidden\")",
		"api-reference/v1.0/resources/signin.md")
)

// riskReaders may read riskyUsers; riskWriters may dismiss and confirm.
var (
	riskReadScopes  = []string{"IdentityRiskyUser.Read.All"}
	riskWriteScopes = []string{"IdentityRiskyUser.ReadWrite.All"}
	riskReaders     = []string{RoleGlobalAdmin, RoleGlobalReader, RoleSecurityOperator, RoleSecurityReader, RoleSecurityAdmin}
	riskWriters     = []string{RoleGlobalAdmin, RoleSecurityAdmin}
)

func init() {
	Permissions = append(Permissions,
		Permission{Op: OpReadRisk, Scopes: riskReadScopes, AppRoles: riskReadScopes, Roles: riskReaders, Rule: rulePermRiskRead},
		Permission{Op: OpWriteRisk, Scopes: riskWriteScopes, AppRoles: riskWriteScopes, Roles: riskWriters, Rule: rulePermRiskWrite})
	graphScopes = append(graphScopes,
		[2]string{"IdentityRiskyUser.Read.All", "d04bb851-cb7c-4146-97c7-ca3e71baf56c"},
		[2]string{"IdentityRiskyUser.ReadWrite.All", "e0a7cdbb-08b0-4697-8264-0069786e9674"})
}

// routeIdentityProtection routes /identityProtection/riskyUsers/...
func (t *Tenant) routeIdentityProtection(rc *reqCtx, rest []string) (string, func(*reqCtx) response) {
	if len(rest) != 2 || !strings.EqualFold(rest[0], "riskyUsers") || rc.version != "v1.0" && rc.version != "beta" {
		if len(rest) == 0 {
			return "unknown", segmentNotFound("identityProtection")
		}
		return "unknown", segmentNotFound(rest[len(rest)-1])
	}
	switch strings.ToLower(rest[1]) {
	case "dismiss":
		return "/identityProtection/riskyUsers/dismiss", allow(rc, func(rc *reqCtx) response { return t.riskAction(rc, false) }, "POST")
	case "confirmcompromised":
		return "/identityProtection/riskyUsers/confirmCompromised", allow(rc, func(rc *reqCtx) response { return t.riskAction(rc, true) }, "POST")
	}
	id := rest[1]
	return "/identityProtection/riskyUsers/{id}", allow(rc, func(rc *reqCtx) response { return t.getRiskyUser(rc, id) }, "GET")
}

// authorizeRisk checks the permission row and then the P2 licence.
func (t *Tenant) authorizeRisk(rc *reqCtx, op Op) *response {
	if r := t.authorize(rc, op, nil); r != nil {
		return r
	}
	if t.opts.NoP2 { // riskyusers.needs-p2
		r := rc.fail(403, "Authorization_RequestDenied", insufficientPrivilegesMessage)
		return &r
	}
	return nil
}

func riskyUserJSON(rc *reqCtx, u *user) obj {
	r := u.Risk
	return obj{
		{"@odata.context", rc.context("identityProtection/riskyUsers/$entity")},
		{"id", u.ID},
		{"isDeleted", false},
		{"isProcessing", false},
		{"riskLastUpdatedDateTime", gtime(r.Updated)},
		{"riskLevel", firstNonEmpty(r.Level, "none")},
		{"riskState", firstNonEmpty(r.State, "none")},
		{"riskDetail", firstNonEmpty(r.Detail, "none")},
		{"userDisplayName", u.DisplayName},
		{"userPrincipalName", u.UserPrincipalName},
	}
}

// getRiskyUser answers GET /identityProtection/riskyUsers/{id}.
func (t *Tenant) getRiskyUser(rc *reqCtx, id string) response {
	if r := t.authorizeRisk(rc, OpReadRisk); r != nil {
		return *r
	}
	u := t.byID[strings.ToLower(id)]
	if u == nil || u.Risk.IsZero() { // riskyusers.get-404-no-record
		return resourceNotFound(rc, id)
	}
	return response{status: 200, body: riskyUserJSON(rc, u)}
}

// riskAction answers POST .../dismiss (confirm false) and
// .../confirmCompromised (confirm true).
func (t *Tenant) riskAction(rc *reqCtx, confirm bool) response {
	if r := t.authorizeRisk(rc, OpWriteRisk); r != nil {
		return *r
	}
	var body struct {
		UserIDs []string `json:"userIds"`
	}
	if r := readJSON(rc, &body); r != nil { // riskyusers.body
		return *r
	}
	if len(body.UserIDs) == 0 {
		return rc.fail(400, "BadRequest", "The request body must contain a non-empty 'userIds' collection.")
	}
	targets := make([]*user, 0, len(body.UserIDs))
	for _, id := range body.UserIDs {
		u := t.byID[strings.ToLower(strings.TrimSpace(id))]
		if u == nil {
			return resourceNotFound(rc, id)
		}
		targets = append(targets, u)
	}
	now := t.now().UTC()
	for _, u := range targets {
		if confirm { // riskyusers.confirmcompromised
			u.Risk = RiskData{Level: "high", State: "confirmedCompromised", Detail: "adminConfirmedUserCompromised", Updated: now}
			continue
		}
		// riskyusers.dismiss
		u.Risk = RiskData{Level: "none", State: "dismissed", Detail: "adminDismissedAllRiskForUser", Updated: now}
		ss := t.signInsOf(u)
		for i := range ss {
			if ss[i].RiskState == "atRisk" || ss[i].RiskState == "confirmedCompromised" {
				ss[i].RiskState, ss[i].RiskDetail = "dismissed", "adminDismissedAllRiskForUser"
			}
		}
	}
	return response{status: 204}
}

// signInRiskValue is a sign-in's risk level or detail as Graph answers
// it: "none" when empty, "hidden" without Entra ID P2.
func signInRiskValue(v string, hidden bool) string {
	if hidden {
		return "hidden"
	}
	return firstNonEmpty(v, "none")
}

func signInRiskEvents(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// personaRisk gives the personas their Identity Protection story, without
// touching the generator's random stream: Alice is at high risk (her MFA
// prompts she declined came from an attacker holding her password, each a
// high-risk sign-in); Bob's risk was dismissed after his lockout (the
// password-spray sign-ins are marked dismissed); everyone else has no
// record.
func personaRisk(u *user, now time.Time) {
	switch u.ID {
	case AliceID:
		var last time.Time
		for i := range u.SignIns {
			s := &u.SignIns[i]
			if s.ErrorCode != 500121 {
				continue
			}
			s.RiskLevelDuringSignIn, s.RiskLevelAggregated, s.RiskState = "high", "high", "atRisk"
			s.RiskEventTypes = []string{"unfamiliarFeatures"}
			if s.Created.After(last) {
				last = s.Created
			}
		}
		u.Risk = RiskData{Level: "high", State: "atRisk", Detail: "none", Updated: last}
	case BobID:
		for i := range u.SignIns {
			s := &u.SignIns[i]
			if s.ErrorCode != 50126 {
				continue
			}
			s.RiskLevelDuringSignIn, s.RiskLevelAggregated = "medium", "medium"
			s.RiskState, s.RiskDetail = "dismissed", "adminDismissedAllRiskForUser"
			s.RiskEventTypes = []string{"unfamiliarFeatures"}
		}
		u.Risk = RiskData{Level: "none", State: "dismissed", Detail: "adminDismissedAllRiskForUser", Updated: now.Add(-5 * time.Minute).UTC()}
	}
}
