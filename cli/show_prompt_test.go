package cli

import (
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph/fake"
)

// TestShowSystemPreferred: show says which method Entra prompts for when
// system-preferred MFA is on and picks another than the default.
func TestShowSystemPreferred(t *testing.T) {
	srv := startTenant(t)
	o := runOpts{endpoint: srv.URL}
	srv.Tenant.Update("alice@contoso.com", func(u *fake.UserData) {
		u.SystemPreferredEnabled = true
		u.PreferredMethod = "sms"
	})
	r := runCLI(t, o, "show", "alice@contoso.com")
	if r.code != 0 {
		t.Fatal(r)
	}
	if !strings.Contains(r.stdout, "Entra prompts") || !strings.Contains(r.stdout, "the default method is not used") ||
		!strings.Contains(r.stdout, "prompted") || !strings.Contains(r.stdout, "default, not used") {
		t.Fatalf("on:\n%s", r.stdout)
	}
	srv.Tenant.Update("alice@contoso.com", func(u *fake.UserData) { u.SystemPreferredEnabled = false })
	r = runCLI(t, o, "show", "alice@contoso.com")
	if strings.Contains(r.stdout, "Entra prompts") || strings.Contains(r.stdout, "prompted") {
		t.Fatalf("off:\n%s", r.stdout)
	}
}
