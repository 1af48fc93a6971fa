package msgraph

import (
	"context"
	"fmt"
	"sort"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/mfadesk/mfadesk/graph"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// Me implements Client. With a credential the access token's claims give
// the tenant, scopes (scp), app roles (roles) and directory roles (wids);
// a token without scp is app-only and /me is not called. A delegated
// operator is read from /me and /me/transitiveMemberOf/microsoft.graph.directoryRole
// (falling back to the wids names when that list is not readable).
// Without a credential (loopback only) /me is all there is.
func (c *MSGraph) Me(ctx context.Context) (graph.Operator, error) {
	op := "read the signed-in operator"
	var op0 graph.Operator
	delegated := true
	if c.cred != nil {
		// EnableCAE as the request adapter's token provider asks: azidentity
		// caches CAE and non-CAE tokens apart, and a device-code sign-in
		// would otherwise be asked for twice.
		tok, err := c.cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: c.scopes, EnableCAE: true})
		if err != nil {
			if ctx.Err() != nil {
				return graph.Operator{}, fmt.Errorf("%s: %w", op, ctx.Err())
			}
			return graph.Operator{}, &graph.Error{Kind: graph.ErrSignIn, Op: op, Message: "could not get an access token: " + graph.CleanText(firstLine(err.Error()))}
		}
		tc, err := graph.DecodeClaims(tok.Token)
		if err != nil {
			return graph.Operator{}, &graph.Error{Kind: graph.ErrSignIn, Op: op, Message: "the access token is not readable: " + err.Error()}
		}
		op0 = graph.OperatorFromClaims(tc)
		delegated = !op0.IsApp
	}
	if !delegated {
		return op0, nil
	}

	ctx, ci := withCallInfo(ctx)
	me, err := users.NewUserItemRequestBuilder(c.v1+"/me?%24select=id,displayName,userPrincipalName", c.adapter).Get(ctx, nil)
	if err != nil {
		return graph.Operator{}, c.classify(ctx, op, opMe, ci, err)
	}
	if me == nil {
		return graph.Operator{}, c.emptyAnswer(op, ci)
	}
	op0.ID = str(me.GetId())
	op0.DisplayName = str(me.GetDisplayName())
	op0.UserPrincipalName = str(me.GetUserPrincipalName())

	rctx, rci := withCallInfo(ctx)
	roles, err := users.NewItemTransitiveMemberOfGraphDirectoryRoleRequestBuilder(
		c.v1+"/me/transitiveMemberOf/microsoft.graph.directoryRole?%24select=displayName,roleTemplateId", c.adapter).Get(rctx, nil)
	if err != nil {
		if ctx.Err() != nil {
			return graph.Operator{}, fmt.Errorf("%s: %w", op, ctx.Err())
		}
		if c.cred == nil {
			// Nothing else tells the roles without a token.
			return graph.Operator{}, c.classify(rctx, op, opMe, rci, err)
		}
		return op0, nil // keep the names from wids
	}
	if roles != nil {
		names, ids := directoryRoles(roles)
		if len(names) > 0 || c.cred == nil {
			op0.DirectoryRoles = names
		}
		if len(op0.RoleTemplateIDs) == 0 {
			op0.RoleTemplateIDs = ids
		}
	}
	return op0, nil
}

func directoryRoles(res models.DirectoryRoleCollectionResponseable) (names, ids []string) {
	for _, r := range res.GetValue() {
		if r == nil {
			continue
		}
		if n := str(r.GetDisplayName()); n != "" {
			names = append(names, n)
		}
		if id := str(r.GetRoleTemplateId()); id != "" {
			ids = append(ids, id)
		}
	}
	sort.Strings(names)
	return names, ids
}
