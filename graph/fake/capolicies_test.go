package fake

import (
	"testing"
	"time"
)

func TestCAPoliciesServedAndGuarded(t *testing.T) {
	s := start(t, Options{Users: 40})
	r := get(t, s, "/v1.0/identity/conditionalAccess/policies", nil)
	expect(t, r, 200, "")
	ps := r.values()
	if len(ps) != 7 || r.body["@odata.context"] != s.URL+"/v1.0/$metadata#identity/conditionalAccess/policies" {
		t.Fatalf("%s", r.raw)
	}
	states := map[string]bool{}
	for _, p := range ps {
		states[p["state"].(string)] = true
		g := p["grantControls"].(map[string]any)
		u := p["conditions"].(map[string]any)["users"].(map[string]any)
		if g["operator"] == nil || u["includeUsers"] == nil || u["excludeRoles"] == nil {
			t.Errorf("policy lacks documented properties: %v", p)
		}
		if p["id"] == CAITPhishResistID {
			if s, _ := g["authenticationStrength"].(map[string]any); s["displayName"] != "Phishing-resistant MFA" {
				t.Errorf("strength: %v", g)
			}
		}
	}
	if !states["enabled"] || !states["disabled"] || !states["enabledForReportingButNotEnforced"] {
		t.Errorf("states %v", states)
	}
	expect(t, get(t, s, "/v1.0/identity/conditionalAccess/policies/"+CAAdminsID, nil), 200, "")
	expect(t, get(t, s, "/v1.0/identity/conditionalAccess/policies/00000000-0000-4000-8000-000000000000", nil), 404, "Request_ResourceNotFound")

	sd := get(t, s, "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy", nil)
	expect(t, sd, 200, "")
	if sd.body["isEnabled"] != false || sd.body["id"] != "00000000-0000-0000-0000-000000000005" {
		t.Errorf("%s", sd.raw)
	}

	// perm.capolicies.read: a Helpdesk Administrator without Policy.Read.All,
	// and a Reports Reader with it, are refused; a Security Reader with it
	// reads both.
	exp := float64(testNow.Add(time.Hour).Unix())
	helpdesk := delegated(LiamID, LiamUPN, RoleHelpdeskAdmin)
	reports := bearer(map[string]any{"oid": KarenID, "upn": KarenUPN, "tid": TenantID, "scp": "Policy.Read.All", "wids": []string{RoleReportsReader}, "exp": exp})
	for _, h := range []map[string]string{helpdesk, reports} {
		expect(t, get(t, s, "/v1.0/identity/conditionalAccess/policies", h), 403, "Authorization_RequestDenied")
		expect(t, get(t, s, "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy", h), 403, "Authorization_RequestDenied")
	}
	expect(t, get(t, s, "/v1.0/identity/conditionalAccess/policies", caReader()), 200, "")
	expect(t, get(t, s, "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy", caReader()), 200, "")
}

func TestMemberOfGroupCast(t *testing.T) {
	s := start(t, Options{Users: 40})
	eventual := map[string]string{"ConsistencyLevel": "eventual"}
	p := "/v1.0/users/" + JudyID + "/transitiveMemberOf/microsoft.graph.group?$count=true&$select=id,displayName,isAssignableToRole"
	// users.memberof-cast-needs-advanced-query
	expect(t, get(t, s, p, nil), 400, "Request_BadRequest") // $count without eventual
	expect(t, get(t, s, "/v1.0/users/"+JudyID+"/transitiveMemberOf/microsoft.graph.group", eventual), 400, "Request_UnsupportedQuery")
	r := get(t, s, p, eventual)
	expect(t, r, 200, "")
	if got := ids(r.values()); len(got) != 3 || r.body["@odata.count"] != float64(3) {
		t.Errorf("transitive: %s", r.raw)
	}
	d := get(t, s, "/v1.0/users/"+JudyID+"/memberOf/microsoft.graph.group?$count=true&$select=id", eventual)
	expect(t, d, 200, "")
	if got := ids(d.values()); len(got) != 2 { // IT department and Tier 0, not Break-glass (nested)
		t.Errorf("direct: %s", d.raw)
	}
	// directoryobjects.limited-info: User.Read.All only sees ids.
	h := bearer(map[string]any{"oid": KarenID, "upn": KarenUPN, "tid": TenantID, "scp": "User.Read.All", "exp": float64(testNow.Add(time.Hour).Unix())})
	h["ConsistencyLevel"] = "eventual"
	l := get(t, s, p, h)
	expect(t, l, 200, "")
	for _, g := range l.values() {
		if g["id"] == nil || g["displayName"] != nil || g["isAssignableToRole"] != nil {
			t.Errorf("limited information expected: %v", g)
		}
	}
	// perm.usergroups.read: User.ReadBasic.All is not enough.
	b := bearer(map[string]any{"oid": KarenID, "upn": KarenUPN, "tid": TenantID, "scp": "User.ReadBasic.All", "exp": float64(testNow.Add(time.Hour).Unix())})
	b["ConsistencyLevel"] = "eventual"
	expect(t, get(t, s, p, b), 403, "Authorization_RequestDenied")
}
