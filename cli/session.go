package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/mfadesk/mfadesk/config"
	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/auth"
	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/graph/history"
	"github.com/mfadesk/mfadesk/graph/msgraph"
)

// Session is what commands and the TUI act through: the Graph client built
// from the global flags (and the config profile), plus the facts about it a
// command needs to decide what it may do.
type Session struct {
	Client graph.Client
	// Endpoint is the Graph service root in use (no version).
	Endpoint string
	// Auth is the sign-in mode in use ("none" for the demo tenant).
	Auth string
	// Profile is the config profile's name ("" when none).
	Profile string
	// ReadOnly: refuse every change; ReadOnlyWhy says where that comes from.
	ReadOnly    bool
	ReadOnlyWhy string
	// TenantName labels the tenant for people ("" when unknown).
	TenantName string
	// Demo is the in-process fake tenant behind --demo (nil otherwise).
	Demo *fake.Server
	// RequireTicket: changes need a ticket or reason (config).
	RequireTicket bool
	// NoColor: --no-color was given.
	NoColor bool
	// Prof is the config profile in use (nil without a config file).
	Prof *config.Profile
	// Welcome: the full-screen app's first launch with nothing configured
	// (no config file, no tenant, endpoint or sign-in in the environment,
	// no --demo). Client is nil then: the app shows how to configure
	// instead of a sign-in that would fail.
	Welcome bool
	// HistoryPath is the change history this session records to ("" when
	// changes are not recorded: the demo tenant, read-only commands).
	HistoryPath string
	// Profiles are the config file's profiles, for the app's tenant
	// picker (none for --demo and without a file).
	Profiles []ProfileInfo
	// JournalDir is where the full-screen app keeps bulk run journals, the
	// directory the commands' --resume reads them from ("" for the demo
	// tenant: its journals stay in memory).
	JournalDir string

	throttle *throttleHook
	// signIn routes the full-screen app's device code prompts (nil for
	// commands, which print them).
	signIn *auth.Prompts
}

// SignInTo sends device code prompts to prompt instead of standard error,
// and calls done (may be nil) when the sign-in a prompt asked for has
// finished (the first token issued after it). The full-screen app draws
// the code itself; a prompt that came before SignInTo is handed over now.
func (s *Session) SignInTo(prompt func(auth.DeviceCodePrompt), done func()) {
	if s.signIn != nil {
		s.signIn.To(prompt, done)
	}
}

// ThrottleTo sends Graph's 429 notices to fn instead of stderr (the
// full-screen app owns the terminal; a stray write would corrupt it).
func (s *Session) ThrottleTo(fn func(time.Duration)) {
	if s.throttle != nil {
		s.throttle.fn.Store(&fn)
	}
}

// throttleHook lets the session's client, built before the app starts,
// report 429s to whoever shows them.
type throttleHook struct {
	fn atomic.Pointer[func(time.Duration)]
}

const authModesHelp = "none, devicecode, browser, secret, certificate, azcli, managedidentity or default"

var authModes = map[string]bool{"none": true, "devicecode": true, "browser": true, "secret": true,
	"certificate": true, "azcli": true, "managedidentity": true, "default": true}

// settings is what a session is built from, after flags, environment and
// the config profile have been merged.
type settings struct {
	Endpoint string
	Auth     string
	Profile  string
	ReadOnly bool
	// Scopes for the token (empty: <endpoint>/.default).
	Scopes []string
	// Credential mints tokens for Auth (nil for "none").
	Credential azcore.TokenCredential
	// ReadOnlyWhy says where read-only comes from ("--read-only").
	ReadOnlyWhy string
	// TenantName labels the tenant (profile name, or the demo's).
	TenantName string
	// Guard holds the profile's guard rails (protected accounts).
	Guard graph.GuardOptions
	// RequireTicket: every change needs a ticket or reason (--ticket, or
	// asked on the terminal).
	RequireTicket bool
	// Profile is the loaded config profile (nil without a config file):
	// the commands' defaults (keep on reset, sign-in window, checklist).
	Prof *config.Profile
	// Profiles: the file's profiles (the app's tenant picker).
	Profiles []ProfileInfo
}

// Session builds the session on first use and returns the same one after.
func (e *Env) Session(ctx context.Context) (*Session, error) {
	if e.session != nil {
		return e.session, nil
	}
	s, err := e.newSession(ctx)
	if err != nil {
		return nil, err
	}
	e.session = s
	return s, nil
}

func (e *Env) newSession(ctx context.Context) (*Session, error) {
	e.sessionClosers = len(e.closers)
	f := e.Flags
	if f.Auth != "" && !authModes[f.Auth] {
		return nil, Usagef("--auth %q: use %s", f.Auth, authModesHelp)
	}
	st := settings{
		Endpoint: f.Endpoint,
		Auth:     f.Auth,
		Profile:  f.Profile,
		ReadOnly: f.ReadOnly,
	}
	if f.ReadOnly {
		st.ReadOnlyWhy = "--read-only"
	}
	if st.Endpoint == "" {
		st.Endpoint = e.Getenv("MFADESK_GRAPH_ENDPOINT")
	}

	var demo *fake.Server
	if f.Demo {
		if f.Endpoint != "" {
			return nil, Usagef("--demo and --graph-endpoint both name a tenant; use one")
		}
		if f.Auth != "" && f.Auth != "none" {
			return nil, Usagef("--demo needs no sign-in; drop --auth %s", f.Auth)
		}
		srv, err := fake.Start(fake.Options{LiveSignIns: true})
		if err != nil {
			return nil, fmt.Errorf("start the demo tenant: %w", err)
		}
		e.closers = append(e.closers, srv.Close)
		demo = srv
		st.Endpoint, st.Auth, st.TenantName = srv.URL, "none", "Contoso (demo)"
	} else {
		noConfig, err := e.applyConfig(ctx, &st)
		if err != nil {
			return nil, err
		}
		if noConfig && e.inTUI() && e.Client == nil && f.Endpoint == "" && f.Auth == "" && !e.signInEnv() {
			// First launch: the app explains how to configure; nothing
			// is signed in to (the default chain would only fail).
			return &Session{Welcome: true, NoColor: f.NoColor, Auth: "none"}, nil
		}
	}

	if st.Endpoint == "" {
		st.Endpoint = "https://graph.microsoft.com"
	}
	if err := checkEndpoint(st.Endpoint, st.Auth); err != nil {
		return nil, err
	}
	if st.Auth == "" {
		st.Auth = "default"
		if u, _ := url.Parse(st.Endpoint); u != nil && isLoopbackHost(u.Hostname()) {
			// A loopback endpoint is the fake tenant (demo-server): it
			// takes no token, and sending a real one there would leak it.
			st.Auth = "none"
		}
	}
	if st.Auth != "none" && st.Credential == nil && e.Client == nil {
		cred, err := e.credential(ctx, &st)
		if err != nil {
			return nil, err
		}
		st.Credential = cred
	}
	var signIn *auth.Prompts
	if e.inTUI() && st.Credential != nil {
		// The app owns the terminal: device code prompts are held for
		// it (never printed), and concurrent calls share one sign-in.
		signIn = e.deviceCodes()
		signIn.Hold()
		st.Credential = auth.Shared(st.Credential, signIn.TokenIssued)
	}

	hook := &throttleHook{}
	var c graph.Client = e.Client
	if c == nil {
		var hc *http.Client
		if e.shapes != nil {
			hc = &http.Client{Transport: e.shapes}
		}
		mc, err := msgraph.NewClient(msgraph.ClientOptions{
			Endpoint:   st.Endpoint,
			Credential: st.Credential,
			Scopes:     st.Scopes,
			HTTPClient: hc,
			OnThrottle: func(d time.Duration) {
				if fn := hook.fn.Load(); fn != nil {
					(*fn)(d)
					return
				}
				e.onThrottle(d)
			},
		})
		if err != nil {
			return nil, Usage(err)
		}
		c = mc
	}
	guard := st.Guard
	guard.ReadOnly = guard.ReadOnly || st.ReadOnly
	if st.ReadOnly && guard.ReadOnlyWhy == "" {
		guard.ReadOnlyWhy = st.ReadOnlyWhy
	}
	// Every change goes through the guard: read-only mode and protected
	// accounts are enforced below the commands, not only by them.
	client := graph.Guard(c, guard)
	var historyPath, journalDir string
	if e.writing && demo == nil {
		// ...and is recorded in the local change history (outside the
		// guard, so refusals are recorded too). The in-process demo
		// tenant vanishes on exit; its changes are not recorded.
		var err error
		if client, historyPath, err = e.recordChanges(client, c, st); err != nil {
			return nil, err
		}
		if e.inTUI() {
			// The app's bulk runs journal where the commands do, so
			// `mfadesk reset --resume FILE` finishes one the app left.
			journalDir = filepath.Join(filepath.Dir(historyPath), "runs")
			if err := os.MkdirAll(journalDir, 0o700); err != nil {
				return nil, Failed(fmt.Errorf("journal directory: %w", err))
			}
		}
	}
	return &Session{
		HistoryPath:   historyPath,
		JournalDir:    journalDir,
		throttle:      hook,
		signIn:        signIn,
		Client:        client,
		RequireTicket: st.RequireTicket,
		Prof:          st.Prof,
		NoColor:       e.Flags.NoColor,
		Endpoint:      strings.TrimRight(st.Endpoint, "/"),
		Auth:          st.Auth,
		Profile:       st.Profile,
		ReadOnly:      guard.ReadOnly,
		ReadOnlyWhy:   guard.ReadOnlyWhy,
		TenantName:    st.TenantName,
		Demo:          demo,
		Profiles:      st.Profiles,
	}, nil
}

// ProfileInfo is one profile of the config file, as the tenant picker
// lists it.
type ProfileInfo struct {
	Name, Tenant string
	ReadOnly     bool
}

// profiles lists the config file's profiles (each loaded as --profile
// would: a profile that does not load is left out of the picker).
func (e *Env) profiles(l *config.Loaded) []ProfileInfo {
	if l == nil || !l.FileFound || len(l.Profiles) < 2 {
		return nil
	}
	var out []ProfileInfo
	for _, name := range l.Profiles {
		pl, err := config.Load(config.Options{Path: l.Path, Profile: name,
			LookupEnv: func(string) (string, bool) { return "", false }})
		if err != nil {
			continue
		}
		out = append(out, ProfileInfo{Name: name, Tenant: pl.Profile.Tenant, ReadOnly: pl.Profile.ReadOnly})
	}
	return out
}

// switchProfile ends the session (its history log, its demo tenant) and
// makes the next Session use profile name: the app's tenant picker.
func (e *Env) switchProfile(name string) {
	for i := len(e.closers) - 1; i >= e.sessionClosers; i-- {
		e.closers[i]()
	}
	e.closers = e.closers[:e.sessionClosers]
	e.session, e.ident, e.cred, e.scopes, e.prompts = nil, nil, nil, nil, nil
	e.Flags.Profile = name
}

// ---------------------------------------------------------------------------
// Configuration and sign-in. The "auth" helper owns what goes inside these
// two functions (config.Load, auth.NewCredential); keep them small.

// applyConfig merges the config file's profile into st. Flags win over the
// profile; the profile wins over defaults. (Helpers: cli/configcmd.go.)
// noConfig reports a first launch: no config file and nothing in the
// environment naming a tenant.
func (e *Env) applyConfig(ctx context.Context, st *settings) (noConfig bool, err error) {
	_ = ctx
	l, err := e.LoadConfig()
	// No config file: still apply what the environment set. Whatever
	// `config show` reports (read-only, protected users, ticketRequired,
	// ...) is what is enforced, from any source; only the first-launch
	// welcome depends on there being no file.
	noConfig = errors.Is(err, config.ErrNoConfig) && e.Flags.Config == "" && e.Flags.Profile == ""
	if err != nil && !noConfig {
		return false, Usage(err)
	}
	if !noConfig {
		for _, w := range l.Warnings {
			fmt.Fprintln(e.Stderr, "mfadesk: warning: "+w)
		}
	}
	p := l.Profile
	st.Profile, st.TenantName = p.Name, p.Tenant
	where := fmt.Sprintf("profile %q", p.Name)
	if noConfig {
		st.Profile, where = "", "the environment (no config file)"
	}
	if st.Endpoint == "" {
		st.Endpoint = p.Endpoints().Graph
	}
	if st.Auth == "" && l.SourceOf("auth").Kind != config.FromDefault {
		st.Auth = string(p.Auth) // unset: loopback endpoints keep sending no token
	}
	if p.ReadOnly && !st.ReadOnly {
		st.ReadOnly, st.ReadOnlyWhy = true, fmt.Sprintf("%s is read-only (%s)", where, l.SourceOf("readOnly"))
	}
	st.Guard.ProtectedUsers, st.Guard.ProtectedGroups = p.Protected.Users, p.Protected.Groups
	st.Guard.ProtectedWhy = "break-glass list in " + where
	st.RequireTicket, st.Prof = p.TicketRequired, &p
	if e.inTUI() && !noConfig {
		st.Profiles = e.profiles(l)
	}
	return noConfig, nil
}

// inTUI: the session is for the full-screen app (mfadesk without a
// command), not a command.
func (e *Env) inTUI() bool { return e.command == "mfadesk" }

// signInEnv reports sign-in settings in the environment (azidentity's
// AZURE_* conventions or mfadesk's own MFADESK_*): someone configured this
// machine without a file, so the app signs in rather than welcoming.
func (e *Env) signInEnv() bool {
	for _, k := range []string{"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET",
		"AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_USERNAME", "AZURE_FEDERATED_TOKEN_FILE",
		"MFADESK_GRAPH_ENDPOINT", "MFADESK_AUTH", "MFADESK_TENANT", "MFADESK_CLIENT_ID",
		"MFADESK_CONFIG", "MFADESK_PROFILE", "MFADESK_CLOUD"} {
		if e.Getenv(k) != "" {
			return true
		}
	}
	return false
}

// credential returns the token source for st.Auth (never "none") and sets
// the scopes the enabled features need.
func (e *Env) credential(ctx context.Context, st *settings) (azcore.TokenCredential, error) {
	p, recordPath, err := e.signInProfile(st.Auth, st.ReadOnly)
	if err != nil {
		return nil, Usage(err)
	}
	st.Scopes = auth.ScopesFor(p)
	return e.newCredential(ctx, p, recordPath, st.Scopes)
}

// ---------------------------------------------------------------------------

// recordChanges wraps client so every change is appended to the change
// history. A history that cannot be opened stops the command: a change that
// cannot be recorded is not made.
func (e *Env) recordChanges(client, inner graph.Client, st settings) (graph.Client, string, error) {
	path, err := history.PathFrom(e.Getenv)
	if err != nil {
		return nil, "", err
	}
	log, err := history.Open(path)
	if err != nil {
		return nil, "", Failed(fmt.Errorf("%w (set MFADESK_HISTORY_FILE to record elsewhere); nothing was changed", err))
	}
	e.closers = append(e.closers, func() { _ = log.Close() })
	tenant := st.TenantName
	if tenant == "" {
		tenant = st.Endpoint
	}
	var (
		once     sync.Once
		operator string
	)
	meta := func(ctx context.Context) history.Meta {
		once.Do(func() {
			// Who is acting: asked once, on the first change.
			if op, err := inner.Me(ctx); err == nil {
				operator = op.UserPrincipalName
				if op.IsApp || operator == "" {
					operator = op.AppID
				}
			}
		})
		via := "cli " + e.command
		if e.inTUI() {
			via = "tui"
		}
		return history.Meta{Tenant: tenant, Operator: operator, Via: via, RequireTicket: st.RequireTicket}
	}
	return history.Wrap(client, log, meta), path, nil
}

// checkEndpoint refuses endpoints that would leak a token or skip TLS: plain
// http and sending no token are for loopback (the fake tenant) only.
func checkEndpoint(endpoint, auth string) error {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return Usagef("--graph-endpoint %q: give a service root like https://graph.microsoft.com (or http://127.0.0.1:PORT for mfadesk demo-server)", endpoint)
	}
	if p := strings.Trim(u.Path, "/"); p == "v1.0" || p == "beta" {
		return Usagef("--graph-endpoint %q: give the service root without /%s; mfadesk adds the version", endpoint, p)
	}
	loop := isLoopbackHost(u.Hostname())
	if u.Scheme == "http" && !loop {
		return Usagef("--graph-endpoint %s: plain http is refused for %s (only loopback addresses like 127.0.0.1 may use http); use https", endpoint, u.Hostname())
	}
	if auth == "none" && !loop {
		return Usagef("--auth none is refused for %s: sending no token only makes sense for the local fake tenant (a loopback address)", u.Hostname())
	}
	return nil
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// onThrottle tells a person waiting on a terminal why things slowed down.
func (e *Env) onThrottle(retryAfter time.Duration) {
	if !e.ErrTerminal {
		return
	}
	if retryAfter > 0 {
		fmt.Fprintf(e.Stderr, "\r\x1b[KGraph is throttling; waiting %s as asked…", retryAfter.Round(100*time.Millisecond))
	}
}

// requireWrite refuses a change in read-only mode, before anything is asked
// of Graph.
func (e *Env) requireWrite(s *Session, what string) error {
	if s.ReadOnly {
		return Denied(fmt.Errorf("%w: %s would change the tenant, so nothing was done (run without --read-only, or with a profile that allows changes)", graph.ErrReadOnly, what))
	}
	return nil
}

var errNoUser = errors.New("no such user")
