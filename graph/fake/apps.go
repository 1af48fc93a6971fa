package fake

import (
	"strings"
)

// App registrations, for `mfadesk setup`: the tenant's Microsoft Graph
// service principal (read for its delegated permission ids), and
// POST /applications and POST /servicePrincipals.

const graphAppID = "00000003-0000-0000-c000-000000000000"

// Directory role template ids of the roles that may create applications.
const (
	RoleApplicationAdmin      = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
	RoleCloudApplicationAdmin = "158c047a-c907-4556-b7ef-446551a6b5f7"
	RoleApplicationDeveloper  = "cf1c38e5-3621-4004-a7cb-879624dced7c"
)

var (
	ruleAppsCreate = docRule("perm.applications.create",
		"creating an application or a service principal needs delegated Application.ReadWrite.All (or Directory.AccessAsUser.All) and, in this fake (a tenant where members may not register apps), the Application Developer, Cloud Application Administrator or Application Administrator role; 403 Authorization_RequestDenied otherwise",
		"api-reference/v1.0/api/application-post-applications.md")
	ruleAppsSPCreate = docRule("applications.serviceprincipal-needs-appid",
		"POST /servicePrincipals needs the appId of an existing application; a body without one is 400",
		"api-reference/v1.0/api/serviceprincipal-post-serviceprincipals.md")
	ruleAppsDisplayName = docRule("applications.displayname-required",
		"POST /applications must contain displayName; passwordCredentials may not be sent on create",
		"api-reference/v1.0/api/application-post-applications.md")
	ruleAppsGraphSP = docRule("applications.graph-sp-by-appid",
		"GET /servicePrincipals(appId='{appId}') addresses a service principal by its appId; Microsoft Graph's publishes its delegated permissions as oauth2PermissionScopes (ids from the permissions reference)",
		"api-reference/v1.0/api/serviceprincipal-get.md")
)

// appCreate is the authorization row for both creates. Application.Read.All
// or wider reads the Graph service principal.
var (
	appCreate = Permission{Op: "applications.create",
		Scopes:   []string{"Application.ReadWrite.All", "Directory.AccessAsUser.All"},
		AppRoles: []string{"Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"},
		Roles:    []string{RoleGlobalAdmin, RoleApplicationAdmin, RoleCloudApplicationAdmin, RoleApplicationDeveloper},
		Rule:     ruleAppsCreate}
	spRead = Permission{Op: "serviceprincipals.read",
		Scopes:   []string{"Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"},
		AppRoles: []string{"Application.Read.All", "Application.ReadWrite.OwnedBy", "Application.ReadWrite.All", "Directory.Read.All"},
		Rule:     ruleAppsGraphSP}
)

// graphScopes are the delegated permissions the fake's Microsoft Graph
// service principal publishes: the ones mfadesk asks for, with the ids of
// concepts/includes/permissions-ids.md. User.RevokeSessions.All is newer
// than every version of that table stored here, so its id below is the
// fake's own, like its user ids; mfadesk never hard-codes an id, it reads
// them from the tenant (appreg.GraphScopeIDs).
var graphScopes = [][2]string{
	{"User.Read", "e1fe6dd8-ba31-4d61-89e7-88639da4683d"},
	{"User.Read.All", "a154be20-db9c-4678-8ab7-66f6cc099a59"},
	{"User.ReadWrite.All", "204e0828-b5ca-4ad8-b9f3-f32a958e7cc4"},
	{"UserAuthenticationMethod.Read.All", "aec28ec7-4d02-4e8c-b864-50163aea77eb"},
	{"UserAuthenticationMethod.ReadWrite.All", "b7887744-6746-4312-813d-72daeaee7e2d"},
	{"AuditLog.Read.All", "e4c9e354-4dc5-45b8-9e7c-e1393b0b1a20"},
	{"Policy.Read.All", "572fea84-0151-49b2-9301-11cb16974376"},
	{"Policy.ReadWrite.AuthenticationMethod", "7e823077-d88e-468f-a337-e18f1f0e6c7c"},
	{"Mail.Send", "e383f46e-2787-4529-855e-0e479a3ffac0"},
	{"Mail.Send.Shared", "a367ab51-6b49-43bf-a716-a1fb06d2a174"},
	{"Application.ReadWrite.All", "bdfbf15f-ee85-4955-8675-146e8e5296b5"},
	{"User.RevokeSessions.All", "f0e1d2c3-b4a5-4968-8778-695a4b3c2d1e"}, // the fake's own id (see above)
	// The delegated id Microsoft publishes for it (graphpermissions
	// listings); newer than the stored permissions-ids table too.
	{"User.EnableDisableAccount.All", "f92e74e7-2563-467f-9dd0-902688cb5863"},
	// A user's groups (names, isAssignableToRole) for "is MFA required?".
	{"GroupMember.Read.All", "bc024368-1153-4739-b217-4326f2e966d0"},
}

// AppData is an application the fake holds (created by setup).
type AppData struct {
	ID                     string
	AppID                  string
	DisplayName            string
	SignInAudience         string
	IsFallbackPublicClient bool
	RedirectURIs           []string
	// Scopes are the delegated Graph permission ids requested.
	Scopes             []string
	ServicePrincipalID string
}

// Apps returns the applications created so far (tests, inspection).
func (t *Tenant) Apps() []AppData {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]AppData, len(t.apps))
	copy(out, t.apps)
	return out
}

// authorizeRow checks one authorization row that is not in Permissions
// (those rows are about user operations doctor reports).
func (t *Tenant) authorizeRow(rc *reqCtx, p *Permission) *response {
	if rc.op.Demo {
		return nil
	}
	if !rc.op.grants(p) {
		r := rc.fail(403, "Authorization_RequestDenied", insufficientPrivilegesMessage)
		return &r
	}
	if ok, _ := rc.op.roleOK(p, nil, false); !ok {
		r := rc.fail(403, "Authorization_RequestDenied", insufficientPrivilegesMessage)
		return &r
	}
	return nil
}

// routeServicePrincipals routes /servicePrincipals (POST) and
// /servicePrincipals(appId='...') (GET, Microsoft Graph's only).
func (t *Tenant) routeServicePrincipals(rc *reqCtx, head string) (string, func(*reqCtx) response) {
	if strings.EqualFold(head, "servicePrincipals") {
		return "/servicePrincipals", allow(rc, t.createServicePrincipal, "POST")
	}
	key := head[len("servicePrincipals"):]
	appID := strings.TrimSuffix(strings.TrimPrefix(key, "(appId='"), "')")
	if appID == key || strings.ContainsAny(appID, "'()") {
		return "unknown", segmentNotFound(head)
	}
	return "/servicePrincipals(appId='{appId}')", allow(rc, func(rc *reqCtx) response { return t.getServicePrincipalByAppID(rc, appID) }, "GET")
}

func (t *Tenant) getServicePrincipalByAppID(rc *reqCtx, appID string) response {
	if r := t.authorizeRow(rc, &spRead); r != nil {
		return *r
	}
	if !strings.EqualFold(appID, graphAppID) {
		for _, a := range t.apps {
			if strings.EqualFold(a.AppID, appID) && a.ServicePrincipalID != "" {
				return response{status: 200, body: obj{{"@odata.context", rc.context("servicePrincipals/$entity")},
					{"id", a.ServicePrincipalID}, {"appId", a.AppID}, {"displayName", a.DisplayName}, {"oauth2PermissionScopes", []obj{}}}}
			}
		}
		return rc.fail(404, "Request_ResourceNotFound", "Resource '"+appID+"' does not exist or one of its queried reference-property objects are not present.")
	}
	var scopes []obj
	for _, s := range graphScopes {
		scopes = append(scopes, obj{{"id", s[1]}, {"isEnabled", true}, {"type", "Admin"}, {"value", s[0]}})
	}
	return response{status: 200, body: obj{
		{"@odata.context", rc.context("servicePrincipals(id,appId,oauth2PermissionScopes)/$entity")},
		{"id", "6f1d3c2a-9b8e-4d7c-a5f4-3e2d1c0b9a88"},
		{"appId", graphAppID},
		{"displayName", "Microsoft Graph"},
		{"oauth2PermissionScopes", scopes},
	}}
}

func (t *Tenant) createApplication(rc *reqCtx) response {
	if r := t.authorizeRow(rc, &appCreate); r != nil {
		return *r
	}
	var body struct {
		DisplayName            string `json:"displayName"`
		SignInAudience         string `json:"signInAudience"`
		IsFallbackPublicClient *bool  `json:"isFallbackPublicClient"`
		PublicClient           *struct {
			RedirectURIs []string `json:"redirectUris"`
		} `json:"publicClient"`
		RequiredResourceAccess []struct {
			ResourceAppID  string `json:"resourceAppId"`
			ResourceAccess []struct {
				ID   string `json:"id"`
				Type string `json:"type"`
			} `json:"resourceAccess"`
		} `json:"requiredResourceAccess"`
		PasswordCredentials []any `json:"passwordCredentials"`
	}
	if r := readJSON(rc, &body); r != nil {
		return *r
	}
	if strings.TrimSpace(body.DisplayName) == "" {
		return rc.fail(400, "Request_BadRequest", "Property 'displayName' is required.")
	}
	if len(body.PasswordCredentials) > 0 {
		return rc.fail(400, "Request_BadRequest", "Adding passwordCredentials when creating applications is not supported.")
	}
	a := AppData{ID: t.newID(), AppID: t.newID(), DisplayName: body.DisplayName, SignInAudience: body.SignInAudience}
	if a.SignInAudience == "" {
		a.SignInAudience = "AzureADandPersonalMicrosoftAccount" // the documented default in the create example
	}
	if body.IsFallbackPublicClient != nil {
		a.IsFallbackPublicClient = *body.IsFallbackPublicClient
	}
	if body.PublicClient != nil {
		a.RedirectURIs = body.PublicClient.RedirectURIs
	}
	for _, r := range body.RequiredResourceAccess {
		if !strings.EqualFold(r.ResourceAppID, graphAppID) {
			continue
		}
		for _, ra := range r.ResourceAccess {
			if ra.Type == "Scope" {
				a.Scopes = append(a.Scopes, ra.ID)
			}
		}
	}
	t.apps = append(t.apps, a)
	return response{status: 201, body: t.appJSON(rc, a)}
}

func (t *Tenant) appJSON(rc *reqCtx, a AppData) obj {
	var access []obj
	for _, id := range a.Scopes {
		access = append(access, obj{{"id", id}, {"type", "Scope"}})
	}
	rra := []obj{}
	if len(access) > 0 {
		rra = append(rra, obj{{"resourceAppId", graphAppID}, {"resourceAccess", access}})
	}
	redirects := a.RedirectURIs
	if redirects == nil {
		redirects = []string{}
	}
	return obj{
		{"@odata.context", rc.context("applications/$entity")},
		{"id", a.ID},
		{"appId", a.AppID},
		{"displayName", a.DisplayName},
		{"signInAudience", a.SignInAudience},
		{"isFallbackPublicClient", a.IsFallbackPublicClient},
		{"publicClient", obj{{"redirectUris", redirects}}},
		{"requiredResourceAccess", rra},
		{"passwordCredentials", []obj{}},
	}
}

func (t *Tenant) createServicePrincipal(rc *reqCtx) response {
	if r := t.authorizeRow(rc, &appCreate); r != nil {
		return *r
	}
	var body struct {
		AppID string `json:"appId"`
	}
	if r := readJSON(rc, &body); r != nil {
		return *r
	}
	if body.AppID == "" {
		return rc.fail(400, "Request_BadRequest", "Property 'appId' is required.")
	}
	for i := range t.apps {
		a := &t.apps[i]
		if !strings.EqualFold(a.AppID, body.AppID) {
			continue
		}
		if a.ServicePrincipalID != "" {
			return rc.fail(409, "Request_MultipleObjectsWithSameKeyValue", "The service principal for this application already exists.")
		}
		a.ServicePrincipalID = t.newID()
		return response{status: 201, body: obj{
			{"@odata.context", rc.context("servicePrincipals/$entity")},
			{"id", a.ServicePrincipalID},
			{"appId", a.AppID},
			{"appDisplayName", a.DisplayName},
			{"displayName", a.DisplayName},
			{"accountEnabled", true},
			{"servicePrincipalType", "Application"},
		}}
	}
	return rc.fail(400, "Request_BadRequest", "The appId '"+body.AppID+"' of the service principal does not reference a valid application object.")
}
