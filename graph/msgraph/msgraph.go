package msgraph

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/mfadesk/mfadesk/graph"
	abs "github.com/microsoft/kiota-abstractions-go"
	absauth "github.com/microsoft/kiota-abstractions-go/authentication"
	absser "github.com/microsoft/kiota-abstractions-go/serialization"
	azauth "github.com/microsoft/kiota-authentication-azure-go"
	khttp "github.com/microsoft/kiota-http-go"
	jsonser "github.com/microsoft/kiota-serialization-json-go"
	core "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// ClientOptions configures NewClient.
type ClientOptions struct {
	// Endpoint is the Graph service root without a version:
	// https://graph.microsoft.com, https://graph.microsoft.us,
	// https://microsoftgraph.chinacloudapi.cn, or http://127.0.0.1:PORT for
	// the fake tenant. The client adds /v1.0 or /beta. Plain http is
	// accepted only for loopback hosts.
	Endpoint string
	// Credential mints access tokens. nil sends no token, accepted only for
	// loopback endpoints.
	Credential azcore.TokenCredential
	// Scopes for the token; default <Endpoint>/.default.
	Scopes []string
	// HTTPClient supplies the transport (tests); its Transport is wrapped by
	// mfadesk's middleware. Redirects are never followed.
	HTTPClient *http.Client
	// MaxRetries bounds retries of 429 / 503 / dropped connections per call
	// (default 4; negative means none).
	MaxRetries int
	// MaxRetryWait caps the total time spent waiting between retries of one
	// call (default 60s). A Retry-After beyond it ends the call with
	// ErrThrottled carrying RetryAfter.
	MaxRetryWait time.Duration
	// RequestTimeout bounds one attempt (default 60s); an attempt that runs
	// over counts as a dropped connection.
	RequestTimeout time.Duration
	// OnThrottle is called on every 429 seen, with its Retry-After (0 when
	// absent): the TUI's indicator, the bulk runner's pacing.
	OnThrottle func(retryAfter time.Duration)
	// ReportsPerTenSeconds paces requests to the identity and access
	// reports service (registration report, sign-ins, audit log): 0 means
	// the documented budget (DefaultReportsPerTenSeconds), negative means
	// unpaced (tests against a fake without that budget).
	ReportsPerTenSeconds int
	// Sleep waits between retries (default: the context-aware sleep); tests
	// record the waits instead of sleeping.
	Sleep func(ctx context.Context, d time.Duration) error
	// PasswordResetWait bounds the waiting between polls of a password
	// reset's operation (default 2m): past it the reset is reported as
	// accepted, not confirmed.
	PasswordResetWait time.Duration
}

// MSGraph implements Client on msgraph-sdk-go's request builders and the
// Graph core request adapter. Beta calls go through the same adapter with
// hand-built request information.
type MSGraph struct {
	endpoint       *url.URL // service root, no trailing slash
	v1, beta       string   // endpoint + /v1.0, /beta
	adapter        *core.GraphRequestAdapterBase
	cred           azcore.TokenCredential
	scopes         []string
	maxRetries     int
	maxRetryWait   time.Duration
	requestTimeout time.Duration
	onThrottle     func(time.Duration)
	throttlePct    atomic.Uint64 // float64 bits of the last x-ms-throttle-limit-percentage
	reports        *reportsPacer // nil: unpaced
	resetWait      time.Duration // PasswordResetWait

	// sleep and now are replaced in tests.
	sleep func(context.Context, time.Duration) error
	now   func() time.Time
}

var _ graph.Client = (*MSGraph)(nil)

// NewClient builds the Graph client for opts.Endpoint.
func NewClient(opts ClientOptions) (*MSGraph, error) {
	ep, err := parseEndpoint(opts.Endpoint)
	if err != nil {
		return nil, err
	}
	loopback := isLoopback(ep.Hostname())
	if ep.Scheme == "http" && !loopback {
		return nil, fmt.Errorf("graph endpoint %s: plain http is only allowed for a loopback address (127.0.0.1, ::1, localhost)", ep)
	}
	if opts.Credential == nil && !loopback {
		return nil, fmt.Errorf("graph endpoint %s: sending no token (auth none) is only allowed for a loopback address", ep)
	}
	c := &MSGraph{
		endpoint:       ep,
		v1:             ep.String() + "/v1.0",
		beta:           ep.String() + "/beta",
		cred:           opts.Credential,
		scopes:         opts.Scopes,
		maxRetries:     opts.MaxRetries,
		maxRetryWait:   opts.MaxRetryWait,
		requestTimeout: opts.RequestTimeout,
		onThrottle:     opts.OnThrottle,
		reports:        newReportsPacer(opts.ReportsPerTenSeconds),
		resetWait:      opts.PasswordResetWait,
		sleep:          graph.SleepCtx,
		now:            time.Now,
	}
	if opts.Sleep != nil {
		c.sleep = opts.Sleep
	}
	if c.maxRetries == 0 {
		c.maxRetries = 4
	} else if c.maxRetries < 0 {
		c.maxRetries = 0
	}
	if c.maxRetryWait <= 0 {
		c.maxRetryWait = 60 * time.Second
	}
	if c.requestTimeout <= 0 {
		c.requestTimeout = 60 * time.Second
	}
	if c.resetWait <= 0 {
		c.resetWait = 2 * time.Minute
	}
	if len(c.scopes) == 0 {
		c.scopes = []string{ep.String() + "/.default"}
	}

	var auth absauth.AuthenticationProvider = &absauth.AnonymousAuthenticationProvider{}
	if opts.Credential != nil {
		// Tokens are minted only for the endpoint's host; a failure to get
		// one is marked so it classifies as ErrSignIn.
		p, err := azauth.NewAzureIdentityAuthenticationProviderWithScopesAndValidHosts(
			signInCredential{opts.Credential}, c.scopes, []string{ep.Hostname()})
		if err != nil {
			return nil, fmt.Errorf("graph auth provider: %w", err)
		}
		auth = p
	}

	var parent http.RoundTripper
	if opts.HTTPClient != nil {
		parent = opts.HTTPClient.Transport
	}
	if parent == nil {
		parent = khttp.GetDefaultTransport()
	}
	// kiota's retry, redirect and compression handlers are left out on
	// purpose: retries are ours (retry.go), redirects are never followed,
	// and request bodies stay plain JSON.
	mw := []khttp.Middleware{
		&retryMiddleware{c: c},
		khttp.NewParametersNameDecodingHandler(),
		khttp.NewUserAgentHandler(),
	}
	hc := &http.Client{
		Transport: khttp.NewCustomTransportWithParentTransport(parent, mw...),
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	pnf := absser.NewParseNodeFactoryRegistry()
	pnf.ContentTypeAssociatedFactories["application/json"] = jsonser.NewJsonParseNodeFactory()
	swf := absser.NewSerializationWriterFactoryRegistry()
	swf.ContentTypeAssociatedFactories["application/json"] = jsonser.NewJsonSerializationWriterFactory()
	adapter, err := core.NewGraphRequestAdapterBaseWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(
		auth, core.GraphClientOptions{GraphServiceLibraryVersion: "1.89.0"}, pnf, swf, hc)
	if err != nil {
		return nil, fmt.Errorf("graph request adapter: %w", err)
	}
	adapter.SetBaseUrl(c.v1)
	c.adapter = adapter
	return c, nil
}

// Endpoint is the service root the client talks to.
func (c *MSGraph) Endpoint() string { return c.endpoint.String() }

// Traits implements Reader: the adapter batches and reports Graph's limit
// gauge.
func (c *MSGraph) Traits() graph.Traits {
	return graph.Traits{Batches: true, ThrottleLimitPercentage: c.ThrottleLimitPercentage()}
}

// ThrottleLimitPercentage is the last x-ms-throttle-limit-percentage Graph
// sent (0.8-1.8 once over 80% of a limit), or 0 when none was seen. Bulk
// work can slow down before the first 429.
func (c *MSGraph) ThrottleLimitPercentage() float64 {
	return math.Float64frombits(c.throttlePct.Load())
}

func parseEndpoint(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("graph endpoint is empty (e.g. https://graph.microsoft.com)")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("graph endpoint %q: %w", s, err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("graph endpoint %q: want an https:// service root like https://graph.microsoft.com", s)
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("graph endpoint %q: want a bare service root like https://graph.microsoft.com", s)
	}
	p := strings.TrimRight(u.Path, "/")
	if p != "" {
		if p == "/v1.0" || p == "/beta" {
			return nil, fmt.Errorf("graph endpoint %q: give the service root without a version (mfadesk adds /v1.0 or /beta)", s)
		}
		return nil, fmt.Errorf("graph endpoint %q: want a service root without a path", s)
	}
	u.Host = strings.ToLower(u.Host)
	u.Path, u.RawPath = "", ""
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sameOrigin reports whether a URL's scheme and host are the endpoint's:
// the only place a request (and its token) may go.
func (c *MSGraph) sameOrigin(scheme, host string) bool {
	return strings.EqualFold(scheme, c.endpoint.Scheme) && strings.EqualFold(host, c.endpoint.Host)
}

// checkNextLink vets an opaque @odata.nextLink before following it.
func (c *MSGraph) checkNextLink(op, next string) error {
	u, err := url.Parse(next)
	if err == nil && u.IsAbs() && c.sameOrigin(u.Scheme, u.Host) &&
		(strings.HasPrefix(u.Path, "/v1.0/") || strings.HasPrefix(u.Path, "/beta/")) {
		return nil
	}
	host := ""
	if u != nil {
		host = u.Host
	}
	return &graph.Error{Kind: graph.ErrUnavailable, Op: op, Message: fmt.Sprintf(
		"Graph sent a next-page link to %q, not %s; refusing to follow it (the access token is only sent to the configured endpoint)",
		graph.CleanText(host), c.endpoint.Host)}
}

// signInCredential marks token failures so they classify as ErrSignIn.
type signInCredential struct{ azcore.TokenCredential }

type tokenError struct{ err error }

func (e *tokenError) Error() string { return e.err.Error() }
func (e *tokenError) Unwrap() error { return e.err }

func (s signInCredential) GetToken(ctx context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	t, err := s.TokenCredential.GetToken(ctx, o)
	if err != nil {
		return t, &tokenError{err}
	}
	return t, nil
}

// errorMapping makes kiota decode every 4XX/5XX body as Graph's error.
var errorMapping = abs.ErrorMappings{"XXX": odataerrors.CreateODataErrorFromDiscriminatorValue}

// usersRoot is the /users request builder on the v1.0 adapter.
func (c *MSGraph) usersRoot() *users.UsersRequestBuilder {
	return users.NewUsersRequestBuilderInternal(map[string]string{}, c.adapter)
}

func (c *MSGraph) user(id string) *users.UserItemRequestBuilder {
	return c.usersRoot().ByUserId(id)
}

// userSelect are the fields the search list shows.
var userSelect = []string{"id", "displayName", "userPrincipalName", "mail", "jobTitle", "department", "accountEnabled", "userType"}

// userDetailSelect adds what a single-user view needs.
var userDetailSelect = append(append([]string{}, userSelect...), "signInSessionsValidFromDateTime", "createdDateTime")

func eventualHeaders() *abs.RequestHeaders {
	h := abs.NewRequestHeaders()
	h.Add("ConsistencyLevel", "eventual")
	return h
}

// SearchUsers implements Client. An object id or a UPN-shaped query is
// looked up exactly first; when a UPN-shaped query finds nobody (a partial
// mail address such as "alice@con"), it falls back to $search, so typing
// never dead-ends. An empty query lists users.
func (c *MSGraph) SearchUsers(ctx context.Context, query string, pageSize int) (graph.Page[graph.User], error) {
	q := strings.TrimSpace(query)
	op := fmt.Sprintf("search users for %q", graph.CleanText(q))
	if pageSize <= 0 {
		pageSize = 25
	}
	if pageSize > 999 {
		pageSize = 999
	}
	if graph.IsGUID(q) || graph.LooksLikeUPN(q) {
		u, err := c.getUser(ctx, op, q, userSelect)
		if err == nil {
			return graph.Page[graph.User]{Items: []graph.User{u}, Count: 1}, nil
		}
		if !errors.Is(err, graph.ErrNotFound) || graph.IsGUID(q) {
			if errors.Is(err, graph.ErrNotFound) {
				return graph.Page[graph.User]{Items: []graph.User{}, Count: 0}, nil
			}
			return graph.Page[graph.User]{}, err
		}
	}
	ctx, ci := withCallInfo(ctx)
	top := int32(pageSize)
	count := true
	qp := &users.UsersRequestBuilderGetQueryParameters{Select: userSelect, Top: &top, Count: &count}
	if q != "" {
		s := graph.UserSearch(q)
		qp.Search = &s
	}
	res, err := c.usersRoot().Get(ctx, &users.UsersRequestBuilderGetRequestConfiguration{
		Headers: eventualHeaders(), QueryParameters: qp})
	if err != nil {
		return graph.Page[graph.User]{}, c.classify(ctx, op, opRead, ci, err)
	}
	return c.userPage(ctx, op, ci, res)
}

// NextUsers implements Client.
func (c *MSGraph) NextUsers(ctx context.Context, next string) (graph.Page[graph.User], error) {
	op := "fetch the next page of users"
	if err := c.checkNextLink(op, next); err != nil {
		return graph.Page[graph.User]{}, err
	}
	ctx, ci := withCallInfo(ctx)
	res, err := users.NewUsersRequestBuilder(next, c.adapter).Get(ctx,
		&users.UsersRequestBuilderGetRequestConfiguration{Headers: eventualHeaders()})
	if err != nil {
		return graph.Page[graph.User]{}, c.classify(ctx, op, opRead, ci, err)
	}
	return c.userPage(ctx, op, ci, res)
}

func (c *MSGraph) userPage(ctx context.Context, op string, ci *callInfo, res models.UserCollectionResponseable) (graph.Page[graph.User], error) {
	if res == nil {
		return graph.Page[graph.User]{}, c.emptyAnswer(op, ci)
	}
	if res.GetValue() == nil {
		return graph.Page[graph.User]{}, c.noValue(op, ci)
	}
	p := graph.Page[graph.User]{Items: make([]graph.User, 0, len(res.GetValue())), Count: -1}
	for _, u := range res.GetValue() {
		if u != nil {
			p.Items = append(p.Items, userFrom(u))
		}
	}
	if n := res.GetOdataCount(); n != nil {
		p.Count = int(*n)
	}
	if nl := res.GetOdataNextLink(); nl != nil && *nl != "" {
		if err := c.selfLink(op, ci, *nl); err != nil {
			return graph.Page[graph.User]{}, err
		}
		p.Next = *nl
	}
	return p, nil
}

// ResolveUser implements Client.
func (c *MSGraph) ResolveUser(ctx context.Context, idOrUPN string) (graph.User, error) {
	key := strings.TrimSpace(idOrUPN)
	op := "look up user " + graph.CleanText(key)
	if err := graph.CheckUserKey(op, key); err != nil {
		return graph.User{}, err
	}
	if q := c.batchQueues(ctx); q != nil {
		return c.batchLookup(ctx, q.v1, key)
	}
	return c.getUser(ctx, op, key, userDetailSelect)
}

func (c *MSGraph) getUser(ctx context.Context, op, key string, sel []string) (graph.User, error) {
	ctx, ci := withCallInfo(ctx)
	u, err := c.user(key).Get(ctx, &users.UserItemRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.UserItemRequestBuilderGetQueryParameters{Select: sel}})
	if err != nil {
		return graph.User{}, c.classify(ctx, op, opRead, ci, err)
	}
	if u == nil {
		return graph.User{}, c.emptyAnswer(op, ci)
	}
	if u.GetId() == nil || *u.GetId() == "" {
		// A 200 whose body is no user (a proxy's page, another API's JSON):
		// acting on an id-less user would go wrong later, so say it here.
		return graph.User{}, c.noObject(op, ci, "user")
	}
	return userFrom(u), nil
}

func userFrom(u models.Userable) graph.User {
	return graph.User{
		ID:                      str(u.GetId()),
		DisplayName:             str(u.GetDisplayName()),
		UserPrincipalName:       str(u.GetUserPrincipalName()),
		Mail:                    str(u.GetMail()),
		JobTitle:                str(u.GetJobTitle()),
		Department:              str(u.GetDepartment()),
		AccountEnabled:          boolv(u.GetAccountEnabled()),
		UserType:                str(u.GetUserType()),
		SignInSessionsValidFrom: timev(u.GetSignInSessionsValidFromDateTime()),
		CreatedDateTime:         timev(u.GetCreatedDateTime()),
	}
}

// str returns a cleaned string from a Graph pointer field.
func str(p *string) string {
	if p == nil {
		return ""
	}
	return graph.CleanText(*p)
}

func boolv(p *bool) bool { return p != nil && *p }

func timev(p *time.Time) time.Time {
	if p == nil {
		return time.Time{}
	}
	return p.UTC()
}

func int32v(p *int32) int {
	if p == nil {
		return 0
	}
	return int(*p)
}
