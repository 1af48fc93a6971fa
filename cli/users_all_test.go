package cli

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// TestUsersAllLargestPage: `users --all` without --top asks for the
// largest page list users documents ($top up to 999), not 25 at a time;
// an explicit --top is kept.
func TestUsersAllLargestPage(t *testing.T) {
	srv := startTenant(t)
	target, _ := url.Parse(srv.URL)
	var mu sync.Mutex
	var tops []string
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/users") {
			mu.Lock()
			tops = append(tops, r.URL.Query().Get("$top"))
			mu.Unlock()
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	o := runOpts{endpoint: front.URL}

	r := runCLI(t, o, "users", "bulk", "--all", "-o", "json")
	if got := len(mustJSON[[]map[string]any](t, r)); got != 15 {
		t.Fatalf("--all: %d users\n%v", got, r)
	}
	if len(tops) != 1 || tops[0] != "999" {
		t.Fatalf("users --all sent $top %v, want one request with 999", tops)
	}
	tops = nil
	r = runCLI(t, o, "users", "bulk", "--all", "--top", "5", "-o", "json")
	if got := len(mustJSON[[]map[string]any](t, r)); got != 15 || len(tops) != 3 || tops[0] != "5" {
		t.Fatalf("--all --top 5: %d users, $top %v", got, tops)
	}
}
