package fake

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func ids(vals []map[string]any) []string {
	var out []string
	for _, v := range vals {
		s, _ := v["id"].(string)
		out = append(out, s)
	}
	return out
}

func TestGroupGet(t *testing.T) {
	s := start(t, Options{Users: 60})
	for _, ver := range []string{"v1.0", "beta"} {
		r := get(t, s, "/"+ver+"/groups/"+BreakGlassGroupID, nil)
		expect(t, r, 200, "")
		if r.body["displayName"] != BreakGlassGroupName || r.body["isAssignableToRole"] != true || r.body["securityEnabled"] != true ||
			r.body["@odata.context"] != s.URL+"/"+ver+"/$metadata#groups/$entity" {
			t.Errorf("%s: %s", ver, r.raw)
		}
		if sid, _ := r.body["securityIdentifier"].(string); !regexp.MustCompile(`^S-1-12-1(-\d+){4}$`).MatchString(sid) {
			t.Errorf("securityIdentifier %q", sid)
		}
	}
	r := get(t, s, "/v1.0/groups/"+strings.ToUpper(ProjectGroupID)+"?$select=id,displayName", nil)
	expect(t, r, 200, "")
	if len(r.body) != 3 || r.body["displayName"] != ProjectGroupName || !strings.HasSuffix(r.body["@odata.context"].(string), "#groups(id,displayName)/$entity") {
		t.Errorf("select: %s", r.raw)
	}
	expect(t, get(t, s, "/v1.0/groups/"+BreakGlassGroupID+"?$select=colour", nil), 400, "BadRequest")
	expect(t, get(t, s, "/v1.0/groups/00000000-0000-4000-8000-000000000000", nil), 404, "Request_ResourceNotFound")
	expect(t, get(t, s, "/v1.0/groups/00000000-0000-4000-8000-000000000000/transitiveMembers", nil), 404, "Request_ResourceNotFound")
	// a display name is no key: resolve it with $filter first
	expect(t, get(t, s, "/v1.0/groups/Helpdesk", nil), 400, "Request_BadRequest")
	expect(t, call(t, s, "DELETE", "/v1.0/groups/"+BreakGlassGroupID, nil, nil), 405, "Request_BadRequest")
	expect(t, get(t, s, "/v1.0/groups/"+BreakGlassGroupID+"/owners", nil), 400, "")
	expect(t, get(t, s, "/v1.0/groups/"+BreakGlassGroupID+"/transitiveMembers/microsoft.graph.device", nil), 400, "")
}

func TestGroupFilter(t *testing.T) {
	s := start(t, Options{Users: 60})
	tests := []struct {
		filter string
		want   []string
	}{
		{"displayName eq 'Break-glass accounts'", []string{BreakGlassGroupID}},
		{"displayName eq 'break-glass ACCOUNTS'", []string{BreakGlassGroupID}}, // eq on strings ignores case, as Graph
		{"displayName eq 'O''Brien''s project team'", []string{ProjectGroupID}},
		{"displayName eq 'O'", nil},
		{"startswith(displayName,'T')", []string{Tier0GroupID}},
		{"isAssignableToRole eq true", []string{BreakGlassGroupID, Tier0GroupID}},
		{"id eq '" + HelpdeskGroupID + "'", []string{HelpdeskGroupID}},
	}
	for _, tc := range tests {
		for _, ver := range []string{"v1.0", "beta"} {
			r := get(t, s, "/"+ver+"/groups?$filter="+q(tc.filter), nil)
			expect(t, r, 200, "")
			if got := ids(r.values()); !slices.Equal(got, tc.want) {
				t.Errorf("%s %s: %v, want %v", ver, tc.filter, got, tc.want)
			}
		}
	}
	expect(t, get(t, s, "/v1.0/groups?$filter="+q("colour eq 'red'"), nil), 400, "BadRequest")
	expect(t, get(t, s, "/v1.0/groups?$filter="+q("displayName eq 'O'Brien'"), nil), 400, "BadRequest")
	r := get(t, s, "/v1.0/groups?$select=displayName&$orderby=displayName", nil)
	var names []string
	for _, v := range r.values() {
		names = append(names, v["displayName"].(string))
	}
	if !slices.Equal(names, []string{BreakGlassGroupName, "Helpdesk", "IT department", ProjectGroupName, "Sales department", "Tier 0 administrators"}) {
		t.Errorf("orderby: %v", names)
	}
	expect(t, get(t, s, "/v1.0/groups?$search="+q(`"displayName:break"`), nil), 400, "Request_UnsupportedQuery")
	r = get(t, s, "/v1.0/groups?$search="+q(`"displayName:break"`)+"&$count=true", eventual())
	if got := ids(r.values()); !slices.Equal(got, []string{BreakGlassGroupID}) || r.body["@odata.count"] != 1.0 {
		t.Errorf("search: %s", r.raw)
	}
}

func TestGroupTransitiveMembers(t *testing.T) {
	s := start(t, Options{Users: 60})
	base := "/v1.0/groups/" + BreakGlassGroupID
	r := get(t, s, base+"/transitiveMembers/microsoft.graph.user?$select=id,displayName,userPrincipalName&$count=true", eventual())
	expect(t, r, 200, "")
	if got := ids(r.values()); !slices.Equal(got, []string{CarolID, JudyID}) {
		t.Errorf("users: %v (Carol is in twice, listed once; Judy only through Tier 0)", got)
	}
	if r.body["@odata.context"] != s.URL+"/v1.0/$metadata#users(id,displayName,userPrincipalName)" {
		t.Errorf("context: %v", r.body["@odata.context"])
	}
	for _, v := range r.values() {
		if len(v) != 3 || v["userPrincipalName"] == nil {
			t.Errorf("selected: %v", v)
		}
	}

	// directoryObjects: the nested group too, typed
	r = get(t, s, "/beta/groups/"+BreakGlassGroupID+"/transitiveMembers", nil)
	expect(t, r, 200, "")
	var got []string
	for _, v := range r.values() {
		got = append(got, v["@odata.type"].(string)+" "+v["id"].(string))
	}
	want := []string{"#microsoft.graph.user " + CarolID, "#microsoft.graph.group " + Tier0GroupID, "#microsoft.graph.user " + JudyID}
	if !slices.Equal(got, want) || !strings.HasSuffix(r.body["@odata.context"].(string), "/beta/$metadata#directoryObjects") {
		t.Errorf("directoryObjects: %v\n%s", got, r.raw)
	}
	// direct members stop at the nested group
	r = get(t, s, base+"/members?$select=id,displayName", nil)
	if got := ids(r.values()); !slices.Equal(got, []string{CarolID, Tier0GroupID}) {
		t.Errorf("members: %v", got)
	}
	if v := r.values()[1]; v["displayName"] != "Tier 0 administrators" || len(v) != 3 {
		t.Errorf("group in members: %v", v)
	}

	// $filter on the user cast; not on directoryObjects
	r = get(t, s, "/v1.0/groups/"+ITGroupID+"/transitiveMembers/graph.user?$count=true&$filter="+q("userPrincipalName eq '"+IvanUPN+"'"), eventual())
	if got := ids(r.values()); !slices.Equal(got, []string{IvanID}) {
		t.Errorf("filter: %s", r.raw)
	}
	expect(t, get(t, s, base+"/transitiveMembers?$filter="+q("id eq 'x'"), nil), 400, "Request_UnsupportedQuery")
	// the cast is an advanced query: without ConsistencyLevel: eventual and
	// $count=true Graph refuses it (group-list-transitivemembers.md)
	expect(t, get(t, s, base+"/transitiveMembers/microsoft.graph.user", nil), 400, "Request_UnsupportedQuery")
	expect(t, get(t, s, base+"/transitiveMembers/microsoft.graph.user?$count=true", nil), 400, "")
	expect(t, get(t, s, base+"/transitiveMembers/microsoft.graph.user", eventual()), 400, "Request_UnsupportedQuery")
	expect(t, get(t, s, base+"/transitiveMembers/microsoft.graph.user?$count=true&$select=securityEnabled", eventual()), 400, "BadRequest")
	expect(t, get(t, s, base+"/transitiveMembers/microsoft.graph.user?$count=true&$top=0", eventual()), 400, "Request_UnsupportedQuery")
}

// Paging: $top and @odata.nextLink as on /users; $count needs
// ConsistencyLevel: eventual.
func TestGroupMembersPaging(t *testing.T) {
	s := start(t, Options{Users: 250})
	var sales []string
	for _, u := range s.Tenant.Users() {
		if u.Department == "Sales" {
			sales = append(sales, u.ID)
		}
	}
	if len(sales) < 8 {
		t.Fatalf("only %d in Sales", len(sales))
	}
	path := "/v1.0/groups/" + SalesGroupID + "/transitiveMembers/microsoft.graph.user?$select=id&$top=3&$count=true"
	expect(t, get(t, s, path, nil), 400, "Request_BadRequest")
	var got []string
	pages := 0
	for path != "" {
		r := get(t, s, path, eventual())
		expect(t, r, 200, "")
		if r.body["@odata.count"] != float64(len(sales)) {
			t.Fatalf("count: %v", r.body["@odata.count"])
		}
		got = append(got, ids(r.values())...)
		path, _ = r.body["@odata.nextLink"].(string)
		if path != "" && !strings.HasPrefix(path, s.URL+"/v1.0/groups/"+SalesGroupID+"/transitiveMembers/microsoft.graph.user?") {
			t.Fatalf("nextLink %s", path)
		}
		pages++
	}
	if !slices.Equal(got, sales) || pages != (len(sales)+2)/3 {
		t.Errorf("%d pages: %v, want %v", pages, got, sales)
	}
	// the IT group nests Helpdesk: Liam (Helpdesk) is reached through it
	r := get(t, s, "/v1.0/groups/"+ITGroupID+"/transitiveMembers/microsoft.graph.user?$top=999&$count=true", eventual())
	if got := ids(r.values()); !slices.Contains(got, LiamID) || !slices.Contains(got, CarolID) {
		t.Errorf("IT: %v", got)
	}
	if st := s.Tenant.Stats(); st.Requests["GET /groups/{id}/transitiveMembers/microsoft.graph.user"] == 0 {
		t.Errorf("stats: %v", st.Requests)
	}
}

func TestGroupPermissions(t *testing.T) {
	s := start(t, Options{Users: 30})
	tok := func(scp string) map[string]string {
		return bearer(map[string]any{"oid": AliceID, "upn": AliceUPN, "scp": scp})
	}
	members := "/v1.0/groups/" + BreakGlassGroupID + "/transitiveMembers/microsoft.graph.user?$count=true"
	tests := []struct {
		name, path string
		hdr        map[string]string
		want       int
	}{
		{"GroupMember.Read.All", members, tok("GroupMember.Read.All"), 200},
		{"Group.Read.All", "/v1.0/groups/" + BreakGlassGroupID, tok("Group.Read.All"), 200},
		{"Directory.Read.All", "/v1.0/groups?$filter=" + q("displayName eq 'Helpdesk'"), tok("Directory.Read.All"), 200},
		{"User.Read.All is not enough", members, tok("User.Read.All User.Read"), 403},
		{"app GroupMember.Read.All", members, appOnly("GroupMember.Read.All"), 200},
		{"app without group role", "/v1.0/groups", appOnly("User.Read.All"), 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, s, tc.path, merge(tc.hdr, eventual()))
			if r.status != tc.want || (tc.want == 403 && r.errCode() != "Authorization_RequestDenied") {
				t.Fatalf("%d %s", r.status, r.raw)
			}
		})
	}
}

func TestGroupsGeneratedAndFile(t *testing.T) {
	a, _ := New(Options{Users: 80, Seed: 7, Now: fixedClock})
	b, _ := New(Options{Users: 80, Seed: 8, Now: fixedClock})
	ga, gb := a.Groups(), b.Groups()
	if len(ga) != 6 || len(gb) != 6 || ga[0].ID != BreakGlassGroupID || gb[0].ID != BreakGlassGroupID {
		t.Fatalf("groups: %+v", ga)
	}
	if !slices.Contains(ga[0].MemberIDs, CarolID) || !slices.Contains(ga[0].MemberIDs, Tier0GroupID) {
		t.Errorf("break-glass members: %v", ga[0].MemberIDs)
	}
	// Groups returns copies
	ga[0].MemberIDs[0] = "x"
	if a.Groups()[0].MemberIDs[0] != CarolID {
		t.Error("Groups leaks the tenant's slices")
	}

	// Export -> file -> load keeps the groups
	td := a.Export()
	raw, _ := json.Marshal(td)
	if !strings.Contains(string(raw), `"groups":[{"id":"`+BreakGlassGroupID+`"`) || !strings.Contains(string(raw), `"memberIds":[`) {
		t.Fatalf("export: no groups in %.300s", raw)
	}
	back, err := ParseTenant(raw)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := New(Options{Data: back, Now: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	raw2, _ := json.Marshal(loaded.Export())
	if string(raw) != string(raw2) {
		t.Error("groups do not round-trip")
	}

	user := `{"id":"11111111-1111-4111-8111-111111111111","userPrincipalName":"a@b"}`
	bad := map[string]string{
		"no name":        `{"users":[` + user + `],"groups":[{"id":"g1","memberIds":[]}]}`,
		"dup id":         `{"users":[` + user + `],"groups":[{"id":"g1","displayName":"A","memberIds":[]},{"id":"G1","displayName":"B","memberIds":[]}]}`,
		"user id":        `{"users":[` + user + `],"groups":[{"id":"11111111-1111-4111-8111-111111111111","displayName":"A","memberIds":[]}]}`,
		"unknown member": `{"users":[` + user + `],"groups":[{"id":"g1","displayName":"A","memberIds":["11111111-1111-4111-8111-111111111112"]}]}`,
		"self":           `{"users":[` + user + `],"groups":[{"id":"g1","displayName":"A","memberIds":["g1"]}]}`,
		"unknown field":  `{"users":[` + user + `],"groups":[{"id":"g1","displayName":"A","members":[]}]}`,
	}
	for name, content := range bad {
		if _, err := ParseTenant([]byte(content)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	ok := `{"users":[` + user + `],"groups":[{"id":"g1","displayName":"A","memberIds":["g2"]},{"id":"g2","displayName":"B","memberIds":["11111111-1111-4111-8111-111111111111","g1"]}]}`
	td2, err := ParseTenant([]byte(ok))
	if err != nil {
		t.Fatalf("nested (even circular) groups: %v", err)
	}
	// a cycle ends: every object once
	tn, _ := New(Options{Data: td2})
	tn.mu.Lock()
	ms := tn.members(tn.group("g1"), true)
	tn.mu.Unlock()
	if len(ms) != 2 || ms[0].g == nil || ms[1].u == nil {
		t.Errorf("cycle: %+v", ms)
	}
}
