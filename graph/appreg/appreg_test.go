package appreg_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/appreg"
	"github.com/mfadesk/mfadesk/graph/auth"
	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/graph/msgraph"
)

// tokenCred hands out an unsigned token with the given scp and wids: the
// fake tenant reads the claims (it does not check signatures).
type tokenCred struct{ scp, wids []string }

func (c tokenCred) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	b64 := func(v any) string {
		j, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(j)
	}
	exp := time.Now().Add(time.Hour)
	tok := b64(map[string]string{"alg": "none", "typ": "JWT"}) + "." + b64(map[string]any{
		"oid": "0d0c7000-0000-4000-8000-0000000000ad", "upn": "admin@contoso.com", "tid": fake.TenantID,
		"scp": strings.Join(c.scp, " "), "wids": c.wids, "exp": exp.Unix(),
	}) + ".sig"
	return azcore.AccessToken{Token: tok, ExpiresOn: exp}, nil
}

func start(t *testing.T) *fake.Server {
	t.Helper()
	srv, err := fake.Start(fake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func client(t *testing.T, srv *fake.Server, cred azcore.TokenCredential) *msgraph.MSGraph {
	t.Helper()
	c, err := msgraph.NewClient(msgraph.ClientOptions{Endpoint: srv.URL, Credential: cred})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const roleApplicationAdmin = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"

func TestCreateAsApplicationAdministrator(t *testing.T) {
	srv := start(t)
	c := client(t, srv, tokenCred{scp: []string{"Application.ReadWrite.All"}, wids: []string{roleApplicationAdmin}})
	plan := appreg.Plan{DisplayName: "mfadesk", Scopes: auth.DelegatedPermissions(false, true, false)}
	res, err := appreg.Create(context.Background(), c.RequestAdapter(), c.V1(), plan)
	if err != nil {
		t.Fatal(err)
	}
	apps := srv.Tenant.Apps()
	if len(apps) != 1 {
		t.Fatalf("apps = %+v", apps)
	}
	a := apps[0]
	if a.AppID != res.AppID || a.ID != res.ObjectID || a.ServicePrincipalID != res.ServicePrincipalID || res.ServicePrincipalID == "" {
		t.Errorf("result %+v, fake holds %+v", res, a)
	}
	if a.DisplayName != "mfadesk" || a.SignInAudience != "AzureADMyOrg" || !a.IsFallbackPublicClient ||
		!slices.Equal(a.RedirectURIs, []string{"http://localhost"}) {
		t.Errorf("app = %+v", a)
	}
	// Exactly the asked-for scopes, by the ids the tenant published.
	ids, err := appreg.GraphScopeIDs(context.Background(), c.RequestAdapter(), c.V1())
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, s := range plan.Scopes {
		want = append(want, ids[s])
	}
	if !slices.Equal(a.Scopes, want) || len(want) != len(plan.Scopes) {
		t.Errorf("scopes %v, want %v (%v)", a.Scopes, want, plan.Scopes)
	}
	// Documented ids (concepts/includes/permissions-ids.md).
	for name, id := range map[string]string{"User.Read": "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
		"UserAuthenticationMethod.ReadWrite.All": "b7887744-6746-4312-813d-72daeaee7e2d",
		"AuditLog.Read.All":                      "e4c9e354-4dc5-45b8-9e7c-e1393b0b1a20"} {
		if ids[name] != id {
			t.Errorf("%s = %s, want %s", name, ids[name], id)
		}
	}
}

func TestUnderPrivilegedAdminGets403AndNothingIsCreated(t *testing.T) {
	for _, tc := range []struct {
		name string
		cred tokenCred
	}{
		{"role without Application.ReadWrite.All", tokenCred{scp: []string{"Application.Read.All"}, wids: []string{roleApplicationAdmin}}},
		{"permission without an application role", tokenCred{scp: []string{"Application.ReadWrite.All"}, wids: []string{graph.RolePrivilegedAuthAdmin}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := start(t)
			c := client(t, srv, tc.cred)
			_, err := appreg.Create(context.Background(), c.RequestAdapter(), c.V1(), appreg.Plan{DisplayName: "mfadesk", Scopes: []string{"User.Read"}})
			var ae *appreg.Error
			if !errors.As(err, &ae) || ae.Status != 403 || ae.Code != "Authorization_RequestDenied" || !strings.Contains(ae.Needs, "Application.ReadWrite.All") {
				t.Fatalf("err = %v", err)
			}
			if n := len(srv.Tenant.Apps()); n != 0 {
				t.Errorf("%d apps created", n)
			}
		})
	}
}

func TestBadPlansAreRefusedBeforeAnyRequest(t *testing.T) {
	srv := start(t)
	c := client(t, srv, nil)
	for _, p := range []appreg.Plan{
		{DisplayName: " ", Scopes: []string{"User.Read"}},
		{DisplayName: "mfa\x1b[31mdesk", Scopes: []string{"User.Read"}},
		{DisplayName: "mfadesk"},
		{DisplayName: "mfadesk", Scopes: []string{"No.Such.Permission"}},
	} {
		if _, err := appreg.Create(context.Background(), c.RequestAdapter(), c.V1(), p); err == nil {
			t.Errorf("%+v: no error", p)
		}
	}
	if n := len(srv.Tenant.Apps()); n != 0 {
		t.Errorf("%d apps created", n)
	}
}

func TestConsentURL(t *testing.T) {
	got := appreg.ConsentURL("https://login.microsoftonline.us/", "contoso.onmicrosoft.com", "11111111-2222-3333-4444-555555555555")
	if got != "https://login.microsoftonline.us/contoso.onmicrosoft.com/adminconsent?client_id=11111111-2222-3333-4444-555555555555" {
		t.Error(got)
	}
}
