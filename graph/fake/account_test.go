package fake

import (
	"testing"
	"time"
)

// PATCH /users/{id} accountEnabled, with each documented refusal
// (api-reference/v1.0/api/user-update.md, beta's note on privileged users,
// "Who can perform sensitive actions").
func TestAccountEnabledRules(t *testing.T) {
	s := start(t, Options{})
	path := func(id string) string { return "/v1.0/users/" + id }
	tok := func(scp string, wids ...string) map[string]string {
		return bearer(map[string]any{"oid": KarenID, "upn": KarenUPN, "tid": TenantID, "scp": scp, "wids": wids,
			"exp": float64(testNow.Add(time.Hour).Unix())})
	}
	off := map[string]any{"accountEnabled": false}
	userAdmin := tok("User.Read.All User.EnableDisableAccount.All", RoleUserAdmin)

	// The narrow permission without User.Read.All: refused.
	expect(t, call(t, s, "PATCH", path(AliceID), tok("User.EnableDisableAccount.All", RoleUserAdmin), off), 403, "Authorization_RequestDenied")
	// No permission that writes accountEnabled: refused.
	expect(t, call(t, s, "PATCH", path(AliceID), tok("User.Read.All User.RevokeSessions.All", RoleUserAdmin), off), 403, "Authorization_RequestDenied")
	// A role without users/disable (Helpdesk Administrator): refused.
	expect(t, call(t, s, "PATCH", path(AliceID), tok("User.Read.All User.EnableDisableAccount.All", RoleHelpdeskAdmin), off), 403, "Authorization_RequestDenied")
	if u, _ := s.Tenant.User(AliceID); !u.AccountEnabled {
		t.Fatal("a refused request changed accountEnabled")
	}
	// A bad body: 400, nothing changed.
	expect(t, call(t, s, "PATCH", path(AliceID), userAdmin, map[string]any{"accountEnabled": "no"}), 400, "Request_BadRequest")
	// The documented pair and a User Administrator: done, and audited.
	expect(t, call(t, s, "PATCH", path(AliceID), userAdmin, off), 204, "")
	if u, _ := s.Tenant.User(AliceID); u.AccountEnabled {
		t.Fatal("accountEnabled still true")
	}
	as := s.Tenant.AuditsFor(AliceID)
	if len(as) == 0 || as[len(as)-1].ActivityDisplayName != "Disable account" {
		t.Fatalf("audits %+v", as)
	}
	expect(t, call(t, s, "PATCH", path(AliceID), userAdmin, map[string]any{"accountEnabled": true}), 204, "")
	if u, _ := s.Tenant.User(AliceID); !u.AccountEnabled {
		t.Fatal("unblock did not enable")
	}
	// A privileged administrator (Carol, Global Administrator): refused
	// without Directory.AccessAsUser.All, even to a Global Administrator.
	ga := tok("User.Read.All User.EnableDisableAccount.All", RoleGlobalAdmin)
	expect(t, call(t, s, "PATCH", path(CarolID), ga, off), 403, "Authorization_RequestDenied")
	expect(t, call(t, s, "PATCH", path(CarolID), tok("User.Read.All User.EnableDisableAccount.All Directory.AccessAsUser.All", RoleGlobalAdmin), off), 204, "")
	// An app: the pair as application permissions; never a privileged user.
	expect(t, call(t, s, "PATCH", path(BobID), appOnly("User.EnableDisableAccount.All", "User.Read.All"), off), 204, "")
	expect(t, call(t, s, "PATCH", path(IvanID), appOnly("User.ReadWrite.All"), off), 403, "Authorization_RequestDenied")
}
