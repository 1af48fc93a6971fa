package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"text/template"
)

// starter is the file `mfadesk config init` writes: every setting, with
// what it does, most of them commented out at their defaults.
var starter = template.Must(template.New("starter").Parse(`# mfadesk configuration. Reference: README, "Sign-in and configuration".
# Values here are overridden by MFADESK_* environment variables (and
# AZURE_TENANT_ID / AZURE_CLIENT_ID), which are overridden by flags.
# Secrets never go in this file: a client secret comes from AZURE_CLIENT_SECRET
# or from secretCommand.

defaultProfile: {{.Profile}}

profiles:
  {{.Profile}}:
    # Directory (tenant) id or a verified domain.
    tenant: {{if .Tenant}}{{.Tenant}}{{else}}""  # fill in{{end}}
    # Application (client) id of the app registration mfadesk signs in with.
    clientId: {{if .ClientID}}{{.ClientID}}{{else}}""  # fill in{{end}}
    # How to sign in: default, devicecode, browser, secret, certificate, azcli,
    # managedidentity. "default" tries secret, certificate, managed identity,
    # Azure CLI, then device code.
    auth: {{.Auth}}
    # global, usgov (GCC High), usgov-dod, china.
    cloud: {{if .Cloud}}{{.Cloud}}{{else}}global{{end}}
    # secretCommand: "pass show mfadesk/client-secret"   # prints the client secret
    # certificate: /path/to/mfadesk.pem                  # for auth: certificate

    # Look but never touch: no change is possible and no write permission
    # is asked for.
    readOnly: {{.ReadOnly}}

    # Method kinds a reset leaves in place, e.g. [fido2, windowsHelloForBusiness].
    keepOnReset: []
    # How far back sign-ins are shown (1h to 30d).
    signInWindow: 7d

    bulk:
      # Runs touching this many users or more need a typed confirmation.
      confirmThreshold: 10
      # Users worked on at once (1-16).
      concurrency: 4

    # Accounts no action may ever change (break-glass admins): UPNs or
    # object ids, and group object ids whose members are all protected.
    protected:
      users: []
      groups: []

    # Ask for a ticket number or reason before every change.
    ticketRequired: false
    # Lines the technician must tick before a reset or TAP.
    verificationChecklist:
      # - Verified the caller by calling back the number on file
      # - Checked the request against the open ticket

    # Mail the user (or their manager) after a reset or TAP.
    notify:
      enabled: false
      # sender: helpdesk@contoso.com   # empty: sent as the signed-in operator
      toManager: false
      # subject: and body: are templates; see the README for the fields.

    # auto, dark, light.
    theme: auto
`))

// StarterOptions fill in the starter file.
type StarterOptions struct {
	Profile  string // "default" when empty
	Tenant   string
	ClientID string
	Auth     AuthMode // devicecode when empty
	ReadOnly bool     // readOnly: true (mfadesk setup --read-only)
	Cloud    Cloud    // global when empty (mfadesk setup --cloud)
}

// Starter renders the commented starter file. Tenant and client id are
// checked so that what init writes, Load accepts.
func Starter(o StarterOptions) ([]byte, error) {
	if o.Profile == "" {
		o.Profile = "default"
	}
	if o.Auth == "" {
		o.Auth = AuthDeviceCode
	}
	if !profileNameRE.MatchString(o.Profile) {
		return nil, errors.New("profile names are letters, digits, '.', '_' and '-'")
	}
	for key, v := range map[string]string{"tenant": o.Tenant, "clientId": o.ClientID, "auth": string(o.Auth)} {
		if v == "" {
			continue
		}
		s, _ := lookupSetting(key)
		if err := s.check(v); err != nil {
			return nil, valueError(key, s, v)
		}
	}
	var b bytes.Buffer
	if err := starter.Execute(&b, o); err != nil {
		return nil, err
	}
	// Self-check: the starter must parse.
	if _, err := parseFile("starter", b.Bytes()); err != nil {
		return nil, fmt.Errorf("internal: starter config does not parse: %w", err)
	}
	return b.Bytes(), nil
}

// ErrExists is returned by WriteStarter when the file is already there.
var ErrExists = errors.New("config file already exists")

// WriteStarter writes the starter to path (directory 0700, file 0600),
// never over an existing file unless force.
func WriteStarter(path string, o StarterOptions, force bool) error {
	data, err := Starter(o)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("creating the config directory: %w", err)
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%w: %s (use --force to overwrite)", ErrExists, path)
	}
	if err != nil {
		return fmt.Errorf("writing config: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("writing config: %w", err)
	}
	if err := f.Chmod(0o600); err != nil && force {
		f.Close()
		return fmt.Errorf("writing config: %w", err)
	}
	return f.Close()
}
