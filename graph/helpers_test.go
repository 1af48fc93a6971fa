package graph

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// recorded is one request a canned server saw.
type recorded struct {
	Method string
	Path   string // decoded path
	Query  url.Values
	Header http.Header
	Body   string
}

// canned is an httptest server answering with a handler, recording every
// request.
type canned struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

func newCanned(t *testing.T, h http.HandlerFunc) *canned {
	t.Helper()
	c := &canned{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.reqs = append(c.reqs, recorded{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: string(b)})
		c.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(c.Close)
	return c
}

func (c *canned) requests() []recorded {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]recorded(nil), c.reqs...)
}

func (c *canned) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.reqs)
}

// waits records the retry waits a client asked for instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

// testClient builds a client on endpoint with retries that never sleep
// and no reports pacing (reports_pacer_test.go tests that).
func testClient(t *testing.T, endpoint string, mod ...func(*ClientOptions)) (MSGraph, *waits) {
	t.Helper()
	w := &waits{}
	opts := ClientOptions{Endpoint: endpoint, ReportsPerTenSeconds: -1, Sleep: func(ctx context.Context, d time.Duration) error {
		w.mu.Lock()
		w.d = append(w.d, d)
		w.mu.Unlock()
		return ctx.Err()
	}}
	for _, m := range mod {
		m(&opts)
	}
	c, err := NewClient(opts)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c, w
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// graphErr writes Graph's error body.
func graphErr(w http.ResponseWriter, status int, code, msg, reqID string) {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{
		"code": code, "message": msg,
		"innerError": map[string]any{"date": "2024-05-01T10:00:00", "request-id": reqID, "client-request-id": reqID},
	}})
	w.Header().Set("request-id", reqID)
	writeJSON(w, status, string(b))
}

// staticCred is an azcore.TokenCredential handing out a fixed token.
type staticCred struct {
	token  string
	err    error
	mu     sync.Mutex
	scopes [][]string
	noCAE  int // requests that did not ask for a CAE token
}

func (s *staticCred) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	s.mu.Lock()
	s.scopes = append(s.scopes, o.Scopes)
	if !o.EnableCAE {
		s.noCAE++
	}
	s.mu.Unlock()
	if s.err != nil {
		return azcore.AccessToken{}, s.err
	}
	return azcore.AccessToken{Token: s.token, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// makeJWT builds an unsigned token carrying claims.
func makeJWT(claims map[string]any) string {
	enc := base64.RawURLEncoding
	h := enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	b, _ := json.Marshal(claims)
	return fmt.Sprintf("%s.%s.sig", h, enc.EncodeToString(b))
}

const (
	aliceID = "11111111-2222-3333-4444-555555555555"
	bobID   = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
)

// errOf and tapOf adapt Apply's answer for tests written against the one
// value they check.
func errOf(_ Result, err error) error { return err }

func tapOf(r Result, err error) (TAP, error) { return r.TAP, err }
