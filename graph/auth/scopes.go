package auth

import (
	"context"
	"slices"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/mfadesk/mfadesk/config"
	"github.com/mfadesk/mfadesk/graph"
)

// DelegatedPermissions lists the delegated permission names mfadesk asks
// for, from graph.Requirements (the one table): read-only asks only for reads; notification mail adds Mail.Send (and
// Mail.Send.Shared when a shared sender mailbox is configured).
func DelegatedPermissions(readOnly, notify bool, sharedSender bool) []string {
	// User.Read signs in and reads /me; the rest is the permission
	// table's (graph.DelegatedScopes).
	out := append([]string{"User.Read"}, graph.DelegatedScopes(readOnly)...)
	if readOnly {
		return out
	}
	if notify {
		out = append(out, "Mail.Send")
		if sharedSender {
			out = append(out, "Mail.Send.Shared")
		}
	}
	return out
}

// Scopes are the delegated scopes for the cloud's Graph resource, e.g.
// "https://graph.microsoft.com/User.Read.All" (read-only: read scopes only).
func Scopes(readOnly bool, c config.Cloud) []string {
	return qualify(c.Endpoints().Graph, DelegatedPermissions(readOnly, false, false))
}

// ScopesFor is what a profile's credential and Graph client must ask for:
// the cloud's "/.default" for app-only sign-in (an app gets the
// application permissions granted to it, and cannot ask for fewer),
// otherwise the delegated scopes of the enabled features.
func ScopesFor(p config.Profile) []string {
	resource := p.Cloud.Endpoints().Graph
	if AppOnly(p) {
		return []string{resource + "/.default"}
	}
	notify := p.Notify.Enabled && !p.ReadOnly
	names := DelegatedPermissions(p.ReadOnly, notify, p.Notify.Sender != "")
	if len(p.Protected.Groups) > 0 && !p.ReadOnly {
		// Guard resolves protected (break-glass) groups before any change
		// and refuses every change while it cannot.
		names = append(names, "GroupMember.Read.All")
	}
	return qualify(resource, names)
}

func qualify(resource string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = resource + "/" + n
	}
	return out
}

// RequiredPermissions lists, for the README and doctor, every delegated and
// application permission the enabled features could use.
func RequiredPermissions(readOnly bool) (delegated, application []string) {
	for _, r := range graph.Requirements() {
		if readOnly && r.Write {
			continue
		}
		delegated = appendNew(delegated, r.Delegated[0])
		if len(r.Application) > 0 { // resetting a password is delegated only
			application = appendNew(application, r.Application[0])
		}
	}
	return delegated, application
}

func appendNew(xs []string, x string) []string {
	if slices.Contains(xs, x) {
		return xs
	}
	return append(xs, x)
}

// defaultScope adapts credentials that only take a resource's "/.default"
// (app-only, managed identity, Azure CLI) to callers asking for delegated
// scopes: it asks for <resource>/.default instead.
type defaultScope struct{ azcore.TokenCredential }

func (d defaultScope) GetToken(ctx context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	o.Scopes = toDefault(o.Scopes)
	return d.TokenCredential.GetToken(ctx, o)
}

// toDefault maps ["https://graph.microsoft.com/User.Read", ...] to
// ["https://graph.microsoft.com/.default"].
func toDefault(scopes []string) []string {
	if len(scopes) == 0 {
		return scopes
	}
	s := scopes[0]
	if i := strings.LastIndex(s, "/"); i > len("https://") {
		return []string{s[:i] + "/.default"}
	}
	return []string{"https://graph.microsoft.com/.default"}
}
