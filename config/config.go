// Package config loads mfadesk's settings: a YAML file of per-tenant
// profiles (os.UserConfigDir()/mfadesk/config.yaml, or --config), overridden
// by the environment (MFADESK_*, and azidentity's AZURE_TENANT_ID /
// AZURE_CLIENT_ID / AZURE_CLIENT_SECRET conventions), overridden by flags.
// Load reports where every value came from, so `mfadesk config show` can
// answer "why is it using that tenant?".
//
// Secrets are never read from the file: a client secret comes from
// AZURE_CLIENT_SECRET or from the output of a configured secretCommand, and a
// file that carries a secret-looking key is refused.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mfadesk/mfadesk/graph"
)

// ErrNoConfig means there is no config file and neither the environment nor
// flags named a tenant: a first launch. Load still returns the defaults with
// it, so a caller may carry on (the TUI shows its welcome screen instead).
var ErrNoConfig = errors.New("no mfadesk configuration")

// AuthMode selects how mfadesk signs in.
type AuthMode string

const (
	// AuthDefault tries, in order: client secret (AZURE_CLIENT_SECRET or
	// secretCommand), certificate, managed identity (only when a managed
	// identity client id is set), Azure CLI, then device code.
	AuthDefault         AuthMode = "default"
	AuthDeviceCode      AuthMode = "devicecode"
	AuthBrowser         AuthMode = "browser"
	AuthSecret          AuthMode = "secret"
	AuthCertificate     AuthMode = "certificate"
	AuthAzureCLI        AuthMode = "azcli"
	AuthManagedIdentity AuthMode = "managedidentity"
)

// AuthModes lists the valid modes in the order the docs show them.
var AuthModes = []AuthMode{AuthDefault, AuthDeviceCode, AuthBrowser, AuthSecret, AuthCertificate, AuthAzureCLI, AuthManagedIdentity}

// AppOnly reports a mode that signs in as an application (no user), which
// asks for Graph's /.default scope and is limited by app roles, not
// directory roles.
func (m AuthMode) AppOnly() bool {
	return m == AuthSecret || m == AuthCertificate || m == AuthManagedIdentity
}

// Cloud names a Microsoft cloud; authority and Graph endpoint go together.
type Cloud string

const (
	CloudGlobal   Cloud = "global"
	CloudUSGov    Cloud = "usgov"     // GCC High
	CloudUSGovDoD Cloud = "usgov-dod" // DoD
	CloudChina    Cloud = "china"     // operated by 21Vianet
)

// Endpoints of one cloud. Graph is the service root without a version.
type Endpoints struct {
	AuthorityHost string `json:"authorityHost"`
	Graph         string `json:"graph"`
}

var clouds = map[Cloud]Endpoints{
	CloudGlobal:   {"https://login.microsoftonline.com/", "https://graph.microsoft.com"},
	CloudUSGov:    {"https://login.microsoftonline.us/", "https://graph.microsoft.us"},
	CloudUSGovDoD: {"https://login.microsoftonline.us/", "https://dod-graph.microsoft.us"},
	CloudChina:    {"https://login.chinacloudapi.cn/", "https://microsoftgraph.chinacloudapi.cn"},
}

// Clouds lists the known clouds.
var Clouds = []Cloud{CloudGlobal, CloudUSGov, CloudUSGovDoD, CloudChina}

// Endpoints returns the cloud's authority host and Graph root (global for an
// unknown cloud; Load refuses unknown clouds, so that only happens for a
// hand-built Profile).
func (c Cloud) Endpoints() Endpoints {
	if e, ok := clouds[c]; ok {
		return e
	}
	return clouds[CloudGlobal]
}

// Duration is a time.Duration written as "7d", "36h" or "90m" in the file.
type Duration struct{ time.Duration }

func (d Duration) String() string {
	if d.Duration > 0 && d.Duration%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d.Duration/(24*time.Hour))
	}
	return d.Duration.String()
}

func parseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		var days int
		if _, err := fmt.Sscanf(n, "%d", &days); err != nil || fmt.Sprint(days) != n {
			return Duration{}, errors.New("bad number of days")
		}
		return Duration{time.Duration(days) * 24 * time.Hour}, nil
	}
	d, err := time.ParseDuration(s)
	return Duration{d}, err
}

// Secret holds a client secret or certificate password in memory. Every way
// of printing it (fmt verbs, JSON, YAML, text) shows "[redacted]".
type Secret struct{ value string }

// NewSecret wraps s.
func NewSecret(s string) Secret { return Secret{s} }

// Reveal returns the secret itself, for the credential and nothing else.
func (s Secret) Reveal() string { return s.value }

// IsSet reports a non-empty secret.
func (s Secret) IsSet() bool { return s.value != "" }

func (s Secret) redacted() string {
	if s.value == "" {
		return ""
	}
	return "[redacted]"
}

func (s Secret) String() string               { return s.redacted() }
func (s Secret) GoString() string             { return `config.Secret{"` + s.redacted() + `"}` }
func (s Secret) Format(f fmt.State, _ rune)   { fmt.Fprint(f, s.redacted()) }
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.redacted()), nil }
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.redacted() + `"`), nil }
func (s Secret) MarshalYAML() (any, error)    { return s.redacted(), nil }

// Profile is one tenant's effective settings. YAML keys are the yaml tags;
// environment variables are MFADESK_ + the key in upper snake case
// (bulk.confirmThreshold -> MFADESK_BULK_CONFIRM_THRESHOLD); flags are the
// key in kebab case (--bulk-confirm-threshold).
type Profile struct {
	// Name is the profile's name in the file ("default" without a file).
	Name string `yaml:"-" json:"name"`

	// Tenant is the directory (tenant) id or a verified domain.
	Tenant string `yaml:"tenant" json:"tenant"`
	// ClientID is the app registration's application (client) id.
	ClientID string `yaml:"clientId" json:"clientId"`
	// PartnerTenant is the tenant the technician signs in to when it is
	// not Tenant: a partner's (CSP / GDAP) own tenant. One sign-in there
	// reaches every customer tenant a profile names (azidentity's
	// additionally allowed tenants); each profile's tokens are asked of
	// its Tenant. devicecode and browser only.
	PartnerTenant string   `yaml:"partnerTenant" json:"partnerTenant,omitempty"`
	Auth          AuthMode `yaml:"auth" json:"auth"`
	Cloud         Cloud    `yaml:"cloud" json:"cloud"`
	// GraphEndpoint and AuthorityHost override the cloud's (proxies, tests).
	GraphEndpoint string `yaml:"graphEndpoint" json:"graphEndpoint,omitempty"`
	AuthorityHost string `yaml:"authorityHost" json:"authorityHost,omitempty"`

	// Certificate is a PEM or PKCS#12 file for auth: certificate.
	Certificate string `yaml:"certificate" json:"certificate,omitempty"`
	// SecretCommand prints the client secret on stdout (e.g. `pass show
	// mfadesk`, `op read op://vault/mfadesk/secret`). Run by the shell.
	SecretCommand string `yaml:"secretCommand" json:"secretCommand,omitempty"`
	// ManagedIdentityClientID selects a user-assigned managed identity.
	ManagedIdentityClientID string `yaml:"managedIdentityClientId" json:"managedIdentityClientId,omitempty"`

	// ReadOnly enables no change and asks for no write scope.
	ReadOnly bool `yaml:"readOnly" json:"readOnly"`
	// KeepOnReset lists method kinds a reset leaves in place (e.g. fido2,
	// windowsHelloForBusiness).
	KeepOnReset []graph.MethodKind `yaml:"keepOnReset" json:"keepOnReset"`
	// SignInWindow is how far back sign-ins are shown.
	SignInWindow Duration `yaml:"signInWindow" json:"signInWindow"`
	Bulk         Bulk     `yaml:"bulk" json:"bulk"`
	// Protected users and groups are never changed by any action.
	Protected Protected `yaml:"protected" json:"protected"`
	Notify    Notify    `yaml:"notify" json:"notify"`
	// TicketRequired makes every change ask for a ticket or reason.
	TicketRequired bool `yaml:"ticketRequired" json:"ticketRequired"`
	// VerificationChecklist lines are shown (and must be ticked) before a
	// reset or TAP.
	VerificationChecklist []string `yaml:"verificationChecklist" json:"verificationChecklist"`
	Theme                 string   `yaml:"theme" json:"theme"`

	// ClientSecret comes only from AZURE_CLIENT_SECRET (never the file);
	// secretCommand is run by the auth package when the secret is needed.
	ClientSecret Secret `yaml:"-" json:"-"`
	// CertificatePassword comes only from AZURE_CLIENT_CERTIFICATE_PASSWORD.
	CertificatePassword Secret `yaml:"-" json:"-"`
}

type Bulk struct {
	// ConfirmThreshold: runs touching at least this many users need a
	// typed confirmation.
	ConfirmThreshold int `yaml:"confirmThreshold" json:"confirmThreshold"`
	// Concurrency is how many users are worked on at once.
	Concurrency int `yaml:"concurrency" json:"concurrency"`
}

type Protected struct {
	// Users are UPNs or object ids.
	Users []string `yaml:"users" json:"users"`
	// Groups are group object ids or display names; their (transitive)
	// members are protected (needs GroupMember.Read.All).
	Groups []string `yaml:"groups" json:"groups"`
}

type Notify struct {
	Enabled bool `yaml:"enabled" json:"enabled"`
	// Sender is the mailbox mail is sent from; empty means the operator.
	Sender string `yaml:"sender" json:"sender,omitempty"`
	// Subject and Body are Go text/template strings; see the README for the
	// fields available.
	Subject string `yaml:"subject" json:"subject"`
	// Subjects are per-kind subjects (keys reset, reregister, tap): the
	// one for a mail's kind wins over Subject.
	Subjects  map[string]string `yaml:"subjects" json:"subjects,omitempty"`
	Body      string            `yaml:"body" json:"body"`
	ToManager bool              `yaml:"toManager" json:"toManager"`
}

// Template is the profile's notification settings for graph.BuildNotification
// (To is filled per mail).
func (n Notify) Template() graph.Notification {
	t := graph.Notification{From: n.Sender, Subject: n.Subject, Body: n.Body}
	for k, s := range n.Subjects {
		if t.Subjects == nil {
			t.Subjects = map[graph.NotifyKind]string{}
		}
		t.Subjects[graph.NotifyKind(k)] = s
	}
	return t
}

// Endpoints returns the authority host and Graph root in use: the cloud's,
// unless overridden.
func (p Profile) Endpoints() Endpoints {
	e := p.Cloud.Endpoints()
	if p.AuthorityHost != "" {
		e.AuthorityHost = p.AuthorityHost
	}
	if p.GraphEndpoint != "" {
		e.Graph = strings.TrimRight(p.GraphEndpoint, "/")
	}
	return e
}

// Defaults is the profile every setting starts from.
func Defaults() Profile {
	return Profile{
		Name:         "default",
		Auth:         AuthDefault,
		Cloud:        CloudGlobal,
		SignInWindow: Duration{7 * 24 * time.Hour},
		Bulk:         Bulk{ConfirmThreshold: 10, Concurrency: graph.DefaultConcurrency},
		// The notification templates default to graph's, which say what was
		// done (reset, re-registration, a pass issued) in the user's words.
		Notify: Notify{Subject: graph.DefaultNotifySubject, Body: graph.DefaultNotifyBody},
		Theme:  "auto",
	}
}

// DefaultPath is os.UserConfigDir()/mfadesk/config.yaml.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the config directory: %w", err)
	}
	return filepath.Join(dir, "mfadesk", "config.yaml"), nil
}

// Exists reports whether a config file is at path.
func Exists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// AuthRecordPath is where the sign-in's AuthenticationRecord (who signed in,
// not a token) is kept for a profile: next to the config file.
func AuthRecordPath(configPath, profile string) string {
	return filepath.Join(filepath.Dir(configPath), "auth-"+profile+".json")
}

// PartnerRecordPath is the sign-in record every profile with the same
// partnerTenant shares: one sign-in for all of a partner's customers.
func PartnerRecordPath(configPath, partnerTenant string) string {
	return filepath.Join(filepath.Dir(configPath), "auth-partner-"+strings.ToLower(partnerTenant)+".json")
}
