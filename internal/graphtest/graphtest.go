// Package graphtest holds the canned-server helpers that the tests of
// graph (the use cases) and graph/msgraph (the adapter) share: an httptest
// server recording every request, Graph's JSON and error bodies, a fixed
// token credential and unsigned JWTs. Test support only: nothing in the
// product imports it.
package graphtest

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

// Request is one request a canned server saw.
type Request struct {
	Method string
	Path   string // decoded path
	Query  url.Values
	Header http.Header
	Body   string
}

// Canned is an httptest server answering with a handler, recording every
// request.
type Canned struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []Request
}

// NewCanned starts a canned server, closed when the test ends.
func NewCanned(t *testing.T, h http.HandlerFunc) *Canned {
	t.Helper()
	c := &Canned{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.reqs = append(c.reqs, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: string(b)})
		c.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(c.Close)
	return c
}

// Requests is every request seen so far, in order.
func (c *Canned) Requests() []Request {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Request(nil), c.reqs...)
}

// Count is how many requests were seen.
func (c *Canned) Count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.reqs)
}

// WriteJSON answers with body as Graph's JSON.
func WriteJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// GraphErr writes Graph's error body.
func GraphErr(w http.ResponseWriter, status int, code, msg, reqID string) {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{
		"code": code, "message": msg,
		"innerError": map[string]any{"date": "2024-05-01T10:00:00", "request-id": reqID, "client-request-id": reqID},
	}})
	w.Header().Set("request-id", reqID)
	WriteJSON(w, status, string(b))
}

// StaticCred is an azcore.TokenCredential handing out a fixed token.
type StaticCred struct {
	Token string
	Err   error

	mu     sync.Mutex
	scopes [][]string
	noCAE  int // requests that did not ask for a CAE token
}

func (s *StaticCred) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	s.mu.Lock()
	s.scopes = append(s.scopes, o.Scopes)
	if !o.EnableCAE {
		s.noCAE++
	}
	s.mu.Unlock()
	if s.Err != nil {
		return azcore.AccessToken{}, s.Err
	}
	return azcore.AccessToken{Token: s.Token, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// Scopes is the scopes of every token request, in order.
func (s *StaticCred) Scopes() [][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]string(nil), s.scopes...)
}

// NoCAE is how many token requests did not ask for a CAE token.
func (s *StaticCred) NoCAE() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.noCAE
}

// MakeJWT builds an unsigned token carrying claims.
func MakeJWT(claims map[string]any) string {
	enc := base64.RawURLEncoding
	h := enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	b, _ := json.Marshal(claims)
	return fmt.Sprintf("%s.%s.sig", h, enc.EncodeToString(b))
}
