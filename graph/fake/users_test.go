package fake

import (
	"net/url"
	"strings"
	"testing"
)

func upns(r reply) []string {
	var out []string
	for _, v := range r.values() {
		s, _ := v["userPrincipalName"].(string)
		out = append(out, s)
	}
	return out
}

func TestSearchUsers(t *testing.T) {
	s := start(t, Options{})
	base := "/v1.0/users?$count=true&$select=id,displayName,userPrincipalName,mail&$search="

	// Graph refuses $search without ConsistencyLevel: eventual.
	r := get(t, s, base+q(`"displayName:al"`), nil)
	expect(t, r, 400, "Request_UnsupportedQuery")
	if !strings.Contains(r.errMessage(), "ConsistencyLevel") {
		t.Errorf("message should name the header: %q", r.errMessage())
	}

	tests := []struct {
		name   string
		search string
		want   []string // must be among the results
		not    []string // must not be
		status int
	}{
		{"prefix of a name word", `"displayName:ali" OR "userPrincipalName:ali" OR "mail:ali"`, []string{AliceUPN}, nil, 200},
		{"surname word", `"displayName:wong"`, []string{AliceUPN}, []string{BobUPN}, 200},
		{"case-insensitive", `"displayName:ALICE"`, []string{AliceUPN}, nil, 200},
		{"quote in term", `"displayName:O'Brien"`, []string{BobUPN}, []string{AliceUPN}, 200},
		{"apostrophe split into words", `"displayName:o brien"`, []string{BobUPN}, nil, 200},
		{"UPN prefix across dot", `"userPrincipalName:bob.ob"`, []string{BobUPN}, nil, 200},
		{"UPN word", `"userPrincipalName:obrien"`, []string{BobUPN}, nil, 200},
		{"escaped double quote matches nothing", `"displayName:a\"b"`, nil, []string{AliceUPN, BobUPN}, 200},
		{"injection stays a term", `"displayName:x' or 1 eq 1"`, nil, []string{AliceUPN}, 200},
		{"AND narrows", `"displayName:alice" AND "mail:bob"`, nil, []string{AliceUPN, BobUPN}, 200},
		{"unquoted clause", `displayName:al`, nil, nil, 400},
		{"no property", `"alice"`, nil, nil, 400},
		{"unknown property", `"city:al"`, nil, nil, 400},
		{"unterminated", `"displayName:al`, nil, nil, 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, s, base+q(tc.search), eventual())
			if r.status != tc.status {
				t.Fatalf("status %d: %s", r.status, r.raw)
			}
			if tc.status != 200 {
				return
			}
			got := strings.Join(upns(r), " ")
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %s in %s", w, got)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("unexpected %s in %s", n, got)
				}
			}
			if c, ok := r.body["@odata.count"].(float64); !ok || int(c) < len(r.values()) {
				t.Errorf("@odata.count %v with %d values", r.body["@odata.count"], len(r.values()))
			}
		})
	}
}

func TestFilterUsers(t *testing.T) {
	s := start(t, Options{})
	tests := []struct {
		filter string
		want   []string
		status int
	}{
		{"userPrincipalName eq '" + AliceUPN + "'", []string{AliceUPN}, 200},
		{"userPrincipalName eq 'ALICE.WONG@contoso.com'", []string{AliceUPN}, 200},
		{"id eq '" + BobID + "'", []string{BobUPN}, 200},
		{"id in ('" + AliceID + "','" + CarolID + "')", []string{AliceUPN, CarolUPN}, 200},
		{"displayName eq 'Bob O''Brien'", []string{BobUPN}, 200},
		{"startswith(displayName,'Bob O''B')", []string{BobUPN}, 200},
		{"startswith(userPrincipalName,'grace_')", []string{GraceUPN}, 200},
		{"userPrincipalName eq 'x'' or 1 eq 1'", nil, 200}, // escaped: one literal, matches nobody
		{"accountEnabled eq false and startswith(displayName,'Frank')", []string{FrankUPN}, 200},
		{"userPrincipalName eq 'x' or 1 eq 1", nil, 400}, // 1 is not a property
		{"userPrincipalName eq 'unterminated", nil, 400},
		{"userPrincipalName eq", nil, 400},
		{"startswith(displayName)", nil, 400},
		{"nosuchProperty eq 'a'", nil, 400},
		{"(id eq 'a'", nil, 400},
	}
	for _, tc := range tests {
		t.Run(tc.filter, func(t *testing.T) {
			r := get(t, s, "/v1.0/users?$filter="+q(tc.filter), nil)
			if r.status != tc.status {
				t.Fatalf("status %d: %s", r.status, r.raw)
			}
			if tc.status == 400 {
				if r.errCode() != "BadRequest" || !strings.HasPrefix(r.errMessage(), "Invalid filter clause") {
					t.Errorf("error %q %q", r.errCode(), r.errMessage())
				}
				return
			}
			got := upns(r)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if !strings.EqualFold(got[i], tc.want[i]) {
					t.Errorf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestUsersPagingAndSelect(t *testing.T) {
	s := start(t, Options{Users: 120})
	next := "/v1.0/users?$top=7&$select=id,userPrincipalName,accountEnabled"
	seen := map[string]bool{}
	pages := 0
	for next != "" {
		r := get(t, s, next, nil)
		expect(t, r, 200, "")
		pages++
		if ctx, _ := r.body["@odata.context"].(string); !strings.HasSuffix(ctx, "$metadata#users(id,userPrincipalName,accountEnabled)") {
			t.Fatalf("context %q", ctx)
		}
		for _, v := range r.values() {
			if len(v) != 3 {
				t.Fatalf("$select not honoured: %v", v)
			}
			id := v["id"].(string)
			if seen[id] {
				t.Fatalf("user %s on two pages", id)
			}
			seen[id] = true
		}
		next, _ = r.body["@odata.nextLink"].(string)
		if next != "" {
			u, err := url.Parse(next)
			if err != nil || u.Host != strings.TrimPrefix(s.URL, "http://") || u.Query().Get("$skiptoken") == "" {
				t.Fatalf("nextLink %q", next)
			}
			if u.Query().Get("$select") == "" || u.Query().Get("$top") != "7" {
				t.Fatalf("nextLink drops the query: %q", next)
			}
		}
	}
	if len(seen) != 120 || pages != 18 {
		t.Fatalf("saw %d users on %d pages", len(seen), pages)
	}

	// Without $select Graph returns its default property set only.
	r := get(t, s, "/v1.0/users?$top=1", nil)
	v := r.values()[0]
	if _, ok := v["accountEnabled"]; ok {
		t.Errorf("accountEnabled is not in Graph's default set: %v", v)
	}
	if _, ok := v["displayName"]; !ok {
		t.Errorf("displayName missing: %v", v)
	}

	expect(t, get(t, s, "/v1.0/users?$top=1000", nil), 400, "Request_UnsupportedQuery")
	expect(t, get(t, s, "/v1.0/users?$top=0", nil), 400, "Request_UnsupportedQuery")
	expect(t, get(t, s, "/v1.0/users?$select=id,shoeSize", nil), 400, "BadRequest")
	expect(t, get(t, s, "/v1.0/users?$skiptoken=garbage!", nil), 400, "Request_BadRequest")
	// $count needs the advanced-query header too
	expect(t, get(t, s, "/v1.0/users?$count=true", nil), 400, "Request_BadRequest")
	r = get(t, s, "/v1.0/users?$count=true&$top=5", eventual())
	if c, _ := r.body["@odata.count"].(float64); c != 120 {
		t.Errorf("@odata.count = %v", r.body["@odata.count"])
	}
	// $orderby
	r = get(t, s, "/v1.0/users?$orderby=displayName&$top=999&$select=displayName", eventual())
	prev := ""
	for _, v := range r.values() {
		d := strings.ToLower(v["displayName"].(string))
		if d < prev {
			t.Fatalf("not sorted: %q after %q", d, prev)
		}
		prev = d
	}
}

func TestGetUser(t *testing.T) {
	s := start(t, Options{})
	for _, ref := range []string{AliceID, AliceUPN, strings.ToUpper(AliceUPN)} {
		r := get(t, s, "/v1.0/users/"+ref+"?$select=id,displayName,accountEnabled,userType", nil)
		expect(t, r, 200, "")
		if r.body["id"] != AliceID || r.body["accountEnabled"] != true || r.body["userType"] != "Member" {
			t.Errorf("%s: %s", ref, r.raw)
		}
		if !strings.HasSuffix(r.body["@odata.context"].(string), "#users(id,displayName,accountEnabled,userType)/$entity") {
			t.Errorf("context %v", r.body["@odata.context"])
		}
	}
	// a guest UPN carries '#', which the client escapes
	r := get(t, s, "/v1.0/users/"+url.PathEscape(GraceUPN)+"?$select=userType", nil)
	expect(t, r, 200, "")
	if r.body["userType"] != "Guest" {
		t.Errorf("grace: %s", r.raw)
	}
	// Frank is disabled
	r = get(t, s, "/v1.0/users/"+FrankID+"?$select=accountEnabled", nil)
	if r.body["accountEnabled"] != false {
		t.Errorf("frank: %s", r.raw)
	}

	r = get(t, s, "/v1.0/users/nobody@contoso.com", map[string]string{"client-request-id": "0c0c0c0c-1111-4222-8333-444444444444"})
	expect(t, r, 404, "Request_ResourceNotFound")
	if r.errMessage() != "Resource 'nobody@contoso.com' does not exist or one of its queried reference-property objects are not present." {
		t.Errorf("message %q", r.errMessage())
	}
	inner := r.body["error"].(map[string]any)["innerError"].(map[string]any)
	if inner["request-id"] == "" || inner["request-id"] != r.header.Get("request-id") {
		t.Errorf("request-id %v vs header %q", inner["request-id"], r.header.Get("request-id"))
	}
	if inner["client-request-id"] != "0c0c0c0c-1111-4222-8333-444444444444" || r.header.Get("client-request-id") != "0c0c0c0c-1111-4222-8333-444444444444" {
		t.Errorf("client-request-id not echoed: %v", inner)
	}
	if d, _ := inner["date"].(string); !strings.HasPrefix(d, "2026-03-10T12:00:00") {
		t.Errorf("date %q", d)
	}
}

func TestUnknownRoutes(t *testing.T) {
	s := start(t, Options{})
	r := get(t, s, "/v1.0/users/"+AliceID+"/frobnicate", nil)
	expect(t, r, 400, "BadRequest")
	if r.errMessage() != "Resource not found for the segment 'frobnicate'." {
		t.Errorf("%q", r.errMessage())
	}
	expect(t, get(t, s, "/v1.0/widgets", nil), 400, "BadRequest")
	expect(t, get(t, s, "/v2.0/users", nil), 400, "BadRequest")
	// beta-only endpoints are unknown segments on v1.0
	expect(t, get(t, s, "/v1.0/users/"+AliceID+"/authentication/requirements", nil), 400, "BadRequest")
	expect(t, get(t, s, "/v1.0/users/"+AliceID+"/authentication/signInPreferences", nil), 400, "BadRequest")
	// the generic method DELETE does not exist
	expect(t, call(t, s, "DELETE", "/v1.0/users/"+AliceID+"/authentication/methods/"+MobilePhoneID, nil, nil), 405, "")
	expect(t, call(t, s, "POST", "/v1.0/users", nil, map[string]any{}), 405, "")
}

func TestMeOrganizationRoles(t *testing.T) {
	s := start(t, Options{})
	// no token: the demo operator
	r := get(t, s, "/v1.0/me", nil)
	expect(t, r, 200, "")
	if r.body["userPrincipalName"] != DemoOperatorUPN {
		t.Errorf("me: %s", r.raw)
	}
	r = get(t, s, "/v1.0/me/memberOf/microsoft.graph.directoryRole", nil)
	expect(t, r, 200, "")
	// Privileged Authentication Administrator to act, Reports Reader to
	// read sign-ins, audits and the registration report
	if vs := r.values(); len(vs) != 2 || vs[0]["roleTemplateId"] != RolePrivilegedAuthAdmin || vs[0]["displayName"] != "Privileged Authentication Administrator" ||
		vs[1]["roleTemplateId"] != RoleReportsReader {
		t.Errorf("roles: %s", r.raw)
	}
	// a token: the operator and the roles from wids
	tok := delegated(IvanID, IvanUPN, RoleAuthAdmin, roleDefaultUserTemplate)
	r = get(t, s, "/v1.0/me?$select=id,displayName,userPrincipalName", tok)
	if r.body["id"] != IvanID || r.body["displayName"] != "Ivan Petrov" {
		t.Errorf("me: %s", r.raw)
	}
	r = get(t, s, "/v1.0/me/transitiveMemberOf", tok)
	if len(r.values()) != 1 || r.values()[0]["roleTemplateId"] != RoleAuthAdmin {
		t.Errorf("transitiveMemberOf: %s", r.raw)
	}
	// app-only: /me is a delegated-only path
	r = get(t, s, "/v1.0/me", appOnly("User.Read.All"))
	expect(t, r, 400, "BadRequest")
	if r.errMessage() != "/me request is only valid with delegated authentication flow." {
		t.Errorf("%q", r.errMessage())
	}
	r = get(t, s, "/v1.0/organization", nil)
	expect(t, r, 200, "")
	org := r.values()[0]
	if org["id"] != TenantID || org["displayName"] != "Contoso" || len(org["verifiedDomains"].([]any)) != 2 {
		t.Errorf("organization: %s", r.raw)
	}
	// a token Graph would reject
	expect(t, get(t, s, "/v1.0/me", map[string]string{"Authorization": "Bearer not-a-jwt"}), 401, "InvalidAuthenticationToken")
	expired := bearer(map[string]any{"oid": IvanID, "scp": allScopes, "exp": float64(testNow.Add(-time1h).Unix())})
	expect(t, get(t, s, "/v1.0/me", expired), 401, "InvalidAuthenticationToken")
}
