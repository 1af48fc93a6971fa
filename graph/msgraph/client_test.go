package msgraph

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph"
)

// Client tests over real loopback HTTP against canned Graph answers: the
// request shapes, and what the client makes of odd or hostile answers.

func TestNewClientEndpoint(t *testing.T) {
	cred := &staticCred{Token: "t"}
	tests := []struct {
		ep      string
		cred    bool
		wantErr string
		v1      string
	}{
		{"https://graph.microsoft.com", true, "", "https://graph.microsoft.com/v1.0"},
		{"https://graph.microsoft.us/", true, "", "https://graph.microsoft.us/v1.0"},
		{"https://microsoftgraph.chinacloudapi.cn", true, "", "https://microsoftgraph.chinacloudapi.cn/v1.0"},
		{"http://127.0.0.1:8080", false, "", "http://127.0.0.1:8080/v1.0"},
		{"http://[::1]:8080", true, "", "http://[::1]:8080/v1.0"},
		{"http://localhost:1", false, "", "http://localhost:1/v1.0"},
		{"http://graph.microsoft.com", true, "loopback", ""},
		{"https://graph.microsoft.com", false, "loopback", ""},
		{"https://graph.microsoft.com/v1.0", true, "without a version", ""},
		{"https://graph.microsoft.com/beta/", true, "without a version", ""},
		{"https://graph.microsoft.com/x", true, "without a path", ""},
		{"ftp://graph.microsoft.com", true, "https", ""},
		{"", true, "empty", ""},
		{"https://graph.microsoft.com?x=1", true, "bare", ""},
	}
	for _, tc := range tests {
		opts := ClientOptions{Endpoint: tc.ep}
		if tc.cred {
			opts.Credential = cred
		}
		c, err := NewClient(opts)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("NewClient(%q) err = %v, want %q", tc.ep, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("NewClient(%q): %v", tc.ep, err)
			continue
		}
		if c.v1 != tc.v1 || c.beta != strings.TrimSuffix(tc.v1, "/v1.0")+"/beta" {
			t.Errorf("NewClient(%q): v1 %q beta %q", tc.ep, c.v1, c.beta)
		}
	}
}

func TestSearchUsersRequest(t *testing.T) {
	var srv *canned
	srv = newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("$skiptoken") != "" {
			writeJSON(w, 200, `{"value":[{"id":"`+bobID+`","displayName":"Bob","userPrincipalName":"bob@contoso.com"}]}`)
			return
		}
		writeJSON(w, 200, `{"@odata.count":2,"@odata.nextLink":"`+srv.URL+`/v1.0/users?$skiptoken=abc","value":[
			{"id":"`+aliceID+`","displayName":"Alice O'Brien\u001b[31m","userPrincipalName":"alice@contoso.com","accountEnabled":true,"userType":"Member","jobTitle":"Nurse"}]}`)
	})
	c, _ := testClient(t, srv.URL)
	p, err := c.SearchUsers(context.Background(), "O'Brien", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 1 || p.Count != 2 || p.Next == "" {
		t.Fatalf("page %+v", p)
	}
	u := p.Items[0]
	if u.ID != aliceID || u.DisplayName != "Alice O'Brien" || !u.AccountEnabled || u.UserType != "Member" || u.JobTitle != "Nurse" {
		t.Errorf("user %+v (display name must be cleaned of the escape sequence)", u)
	}
	r := srv.requests()[0]
	if r.Method != "GET" || r.Path != "/v1.0/users" {
		t.Errorf("request %s %s", r.Method, r.Path)
	}
	if got, want := r.Query["$search"], `"displayName:O'Brien" OR "userPrincipalName:O'Brien" OR "mail:O'Brien"`; len(got) != 1 || got[0] != want {
		t.Errorf("$search = %q, want %q", got, want)
	}
	if r.Header.Get("ConsistencyLevel") != "eventual" || r.Query["$count"][0] != "true" || r.Query["$top"][0] != "10" {
		t.Errorf("headers/query: %v %v", r.Header, r.Query)
	}
	if sel := r.Query["$select"]; len(sel) != 1 || sel[0] != "id,displayName,userPrincipalName,mail,jobTitle,department,accountEnabled,userType" {
		t.Errorf("$select = %q", sel)
	}
	if r.Header.Get("x-ms-throttle-priority") != "High" {
		t.Errorf("priority %q", r.Header.Get("x-ms-throttle-priority"))
	}
	if r.Header.Get("Authorization") != "" {
		t.Errorf("no credential, yet Authorization %q", r.Header.Get("Authorization"))
	}

	p2, err := c.NextUsers(graph.WithPriority(context.Background(), graph.PriorityLow), p.Next)
	if err != nil {
		t.Fatal(err)
	}
	if len(p2.Items) != 1 || p2.Items[0].ID != bobID || p2.Next != "" || p2.Count != -1 {
		t.Errorf("page 2 %+v", p2)
	}
	r2 := srv.requests()[1]
	if r2.Query["$skiptoken"][0] != "abc" || r2.Header.Get("ConsistencyLevel") != "eventual" || r2.Header.Get("x-ms-throttle-priority") != "Low" {
		t.Errorf("next request %+v", r2)
	}
}

func TestSearchUsersQuoteInQuery(t *testing.T) {
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"value":[]}`) })
	c, _ := testClient(t, srv.URL)
	for q, want := range map[string]string{
		`a"b`:          `"displayName:a\"b" OR "userPrincipalName:a\"b" OR "mail:a\"b"`,
		"x' or 1 eq 1": `"displayName:x' or 1 eq 1" OR "userPrincipalName:x' or 1 eq 1" OR "mail:x' or 1 eq 1"`,
		"a&b+c#d":      `"displayName:a&b+c#d" OR "userPrincipalName:a&b+c#d" OR "mail:a&b+c#d"`,
	} {
		if _, err := c.SearchUsers(context.Background(), q, 0); err != nil {
			t.Fatal(err)
		}
		rs := srv.requests()
		r := rs[len(rs)-1]
		if got := r.Query["$search"]; len(got) != 1 || got[0] != want {
			t.Errorf("query %q: $search = %q, want %q", q, got, want)
		}
		if r.Query["$top"][0] != "25" || len(r.Query) != 4 {
			t.Errorf("query %q: params %v (an input must not add parameters)", q, r.Query)
		}
	}
}

func TestSearchUsersExact(t *testing.T) {
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1.0/users/" + aliceID, "/v1.0/users/o'brien@contoso.com":
			writeJSON(w, 200, `{"id":"`+aliceID+`","displayName":"Alice","userPrincipalName":"o'brien@contoso.com"}`)
		case "/v1.0/users":
			writeJSON(w, 200, `{"value":[]}`)
		default:
			graphErr(w, 404, "Request_ResourceNotFound", "Resource '"+r.URL.Path+"' does not exist", "rid-404")
		}
	})
	c, _ := testClient(t, srv.URL)
	ctx := context.Background()
	for _, q := range []string{aliceID, "o'brien@contoso.com"} {
		p, err := c.SearchUsers(ctx, q, 0)
		if err != nil || len(p.Items) != 1 || p.Items[0].ID != aliceID {
			t.Errorf("SearchUsers(%q) = %+v, %v", q, p, err)
		}
	}
	if n := srv.count(); n != 2 {
		t.Errorf("exact lookups made %d requests", n)
	}
	// An unknown id is an empty result; a UPN-shaped partial query falls
	// back to $search.
	p, err := c.SearchUsers(ctx, bobID, 0)
	if err != nil || len(p.Items) != 0 {
		t.Errorf("unknown id: %+v %v", p, err)
	}
	p, err = c.SearchUsers(ctx, "nobody@contoso.com", 0)
	rs := srv.requests()
	if err != nil || len(p.Items) != 0 || rs[len(rs)-1].Path != "/v1.0/users" || rs[len(rs)-1].Query.Get("$search") == "" {
		t.Errorf("fallback: %+v %v %+v", p, err, rs[len(rs)-1])
	}
	u, err := c.ResolveUser(ctx, "o'brien@contoso.com")
	if err != nil || u.ID != aliceID {
		t.Errorf("ResolveUser: %+v %v", u, err)
	}
	_, err = c.ResolveUser(ctx, "nobody@contoso.com")
	if ge, ok := graph.AsError(err); !ok || !errors.Is(err, graph.ErrNotFound) || ge.RequestID != "rid-404" || ge.Code != "Request_ResourceNotFound" {
		t.Errorf("ResolveUser unknown: %v", err)
	}
	n := srv.count()
	if _, err := c.ResolveUser(ctx, "not a user"); !errors.Is(err, graph.ErrBadRequest) || srv.count() != n {
		t.Errorf("ResolveUser(garbage) = %v, requests %d -> %d", err, n, srv.count())
	}
}

// TestNextLinkOtherHost: a next link (or redirect) to another host is
// refused before anything, token included, is sent there.
func TestNextLinkOtherHost(t *testing.T) {
	evil := newCanned(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"value":[]}`) })
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1.0/users":
			writeJSON(w, 200, `{"value":[],"@odata.nextLink":"`+evil.URL+`/v1.0/users?$skiptoken=x"}`)
		case "/v1.0/users/" + aliceID:
			http.Redirect(w, r, evil.URL+"/v1.0/users/"+aliceID, http.StatusFound)
		}
	})
	cred := &staticCred{Token: makeJWT(map[string]any{"scp": "User.Read"})}
	c, _ := testClient(t, srv.URL, func(o *ClientOptions) { o.Credential = cred })
	ctx := context.Background()
	p, err := c.SearchUsers(ctx, "al", 0)
	if err != nil {
		t.Fatal(err)
	}
	if srv.requests()[0].Header.Get("Authorization") != "Bearer "+cred.Token {
		t.Errorf("token not sent to the endpoint")
	}
	_, err = c.NextUsers(ctx, p.Next)
	if !errors.Is(err, graph.ErrUnavailable) || !strings.Contains(err.Error(), "refusing to follow") {
		t.Errorf("NextUsers(other host) = %v", err)
	}
	for _, next := range []string{"/v1.0/users?$skiptoken=x", "https" + strings.TrimPrefix(srv.URL, "http") + "/v1.0/users", srv.URL + "/other/users", "::"} {
		if _, err := c.NextUsers(ctx, next); !errors.Is(err, graph.ErrUnavailable) {
			t.Errorf("NextUsers(%q) = %v", next, err)
		}
	}
	_, err = c.ResolveUser(ctx, aliceID)
	if !errors.Is(err, graph.ErrUnavailable) || !strings.Contains(err.Error(), "redirect") {
		t.Errorf("redirect: %v", err)
	}
	if evil.count() != 0 {
		t.Errorf("the other host got %d requests", evil.count())
	}
}

func TestErrorClassification(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		code    string
		msg     string
		kind    error
		needs   string
		message string
	}{
		{"default method", 400, "badRequest", "Cannot delete default method with other methods configured. Please change default method before deletion.", graph.ErrConflict, "", ""},
		{"default method 2", 400, "badRequest", "The phone method matches the user's current default authentication method, and cannot be deleted until the default authentication method is changed", graph.ErrConflict, "", ""},
		{"denied", 403, "accessDenied", "Request Authorization failed", graph.ErrDenied, "UserAuthenticationMethod.ReadWrite.All", ""},
		{"directory denied", 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", graph.ErrDenied, "Authentication Administrator", ""},
		{"unlicensed", 403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant", "Neither tenant is B2C or tenant doesn't have premium license", graph.ErrUnlicensed, "", "Entra ID P1 or P2"},
		{"not found", 404, "Request_ResourceNotFound", "Resource 'x' does not exist", graph.ErrNotFound, "", ""},
		{"unsupported", 400, "Request_UnsupportedQuery", "Unsupported query.", graph.ErrBadRequest, "", ""},
		{"policy", 400, "badRequest", "Converged UserCredentialPolicy does not allow creating or updating this authentication method for the user.", graph.ErrBadRequest, "", ""},
		{"unauthorized", 401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.", graph.ErrDenied, "valid sign-in", ""},
		{"server", 500, "generalException", "General exception while processing", graph.ErrUnavailable, "", ""},
		{"conflict", 409, "conflict", "x", graph.ErrConflict, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
				graphErr(w, tc.status, tc.code, tc.msg+"\x1b]52;c;ZXZpbA==\x07", "req-"+tc.name)
			})
			c, _ := testClient(t, srv.URL)
			err := errOf(c.Apply(context.Background(), graph.DeleteMethod{UserID: aliceID, Method: graph.Method{ID: "m1", Kind: graph.KindPhone}}))
			ge, ok := graph.AsError(err)
			if !ok || !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v, want %v", err, tc.kind)
			}
			if ge.Status != tc.status || ge.Code != tc.code || ge.RequestID != "req-"+tc.name {
				t.Errorf("error %+v", ge)
			}
			if !strings.Contains(ge.Needs, tc.needs) {
				t.Errorf("needs %q, want %q", ge.Needs, tc.needs)
			}
			if strings.ContainsAny(ge.Message, "\x1b\x07") {
				t.Errorf("message not cleaned: %q", ge.Message)
			}
			if tc.message != "" && !strings.Contains(ge.Message, tc.message) {
				t.Errorf("message %q, want %q", ge.Message, tc.message)
			}
			if !strings.HasPrefix(err.Error(), "delete phone method m1 of "+aliceID+": ") {
				t.Errorf("Error() = %q", err.Error())
			}
		})
	}
}

// TestUnreadableAnswers: proxies, truncated bodies and empty answers give
// ErrUnavailable with a plain message, never a panic.
func TestUnreadableAnswers(t *testing.T) {
	tests := []struct {
		name    string
		h       http.HandlerFunc
		kind    error
		message string
	}{
		{"html 502", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			w.Write([]byte("<html><body>Bad gateway</body></html>"))
		}, graph.ErrUnavailable, "HTML"},
		{"html 200", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte("<html>captive portal</html>"))
		}, graph.ErrUnavailable, "HTML"},
		{"truncated json", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{"value":[{"@odata.type":"#microsoft.graph.phoneAuthenticationMethod","id":"x"`)
		}, graph.ErrUnavailable, "unreadable"},
		{"empty 200", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
		}, graph.ErrUnavailable, "empty"},
		{"json null", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `null`) }, graph.ErrUnavailable, ""},
		{"json array", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `[1,2]`) }, graph.ErrUnavailable, ""},
		{"error without body", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) }, graph.ErrNotFound, ""},
		{"error garbage json", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 500, `{"error":`) }, graph.ErrUnavailable, "500"},
		{"error wrong shape", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 403, `{"error":"nope"}`) }, graph.ErrDenied, ""},
		{"wrong types", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{"value":[{"@odata.type":"#microsoft.graph.phoneAuthenticationMethod","id":7,"phoneNumber":{"a":1}}]}`)
		}, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newCanned(t, tc.h)
			c, _ := testClient(t, srv.URL)
			ms, err := c.ListMethods(context.Background(), aliceID)
			if tc.kind == nil {
				// Wrong field types must not panic; either outcome is fine
				// as long as it is classified.
				if err != nil {
					if _, ok := graph.AsError(err); !ok {
						t.Errorf("unclassified error %v", err)
					}
				}
				_ = ms
				return
			}
			if !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v, want %v", err, tc.kind)
			}
			if !strings.Contains(err.Error(), tc.message) {
				t.Errorf("err = %q, want it to mention %q", err, tc.message)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"3", 3 * time.Second, true},
		{"2.128", 2128 * time.Millisecond, true},
		{" 0 ", 0, true},
		{"-1", 0, true},
		{"Wed, 01 May 2024 10:00:30 GMT", 30 * time.Second, true},
		{"Wed, 01 May 2024 09:00:00 GMT", 0, true},
		{"soon", 0, false},
	}
	for _, tc := range tests {
		h := http.Header{}
		if tc.v != "" {
			h.Set("Retry-After", tc.v)
		}
		got, ok := retryAfter(h, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("retryAfter(%q) = %v %v, want %v %v", tc.v, got, ok, tc.want, tc.ok)
		}
	}
}

func TestThrottleRetry(t *testing.T) {
	var n atomic.Int32
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "2.128")
			w.Header().Set("x-ms-throttle-limit-percentage", "1.2")
			graphErr(w, 429, "TooManyRequests", "Too many requests", "r1")
		case 2:
			w.Header().Set("Retry-After", time.Now().Add(10*time.Second).UTC().Format(http.TimeFormat))
			graphErr(w, 503, "serviceNotAvailable", "busy", "r2")
		case 3:
			graphErr(w, 503, "serviceNotAvailable", "busy", "r3") // no Retry-After: backoff
		default:
			writeJSON(w, 200, `{"value":[]}`)
		}
	})
	var seen []time.Duration
	c, w := testClient(t, srv.URL, func(o *ClientOptions) {
		o.OnThrottle = func(d time.Duration) { seen = append(seen, d) }
	})
	if _, err := c.Registrations(context.Background(), graph.RegistrationFilter{}); err != nil {
		t.Fatal(err)
	}
	ws := w.all()
	if len(ws) != 3 || ws[0] != 2128*time.Millisecond || ws[1] < 8*time.Second || ws[1] > 10*time.Second || ws[2] != 4*time.Second {
		t.Errorf("waits %v", ws)
	}
	if len(seen) != 1 || seen[0] != 2128*time.Millisecond {
		t.Errorf("OnThrottle saw %v", seen)
	}
	if c.ThrottleLimitPercentage() != 1.2 {
		t.Errorf("limit percentage %v", c.ThrottleLimitPercentage())
	}
}

func TestThrottleGivesUp(t *testing.T) {
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "5")
		graphErr(w, 429, "TooManyRequests", "Too many requests", "rid")
	})
	var throttles atomic.Int32
	c, w := testClient(t, srv.URL, func(o *ClientOptions) {
		o.MaxRetries = 3
		o.OnThrottle = func(time.Duration) { throttles.Add(1) }
	})
	_, err := c.ResolveUser(context.Background(), aliceID)
	ge, ok := graph.AsError(err)
	if !ok || !errors.Is(err, graph.ErrThrottled) || ge.RetryAfter != 5*time.Second || ge.Code != "TooManyRequests" {
		t.Fatalf("err = %v (%+v)", err, ge)
	}
	if srv.count() != 4 || len(w.all()) != 3 || throttles.Load() != 4 {
		t.Errorf("requests %d waits %v throttles %d", srv.count(), w.all(), throttles.Load())
	}

	// A Retry-After beyond MaxRetryWait ends the call at once.
	long := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		graphErr(w, 429, "TooManyRequests", "Too many requests", "rid")
	})
	c2, w2 := testClient(t, long.URL, func(o *ClientOptions) { o.MaxRetryWait = time.Minute })
	_, err = c2.ResolveUser(context.Background(), aliceID)
	if ge, _ := graph.AsError(err); !errors.Is(err, graph.ErrThrottled) || ge.RetryAfter != 120*time.Second || long.count() != 1 || len(w2.all()) != 0 {
		t.Errorf("err %v, requests %d, waits %v", err, long.count(), w2.all())
	}

	// Cumulative waits are capped too: 3 x 25s > 60s.
	mid := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "25")
		graphErr(w, 429, "TooManyRequests", "Too many requests", "rid")
	})
	c3, w3 := testClient(t, mid.URL)
	_, err = c3.ResolveUser(context.Background(), aliceID)
	if !errors.Is(err, graph.ErrThrottled) || len(w3.all()) != 2 || mid.count() != 3 {
		t.Errorf("err %v, requests %d, waits %v", err, mid.count(), w3.all())
	}
}

func TestRetryCancelled(t *testing.T) {
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		graphErr(w, 429, "TooManyRequests", "Too many requests", "rid")
	})
	c, err := NewClient(ClientOptions{Endpoint: srv.URL}) // real sleeping
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.onThrottle = func(time.Duration) { cancel() }
	_, err = c.ResolveUser(ctx, aliceID)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if srv.count() != 1 {
		t.Errorf("requests after cancel: %d", srv.count())
	}
}

// dropFirst closes the connection without an answer on the first n requests.
func dropFirst(n int32, then http.HandlerFunc) http.HandlerFunc {
	var seen atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1) <= n {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		then(w, r)
	}
}

func TestDroppedConnection(t *testing.T) {
	ctx := context.Background()
	// GET: retried.
	srv := newCanned(t, dropFirst(2, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"`+aliceID+`","userPrincipalName":"alice@contoso.com"}`)
	}))
	c, w := testClient(t, srv.URL)
	u, err := c.ResolveUser(ctx, aliceID)
	if err != nil || u.ID != aliceID || srv.count() != 3 || len(w.all()) != 2 {
		t.Errorf("GET: %v %v requests %d waits %v", u, err, srv.count(), w.all())
	}
	// POST: not retried (it may have been done).
	post := newCanned(t, dropFirst(1, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	c2, _ := testClient(t, post.URL)
	err = errOf(c2.Apply(ctx, graph.RevokeSessions{UserID: aliceID}))
	if !errors.Is(err, graph.ErrUnavailable) || post.count() != 1 || !strings.Contains(err.Error(), "could not reach Graph") {
		t.Errorf("POST: %v requests %d", err, post.count())
	}
	// DELETE dropped, then 404 on the retry: the first attempt did it.
	del := newCanned(t, dropFirst(1, func(w http.ResponseWriter, r *http.Request) {
		graphErr(w, 404, "itemNotFound", "not found", "rid")
	}))
	c3, _ := testClient(t, del.URL)
	if err := errOf(c3.Apply(ctx, graph.DeleteMethod{UserID: aliceID, Method: graph.Method{ID: "m1", Kind: graph.KindAuthenticator}})); err != nil || del.count() != 2 {
		t.Errorf("DELETE after drop: %v requests %d", err, del.count())
	}
	// A plain 404 on a DELETE is still ErrNotFound.
	del2 := newCanned(t, func(w http.ResponseWriter, r *http.Request) { graphErr(w, 404, "itemNotFound", "not found", "rid") })
	c4, _ := testClient(t, del2.URL)
	if err := errOf(c4.Apply(ctx, graph.DeleteMethod{UserID: aliceID, Method: graph.Method{ID: "m1", Kind: graph.KindAuthenticator}})); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("DELETE 404: %v", err)
	}
	// Nobody listening.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	c5, _ := testClient(t, "http://"+addr, func(o *ClientOptions) { o.MaxRetries = 1 })
	if _, err := c5.ResolveUser(ctx, aliceID); !errors.Is(err, graph.ErrUnavailable) {
		t.Errorf("no server: %v", err)
	}
}

func TestRequestTimeout(t *testing.T) {
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	})
	c, _ := testClient(t, srv.URL, func(o *ClientOptions) {
		o.RequestTimeout = 50 * time.Millisecond
		o.MaxRetries = 1
	})
	_, err := c.ResolveUser(context.Background(), aliceID)
	if !errors.Is(err, graph.ErrUnavailable) || !strings.Contains(err.Error(), "did not answer") || srv.count() != 2 {
		t.Errorf("err = %v, requests %d", err, srv.count())
	}
}

func TestTokenFailure(t *testing.T) {
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{}`) })
	cred := &staticCred{Err: errors.New("AADSTS700082: The refresh token has expired\nsecond line")}
	c, _ := testClient(t, srv.URL, func(o *ClientOptions) { o.Credential = cred })
	_, err := c.ResolveUser(context.Background(), aliceID)
	if !errors.Is(err, graph.ErrSignIn) || !strings.Contains(err.Error(), "AADSTS700082") || strings.Contains(err.Error(), "second line") {
		t.Errorf("err = %v", err)
	}
	if srv.count() != 0 {
		t.Errorf("requests without a token: %d", srv.count())
	}
	if len(cred.Scopes()) == 0 || cred.Scopes()[0][0] != srv.URL+"/.default" {
		t.Errorf("scopes %v", cred.Scopes())
	}
}

// FuzzGraphAnswer: whatever bytes and status come back, a call ends in a
// result or a classified error, never a panic or an unclassified error.
func FuzzGraphAnswer(f *testing.F) {
	f.Add(200, "application/json", `{"value":[{"@odata.type":"#microsoft.graph.phoneAuthenticationMethod","id":"x","phoneNumber":"+1 5551234567","phoneType":"mobile"}]}`)
	f.Add(400, "application/json", `{"error":{"code":"badRequest","message":"Cannot delete default method"}}`)
	f.Add(502, "text/html", "<html>bad gateway</html>")
	f.Add(200, "application/json", `{"value":[{"@odata.type":7}]}`)
	f.Add(200, "application/json", `{"value":{"a":[]}}`)
	f.Add(429, "application/json", `{"error":{"code":"TooManyRequests"}}`)
	f.Add(200, "application/json;odata.metadata=minimal", `{"value":[{"id":null,"createdDateTime":"not a date"}]}`)
	var mu sync.Mutex
	var status int
	var ctype, body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		st, ct, b := status, ctype, body
		mu.Unlock()
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(st)
		io.WriteString(w, b)
	}))
	defer srv.Close()
	c, err := NewClient(ClientOptions{Endpoint: srv.URL, MaxRetries: -1})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, st int, ct, b string) {
		if st < 200 || st > 599 || st == 304 {
			t.Skip()
		}
		if strings.ContainsAny(ct, "\r\n\x00") {
			t.Skip()
		}
		mu.Lock()
		status, ctype, body = st, ct, b
		mu.Unlock()
		ms, err := c.ListMethods(context.Background(), aliceID)
		if err != nil {
			if _, ok := graph.AsError(err); !ok {
				t.Fatalf("unclassified error %T %v", err, err)
			}
			return
		}
		for _, m := range ms {
			for _, s := range []string{m.ID, m.Detail, m.DisplayName, m.ODataType, m.PhoneNumber, m.Device} {
				if graph.CleanText(s) != s {
					t.Fatalf("unclean %q", s)
				}
			}
		}
	})
}
