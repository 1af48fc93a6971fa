package cli

import (
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph/fake"
)

// noDefaults clears every user's default method: Graph refuses to delete a
// default while a kept method (FIDO2) stays, and the tests that call this
// are about something else.
func noDefaults(srv *fake.Server) {
	for _, id := range srv.Tenant.UserIDs() {
		srv.Tenant.Update(id, func(u *fake.UserData) { u.PreferredMethod = "none" })
	}
}

// Re-registration keeps the FIDO2 key, so the default Authenticator could
// not be deleted and no kept method can be the default: refused before any
// change, saying why (nothing deleted, nothing revoked).
func TestReregisterRefusedWhenDefaultCannotGo(t *testing.T) {
	srv := startTenant(t)
	before, _ := srv.Tenant.User(aliceID)
	r := runCLI(t, runOpts{endpoint: srv.URL}, "reregister", "alice@contoso.com", "--yes")
	if r.code == 0 || !strings.Contains(r.stdout+r.stderr, "default method") {
		t.Fatalf("not refused: %v", r)
	}
	after, _ := srv.Tenant.User(aliceID)
	if len(after.Methods) != len(before.Methods) || !after.SignInSessionsValidFrom.Equal(before.SignInSessionsValidFrom) {
		t.Fatalf("changed before refusing: %d -> %d methods, sessions %v -> %v", len(before.Methods), len(after.Methods),
			before.SignInSessionsValidFrom, after.SignInSessionsValidFrom)
	}
}
