package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/mfadesk/mfadesk/config"
	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/auth"
	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/graph/history"
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
		srv, err := fake.Start(fake.Options{})
		if err != nil {
			return nil, fmt.Errorf("start the demo tenant: %w", err)
		}
		e.closers = append(e.closers, srv.Close)
		demo = srv
		st.Endpoint, st.Auth, st.TenantName = srv.URL, "none", "Contoso (demo)"
	} else if err := e.applyConfig(ctx, &st); err != nil {
		return nil, err
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

	var c graph.Client = e.Client
	if c == nil {
		mc, err := graph.NewClient(graph.ClientOptions{
			Endpoint:   st.Endpoint,
			Credential: st.Credential,
			Scopes:     st.Scopes,
			OnThrottle: e.onThrottle,
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
	if e.writing && demo == nil {
		// ...and is recorded in the local change history (outside the
		// guard, so refusals are recorded too). The in-process demo
		// tenant vanishes on exit; its changes are not recorded.
		var err error
		if client, err = e.recordChanges(client, c, st); err != nil {
			return nil, err
		}
	}
	return &Session{
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
	}, nil
}

// ---------------------------------------------------------------------------
// Configuration and sign-in. The "auth" helper owns what goes inside these
// two functions (config.Load, auth.NewCredential); keep them small.

// applyConfig merges the config file's profile into st. Flags win over the
// profile; the profile wins over defaults. (Helpers: cli/configcmd.go.)
func (e *Env) applyConfig(ctx context.Context, st *settings) error {
	_ = ctx
	l, err := e.LoadConfig()
	if errors.Is(err, config.ErrNoConfig) && e.Flags.Config == "" && e.Flags.Profile == "" {
		return nil // first launch: flags and defaults only
	}
	if err != nil {
		return Usage(err)
	}
	for _, w := range l.Warnings {
		fmt.Fprintln(e.Stderr, "mfadesk: warning: "+w)
	}
	p := l.Profile
	st.Profile, st.TenantName = p.Name, p.Tenant
	if st.Endpoint == "" {
		st.Endpoint = p.Endpoints().Graph
	}
	if st.Auth == "" && l.SourceOf("auth").Kind != config.FromDefault {
		st.Auth = string(p.Auth) // unset: loopback endpoints keep sending no token
	}
	if p.ReadOnly && !st.ReadOnly {
		st.ReadOnly, st.ReadOnlyWhy = true, fmt.Sprintf("profile %q is read-only (%s)", p.Name, l.SourceOf("readOnly"))
	}
	st.Guard.ProtectedUsers, st.Guard.ProtectedGroups = p.Protected.Users, p.Protected.Groups
	st.Guard.ProtectedWhy = fmt.Sprintf("break-glass list in profile %q", p.Name)
	st.RequireTicket, st.Prof = p.TicketRequired, &p
	return nil
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
func (e *Env) recordChanges(client, inner graph.Client, st settings) (graph.Client, error) {
	path, err := history.PathFrom(e.Getenv)
	if err != nil {
		return nil, err
	}
	log, err := history.Open(path)
	if err != nil {
		return nil, Failed(fmt.Errorf("%w (set MFADESK_HISTORY_FILE to record elsewhere); nothing was changed", err))
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
		return history.Meta{Tenant: tenant, Operator: operator, Via: "cli " + e.command, RequireTicket: st.RequireTicket}
	}
	return history.Wrap(client, log, meta), nil
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
