package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/internal/bounded"
)

// ConfigLimits bound what is read of a config file: it is a few kilobytes.
// Past a limit the file is refused whole (README, "Many users from a CSV").
var ConfigLimits = bounded.Limits{MaxBytes: 1 << 20, MaxLines: 20_000, MaxLineLen: 16 << 10}

// Options says where to load from. The zero value loads the default path,
// the process environment and no flags.
type Options struct {
	// Path is --config; empty means MFADESK_CONFIG, then DefaultPath.
	Path string
	// Profile is --profile; empty means MFADESK_PROFILE, then the file's
	// defaultProfile, then the only profile, then "default".
	Profile string
	// Flags are flag values the user set, keyed by setting key ("tenant",
	// "readOnly", "bulk.concurrency"); see Keys and FlagName.
	Flags map[string]string
	// LookupEnv defaults to os.LookupEnv (tests pass their own).
	LookupEnv func(string) (string, bool)
}

// SourceKind says which layer a value came from.
type SourceKind string

const (
	FromDefault SourceKind = "default"
	FromFile    SourceKind = "file"
	FromEnv     SourceKind = "env"
	FromFlag    SourceKind = "flag"
)

// Source is where one value came from: {file, "config.yaml:12"},
// {env, "AZURE_TENANT_ID"}, {flag, "--tenant"}.
type Source struct {
	Kind  SourceKind `json:"kind"`
	Where string     `json:"where,omitempty"`
}

func (s Source) String() string {
	if s.Where == "" {
		return string(s.Kind)
	}
	return string(s.Kind) + " " + s.Where
}

// Loaded is the effective configuration.
type Loaded struct {
	Profile Profile `json:"profile"`
	// Path is the config file consulted; FileFound whether it existed.
	Path      string `json:"path"`
	FileFound bool   `json:"fileFound"`
	// Profiles are the profile names in the file.
	Profiles []string `json:"profiles"`
	// Sources maps each setting key (and "profile", "clientSecret") to
	// where its value came from.
	Sources map[string]Source `json:"sources"`
	// Warnings are worth showing once (a file readable by others, ...).
	Warnings []string `json:"warnings,omitempty"`
}

// SourceOf returns where key's value came from (default when unset).
func (l *Loaded) SourceOf(key string) Source {
	if s, ok := l.Sources[key]; ok {
		return s
	}
	return Source{Kind: FromDefault}
}

// Load builds the effective profile: defaults, then the file, then the
// environment, then flags. A missing file is not an error unless nothing
// else names a tenant either (then the error wraps ErrNoConfig and the
// returned *Loaded holds the defaults). Every other error is returned with
// a nil *Loaded and says where (file:line:column), which key, and what was
// expected; it never repeats a value that might be a secret.
func Load(opts Options) (*Loaded, error) {
	env := opts.LookupEnv
	if env == nil {
		env = os.LookupEnv
	}
	l := &Loaded{Path: opts.Path, Sources: map[string]Source{}}
	if l.Path == "" {
		if v, ok := env("MFADESK_CONFIG"); ok && v != "" {
			l.Path = v
		} else {
			p, err := DefaultPath()
			if err != nil {
				return nil, err
			}
			l.Path = p
		}
	}

	var file *fileConfig
	data, err := readFile(l.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		l.FileFound = true
		l.Warnings = append(l.Warnings, permissionWarning(l.Path)...)
		file, err = parseFile(filepath.Base(l.Path), data)
		if err != nil {
			return nil, err
		}
		l.Profiles = file.order
	}

	// Which profile.
	name, nameSrc := opts.Profile, Source{FromFlag, "--profile"}
	if name == "" {
		if v, ok := env("MFADESK_PROFILE"); ok && v != "" {
			name, nameSrc = v, Source{FromEnv, "MFADESK_PROFILE"}
		}
	}
	if name == "" && file != nil && file.defaultProfile != "" {
		name, nameSrc = file.defaultProfile, Source{FromFile, file.defaultProfileAt}
	}
	if name == "" && file != nil && len(file.order) == 1 {
		name, nameSrc = file.order[0], Source{FromFile, "only profile"}
	}
	if name == "" {
		name, nameSrc = "default", Source{Kind: FromDefault}
	}
	l.Sources["profile"] = nameSrc

	l.Profile = Defaults()
	l.Profile.Name = name
	if file != nil {
		fp, ok := file.profiles[name]
		if !ok && (nameSrc.Kind != FromDefault || len(file.order) > 0) {
			return nil, unknownProfile(name, nameSrc, file.order)
		}
		if ok {
			if err := fp.apply(&l.Profile, l.Sources); err != nil {
				return nil, err
			}
		}
	}

	// Environment, then flags.
	for _, s := range settings {
		// Strongest first: the first variable that is set wins.
		for _, ev := range s.Env {
			v, ok := env(ev)
			if !ok || v == "" {
				continue
			}
			if err := s.setString(&l.Profile, v); err != nil {
				return nil, valueError(ev, s, v)
			}
			l.Sources[s.Key] = Source{FromEnv, ev}
			break
		}
	}
	for key, v := range opts.Flags {
		s, ok := lookupSetting(key)
		if !ok {
			return nil, fmt.Errorf("internal: no setting %q for a flag", key)
		}
		if err := s.setString(&l.Profile, v); err != nil {
			return nil, valueError("--"+s.Flag, s, v)
		}
		l.Sources[s.Key] = Source{FromFlag, "--" + s.Flag}
	}

	// Secrets: only ever from the environment.
	if v, ok := env("AZURE_CLIENT_SECRET"); ok && v != "" {
		l.Profile.ClientSecret = NewSecret(v)
		l.Sources["clientSecret"] = Source{FromEnv, "AZURE_CLIENT_SECRET"}
	}
	if v, ok := env("AZURE_CLIENT_CERTIFICATE_PASSWORD"); ok && v != "" {
		l.Profile.CertificatePassword = NewSecret(v)
		l.Sources["certificatePassword"] = Source{FromEnv, "AZURE_CLIENT_CERTIFICATE_PASSWORD"}
	}

	// Missing pieces (a client id for device code, ...) do not stop
	// `config show`; signing in checks them (Validate).
	if err := l.Profile.Validate(); err != nil {
		l.Warnings = append(l.Warnings, err.Error())
	}
	if !l.FileFound && l.Profile.Tenant == "" {
		return l, fmt.Errorf("%w: no config file at %s; run `mfadesk config init` (or try `mfadesk --demo`)", ErrNoConfig, l.Path)
	}
	return l, nil
}

// Validate is the cross-field check no single key can do: what the sign-in
// mode needs. Load reports it as a warning; signing in refuses it.
func (p Profile) Validate() error {
	if p.PartnerTenant != "" {
		if p.Auth != AuthDeviceCode && p.Auth != AuthBrowser {
			return fmt.Errorf("partnerTenant: a partner sign-in needs auth devicecode or browser (the technician signs in), not %s", p.Auth)
		}
		if p.Tenant == "" || strings.EqualFold(p.Tenant, p.PartnerTenant) {
			return errors.New("partnerTenant: set tenant to the customer's tenant (partnerTenant is your own)")
		}
	}
	switch p.Auth {
	case AuthSecret:
		if p.ClientID == "" || p.Tenant == "" {
			return errors.New("auth: secret needs tenant and clientId")
		}
		if !p.ClientSecret.IsSet() && p.SecretCommand == "" {
			return errors.New("auth: secret needs AZURE_CLIENT_SECRET in the environment or secretCommand in the profile (never the secret itself in the file)")
		}
	case AuthCertificate:
		if p.ClientID == "" || p.Tenant == "" || p.Certificate == "" {
			return errors.New("auth: certificate needs tenant, clientId and certificate (a PEM or PKCS#12 file)")
		}
	case AuthDeviceCode, AuthBrowser:
		if p.ClientID == "" {
			return fmt.Errorf("auth: %s needs clientId (the app registration's application id; see README \"Sign-in and configuration\")", p.Auth)
		}
	}
	if p.Notify.ToManager && !p.Notify.Enabled {
		return errors.New("notify.toManager is set but notify.enabled is not")
	}
	if err := graph.CheckNotifyTemplates(p.Notify.Subject, p.Notify.Body, false); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	for k, subj := range p.Notify.Subjects {
		if !slices.Contains(graph.NotifyKinds, graph.NotifyKind(k)) {
			return fmt.Errorf("notify.subjects: unknown kind %s (reset, reregister or tap)", quoteSafe(k))
		}
		if err := graph.CheckNotifyTemplates(subj, p.Notify.Body, false); err != nil {
			return fmt.Errorf("notify.subjects.%s: %w", k, err)
		}
	}
	return nil
}

func unknownProfile(name string, src Source, have []string) error {
	msg := fmt.Sprintf("profile %s (from %s) is not in the config file", quoteSafe(name), src)
	if len(have) == 0 {
		return errors.New(msg + "; the file has no profiles")
	}
	if s := suggest(name, have); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return errors.New(msg + " (profiles: " + strings.Join(have, ", ") + ")")
}

// valueError reports a bad value from the environment or a flag, echoing it
// only when it cannot be a secret.
func valueError(where string, s setting, v string) error {
	got := ""
	if safeToEcho(v) {
		got = fmt.Sprintf(" %q", v)
	}
	return fmt.Errorf("%s: %s: bad value%s; expected %s", where, s.Key, got, s.Expect)
}

var echoRE = regexp.MustCompile(`^[A-Za-z0-9 ._@:/-]{0,24}$`)

// safeToEcho: short, plain values (an enum typo, a number) help the user;
// anything long or with secret-ish characters is never repeated. Azure
// client secrets are 40 characters; API keys and tokens are longer.
func safeToEcho(v string) bool { return echoRE.MatchString(v) && !looksSecret(v) }

var secretValueRE = regexp.MustCompile(`^[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{20,}$|^eyJ[A-Za-z0-9_-]{8,}\.|-----BEGIN`)

// looksSecret spots an Azure client secret (xxx8Q~...), a JWT, or a PEM.
func looksSecret(v string) bool { return secretValueRE.MatchString(strings.TrimSpace(v)) }

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("reading config: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("config %s is a directory, not a file", path)
	}
	// Streamed line by line within ConfigLimits: a config file is a few
	// kilobytes, and --config /dev/zero must not fill memory.
	br := bounded.NewReader(f, ConfigLimits)
	var data []byte
	for {
		line, _, err := br.Line()
		if err == io.EOF {
			return data, nil
		}
		var le *bounded.LimitError
		if errors.As(err, &le) {
			return nil, fmt.Errorf("config %s: %w; that is not a config file", path, err)
		}
		if err != nil {
			return nil, fmt.Errorf("reading config: %w", err)
		}
		data = append(append(data, line...), '\n')
	}
}

// permissionWarning: the file holds no secret (that is refused), but it
// does name break-glass accounts and the tenant's app; others need not read it.
func permissionWarning(path string) []string {
	if runtime.GOOS == "windows" {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return []string{fmt.Sprintf("config %s is readable by others (mode %04o); run: chmod 600 %s", path, perm, path)}
	}
	return nil
}
