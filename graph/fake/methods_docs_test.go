package fake

import (
	"strings"
	"testing"
)

func withHardwareOath(t *testing.T, s *Server, userID string) string {
	t.Helper()
	id := "aabbccdd-0000-4000-8000-0000000000a1"
	s.Tenant.Update(userID, func(u *UserData) {
		u.Methods = append(u.Methods, MethodData{Kind: KindHardwareOath, ID: id, SerialNumber: "123456"})
	})
	return id
}

func hasType(vals []map[string]any, typ string) bool {
	for _, v := range vals {
		if v["@odata.type"] == "#microsoft.graph."+typ {
			return true
		}
	}
	return false
}

// v1.0 lists only what v1.0 supports; hardware OATH tokens are beta.
func TestHardwareOathOnlyInBeta(t *testing.T) {
	s := start(t, Options{})
	id := withHardwareOath(t, s, CarolID)
	v1 := call(t, s, "GET", "/v1.0/users/"+CarolID+"/authentication/methods", nil, nil)
	expect(t, v1, 200, "")
	if hasType(v1.values(), "hardwareOathAuthenticationMethod") {
		t.Fatal("v1.0 listed a hardware OATH token")
	}
	beta := call(t, s, "GET", "/beta/users/"+CarolID+"/authentication/methods", nil, nil)
	expect(t, beta, 200, "")
	if !hasType(beta.values(), "hardwareOathAuthenticationMethod") {
		t.Fatal("beta did not list the hardware OATH token")
	}
	expect(t, call(t, s, "DELETE", "/v1.0/users/"+CarolID+"/authentication/hardwareOathMethods/"+id, nil, nil), 400, "BadRequest")
	expect(t, call(t, s, "DELETE", "/beta/users/"+CarolID+"/authentication/hardwareOathMethods/"+id, nil, nil), 204, "")
}

// The default blocks its own deletion while any other method is left, a
// FIDO2 key included (Graph: "with other methods configured").
func TestDeleteDefaultBesideFIDO2Refused(t *testing.T) {
	s := start(t, Options{})
	carol := methodsPath(CarolID)
	authID := methodOf(s.Tenant.Methods(CarolID), KindAuthenticator).ID
	if s.Tenant.DefaultMethodID(CarolID) != authID || methodOf(s.Tenant.Methods(CarolID), KindFIDO2).ID == "" {
		t.Fatal("Carol should have a default Authenticator and a FIDO2 key")
	}
	r := call(t, s, "DELETE", carol+"microsoftAuthenticatorMethods/"+authID, nil, nil)
	expect(t, r, 400, "badRequest")
	if !strings.Contains(r.errMessage(), "Cannot delete default method") {
		t.Fatalf("message %q", r.errMessage())
	}
}

// fido2 is not a userDefaultAuthenticationMethodType member.
func TestPreferenceValuesAsDocumented(t *testing.T) {
	s := start(t, Options{})
	p := "/beta/users/" + CarolID + "/authentication/signInPreferences"
	expect(t, call(t, s, "PATCH", p, nil, map[string]any{"userPreferredMethodForSecondaryAuthentication": "fido2"}), 400, "badRequest")
	expect(t, call(t, s, "PATCH", p, nil, map[string]any{"userPreferredMethodForSecondaryAuthentication": "none"}), 400, "badRequest")
	r := call(t, s, "GET", p, nil, nil)
	expect(t, r, 200, "")
	if _, ok := r.body["systemPreferredAuthenticationMethod"]; ok {
		t.Fatal("signInPreferences carries an undocumented property")
	}
}

func TestTAPPolicyEnforced(t *testing.T) {
	pol := &TAPPolicy{State: "enabled", DefaultLifetime: 120, MinLifetime: 60, MaxLifetime: 480, IsUsableOnce: true}
	s := start(t, Options{TAPPolicy: pol})
	p := methodsPath(AliceID) + "temporaryAccessPassMethods"
	expect(t, call(t, s, "POST", p, nil, map[string]any{"lifetimeInMinutes": 30}), 400, "badRequest")
	expect(t, call(t, s, "POST", p, nil, map[string]any{"lifetimeInMinutes": 600}), 400, "badRequest")
	expect(t, call(t, s, "POST", p, nil, map[string]any{"isUsableOnce": false}), 400, "badRequest")
	r := call(t, s, "POST", p, nil, map[string]any{})
	expect(t, r, 201, "")
	if r.body["lifetimeInMinutes"] != float64(120) || r.body["isUsableOnce"] != true {
		t.Fatalf("defaults not from the policy: %s", r.raw)
	}
	pr := call(t, s, "GET", "/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass", nil, nil)
	if pr.body["minimumLifetimeInMinutes"] != float64(60) || pr.body["isUsableOnce"] != true {
		t.Fatalf("policy: %s", pr.raw)
	}
}
