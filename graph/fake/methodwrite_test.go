package fake

import (
	"strings"
	"testing"
)

// The phone and email rules of the reference, each answered as the fake
// declares it (methodwrite.go), and the roles that may or may not.
func TestPhoneMethodsRules(t *testing.T) {
	s := start(t, Options{Users: 1})
	pam := delegated(JudyID, "judy.alvarez@contoso.com", RolePrivilegedAuthAdmin)
	phones := methodsPath(DaveID) + "phoneMethods" // Dave: password only
	post := func(body map[string]any) reply { return call(t, s, "POST", phones, pam, body) }

	// The format: "+{country code} {number}x{extension}".
	for _, bad := range []string{"2065550123", "+1 206-555-0123", "+1 (206) 5550123", "+1  2065550123", "+12065550123", "+1 2065550123 x1", ""} {
		r := post(map[string]any{"phoneNumber": bad, "phoneType": "mobile"})
		expect(t, r, 400, "badRequest")
		if !strings.Contains(r.errMessage(), "+{country code} {number}x{extension}") {
			t.Errorf("%q: %s", bad, r.errMessage())
		}
	}
	expect(t, post(map[string]any{"phoneNumber": "+1 2065550123", "phoneType": "pager"}), 400, "badRequest")
	expect(t, post(map[string]any{"phoneNumber": "+1 2065550123"}), 400, "badRequest")
	expect(t, post(map[string]any{"phoneNumber": "+1 2065550123", "phoneType": "mobile", "smsSignInState": "ready"}), 400, "badRequest")
	// An alternate mobile needs a mobile first.
	r := post(map[string]any{"phoneNumber": "+1 2065550177", "phoneType": "alternateMobile"})
	expect(t, r, 400, "badRequest")
	if len(s.Tenant.Methods(DaveID)) != 1 {
		t.Fatalf("a refused request changed Dave: %+v", s.Tenant.Methods(DaveID))
	}

	r = post(map[string]any{"phoneNumber": "+1 2065550123", "phoneType": "mobile"})
	expect(t, r, 201, "")
	if r.body["id"] != MobilePhoneID || r.body["phoneNumber"] != "+1 2065550123" || r.body["phoneType"] != "mobile" {
		t.Fatalf("created: %v", r.body)
	}
	// One of each type.
	expect(t, post(map[string]any{"phoneNumber": "+1 2065550124", "phoneType": "mobile"}), 400, "badRequest")
	r = post(map[string]any{"phoneNumber": "+44 2071234567x12", "phoneType": "office"})
	expect(t, r, 201, "")
	if r.body["id"] != OfficePhoneID || r.body["smsSignInState"] != "notSupported" {
		t.Fatalf("office: %v", r.body)
	}
	expect(t, post(map[string]any{"phoneNumber": "+1 2065550177", "phoneType": "alternateMobile"}), 201, "")

	// Update: the number, never the type; the format again.
	one := phones + "/" + MobilePhoneID
	expect(t, call(t, s, "PATCH", one, pam, map[string]any{"phoneNumber": "+1 2065550999", "phoneType": "office"}), 400, "badRequest")
	expect(t, call(t, s, "PATCH", one, pam, map[string]any{"phoneNumber": "206 555 0999"}), 400, "badRequest")
	expect(t, call(t, s, "PATCH", one, pam, map[string]any{"phoneNumber": "+1 2065550999", "phoneType": "mobile"}), 204, "")
	expect(t, call(t, s, "PATCH", phones+"/"+EmailMethodID, pam, map[string]any{"phoneNumber": "+1 2065550999"}), 404, "itemNotFound")
	if m := findPhone(s.Tenant.Methods(DaveID), "mobile"); m == nil || m.PhoneNumber != "+1 2065550999" {
		t.Fatalf("mobile after update: %+v", m)
	}
	if st := s.Tenant.Stats(); st.MethodsAdded != 3 || st.MethodsUpdated != 1 {
		t.Errorf("stats %+v", st)
	}
	// Self-service updates are not supported.
	self := delegated(JudyID, "judy.alvarez@contoso.com", RolePrivilegedAuthAdmin)
	expect(t, call(t, s, "PATCH", "/v1.0/me/authentication/phoneMethods/"+MobilePhoneID, self, map[string]any{"phoneNumber": "+1 2065550999"}), 403, "accessDenied")
}

// Who may add a method: the write-others roles, and which targets each
// may act on (Who can perform sensitive actions); a Helpdesk
// Administrator may not at all.
func TestMethodWritesNeedTheRoles(t *testing.T) {
	s := start(t, Options{Users: 1})
	body := map[string]any{"phoneNumber": "+1 2065550123x1", "phoneType": "office"}
	office := func(user string) string { return methodsPath(user) + "phoneMethods" }
	helpdesk := delegated(LiamID, "liam.chen@contoso.com", RoleHelpdeskAdmin)
	expect(t, call(t, s, "POST", office(BobID), helpdesk, body), 403, "accessDenied")
	expect(t, call(t, s, "POST", methodsPath(BobID)+"emailMethods", helpdesk, map[string]any{"emailAddress": "bob@example.com"}), 403, "accessDenied")
	aa := delegated(IvanID, "ivan.petrov@contoso.com", RoleAuthAdmin)
	// An Authentication Administrator: a plain user yes, a Global Administrator no.
	expect(t, call(t, s, "POST", office(CarolID), aa, body), 403, "")
	expect(t, call(t, s, "POST", office(BobID), aa, body), 201, "")
	pam := delegated(JudyID, "judy.alvarez@contoso.com", RolePrivilegedAuthAdmin)
	expect(t, call(t, s, "POST", office(CarolID), pam, body), 201, "")
	// Without the write permission: 403 whatever the role.
	readOnly := bearer(map[string]any{"oid": JudyID, "scp": "UserAuthenticationMethod.Read.All User.Read.All", "wids": []string{RolePrivilegedAuthAdmin}})
	expect(t, call(t, s, "POST", office(DaveID), readOnly, body), 403, "")
}

func TestEmailMethodRules(t *testing.T) {
	s := start(t, Options{Users: 1})
	pam := delegated(JudyID, "judy.alvarez@contoso.com", RolePrivilegedAuthAdmin)
	emails := methodsPath(DaveID) + "emailMethods"
	expect(t, call(t, s, "POST", emails, pam, map[string]any{}), 400, "badRequest")
	r := call(t, s, "POST", emails, pam, map[string]any{"emailAddress": "dave@example.com"})
	expect(t, r, 201, "")
	if r.body["id"] != EmailMethodID || r.body["emailAddress"] != "dave@example.com" {
		t.Fatalf("created: %v", r.body)
	}
	// Only one.
	expect(t, call(t, s, "POST", emails, pam, map[string]any{"emailAddress": "dave2@example.com"}), 400, "badRequest")
	expect(t, call(t, s, "PATCH", emails+"/"+EmailMethodID, pam, map[string]any{"emailAddress": "dave2@example.com"}), 204, "")
	if m := firstKind(s.Tenant.Methods(DaveID), KindEmail); m == nil || m.EmailAddress != "dave2@example.com" {
		t.Fatalf("after update: %+v", m)
	}
	self := delegated(JudyID, "judy.alvarez@contoso.com", RolePrivilegedAuthAdmin)
	expect(t, call(t, s, "POST", "/v1.0/me/authentication/emailMethods", self, map[string]any{"emailAddress": "judy@example.com"}), 201, "")
	expect(t, call(t, s, "PATCH", "/v1.0/me/authentication/emailMethods/"+EmailMethodID, self, map[string]any{"emailAddress": "j@example.com"}), 403, "accessDenied")
}
