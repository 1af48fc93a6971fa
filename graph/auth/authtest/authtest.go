// Package authtest is a loopback fake Microsoft Entra authority for tests:
// a TLS server (test certificate) serving OpenID metadata, instance
// discovery, JWKS, the device code endpoint and the token endpoint
// (client_credentials, device_code with authorization_pending polling, and
// refresh_token grants). It issues RS256-signed JWT access tokens carrying
// the scp / roles / wids claims a test chooses, so azidentity's real
// credentials can be driven end to end and the tokens handed to the fake
// Graph tenant (graph/fake), which reads those claims.
//
// It is for tests only: it trusts whoever asks and checks only what a test
// needs (client id, client secret, device code).
package authtest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Identity is who a token is about and what it carries.
type Identity struct {
	OID  string
	UPN  string
	Name string
	// Scopes become the delegated `scp` claim (space-separated), whatever
	// the client asked for: Entra issues what was consented.
	Scopes []string
	// Roles become the `roles` claim (application permissions).
	Roles []string
	// WIDs become the `wids` claim (directory role template ids).
	WIDs []string
}

// Options configure Start. Zero values get sensible defaults.
type Options struct {
	TenantID     string // default 8a4d3c1e-0000-4000-8000-00000000c0de
	ClientID     string // default 11111111-2222-3333-4444-555555555555
	ClientSecret string // client_credentials must present it; default "test-secret"
	// User is who completes the device code flow; App is the client
	// credentials' service principal.
	User Identity
	App  Identity
	// PendingPolls is how many authorization_pending answers a device code
	// gets before it succeeds (default 2). Negative: never succeeds.
	PendingPolls int
	// DeviceCodeLifetime is the device code's expires_in (default 900s).
	DeviceCodeLifetime time.Duration
	// TokenLifetime is the access token's lifetime (default 1h).
	TokenLifetime time.Duration
	// Decline makes device code sign-ins end with authorization_declined.
	Decline bool
}

// Authority is a running fake authority.
type Authority struct {
	// Host is the authority host URL with a trailing slash, for
	// azcore/cloud.Configuration.ActiveDirectoryAuthorityHost.
	Host string
	// Client trusts the server's test certificate.
	Client *http.Client

	srv  *httptest.Server
	key  *rsa.PrivateKey
	opts Options

	mu      sync.Mutex
	devices map[string]*device // device_code -> state
	refresh map[string]Identity
	grants  map[string]int
	scopes  [][]string // scope parameter of every token request
	tenants []string   // tenant in the path of every token request
	n       int
}

type device struct {
	polls   int
	expires time.Time
}

var (
	keyOnce sync.Once
	testKey *rsa.PrivateKey
)

// signingKey is generated once per test binary: RSA generation is slow.
func signingKey() *rsa.PrivateKey {
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		testKey = k
	})
	return testKey
}

// Start runs a fake authority until Close.
func Start(opts Options) *Authority {
	if opts.TenantID == "" {
		opts.TenantID = "8a4d3c1e-0000-4000-8000-00000000c0de"
	}
	if opts.ClientID == "" {
		opts.ClientID = "11111111-2222-3333-4444-555555555555"
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = "test-secret"
	}
	if opts.PendingPolls == 0 {
		opts.PendingPolls = 2
	}
	if opts.DeviceCodeLifetime == 0 {
		opts.DeviceCodeLifetime = 900 * time.Second
	}
	if opts.TokenLifetime == 0 {
		opts.TokenLifetime = time.Hour
	}
	a := &Authority{key: signingKey(), opts: opts, devices: map[string]*device{},
		refresh: map[string]Identity{}, grants: map[string]int{}}
	a.srv = httptest.NewTLSServer(http.HandlerFunc(a.serve))
	a.Host = a.srv.URL + "/"
	a.Client = a.srv.Client()
	return a
}

// Close stops the server.
func (a *Authority) Close() { a.srv.Close() }

// TenantID and ClientID in use.
func (a *Authority) TenantID() string { return a.opts.TenantID }
func (a *Authority) ClientID() string { return a.opts.ClientID }

// SetUser changes who the next device code sign-in is.
func (a *Authority) SetUser(id Identity) { a.mu.Lock(); a.opts.User = id; a.mu.Unlock() }

// Grants counts token requests by grant_type (and "devicecode" for device
// code requests).
func (a *Authority) Grants() map[string]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[string]int{}
	for k, v := range a.grants {
		out[k] = v
	}
	return out
}

// TokenTenants returns "grant tenant" for every token request, in order:
// which tenant's authority each grant was asked of.
func (a *Authority) TokenTenants() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.tenants...)
}

// Scopes returns the scope parameter of every token and device code request.
func (a *Authority) Scopes() [][]string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([][]string(nil), a.scopes...)
}

func (a *Authority) serve(w http.ResponseWriter, r *http.Request) {
	path := strings.Trim(r.URL.Path, "/")
	parts := strings.Split(path, "/")
	switch {
	case path == "common/discovery/instance":
		a.instanceDiscovery(w, r)
	case path == "discovery/v2.0/keys" || path == a.opts.TenantID+"/discovery/v2.0/keys":
		a.jwks(w)
	case len(parts) == 4 && parts[1] == "v2.0" && parts[2] == ".well-known" && parts[3] == "openid-configuration":
		a.openID(w, parts[0])
	case len(parts) == 4 && parts[1] == "oauth2" && parts[2] == "v2.0" && parts[3] == "devicecode":
		a.deviceCode(w, r, parts[0])
	case len(parts) == 4 && parts[1] == "oauth2" && parts[2] == "v2.0" && parts[3] == "token":
		a.token(w, r, parts[0])
	default:
		oauthError(w, http.StatusNotFound, "invalid_request", "AADSTS90002: not found: "+path)
	}
}

// tenantOK accepts the tenant id, and any domain name (Entra resolves
// verified domains; the fake accepts any).
func (a *Authority) tenantOK(t string) bool {
	return t == a.opts.TenantID || strings.Contains(t, ".") || t == "organizations"
}

func (a *Authority) openID(w http.ResponseWriter, tenant string) {
	if !a.tenantOK(tenant) {
		oauthError(w, http.StatusBadRequest, "invalid_tenant", "AADSTS90002: Tenant '"+tenant+"' not found.")
		return
	}
	base := a.srv.URL + "/" + tenant
	writeJSON(w, http.StatusOK, map[string]any{
		"authorization_endpoint":        base + "/oauth2/v2.0/authorize",
		"token_endpoint":                base + "/oauth2/v2.0/token",
		"device_authorization_endpoint": base + "/oauth2/v2.0/devicecode",
		"issuer":                        a.srv.URL + "/" + a.opts.TenantID + "/v2.0",
		"jwks_uri":                      a.srv.URL + "/" + a.opts.TenantID + "/discovery/v2.0/keys",
		"tenant_region_scope":           "NA",
		"response_types_supported":      []string{"code", "id_token", "code id_token", "id_token token"},
	})
}

func (a *Authority) instanceDiscovery(w http.ResponseWriter, r *http.Request) {
	host := strings.TrimPrefix(a.srv.URL, "https://")
	writeJSON(w, http.StatusOK, map[string]any{
		"tenant_discovery_endpoint": a.srv.URL + "/" + a.opts.TenantID + "/v2.0/.well-known/openid-configuration",
		"api-version":               "1.1",
		"metadata": []map[string]any{{
			"preferred_network": host, "preferred_cache": host, "aliases": []string{host},
		}},
	})
}

func (a *Authority) jwks(w http.ResponseWriter) {
	pub := a.key.PublicKey
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]any{{
		"kty": "RSA", "use": "sig", "kid": "authtest", "alg": "RS256",
		"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}

func (a *Authority) deviceCode(w http.ResponseWriter, r *http.Request, tenant string) {
	if err := r.ParseForm(); err != nil || !a.tenantOK(tenant) {
		oauthError(w, http.StatusBadRequest, "invalid_request", "AADSTS90002: bad tenant or form")
		return
	}
	if r.PostForm.Get("client_id") != a.opts.ClientID {
		oauthError(w, http.StatusBadRequest, "unauthorized_client", "AADSTS700016: Application with identifier '"+
			r.PostForm.Get("client_id")+"' was not found in the directory.")
		return
	}
	a.mu.Lock()
	a.n++
	code := fmt.Sprintf("device-code-%d", a.n)
	user := fmt.Sprintf("FAKE%04d", a.n)
	a.devices[code] = &device{expires: time.Now().Add(a.opts.DeviceCodeLifetime)}
	a.grants["devicecode"]++
	a.scopes = append(a.scopes, strings.Fields(r.PostForm.Get("scope")))
	a.mu.Unlock()
	verify := a.srv.URL + "/devicelogin"
	writeJSON(w, http.StatusOK, map[string]any{
		"user_code":        user,
		"device_code":      code,
		"verification_uri": verify,
		"expires_in":       int(a.opts.DeviceCodeLifetime / time.Second),
		"interval":         1,
		"message": fmt.Sprintf("To sign in, use a web browser to open the page %s and enter the code %s to authenticate.",
			verify, user),
	})
}

func (a *Authority) token(w http.ResponseWriter, r *http.Request, tenant string) {
	if err := r.ParseForm(); err != nil || !a.tenantOK(tenant) {
		oauthError(w, http.StatusBadRequest, "invalid_request", "AADSTS90002: bad tenant or form")
		return
	}
	f := r.PostForm
	grant := f.Get("grant_type")
	a.mu.Lock()
	a.grants[grant]++
	a.scopes = append(a.scopes, strings.Fields(f.Get("scope")))
	a.tenants = append(a.tenants, grant+" "+tenant)
	opts := a.opts
	a.mu.Unlock()
	if f.Get("client_id") != opts.ClientID {
		oauthError(w, http.StatusBadRequest, "unauthorized_client", "AADSTS700016: Application with identifier '"+
			f.Get("client_id")+"' was not found in the directory.")
		return
	}
	switch grant {
	case "client_credentials":
		// A certificate's signed assertion is accepted unverified (the
		// fake checks only that one was sent); a secret must match.
		assertion := f.Get("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" &&
			strings.Count(f.Get("client_assertion"), ".") == 2
		if !assertion && f.Get("client_secret") != opts.ClientSecret {
			oauthError(w, http.StatusUnauthorized, "invalid_client",
				"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.")
			return
		}
		for _, s := range strings.Fields(f.Get("scope")) {
			switch s {
			case "openid", "profile", "offline_access": // MSAL adds these; Entra ignores them here
				continue
			}
			if !strings.HasSuffix(s, "/.default") {
				oauthError(w, http.StatusBadRequest, "invalid_scope",
					"AADSTS1002012: The provided value for scope "+s+" is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.")
				return
			}
		}
		a.issue(w, opts.App, true, f.Get("scope"))
	case "urn:ietf:params:oauth:grant-type:device_code", "device_code": // MSAL sends the short form
		a.mu.Lock()
		d, ok := a.devices[f.Get("device_code")]
		if ok {
			d.polls++
		}
		a.mu.Unlock()
		switch {
		case !ok:
			oauthError(w, http.StatusBadRequest, "invalid_grant", "AADSTS70000: unknown device code")
		case time.Now().After(d.expires):
			oauthError(w, http.StatusBadRequest, "expired_token", "AADSTS70020: The provided value for the input parameter 'device_code' is not valid. This device code has expired.")
		case opts.Decline:
			oauthError(w, http.StatusBadRequest, "authorization_declined", "AADSTS70000: The user declined the sign-in.")
		case opts.PendingPolls < 0 || d.polls <= opts.PendingPolls:
			oauthError(w, http.StatusBadRequest, "authorization_pending", "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending.")
		default:
			a.mu.Lock()
			delete(a.devices, f.Get("device_code"))
			a.mu.Unlock()
			a.issue(w, opts.User, false, f.Get("scope"))
		}
	case "refresh_token":
		a.mu.Lock()
		id, ok := a.refresh[f.Get("refresh_token")]
		a.mu.Unlock()
		if !ok {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "AADSTS70008: The refresh token has expired or is invalid.")
			return
		}
		a.issue(w, id, false, f.Get("scope"))
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "AADSTS70003: unsupported grant type "+grant)
	}
}

// issue answers a token request with a signed access token (and, for a
// user, an id token, client info and a refresh token, as Entra does).
func (a *Authority) issue(w http.ResponseWriter, id Identity, app bool, scope string) {
	now := time.Now()
	claims := map[string]any{
		"aud": "https://graph.microsoft.com", "iss": "https://sts.windows.net/" + a.opts.TenantID + "/",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(a.opts.TokenLifetime).Unix(),
		"tid": a.opts.TenantID, "oid": id.OID, "appid": a.opts.ClientID, "app_displayname": "mfadesk (test)",
		"ver": "1.0",
	}
	if app {
		claims["idtyp"] = "app"
		claims["roles"] = nonNil(id.Roles)
		claims["sub"] = id.OID
	} else {
		claims["scp"] = strings.Join(id.Scopes, " ")
		claims["upn"] = id.UPN
		claims["name"] = id.Name
		claims["sub"] = id.OID
		claims["idtyp"] = "user"
		if len(id.Roles) > 0 {
			claims["roles"] = id.Roles
		}
	}
	if len(id.WIDs) > 0 {
		claims["wids"] = id.WIDs
	}
	resp := map[string]any{
		"token_type":     "Bearer",
		"expires_in":     int(a.opts.TokenLifetime / time.Second),
		"ext_expires_in": int(a.opts.TokenLifetime / time.Second),
		"access_token":   a.Sign(claims),
		"scope":          scope,
	}
	if !app {
		a.mu.Lock()
		a.n++
		rt := fmt.Sprintf("refresh-%d", a.n)
		a.refresh[rt] = id
		a.mu.Unlock()
		resp["refresh_token"] = rt
		resp["client_info"] = b64(mustJSON(map[string]string{"uid": id.OID, "utid": a.opts.TenantID}))
		resp["id_token"] = a.Sign(map[string]any{
			"aud": a.opts.ClientID, "iss": a.srv.URL + "/" + a.opts.TenantID + "/v2.0",
			"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(),
			"oid": id.OID, "sub": id.OID, "tid": a.opts.TenantID, "name": id.Name,
			"preferred_username": id.UPN, "ver": "2.0",
		})
	}
	writeJSON(w, http.StatusOK, resp)
}

// Sign makes an RS256 JWT of claims with the authority's key.
func (a *Authority) Sign(claims map[string]any) string {
	head := b64(mustJSON(map[string]string{"typ": "JWT", "alg": "RS256", "kid": "authtest"}))
	body := b64(mustJSON(claims))
	sum := sha256.Sum256([]byte(head + "." + body))
	sig, err := rsa.SignPKCS1v15(rand.Reader, a.key, crypto.SHA256, sum[:])
	if err != nil {
		panic(err)
	}
	return head + "." + body + "." + b64(sig)
}

// Verify checks a token's signature (tests use it to prove a token came
// from this authority).
func (a *Authority) Verify(token string) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return fmt.Errorf("not a JWT")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	return rsa.VerifyPKCS1v15(&a.key.PublicKey, crypto.SHA256, sum[:], sig)
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]any{
		"error": code, "error_description": desc, "error_codes": []int{},
		"timestamp": time.Now().UTC().Format("2006-01-02 15:04:05Z"), "trace_id": "00000000-0000-0000-0000-000000000000",
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
