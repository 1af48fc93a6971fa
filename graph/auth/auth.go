// Package auth turns a config.Profile into an azidentity credential, asks
// for exactly the Graph scopes the enabled features need, keeps tokens in
// azidentity's persistent cache (with an AuthenticationRecord next to the
// config) so a restart does not sign in again, and reads an access token's
// claims for doctor.
//
// Nothing here prints or logs a token or a secret.
package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/mfadesk/mfadesk/config"
	"github.com/mfadesk/mfadesk/graph"
)

// DeviceCodePrompt is what the user must do to finish a device code
// sign-in: open URL, enter Code, before ExpiresOn. The TUI draws it with a
// countdown; commands print Message.
type DeviceCodePrompt struct {
	Code      string
	URL       string
	ExpiresOn time.Time
	// Message is Entra's own instruction, cleaned for the terminal.
	Message string
}

// deviceCodeLifetime is Entra's device code lifetime, used when the
// authority's expires_in could not be read.
const deviceCodeLifetime = 15 * time.Minute

// Option adjusts NewCredential (mostly for tests and the CLI's plumbing).
type Option func(*options)

type options struct {
	httpClient *http.Client
	recordPath string
	warn       func(string)
	cache      *azidentity.Cache // nil: try the persistent cache
	runCommand func(ctx context.Context, command string) (string, error)
}

// WithHTTPClient sends every authority request through c (tests: a client
// trusting the fake authority's certificate).
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.httpClient = c } }

// WithRecordPath keeps the AuthenticationRecord (who signed in; no token)
// at path, mode 0600, so the next start signs in silently from the cache.
// Use config.AuthRecordPath.
func WithRecordPath(path string) Option { return func(o *options) { o.recordPath = path } }

// WithWarn receives one-time notices (no secret store available, a stale
// sign-in record). Default: standard error.
func WithWarn(f func(string)) Option { return func(o *options) { o.warn = f } }

// WithMemoryCache keeps tokens in memory only (tests; --no-token-cache).
func WithMemoryCache() Option { return func(o *options) { o.cache = &azidentity.Cache{} } }

// NewCredential builds the credential for p.Auth. prompt receives the
// device code to show (devicecode mode and the default chain's last
// resort); nil prints Entra's message to standard error.
//
// Interactive credentials (devicecode, browser) sign in on their first
// GetToken, not here, so building the credential never blocks.
func NewCredential(ctx context.Context, p config.Profile, prompt func(DeviceCodePrompt), opts ...Option) (azcore.TokenCredential, error) {
	o := options{warn: func(s string) { fmt.Fprintln(os.Stderr, "mfadesk: "+s) }, runCommand: runCommand}
	for _, f := range opts {
		f(&o)
	}
	if prompt == nil {
		prompt = func(d DeviceCodePrompt) { fmt.Fprintln(os.Stderr, d.Message) }
	}
	b := &builder{ctx: ctx, p: p, o: o, prompt: prompt}
	cred, err := b.build()
	if err != nil {
		return nil, err
	}
	return explained{cred}, nil
}

func (b *builder) build() (azcore.TokenCredential, error) {
	switch b.p.Auth {
	case config.AuthDeviceCode:
		return b.deviceCode()
	case config.AuthBrowser:
		return b.browser()
	case config.AuthSecret:
		return b.secret()
	case config.AuthCertificate:
		return b.certificate()
	case config.AuthAzureCLI:
		return b.azureCLI()
	case config.AuthManagedIdentity:
		return b.managedIdentity()
	case config.AuthDefault, "":
		return b.chain()
	}
	return nil, fmt.Errorf("auth: unknown mode %q", b.p.Auth)
}

type builder struct {
	ctx    context.Context
	p      config.Profile
	o      options
	prompt func(DeviceCodePrompt)
}

// clientOptions points azidentity at the profile's cloud (or the
// authorityHost override) and the optional test transport.
func (b *builder) clientOptions() azcore.ClientOptions {
	e := b.p.Endpoints()
	co := azcore.ClientOptions{Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: e.AuthorityHost}}
	if b.o.httpClient != nil {
		co.Transport = b.o.httpClient
	}
	return co
}

// disableDiscovery: Entra's instance discovery only knows Microsoft's
// hosts; an overridden authority (a test server, a private cloud) has none.
func (b *builder) disableDiscovery() bool { return b.p.AuthorityHost != "" }

var storeWarning sync.Once

// newCache builds the persistent cache (a variable so tests can make it
// fail as it does on a host without a keyring).
var newCache = func() (azidentity.Cache, error) { return persistentCache(cacheName) }

// cacheName names the cache file and its keyring key (tests use their own).
var cacheName = "mfadesk"

// tokenCache returns the persistent cache, or the in-memory one (saying so
// once per process) when the machine has no usable secret store, as on
// many headless Linux hosts and containers.
func (b *builder) tokenCache() azidentity.Cache {
	if b.o.cache != nil {
		return *b.o.cache
	}
	c, err := newCache()
	if err != nil {
		storeWarning.Do(func() {
			b.o.warn("no secret store is available for the token cache (" + graph.CleanText(firstLine(err.Error())) +
				"); tokens are kept in memory and you will sign in again next time")
		})
		return azidentity.Cache{}
	}
	return c
}

func (b *builder) deviceCode() (azcore.TokenCredential, error) {
	if b.p.ClientID == "" {
		return nil, errors.New("auth devicecode: clientId is not set")
	}
	sniff := &deviceCodeSniffer{}
	co := b.clientOptions()
	co.PerCallPolicies = append(co.PerCallPolicies, sniff)
	rec, recOK := loadRecord(b.o.recordPath, b.p, b.o.warn)
	cred, err := azidentity.NewDeviceCodeCredential(&azidentity.DeviceCodeCredentialOptions{
		ClientOptions:              co,
		TenantID:                   signInTenant(b.p),
		AdditionallyAllowedTenants: partnerAllowed(b.p),
		ClientID:                   b.p.ClientID,
		AuthenticationRecord:       rec,
		Cache:                      b.tokenCache(),
		DisableInstanceDiscovery:   b.disableDiscovery(),
		UserPrompt: func(ctx context.Context, m azidentity.DeviceCodeMessage) error {
			exp := sniff.expires()
			if exp.IsZero() {
				exp = time.Now().Add(deviceCodeLifetime)
			}
			b.prompt(DeviceCodePrompt{
				Code:      graph.CleanText(m.UserCode),
				URL:       graph.CleanText(m.VerificationURL),
				ExpiresOn: exp,
				Message:   graph.CleanText(m.Message),
			})
			return nil
		},
	})
	if err != nil {
		return nil, fmt.Errorf("auth devicecode: %w", err)
	}
	return forTenant(newRecorded(cred, b.o.recordPath, recOK), b.p), nil
}

func (b *builder) browser() (azcore.TokenCredential, error) {
	if b.p.ClientID == "" {
		return nil, errors.New("auth browser: clientId is not set")
	}
	rec, recOK := loadRecord(b.o.recordPath, b.p, b.o.warn)
	cred, err := azidentity.NewInteractiveBrowserCredential(&azidentity.InteractiveBrowserCredentialOptions{
		ClientOptions:              b.clientOptions(),
		TenantID:                   signInTenant(b.p),
		AdditionallyAllowedTenants: partnerAllowed(b.p),
		ClientID:                   b.p.ClientID,
		AuthenticationRecord:       rec,
		Cache:                      b.tokenCache(),
		DisableInstanceDiscovery:   b.disableDiscovery(),
		// The app registration needs http://localhost as a "Mobile and
		// desktop" redirect URI (README).
		RedirectURL: "http://localhost",
	})
	if err != nil {
		return nil, fmt.Errorf("auth browser: %w", err)
	}
	return forTenant(newRecorded(cred, b.o.recordPath, recOK), b.p), nil
}

// secretValue returns the client secret: AZURE_CLIENT_SECRET (already in
// the profile) or the output of secretCommand.
func (b *builder) secretValue() (string, error) {
	if b.p.ClientSecret.IsSet() {
		return b.p.ClientSecret.Reveal(), nil
	}
	if b.p.SecretCommand == "" {
		return "", errors.New("no client secret: set AZURE_CLIENT_SECRET or secretCommand")
	}
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	s, err := b.o.runCommand(ctx, b.p.SecretCommand)
	if err != nil {
		return "", fmt.Errorf("secretCommand: %w", err)
	}
	if s == "" {
		return "", errors.New("secretCommand printed nothing")
	}
	return s, nil
}

func (b *builder) secret() (azcore.TokenCredential, error) {
	if b.p.Tenant == "" || b.p.ClientID == "" {
		return nil, errors.New("auth secret: tenant and clientId must be set")
	}
	s, err := b.secretValue()
	if err != nil {
		return nil, fmt.Errorf("auth secret: %w", err)
	}
	cred, err := azidentity.NewClientSecretCredential(b.p.Tenant, b.p.ClientID, s, &azidentity.ClientSecretCredentialOptions{
		ClientOptions:            b.clientOptions(),
		Cache:                    b.tokenCache(),
		DisableInstanceDiscovery: b.disableDiscovery(),
	})
	if err != nil {
		return nil, fmt.Errorf("auth secret: %w", err)
	}
	return defaultScope{cred}, nil
}

func (b *builder) certificate() (azcore.TokenCredential, error) {
	if b.p.Tenant == "" || b.p.ClientID == "" || b.p.Certificate == "" {
		return nil, errors.New("auth certificate: tenant, clientId and certificate must be set")
	}
	data, err := os.ReadFile(b.p.Certificate)
	if err != nil {
		return nil, fmt.Errorf("auth certificate: %w", err)
	}
	var pw []byte
	if b.p.CertificatePassword.IsSet() {
		pw = []byte(b.p.CertificatePassword.Reveal())
	}
	certs, key, err := azidentity.ParseCertificates(data, pw)
	if err != nil {
		// ParseCertificates' errors name the format problem, not the data.
		return nil, fmt.Errorf("auth certificate %s: %w", b.p.Certificate, err)
	}
	cred, err := azidentity.NewClientCertificateCredential(b.p.Tenant, b.p.ClientID, certs, key, &azidentity.ClientCertificateCredentialOptions{
		ClientOptions:            b.clientOptions(),
		Cache:                    b.tokenCache(),
		DisableInstanceDiscovery: b.disableDiscovery(),
	})
	if err != nil {
		return nil, fmt.Errorf("auth certificate: %w", err)
	}
	return defaultScope{cred}, nil
}

func (b *builder) managedIdentity() (azcore.TokenCredential, error) {
	mo := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: b.clientOptions()}
	if b.p.ManagedIdentityClientID != "" {
		mo.ID = azidentity.ClientID(b.p.ManagedIdentityClientID)
	}
	cred, err := azidentity.NewManagedIdentityCredential(mo)
	if err != nil {
		return nil, fmt.Errorf("auth managedidentity: %w", err)
	}
	return defaultScope{cred}, nil
}

// azureCLI reuses `az login`. The Azure CLI only hands out tokens for a
// resource's /.default, carrying the scopes consented to the Azure CLI app,
// which may lack what mfadesk needs: doctor shows what it got.
func (b *builder) azureCLI() (azcore.TokenCredential, error) {
	cred, err := azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: b.p.Tenant})
	if err != nil {
		return nil, fmt.Errorf("auth azcli: %w", err)
	}
	return defaultScope{cred}, nil
}

// chain is the default when nothing is configured: an app secret or
// certificate when one is available (scripts, CI), a managed identity when
// one is named, then the Azure CLI's sign-in, then device code.
func (b *builder) chain() (azcore.TokenCredential, error) {
	p := b.p
	if p.Tenant != "" && p.ClientID != "" && (p.ClientSecret.IsSet() || p.SecretCommand != "") {
		return b.secret()
	}
	if p.Tenant != "" && p.ClientID != "" && p.Certificate != "" {
		return b.certificate()
	}
	var sources []azcore.TokenCredential
	if p.ManagedIdentityClientID != "" {
		mi, err := b.managedIdentity()
		if err != nil {
			return nil, err
		}
		sources = append(sources, mi)
	}
	if cli, err := b.azureCLI(); err == nil {
		sources = append(sources, cli)
	}
	if p.ClientID != "" {
		dc, err := b.deviceCode()
		if err != nil {
			return nil, err
		}
		sources = append(sources, dc)
	}
	if len(sources) == 0 {
		return nil, errors.New("auth: nothing to sign in with; set clientId (device code) or sign in with `az login`")
	}
	return azidentity.NewChainedTokenCredential(sources, nil)
}

// Mode describes which sign-in a profile will use, for doctor and the TUI.
func Mode(p config.Profile) string {
	if p.Auth != config.AuthDefault && p.Auth != "" {
		return string(p.Auth)
	}
	switch {
	case p.Tenant != "" && p.ClientID != "" && (p.ClientSecret.IsSet() || p.SecretCommand != ""):
		return "default (client secret)"
	case p.Tenant != "" && p.ClientID != "" && p.Certificate != "":
		return "default (certificate)"
	}
	return "default (managed identity, Azure CLI, device code)"
}

// AppOnly reports whether p signs in as an application.
func AppOnly(p config.Profile) bool {
	if p.Auth.AppOnly() {
		return true
	}
	if p.Auth == config.AuthDefault || p.Auth == "" {
		return p.Tenant != "" && p.ClientID != "" && (p.ClientSecret.IsSet() || p.SecretCommand != "" || p.Certificate != "")
	}
	return false
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
