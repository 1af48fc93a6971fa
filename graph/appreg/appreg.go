// Package appreg creates mfadesk's app registration in a tenant through
// Microsoft Graph, for `mfadesk setup`: a single-tenant public client
// (device code, and http://localhost for the browser sign-in) asking for
// exactly the delegated Microsoft Graph permissions the profile's features
// need, and its service principal, so an admin can grant consent.
//
// It needs only msgraph-sdk-go's applications and serviceprincipals
// subpackages and a request adapter (DESIGN.md, Build cost), so it does not
// depend on where the client's adapter lives.
package appreg

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/google/uuid"
	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/applications"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
	"github.com/microsoftgraph/msgraph-sdk-go/serviceprincipals"

	"github.com/mfadesk/mfadesk/graph"
)

// GraphAppID is Microsoft Graph's application id, the resourceAppId of
// its permissions in requiredResourceAccess.
const GraphAppID = "00000003-0000-0000-c000-000000000000"

// RedirectURI is the public client redirect URI for `auth: browser`
// (azidentity's interactive browser credential listens on localhost).
const RedirectURI = "http://localhost"

// Plan is what setup will create.
type Plan struct {
	DisplayName string
	// Scopes are delegated Microsoft Graph permission names
	// ("UserAuthenticationMethod.ReadWrite.All"), from auth.ScopesFor.
	Scopes   []string
	ReadOnly bool
	// MultiTenant registers the app for any organisation's directory
	// (AzureADMultipleOrgs): a partner's technicians sign in to their
	// customers' tenants with it (partnerTenant), each customer's admin
	// consenting there. Single tenant (AzureADMyOrg) otherwise.
	MultiTenant bool
}

// Audience is the app's signInAudience (application resource: AzureADMyOrg
// or AzureADMultipleOrgs).
func (p Plan) Audience() string {
	if p.MultiTenant {
		return "AzureADMultipleOrgs"
	}
	return "AzureADMyOrg"
}

// Validate refuses a plan Graph would refuse or that would create a
// useless app, before anything is sent.
func (p Plan) Validate() error {
	name := strings.TrimSpace(p.DisplayName)
	if name == "" {
		return errors.New("the app registration needs a name (--name)")
	}
	if len(name) > 120 || graph.CleanText(name) != name {
		return fmt.Errorf("app name %q: use at most 120 printable characters", graph.CleanText(name))
	}
	if len(p.Scopes) == 0 {
		return errors.New("no permissions to ask for")
	}
	return nil
}

// Result is what was created. None of it is a secret: a public client
// has no credential.
type Result struct {
	AppID              string // application (client) id: the profile's clientId
	ObjectID           string // the application object's id
	ServicePrincipalID string
	// ScopeIDs maps each permission name to the id the tenant's Microsoft
	// Graph service principal publishes for it.
	ScopeIDs map[string]string
}

// Error is a refused or failed setup call, with Graph's status, code and
// (cleaned) message, and what would allow it.
type Error struct {
	Op        string
	Status    int
	Code      string
	Message   string
	RequestID string
	Needs     string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": %d", e.Status)
	}
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Needs != "" {
		b.WriteString(" (needs " + e.Needs + ")")
	}
	if e.RequestID != "" {
		b.WriteString(" [request-id " + e.RequestID + "]")
	}
	return b.String()
}

// needsToCreate is what application-post-applications.md and
// serviceprincipal-post-serviceprincipals.md name for a delegated caller.
const needsToCreate = "delegated permission Application.ReadWrite.All and the Application Administrator, Cloud Application Administrator or Application Developer role"

func callError(op string, err error) error {
	e := &Error{Op: op}
	var oe *odataerrors.ODataError
	if errors.As(err, &oe) {
		e.Status = oe.GetStatusCode()
		if me := oe.GetErrorEscaped(); me != nil {
			if c := me.GetCode(); c != nil {
				e.Code = graph.CleanText(*c)
			}
			if m := me.GetMessage(); m != nil {
				e.Message = graph.CleanText(*m)
			}
			if in := me.GetInnerError(); in != nil && in.GetRequestId() != nil {
				e.RequestID = graph.CleanText(*in.GetRequestId())
			}
		}
		if e.Status == 401 || e.Status == 403 {
			e.Needs = needsToCreate
		}
		return e
	}
	e.Message = graph.CleanText(err.Error())
	return e
}

// GraphScopeIDs reads the delegated permission ids the tenant's Microsoft
// Graph service principal publishes (its oauth2PermissionScopes), so no id
// is hard-coded: GET /servicePrincipals(appId='00000003-...')?$select=...
// (serviceprincipal-get.md documents the appId key).
func GraphScopeIDs(ctx context.Context, adapter abs.RequestAdapter, v1 string) (map[string]string, error) {
	raw := strings.TrimRight(v1, "/") + "/servicePrincipals(appId='" + GraphAppID + "')?%24select=id,appId,oauth2PermissionScopes"
	sp, err := serviceprincipals.NewServicePrincipalItemRequestBuilder(raw, adapter).Get(ctx, nil)
	if err != nil {
		return nil, callError("read Microsoft Graph's delegated permissions", err)
	}
	out := map[string]string{}
	for _, s := range sp.GetOauth2PermissionScopes() {
		if s.GetValue() == nil || s.GetId() == nil {
			continue
		}
		out[*s.GetValue()] = s.GetId().String()
	}
	return out, nil
}

// Build is the application object Create posts: single tenant, a public
// client (isFallbackPublicClient: device code; publicClient.redirectUris:
// the browser sign-in), and the delegated Graph permissions as "Scope"
// entries of requiredResourceAccess (resources/application.md,
// requiredresourceaccess.md, resourceaccess.md).
func Build(p Plan, ids map[string]string) (models.Applicationable, error) {
	var access []models.ResourceAccessable
	var missing []string
	for _, name := range p.Scopes {
		id, ok := ids[name]
		if !ok {
			missing = append(missing, name)
			continue
		}
		u, err := uuid.Parse(id)
		if err != nil {
			return nil, fmt.Errorf("the tenant's id for %s is not a GUID: %q", name, graph.CleanText(id))
		}
		ra := models.NewResourceAccess()
		ra.SetId(&u)
		ra.SetTypeEscaped(ptr("Scope"))
		access = append(access, ra)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the tenant's Microsoft Graph does not publish %s: nothing was created", strings.Join(missing, ", "))
	}
	rra := models.NewRequiredResourceAccess()
	rra.SetResourceAppId(ptr(GraphAppID))
	rra.SetResourceAccess(access)

	pc := models.NewPublicClientApplication()
	pc.SetRedirectUris([]string{RedirectURI})

	app := models.NewApplication()
	app.SetDisplayName(ptr(strings.TrimSpace(p.DisplayName)))
	app.SetSignInAudience(ptr(p.Audience()))
	app.SetIsFallbackPublicClient(ptr(true))
	app.SetPublicClient(pc)
	app.SetRequiredResourceAccess([]models.RequiredResourceAccessable{rra})
	return app, nil
}

// Create reads the permission ids, creates the application
// (POST /applications) and its service principal (POST /servicePrincipals
// with the new appId). The caller has shown the plan and had it confirmed.
// A failure after the application exists says so, with its appId, so the
// admin can finish or delete it.
func Create(ctx context.Context, adapter abs.RequestAdapter, v1 string, p Plan) (Result, error) {
	if err := p.Validate(); err != nil {
		return Result{}, err
	}
	ids, err := GraphScopeIDs(ctx, adapter, v1)
	if err != nil {
		return Result{}, err
	}
	body, err := Build(p, ids)
	if err != nil {
		return Result{}, err
	}
	base := strings.TrimRight(v1, "/")
	app, err := applications.NewApplicationsRequestBuilder(base+"/applications", adapter).Post(ctx, body, nil)
	if err != nil {
		return Result{}, callError("create the application", err)
	}
	res := Result{ScopeIDs: map[string]string{}}
	if app.GetAppId() != nil {
		res.AppID = *app.GetAppId()
	}
	if app.GetId() != nil {
		res.ObjectID = *app.GetId()
	}
	if res.AppID == "" {
		return res, errors.New("create the application: Graph's answer has no appId")
	}
	for _, s := range p.Scopes {
		res.ScopeIDs[s] = ids[s]
	}
	sp := models.NewServicePrincipal()
	sp.SetAppId(ptr(res.AppID))
	created, err := serviceprincipals.NewServicePrincipalsRequestBuilder(base+"/servicePrincipals", adapter).Post(ctx, sp, nil)
	if err != nil {
		return res, fmt.Errorf("the application %s was created, but not its service principal (delete the app registration in Entra and run setup again): %w",
			res.AppID, callError("create the service principal", err))
	}
	if created.GetId() != nil {
		res.ServicePrincipalID = *created.GetId()
	}
	return res, nil
}

// ConsentURL is where an admin grants tenant-wide consent for the app's
// permissions (the admin consent endpoint of the Microsoft identity
// platform: {authority}/{tenant}/adminconsent?client_id=...).
func ConsentURL(authorityHost, tenant, appID string) string {
	host := strings.TrimRight(authorityHost, "/")
	if host == "" {
		host = "https://login.microsoftonline.com"
	}
	if tenant == "" {
		tenant = "organizations"
	}
	return host + "/" + url.PathEscape(tenant) + "/adminconsent?client_id=" + url.QueryEscape(appID)
}

// SortedScopes returns the names in a stable order for printing.
func SortedScopes(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func ptr[T any](v T) *T { return &v }
