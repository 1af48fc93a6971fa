// Package fake is a stateful, Graph-compatible fake Entra ID tenant served
// over real HTTP. The real msgraph-sdk-go client is pointed at it (service
// root http://127.0.0.1:PORT; the client adds /v1.0 or /beta) and gets the
// requests, JSON shapes, rules and errors a real tenant gives: OData
// collections with @odata.context / @odata.nextLink / @odata.count, $search
// rules, $filter, @odata.type on methods, Graph's error body, role limits,
// the default-method rule, throttling with Retry-After, $batch.
//
// It backs `mfadesk --demo`, `mfadesk demo-server`, the tests and the bulk
// benchmarks. The tenant is generated deterministically from a seed (or
// loaded from a TenantData JSON file) and starts with fixed personas
// (AliceID, BobID, ... see gen.go and PersonaIDs).
//
// Operator identity comes from the bearer token's claims (decoded, not
// verified: see parseToken). Without an Authorization header a request acts
// as the demo operator, DemoOperatorUPN, a Privileged Authentication
// Administrator and Reports Reader. What each scope, app role and directory
// role allows is the Permissions table (auth.go).
//
// Inspection for tests (all return copies, all safe concurrently):
//
//	User(idOrUPN) / Users() / UserIDs()   directory state (no sign-ins)
//	Methods(idOrUPN), DefaultMethodID(id) current methods, default method
//	SignIns(idOrUPN)                      the user's sign-in log
//	PerUserMFA(idOrUPN)                   disabled | enabled | enforced
//	Audits() / AuditsFor(userID)          the directory audit log
//	SentMail()                            messages accepted by sendMail
//	Password(idOrUPN)                     the password a reset last set (password.go)
//	Stats() / ResetStats()                requests per "METHOD pattern",
//	                                      injected 429/503/drops, deletes, ...
//	Export()                              the whole tenant as TenantData
//	Update(idOrUPN, f) / AddUser(d)       arrange state no Graph call makes
package fake

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configure a fake tenant. The zero value is a 250-user tenant from
// seed 1 with every fault off.
type Options struct {
	Users      int              // users to generate, personas included, when no tenant is loaded (default 250)
	Seed       int64            // generator seed (default 1); same seed => same tenant
	TenantFile string           // load tenant JSON (TenantData format) instead of generating
	Data       *TenantData      // use this tenant instead of generating (wins over TenantFile); copied
	Now        func() time.Time // clock; default time.Now

	Latency      time.Duration // added to every request
	ThrottleRate float64       // fraction of requests answered 429 TooManyRequests with Retry-After
	RetryAfter   time.Duration // Retry-After for injected 429s (default 1s)
	Budget       int           // token bucket: requests per 10 s (0 = off); once empty 429 with the implied Retry-After
	// DocumentedBudgets > 0 applies Graph's documented per-service limits
	// (throttle.go), refilling that many times faster than documented (1:
	// as documented). 0 (the default) keeps the fake unlimited.
	DocumentedBudgets float64
	FaultRate         float64 // fraction answered 503 (Graph error body, sometimes Retry-After)
	DropRate          float64 // fraction of connections closed without any response

	// StaleLists models Graph's replication lag: after a method is deleted,
	// this many following method lists of that user still show it (a
	// second delete of it gives 404). 0 = off.
	StaleLists int

	// LiveSignIns: new failed sign-ins appear as the clock moves on
	// (live.go; on in demo mode, for the live failures view).
	LiveSignIns bool

	NoP1        bool // tenant lacks Entra ID P1: sign-in logs and the registration report fail with 403 as Graph does
	TAPDisabled bool // Temporary Access Pass policy off: creating a TAP fails with 400
	// NoP2 is a tenant without Entra ID P2: the riskyUsers API is refused
	// (403) and sign-ins' risk levels and detail read "hidden" (idrisk.go).
	NoP2 bool
	// TAPPolicy overrides the Temporary Access Pass method configuration
	// (nil: enabled for all users, 60 min default, 10..43200, multi-use
	// allowed). TAPDisabled wins over its State.
	TAPPolicy *TAPPolicy

	// RegistrationPageSize is the userRegistrationDetails page size
	// (default DefaultRegistrationPageSize; the reference documents none).
	RegistrationPageSize int
}

// Tenant is the fake tenant and its HTTP handler. All methods are safe for
// concurrent use.
type Tenant struct {
	// live is the live sign-in failures feed (live.go).
	live  liveState
	mu    sync.Mutex
	opts  Options
	now   func() time.Time
	seed  int64
	rng   *mrand.Rand // faults, TAP values, batch order; guarded by mu
	idRng *mrand.Rand // ids of things created at runtime; guarded by mu

	tenantID    string
	displayName string
	domain      string
	users       []*user
	byID        map[string]*user // lower-case id
	byUPN       map[string]*user // lower-case UPN
	groups      []GroupData      // see groups.go
	policies    []CAPolicyConfig // Conditional Access (capolicies.go)
	// securityDefaults: identitySecurityDefaultsEnforcementPolicy.isEnabled
	securityDefaults bool
	audits           []AuditData // oldest first
	mail             []SentMail
	apps             []AppData     // app registrations made by setup (apps.go)
	pw               passwordState // password resets and their operations (password.go)

	latency      time.Duration
	throttleRate float64
	faultRate    float64
	dropRate     float64
	retryAfter   time.Duration
	budget       *bucket            // the Budget knob (requests per 10 s); nil: off
	buckets      map[string]*bucket // documented per-service budgets (throttle.go); nil: off

	stats Stats
}

// user is a tenant user plus what is needed to generate its sign-ins lazily.
type user struct {
	UserData
	ghosts         []ghost // deleted methods still visible to lists (StaleLists)
	signInsPending bool
	signInSeed     uint64
	signInBase     time.Time
}

type ghost struct {
	m    MethodData
	left int
}

// New builds a tenant from opts.
func New(opts Options) (*Tenant, error) {
	if opts.Users <= 0 {
		opts.Users = 250
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.RetryAfter <= 0 {
		opts.RetryAfter = time.Second
	}
	t := &Tenant{
		opts:         opts,
		now:          opts.Now,
		seed:         opts.Seed,
		rng:          mrand.New(mrand.NewPCG(uint64(opts.Seed), 0x5eed)),
		idRng:        mrand.New(mrand.NewPCG(uint64(opts.Seed), 0x1d5)),
		latency:      opts.Latency,
		throttleRate: opts.ThrottleRate,
		faultRate:    opts.FaultRate,
		dropRate:     opts.DropRate,
		retryAfter:   opts.RetryAfter,
		byID:         map[string]*user{},
		byUPN:        map[string]*user{},
	}
	t.stats.init()
	var td *TenantData
	switch {
	case opts.Data != nil:
		c := opts.Data.clone()
		if err := c.validate(); err != nil {
			return nil, err
		}
		td = &c
	case opts.TenantFile != "":
		var err error
		if td, err = LoadTenantFile(opts.TenantFile); err != nil {
			return nil, err
		}
	}
	if td != nil {
		t.load(td)
	} else {
		t.generate(opts.Users, opts.Seed, opts.Now())
	}
	t.live.on = opts.LiveSignIns
	t.SetBudget(opts.Budget)
	t.setDocumentedBudgets(opts.DocumentedBudgets)
	return t, nil
}

func (t *Tenant) load(td *TenantData) {
	t.tenantID = firstNonEmpty(td.TenantID, TenantID)
	t.displayName = firstNonEmpty(td.DisplayName, "Contoso")
	t.domain = firstNonEmpty(td.Domain, "contoso.com")
	for i := range td.Users {
		u := &user{UserData: td.Users[i]}
		u.setDefaults()
		if !hasKind(u.Methods, KindPassword) && !u.IsGuest() {
			u.Methods = append([]MethodData{{Kind: KindPassword, ID: PasswordMethodID}}, u.Methods...)
		}
		t.addUser(u)
	}
	t.groups = cloneGroups(td.Groups)
	t.policies = clonePolicies(td.Policies)
	t.securityDefaults = td.SecurityDefaults
	t.audits = td.Audits
	t.mail = td.SentMail
}

// setDefaults fills what Graph never leaves empty on a user.
func (u *user) setDefaults() {
	if u.UserType == "" {
		u.UserType = "Member"
	}
	if u.PerUserMFAState == "" {
		u.PerUserMFAState = "disabled"
	}
	if u.PreferredMethod == "" {
		u.PreferredMethod = "none"
	}
}

func (t *Tenant) addUser(u *user) {
	t.users = append(t.users, u)
	t.byID[strings.ToLower(u.ID)] = u
	t.byUPN[strings.ToLower(u.UserPrincipalName)] = u
}

// Server is a fake tenant listening on loopback.
type Server struct {
	URL    string // service root without version: http://127.0.0.1:PORT
	Tenant *Tenant
	srv    *http.Server
	ln     net.Listener
}

// Start builds a tenant and serves it on 127.0.0.1 at a free port.
func Start(opts Options) (*Server, error) {
	t, err := New(opts)
	if err != nil {
		return nil, err
	}
	return Serve(t, "127.0.0.1:0")
}

// Serve serves an existing tenant on addr (e.g. "127.0.0.1:0").
func Serve(t *Tenant, addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + ln.Addr().String(), Tenant: t, ln: ln,
		srv: &http.Server{Handler: t, ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the server and closes every connection.
func (s *Server) Close() { _ = s.srv.Close() }

// SetFaults changes latency and fault rates at runtime.
func (t *Tenant) SetFaults(latency time.Duration, throttleRate, faultRate, dropRate float64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.latency, t.throttleRate, t.faultRate, t.dropRate = latency, throttleRate, faultRate, dropRate
}

// SetRetryAfter changes the Retry-After sent with injected 429s.
func (t *Tenant) SetRetryAfter(d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if d <= 0 {
		d = time.Second
	}
	t.retryAfter = d
}

// SetBudget sets the token bucket to perTenSeconds requests per 10 s (0
// turns it off). The bucket starts full.
func (t *Tenant) SetBudget(perTenSeconds int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.budget = nil
	if perTenSeconds > 0 {
		t.budget = newBucket(float64(perTenSeconds), float64(perTenSeconds)/10)
	}
}

// TenantID is the generated tenant's fixed id.
const TenantID = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"

// ---------------------------------------------------------------------------
// HTTP plumbing

type reqCtx struct {
	method  string
	version string // v1.0 or beta
	path    string // after the version, e.g. /users/x/authentication/methods
	segs    []string
	q       url.Values
	h       http.Header
	body    []byte
	op      *operator
	base    string // scheme://host
	reqID   string
	cliID   string
	ip      string
	now     time.Time
	inBatch bool
	ctx     context.Context
	// hideRisk: the tenant has no Entra ID P2, so sign-ins' risk levels
	// and detail are answered "hidden" (set with the sign-in read's
	// authorization, idrisk.go).
	hideRisk bool
	// limitPct is the share of the request's documented budget used after
	// it (throttle.go), 0 when budgets are off.
	limitPct float64
}

type response struct {
	status int
	header http.Header
	body   any // obj, or nil for no body
}

func (rc *reqCtx) context(fragment string) string {
	return rc.base + "/" + rc.version + "/$metadata#" + fragment
}

// fail builds Graph's error body.
func (rc *reqCtx) fail(status int, code, msg string) response {
	return response{status: status, body: errorBody(code, msg, rc.now, rc.reqID, rc.cliID)}
}

func errorBody(code, msg string, now time.Time, reqID, cliID string) obj {
	return obj{{"error", obj{
		{"code", code},
		{"message", msg},
		{"innerError", obj{
			{"date", now.UTC().Format("2006-01-02T15:04:05")},
			{"request-id", reqID},
			{"client-request-id", cliID},
		}},
	}}}
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return fmtUUID(b)
}

func fmtUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// ServeHTTP answers one Graph request, after the configured faults.
func (t *Tenant) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := t.now()
	rc := &reqCtx{
		method: r.Method,
		h:      r.Header,
		reqID:  newUUID(),
		cliID:  r.Header.Get("client-request-id"),
		now:    now,
	}
	if rc.cliID == "" {
		rc.cliID = newUUID()
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	rc.base = scheme + "://" + r.Host
	rc.ip, _, _ = net.SplitHostPort(r.RemoteAddr)
	if r.Body != nil {
		rc.body, _ = io.ReadAll(io.LimitReader(r.Body, 4<<20))
	}
	pattern, h := t.prepare(rc, r.URL)

	t.mu.Lock()
	t.stats.count(rc.method+" "+pattern, r.Header.Get("x-ms-throttle-priority"))
	drop := t.dropRate > 0 && t.rng.Float64() < t.dropRate
	latency := t.latency
	if drop {
		t.stats.Drops++
	}
	t.mu.Unlock()

	if drop {
		dropConnection(w)
		return
	}
	isBatch := pattern == "/$batch" && rc.method == "POST"
	if latency > 0 && !isBatch { // a batch waits per dependency level (see batch)
		if !sleepCtx(r.Context(), latency) {
			return
		}
	}
	rc.ctx = r.Context()
	var resp response
	if isBatch {
		// batch items pass the fault gate one by one
		if r := t.authenticate(rc); r != nil {
			resp = *r
		} else {
			resp = h(rc)
		}
	} else if injected, ok := t.gate(rc); ok {
		resp = injected
	} else {
		resp = t.run(rc, h)
	}
	t.write(w, rc, resp)
}

// sleepCtx waits d or until ctx ends (false).
func sleepCtx(ctx context.Context, d time.Duration) bool {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// prepare parses the URL into rc and finds the handler.
func (t *Tenant) prepare(rc *reqCtx, u *url.URL) (string, func(*reqCtx) response) {
	p := u.Path
	p = strings.TrimPrefix(p, "/")
	ver, rest, _ := strings.Cut(p, "/")
	rc.version = ver
	rc.path = "/" + rest
	rc.q = u.Query()
	if ver != "v1.0" && ver != "beta" {
		rc.version = "v1.0"
		return "unknown", func(rc *reqCtx) response {
			return rc.fail(400, "BadRequest", "Invalid version: "+ver)
		}
	}
	for _, s := range strings.Split(rest, "/") {
		if s != "" {
			rc.segs = append(rc.segs, s)
		}
	}
	return t.route(rc)
}

// gate applies throttling and injected faults; ok means resp replaces the
// real answer. Each call spends one token of the budget.
func (t *Tenant) gate(rc *reqCtx) (response, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.throttleRate > 0 && t.rng.Float64() < t.throttleRate {
		t.stats.Throttled++
		return t.throttled(rc, t.retryAfter), true
	}
	if t.buckets != nil {
		if wait, throttled := t.takeDocumented(rc); throttled {
			return t.throttled(rc, wait), true
		}
	}
	if t.budget != nil {
		if wait, ok := t.budget.take(time.Now(), 1); !ok {
			t.stats.BudgetThrottled++
			return t.throttled(rc, wait), true
		}
	}
	if t.faultRate > 0 && t.rng.Float64() < t.faultRate {
		t.stats.Faults++
		resp := rc.fail(503, "serviceNotAvailable", "The service is temporarily unavailable. Please retry later.")
		if t.rng.IntN(2) == 0 {
			resp.header = http.Header{"Retry-After": {formatRetryAfter(t.retryAfter)}}
		}
		return resp, true
	}
	return response{}, false
}

func (t *Tenant) throttled(rc *reqCtx, wait time.Duration) response {
	resp := rc.fail(429, "TooManyRequests", "Too many requests. Please retry after the time specified in the Retry-After header.")
	appID := defaultOperatorAppID
	if rc.op != nil && rc.op.AppID != "" {
		appID = rc.op.AppID
	} else if op, _ := parseToken(rc.h.Get("Authorization"), rc.now); op != nil && op.AppID != "" {
		appID = op.AppID
	}
	// the identity service's documented form: {scope}/{limit}/{appId}/{tenantId}
	kind := "Read"
	if rc.method != "GET" {
		kind = "Write"
	}
	resp.header = http.Header{
		"Retry-After":               {formatRetryAfter(wait)},
		"X-Ms-Throttle-Scope":       {"Tenant_Application/" + kind + "/" + appID + "/" + t.tenantID},
		"X-Ms-Throttle-Information": {"ResourceUnitLimitExceeded"},
	}
	return resp
}

// formatRetryAfter writes whole seconds when exact, else seconds with
// millisecond precision ("0.125"), as Graph has done.
func formatRetryAfter(d time.Duration) string {
	if d <= 0 {
		d = time.Millisecond
	}
	if d%time.Second == 0 {
		return strconv.Itoa(int(d / time.Second))
	}
	return strconv.FormatFloat(math.Ceil(d.Seconds()*1000)/1000, 'f', -1, 64)
}

// authenticate sets rc.op from the bearer token (or the demo operator when
// there is none); a token Graph would reject gives 401.
func (t *Tenant) authenticate(rc *reqCtx) *response {
	if rc.op != nil {
		return nil
	}
	if auth := rc.h.Get("Authorization"); auth != "" {
		op, msg := parseToken(auth, rc.now)
		if op == nil {
			r := rc.fail(401, "InvalidAuthenticationToken", msg)
			return &r
		}
		rc.op = op
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if rc.op == nil {
		rc.op = t.demoOperator()
		return nil
	}
	if u := t.byID[strings.ToLower(rc.op.ID)]; u != nil && !rc.op.AppOnly {
		if rc.op.Wids == nil {
			// no wids claim: fall back to the directory's own role assignments
			rc.op.Wids = u.Roles
		}
		if rc.op.DisplayName == "" {
			rc.op.DisplayName = u.DisplayName
		}
		if rc.op.UPN == "" {
			rc.op.UPN = u.UserPrincipalName
		}
	}
	return nil
}

// run authenticates and calls the handler under the tenant lock.
func (t *Tenant) run(rc *reqCtx, h func(*reqCtx) response) response {
	if r := t.authenticate(rc); r != nil {
		return *r
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return h(rc)
}

func (t *Tenant) demoOperator() *operator {
	op := &operator{UPN: DemoOperatorUPN, DisplayName: "Demo Admin", TenantID: t.tenantID,
		AppID: defaultOperatorAppID, AppName: defaultOperatorAppName, Scopes: demoScopes,
		Wids: []string{RolePrivilegedAuthAdmin, RoleReportsReader, roleDefaultUserTemplate}, Demo: true}
	if u := t.byUPN[DemoOperatorUPN]; u != nil {
		op.ID = u.ID
		op.DisplayName = u.DisplayName
	}
	return op
}

func (t *Tenant) write(w http.ResponseWriter, rc *reqCtx, resp response) {
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	h.Set("request-id", rc.reqID)
	h.Set("client-request-id", rc.cliID)
	h.Set("x-ms-ags-diagnostic", `{"ServerInfo":{"DataCenter":"Loopback","Slice":"E","Ring":"0","ScaleUnit":"000","RoleInstance":"fake"}}`)
	resourceUnitHeader(h, rc, resp.status)
	limitHeader(h, rc.limitPct)
	t.mu.Lock()
	if t.budget != nil {
		used := t.budget.used(time.Now())
		if used > 0.8 {
			h.Set("x-ms-throttle-limit-percentage", strconv.FormatFloat(math.Round(used*10)/10, 'f', 1, 64))
		}
	}
	t.stats.status(resp.status)
	t.mu.Unlock()
	if resp.body == nil {
		w.WriteHeader(resp.status)
		return
	}
	b, err := json.Marshal(resp.body)
	if err != nil {
		b = []byte(`{"error":{"code":"generalException","message":"fake: cannot encode response"}}`)
		resp.status = 500
	}
	h.Set("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(resp.status)
	_, _ = w.Write(b)
}

// dropConnection closes the connection without writing a response, as a
// load balancer reset does.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0)
			}
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// readJSON decodes a request body into v, answering Graph's 400 on bad JSON.
func readJSON(rc *reqCtx, v any) *response {
	if len(bytes.TrimSpace(rc.body)) == 0 {
		r := rc.fail(400, "BadRequest", "Empty Payload. JSON content expected.")
		return &r
	}
	if err := json.Unmarshal(rc.body, v); err != nil {
		r := rc.fail(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
		return &r
	}
	return nil
}
