package graph

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// TokenClaims are the access-token claims mfadesk reads (never verified:
// the token is only inspected to tell the operator what they can do).
type TokenClaims struct {
	TenantID string   `json:"tid"`
	ObjectID string   `json:"oid"`
	UPN      string   `json:"upn"`
	Username string   `json:"preferred_username"`
	Name     string   `json:"name"`
	AppID    string   `json:"appid"`
	AZP      string   `json:"azp"`
	Scope    string   `json:"scp"`
	Roles    []string `json:"roles"`
	WIDs     []string `json:"wids"`
}

// DecodeClaims reads a JWT's payload without verifying it.
func DecodeClaims(token string) (TokenClaims, error) {
	var tc TokenClaims
	parts := strings.Split(token, ".")
	if len(parts) < 2 {
		return tc, errors.New("not a JWT")
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return tc, fmt.Errorf("JWT payload: %w", err)
	}
	if err := json.Unmarshal(b, &tc); err != nil {
		return tc, fmt.Errorf("JWT payload: %w", err)
	}
	return tc, nil
}

func OperatorFromClaims(tc TokenClaims) Operator {
	o := Operator{
		ID:                CleanText(tc.ObjectID),
		DisplayName:       CleanText(tc.Name),
		UserPrincipalName: CleanText(tc.UPN),
		TenantID:          CleanText(tc.TenantID),
		AppID:             CleanText(tc.AppID),
		IsApp:             strings.TrimSpace(tc.Scope) == "",
		AppRoles:          CleanAll(tc.Roles),
		RoleTemplateIDs:   CleanAll(tc.WIDs),
	}
	if o.AppID == "" {
		o.AppID = CleanText(tc.AZP)
	}
	if o.UserPrincipalName == "" && !o.IsApp {
		o.UserPrincipalName = CleanText(tc.Username)
	}
	if !o.IsApp {
		o.Scopes = CleanAll(strings.Fields(tc.Scope))
	}
	if len(o.AppRoles) == 0 {
		o.AppRoles = nil
	}
	if len(o.RoleTemplateIDs) == 0 {
		o.RoleTemplateIDs = nil
	}
	for _, w := range o.RoleTemplateIDs {
		switch n := RoleName(w); n {
		case "User", "Guest User", "Restricted Guest User":
			// every account's base role, not an admin role
		case w:
			o.DirectoryRoles = append(o.DirectoryRoles, "role "+w)
		default:
			o.DirectoryRoles = append(o.DirectoryRoles, n)
		}
	}
	sort.Strings(o.DirectoryRoles)
	return o
}
