package fake

import (
	"strings"
	"testing"
	"time"
)

func resetPath(userID string) string {
	return "/v1.0/users/" + userID + "/authentication/methods/" + PasswordMethodID + "/resetPassword"
}

// follow GETs the Location of a 202 with hdr.
func follow(t *testing.T, s *Server, r reply, hdr map[string]string) reply {
	t.Helper()
	loc := r.header.Get("Location")
	if !strings.HasPrefix(loc, s.URL+"/v1.0/users/") || !strings.Contains(loc, "/authentication/operations/") {
		t.Fatalf("Location %q", loc)
	}
	return get(t, s, loc, hdr)
}

// The documented flow: 202 with a Location (no body when the caller chose
// the password), the operation ends succeeded, the password is the user's
// and the audit log says so.
func TestResetPasswordAccepted(t *testing.T) {
	s := start(t, Options{Users: 5})
	r := call(t, s, "POST", resetPath(BobID), nil, map[string]any{"newPassword": "Tq4#mZ8!rW2p"})
	expect(t, r, 202, "")
	if len(r.raw) != 0 {
		t.Errorf("a body with a caller's password: %s", r.raw)
	}
	op := follow(t, s, r, nil)
	expect(t, op, 200, "")
	if op.body["status"] != "succeeded" || op.body["id"] == "" {
		t.Errorf("operation %v", op.body)
	}
	if pw, _ := s.Tenant.Password(BobID); pw != "Tq4#mZ8!rW2p" {
		t.Errorf("tenant holds %q", pw)
	}
	found := false
	for _, a := range s.Tenant.AuditsFor(BobID) {
		found = found || a.ActivityDisplayName == "Reset password (by admin)"
	}
	if !found {
		t.Error("no audit event")
	}

	// Without newPassword, Graph generates one and returns it.
	r = call(t, s, "POST", resetPath(AliceID), nil, nil)
	expect(t, r, 202, "")
	gen, _ := r.body["newPassword"].(string)
	if gen == "" || !strings.HasSuffix(r.body["@odata.context"].(string), "$metadata#microsoft.graph.passwordResetResponse") {
		t.Fatalf("generated: %s", r.raw)
	}
	if pw, _ := s.Tenant.Password(AliceID); pw != gen {
		t.Errorf("tenant holds %q, returned %q", pw, gen)
	}
}

func TestResetPasswordRules(t *testing.T) {
	s := start(t, Options{Users: 5})
	for _, pw := range []string{"short1A", "alllowercaseletters", "Password123!", "Контоso123!x"} {
		expect(t, call(t, s, "POST", resetPath(BobID), nil, map[string]any{"newPassword": pw}), 400, "badRequest")
	}
	// Another method's id is not the password.
	expect(t, call(t, s, "POST", "/v1.0/users/"+BobID+"/authentication/methods/3179e48a-750b-4051-897c-87b9720928f7/resetPassword",
		nil, map[string]any{"newPassword": "Tq4#mZ8!rW2p"}), 404, "itemNotFound")
	expect(t, get(t, s, resetPath(BobID), nil), 405, "")
	if _, ok := s.Tenant.Password(BobID); ok {
		t.Fatal("a refused reset set the password")
	}

	helpdesk := delegated(LiamID, LiamUPN, RoleHelpdeskAdmin)
	// "Who can reset passwords": a Helpdesk Administrator may not reset a
	// Global Administrator's password; 403 with the methods APIs' body.
	r := call(t, s, "POST", resetPath(CarolID), helpdesk, map[string]any{"newPassword": "Tq4#mZ8!rW2p"})
	expect(t, r, 403, "accessDenied")
	if r.errMessage() != "Request Authorization failed" {
		t.Errorf("message %q", r.errMessage())
	}
	// A plain user's, yes; its operation's page names no helpdesk role.
	r = call(t, s, "POST", resetPath(BobID), helpdesk, map[string]any{"newPassword": "Tq4#mZ8!rW2p"})
	expect(t, r, 202, "")
	expect(t, follow(t, s, r, helpdesk), 403, "accessDenied")
	// Never one's own; never an app.
	expect(t, call(t, s, "POST", resetPath(LiamID), delegated(LiamID, LiamUPN, RolePrivilegedAuthAdmin),
		map[string]any{"newPassword": "Tq4#mZ8!rW2p"}), 403, "accessDenied")
	expect(t, call(t, s, "POST", resetPath(BobID), appOnly("UserAuthenticationMethod.ReadWrite.All"),
		map[string]any{"newPassword": "Tq4#mZ8!rW2p"}), 403, "Authorization_RequestDenied")
	// No scope: refused.
	noScope := bearer(map[string]any{"oid": LiamID, "upn": LiamUPN, "tid": TenantID, "scp": "User.Read.All",
		"wids": []string{RoleGlobalAdmin}, "exp": float64(testNow.Add(time.Hour).Unix())})
	expect(t, call(t, s, "POST", resetPath(BobID), noScope, map[string]any{"newPassword": "Tq4#mZ8!rW2p"}), 403, "accessDenied")
}

// The operation runs, then ends; Retry-After goes with the 202 and each
// running answer; a failed reset says why and changes nothing.
func TestResetPasswordOperation(t *testing.T) {
	s := start(t, Options{Users: 5})
	s.Tenant.SetPasswordResetProgress(2, 3*time.Second)
	r := call(t, s, "POST", resetPath(BobID), nil, map[string]any{"newPassword": "Tq4#mZ8!rW2p"})
	expect(t, r, 202, "")
	if r.header.Get("Retry-After") != "3" {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	for i, want := range []string{"running", "running", "succeeded", "succeeded"} {
		op := follow(t, s, r, nil)
		if op.body["status"] != want {
			t.Fatalf("poll %d: %v", i, op.body)
		}
		if ra := op.header.Get("Retry-After"); (want == "running") != (ra == "3") {
			t.Errorf("poll %d Retry-After %q", i, ra)
		}
	}
	s.Tenant.SetPasswordResetProgress(0, 0)
	s.Tenant.FailNextPasswordReset("The password could not be written back to on-premises Active Directory.")
	r = call(t, s, "POST", resetPath(AliceID), nil, map[string]any{"newPassword": "Tq4#mZ8!rW2p"})
	op := follow(t, s, r, nil)
	if op.body["status"] != "failed" || !strings.Contains(op.body["statusDetail"].(string), "written back") {
		t.Fatalf("failed operation: %v", op.body)
	}
	if _, ok := s.Tenant.Password(AliceID); ok {
		t.Error("a failed reset set the password")
	}
	// Another user's operation is not found under this one.
	expect(t, get(t, s, strings.Replace(r.header.Get("Location"), AliceID, BobID, 1), nil), 404, "itemNotFound")
}
