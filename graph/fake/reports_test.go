package fake

import (
	"strings"
	"testing"
	"time"
)

func TestRegistrationReport(t *testing.T) {
	s := start(t, Options{Users: 300, RegistrationPageSize: 50})
	all := s.Tenant.Users()
	// the report does not work for disabled users (list-userregistrationdetails)
	count := func(pred func(u UserData) bool) int {
		n := 0
		for _, u := range all {
			if u.AccountEnabled && pred(u) {
				n++
			}
		}
		return n
	}
	walk := func(filter string) []map[string]any {
		t.Helper()
		next := "/v1.0/reports/authenticationMethods/userRegistrationDetails"
		if filter != "" {
			next += "?$filter=" + q(filter)
		}
		var rows []map[string]any
		for next != "" {
			r := get(t, s, next, nil)
			expect(t, r, 200, "")
			rows = append(rows, r.values()...)
			next, _ = r.body["@odata.nextLink"].(string)
		}
		return rows
	}
	if n, want := len(walk("")), count(func(UserData) bool { return true }); n != want || n == 300 {
		t.Fatalf("%d rows, want %d (the enabled users of 300)", n, want)
	}
	tests := []struct {
		filter string
		want   int
	}{
		{"isMfaRegistered eq false", count(func(u UserData) bool { return !isMfaRegistered(u.Methods) })},
		{"userPrincipalName eq '" + BobUPN + "'", 1},
		{"startswith(userDisplayName,'Bob')", count(func(u UserData) bool { return strings.HasPrefix(u.DisplayName, "Bob") })},
		{"methodsRegistered/any(m:m eq 'mobilePhone')", count(func(u UserData) bool { return findPhone(u.Methods, "mobile") != nil })},
		{"methodsRegistered/any(m:m eq 'mobilePhone') and isMfaCapable eq true", count(func(u UserData) bool { return findPhone(u.Methods, "mobile") != nil })},
		{"isSsprRegistered eq true or isPasswordlessCapable eq true", count(func(u UserData) bool {
			return makeReg(&user{UserData: u}).ssprReg || makeReg(&user{UserData: u}).passwordlessCap
		})},
	}
	for _, tc := range tests {
		if tc.want == 0 {
			t.Fatalf("%s: vacuous test", tc.filter)
		}
		if got := len(walk(tc.filter)); got != tc.want {
			t.Errorf("%s: %d rows, want %d", tc.filter, got, tc.want)
		}
	}
	expect(t, get(t, s, "/v1.0/reports/authenticationMethods/userRegistrationDetails?$filter="+q("isMfaRegistered eq"), nil), 400, "BadRequest")
	expect(t, get(t, s, "/v1.0/reports/authenticationMethods/userRegistrationDetails?$filter="+q("shoeSize eq 3"), nil), 400, "BadRequest")
	expect(t, get(t, s, "/v1.0/reports/authenticationMethods/userRegistrationDetails/nobody", nil), 404, "Request_ResourceNotFound")
	// properties the resource page does not mark filterable, operators it
	// does not list, and query options the list page does not support
	for _, f := range []string{"isAdmin eq true", "userType eq 'guest'", "id eq '" + BobID + "'", "isMfaRegistered ne true",
		"not (isMfaRegistered eq true)", "startswith(userType,'g')", "lastUpdatedDateTime ge 2024-01-01T00:00:00Z"} {
		expect(t, get(t, s, "/v1.0/reports/authenticationMethods/userRegistrationDetails?$filter="+q(f), nil), 400, "BadRequest")
	}
	for _, o := range []string{"$top=50", "$count=true", "$select=id", "$skip=5", "$search=" + q(`"userDisplayName:bob"`)} {
		expect(t, get(t, s, "/v1.0/reports/authenticationMethods/userRegistrationDetails?"+o, nil), 400, "BadRequest")
	}
	r := get(t, s, "/v1.0/reports/authenticationMethods/userRegistrationDetails?$orderby=userPrincipalName%20desc", nil)
	expect(t, r, 200, "")
	if vs := r.values(); len(vs) != 50 || vs[0]["userPrincipalName"].(string) < vs[1]["userPrincipalName"].(string) {
		t.Errorf("orderby desc: %d rows", len(vs))
	}
	// disabled users: not listed, 404 by id
	expect(t, get(t, s, "/v1.0/reports/authenticationMethods/userRegistrationDetails/"+FrankID, nil), 404, "Request_ResourceNotFound")

	// the page size is the server's (50 here)
	r = get(t, s, "/v1.0/reports/authenticationMethods/userRegistrationDetails", nil)
	if len(r.values()) != 50 || r.body["@odata.nextLink"] == nil {
		t.Errorf("page: %d values, next %v", len(r.values()), r.body["@odata.nextLink"])
	}
	// derived rows for the personas
	r = get(t, s, "/v1.0/reports/authenticationMethods/userRegistrationDetails/"+ErinID, nil)
	got := strings.Join(toStrings(r.body["methodsRegistered"]), ",")
	if got != "fido2SecurityKey,windowsHelloForBusiness,passKeyDeviceBoundAuthenticator" || r.body["isPasswordlessCapable"] != true {
		t.Errorf("erin: %s", r.raw)
	}
	r = get(t, s, "/v1.0/reports/authenticationMethods/userRegistrationDetails/"+CarolID, nil)
	if r.body["isAdmin"] != true || r.body["isMfaRegistered"] != true {
		t.Errorf("carol: %s", r.raw)
	}
	r = get(t, s, "/v1.0/reports/authenticationMethods/userRegistrationDetails/"+DaveID, nil)
	if r.body["isMfaRegistered"] != false || r.body["userPreferredMethodForSecondaryAuthentication"] != "none" {
		t.Errorf("dave: %s", r.raw)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestSignIns(t *testing.T) {
	s := start(t, Options{})
	since := testNow.Add(-72 * time.Hour).Format(time.RFC3339)
	f := func(user, extra string) string {
		return "/v1.0/auditLogs/signIns?$top=50&$filter=" + q("userId eq '"+user+"' and createdDateTime ge "+since+extra)
	}
	r := get(t, s, f(BobID, ""), nil)
	expect(t, r, 200, "")
	vs := r.values()
	if len(vs) < 4 {
		t.Fatalf("bob: %s", r.raw)
	}
	codes := []float64{}
	prev := "9999"
	for _, v := range vs {
		if v["userId"] != BobID || v["userPrincipalName"] != BobUPN || v["userDisplayName"] != "Bob O'Brien" {
			t.Errorf("owner: %v", v)
		}
		c := v["createdDateTime"].(string)
		if c > prev {
			t.Errorf("not newest first: %s after %s", c, prev)
		}
		prev = c
		codes = append(codes, v["status"].(map[string]any)["errorCode"].(float64))
		if _, beta := v["authenticationDetails"]; beta {
			t.Errorf("v1.0 carries beta authenticationDetails")
		}
	}
	if codes[0] != 50053 || codes[1] != 50126 || codes[2] != 50126 || codes[3] != 50126 {
		t.Errorf("bob's codes %v", codes)
	}
	if vs[1]["status"].(map[string]any)["failureReason"] != "Error validating credentials due to invalid username or password." {
		t.Errorf("failureReason %v", vs[1]["status"])
	}

	// failures: status/errorCode documents eq only, so ne is refused and a
	// client picks failures out itself
	expect(t, get(t, s, f(AliceID, " and status/errorCode ne 0"), nil), 400, "BadRequest")
	r = get(t, s, f(AliceID, ""), nil)
	var fails []map[string]any
	for _, v := range r.values() {
		if v["status"].(map[string]any)["errorCode"] != 0.0 {
			fails = append(fails, v)
		}
	}
	if len(fails) != 3 {
		t.Fatalf("alice failures: %s", r.raw)
	}
	first := fails[0]
	st := first["status"].(map[string]any)
	if st["errorCode"] != 500121.0 || st["additionalDetails"] != "MFA denied; user declined the authentication" {
		t.Errorf("alice newest failure: %v", st)
	}
	// beta adds the MFA detail
	r = get(t, s, strings.Replace(f(AliceID, " and status/errorCode eq 500121"), "/v1.0/", "/beta/", 1), nil)
	b := r.values()[0]
	steps, _ := b["authenticationDetails"].([]any)
	if b["authenticationRequirement"] != "multiFactorAuthentication" || len(steps) != 2 {
		t.Fatalf("beta detail: %v", b)
	}
	step := steps[1].(map[string]any)
	if step["succeeded"] != false || step["authenticationMethod"] != "Mobile app notification" || step["authenticationStepResultDetail"] != "MFA denied; user declined the authentication" {
		t.Errorf("step %v", step)
	}
	// Erin: blocked by Conditional Access, naming the policy
	r = get(t, s, f(ErinID, " and status/errorCode eq 53003"), caReader())
	if len(r.values()) == 0 {
		t.Fatalf("erin: %s", r.raw)
	}
	e := r.values()[0]
	var failed []string
	for _, p := range e["appliedConditionalAccessPolicies"].([]any) {
		if pm := p.(map[string]any); pm["result"] == "failure" {
			failed = append(failed, pm["displayName"].(string))
		}
	}
	if e["conditionalAccessStatus"] != "failure" || len(failed) != 1 || failed[0] != "Require compliant device" {
		t.Errorf("erin CA: %v / %v", e["conditionalAccessStatus"], failed)
	}
	// Dave must register; Frank is disabled
	r = get(t, s, f(DaveID, ""), nil)
	if r.values()[0]["status"].(map[string]any)["errorCode"] != 50079.0 {
		t.Errorf("dave: %s", r.raw)
	}
	r = get(t, s, f(FrankID, ""), nil)
	if r.values()[0]["status"].(map[string]any)["errorCode"] != 50057.0 {
		t.Errorf("frank: %s", r.raw)
	}
	// Mallory's failureReason carries escape sequences (for the safety tests)
	r = get(t, s, f(MalloryID, ""), nil)
	hostile := false
	for _, v := range r.values() {
		fr, _ := v["status"].(map[string]any)["failureReason"].(string)
		hostile = hostile || strings.Contains(fr, "\x1b]52;")
	}
	if !hostile {
		t.Errorf("mallory: %s", r.raw)
	}
	// the window applies
	old := "/v1.0/auditLogs/signIns?$filter=" + q("userId eq '"+FrankID+"' and createdDateTime ge "+testNow.Add(-3*24*time.Hour).Format(time.RFC3339))
	for _, v := range get(t, s, old, nil).values() {
		if v["createdDateTime"].(string) < testNow.Add(-3*24*time.Hour).Format(time.RFC3339) {
			t.Errorf("outside the window: %v", v["createdDateTime"])
		}
	}
	// paging
	r = get(t, s, "/v1.0/auditLogs/signIns?$top=2&$filter="+q("userId eq '"+AliceID+"'"), nil)
	if len(r.values()) != 2 || r.body["@odata.nextLink"] == nil {
		t.Errorf("page: %s", r.raw)
	}
	r2 := get(t, s, r.body["@odata.nextLink"].(string), nil)
	if len(r2.values()) != 2 || r2.values()[0]["id"] == r.values()[0]["id"] {
		t.Errorf("page 2: %s", r2.raw)
	}
	// one sign-in by id
	expect(t, get(t, s, "/v1.0/auditLogs/signIns/"+r.values()[0]["id"].(string), nil), 200, "")
	// generated users have 14 days of history
	for _, id := range s.Tenant.UserIDs()[20:40] {
		ss := s.Tenant.SignIns(id)
		if len(ss) == 0 {
			t.Errorf("user %s has no sign-ins", id)
		}
		for _, si := range ss {
			if si.Created.Before(testNow.Add(-14*24*time.Hour)) || si.Created.After(testNow) {
				t.Errorf("sign-in outside 14 days: %v", si.Created)
			}
			if si.ErrorCode != 0 && si.FailureReason == "" {
				t.Errorf("code %d without a reason", si.ErrorCode)
			}
		}
	}
	expect(t, get(t, s, "/v1.0/auditLogs/signIns?$filter="+q("userId eq"), nil), 400, "BadRequest")

	// without Entra ID P1
	np := start(t, Options{NoP1: true})
	r = get(t, np, "/v1.0/auditLogs/signIns?$filter="+q("userId eq '"+AliceID+"'"), nil)
	expect(t, r, 403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant")
	if r.errMessage() != "Neither tenant is B2C or tenant doesn't have premium license" {
		t.Errorf("%q", r.errMessage())
	}
}

func TestDirectoryAudits(t *testing.T) {
	s := start(t, Options{})
	judy := delegated(JudyID, JudyUPN, RolePrivilegedAuthAdmin)
	authID := methodOf(s.Tenant.Methods(BobID), KindPhone).ID
	expect(t, call(t, s, "DELETE", methodsPath(BobID)+"phoneMethods/"+authID, judy, nil), 204, "")

	path := "/v1.0/auditLogs/directoryAudits?$top=10&$filter=" + q("targetResources/any(t:t/id eq '"+BobID+"')")
	r := get(t, s, path, nil)
	expect(t, r, 200, "")
	vs := r.values()
	if len(vs) < 2 {
		t.Fatalf("bob audits: %s", r.raw)
	}
	newest := vs[0]
	if newest["activityDisplayName"] != "Admin deleted security info" || newest["category"] != "UserManagement" ||
		newest["result"] != "success" || newest["loggedByService"] != "Authentication Methods" || newest["activityDateTime"] != "2026-03-10T12:00:00Z" {
		t.Errorf("newest: %v", newest)
	}
	ib := newest["initiatedBy"].(map[string]any)
	if u, _ := ib["user"].(map[string]any); u == nil || u["userPrincipalName"] != JudyUPN || u["id"] != JudyID || ib["app"] != nil {
		t.Errorf("initiatedBy %v", ib)
	}
	tr := newest["targetResources"].([]any)[0].(map[string]any)
	if tr["id"] != BobID || tr["type"] != "User" || tr["userPrincipalName"] != BobUPN || len(tr["modifiedProperties"].([]any)) == 0 {
		t.Errorf("target %v", tr)
	}
	// history: an app changed Bob earlier
	var app bool
	for _, v := range vs {
		if a, _ := v["initiatedBy"].(map[string]any)["app"].(map[string]any); a != nil && a["displayName"] == "Contoso Self-Service Portal" {
			app = true
		}
	}
	if !app {
		t.Errorf("generated history missing: %s", r.raw)
	}
	// time window and other filters
	r = get(t, s, "/v1.0/auditLogs/directoryAudits?$filter="+q("targetResources/any(t:t/id eq '"+BobID+"') and activityDateTime ge "+testNow.Add(-time.Minute).Format(time.RFC3339)), nil)
	if len(r.values()) != 1 {
		t.Errorf("window: %s", r.raw)
	}
	r = get(t, s, "/v1.0/auditLogs/directoryAudits?$filter="+q("initiatedBy/user/id eq '"+JudyID+"' and activityDateTime ge 2026-03-10T00:00:00Z"), nil)
	if len(r.values()) != 1 {
		t.Errorf("by initiator: %s", r.raw)
	}
	expect(t, get(t, s, "/v1.0/auditLogs/directoryAudits/"+newest["id"].(string), nil), 200, "")
	expect(t, get(t, s, "/v1.0/auditLogs/directoryAudits?$filter="+q("targetResources/any(t:t/shoe eq 'x')"), nil), 400, "BadRequest")
	expect(t, get(t, s, "/v1.0/auditLogs/directoryAudits", delegated(IvanID, IvanUPN, RoleAuthAdmin)), 403, "Authentication_RequestFromUnsupportedUserRole")
}
