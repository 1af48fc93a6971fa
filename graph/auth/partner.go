package auth

import (
	"context"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/mfadesk/mfadesk/config"
)

// A partner's technician (CSP, GDAP) signs in once to the partner's own
// tenant (the profile's partnerTenant) and works in a customer's (tenant):
// azidentity asks the customer's authority for each token with the same
// account when the request names that tenant and the credential allows it
// (AdditionallyAllowedTenants). Profiles of several customers with the
// same partnerTenant share one sign-in record (config.PartnerRecordPath),
// so switching customers in the app does not sign in again.

// signInTenant is the tenant the technician signs in to.
func signInTenant(p config.Profile) string {
	if p.PartnerTenant != "" {
		return p.PartnerTenant
	}
	return p.Tenant
}

// partnerAllowed is the customer tenant a partner sign-in may get tokens
// for (nil without a partner tenant: only the one signed in to).
func partnerAllowed(p config.Profile) []string {
	if p.PartnerTenant == "" {
		return nil
	}
	return []string{p.Tenant}
}

// forTenant makes every token request name the profile's tenant when a
// partner signs in elsewhere (without one, cred as it is).
func forTenant(cred azcore.TokenCredential, p config.Profile) azcore.TokenCredential {
	if p.PartnerTenant == "" {
		return cred
	}
	return tenantCredential{cred, p.Tenant}
}

type tenantCredential struct {
	azcore.TokenCredential
	tenant string
}

func (c tenantCredential) GetToken(ctx context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	o.TenantID = c.tenant
	return c.TokenCredential.GetToken(ctx, o)
}
