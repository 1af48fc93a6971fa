package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/graph/msgraph"
)

// The real client against servers that misbehave the way proxies, broken
// gateways and hostile endpoints do. Every case must end in a classified
// *graph.Error with a clear message: no panic, no hang, and never the
// access token in the error text or on the wire to another host.

// hostileToken looks like a real Entra access token (a JWT), so any leak is
// easy to spot.
const hostileToken = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20iLCJ0aWQiOiJob3N0aWxlIn0.SECRET-SIGNATURE-hostile"

type hostileCred struct{}

func (hostileCred) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: hostileToken, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// witness is a server that must never be contacted: it records any request
// and any Authorization header it sees.
type witness struct {
	*httptest.Server
	mu    sync.Mutex
	hits  int
	auths []string
}

func newWitness(t *testing.T) *witness {
	w := &witness{}
	w.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		w.hits++
		if a := r.Header.Get("Authorization"); a != "" {
			w.auths = append(w.auths, a)
		}
		w.mu.Unlock()
		rw.Header().Set("Content-Type", "application/json")
		io.WriteString(rw, `{"value":[{"id":"stolen","displayName":"from the other host"}]}`)
	}))
	t.Cleanup(w.Close)
	return w
}

func (w *witness) check(t *testing.T) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.auths) > 0 {
		t.Errorf("the other host received the token: %q", w.auths)
	}
	if w.hits > 0 {
		t.Errorf("the other host was contacted %d times", w.hits)
	}
}

// hostileServer serves handler as the Graph endpoint and counts the
// requests that carried the token (proof the credential is in use).
type hostileServer struct {
	*httptest.Server
	mu     sync.Mutex
	authed int
}

func newHostile(t *testing.T, h http.HandlerFunc) *hostileServer {
	s := &hostileServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer "+hostileToken {
			s.mu.Lock()
			s.authed++
			s.mu.Unlock()
		}
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *hostileServer) authedCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authed
}

func hostileClient(t *testing.T, endpoint string) graph.Client {
	t.Helper()
	c, err := msgraph.NewClient(msgraph.ClientOptions{
		Endpoint:       endpoint,
		Credential:     hostileCred{},
		MaxRetries:     -1, // one attempt: the cases are about answers, not retries
		RequestTimeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkErr asserts err is a classified, clean, token-free error of kind.
func checkErr(t *testing.T, err error, kind error, mentions ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v", kind)
	}
	ge, ok := graph.AsError(err)
	if !ok {
		t.Errorf("error %q (%T) is not a *graph.Error", err, err)
	}
	if !errors.Is(err, kind) {
		t.Errorf("error %q is not classified as %v", err, kind)
	}
	msg := err.Error()
	if strings.Contains(msg, hostileToken) || strings.Contains(msg, "SECRET-SIGNATURE") || strings.Contains(msg, "eyJ0eXAi") {
		t.Errorf("error text contains the token: %q", msg)
	}
	for _, r := range msg {
		if r == 0x1b || (unicode.IsControl(r) && r != '\n') || r == 0x202e {
			t.Errorf("error text contains control %U: %q", r, msg)
			break
		}
	}
	if ge != nil && ge.Op == "" {
		t.Errorf("error %q does not say what was being done", msg)
	}
	for _, m := range mentions {
		if !strings.Contains(strings.ToLower(msg), strings.ToLower(m)) {
			t.Errorf("error %q does not mention %q", msg, m)
		}
	}
}

func TestHostileAnswers(t *testing.T) {
	big := strings.Repeat(" ", 1<<20)
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		kind     error
		mentions []string
	}{
		{"truncated JSON", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id":"11111111-1111-1111-1111-111111111111","displayName":"Al`)
		}, graph.ErrUnavailable, nil},
		{"HTML error page from a proxy", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>\x1b]52;c;ZXZpbA==\x07</body></html>")
		}, graph.ErrUnavailable, []string{"502"}},
		{"HTML 200 from a captive portal", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<html><body>Please sign in to the hotel Wi-Fi</body></html>")
		}, graph.ErrUnavailable, nil},
		{"200 with an empty body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
		}, graph.ErrUnavailable, nil},
		{"200 with JSON null", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, "null")
		}, graph.ErrUnavailable, nil},
		{"redirect to another host", nil, nil, nil}, // filled in below
		{"error body echoing the token", func(w http.ResponseWriter, r *http.Request) {
			// A gateway that reflects the request's headers in its error.
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"error":{"code":"InvalidAuthenticationToken","message":"Access token validation failure. Got header: %s"}}`, r.Header.Get("Authorization"))
		}, graph.ErrDenied, nil},
		{"HTML 500 echoing the token", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, "<pre>Authorization: %s</pre>", r.Header.Get("Authorization"))
		}, graph.ErrUnavailable, []string{"500"}},
		{"connection dropped mid-body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "5000")
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, `{"id":"11111111-1111-1111-1111-111111111111","displayName":"Al`)
			w.(http.Flusher).Flush()
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		}, graph.ErrUnavailable, nil},
		{"connection dropped before answering", func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		}, graph.ErrUnavailable, nil},
		{"huge body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id":"x","displayName":"`)
			for i := 0; i < 80; i++ { // 80 MiB, more than any answer may be
				if _, err := io.WriteString(w, big); err != nil {
					return
				}
			}
			io.WriteString(w, `"}`)
		}, graph.ErrUnavailable, nil},
		{"200 with an object that is no user", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"unexpected":true}`)
		}, graph.ErrUnavailable, nil},
		{"wrong JSON shape", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `[1,2,3]`)
		}, graph.ErrUnavailable, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wit := newWitness(t)
			h := tt.handler
			kind := tt.kind
			if h == nil { // redirect
				h = func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, wit.URL+r.URL.Path, http.StatusFound)
				}
				kind = graph.ErrUnavailable
			}
			srv := newHostile(t, h)
			c := hostileClient(t, srv.URL)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("panic: %v", p)
					}
				}()
				_, err := c.ResolveUser(ctx, "alice@contoso.com")
				checkErr(t, err, kind, tt.mentions...)
			}()
			wit.check(t)
			if srv.authedCount() == 0 {
				t.Errorf("the endpoint never got the token: the test proves nothing")
			}
		})
	}
}

// A redirect answered to a write must be neither followed (the token and
// the body would go to the other host) nor taken for success: nothing was
// changed.
func TestHostileRedirectOnWrite(t *testing.T) {
	wit := newWitness(t)
	srv := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, wit.URL+r.URL.Path, http.StatusTemporaryRedirect)
	})
	c := hostileClient(t, srv.URL)
	ctx := context.Background()
	const id = "11111111-1111-1111-1111-111111111111"
	_, tapErr := tapOf(c.Apply(ctx, graph.CreateTAP{UserID: id, Request: graph.TAPRequest{}}))
	for name, err := range map[string]error{
		"RevokeSessions": errOf(c.Apply(ctx, graph.RevokeSessions{UserID: id})),
		"CreateTAP":      tapErr,
		"DeleteMethod":   errOf(c.Apply(ctx, graph.DeleteMethod{UserID: id, Method: graph.Method{ID: "22222222-2222-2222-2222-222222222222", Kind: graph.KindPhone}})),
		"SetPerUserMFA":  errOf(c.Apply(ctx, graph.SetPerUserMFA{UserID: id, State: graph.PerUserMFAEnforced})),
		"SendMail":       errOf(c.Apply(ctx, graph.SendMail{Mail: graph.Mail{From: "helpdesk@contoso.com", To: []string{"alice@contoso.com"}, Subject: "s", Body: "b"}})),
	} {
		t.Run(name, func(t *testing.T) { checkErr(t, err, graph.ErrUnavailable) })
	}
	wit.check(t)
}

// @odata.nextLink is opaque, but it comes from the server: a link pointing
// anywhere but the configured endpoint must be refused before anything is
// sent (the token would go with it).
func TestHostileNextLink(t *testing.T) {
	wit := newWitness(t)
	_, witPort, _ := net.SplitHostPort(strings.TrimPrefix(wit.URL, "http://"))
	var next string
	srv := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		link, _ := json.Marshal(next)
		fmt.Fprintf(w, `{"@odata.count":2,"@odata.nextLink":%s,"value":[{"id":"11111111-1111-1111-1111-111111111111","displayName":"Alice","userPrincipalName":"alice@contoso.com"}]}`, link)
	})
	_, srvPort, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	links := []string{
		wit.URL + "/v1.0/users?$skiptoken=abc",                                  // another port
		"http://localhost:" + witPort + "/v1.0/users?$skiptoken=abc",            // another host name
		"https://127.0.0.1:" + srvPort + "/v1.0/users?$skiptoken=abc",           // another scheme
		"http://127.0.0.1:" + srvPort + "@127.0.0.1:" + witPort + "/v1.0/users", // userinfo trick
		"//127.0.0.1:" + witPort + "/v1.0/users",                                // scheme-relative
		"/v1.0/users?$skiptoken=abc",                                            // relative
		"http://127.0.0.1:" + srvPort + "/other/users",                          // outside the API
		"javascript:alert(1)",
		"\x1b]52;c;ZXZpbA==\x07http://evil.example/v1.0/users",
	}
	c := hostileClient(t, srv.URL)
	for _, link := range links {
		next = link
		p, err := c.SearchUsers(context.Background(), "al", 10)
		if err != nil {
			t.Fatalf("first page: %v", err)
		}
		if p.Next == "" {
			t.Fatalf("first page has no Next")
		}
		_, err = c.NextUsers(context.Background(), p.Next)
		if err == nil {
			t.Errorf("nextLink %q was followed", link)
			continue
		}
		checkErr(t, err, graph.ErrUnavailable)
	}
	wit.check(t)
}

// Hostile directory data (the fake's Mallory persona) comes out of the
// client clean, whatever field it hides in.
func TestHostileDataFromDirectory(t *testing.T) {
	srv, err := fake.Start(fake.Options{Users: 20})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := msgraph.NewClient(msgraph.ClientOptions{Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	clean := func(field, s string) {
		t.Helper()
		for _, r := range s {
			if r == 0x1b || unicode.IsControl(r) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
				t.Errorf("%s = %q contains %U", field, s, r)
				return
			}
		}
	}
	u, err := c.ResolveUser(ctx, fake.MalloryUPN)
	if err != nil {
		t.Fatal(err)
	}
	for f, v := range map[string]string{"displayName": u.DisplayName, "jobTitle": u.JobTitle, "department": u.Department, "mail": u.Mail, "upn": u.UserPrincipalName} {
		clean(f, v)
	}
	if !strings.Contains(u.DisplayName, "Mallory") {
		t.Errorf("displayName %q lost its text", u.DisplayName)
	}
	p, err := c.SearchUsers(ctx, "Mallory", 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, su := range p.Items {
		clean("search displayName", su.DisplayName)
		clean("search jobTitle", su.JobTitle)
	}
	ms, err := c.ListMethods(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		clean("method displayName", m.DisplayName)
		clean("method detail", m.Detail)
		clean("method device", m.Device)
		clean("method model", m.Model)
	}
	sis, err := c.SignIns(ctx, u.ID, graph.SignInQuery{Since: time.Now().Add(-30 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sis {
		clean("signIn failureReason", s.Status.FailureReason)
		clean("signIn additionalDetails", s.Status.AdditionalDetails)
		clean("signIn app", s.AppDisplayName)
		clean("signIn userDisplayName", s.UserDisplayName)
		clean("signIn city", s.Location.City)
		clean("signIn device", s.Device.DisplayName)
		for _, p := range s.AppliedPolicies {
			clean("signIn CA policy", p.DisplayName)
		}
	}
	r, err := c.Registration(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	clean("registration userDisplayName", r.UserDisplayName)
	evs, err := c.AuditEvents(ctx, u.ID, graph.AuditQuery{Since: time.Now().Add(-30 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		clean("audit activity", e.Activity)
		clean("audit initiatedBy", e.InitiatedBy)
		clean("audit target", e.Target)
		clean("audit resultReason", e.ResultReason)
	}
}
