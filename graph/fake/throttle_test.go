package fake

import (
	"net/http"
	"testing"
)

// TestDocumentedBudgets: the reports budget is 5 requests per 10 s; past
// 80% of it answers carry x-ms-throttle-limit-percentage, and the sixth is
// 429 with a Retry-After. A directory read is charged to its own budget.
// Off (the default) nothing is limited.
func TestDocumentedBudgets(t *testing.T) {
	srv, err := Start(Options{Users: 1, DocumentedBudgets: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	get := func(path string) *http.Response {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	const audits = "/v1.0/auditLogs/directoryAudits"
	for i := 1; i <= 5; i++ {
		resp := get(audits)
		if resp.StatusCode != 200 {
			t.Fatalf("request %d: %d", i, resp.StatusCode)
		}
		pct := resp.Header.Get("x-ms-throttle-limit-percentage")
		if (i == 5) != (pct != "") {
			t.Errorf("request %d: limit percentage %q (want it only past 80%% used)", i, pct)
		}
	}
	resp := get(audits)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("sixth: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if resp := get("/v1.0/users/" + BobID); resp.StatusCode != 200 {
		t.Errorf("a directory read was charged to the reports budget: %d", resp.StatusCode)
	}
	if resp := get("/v1.0/users/" + BobID + "/authentication/methods"); resp.StatusCode != 429 {
		t.Errorf("method list not charged to the reports budget (authenticationMethod is listed): %d", resp.StatusCode)
	}

	free, err := Start(Options{Users: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer free.Close()
	for i := range 20 {
		resp, err := http.Get(free.URL + audits)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("unlimited fake, request %d: %d", i, resp.StatusCode)
		}
	}
}

// TestResourceUnitHeader: x-ms-resource-unit comes with the identity and
// access service's answers, at the documented cost, and nowhere else.
func TestResourceUnitHeader(t *testing.T) {
	s := start(t, Options{})
	cases := []struct {
		path string
		hdr  map[string]string
		want string // "" = no header
	}{
		{"/v1.0/users", nil, "2"},
		{"/v1.0/users?$select=id", nil, "1"},
		{"/v1.0/users?$select=id&$top=5", nil, "1"}, // never below 1
		{"/v1.0/users/" + AliceID, nil, "1"},
		{"/v1.0/users/" + AliceID + "/transitiveMemberOf", nil, "2"},
		{"/v1.0/me/memberOf", nil, "2"},
		{"/v1.0/users/nobody", nil, "1"}, // a 404 of the service still costs
		{"/v1.0/groups/" + BreakGlassGroupID + "/members", nil, "3"},
		{"/v1.0/groups/" + BreakGlassGroupID + "/transitiveMembers/microsoft.graph.user?$count=true", eventual(), "5"},
		{"/v1.0/users/" + AliceID + "/authentication/methods", nil, ""},
		{"/beta/users/" + AliceID + "/authentication/signInPreferences", nil, ""},
		{"/v1.0/auditLogs/directoryAudits", nil, ""},
		{"/v1.0/reports/authenticationMethods/userRegistrationDetails", nil, ""},
	}
	for _, c := range cases {
		r := get(t, s, c.path, c.hdr)
		if got := r.header.Get("x-ms-resource-unit"); got != c.want {
			t.Errorf("%s: x-ms-resource-unit %q, want %q (status %d)", c.path, got, c.want, r.status)
		}
	}
	// in a batch: per directory item, not on the envelope or a method list
	r := call(t, s, "POST", "/v1.0/$batch", nil, map[string]any{"requests": []batchItem{
		{"id": "u", "method": "GET", "url": "/users"},
		{"id": "m", "method": "GET", "url": "/users/" + AliceID + "/authentication/methods"},
	}})
	if r.header.Get("x-ms-resource-unit") != "" {
		t.Errorf("the batch envelope carries x-ms-resource-unit")
	}
	res := batchResponses(t, r)
	if h := res["u"]["headers"].(map[string]any); h["x-ms-resource-unit"] != "2" {
		t.Errorf("batch /users item headers %v", h)
	}
	if h := res["m"]["headers"].(map[string]any); h["x-ms-resource-unit"] != nil {
		t.Errorf("batch methods item headers %v", h)
	}
	// a 429 carries the throttle headers instead
	th := start(t, Options{ThrottleRate: 1})
	if r := get(t, th, "/v1.0/users/"+AliceID, nil); r.status != 429 || r.header.Get("x-ms-resource-unit") != "" {
		t.Errorf("429: %d, x-ms-resource-unit %q", r.status, r.header.Get("x-ms-resource-unit"))
	}
}
