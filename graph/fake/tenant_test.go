package fake

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func export(t testing.TB, opts Options) []byte {
	t.Helper()
	if opts.Now == nil {
		opts.Now = fixedClock
	}
	tn, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(tn.Export())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDeterminism(t *testing.T) {
	a := export(t, Options{Seed: 42, Users: 300})
	b := export(t, Options{Seed: 42, Users: 300})
	if !bytes.Equal(a, b) {
		t.Fatal("same seed, different tenants")
	}
	c := export(t, Options{Seed: 43, Users: 300})
	if bytes.Equal(a, c) {
		t.Fatal("different seeds, same tenant")
	}
	// sign-ins are generated lazily; asking in another order changes nothing
	t1, _ := New(Options{Seed: 42, Users: 300, Now: fixedClock})
	ids := t1.UserIDs()
	for i := len(ids) - 1; i >= 0; i -= 7 {
		t1.SignIns(ids[i])
	}
	d, _ := json.Marshal(t1.Export())
	if !bytes.Equal(a, d) {
		t.Fatal("lazy sign-ins depend on the order they are asked for")
	}
}

func TestGeneratedTenant(t *testing.T) {
	tn, err := New(Options{Users: 2000, Now: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	users := tn.Users()
	if len(users) != 2000 {
		t.Fatalf("%d users", len(users))
	}
	for i, id := range PersonaIDs {
		if users[i].ID != id {
			t.Fatalf("persona %d is %s", i, users[i].ID)
		}
	}
	var admins, disabled, guests, none int
	kinds := map[string]int{}
	upns := map[string]bool{}
	for _, u := range users {
		if upns[strings.ToLower(u.UserPrincipalName)] {
			t.Errorf("duplicate UPN %s", u.UserPrincipalName)
		}
		upns[strings.ToLower(u.UserPrincipalName)] = true
		if u.IsAdmin() {
			admins++
		}
		if !u.AccountEnabled {
			disabled++
		}
		if u.IsGuest() {
			guests++
		}
		if !isMfaRegistered(u.Methods) {
			none++
		}
		for _, m := range u.Methods {
			kinds[m.Kind]++
		}
		if !u.IsGuest() && (len(u.Methods) == 0 || u.Methods[0].ID != PasswordMethodID) {
			t.Errorf("%s: password method missing", u.UserPrincipalName)
		}
		if u.PreferredMethod != "none" && defaultMethod(&u) == nil {
			t.Errorf("%s: preferred %s without a backing method", u.UserPrincipalName, u.PreferredMethod)
		}
	}
	pct := func(n int) float64 { return float64(n) * 100 / float64(len(users)) }
	if p := pct(admins); p < 3 || p > 8 {
		t.Errorf("admins %.1f%%", p)
	}
	if p := pct(disabled); p < 1.5 || p > 5 {
		t.Errorf("disabled %.1f%%", p)
	}
	if p := pct(guests); p < 1.5 || p > 5 {
		t.Errorf("guests %.1f%%", p)
	}
	if p := pct(none); p < 8 || p > 30 {
		t.Errorf("without MFA %.1f%%", p)
	}
	for _, k := range []string{KindPhone, KindAuthenticator, KindFIDO2, KindSoftwareOath, KindHardwareOath, KindEmail, KindTAP, KindWindowsHello, KindPlatformCredential} {
		if kinds[k] == 0 {
			t.Errorf("no %s method in the tenant", k)
		}
	}
	// sign-in error codes a helpdesk meets are all there
	codes := map[int]bool{}
	for _, u := range users {
		for _, s := range tn.SignIns(u.ID) {
			codes[s.ErrorCode] = true
		}
	}
	for _, c := range []int{0, 50074, 50076, 500121, 50126, 50053, 53003, 50158, 50079, 50072, 50057, 50055, 50140, 50173} {
		if !codes[c] {
			t.Errorf("no sign-in with error %d", c)
		}
	}
}

func TestTenantFileRoundTrip(t *testing.T) {
	src, err := New(Options{Users: 60, Now: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	// change something first, so the file carries state, not just the seed
	srv, err := Serve(src, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	expect(t, call(t, srv, "DELETE", methodsPath(AliceID)+"softwareOathMethods/"+methodOf(src.Methods(AliceID), KindSoftwareOath).ID, nil, nil), 204, "")
	td := src.Export()
	b, _ := json.MarshalIndent(td, "", "  ")
	path := filepath.Join(t.TempDir(), "tenant.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	loaded := start(t, Options{TenantFile: path})
	b2, _ := json.MarshalIndent(loaded.Tenant.Export(), "", "  ")
	if !bytes.Equal(b, b2) {
		t.Fatal("tenant file does not round-trip")
	}
	if len(loaded.Tenant.Methods(AliceID)) != 4 {
		t.Errorf("alice: %+v", loaded.Tenant.Methods(AliceID))
	}
	// in memory too
	mem := start(t, Options{Data: &td})
	if r := get(t, mem, "/v1.0/users/"+BobUPN+"?$select=displayName", nil); r.body["displayName"] != "Bob O'Brien" {
		t.Errorf("bob: %s", r.raw)
	}

	// a hand-written minimal file
	minimal := `{"users":[{"id":"11111111-1111-4111-8111-111111111111","displayName":"Zed","userPrincipalName":"zed@contoso.com",
	  "accountEnabled":true,"userType":"Member","perUserMfaState":"enabled","userPreferredMethodForSecondaryAuthentication":"sms",
	  "isSystemPreferredAuthenticationMethodEnabled":false,
	  "methods":[{"kind":"phone","id":"` + MobilePhoneID + `","phoneNumber":"+1 5555550100","phoneType":"mobile"}],"signIns":[]}]}`
	p2 := filepath.Join(t.TempDir(), "min.json")
	_ = os.WriteFile(p2, []byte(minimal), 0o600)
	m := start(t, Options{TenantFile: p2})
	r := get(t, m, "/v1.0/users/zed@contoso.com/authentication/methods", nil)
	if len(r.values()) != 2 { // the password is implied
		t.Errorf("zed: %s", r.raw)
	}
	expect(t, call(t, m, "DELETE", methodsPath("zed@contoso.com")+"phoneMethods/"+MobilePhoneID, nil, nil), 204, "")
	if r := get(t, m, "/v1.0/organization", nil); r.values()[0]["id"] != TenantID {
		t.Errorf("default tenant id: %s", r.raw)
	}

	bad := map[string]string{
		"unknown field": `{"users":[],"colour":"red"}`,
		"no upn":        `{"users":[{"id":"x"}]}`,
		"dup":           `{"users":[{"id":"x","userPrincipalName":"a@b"},{"id":"X","userPrincipalName":"c@b"}]}`,
		"bad kind":      `{"users":[{"id":"x","userPrincipalName":"a@b","methods":[{"kind":"carrierPigeon","id":"1"}]}]}`,
		"bad phone":     `{"users":[{"id":"x","userPrincipalName":"a@b","methods":[{"kind":"phone","id":"1","phoneType":"pager"}]}]}`,
		"bad state":     `{"users":[{"id":"x","userPrincipalName":"a@b","perUserMfaState":"maybe"}]}`,
		"not json":      `{"users":[`,
	}
	for name, content := range bad {
		if _, err := ParseTenant([]byte(content)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := New(Options{TenantFile: filepath.Join(t.TempDir(), "missing.json")}); err == nil {
		t.Error("missing file accepted")
	}
}

func TestPersonas(t *testing.T) {
	tn, _ := New(Options{Now: fixedClock})
	u, ok := tn.User(MalloryID)
	if !ok || !strings.Contains(u.DisplayName, "\x1b]52;") || !strings.Contains(u.DisplayName, "\u202E") || !strings.ContainsAny(u.JobTitle, "\x00\x07\r") {
		t.Errorf("mallory: %q %q", u.DisplayName, u.JobTitle)
	}
	if u, _ := tn.User(BobUPN); u.DisplayName != "Bob O'Brien" || tn.DefaultMethodID(BobID) != MobilePhoneID {
		t.Errorf("bob: %+v", u)
	}
	if u, _ := tn.User(CarolID); !u.IsAdmin() || methodOf(u.Methods, KindFIDO2).Model != "YubiKey 5 NFC" {
		t.Errorf("carol: %+v", u)
	}
	if u, _ := tn.User(AliceID); methodOf(u.Methods, KindAuthenticator).DisplayName != "iPhone 15" || tn.DefaultMethodID(AliceID) != methodOf(u.Methods, KindAuthenticator).ID {
		t.Errorf("alice: %+v", u)
	}
	if u, _ := tn.User(GraceUPN); !u.IsGuest() {
		t.Errorf("grace: %+v", u)
	}
	if u, _ := tn.User(LiamID); !u.IsAdmin() || isMfaRegistered(u.Methods) {
		t.Errorf("liam: %+v", u)
	}
	// persona ids do not depend on the seed
	t2, _ := New(Options{Seed: 99, Now: fixedClock})
	for _, id := range PersonaIDs {
		if _, ok := t2.User(id); !ok {
			t.Errorf("persona %s missing with seed 99", id)
		}
	}
	if tn.Now() != testNow {
		t.Error("clock")
	}
	_ = time.Now
}

func BenchmarkGenerate10k(b *testing.B) {
	for b.Loop() {
		if _, err := New(Options{Users: 10000, Now: fixedClock}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListMethods: one method list over loopback HTTP, in parallel, as
// the bulk runner drives the fake.
func BenchmarkListMethods(b *testing.B) {
	s := start(b, Options{Users: 1000})
	ids := s.Tenant.UserIDs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			r := get(b, s, "/v1.0/users/"+ids[i%len(ids)]+"/authentication/methods", nil)
			if r.status != 200 {
				b.Fatal(r.status)
			}
			i++
		}
	})
}
