// Package tuitest starts the fake tenant behind the real Graph client for
// the TUI's golden and end-to-end tests, on a fixed clock so what is drawn
// is the same on every run.
package tuitest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/graph/msgraph"
)

// Now is the fixed clock of golden tests (the fake tenant's data is
// generated relative to it).
var Now = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

// Clock returns Now.
func Clock() time.Time { return Now }

// Client starts the demo tenant (250 users, seed 1, clock Now) on loopback
// and returns the real msgraph client pointed at it. Both stop with the
// test.
func Client(tb testing.TB) (graph.Client, *fake.Server) {
	tb.Helper()
	srv, err := fake.Start(fake.Options{Users: 250, Seed: 1, Now: Clock})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(srv.Close)
	c, err := msgraph.NewClient(msgraph.ClientOptions{Endpoint: srv.URL, ReportsPerTenSeconds: -1})
	if err != nil {
		tb.Fatal(err)
	}
	return c, srv
}

// Alice is the persona with the most to show (Authenticator default,
// phones, OATH; failed sign-ins 500121 and 50074).
const Alice = "alice.wong@contoso.com"

// CAReader is a client on srv acting as an operator who may read
// Conditional Access data (Security Reader with Policy.Read.All), so
// sign-ins carry appliedConditionalAccessPolicies; the demo operator (a
// Reports Reader) does not see them, as on a real tenant.
func CAReader(tb testing.TB, srv *fake.Server) graph.Client {
	tb.Helper()
	claims := map[string]any{"oid": fake.AliceID, "upn": "alice.wong@contoso.com", "tid": fake.TenantID,
		"scp":  "User.Read.All AuditLog.Read.All Directory.Read.All Policy.Read.All",
		"wids": []string{fake.RoleSecurityReader}, "exp": Now.Add(24 * 365 * time.Hour).Unix()}
	b, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding
	tok := enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc.EncodeToString(b) + ".c2ln"
	c, err := msgraph.NewClient(msgraph.ClientOptions{Endpoint: srv.URL, Credential: staticToken(tok), ReportsPerTenSeconds: -1})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

type staticToken string

func (s staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(s), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// As is a client on srv acting as an operator (Ivan Petrov's object id)
// with the delegated scopes scp and the directory roles wids: for tests of
// what a given role sees and may do.
func As(tb testing.TB, srv *fake.Server, scp string, wids ...string) graph.Client {
	tb.Helper()
	claims := map[string]any{"oid": fake.IvanID, "upn": fake.IvanUPN, "tid": fake.TenantID,
		"scp": scp, "wids": wids, "exp": Now.Add(24 * 365 * time.Hour).Unix()}
	b, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding
	tok := enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc.EncodeToString(b) + ".c2ln"
	c, err := msgraph.NewClient(msgraph.ClientOptions{Endpoint: srv.URL, Credential: staticToken(tok), ReportsPerTenSeconds: -1})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}
