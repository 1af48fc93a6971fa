package msgraph

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph"
)

// The documentation samples (testdata/graph-samples, each with its source
// line) decoded by the SDK through the client, and the domain structs
// carrying their fields.

func TestSampleMethods(t *testing.T) {
	body := sample(t, "methods-list-fido2-whfb.json")
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/beta/users/" + aliceID + "/authentication/methods":
			writeJSON(w, 200, body)
		case "/beta/users/" + aliceID + "/authentication/signInPreferences":
			writeJSON(w, 200, `{"isSystemPreferredAuthenticationMethodEnabled":true,"userPreferredMethodForSecondaryAuthentication":"push"}`)
		default:
			graphErr(w, 404, "x", "x", "x")
		}
	})
	c, _ := testClient(t, srv.URL)
	ms, err := c.ListMethods(context.Background(), aliceID)
	if err != nil {
		t.Fatal(err)
	}
	want := []graph.Method{
		{ID: "-2_GRUg2-HYz6_1YG4YRAQ2", Kind: graph.KindFIDO2, ODataType: "#microsoft.graph.fido2AuthenticationMethod",
			DisplayName: "Red key", Model: "NFC key", Detail: "Red key (NFC key)",
			Created: time.Date(2020, 8, 10, 6, 44, 9, 0, time.UTC)},
		{ID: "b5e01f81-1f81-b5e0-811f-e0b5811fe0b5", Kind: graph.KindWindowsHello, ODataType: "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod",
			DisplayName: "Jordan's Surface Book", Device: "Jordan's Surface Book", Detail: "Jordan's Surface Book",
			Created: time.Date(2020, 11, 27, 23, 12, 49, 0, time.UTC)},
	}
	if !reflect.DeepEqual(ms, want) {
		t.Errorf("methods\n got %+v\nwant %+v", ms, want)
	}
	for _, r := range srv.requests() {
		if strings.HasPrefix(r.Path, "/beta/") && r.Header.Get("x-ms-throttle-priority") != "High" {
			t.Errorf("beta call without the middleware: %+v", r)
		}
	}
}

func TestSampleRegistrations(t *testing.T) {
	body := sample(t, "userregistrationdetails-list.json")
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, body) })
	c, _ := testClient(t, srv.URL)
	no, yes := false, true
	p, err := c.Registrations(context.Background(), graph.RegistrationFilter{IsMfaRegistered: &no, IsAdmin: &no, PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	// documented options only: $filter without isAdmin, and no $top
	// (authenticationmethodsroot-list-userregistrationdetails.md)
	r := srv.requests()[0]
	if r.Path != "/v1.0/reports/authenticationMethods/userRegistrationDetails" || r.Query.Get("$filter") != "isMfaRegistered eq false" || r.Query.Has("$top") || len(r.Query) != 1 {
		t.Errorf("request %+v", r)
	}
	// the canned answer ignores the filter: the client applies it too
	if len(p.Items) != 1 || p.Items[0].UserPrincipalName != "AllanD@Contoso.com" {
		t.Fatalf("filtered page %+v", p)
	}
	if p, err = c.Registrations(context.Background(), graph.RegistrationFilter{IsAdmin: &yes}); err != nil || len(p.Items) != 0 || srv.requests()[1].Query.Has("$filter") {
		t.Fatalf("isAdmin is filtered here, not sent: %+v %v %+v", p, err, srv.requests()[1])
	}
	if p, err = c.Registrations(context.Background(), graph.RegistrationFilter{}); err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 3 || p.Next != "" {
		t.Fatalf("page %+v", p)
	}
	alex := graph.Registration{ID: "86462606-fde0-4fc4-9e0c-a20eb73e54c6", UserPrincipalName: "AlexW@Contoso.com", UserDisplayName: "Alex Wilber",
		UserType: "member", IsMfaRegistered: true, IsMfaCapable: true, IsSystemPreferredAuthenticationMethodEnabled: true,
		MethodsRegistered: []string{"microsoftAuthenticatorPush", "softwareOneTimePasscode"}, SystemPreferredAuthenticationMethods: []string{"push"},
		UserPreferredMethodForSecondaryAuthentication: "push", LastUpdated: time.Date(2023, 3, 13, 19, 15, 41, 619583300, time.UTC)}
	if !reflect.DeepEqual(p.Items[0], alex) {
		t.Errorf("row 0\n got %+v\nwant %+v", p.Items[0], alex)
	}
	if p.Items[1].UserType != "guest" || len(p.Items[1].MethodsRegistered) != 0 || p.Items[1].MethodsRegistered == nil {
		t.Errorf("row 1 %+v (methodsRegistered must be [] not null in JSON)", p.Items[1])
	}
	if p.Items[2].UserPreferredMethodForSecondaryAuthentication != "voiceMobile" || !p.Items[2].IsSsprRegistered {
		t.Errorf("row 2 %+v", p.Items[2])
	}
}

func TestSampleSignInsForeignNextLink(t *testing.T) {
	// The sample's nextLink points at graph.microsoft.com; a client on
	// another endpoint must refuse to follow it rather than send its token
	// there.
	body := sample(t, "signins-list.json")
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, body) })
	c, _ := testClient(t, srv.URL)
	_, err := c.SignIns(context.Background(), aliceID, graph.SignInQuery{Top: 5})
	if !errors.Is(err, graph.ErrUnavailable) || !strings.Contains(err.Error(), "graph.microsoft.com") || srv.count() != 1 {
		t.Errorf("err = %v, requests %d", err, srv.count())
	}
}

func TestSignIns(t *testing.T) {
	body := sample(t, "signins-list.json")
	// Beta adds authenticationRequirement and authenticationDetails; the
	// sample's foreign nextLink is dropped so paging is not attempted.
	var doc map[string]any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "@odata.nextLink")
	row := doc["value"].([]any)[0].(map[string]any)
	row["status"] = map[string]any{"errorCode": 500121, "failureReason": "Authentication failed during strong authentication request.", "additionalDetails": "MFA denied; user declined the authentication"}
	row["authenticationRequirement"] = "multiFactorAuthentication"
	row["authenticationDetails"] = []any{
		map[string]any{"authenticationStepDateTime": "2020-03-13T19:15:41Z", "authenticationMethod": "Password", "succeeded": true, "authenticationStepResultDetail": "Correct password"},
		map[string]any{"authenticationStepDateTime": "2020-03-13T19:15:50Z", "authenticationMethod": "Mobile app notification", "succeeded": false, "authenticationStepResultDetail": "MFA denied; user declined the authentication", "authenticationStepRequirement": "Multi-factor authentication"},
	}
	older := map[string]any{"id": "older", "createdDateTime": "2020-03-12T10:00:00Z", "status": map[string]any{"errorCode": 0}}
	doc["value"] = []any{older, row}
	b, _ := json.Marshal(doc)
	nonInteractive := `{"value":[{"id":"token-refresh","createdDateTime":"2020-03-13T08:00:00Z","isInteractive":false,"status":{"errorCode":0}}]}`
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Query().Get("$filter"), "signInEventTypes") {
			writeJSON(w, 200, nonInteractive)
			return
		}
		writeJSON(w, 200, string(b))
	})
	c, _ := testClient(t, srv.URL)
	since := time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC)
	got, err := c.SignIns(context.Background(), aliceID, graph.SignInQuery{Since: since, Top: 10})
	if err != nil {
		t.Fatal(err)
	}
	// two documented queries: the default (interactive) list and the
	// non-interactive one (api-reference/beta/resources/signin.md)
	base := "userId eq '" + aliceID + "' and createdDateTime ge 2020-03-01T00:00:00Z"
	reqs := srv.requests()
	if len(reqs) != 2 || reqs[0].Path != "/beta/auditLogs/signIns" || reqs[0].Query.Get("$top") != "10" || reqs[0].Query.Get("$filter") != base ||
		reqs[1].Query.Get("$filter") != base+" and signInEventTypes/any(t: t eq 'nonInteractiveUser')" {
		t.Errorf("requests %+v", reqs)
	}
	if len(got) != 3 || got[0].ID != "66ea54eb-6301-4ee5-be62-ff5a759b0100" || got[1].ID != "token-refresh" || got[2].ID != "older" {
		t.Fatalf("sign-ins not newest first: %+v", got)
	}
	if got[0].EventType != graph.SignInInteractive || got[1].EventType != graph.SignInNonInteractive || got[2].EventType != graph.SignInInteractive {
		t.Errorf("labels %q %q %q", got[0].EventType, got[1].EventType, got[2].EventType)
	}
	// failures: picked out here (status/errorCode documents eq only), from
	// one page of the documented maximum
	fails, err := c.SignIns(context.Background(), aliceID, graph.SignInQuery{Since: since, FailuresOnly: true, Top: 10})
	if err != nil || len(fails) != 1 || fails[0].ID != "66ea54eb-6301-4ee5-be62-ff5a759b0100" {
		t.Fatalf("failures %+v %v", fails, err)
	}
	if r := srv.requests()[2]; r.Query.Get("$filter") != base || r.Query.Get("$top") != "1000" {
		t.Errorf("failures request %+v", r)
	}
	s := got[0]
	if s.UserPrincipalName != "testaccount1@contoso.com" || s.AppDisplayName != "Graph explorer" || s.IPAddress != "131.107.159.37" ||
		s.ClientAppUsed != "Browser" || !s.IsInteractive || s.ConditionalAccessStatus != "notApplied" || s.Location.City != "Redmond" ||
		s.Device.OperatingSystem != "Windows 10" || s.Device.Browser != "Edge 80.0.361" || s.CorrelationID != "d79f5bee-5860-4832-928f-3133e22ae912" ||
		s.ResourceDisplayName != "Microsoft Graph" || s.RiskLevelDuringSignIn != "none" {
		t.Errorf("sign-in %+v", s)
	}
	if len(s.AppliedPolicies) != 2 || s.AppliedPolicies[1].DisplayName != "Medium signin risk block" || s.AppliedPolicies[1].Result != "notEnabled" {
		t.Errorf("policies %+v", s.AppliedPolicies)
	}
	if !s.Failed() || s.Status.ErrorCode != 500121 || s.Status.AdditionalDetails != "MFA denied; user declined the authentication" {
		t.Errorf("status %+v", s.Status)
	}
	if s.AuthenticationRequirement != "multiFactorAuthentication" || len(s.AuthDetails) != 2 ||
		s.AuthDetails[1].Succeeded || s.AuthDetails[1].Method != "Mobile app notification" || !s.AuthDetails[0].Succeeded ||
		s.AuthDetails[1].Requirement != "Multi-factor authentication" || !s.AuthDetails[1].Time.Equal(time.Date(2020, 3, 13, 19, 15, 50, 0, time.UTC)) {
		t.Errorf("beta details %+v / %+v", s.AuthenticationRequirement, s.AuthDetails)
	}
}

func TestSignInsUnlicensed(t *testing.T) {
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		graphErr(w, 403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant", "Neither tenant is B2C or tenant doesn't have premium license", "rid-p1")
	})
	c, _ := testClient(t, srv.URL)
	_, err := c.SignIns(context.Background(), aliceID, graph.SignInQuery{})
	ge, ok := graph.AsError(err)
	if !ok || !errors.Is(err, graph.ErrUnlicensed) || ge.Message != "sign-in logs need Microsoft Entra ID P1 or P2 in this tenant" || ge.RequestID != "rid-p1" {
		t.Errorf("err = %v", err)
	}
}

func TestSampleTAP(t *testing.T) {
	body := sample(t, "tap-create.json")
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 201, body) })
	c, _ := testClient(t, srv.URL)
	start := time.Date(2022, 6, 5, 0, 0, 0, 0, time.UTC)
	tap, err := tapOf(c.Apply(context.Background(), graph.CreateTAP{UserID: aliceID, Request: graph.TAPRequest{LifetimeMinutes: 60, Start: start}}))
	if err != nil {
		t.Fatal(err)
	}
	want := graph.TAP{ID: "6f1967b7-15e8-4935-ac26-d50770ed07a7", Value: "+drkzqAD", Created: time.Date(2022, 6, 2, 16, 21, 9, 765173000, time.UTC),
		Start: start, LifetimeMinutes: 60, MethodUsabilityReason: "NotYetValid"}
	if !reflect.DeepEqual(tap, want) {
		t.Errorf("TAP\n got %+v\nwant %+v", tap, want)
	}
	r := srv.requests()[0]
	var sent map[string]any
	if err := json.Unmarshal([]byte(r.Body), &sent); err != nil {
		t.Fatalf("body %q: %v", r.Body, err)
	}
	if r.Method != "POST" || r.Path != "/v1.0/users/"+aliceID+"/authentication/temporaryAccessPassMethods" ||
		sent["lifetimeInMinutes"] != 60.0 || sent["isUsableOnce"] != false || sent["startDateTime"] != "2022-06-05T00:00:00Z" {
		t.Errorf("request %s %s %v", r.Method, r.Path, sent)
	}
	for _, l := range []int{5, 43201, -1} {
		if _, err := tapOf(c.Apply(context.Background(), graph.CreateTAP{UserID: aliceID, Request: graph.TAPRequest{LifetimeMinutes: l}})); !errors.Is(err, graph.ErrBadRequest) {
			t.Errorf("lifetime %d: %v", l, err)
		}
	}
	if srv.count() != 1 {
		t.Errorf("invalid lifetimes reached Graph")
	}
}

func TestMethodConversion(t *testing.T) {
	body := `{"value":[
	 {"@odata.type":"#microsoft.graph.passwordAuthenticationMethod","id":"28c10230-6103-485e-b985-444c60001490","createdDateTime":"2021-01-01T00:00:00Z"},
	 {"@odata.type":"#microsoft.graph.phoneAuthenticationMethod","id":"3179e48a-750b-4051-897c-87b9720928f7","phoneNumber":"+1 2065551234","phoneType":"mobile","smsSignInState":"notAllowedByPolicy"},
	 {"@odata.type":"#microsoft.graph.phoneAuthenticationMethod","id":"b6332ec1-7057-4abe-9331-3d72feddfe41","phoneNumber":"+44 7700900123","phoneType":"alternateMobile"},
	 {"@odata.type":"#microsoft.graph.phoneAuthenticationMethod","id":"e37fc753-ff3b-4958-9484-eaa9425c82bc","phoneNumber":"+1 XXXXXXXX55","phoneType":"office"},
	 {"@odata.type":"#microsoft.graph.microsoftAuthenticatorAuthenticationMethod","id":"auth1","displayName":"Pixel 8","deviceTag":"SoftwareTokenActivated","phoneAppVersion":"6.2401.0119","createdDateTime":"2024-01-02T03:04:05Z"},
	 {"@odata.type":"#microsoft.graph.softwareOathAuthenticationMethod","id":"oath1"},
	 {"@odata.type":"#microsoft.graph.hardwareOathAuthenticationMethod","id":"hw1","displayName":"Token","serialNumber":"TOTP123456"},
	 {"@odata.type":"#microsoft.graph.emailAuthenticationMethod","id":"email1","emailAddress":"alice@example.com"},
	 {"@odata.type":"#microsoft.graph.temporaryAccessPassAuthenticationMethod","id":"tap1","lifetimeInMinutes":60,"isUsableOnce":true,"isUsable":true,"startDateTime":"2024-05-01T10:00:00Z","createdDateTime":"2024-05-01T09:59:00Z"},
	 {"@odata.type":"#microsoft.graph.platformCredentialAuthenticationMethod","id":"pc1","displayName":"Alice's Mac","platform":"macOS","keyStrength":"normal"},
	 {"@odata.type":"#microsoft.graph.qrCodePinAuthenticationMethod","id":"qr1","displayName":"QR badge"},
	 {"id":"notype"}
	]}`
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/signInPreferences") {
			writeJSON(w, 200, `{"userPreferredMethodForSecondaryAuthentication":"voiceAlternateMobile"}`)
			return
		}
		writeJSON(w, 200, body)
	})
	c, _ := testClient(t, srv.URL)
	ms, err := c.ListMethods(context.Background(), aliceID)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		kind   graph.MethodKind
		detail string
		def    bool
	}
	want := []row{
		{graph.KindPassword, "password", false},
		{graph.KindPhone, "mobile +1 XXXXXXX234", false},
		{graph.KindPhone, "alternateMobile +44 XXXXXXX123", true},
		{graph.KindPhone, "office +1 XXXXXXXX55", false},
		{graph.KindAuthenticator, "Pixel 8 (Authenticator 6.2401.0119)", false},
		{graph.KindSoftwareOath, "software OATH token", false},
		{graph.KindHardwareOath, "Token (serial TOTP123456)", false},
		{graph.KindEmail, "alice@example.com", false},
		{graph.KindTAP, "Temporary Access Pass, 60 min, one-time, usable, from 2024-05-01T10:00:00Z", false},
		{graph.KindPlatformCredential, "Alice's Mac (macOS)", false},
		{graph.KindQRCodePin, "QR code PIN (QR badge)", false},
		{graph.KindOther, "method without a type", false},
	}
	if len(ms) != len(want) {
		t.Fatalf("%d methods: %+v", len(ms), ms)
	}
	for i, w := range want {
		if ms[i].Kind != w.kind || ms[i].Detail != w.detail || ms[i].IsDefault != w.def {
			t.Errorf("method %d: %s %q default=%v, want %s %q %v", i, ms[i].Kind, ms[i].Detail, ms[i].IsDefault, w.kind, w.detail, w.def)
		}
	}
	if ms[10].ODataType != "#microsoft.graph.qrCodePinAuthenticationMethod" || ms[10].Deletable() {
		t.Errorf("unknown kind %+v", ms[10])
	}
	if ms[4].Device != "Pixel 8" || ms[4].AppVersion != "6.2401.0119" || ms[1].PhoneNumber != "+1 XXXXXXX234" || ms[1].PhoneType != "mobile" {
		t.Errorf("fields %+v %+v", ms[4], ms[1])
	}
	if ms[8].LifetimeMinutes != 60 || !ms[8].IsUsableOnce || ms[8].TAPStart.IsZero() {
		t.Errorf("tap %+v", ms[8])
	}
}

func TestMarkDefault(t *testing.T) {
	ms := func() []graph.Method {
		return []graph.Method{{ID: "p", Kind: graph.KindPassword}, {ID: "m", Kind: graph.KindPhone, PhoneType: "mobile"}, {ID: "a", Kind: graph.KindPhone, PhoneType: "alternateMobile"},
			{ID: "o", Kind: graph.KindPhone, PhoneType: "office"}, {ID: "app", Kind: graph.KindAuthenticator}, {ID: "sw", Kind: graph.KindSoftwareOath},
			{ID: "f", Kind: graph.KindFIDO2}, {ID: "e", Kind: graph.KindEmail}}
	}
	for pref, want := range map[string]string{"push": "app", "oath": "sw", "sms": "m", "voiceMobile": "m", "voiceAlternateMobile": "a",
		"voiceOffice": "o", "fido2": "", "passkey": "", "email": "", "none": "", "": "", "unknownFutureValue": ""} {
		l := ms()
		markDefault(l, pref)
		got := ""
		for _, m := range l {
			if m.IsDefault {
				if got != "" {
					t.Errorf("%s: two defaults", pref)
				}
				got = m.ID
			}
		}
		if got != want {
			t.Errorf("pref %q marks %q, want %q", pref, got, want)
		}
	}
	// oath without a software token: hardware.
	l := []graph.Method{{ID: "hw", Kind: graph.KindHardwareOath}}
	markDefault(l, "oath")
	if !l[0].IsDefault {
		t.Errorf("oath -> hardware token not marked")
	}
}

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{
		"+1 2065551234":   "+1 XXXXXXX234",
		"+44 7700900123":  "+44 XXXXXXX123",
		"+1 XXXXXXXX55":   "+1 XXXXXXXX55",
		"2065551234":      "XXXXXXX234",
		"+1 555-1234":     "+1 XXX-X234",
		"12345":           "XXX45",
		"123":             "XXX",
		"":                "",
		"+1 206555123x99": "+1 XXXXXXXX3x99",
	} {
		if got := graph.MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDeleteMethodURLs(t *testing.T) {
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	c, _ := testClient(t, srv.URL)
	ctx := context.Background()
	for kind, path := range map[graph.MethodKind]string{
		graph.KindPhone:              "/v1.0/users/" + aliceID + "/authentication/phoneMethods/m1",
		graph.KindAuthenticator:      "/v1.0/users/" + aliceID + "/authentication/microsoftAuthenticatorMethods/m1",
		graph.KindFIDO2:              "/v1.0/users/" + aliceID + "/authentication/fido2Methods/m1",
		graph.KindSoftwareOath:       "/v1.0/users/" + aliceID + "/authentication/softwareOathMethods/m1",
		graph.KindHardwareOath:       "/beta/users/" + aliceID + "/authentication/hardwareOathMethods/m1",
		graph.KindEmail:              "/v1.0/users/" + aliceID + "/authentication/emailMethods/m1",
		graph.KindTAP:                "/v1.0/users/" + aliceID + "/authentication/temporaryAccessPassMethods/m1",
		graph.KindWindowsHello:       "/v1.0/users/" + aliceID + "/authentication/windowsHelloForBusinessMethods/m1",
		graph.KindPlatformCredential: "/v1.0/users/" + aliceID + "/authentication/platformCredentialMethods/m1",
	} {
		if err := errOf(c.Apply(ctx, graph.DeleteMethod{UserID: aliceID, Method: graph.Method{ID: "m1", Kind: kind}})); err != nil {
			t.Errorf("%s: %v", kind, err)
			continue
		}
		rs := srv.requests()
		if r := rs[len(rs)-1]; r.Method != "DELETE" || r.Path != path {
			t.Errorf("%s: %s %s, want DELETE %s", kind, r.Method, r.Path, path)
		}
	}
	// A UPN with a quote goes into the path escaped, not as OData.
	if err := errOf(c.Apply(ctx, graph.DeleteMethod{UserID: "o'brien@contoso.com", Method: graph.Method{ID: "m1", Kind: graph.KindFIDO2}})); err != nil {
		t.Fatal(err)
	}
	rs := srv.requests()
	if r := rs[len(rs)-1]; r.Path != "/v1.0/users/o'brien@contoso.com/authentication/fido2Methods/m1" {
		t.Errorf("path %q", r.Path)
	}
	n := srv.count()
	for _, m := range []graph.Method{{ID: graph.PasswordMethodID, Kind: graph.KindPassword}, {ID: "x", Kind: graph.KindOther, ODataType: "#microsoft.graph.qrCodePinAuthenticationMethod"},
		{ID: "../../users", Kind: graph.KindPhone}, {ID: "", Kind: graph.KindPhone}} {
		if err := errOf(c.Apply(ctx, graph.DeleteMethod{UserID: aliceID, Method: m})); !errors.Is(err, graph.ErrBadRequest) {
			t.Errorf("DeleteMethod(%+v) = %v", m, err)
		}
	}
	if err := errOf(c.Apply(ctx, graph.DeleteMethod{UserID: "../x", Method: graph.Method{ID: "m1", Kind: graph.KindPhone}})); !errors.Is(err, graph.ErrBadRequest) {
		t.Errorf("bad user id: %v", err)
	}
	if srv.count() != n {
		t.Errorf("refused deletes reached Graph")
	}
}

func TestRevokeSessions(t *testing.T) {
	for _, h := range []http.HandlerFunc{
		func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"@odata.context":"x","value":true}`) },
		func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) },
		func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) },
	} {
		srv := newCanned(t, h)
		c, _ := testClient(t, srv.URL)
		if err := errOf(c.Apply(context.Background(), graph.RevokeSessions{UserID: aliceID})); err != nil {
			t.Errorf("revoke: %v", err)
		}
		if r := srv.requests()[0]; r.Method != "POST" || r.Path != "/v1.0/users/"+aliceID+"/revokeSignInSessions" {
			t.Errorf("request %s %s", r.Method, r.Path)
		}
	}
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		graphErr(w, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", "rid")
	})
	c, _ := testClient(t, srv.URL)
	err := errOf(c.Apply(context.Background(), graph.RevokeSessions{UserID: aliceID}))
	if ge, _ := graph.AsError(err); !errors.Is(err, graph.ErrDenied) || !strings.Contains(ge.Needs, "User.RevokeSessions.All") {
		t.Errorf("denied: %v", err)
	}
}

func TestPerUserMFA(t *testing.T) {
	state := "enabled"
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case "GET":
			writeJSON(w, 200, `{"perUserMfaState":"`+state+`"}`)
		case "PATCH":
			var b map[string]string
			json.NewDecoder(r.Body).Decode(&b)
			w.WriteHeader(204)
		}
	})
	c, _ := testClient(t, srv.URL)
	ctx := context.Background()
	st, err := c.PerUserMFA(ctx, aliceID)
	if err != nil || st != graph.PerUserMFAEnabled {
		t.Errorf("PerUserMFA = %q, %v", st, err)
	}
	if err := errOf(c.Apply(ctx, graph.SetPerUserMFA{UserID: aliceID, State: graph.PerUserMFAEnforced})); err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[1]
	if r.Method != "PATCH" || r.Path != "/beta/users/"+aliceID+"/authentication/requirements" || r.Body != `{"perUserMfaState":"enforced"}` ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Errorf("PATCH %s %s %q %v", r.Method, r.Path, r.Body, r.Header)
	}
	if err := errOf(c.Apply(ctx, graph.SetPerUserMFA{UserID: aliceID, State: "sometimes"})); !errors.Is(err, graph.ErrBadRequest) {
		t.Errorf("bad state: %v", err)
	}
	state = "weird"
	if _, err := c.PerUserMFA(ctx, aliceID); !errors.Is(err, graph.ErrUnavailable) {
		t.Errorf("unknown state: %v", err)
	}
}

func TestAuditEvents(t *testing.T) {
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"value":[
		 {"id":"a1","activityDateTime":"2024-05-01T10:00:00Z","activityDisplayName":"Admin deleted security info","category":"UserManagement","result":"success",
		  "initiatedBy":{"user":{"id":"op","userPrincipalName":"helpdesk@contoso.com"}},
		  "targetResources":[{"id":"`+aliceID+`","userPrincipalName":"alice@contoso.com","type":"User"}],
		  "additionalDetails":[{"key":"MethodType","value":"PhoneMethod"}]},
		 {"id":"a2","activityDateTime":"2024-05-02T10:00:00Z","activityDisplayName":"Admin registered security info","result":"failure","resultReason":"nope",
		  "initiatedBy":{"app":{"displayName":"mfadesk"}},"targetResources":[{"id":"`+aliceID+`"}]}]}`)
	})
	c, _ := testClient(t, srv.URL)
	evs, err := c.AuditEvents(context.Background(), aliceID, graph.AuditQuery{Top: 5})
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	if r.Path != "/v1.0/auditLogs/directoryAudits" || r.Query.Get("$filter") != "targetResources/any(t:t/id eq '"+aliceID+"')" || r.Query.Get("$top") != "5" {
		t.Errorf("request %+v", r)
	}
	if len(evs) != 2 || evs[0].ID != "a2" || evs[0].InitiatedBy != "mfadesk" || evs[0].Result != "failure" {
		t.Fatalf("events %+v", evs)
	}
	e := evs[1]
	if e.InitiatedBy != "helpdesk@contoso.com" || e.Target != "alice@contoso.com" || e.TargetID != aliceID || e.Details != "MethodType=PhoneMethod" || e.Category != "UserManagement" {
		t.Errorf("event %+v", e)
	}
}

func TestSendMail(t *testing.T) {
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(202) })
	c, _ := testClient(t, srv.URL)
	ctx := context.Background()
	if err := errOf(c.Apply(ctx, graph.SendMail{Mail: graph.Mail{To: []string{"alice@contoso.com"}, Subject: "Your MFA was reset", Body: "Please register again."}})); err != nil {
		t.Fatal(err)
	}
	if err := errOf(c.Apply(ctx, graph.SendMail{Mail: graph.Mail{From: "helpdesk@contoso.com", To: []string{"alice@contoso.com"}, Subject: "s", Body: "<b>x</b>", HTML: true}})); err != nil {
		t.Fatal(err)
	}
	rs := srv.requests()
	if rs[0].Path != "/v1.0/me/sendMail" || rs[1].Path != "/v1.0/users/helpdesk@contoso.com/sendMail" {
		t.Errorf("paths %s %s", rs[0].Path, rs[1].Path)
	}
	var b struct {
		Message struct {
			Subject string
			Body    struct{ ContentType, Content string }
			To      []struct{ EmailAddress struct{ Address string } } `json:"toRecipients"`
		}
		SaveToSentItems bool
	}
	if err := json.Unmarshal([]byte(rs[0].Body), &b); err != nil {
		t.Fatalf("%q: %v", rs[0].Body, err)
	}
	if b.Message.Subject != "Your MFA was reset" || b.Message.Body.ContentType != "text" || b.Message.Body.Content != "Please register again." ||
		len(b.Message.To) != 1 || b.Message.To[0].EmailAddress.Address != "alice@contoso.com" || !b.SaveToSentItems {
		t.Errorf("body %s", rs[0].Body)
	}
	for _, m := range []graph.Mail{{}, {To: []string{"not an address"}}, {To: []string{"a@b.c"}, Subject: "x\r\nBcc: evil@x.com"}} {
		if err := errOf(c.Apply(ctx, graph.SendMail{Mail: m})); !errors.Is(err, graph.ErrBadRequest) {
			t.Errorf("SendMail(%+v) = %v", m, err)
		}
	}
}

func TestMe(t *testing.T) {
	tid := "72f988bf-86f1-41af-91ab-2d7cd011db47"
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1.0/me":
			writeJSON(w, 200, `{"id":"`+bobID+`","displayName":"Helpdesk Bob","userPrincipalName":"bob@contoso.com"}`)
		case "/v1.0/me/transitiveMemberOf/microsoft.graph.directoryRole":
			writeJSON(w, 200, `{"value":[{"@odata.type":"#microsoft.graph.directoryRole","id":"r1","displayName":"Authentication Administrator","roleTemplateId":"c4e39bd9-1100-46d3-8c65-fb160da0071f"}]}`)
		default:
			graphErr(w, 404, "x", "x", "x")
		}
	})
	delegated := &staticCred{Token: makeJWT(map[string]any{"tid": tid, "oid": bobID, "upn": "bob@contoso.com", "appid": "app-1",
		"scp": "User.Read.All UserAuthenticationMethod.ReadWrite.All", "wids": []string{"c4e39bd9-1100-46d3-8c65-fb160da0071f", "b79fbf4d-3ef9-4689-8143-76b194e85509"}})}
	c, _ := testClient(t, srv.URL, func(o *ClientOptions) { o.Credential = delegated })
	op, err := c.Me(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := graph.Operator{ID: bobID, DisplayName: "Helpdesk Bob", UserPrincipalName: "bob@contoso.com", TenantID: tid, AppID: "app-1",
		Scopes:          []string{"User.Read.All", "UserAuthenticationMethod.ReadWrite.All"},
		RoleTemplateIDs: []string{"c4e39bd9-1100-46d3-8c65-fb160da0071f", "b79fbf4d-3ef9-4689-8143-76b194e85509"},
		DirectoryRoles:  []string{"Authentication Administrator"}}
	if !reflect.DeepEqual(op, want) {
		t.Errorf("delegated\n got %+v\nwant %+v", op, want)
	}

	n := srv.count()
	app := &staticCred{Token: makeJWT(map[string]any{"tid": tid, "oid": "sp-1", "appid": "app-2", "roles": []string{"User.Read.All", "AuditLog.Read.All"}})}
	c2, _ := testClient(t, srv.URL, func(o *ClientOptions) { o.Credential = app })
	op, err = c2.Me(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !op.IsApp || op.AppID != "app-2" || op.TenantID != tid || !reflect.DeepEqual(op.AppRoles, []string{"User.Read.All", "AuditLog.Read.All"}) || op.Scopes != nil {
		t.Errorf("app-only %+v", op)
	}
	if srv.count() != n {
		t.Errorf("app-only Me called /me")
	}

	// No credential (loopback demo): /me is all there is.
	c3, _ := testClient(t, srv.URL)
	op, err = c3.Me(context.Background())
	if err != nil || op.UserPrincipalName != "bob@contoso.com" || op.IsApp || len(op.DirectoryRoles) != 1 {
		t.Errorf("no credential: %+v %v", op, err)
	}

	bad := &staticCred{Token: "not-a-jwt"}
	c4, _ := testClient(t, srv.URL, func(o *ClientOptions) { o.Credential = bad })
	if _, err := c4.Me(context.Background()); !errors.Is(err, graph.ErrSignIn) {
		t.Errorf("bad token: %v", err)
	}
}

// TestPrompted: with system-preferred MFA on, Entra prompts for the
// system's pick (from signInPreferences when Graph names it, else from
// the registration report), not the user's default; off, the default.
func TestPrompted(t *testing.T) {
	ms := func() []graph.Method {
		return []graph.Method{{ID: "m", Kind: graph.KindPhone, PhoneType: "mobile"}, {ID: "app", Kind: graph.KindAuthenticator}, {ID: "f", Kind: graph.KindFIDO2}}
	}
	// off: the user's default
	l := ms()
	graph.ApplyPreferences(l, graph.SignInPreferences{UserPreferred: "sms"})
	if p := graph.Prompted(l, nil); p.Index != 0 || p.System {
		t.Errorf("off: %+v", p)
	}
	// on, and Graph names the pick
	l = ms()
	graph.ApplyPreferences(l, graph.SignInPreferences{UserPreferred: "sms", SystemPreferredEnabled: true, SystemPreferred: "push"})
	if !l[0].IsDefault || !l[1].SystemPreferred {
		t.Errorf("marks: %+v", l)
	}
	if p := graph.Prompted(l, nil); p.Index != 1 || !p.System || p.Source != "sign-in preferences" {
		t.Errorf("on, named: %+v", p)
	}
	// a pick named while the feature is off is not a prompt
	l = ms()
	graph.ApplyPreferences(l, graph.SignInPreferences{UserPreferred: "sms", SystemPreferred: "push"})
	if l[1].SystemPreferred {
		t.Errorf("system pick marked while off")
	}
	// on, named only by the registration report
	l = ms()
	graph.ApplyPreferences(l, graph.SignInPreferences{UserPreferred: "sms", SystemPreferredEnabled: true})
	reg := &graph.Registration{IsSystemPreferredAuthenticationMethodEnabled: true, SystemPreferredAuthenticationMethods: []string{"push"}}
	if p := graph.Prompted(l, reg); p.Index != 1 || !p.System || p.Source != "registration report" {
		t.Errorf("report: %+v", p)
	}
	// the report says off: the default
	reg.IsSystemPreferredAuthenticationMethodEnabled = false
	if p := graph.Prompted(l, reg); p.Index != 0 || p.System {
		t.Errorf("report off: %+v", p)
	}
	// a live tenant's undocumented "Fido2" still finds the key
	l = ms()
	graph.ApplyPreferences(l, graph.SignInPreferences{SystemPreferredEnabled: true, SystemPreferred: "Fido2"})
	if p := graph.Prompted(l, nil); p.Index != 2 {
		t.Errorf("fido2: %+v", p)
	}
	// nothing known
	if p := graph.Prompted(ms(), nil); p.Index != -1 || p.System {
		t.Errorf("none: %+v", p)
	}
	// from raw values as the SDK hands them over
	s, on := "push", true
	if p := preferencesFrom(map[string]any{"userPreferredMethodForSecondaryAuthentication": &s, "isSystemPreferredAuthenticationMethodEnabled": &on}); p.UserPreferred != "push" || !p.SystemPreferredEnabled || p.SystemPreferred != "" {
		t.Errorf("preferencesFrom: %+v", p)
	}
}
