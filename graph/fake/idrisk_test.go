package fake

import (
	"testing"
	"time"
)

// Identity Protection's riskyUsers, with each documented rule and refusal
// (riskyuser-get.md, riskyuser-dismiss.md, riskyuser-confirmcompromised.md,
// the identity protection rbac includes, riskyuser.md's P2 note).
func TestRiskyUsersRules(t *testing.T) {
	s := start(t, Options{})
	tok := func(scp string, wids ...string) map[string]string {
		return bearer(map[string]any{"oid": KarenID, "upn": KarenUPN, "tid": TenantID, "scp": scp, "wids": wids,
			"exp": float64(testNow.Add(time.Hour).Unix())})
	}
	get := func(id string, h map[string]string) reply {
		return call(t, s, "GET", "/v1.0/identityProtection/riskyUsers/"+id, h, nil)
	}
	secReader := tok("IdentityRiskyUser.Read.All", RoleSecurityReader)
	secAdmin := tok("IdentityRiskyUser.ReadWrite.All", RoleSecurityAdmin)

	// Reads: Alice at high risk, Bob dismissed, Dave no record (404).
	r := get(AliceID, secReader)
	expect(t, r, 200, "")
	if r.body["riskLevel"] != "high" || r.body["riskState"] != "atRisk" || r.body["id"] != AliceID {
		t.Fatalf("alice: %v", r.body)
	}
	if r := get(BobID, secReader); r.body["riskState"] != "dismissed" || r.body["riskDetail"] != "adminDismissedAllRiskForUser" {
		t.Fatalf("bob: %v", r.body)
	}
	expect(t, get(DaveID, secReader), 404, "Request_ResourceNotFound")
	// Read refusals: no permission; a role outside the list
	// (Authentication Administrator); the write permission alone.
	expect(t, get(AliceID, tok("User.Read.All", RoleSecurityReader)), 403, "Authorization_RequestDenied")
	expect(t, get(AliceID, tok("IdentityRiskyUser.Read.All", RoleAuthAdmin)), 403, "Authorization_RequestDenied")
	expect(t, get(AliceID, tok("IdentityRiskyUser.Read.All", RoleGlobalReader)), 200, "")
	expect(t, get(AliceID, tok("IdentityRiskyUser.Read.All", RoleSecurityOperator)), 200, "")

	dismiss := func(h map[string]string, body any) reply {
		return call(t, s, "POST", "/v1.0/identityProtection/riskyUsers/dismiss", h, body)
	}
	confirm := func(h map[string]string, body any) reply {
		return call(t, s, "POST", "/v1.0/identityProtection/riskyUsers/confirmCompromised", h, body)
	}
	alice := map[string]any{"userIds": []string{AliceID}}
	// Write refusals: the read permission; Security Operator and Security
	// Reader (Security Administrator is the least privileged role).
	expect(t, dismiss(tok("IdentityRiskyUser.Read.All", RoleSecurityAdmin), alice), 403, "Authorization_RequestDenied")
	expect(t, dismiss(tok("IdentityRiskyUser.ReadWrite.All", RoleSecurityOperator), alice), 403, "Authorization_RequestDenied")
	expect(t, confirm(tok("IdentityRiskyUser.ReadWrite.All", RoleSecurityReader), alice), 403, "Authorization_RequestDenied")
	expect(t, confirm(tok("IdentityRiskyUser.ReadWrite.All", RoleAuthAdmin), alice), 403, "Authorization_RequestDenied")
	// Bad bodies and unknown ids: refused, nothing changed.
	expect(t, dismiss(secAdmin, map[string]any{"userIds": []string{}}), 400, "BadRequest")
	expect(t, dismiss(secAdmin, map[string]any{"userIds": []string{AliceID, "00000000-0000-4000-8000-000000000000"}}), 404, "Request_ResourceNotFound")
	if u, _ := s.Tenant.User(AliceID); u.Risk.State != "atRisk" {
		t.Fatalf("a refused request changed the risk: %+v", u.Risk)
	}
	// Dismiss: level none, state dismissed; her risky sign-ins follow.
	expect(t, dismiss(secAdmin, alice), 204, "")
	u, _ := s.Tenant.User(AliceID)
	if u.Risk.Level != "none" || u.Risk.State != "dismissed" || u.Risk.Detail != "adminDismissedAllRiskForUser" || !u.Risk.Updated.Equal(testNow) {
		t.Fatalf("after dismiss: %+v", u.Risk)
	}
	si := call(t, s, "GET", "/v1.0/auditLogs/signIns?$filter="+q("userId eq '"+AliceID+"' and status/errorCode eq 500121"),
		tok("AuditLog.Read.All", RoleSecurityReader), nil)
	expect(t, si, 200, "")
	if vs := si.values(); len(vs) == 0 || vs[0]["riskState"] != "dismissed" || vs[0]["riskLevelDuringSignIn"] != "high" {
		t.Fatalf("sign-ins after dismiss: %v", vs)
	}
	// Confirm compromised, also for a user without a record: high.
	expect(t, confirm(secAdmin, map[string]any{"userIds": []string{AliceID, DaveID}}), 204, "")
	for _, id := range []string{AliceID, DaveID} {
		r := get(id, secReader)
		if r.body["riskLevel"] != "high" || r.body["riskState"] != "confirmedCompromised" || r.body["riskDetail"] != "adminConfirmedUserCompromised" {
			t.Fatalf("%s after confirm: %v", id, r.body)
		}
	}
	// A Global Administrator and an app with the permission may too.
	expect(t, dismiss(tok("IdentityRiskyUser.ReadWrite.All", RoleGlobalAdmin), map[string]any{"userIds": []string{DaveID}}), 204, "")
	expect(t, dismiss(appOnly("IdentityRiskyUser.ReadWrite.All"), alice), 204, "")
	expect(t, call(t, s, "GET", "/v1.0/identityProtection/riskyUsers/dismiss", secAdmin, nil), 405, "Request_BadRequest")
}

// Without Entra ID P2 the API is refused and sign-ins' levels are hidden.
func TestRiskWithoutP2(t *testing.T) {
	s := start(t, Options{NoP2: true})
	h := bearer(map[string]any{"oid": KarenID, "upn": KarenUPN, "tid": TenantID,
		"scp": "IdentityRiskyUser.ReadWrite.All IdentityRiskyUser.Read.All AuditLog.Read.All", "wids": []string{RoleSecurityAdmin},
		"exp": float64(testNow.Add(time.Hour).Unix())})
	expect(t, call(t, s, "GET", "/v1.0/identityProtection/riskyUsers/"+AliceID, h, nil), 403, "Authorization_RequestDenied")
	expect(t, call(t, s, "POST", "/v1.0/identityProtection/riskyUsers/dismiss", h, map[string]any{"userIds": []string{AliceID}}), 403, "Authorization_RequestDenied")
	si := call(t, s, "GET", "/v1.0/auditLogs/signIns?$filter="+q("userId eq '"+AliceID+"'"), h, nil)
	expect(t, si, 200, "")
	for _, v := range si.values() {
		if v["riskLevelDuringSignIn"] != "hidden" || v["riskLevelAggregated"] != "hidden" || v["riskDetail"] != "hidden" {
			t.Fatalf("risk not hidden: %v", v)
		}
	}
}
