package fake

import (
	"testing"
)

// The sign-in list returns interactive sign-ins unless the filter names
// signInEventTypes (api-reference/beta/resources/signin.md).
func TestSignInEventTypes(t *testing.T) {
	s := start(t, Options{})
	var inter, non int
	for _, si := range s.Tenant.SignIns(AliceID) {
		if si.IsInteractive {
			inter++
		} else {
			non++
		}
	}
	if inter == 0 || non == 0 {
		t.Fatalf("alice: %d interactive, %d non-interactive: vacuous", inter, non)
	}
	list := func(ver, extra string) reply {
		return get(t, s, "/"+ver+"/auditLogs/signIns?$filter="+q("userId eq '"+AliceID+"'"+extra), nil)
	}
	kinds := func(r reply) (i, n int) {
		for _, v := range r.values() {
			if v["isInteractive"] == true {
				i++
			} else {
				n++
			}
		}
		return
	}
	for _, ver := range []string{"v1.0", "beta"} {
		r := list(ver, "")
		expect(t, r, 200, "")
		if i, n := kinds(r); i != inter || n != 0 {
			t.Errorf("%s unfiltered: %d interactive, %d non-interactive; want %d, 0", ver, i, n, inter)
		}
	}
	r := list("beta", " and signInEventTypes/any(t: t eq 'nonInteractiveUser')")
	expect(t, r, 200, "")
	if i, n := kinds(r); i != 0 || n != non {
		t.Errorf("nonInteractiveUser: %d, %d; want 0, %d", i, n, non)
	}
	for _, v := range r.values() {
		if ts := toStrings(v["signInEventTypes"]); len(ts) != 1 || ts[0] != "nonInteractiveUser" {
			t.Errorf("signInEventTypes %v", ts)
		}
	}
	r = list("beta", " and signInEventTypes/any(t: t ne 'interactiveUser')")
	if i, n := kinds(r); i != 0 || n != non {
		t.Errorf("ne interactiveUser: %d, %d", i, n)
	}
	// v1.0 has no signInEventTypes; isInteractive is not filterable
	expect(t, list("v1.0", " and signInEventTypes/any(t: t eq 'nonInteractiveUser')"), 400, "BadRequest")
	expect(t, list("beta", " and isInteractive eq false"), 400, "BadRequest")
	expect(t, list("beta", " and signInEventTypes/any(t: startswith(t, 'non'))"), 400, "BadRequest")
}

// appliedConditionalAccessPolicies is omitted for a caller who cannot read
// Conditional Access data (signin-list.md).
func TestSignInCAPoliciesVisibility(t *testing.T) {
	s := start(t, Options{})
	path := "/beta/auditLogs/signIns?$filter=" + q("userId eq '"+ErinID+"'")
	reportsReader := bearer(map[string]any{"oid": AliceID, "upn": AliceUPN, "tid": TenantID,
		"scp": "AuditLog.Read.All Directory.Read.All Policy.Read.All", "wids": []string{RoleReportsReader}})
	secReaderNoScope := bearer(map[string]any{"oid": AliceID, "upn": AliceUPN, "tid": TenantID,
		"scp": "AuditLog.Read.All Directory.Read.All", "wids": []string{RoleSecurityReader}})
	for _, tc := range []struct {
		name string
		hdr  map[string]string
		want bool
	}{
		{"demo operator (Reports Reader, PAA)", nil, false},
		{"Reports Reader", reportsReader, false},
		{"Security Reader without Policy.Read.All", secReaderNoScope, false},
		{"Security Reader with Policy.Read.All", caReader(), true},
		{"app with Policy.Read.All", appOnly("AuditLog.Read.All", "Policy.Read.All"), true},
		{"app without", appOnly("AuditLog.Read.All"), false},
	} {
		r := get(t, s, path, tc.hdr)
		expect(t, r, 200, "")
		if len(r.values()) == 0 {
			t.Fatalf("%s: no sign-ins", tc.name)
		}
		for _, v := range r.values() {
			if _, has := v["appliedConditionalAccessPolicies"]; has != tc.want {
				t.Errorf("%s: appliedConditionalAccessPolicies present=%v, want %v", tc.name, has, tc.want)
				break
			}
		}
	}
}

// Without Entra ID P1 the registration report is refused, as the sign-in
// log is (authenticationmethods-usage-insights-overview).
func TestRegistrationNeedsP1(t *testing.T) {
	np := start(t, Options{NoP1: true})
	for _, p := range []string{"/v1.0/reports/authenticationMethods/userRegistrationDetails",
		"/v1.0/reports/authenticationMethods/userRegistrationDetails/" + AliceID} {
		expect(t, get(t, np, p, nil), 403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant")
	}
	// methods still work without P1
	expect(t, get(t, np, "/v1.0/users/"+AliceID+"/authentication/methods", nil), 200, "")
}
