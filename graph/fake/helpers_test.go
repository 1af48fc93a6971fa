package fake

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// testNow is a fixed clock so tests and exports are reproducible.
var testNow = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return testNow }

func start(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Now == nil {
		opts.Now = fixedClock
	}
	s, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

type reply struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func (r reply) errCode() string {
	e, _ := r.body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func (r reply) errMessage() string {
	e, _ := r.body["error"].(map[string]any)
	c, _ := e["message"].(string)
	return c
}

func (r reply) values() []map[string]any {
	vs, _ := r.body["value"].([]any)
	out := make([]map[string]any, 0, len(vs))
	for _, v := range vs {
		m, _ := v.(map[string]any)
		out = append(out, m)
	}
	return out
}

// call sends one request to the fake. path is relative to the service root
// ("/v1.0/users") or an absolute URL (a nextLink). hdr may be nil.
func call(t testing.TB, s *Server, method, path string, hdr map[string]string, body any) reply {
	t.Helper()
	u := path
	if !strings.HasPrefix(path, "http") {
		u = s.URL + path
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			t.Fatalf("%s %s: body is not JSON: %v: %s", method, path, err, raw)
		}
	}
	return r
}

func get(t testing.TB, s *Server, path string, hdr map[string]string) reply {
	t.Helper()
	return call(t, s, "GET", path, hdr, nil)
}

func expect(t testing.TB, r reply, status int, code string) {
	t.Helper()
	if r.status != status || (code != "" && r.errCode() != code) {
		t.Fatalf("got %d %q (%s), want %d %q", r.status, r.errCode(), r.raw, status, code)
	}
}

// jwt builds an unsigned test token (the fake does not verify signatures).
func jwt(claims map[string]any) string {
	enc := base64.RawURLEncoding
	h := enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))
	b, _ := json.Marshal(claims)
	return h + "." + enc.EncodeToString(b) + ".c2lnbmF0dXJl"
}

func bearer(claims map[string]any) map[string]string {
	return map[string]string{"Authorization": "Bearer " + jwt(claims)}
}

const allScopes = "User.Read User.Read.All UserAuthenticationMethod.ReadWrite.All AuditLog.Read.All Reports.Read.All User.RevokeSessions.All Policy.ReadWrite.AuthenticationMethod Mail.Send"

// delegated is a token for a persona with the given roles and all scopes.
func delegated(oid, upn string, wids ...string) map[string]string {
	return bearer(map[string]any{"oid": oid, "upn": upn, "tid": TenantID, "scp": allScopes, "wids": wids,
		"exp": float64(testNow.Add(time.Hour).Unix())})
}

// caReader may read sign-ins and Conditional Access data (Security
// Reader with Policy.Read.All), so sign-ins carry
// appliedConditionalAccessPolicies.
func caReader() map[string]string {
	return bearer(map[string]any{"oid": AliceID, "upn": AliceUPN, "tid": TenantID, "scp": "AuditLog.Read.All Directory.Read.All Policy.Read.All",
		"wids": []string{RoleSecurityReader}, "exp": float64(testNow.Add(time.Hour).Unix())})
}

func appOnly(roles ...string) map[string]string {
	return bearer(map[string]any{"oid": "0f0f0f0f-0000-4000-8000-00000000a990", "tid": TenantID, "roles": roles,
		"appid": "11111111-2222-4333-8444-555555555555", "app_displayname": "mfadesk automation", "idtyp": "app"})
}

func q(s string) string { return url.QueryEscape(s) }

func eventual() map[string]string { return map[string]string{"ConsistencyLevel": "eventual"} }

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func methodOf(ms []MethodData, kind string) MethodData {
	for _, m := range ms {
		if m.Kind == kind {
			return m
		}
	}
	return MethodData{}
}

const time1h = time.Hour
