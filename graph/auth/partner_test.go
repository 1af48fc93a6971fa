package auth

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/mfadesk/mfadesk/config"
	"github.com/mfadesk/mfadesk/graph/auth/authtest"
)

// A partner's technician signs in once at the partner's tenant; tokens for
// each customer are asked of the customer's authority, silently, and a
// second customer's profile (same partnerTenant, same record) signs in no
// more.
func TestPartnerSignsInOnceForCustomers(t *testing.T) {
	// Two credentials (two profiles) share tokens only through the
	// persistent cache, as two sessions of the app do.
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	defer func(n string) { cacheName = n }(cacheName)
	cacheName = fmt.Sprintf("mfadesk-test-partner-%d", time.Now().UnixNano())
	if _, err := newCache(); err != nil {
		t.Skipf("no persistent cache on this machine: %v", err)
	}
	a := authtest.Start(authtest.Options{User: authtest.Identity{OID: "9c1e0000-0000-4000-8000-000000000002",
		UPN: "tech@partner.example", Name: "Partner Tech", Scopes: helpdeskScopes}, PendingPolls: 1})
	defer a.Close()
	rec := config.PartnerRecordPath(filepath.Join(t.TempDir(), "config.yaml"), a.TenantID())
	prompts := 0
	for i, customer := range []string{"contoso.onmicrosoft.com", "fabrikam.onmicrosoft.com"} {
		p := profileFor(a, config.AuthDeviceCode)
		p.PartnerTenant, p.Tenant = a.TenantID(), customer
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		cred, err := NewCredential(ctxT(t), p, func(DeviceCodePrompt) { prompts++ }, WithHTTPClient(a.Client), WithRecordPath(rec))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cred.GetToken(ctxT(t), policy.TokenRequestOptions{Scopes: ScopesFor(p)}); err != nil {
			t.Fatalf("customer %d: %v", i, err)
		}
	}
	if prompts != 1 {
		t.Fatalf("%d device codes, want one sign-in for both customers", prompts)
	}
	got := a.TokenTenants()
	var devices, customers []string
	for _, g := range got {
		grant, tenant, _ := strings.Cut(g, " ")
		if strings.Contains(grant, "device_code") {
			devices = append(devices, tenant)
		} else if grant == "refresh_token" {
			customers = append(customers, tenant)
		}
	}
	if len(devices) == 0 || slices.ContainsFunc(devices, func(s string) bool { return s != a.TenantID() }) {
		t.Errorf("the device code sign-in was not at the partner's tenant: %v", got)
	}
	for _, c := range []string{"contoso.onmicrosoft.com", "fabrikam.onmicrosoft.com"} {
		if !slices.Contains(customers, c) {
			t.Errorf("no token asked of %s's authority: %v", c, got)
		}
	}
}

func TestPartnerTenantValidation(t *testing.T) {
	p := config.Defaults()
	p.Tenant, p.PartnerTenant, p.ClientID = "contoso.onmicrosoft.com", "partner.onmicrosoft.com", "11111111-2222-3333-4444-555555555555"
	for _, c := range []struct {
		mode config.AuthMode
		want string
	}{{config.AuthSecret, "devicecode or browser"}, {config.AuthAzureCLI, "devicecode or browser"}} {
		q := p
		q.Auth = c.mode
		if err := q.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", c.mode, err)
		}
	}
	q := p
	q.Auth, q.Tenant = config.AuthDeviceCode, "partner.onmicrosoft.com"
	if err := q.Validate(); err == nil || !strings.Contains(err.Error(), "customer") {
		t.Errorf("same tenant: %v", err)
	}
}
