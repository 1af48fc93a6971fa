package fake

import (
	"strings"
	"testing"
	"time"
)

func methodsPath(user string) string { return "/v1.0/users/" + user + "/authentication/" }

func TestListMethods(t *testing.T) {
	s := start(t, Options{})
	r := get(t, s, methodsPath(AliceID)+"methods", nil)
	expect(t, r, 200, "")
	types := map[string]bool{}
	for _, v := range r.values() {
		typ, ok := v["@odata.type"].(string)
		if !ok || !strings.HasPrefix(typ, "#microsoft.graph.") {
			t.Errorf("method without @odata.type: %v", v)
		}
		types[typ] = true
	}
	for _, want := range []string{"passwordAuthenticationMethod", "microsoftAuthenticatorAuthenticationMethod", "phoneAuthenticationMethod", "softwareOathAuthenticationMethod"} {
		if !types["#microsoft.graph."+want] {
			t.Errorf("Alice lacks %s: %v", want, types)
		}
	}
	if r.values()[0]["id"] != PasswordMethodID {
		t.Errorf("password method id: %v", r.values()[0])
	}
	// per-kind phone list omits @odata.type, as Graph's does
	r = get(t, s, methodsPath(AliceID)+"phoneMethods", nil)
	if len(r.values()) != 2 {
		t.Fatalf("phones: %s", r.raw)
	}
	for _, v := range r.values() {
		if _, ok := v["@odata.type"]; ok {
			t.Errorf("phoneMethods item carries @odata.type: %v", v)
		}
		if v["phoneNumber"] == "" || v["phoneType"] == "" {
			t.Errorf("phone: %v", v)
		}
	}
	// one method by kind and id, and by the generic path
	expect(t, get(t, s, methodsPath(AliceID)+"phoneMethods/"+MobilePhoneID, nil), 200, "")
	r = get(t, s, methodsPath(AliceID)+"methods/"+MobilePhoneID, nil)
	if r.body["@odata.type"] != "#microsoft.graph.phoneAuthenticationMethod" {
		t.Errorf("generic get: %s", r.raw)
	}
	expect(t, get(t, s, methodsPath(AliceID)+"fido2Methods/"+MobilePhoneID, nil), 404, "itemNotFound")
	expect(t, get(t, s, methodsPath("nobody")+"methods", nil), 404, "Request_ResourceNotFound")

	// every kind renders with Graph's property names
	r = get(t, s, methodsPath(ErinID)+"methods", nil)
	var passkey bool
	for _, v := range r.values() {
		if v["model"] == passkeyAuthenticatorIOS {
			passkey = true
		}
	}
	if !passkey {
		t.Errorf("Erin's Authenticator passkey missing: %s", r.raw)
	}
	r = get(t, s, methodsPath(HenryID)+"methods", nil)
	var tap, email map[string]any
	for _, v := range r.values() {
		switch v["@odata.type"] {
		case "#microsoft.graph.temporaryAccessPassAuthenticationMethod":
			tap = v
		case "#microsoft.graph.emailAuthenticationMethod":
			email = v
		}
	}
	if tap == nil || tap["temporaryAccessPass"] != nil || tap["isUsable"] != true || tap["lifetimeInMinutes"] != 480.0 {
		t.Errorf("Henry's TAP: %v", tap)
	}
	if email == nil || email["emailAddress"] == "" {
		t.Errorf("Henry's email: %v", email)
	}
	// a guest has no methods here
	r = get(t, s, methodsPath(GraceID)+"methods", nil)
	if len(r.values()) != 0 {
		t.Errorf("guest methods: %s", r.raw)
	}
}

func TestDeleteRules(t *testing.T) {
	s := start(t, Options{})
	alice := methodsPath(AliceID)
	authID := methodOf(s.Tenant.Methods(AliceID), KindAuthenticator).ID
	oathID := methodOf(s.Tenant.Methods(AliceID), KindSoftwareOath).ID

	// the password stays
	r := call(t, s, "DELETE", alice+"passwordMethods/"+PasswordMethodID, nil, nil)
	expect(t, r, 400, "badRequest")
	// the default (Authenticator, push) waits for the others
	r = call(t, s, "DELETE", alice+"microsoftAuthenticatorMethods/"+authID, nil, nil)
	expect(t, r, 400, "badRequest")
	if r.errMessage() != "Cannot delete default method with other methods configured. Please change default method before deletion." {
		t.Errorf("message %q", r.errMessage())
	}
	// the mobile waits for the alternate mobile
	expect(t, call(t, s, "DELETE", alice+"phoneMethods/"+MobilePhoneID, nil, nil), 400, "badRequest")
	// wrong kind segment for an id
	expect(t, call(t, s, "DELETE", alice+"fido2Methods/"+oathID, nil, nil), 404, "itemNotFound")
	expect(t, call(t, s, "DELETE", alice+"softwareOathMethods/no-such-id", nil, nil), 404, "itemNotFound")

	// the order Graph accepts
	for _, p := range []string{"phoneMethods/" + AlternateMobilePhoneID, "phoneMethods/" + MobilePhoneID, "softwareOathMethods/" + oathID} {
		expect(t, call(t, s, "DELETE", alice+p, nil, nil), 204, "")
	}
	expect(t, call(t, s, "DELETE", alice+"phoneMethods/"+MobilePhoneID, nil, nil), 404, "itemNotFound")
	// now the default is alone with the password
	expect(t, call(t, s, "DELETE", alice+"microsoftAuthenticatorMethods/"+authID, nil, nil), 204, "")

	ms := s.Tenant.Methods(AliceID)
	if len(ms) != 1 || ms[0].Kind != KindPassword {
		t.Fatalf("left over: %+v", ms)
	}
	u, _ := s.Tenant.User(AliceID)
	if u.PreferredMethod != "none" || s.Tenant.DefaultMethodID(AliceID) != "" {
		t.Errorf("preferred %q after deleting the default", u.PreferredMethod)
	}
	reg := get(t, s, "/v1.0/reports/authenticationMethods/userRegistrationDetails/"+AliceID, nil)
	if reg.body["isMfaRegistered"] != false || len(reg.body["methodsRegistered"].([]any)) != 0 ||
		reg.body["userPreferredMethodForSecondaryAuthentication"] != "none" || reg.body["lastUpdatedDateTime"] != "2026-03-10T12:00:00Z" {
		t.Errorf("registration after reset: %s", reg.raw)
	}
	if st := s.Tenant.Stats(); st.Deletes != 4 || st.DeletesByKind[KindPhone] != 2 {
		t.Errorf("stats: %+v", st)
	}
	// every delete is audited with the operator as initiator
	audits := s.Tenant.AuditsFor(AliceID)
	n := 0
	for _, a := range audits {
		if a.ActivityDateTime.Equal(testNow) {
			n++
			if a.InitiatedBy.UserPrincipalName != DemoOperatorUPN || a.Targets[0].ID != AliceID || a.Result != "success" {
				t.Errorf("audit %+v", a)
			}
		}
	}
	if n != 4 {
		t.Errorf("%d audits for 4 deletes", n)
	}
}

func TestRoleRules(t *testing.T) {
	s := start(t, Options{})
	ivan := delegated(IvanID, IvanUPN, RoleAuthAdmin)           // Authentication Administrator
	judy := delegated(JudyID, JudyUPN, RolePrivilegedAuthAdmin) // Privileged Authentication Administrator
	karen := delegated(KarenID, KarenUPN, RoleSecurityReader, RoleReportsReader)
	reader := delegated(KarenID, KarenUPN, RoleGlobalReader)
	carolFido := methodOf(s.Tenant.Methods(CarolID), KindFIDO2).ID

	// AA on an admin (Carol, Global Administrator): 403 accessDenied
	r := call(t, s, "DELETE", methodsPath(CarolID)+"fido2Methods/"+carolFido, ivan, nil)
	expect(t, r, 403, "accessDenied")
	expect(t, call(t, s, "POST", methodsPath(CarolID)+"temporaryAccessPassMethods", ivan, map[string]any{}), 403, "accessDenied")
	expect(t, call(t, s, "POST", "/v1.0/users/"+CarolID+"/revokeSignInSessions", ivan, map[string]any{}), 403, "Authorization_RequestDenied")
	// ... but AA may still read the admin's methods
	expect(t, get(t, s, methodsPath(CarolID)+"methods", ivan), 200, "")
	// AA on a non-admin: fine
	expect(t, call(t, s, "DELETE", methodsPath(AliceID)+"softwareOathMethods/"+methodOf(s.Tenant.Methods(AliceID), KindSoftwareOath).ID, ivan, nil), 204, "")
	// AA on another AA: allowed (a limited role)
	expect(t, call(t, s, "POST", "/v1.0/users/"+IvanID+"/revokeSignInSessions", ivan, map[string]any{}), 200, "")
	// PAA on the admin: fine
	expect(t, call(t, s, "DELETE", methodsPath(CarolID)+"fido2Methods/"+carolFido, judy, nil), 204, "")
	// the audit names the real operator
	as := s.Tenant.AuditsFor(CarolID)
	last := as[len(as)-1]
	if last.InitiatedBy.UserID != JudyID || last.InitiatedBy.UserPrincipalName != JudyUPN || last.ActivityDisplayName != "Delete Fido2 security key" {
		t.Errorf("audit: %+v", last)
	}

	// AA sees masked phone numbers; PAA the full number
	r = get(t, s, methodsPath(BobID)+"phoneMethods", ivan)
	if n := r.values()[0]["phoneNumber"].(string); n != "+1 XXXXXXXX42" {
		t.Errorf("masked number %q", n)
	}
	r = get(t, s, methodsPath(BobID)+"phoneMethods", judy)
	if n := r.values()[0]["phoneNumber"].(string); n != "+1 3125550142" {
		t.Errorf("PAA number %q", n)
	}

	// Global Reader reads methods but cannot write
	expect(t, get(t, s, methodsPath(BobID)+"methods", reader), 200, "")
	expect(t, call(t, s, "DELETE", methodsPath(BobID)+"phoneMethods/"+MobilePhoneID, reader, nil), 403, "accessDenied")
	// Security Reader: no method access, but sign-ins and audits
	expect(t, get(t, s, methodsPath(BobID)+"methods", karen), 403, "accessDenied")
	expect(t, get(t, s, "/v1.0/auditLogs/signIns?$filter="+q("userId eq '"+BobID+"'"), karen), 200, "")
	expect(t, get(t, s, "/v1.0/reports/authenticationMethods/userRegistrationDetails", karen), 200, "")
	// AA cannot read sign-in logs (not one of the log reader roles)
	expect(t, get(t, s, "/v1.0/auditLogs/signIns", ivan), 403, "Authentication_RequestFromUnsupportedUserRole")

	// scopes: a token without UserAuthenticationMethod.* gets 403 on methods
	noScope := bearer(map[string]any{"oid": JudyID, "upn": JudyUPN, "scp": "User.Read.All", "wids": []string{RolePrivilegedAuthAdmin}})
	expect(t, get(t, s, methodsPath(BobID)+"methods", noScope), 403, "accessDenied")
	expect(t, get(t, s, "/v1.0/users/"+BobID, noScope), 200, "")
	expect(t, get(t, s, "/v1.0/auditLogs/signIns", noScope), 403, "Authorization_RequestDenied")
	userScopeless := bearer(map[string]any{"oid": JudyID, "scp": "Mail.Send", "wids": []string{RolePrivilegedAuthAdmin}})
	r = get(t, s, "/v1.0/users", userScopeless)
	expect(t, r, 403, "Authorization_RequestDenied")
	if r.errMessage() != "Insufficient privileges to complete the operation." {
		t.Errorf("%q", r.errMessage())
	}
	// read scope cannot write
	readOnly := bearer(map[string]any{"oid": JudyID, "scp": "UserAuthenticationMethod.Read.All", "wids": []string{RolePrivilegedAuthAdmin}})
	expect(t, get(t, s, methodsPath(BobID)+"methods", readOnly), 200, "")
	expect(t, call(t, s, "DELETE", methodsPath(BobID)+"phoneMethods/"+MobilePhoneID, readOnly, nil), 403, "accessDenied")

	// app-only: app roles count and directory roles don't
	app := appOnly("UserAuthenticationMethod.ReadWrite.All", "User.Read.All", "AuditLog.Read.All")
	expect(t, get(t, s, methodsPath(CarolID)+"methods", app), 200, "")
	r = call(t, s, "POST", methodsPath(CarolID)+"temporaryAccessPassMethods", app, map[string]any{"lifetimeInMinutes": 30})
	expect(t, r, 201, "")
	as = s.Tenant.AuditsFor(CarolID)
	if a := as[len(as)-1]; a.InitiatedBy.AppID != "11111111-2222-4333-8444-555555555555" || a.InitiatedBy.UserID != "" {
		t.Errorf("app audit initiator: %+v", a.InitiatedBy)
	}
	expect(t, call(t, s, "POST", "/v1.0/users/"+CarolID+"/revokeSignInSessions", app, map[string]any{}), 403, "Authorization_RequestDenied")

	// a user reads their own methods without a role
	self := delegated(DaveID, DaveUPN)
	expect(t, get(t, s, "/v1.0/me/authentication/methods", self), 200, "")
	expect(t, get(t, s, methodsPath(AliceID)+"methods", self), 403, "accessDenied")
}

func TestTAP(t *testing.T) {
	s := start(t, Options{})
	path := methodsPath(DaveID) + "temporaryAccessPassMethods"
	r := call(t, s, "POST", path, nil, map[string]any{"lifetimeInMinutes": 120, "isUsableOnce": true})
	expect(t, r, 201, "")
	v1, _ := r.body["temporaryAccessPass"].(string)
	if len(v1) != 8 || r.body["isUsableOnce"] != true || r.body["lifetimeInMinutes"] != 120.0 || r.body["isUsable"] != true ||
		r.body["methodUsabilityReason"] != "EnabledByPolicy" || r.body["@odata.type"] != "#microsoft.graph.temporaryAccessPassAuthenticationMethod" {
		t.Fatalf("TAP: %s", r.raw)
	}
	if !strings.Contains(r.body["@odata.context"].(string), "temporaryAccessPassMethods/$entity") {
		t.Errorf("context %v", r.body["@odata.context"])
	}
	// shown once: the list has it without the value
	l := get(t, s, methodsPath(DaveID)+"methods", nil)
	found := 0
	for _, v := range l.values() {
		if v["@odata.type"] == "#microsoft.graph.temporaryAccessPassAuthenticationMethod" {
			found++
			if v["temporaryAccessPass"] != nil || v["id"] != r.body["id"] {
				t.Errorf("listed TAP: %v", v)
			}
		}
	}
	if found != 1 {
		t.Fatalf("%d TAPs listed", found)
	}
	// a new one replaces it
	r2 := call(t, s, "POST", path, nil, map[string]any{"lifetimeInMinutes": 60, "startDateTime": testNow.Add(24 * time.Hour).Format(time.RFC3339)})
	expect(t, r2, 201, "")
	if r2.body["isUsable"] != false || r2.body["methodUsabilityReason"] != "NotYetValid" {
		t.Errorf("future TAP: %s", r2.raw)
	}
	taps := 0
	for _, m := range s.Tenant.Methods(DaveID) {
		if m.Kind == KindTAP {
			taps++
			if m.ID != r2.body["id"] {
				t.Errorf("old TAP kept")
			}
		}
	}
	if taps != 1 {
		t.Errorf("%d TAPs", taps)
	}
	// registration shows it
	reg := get(t, s, "/v1.0/reports/authenticationMethods/userRegistrationDetails/"+DaveID, nil)
	if !strings.Contains(string(reg.raw), `"temporaryAccessPass"`) {
		t.Errorf("registration: %s", reg.raw)
	}
	// body-less POST uses the policy defaults
	r = call(t, s, "POST", methodsPath(BobID)+"temporaryAccessPassMethods", nil, nil)
	expect(t, r, 201, "")
	if r.body["lifetimeInMinutes"] != 60.0 || r.body["isUsableOnce"] != false {
		t.Errorf("defaults: %s", r.raw)
	}
	for _, lt := range []int{9, 43201, -1} {
		expect(t, call(t, s, "POST", path, nil, map[string]any{"lifetimeInMinutes": lt}), 400, "badRequest")
	}
	expect(t, call(t, s, "POST", path, nil, map[string]any{"startDateTime": testNow.Add(-24 * time.Hour).Format(time.RFC3339)}), 400, "badRequest")
	expect(t, call(t, s, "POST", methodsPath(GraceID)+"temporaryAccessPassMethods", nil, map[string]any{}), 400, "badRequest")
	var audited bool
	for _, a := range s.Tenant.AuditsFor(DaveID) {
		audited = audited || a.ActivityDisplayName == "Admin registered temporary access pass method for user"
	}
	if !audited {
		t.Error("TAP not audited")
	}

	off := start(t, Options{TAPDisabled: true})
	r = call(t, off, "POST", methodsPath(DaveID)+"temporaryAccessPassMethods", nil, map[string]any{})
	expect(t, r, 400, "badRequest")
	if !strings.HasPrefix(r.errMessage(), "Converged UserCredentialPolicy does not allow creating or updating this authentication method") {
		t.Errorf("%q", r.errMessage())
	}
	// the TAP value never shows up in the tenant's stored state or audit
	for _, a := range s.Tenant.Audits() {
		for _, tr := range a.Targets {
			for _, p := range tr.ModifiedProperties {
				if strings.Contains(p.NewValue, v1) {
					t.Error("TAP value in the audit log")
				}
			}
		}
	}
}

func TestRevoke(t *testing.T) {
	s := start(t, Options{})
	before, _ := s.Tenant.User(AliceID)
	r := call(t, s, "POST", "/v1.0/users/"+AliceID+"/revokeSignInSessions", nil, map[string]any{})
	expect(t, r, 200, "")
	if r.body["value"] != true || !strings.HasSuffix(r.body["@odata.context"].(string), "$metadata#Edm.Boolean") {
		t.Errorf("revoke: %s", r.raw)
	}
	after := get(t, s, "/v1.0/users/"+AliceID+"?$select=signInSessionsValidFromDateTime", nil)
	if after.body["signInSessionsValidFromDateTime"] != "2026-03-10T12:00:00Z" || before.SignInSessionsValidFrom.Equal(testNow) {
		t.Errorf("signInSessionsValidFromDateTime %v", after.body)
	}
	as := s.Tenant.AuditsFor(AliceID)
	if a := as[len(as)-1]; a.ActivityDisplayName != "Invalidate all refresh tokens for user" {
		t.Errorf("audit %+v", a)
	}
	// a guest: success, nothing changes
	g0, _ := s.Tenant.User(GraceID)
	expect(t, call(t, s, "POST", "/v1.0/users/"+GraceID+"/revokeSignInSessions", nil, map[string]any{}), 200, "")
	g1, _ := s.Tenant.User(GraceID)
	if !g0.SignInSessionsValidFrom.Equal(g1.SignInSessionsValidFrom) {
		t.Error("guest sessions changed")
	}
	expect(t, call(t, s, "POST", "/v1.0/users/nobody/revokeSignInSessions", nil, map[string]any{}), 404, "Request_ResourceNotFound")
	expect(t, get(t, s, "/v1.0/users/"+AliceID+"/revokeSignInSessions", nil), 405, "")
}

func TestPerUserMFA(t *testing.T) {
	s := start(t, Options{})
	req := func(id string) string { return "/beta/users/" + id + "/authentication/requirements" }
	r := get(t, s, req(CarolID), nil)
	expect(t, r, 200, "")
	if r.body["perUserMfaState"] != "enforced" || !strings.Contains(r.body["@odata.context"].(string), "/beta/$metadata#users('"+CarolID+"')/authentication/requirements") {
		t.Errorf("carol: %s", r.raw)
	}
	// enabled for a user with a registered method becomes enforced
	expect(t, call(t, s, "PATCH", req(AliceID), nil, map[string]any{"perUserMfaState": "enabled"}), 204, "")
	if st := s.Tenant.PerUserMFA(AliceID); st != "enforced" {
		t.Errorf("alice %q", st)
	}
	// ... and stays enabled for one without
	expect(t, call(t, s, "PATCH", req(DaveID), nil, map[string]any{"perUserMfaState": "enabled"}), 204, "")
	if st := s.Tenant.PerUserMFA(DaveID); st != "enabled" {
		t.Errorf("dave %q", st)
	}
	expect(t, call(t, s, "PATCH", req(CarolID), nil, map[string]any{"perUserMfaState": "disabled"}), 204, "")
	if r := get(t, s, req(CarolID), nil); r.body["perUserMfaState"] != "disabled" {
		t.Errorf("carol after: %s", r.raw)
	}
	expect(t, call(t, s, "PATCH", req(CarolID), nil, map[string]any{"perUserMfaState": "on"}), 400, "badRequest")
	expect(t, call(t, s, "PATCH", req(CarolID), nil, nil), 400, "BadRequest")
	// AA on an admin
	expect(t, call(t, s, "PATCH", req(CarolID), delegated(IvanID, IvanUPN, RoleAuthAdmin), map[string]any{"perUserMfaState": "enforced"}), 403, "accessDenied")
	as := s.Tenant.AuditsFor(DaveID)
	if a := as[len(as)-1]; a.ActivityDisplayName != "Update per-user MFA state" || a.Targets[0].ModifiedProperties[0].NewValue != `"enabled"` {
		t.Errorf("audit %+v", a)
	}
}

func TestSignInPreferences(t *testing.T) {
	s := start(t, Options{})
	p := "/beta/users/" + AliceID + "/authentication/signInPreferences"
	r := get(t, s, p, nil)
	expect(t, r, 200, "")
	if r.body["userPreferredMethodForSecondaryAuthentication"] != "push" || r.body["isSystemPreferredAuthenticationMethodEnabled"] != false {
		t.Errorf("%s", r.raw)
	}
	// no backing method: refused
	expect(t, call(t, s, "PATCH", p, nil, map[string]any{"userPreferredMethodForSecondaryAuthentication": "voiceOffice"}), 400, "badRequest")
	expect(t, call(t, s, "PATCH", p, nil, map[string]any{"userPreferredMethodForSecondaryAuthentication": "carrierPigeon"}), 400, "badRequest")
	// switch the default to SMS: the Authenticator is no longer the default
	expect(t, call(t, s, "PATCH", p, nil, map[string]any{"userPreferredMethodForSecondaryAuthentication": "sms"}), 204, "")
	if s.Tenant.DefaultMethodID(AliceID) != MobilePhoneID {
		t.Errorf("default %q", s.Tenant.DefaultMethodID(AliceID))
	}
	authID := methodOf(s.Tenant.Methods(AliceID), KindAuthenticator).ID
	expect(t, call(t, s, "DELETE", methodsPath(AliceID)+"microsoftAuthenticatorMethods/"+authID, nil, nil), 204, "")
	reg := get(t, s, "/beta/reports/authenticationMethods/userRegistrationDetails/"+AliceID, nil)
	if reg.body["userPreferredMethodForSecondaryAuthentication"] != "sms" || reg.body["defaultMfaMethod"] != "sms" {
		t.Errorf("registration: %s", reg.raw)
	}
}

func TestSendMail(t *testing.T) {
	s := start(t, Options{})
	msg := map[string]any{"message": map[string]any{
		"subject":      "Your MFA was reset",
		"body":         map[string]any{"contentType": "Text", "content": "Please register again."},
		"toRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": AliceUPN}}},
	}, "saveToSentItems": false}
	expect(t, call(t, s, "POST", "/v1.0/me/sendMail", nil, msg), 202, "")
	expect(t, call(t, s, "POST", "/v1.0/users/helpdesk@contoso.com/sendMail", nil, msg), 404, "ErrorInvalidUser")
	expect(t, call(t, s, "POST", "/v1.0/users/"+IvanUPN+"/sendMail", nil, msg), 202, "")
	expect(t, call(t, s, "POST", "/v1.0/me/sendMail", nil, map[string]any{"message": map[string]any{"subject": "x"}}), 400, "ErrorInvalidRecipients")
	expect(t, call(t, s, "POST", "/v1.0/me/sendMail", bearer(map[string]any{"oid": IvanID, "scp": "User.Read"}), msg), 403, "Authorization_RequestDenied")
	sent := s.Tenant.SentMail()
	if len(sent) != 2 || sent[0].From != DemoOperatorUPN || sent[0].To[0] != AliceUPN || sent[0].Subject != "Your MFA was reset" ||
		sent[0].Body != "Please register again." || sent[0].SaveToSentItems || sent[1].From != IvanUPN {
		t.Errorf("sent: %+v", sent)
	}
}

// TestPermissionTable: one request per row of the Permissions table, with
// just enough (or just too little) scope and role.
func TestPermissionTable(t *testing.T) {
	s := start(t, Options{})
	tok := func(scp string, wids ...string) map[string]string {
		return bearer(map[string]any{"oid": KarenID, "upn": KarenUPN, "scp": scp, "wids": wids})
	}
	reqs := "/beta/users/" + BobID + "/authentication/requirements"
	tests := []struct {
		name, method, path string
		hdr                map[string]string
		body               any
		want               int
	}{
		{"users basic", "GET", "/v1.0/users?$top=1", tok("User.ReadBasic.All"), nil, 200},
		{"users none", "GET", "/v1.0/users?$top=1", tok("Mail.Send"), nil, 403},
		{"methods GR", "GET", methodsPath(BobID) + "methods", tok("UserAuthenticationMethod.Read.All", RoleGlobalReader), nil, 200},
		{"methods helpdesk", "GET", methodsPath(BobID) + "methods", tok("UserAuthenticationMethod.Read.All", RoleHelpdeskAdmin), nil, 403},
		{"signins Directory.Read.All", "GET", "/v1.0/auditLogs/signIns?$top=1", tok("Directory.Read.All", RoleReportsReader), nil, 200},
		{"signins security operator", "GET", "/v1.0/auditLogs/signIns?$top=1", tok("AuditLog.Read.All", RoleSecurityOperator), nil, 200},
		{"audit GA", "GET", "/v1.0/auditLogs/directoryAudits?$top=1", tok("AuditLog.Read.All", RoleGlobalAdmin), nil, 200},
		{"audit no role", "GET", "/v1.0/auditLogs/directoryAudits?$top=1", tok("AuditLog.Read.All", roleDefaultUserTemplate), nil, 403},
		// no wids claim: the directory's own roles count (Karen is a Security Reader)
		{"audit roles from directory", "GET", "/v1.0/auditLogs/directoryAudits?$top=1", bearer(map[string]any{"oid": KarenID, "scp": "AuditLog.Read.All"}), nil, 200},
		{"audit no role in directory", "GET", "/v1.0/auditLogs/directoryAudits?$top=1", bearer(map[string]any{"oid": DaveID, "scp": "AuditLog.Read.All"}), nil, 403},
		{"report UAM scope", "GET", "/v1.0/reports/authenticationMethods/userRegistrationDetails", tok("UserAuthenticationMethod.Read.All", RoleReportsReader), nil, 200},
		{"report Reports.Read.All", "GET", "/v1.0/reports/authenticationMethods/userRegistrationDetails", tok("Reports.Read.All", RoleSecurityReader), nil, 403},
		{"report AA", "GET", "/v1.0/reports/authenticationMethods/userRegistrationDetails", tok("AuditLog.Read.All", RoleAuthAdmin), nil, 403},
		{"per-user read Policy.Read.All", "GET", reqs, tok("Policy.Read.All", RoleGlobalReader), nil, 200},
		{"per-user read policy admin", "GET", reqs, tok("Policy.Read.All", RoleAuthPolicyAdmin), nil, 200},
		{"per-user read UAM scope", "GET", reqs, tok("UserAuthenticationMethod.Read.All", RoleGlobalReader), nil, 403},
		{"per-user write policy admin", "PATCH", reqs, tok("Policy.ReadWrite.AuthenticationMethod", RoleAuthPolicyAdmin), map[string]any{"perUserMfaState": "enforced"}, 204},
		{"per-user write UAM scope", "PATCH", reqs, tok("UserAuthenticationMethod.ReadWrite.All", RolePrivilegedAuthAdmin), map[string]any{"perUserMfaState": "enforced"}, 403},
		{"per-user write GR", "PATCH", reqs, tok("Policy.ReadWrite.AuthenticationMethod", RoleGlobalReader), map[string]any{"perUserMfaState": "enforced"}, 403},
		{"revoke helpdesk", "POST", "/v1.0/users/" + BobID + "/revokeSignInSessions", tok("User.RevokeSessions.All", RoleHelpdeskAdmin), map[string]any{}, 200},
		{"revoke helpdesk on admin", "POST", "/v1.0/users/" + CarolID + "/revokeSignInSessions", tok("User.RevokeSessions.All", RoleHelpdeskAdmin), map[string]any{}, 403},
		{"revoke no scope", "POST", "/v1.0/users/" + BobID + "/revokeSignInSessions", tok("User.Read.All", RoleGlobalAdmin), map[string]any{}, 403},
		{"org", "GET", "/v1.0/organization", tok("User.Read"), nil, 200},
		{"app org", "GET", "/v1.0/organization", appOnly("Organization.Read.All"), nil, 200},
		{"app users without role", "GET", "/v1.0/users?$top=1", appOnly("AuditLog.Read.All"), nil, 403},
		{"app signins", "GET", "/v1.0/auditLogs/signIns?$top=1", appOnly("AuditLog.Read.All"), nil, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := call(t, s, tc.method, tc.path, tc.hdr, tc.body)
			if r.status != tc.want {
				t.Fatalf("%d %s", r.status, r.raw)
			}
		})
	}
	for _, p := range Permissions {
		if len(p.Scopes) == 0 {
			t.Errorf("%s: no scopes", p.Op)
		}
	}
}
