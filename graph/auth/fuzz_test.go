package auth

import (
	"encoding/base64"
	"strings"
	"testing"
)

// FuzzClaims: any string decodes or fails cleanly, and what decodes is safe
// to print (no escape or control characters from a hostile token).
func FuzzClaims(f *testing.F) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, seed := range []string{
		"", "a.b.c", "eyJ.eyJ.x",
		"h." + enc(`{"scp":"User.Read","wids":["x"],"exp":1}`) + ".s",
		"h." + enc(`{"upn":"a\u001b]52;c;AAAA\u0007","roles":["\u202eevil"],"aud":["a","b"]}`) + ".s",
		"h." + enc(`{"exp":"soon","iat":1e400}`) + ".s",
		"h." + enc(`[1,2,3]`) + ".s",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := Claims(tok)
		if err != nil {
			if strings.Contains(err.Error(), tok) && len(tok) > 8 {
				t.Fatalf("error repeats the token: %v", err)
			}
			return
		}
		for _, s := range append(append([]string{c.UPN, c.Name, c.TenantID, c.Scope, c.AppID}, c.Roles...), c.WIDs...) {
			if strings.ContainsAny(s, "\x1b\x07\u202e") {
				t.Fatalf("unclean claim %q", s)
			}
		}
		_ = c.Scopes()
		_ = c.AppOnly()
	})
}
