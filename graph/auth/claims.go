package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/mfadesk/mfadesk/graph"
)

// TokenClaims are the access token claims doctor shows. They are decoded,
// never verified: they only describe what the operator may do; Graph
// decides.
type TokenClaims struct {
	graph.TokenClaims
	Audience  string    `json:"-"`
	IssuedAt  time.Time `json:"-"`
	ExpiresOn time.Time `json:"-"`
	// IDType is "app" or "user" when the token says.
	IDType string `json:"idtyp"`
}

// Scopes splits scp.
func (c TokenClaims) Scopes() []string { return strings.Fields(c.Scope) }

// AppOnly reports an application token (no scp).
func (c TokenClaims) AppOnly() bool {
	return c.IDType == "app" || (strings.TrimSpace(c.Scope) == "" && c.IDType != "user")
}

// Claims decodes an access token's payload (scp, roles, wids, tid, oid,
// upn, appid, ...). It is never verified, and the token itself is never
// returned or printed.
func Claims(token string) (TokenClaims, error) {
	var c TokenClaims
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return c, errors.New("the access token is not a JWT (opaque tokens cannot be inspected)")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return c, errors.New("the access token's payload is not base64url")
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return c, errors.New("the access token's payload is not JSON")
	}
	var times struct {
		Aud json.RawMessage `json:"aud"`
		Iat float64         `json:"iat"`
		Exp float64         `json:"exp"`
	}
	_ = json.Unmarshal(payload, &times)
	var aud string
	if json.Unmarshal(times.Aud, &aud) == nil {
		c.Audience = aud
	}
	if times.Iat > 0 {
		c.IssuedAt = time.Unix(int64(times.Iat), 0)
	}
	if times.Exp > 0 {
		c.ExpiresOn = time.Unix(int64(times.Exp), 0)
	}
	for _, p := range []*string{&c.TenantID, &c.ObjectID, &c.UPN, &c.Username, &c.Name, &c.AppID, &c.AZP, &c.Scope, &c.IDType} {
		*p = graph.CleanText(*p)
	}
	for i := range c.Roles {
		c.Roles[i] = graph.CleanText(c.Roles[i])
	}
	for i := range c.WIDs {
		c.WIDs[i] = graph.CleanText(c.WIDs[i])
	}
	return c, nil
}

// TokenClaimsFor gets a token for scopes and decodes it: what doctor shows.
// Errors never include the token.
func TokenClaimsFor(ctx context.Context, cred azcore.TokenCredential, scopes []string) (TokenClaims, error) {
	tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: scopes})
	if err != nil {
		return TokenClaims{}, fmt.Errorf("sign-in: %w", err)
	}
	return Claims(tok.Token)
}
