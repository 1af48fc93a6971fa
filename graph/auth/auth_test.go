package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/mfadesk/mfadesk/config"
	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/auth/authtest"
	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/graph/msgraph"
)

var helpdeskScopes = []string{"User.Read", "User.Read.All", "UserAuthenticationMethod.ReadWrite.All",
	"User.RevokeSessions.All", "AuditLog.Read.All", "Policy.ReadWrite.AuthenticationMethod"}

// profileFor points a profile at the fake authority.
func profileFor(a *authtest.Authority, mode config.AuthMode) config.Profile {
	p := config.Defaults()
	p.Tenant = a.TenantID()
	p.ClientID = a.ClientID()
	p.Auth = mode
	p.AuthorityHost = a.Host
	return p
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestClientSecretEndToEnd(t *testing.T) {
	a := authtest.Start(authtest.Options{ClientSecret: "s3cret-value-xyz",
		App: authtest.Identity{OID: "app-oid", Roles: []string{"User.Read.All", "UserAuthenticationMethod.ReadWrite.All"}}})
	defer a.Close()
	p := profileFor(a, config.AuthSecret)
	p.ClientSecret = config.NewSecret("s3cret-value-xyz")

	cred, err := NewCredential(ctxT(t), p, nil, WithHTTPClient(a.Client), WithMemoryCache())
	if err != nil {
		t.Fatal(err)
	}
	// Whatever delegated scopes a caller asks for, an app asks for /.default.
	tok, err := cred.GetToken(ctxT(t), policy.TokenRequestOptions{Scopes: Scopes(false, config.CloudGlobal)})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Verify(tok.Token); err != nil {
		t.Fatalf("token not signed by the fake authority: %v", err)
	}
	c, err := Claims(tok.Token)
	if err != nil {
		t.Fatal(err)
	}
	if !c.AppOnly() || len(c.Scopes()) != 0 || !slices.Equal(c.Roles, []string{"User.Read.All", "UserAuthenticationMethod.ReadWrite.All"}) ||
		c.TenantID != a.TenantID() || c.AppID != a.ClientID() || c.ExpiresOn.Before(time.Now()) {
		t.Errorf("claims = %+v", c)
	}
	if got := a.Scopes(); len(got) != 1 || !slices.Contains(got[0], "https://graph.microsoft.com/.default") || slices.ContainsFunc(got[0], isGraphScope) {
		t.Errorf("scopes asked = %v", got)
	}

	// The wrong secret fails with Entra's reason, and the secret is not in the error.
	p.ClientSecret = config.NewSecret("wrong-secret-value-123")
	cred, err = NewCredential(ctxT(t), p, nil, WithHTTPClient(a.Client), WithMemoryCache())
	if err != nil {
		t.Fatal(err)
	}
	_, err = cred.GetToken(ctxT(t), policy.TokenRequestOptions{Scopes: ScopesFor(p)})
	if err == nil || !strings.Contains(err.Error(), "AADSTS7000215") {
		t.Fatalf("err = %v, want invalid client secret", err)
	}
	if strings.Contains(err.Error(), "wrong-secret-value-123") {
		t.Error("the error shows the secret")
	}
}

func TestSecretCommand(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses /bin/sh")
	}
	a := authtest.Start(authtest.Options{ClientSecret: "from-command", App: authtest.Identity{OID: "app"}})
	defer a.Close()
	p := profileFor(a, config.AuthDefault) // the default chain picks the secret
	p.SecretCommand = "printf 'from-command\\n'"
	if !AppOnly(p) || Mode(p) != "default (client secret)" {
		t.Fatalf("AppOnly %v Mode %q", AppOnly(p), Mode(p))
	}
	cred, err := NewCredential(ctxT(t), p, nil, WithHTTPClient(a.Client), WithMemoryCache())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cred.GetToken(ctxT(t), policy.TokenRequestOptions{Scopes: ScopesFor(p)}); err != nil {
		t.Fatal(err)
	}

	p.SecretCommand = "echo the-secret-itself; echo 'vault is locked' >&2; exit 3"
	_, err = NewCredential(ctxT(t), p, nil, WithHTTPClient(a.Client), WithMemoryCache())
	if err == nil || !strings.Contains(err.Error(), "vault is locked") || !strings.Contains(err.Error(), "exit status 3") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "the-secret-itself") {
		t.Error("a failing command's output is in the error")
	}
	p.SecretCommand = "true"
	if _, err = NewCredential(ctxT(t), p, nil, WithMemoryCache()); err == nil || !strings.Contains(err.Error(), "printed nothing") {
		t.Fatalf("empty output: %v", err)
	}
}

func TestDeviceCodeEndToEnd(t *testing.T) {
	user := authtest.Identity{OID: "9c1e0000-0000-4000-8000-000000000001", UPN: "helpdesk@contoso.com", Name: "Help Desk",
		Scopes: helpdeskScopes, WIDs: []string{graph.RoleAuthAdmin}}
	a := authtest.Start(authtest.Options{User: user, PendingPolls: 2, DeviceCodeLifetime: 600 * time.Second})
	defer a.Close()
	dir := t.TempDir()
	recPath := filepath.Join(dir, "auth-default.json")
	p := profileFor(a, config.AuthDeviceCode)

	var mu sync.Mutex
	var prompts []DeviceCodePrompt
	prompt := func(d DeviceCodePrompt) { mu.Lock(); prompts = append(prompts, d); mu.Unlock() }
	cred, err := NewCredential(ctxT(t), p, prompt, WithHTTPClient(a.Client), WithMemoryCache(), WithRecordPath(recPath))
	if err != nil {
		t.Fatal(err)
	}
	if len(prompts) != 0 {
		t.Fatal("building the credential prompted")
	}
	// Concurrent first calls share one sign-in.
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = cred.GetToken(ctxT(t), policy.TokenRequestOptions{Scopes: ScopesFor(p)})
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(prompts) != 1 {
		t.Fatalf("%d prompts, want 1", len(prompts))
	}
	d := prompts[0]
	if !strings.HasPrefix(d.Code, "FAKE") || !strings.HasSuffix(d.URL, "/devicelogin") || !strings.Contains(d.Message, d.Code) {
		t.Errorf("prompt = %+v", d)
	}
	// expires_in came from the authority, not the 15-minute fallback.
	if left := time.Until(d.ExpiresOn); left < 590*time.Second || left > 601*time.Second {
		t.Errorf("expires in %v, want about 600s", left)
	}
	g := a.Grants()
	if g["devicecode"] != 1 || g["device_code"]+g["urn:ietf:params:oauth:grant-type:device_code"] < 3 {
		t.Errorf("grants = %v (want one device code and polling through authorization_pending)", g)
	}
	// Exactly the features' scopes were asked for.
	for _, s := range a.Scopes()[0] {
		if strings.HasPrefix(s, "https://graph.microsoft.com/") && !slices.Contains(ScopesFor(p), s) {
			t.Errorf("asked for unexpected scope %s", s)
		}
	}

	// The record is saved, 0600, and holds no token.
	fi, err := os.Stat(recPath)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("record mode %v", fi.Mode())
	}
	raw, _ := os.ReadFile(recPath)
	var rec map[string]any
	if err := json.Unmarshal(raw, &rec); err != nil || rec["username"] != "helpdesk@contoso.com" || rec["clientId"] != a.ClientID() {
		t.Errorf("record = %s (%v)", raw, err)
	}
	if strings.Contains(string(raw), "eyJ") || strings.Contains(string(raw), "refresh-") {
		t.Error("the record holds a token")
	}

	// A new credential with the record and the same cache signs in silently.
	// (Here the cache is in memory, so a fresh credential must ask again;
	// the record is still loaded and used as the account hint.)
	rp, ok := loadRecord(recPath, p, func(s string) { t.Log(s) })
	if !ok || rp.Username != "helpdesk@contoso.com" {
		t.Errorf("loadRecord = %+v %v", rp, ok)
	}
	other := p
	other.ClientID = "99999999-2222-3333-4444-555555555555"
	if _, ok := loadRecord(recPath, other, func(s string) { t.Log(s) }); ok {
		t.Error("a record for another app was used")
	}

	// The token works against the fake tenant, which reads its claims.
	srv, err := fake.Start(fake.Options{Users: 30})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := msgraph.NewClient(msgraph.ClientOptions{Endpoint: srv.URL, Credential: cred, Scopes: ScopesFor(p)})
	if err != nil {
		t.Fatal(err)
	}
	op, err := c.Me(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if op.IsApp || op.EffectiveRole() != "Authentication Administrator" || !slices.Contains(op.Scopes, "UserAuthenticationMethod.ReadWrite.All") {
		t.Errorf("operator = %+v", op)
	}
	if ok, why := op.Allows(graph.ActionReset, graph.AnyAdminTarget()); ok || !strings.Contains(why, "Privileged Authentication Administrator") {
		t.Errorf("Allows(reset admin) = %v %q", ok, why)
	}
}

func TestDeviceCodeDeclined(t *testing.T) {
	a := authtest.Start(authtest.Options{Decline: true})
	defer a.Close()
	p := profileFor(a, config.AuthDeviceCode)
	cred, err := NewCredential(ctxT(t), p, func(DeviceCodePrompt) {}, WithHTTPClient(a.Client), WithMemoryCache())
	if err != nil {
		t.Fatal(err)
	}
	_, err = cred.GetToken(ctxT(t), policy.TokenRequestOptions{Scopes: ScopesFor(p)})
	// (MSAL reads the error body while polling, so the reason itself is
	// not in the message.)
	if err == nil || !strings.Contains(err.Error(), "DeviceCodeCredential authentication failed") {
		t.Fatalf("err = %v", err)
	}
	// A failed sign-in is not remembered: the next call asks again.
	_, _ = cred.GetToken(ctxT(t), policy.TokenRequestOptions{Scopes: ScopesFor(p)})
	if g := a.Grants(); g["devicecode"] != 2 {
		t.Errorf("grants = %v", g)
	}
}

func TestCertificate(t *testing.T) {
	a := authtest.Start(authtest.Options{App: authtest.Identity{OID: "app", Roles: []string{"AuditLog.Read.All"}}})
	defer a.Close()
	key, err := rsa.GenerateKey(rand.Reader, 2048) // azidentity takes RSA keys only
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mfadesk"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	kder, _ := x509.MarshalPKCS8PrivateKey(key)
	path := filepath.Join(t.TempDir(), "mfadesk.pem")
	data := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})...)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	p := profileFor(a, config.AuthCertificate)
	p.Certificate = path
	cred, err := NewCredential(ctxT(t), p, nil, WithHTTPClient(a.Client), WithMemoryCache())
	if err != nil {
		t.Fatal(err)
	}
	// The fake authority does not verify the assertion's signature; what
	// is tested is that the certificate is read, an assertion is sent, and
	// /.default is asked for.
	tok, err := cred.GetToken(ctxT(t), policy.TokenRequestOptions{Scopes: ScopesFor(p)})
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := Claims(tok.Token); !c.AppOnly() || !slices.Equal(c.Roles, []string{"AuditLog.Read.All"}) {
		t.Errorf("claims = %+v", c)
	}
	if got := a.Scopes(); len(got) == 0 || !slices.Contains(got[len(got)-1], "https://graph.microsoft.com/.default") || slices.ContainsFunc(got[len(got)-1], isGraphScope) {
		t.Errorf("scopes = %v", got)
	}
	p.Certificate = filepath.Join(t.TempDir(), "missing.pem")
	if _, err := NewCredential(ctxT(t), p, nil, WithMemoryCache()); err == nil {
		t.Error("a missing certificate was accepted")
	}
}

// isGraphScope: a delegated Graph scope (not /.default, not openid etc.).
func isGraphScope(s string) bool {
	return strings.HasPrefix(s, "https://graph.microsoft.com/") && !strings.HasSuffix(s, "/.default")
}

func TestScopes(t *testing.T) {
	ro := Scopes(true, config.CloudGlobal)
	for _, s := range ro {
		if strings.Contains(s, "ReadWrite") || strings.Contains(s, "RevokeSessions") || strings.Contains(s, "Mail.Send") {
			t.Errorf("read-only asks for %s", s)
		}
	}
	if !slices.Contains(ro, "https://graph.microsoft.com/UserAuthenticationMethod.Read.All") {
		t.Errorf("read-only scopes = %v", ro)
	}
	us := Scopes(false, config.CloudUSGov)
	if !slices.Contains(us, "https://graph.microsoft.us/UserAuthenticationMethod.ReadWrite.All") {
		t.Errorf("usgov scopes = %v", us)
	}
	p := config.Defaults()
	p.ClientID, p.Tenant, p.Auth = "11111111-2222-3333-4444-555555555555", "contoso.com", config.AuthDeviceCode
	p.Notify.Enabled = true
	if s := ScopesFor(p); !slices.Contains(s, "https://graph.microsoft.com/Mail.Send") || slices.Contains(s, "https://graph.microsoft.com/Mail.Send.Shared") {
		t.Errorf("notify scopes = %v", s)
	}
	p.Notify.Sender = "helpdesk@contoso.com"
	if s := ScopesFor(p); !slices.Contains(s, "https://graph.microsoft.com/Mail.Send.Shared") {
		t.Errorf("shared sender scopes = %v", s)
	}
	p.ReadOnly = true
	if s := ScopesFor(p); slices.Contains(s, "https://graph.microsoft.com/Mail.Send") {
		t.Errorf("read-only still sends mail: %v", s)
	}
	p.Auth = config.AuthManagedIdentity
	p.Cloud = config.CloudChina
	if s := ScopesFor(p); !slices.Equal(s, []string{"https://microsoftgraph.chinacloudapi.cn/.default"}) {
		t.Errorf("app-only china = %v", s)
	}
	if got := toDefault([]string{"https://graph.microsoft.us/User.Read"}); got[0] != "https://graph.microsoft.us/.default" {
		t.Errorf("toDefault = %v", got)
	}
	// Every delegated permission asked for is one the permissions table
	// names for some action (or User.Read for sign-in).
	names := map[string]bool{"User.Read": true, "Policy.Read.All": true}
	for _, r := range graph.Requirements() {
		for _, d := range r.Delegated {
			names[d] = true
		}
	}
	for _, ro := range []bool{true, false} {
		for _, s := range DelegatedPermissions(ro, true, true) {
			if !names[s] {
				t.Errorf("asks for %s, which no action needs", s)
			}
		}
	}
}

func TestClaims(t *testing.T) {
	a := authtest.Start(authtest.Options{})
	defer a.Close()
	tok := a.Sign(map[string]any{"scp": "User.Read  AuditLog.Read.All", "wids": []string{graph.RoleGlobalReader},
		"tid": "t", "upn": "a\x1b]52;c;AAAA\x07b@contoso.com", "exp": 2000000000, "aud": "https://graph.microsoft.com", "idtyp": "user"})
	c, err := Claims(tok)
	if err != nil {
		t.Fatal(err)
	}
	if c.AppOnly() || !slices.Equal(c.Scopes(), []string{"User.Read", "AuditLog.Read.All"}) || c.Audience != "https://graph.microsoft.com" ||
		c.ExpiresOn.Unix() != 2000000000 || strings.ContainsRune(c.UPN, 0x1b) {
		t.Errorf("claims = %+v", c)
	}
	for _, bad := range []string{"", "opaque", "a.b", "a.!!!.c", "a." + "bm90IGpzb24" + ".c"} {
		if _, err := Claims(bad); err == nil {
			t.Errorf("Claims(%q) accepted", bad)
		}
	}
	_, err = Claims("eyJhbGciOiJub25lIn0.eyJzY3AiOjF9.x") // scp is a number
	if err == nil || strings.Contains(err.Error(), "eyJ") {
		t.Errorf("err = %v", err)
	}
}

func TestMemoryCacheWarning(t *testing.T) {
	// No keyring (most CI containers, headless Linux): said once, and the
	// credential still works from memory.
	defer func(f func() (azidentity.Cache, error)) { newCache = f }(newCache)
	newCache = func() (azidentity.Cache, error) {
		return azidentity.Cache{}, errors.New("persistent storage isn't available due to error \"key has been revoked\"\nsecond line")
	}
	storeWarning = sync.Once{}
	var warnings []string
	a := authtest.Start(authtest.Options{App: authtest.Identity{OID: "app"}})
	defer a.Close()
	p := profileFor(a, config.AuthSecret)
	p.ClientSecret = config.NewSecret("test-secret")
	for range 2 {
		cred, err := NewCredential(context.Background(), p, nil, WithHTTPClient(a.Client),
			WithWarn(func(s string) { warnings = append(warnings, s) }))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cred.GetToken(ctxT(t), policy.TokenRequestOptions{Scopes: ScopesFor(p)}); err != nil {
			t.Fatal(err)
		}
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "kept in memory") || !strings.Contains(warnings[0], "key has been revoked") ||
		strings.Contains(warnings[0], "second line") {
		t.Errorf("warnings = %q", warnings)
	}
}

func TestModes(t *testing.T) {
	p := config.Defaults()
	if _, err := NewCredential(context.Background(), p, nil, WithMemoryCache()); err == nil ||
		!strings.Contains(err.Error(), "") {
		// With no client id the chain still has the Azure CLI; it is built.
		if err != nil {
			t.Logf("default chain without client id: %v", err)
		}
	}
	p.Auth = config.AuthDeviceCode
	if _, err := NewCredential(context.Background(), p, nil); err == nil {
		t.Error("device code without client id accepted")
	}
	p.Auth = config.AuthSecret
	p.Tenant, p.ClientID = "contoso.com", "11111111-2222-3333-4444-555555555555"
	if _, err := NewCredential(context.Background(), p, nil); err == nil || !strings.Contains(err.Error(), "AZURE_CLIENT_SECRET") {
		t.Errorf("secret without secret: %v", err)
	}
	p.Auth = "bogus"
	if _, err := NewCredential(context.Background(), p, nil); err == nil {
		t.Error("unknown mode accepted")
	}
	for _, m := range []config.AuthMode{config.AuthAzureCLI, config.AuthManagedIdentity, config.AuthBrowser} {
		p.Auth = m
		if _, err := NewCredential(context.Background(), p, nil, WithMemoryCache()); err != nil {
			t.Errorf("%s: %v", m, err)
		}
	}
	if !errors.Is(SignOut(filepath.Join(t.TempDir(), "none.json")), nil) {
		t.Error("SignOut of nothing failed")
	}
	_ = fmt.Sprint
}

// A restart signs in silently: the second credential finds the account
// through the saved record and the token in the persistent cache.
func TestPersistentCacheRestart(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	// Not the real cache's name: its keyring key is shared with the user's.
	defer func(n string) { cacheName = n }(cacheName)
	cacheName = fmt.Sprintf("mfadesk-test-%d", time.Now().UnixNano())
	if _, err := newCache(); err != nil {
		t.Skipf("no persistent cache on this machine: %v", err)
	}
	a := authtest.Start(authtest.Options{User: authtest.Identity{OID: "u1", UPN: "tech@contoso.com", Scopes: helpdeskScopes}})
	defer a.Close()
	p := profileFor(a, config.AuthDeviceCode)
	recPath := filepath.Join(t.TempDir(), "auth-default.json")
	prompts := 0
	prompt := func(DeviceCodePrompt) { prompts++ }
	for run := range 2 {
		cred, err := NewCredential(ctxT(t), p, prompt, WithHTTPClient(a.Client), WithRecordPath(recPath))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cred.GetToken(ctxT(t), policy.TokenRequestOptions{Scopes: ScopesFor(p)}); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
	}
	if prompts != 1 || a.Grants()["devicecode"] != 1 {
		t.Errorf("prompts = %d, grants = %v; the restart should have been silent", prompts, a.Grants())
	}
}

func TestExplain(t *testing.T) {
	a := authtest.Start(authtest.Options{})
	defer a.Close()
	p := profileFor(a, config.AuthDeviceCode)
	p.ClientID = "99999999-2222-3333-4444-555555555555"
	cred, err := NewCredential(ctxT(t), p, func(DeviceCodePrompt) {}, WithHTTPClient(a.Client), WithMemoryCache())
	if err != nil {
		t.Fatal(err)
	}
	_, err = cred.GetToken(ctxT(t), policy.TokenRequestOptions{Scopes: ScopesFor(p)})
	var se *SignInError
	if !errors.As(err, &se) || se.Code != "700016" {
		t.Fatalf("err = %v", err)
	}
	first, _, _ := strings.Cut(err.Error(), "\n")
	if !strings.HasPrefix(first, "sign-in failed: AADSTS700016: Application with identifier") ||
		!strings.Contains(first, "check clientId and tenant") {
		t.Errorf("first line = %q", first)
	}
	// Errors without an AADSTS code pass through unchanged.
	plain := errors.New("DeviceCodeCredential authentication failed")
	if explain(context.Background(), plain) != plain {
		t.Error("a plain error was rewritten")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	withCode := errors.New("AADSTS50076: MFA")
	if explain(ctx, withCode) != withCode {
		t.Error("a cancelled sign-in was rewritten")
	}
}

// The README's permission table names the least privileged permission of
// every action, delegated and application.
func TestREADMEPermissionTable(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Skip("no README")
	}
	readme := string(data)
	start := strings.Index(readme, "## Permissions")
	if start < 0 {
		t.Fatal("README has no Permissions section")
	}
	section := readme[start:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	for _, r := range graph.Requirements() {
		for _, p := range append([]string{r.Delegated[0]}, r.Application...)[:min(2, 1+len(r.Application))] {
			if !strings.Contains(section, "`"+p+"`") {
				t.Errorf("README's Permissions section lacks `%s` (%s)", p, r.Label)
			}
		}
		for _, id := range r.Roles {
			if n := graph.RoleName(id); n != "Global Administrator" && !strings.Contains(section, n) {
				t.Errorf("README's Permissions section lacks the role %s (%s)", n, r.Label)
			}
		}
	}
	for _, s := range DelegatedPermissions(false, true, false) {
		if !strings.Contains(readme, "`"+s+"`") {
			t.Errorf("README does not mention the scope `%s` mfadesk asks for", s)
		}
	}
	for _, s := range DelegatedPermissions(true, false, false) {
		if !strings.Contains(readme, "`"+s+"`") {
			t.Errorf("README does not mention the read-only scope `%s`", s)
		}
	}
}
