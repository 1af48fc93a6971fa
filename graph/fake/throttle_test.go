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
