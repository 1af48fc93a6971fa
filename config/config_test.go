package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph"
)

const fakeSecret = "Abc8Q~k3Jx9vYt2LmPq7WzR4sN6hD1fG5bC0eXa" // shaped like an Entra client secret

// env builds a LookupEnv from pairs.
func env(kv ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func writeConfig(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const twoProfiles = `defaultProfile: contoso
profiles:
  contoso:
    tenant: contoso.onmicrosoft.com
    clientId: 11111111-2222-3333-4444-555555555555
    auth: devicecode
    readOnly: yes
    keepOnReset: [fido2, windowsHelloForBusiness]
    signInWindow: 3d
    bulk:
      concurrency: 8
    protected:
      users:
        - breakglass1@contoso.com
        - 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
    verificationChecklist:
      - Called back the number on file, then asked for the ticket
    notify:
      enabled: true
      sender: helpdesk@contoso.com
  fabrikam:
    tenant: 9f8e7d6c-5b4a-3928-1706-f5e4d3c2b1a0
    cloud: usgov
    auth: azcli
`

func TestLoadFile(t *testing.T) {
	path := writeConfig(t, twoProfiles)
	l, err := Load(Options{Path: path, LookupEnv: env()})
	if err != nil {
		t.Fatal(err)
	}
	p := l.Profile
	if p.Name != "contoso" || p.Tenant != "contoso.onmicrosoft.com" || p.Auth != AuthDeviceCode || !p.ReadOnly {
		t.Errorf("profile = %+v", p)
	}
	if got := fmt.Sprint(p.KeepOnReset); got != "[fido2 windowsHelloForBusiness]" {
		t.Errorf("keepOnReset = %s", got)
	}
	if p.SignInWindow.Duration != 72*time.Hour || p.SignInWindow.String() != "3d" {
		t.Errorf("signInWindow = %v", p.SignInWindow)
	}
	if p.Bulk.Concurrency != 8 || p.Bulk.ConfirmThreshold != 10 {
		t.Errorf("bulk = %+v (threshold should keep its default)", p.Bulk)
	}
	if len(p.Protected.Users) != 2 || p.Notify.Sender != "helpdesk@contoso.com" || !p.Notify.Enabled {
		t.Errorf("protected/notify = %+v %+v", p.Protected, p.Notify)
	}
	if p.Notify.Subject == "" {
		t.Error("notify.subject lost its default")
	}
	if l.Profiles[0] != "contoso" || l.Profiles[1] != "fabrikam" {
		t.Errorf("profiles = %v", l.Profiles)
	}
	for key, want := range map[string]string{
		"profile":          "file config.yaml:1",
		"tenant":           "file config.yaml:4",
		"bulk.concurrency": "file config.yaml:11",
		"cloud":            "default",
	} {
		if got := l.SourceOf(key).String(); got != want {
			t.Errorf("source of %s = %q, want %q", key, got, want)
		}
	}
	if e := p.Endpoints(); e.Graph != "https://graph.microsoft.com" || e.AuthorityHost != "https://login.microsoftonline.com/" {
		t.Errorf("endpoints = %+v", e)
	}

	// The other profile, by flag; cloud picks both endpoints.
	l, err = Load(Options{Path: path, Profile: "fabrikam", LookupEnv: env()})
	if err != nil {
		t.Fatal(err)
	}
	if e := l.Profile.Endpoints(); e.Graph != "https://graph.microsoft.us" || e.AuthorityHost != "https://login.microsoftonline.us/" {
		t.Errorf("usgov endpoints = %+v", e)
	}
	if l.SourceOf("profile").String() != "flag --profile" {
		t.Errorf("profile source = %v", l.SourceOf("profile"))
	}
}

func TestLayering(t *testing.T) {
	path := writeConfig(t, twoProfiles)
	tests := []struct {
		name    string
		env     []string
		flags   map[string]string
		key     string
		want    string
		wantSrc string
	}{
		{"file", nil, nil, "tenant", "contoso.onmicrosoft.com", "file config.yaml:4"},
		{"azure env over file", []string{"AZURE_TENANT_ID", "fabrikam.onmicrosoft.com"}, nil,
			"tenant", "fabrikam.onmicrosoft.com", "env AZURE_TENANT_ID"},
		{"mfadesk env over azure env", []string{"AZURE_TENANT_ID", "a.example.com", "MFADESK_TENANT", "b.example.com"}, nil,
			"tenant", "b.example.com", "env MFADESK_TENANT"},
		{"flag over env", []string{"MFADESK_TENANT", "b.example.com"}, map[string]string{"tenant": "c.example.com"},
			"tenant", "c.example.com", "flag --tenant"},
		{"azure client id", []string{"AZURE_CLIENT_ID", "99999999-2222-3333-4444-555555555555"}, nil,
			"clientId", "99999999-2222-3333-4444-555555555555", "env AZURE_CLIENT_ID"},
		{"nested env", []string{"MFADESK_BULK_CONFIRM_THRESHOLD", "50"}, nil, "bulk.confirmThreshold", "50", "env MFADESK_BULK_CONFIRM_THRESHOLD"},
		{"bool flag", nil, map[string]string{"readOnly": "false"}, "readOnly", "false", "flag --read-only"},
		{"list env", []string{"MFADESK_PROTECTED_USERS", "a@contoso.com, b@contoso.com"}, nil,
			"protected.users", "[a@contoso.com, b@contoso.com]", "env MFADESK_PROTECTED_USERS"},
		{"checklist env uses |", []string{"MFADESK_VERIFICATION_CHECKLIST", "one, with comma|two"}, nil,
			"verificationChecklist", "[one, with comma, two]", "env MFADESK_VERIFICATION_CHECKLIST"},
		{"profile from env", []string{"MFADESK_PROFILE", "fabrikam"}, nil, "cloud", "usgov", "file config.yaml:23"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Load(Options{Path: path, Flags: tt.flags, LookupEnv: env(tt.env...)})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range l.Entries() {
				if e.Key == tt.key {
					if e.Value != tt.want || e.Source.String() != tt.wantSrc {
						t.Errorf("%s = %q from %q, want %q from %q", tt.key, e.Value, e.Source, tt.want, tt.wantSrc)
					}
					return
				}
			}
			t.Fatalf("no entry %s", tt.key)
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		env     []string
		flags   map[string]string
		profile string
		want    []string // substrings of the error
	}{
		{"syntax", "profiles:\n  a:\n    tenant: x\n   clientId: y\n", nil, nil, "",
			[]string{"config.yaml:4", "invalid YAML"}},
		{"tab indent", "profiles:\n\ta: {}\n", nil, nil, "", []string{"config.yaml:2", "invalid YAML"}},
		{"unknown key with suggestion", "profiles:\n  a:\n    tenant: contoso.com\n    clientID: x\n", nil, nil, "",
			[]string{"config.yaml:4:5", `unknown key "clientID" in profiles.a`, `did you mean "clientId"?`}},
		{"unknown nested key", "profiles:\n  a:\n    bulk:\n      concurency: 3\n", nil, nil, "",
			[]string{"config.yaml:4:7", "in profiles.a.bulk", `did you mean "concurrency"?`}},
		{"unknown top key", "profile:\n  a: {}\n", nil, nil, "", []string{"config.yaml:1:1", `did you mean "profiles"?`}},
		{"far-off key lists known", "profiles:\n  a:\n    zzzzzz: 1\n", nil, nil, "", []string{"known keys: tenant, clientId"}},
		{"bad int", "profiles:\n  a:\n    bulk:\n      concurrency: ten\n", nil, nil, "",
			[]string{"config.yaml:4:20", "profiles.a.bulk.concurrency", "expected a whole number from 1 to 16", `got "ten"`}},
		{"int out of range", "profiles:\n  a:\n    bulk:\n      concurrency: 500\n", nil, nil, "", []string{"from 1 to 16"}},
		{"bad bool", "profiles:\n  a:\n    readOnly: maybe\n", nil, nil, "", []string{"config.yaml:3:15", "expected true or false"}},
		{"bad cloud", "profiles:\n  a:\n    cloud: azure\n", nil, nil, "", []string{"one of global, usgov, usgov-dod, china", `got "azure"`}},
		{"bad auth", "profiles:\n  a:\n    auth: password\n", nil, nil, "", []string{"one of default, devicecode"}},
		{"bad tenant", "profiles:\n  a:\n    tenant: not a tenant\n", nil, nil, "", []string{"a tenant id (GUID) or a verified domain"}},
		{"bad client id", "profiles:\n  a:\n    clientId: mfadesk\n", nil, nil, "", []string{"an application (client) id"}},
		{"http graph refused", "profiles:\n  a:\n    graphEndpoint: http://graph.example.com\n", nil, nil, "", []string{"https://"}},
		{"list expected", "profiles:\n  a:\n    keepOnReset: fido2\n", nil, nil, "", []string{"expected a list of method kinds", "got a string"}},
		{"bad list item", "profiles:\n  a:\n    keepOnReset: [fido2, password]\n", nil, nil, "", []string{`got "password"`}},
		{"group by name refused", "profiles:\n  a:\n    protected:\n      groups: [Break Glass]\n", nil, nil, "", []string{"group object ids"}},
		{"mapping expected", "profiles:\n  a:\n    bulk: 3\n", nil, nil, "", []string{"expected a mapping (confirmThreshold, concurrency)"}},
		{"duplicate key", "profiles:\n  a:\n    tenant: a.com\n    tenant: b.com\n", nil, nil, "", []string{"config.yaml:4:5", "appears twice (first at line 3)"}},
		{"secret key refused", "profiles:\n  a:\n    clientSecret: " + fakeSecret + "\n", nil, nil, "",
			[]string{"config.yaml:3:5", "secrets are never read from the config file", "AZURE_CLIENT_SECRET"}},
		{"password key refused", "profiles:\n  a:\n    certificatePassword: hunter2\n", nil, nil, "", []string{"secrets are never read"}},
		{"secret value under another key", "profiles:\n  a:\n    theme: " + fakeSecret + "\n", nil, nil, "", []string{"looks like a secret"}},
		{"secret value as unknown key", "profiles:\n  a:\n    " + fakeSecret + ": 1\n", nil, nil, "", []string{"(a value not shown)"}},
		{"long value not echoed", "profiles:\n  a:\n    cloud: " + strings.Repeat("x", 50) + "\n", nil, nil, "", []string{"not shown"}},
		{"alias refused", "x: &a {}\nprofiles:\n  a: *a\n", nil, nil, "", []string{"aliases"}},
		{"two documents", "profiles: {}\n---\nprofiles: {}\n", nil, nil, "", []string{"second YAML document"}},
		{"root not a mapping", "- a\n- b\n", nil, nil, "", []string{"config.yaml:1:1", "expected a mapping"}},
		{"default profile missing", "defaultProfile: contosso\nprofiles:\n  contoso: {}\n", nil, nil, "",
			[]string{"config.yaml:1:17", `no profile named "contosso"`, `did you mean "contoso"?`}},
		{"flag profile missing", "profiles:\n  contoso: {}\n  fabrikam: {}\n", nil, nil, "fabrikan",
			[]string{`profile "fabrikan" (from flag --profile)`, `did you mean "fabrikam"?`}},
		{"bad profile name", "profiles:\n  \"a b\": {}\n", nil, nil, "", []string{"profile names are"}},
		{"bad env value", "profiles:\n  a: {}\n", []string{"MFADESK_CLOUD", "mars"}, nil, "",
			[]string{"MFADESK_CLOUD: cloud: bad value \"mars\"; expected one of global"}},
		{"bad env secret-like value not echoed", "profiles:\n  a: {}\n", []string{"MFADESK_TENANT", fakeSecret}, nil, "",
			[]string{"MFADESK_TENANT: tenant: bad value; expected"}},
		{"bad flag value", "profiles:\n  a: {}\n", nil, map[string]string{"bulk.concurrency": "0"}, "",
			[]string{"--bulk-concurrency: bulk.concurrency: bad value \"0\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.content)
			l, err := Load(Options{Path: path, Profile: tt.profile, Flags: tt.flags, LookupEnv: env(tt.env...)})
			if err == nil {
				t.Fatalf("no error; loaded %+v", l.Profile)
			}
			if l != nil {
				t.Errorf("a failed load returned a config")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\n  does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), fakeSecret) {
				t.Errorf("error echoes the secret: %q", err)
			}
		})
	}
}

func TestFileErrorPosition(t *testing.T) {
	_, err := Load(Options{Path: writeConfig(t, "profiles:\n  a:\n    cloud: mars\n"), LookupEnv: env()})
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %T %v, want *FileError", err, err)
	}
	if fe.Line != 3 || fe.Column != 12 || fe.Key != "profiles.a.cloud" {
		t.Errorf("FileError = %+v", fe)
	}
}

func TestNoConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "config.yaml")
	l, err := Load(Options{Path: path, LookupEnv: env()})
	if !errors.Is(err, ErrNoConfig) {
		t.Fatalf("err = %v, want ErrNoConfig", err)
	}
	if l == nil || l.FileFound || l.Profile.Cloud != CloudGlobal || !strings.Contains(err.Error(), "mfadesk config init") {
		t.Errorf("loaded = %+v, err %v", l, err)
	}
	if Exists(path) {
		t.Error("Exists on a missing file")
	}
	// The environment alone is a configuration (CI, containers).
	l, err = Load(Options{Path: path, LookupEnv: env("AZURE_TENANT_ID", "contoso.com", "MFADESK_AUTH", "azcli")})
	if err != nil || l.Profile.Tenant != "contoso.com" || l.Profile.Name != "default" {
		t.Fatalf("env-only load: %v %+v", err, l)
	}
	// MFADESK_CONFIG picks the file.
	cfg := writeConfig(t, twoProfiles)
	l, err = Load(Options{LookupEnv: env("MFADESK_CONFIG", cfg)})
	if err != nil || l.Path != cfg || l.Profile.Name != "contoso" {
		t.Fatalf("MFADESK_CONFIG: %v %+v", err, l)
	}
}

func TestEmptyAndSingleProfile(t *testing.T) {
	for _, content := range []string{"", "# only a comment\n", "profiles:\n", "~\n"} {
		l, err := Load(Options{Path: writeConfig(t, content), LookupEnv: env()})
		if err != nil || l.Profile.Name != "default" || !l.FileFound {
			t.Errorf("%q: %v %+v", content, err, l)
		}
	}
	l, err := Load(Options{Path: writeConfig(t, "profiles:\n  solo:\n    tenant: solo.com\n"), LookupEnv: env()})
	if err != nil || l.Profile.Name != "solo" || l.SourceOf("profile").Where != "only profile" {
		t.Fatalf("%v %+v", err, l)
	}
}

func TestPermissionWarning(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	path := writeConfig(t, twoProfiles)
	l, err := Load(Options{Path: path, LookupEnv: env()})
	if err != nil || len(l.Warnings) != 0 {
		t.Fatalf("0600: %v %v", err, l.Warnings)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	l, err = Load(Options{Path: path, LookupEnv: env()})
	if err != nil || len(l.Warnings) != 1 || !strings.Contains(l.Warnings[0], "readable by others (mode 0644)") {
		t.Fatalf("0644: %v %v", err, l.Warnings)
	}
}

func TestSecretNeverPrinted(t *testing.T) {
	path := writeConfig(t, "profiles:\n  a:\n    tenant: contoso.com\n    clientId: 11111111-2222-3333-4444-555555555555\n    auth: secret\n")
	l, err := Load(Options{Path: path, LookupEnv: env("AZURE_CLIENT_SECRET", fakeSecret, "AZURE_CLIENT_CERTIFICATE_PASSWORD", "pfx-"+fakeSecret)})
	if err != nil {
		t.Fatal(err)
	}
	if l.Profile.ClientSecret.Reveal() != fakeSecret {
		t.Fatal("secret not loaded")
	}
	var text, js strings.Builder
	if err := l.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := l.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(l)
	for name, s := range map[string]string{
		"text": text.String(), "json": js.String(), "marshal": string(raw),
		"%v": fmt.Sprintf("%v", l.Profile), "%+v": fmt.Sprintf("%+v", l.Profile), "%#v": fmt.Sprintf("%#v", l.Profile),
		"%s": fmt.Sprintf("%s", l.Profile.ClientSecret), "%q": fmt.Sprintf("%q", l.Profile.ClientSecret),
		"%x": fmt.Sprintf("%x", l.Profile.ClientSecret),
	} {
		if strings.Contains(s, fakeSecret) || strings.Contains(s, fmt.Sprintf("%x", fakeSecret)) {
			t.Errorf("%s shows the secret: %s", name, s)
		}
	}
	if !strings.Contains(text.String(), "clientSecret") || !strings.Contains(text.String(), "[redacted]") ||
		!strings.Contains(text.String(), "env AZURE_CLIENT_SECRET") {
		t.Errorf("show does not say a secret is set and where from:\n%s", text.String())
	}
}

func TestShowText(t *testing.T) {
	l, err := Load(Options{Path: writeConfig(t, twoProfiles), Flags: map[string]string{"readOnly": "true"}, LookupEnv: env()})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := l.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"profile    contoso", "profiles   contoso, fabrikam",
		"endpoints  authority https://login.microsoftonline.com/, graph https://graph.microsoft.com",
		regexp.MustCompile(`readOnly\s+true\s+flag --read-only`).FindString(out),
		"keepOnReset",
	} {
		if want == "" || !strings.Contains(out, want) {
			t.Errorf("show output lacks %q:\n%s", want, out)
		}
	}
}

func TestStarter(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "config.yaml")
	o := StarterOptions{Tenant: "contoso.onmicrosoft.com", ClientID: "11111111-2222-3333-4444-555555555555"}
	if err := WriteStarter(path, o, false); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		fi, _ := os.Stat(path)
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("mode = %v", fi.Mode())
		}
	}
	l, err := Load(Options{Path: path, LookupEnv: env()})
	if err != nil {
		t.Fatalf("starter does not load: %v", err)
	}
	if l.Profile.Tenant != o.Tenant || l.Profile.ClientID != o.ClientID || l.Profile.Auth != AuthDeviceCode || len(l.Warnings) != 0 {
		t.Errorf("starter loaded as %+v (warnings %v)", l.Profile, l.Warnings)
	}
	if err := WriteStarter(path, o, false); !errors.Is(err, ErrExists) {
		t.Errorf("second write: %v, want ErrExists", err)
	}
	if err := WriteStarter(path, StarterOptions{Profile: "lab", Tenant: "lab.example.com"}, true); err != nil {
		t.Errorf("forced write: %v", err)
	}
	// A starter without answers still parses; Load then asks for a client id.
	if _, err := Starter(StarterOptions{}); err != nil {
		t.Errorf("empty starter: %v", err)
	}
	if _, err := Starter(StarterOptions{Tenant: "not a tenant"}); err == nil {
		t.Error("a bad tenant was accepted")
	}
}

func TestEndpointsOverride(t *testing.T) {
	p := Defaults()
	p.Cloud = CloudChina
	if e := p.Endpoints(); e.Graph != "https://microsoftgraph.chinacloudapi.cn" || e.AuthorityHost != "https://login.chinacloudapi.cn/" {
		t.Errorf("china = %+v", e)
	}
	p.GraphEndpoint, p.AuthorityHost = "http://127.0.0.1:8080/", "https://127.0.0.1:9443/"
	if e := p.Endpoints(); e.Graph != "http://127.0.0.1:8080" || e.AuthorityHost != "https://127.0.0.1:9443/" {
		t.Errorf("override = %+v", e)
	}
}

func TestNames(t *testing.T) {
	for key, want := range map[string][2]string{
		"clientId":              {"client-id", "MFADESK_CLIENT_ID"},
		"bulk.confirmThreshold": {"bulk-confirm-threshold", "MFADESK_BULK_CONFIRM_THRESHOLD"},
		"readOnly":              {"read-only", "MFADESK_READ_ONLY"},
	} {
		if FlagName(key) != want[0] || EnvName(key) != want[1] {
			t.Errorf("%s -> %s %s", key, FlagName(key), EnvName(key))
		}
	}
	if len(Keys()) < 20 || Keys()[0] != "tenant" {
		t.Errorf("keys = %v", Keys())
	}
	if !AuthSecret.AppOnly() || AuthDeviceCode.AppOnly() {
		t.Error("AppOnly")
	}
	_ = graph.KindFIDO2
}

func TestCheck(t *testing.T) {
	if err := Check("graphEndpoint", "http://127.0.0.1:8080"); err != nil {
		t.Error(err)
	}
	if err := Check("graphEndpoint", "http://graph.example.com"); err == nil {
		t.Error("plain http accepted")
	}
	if err := Check("protected.users", "a@contoso.com,b@contoso.com"); err != nil {
		t.Error(err)
	}
	if err := Check("nope", "x"); err == nil {
		t.Error("unknown key accepted")
	}
}

func TestCrossFieldWarnings(t *testing.T) {
	tests := []struct{ name, content, want string }{
		{"secret mode without secret", "profiles:\n  a:\n    tenant: contoso.com\n    clientId: 11111111-2222-3333-4444-555555555555\n    auth: secret\n",
			"AZURE_CLIENT_SECRET in the environment or secretCommand"},
		{"device code without client id", "profiles:\n  a:\n    auth: devicecode\n", "devicecode needs clientId"},
		{"toManager without enabled", "profiles:\n  a:\n    notify:\n      toManager: true\n", "notify.enabled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Load(Options{Path: writeConfig(t, tt.content), LookupEnv: env()})
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Warnings) != 1 || !strings.Contains(l.Warnings[0], tt.want) {
				t.Errorf("warnings = %q", l.Warnings)
			}
			if err := l.Profile.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate = %v", err)
			}
		})
	}
}

// The README's config reference names every key (keeps docs and code together).
func TestREADMEListsEveryKey(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Skip("no README")
	}
	readme := string(data)
	start := strings.Index(readme, "### Config file")
	if start < 0 {
		t.Fatal("README has no \"### Config file\" section")
	}
	section := readme[start:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	for _, k := range Keys() {
		if !strings.Contains(section, "`"+k+"`") {
			t.Errorf("README's config reference does not list `%s`", k)
		}
	}
	for _, m := range AuthModes {
		if !strings.Contains(readme, "| `"+string(m)+"` |") {
			t.Errorf("README's sign-in modes do not list `%s`", m)
		}
	}
}
