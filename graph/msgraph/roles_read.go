package msgraph

import (
	"context"
	"fmt"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// maxRolePages bounds the membership pages read for one user (100 objects
// a page by default).
const maxRolePages = 50

// TargetRoles implements Reader: GET /users/{id}/transitiveMemberOf
// (api-reference/v1.0/api/user-list-transitivememberof.md: "groups,
// directory roles, and administrative units that the user is a member of
// through either direct or transitive membership"). No query options, so
// no ConsistencyLevel header is needed; a directoryRole carries its
// roleTemplateId and a group its isAssignableToRole (both returned by
// default). Roles assigned through a role-assignable group come with it;
// membership of such a group counts on its own ("User (no admin role, but
// member or owner of a role-assignable group)" in the sensitive-actions
// table). Ownership of such a group is not read: Graph would refuse the
// change itself, and the pre-check would miss it.
func (c *MSGraph) TargetRoles(ctx context.Context, userID string) (graph.TargetRoles, error) {
	op := "read the directory roles of " + graph.CleanText(userID)
	if err := graph.CheckUserKey(op, userID); err != nil {
		return graph.TargetRoles{}, err
	}
	out := graph.TargetRoles{Known: true}
	cctx, ci := withCallInfo(ctx)
	res, err := c.user(userID).TransitiveMemberOf().Get(cctx, nil)
	for page := 1; ; page++ {
		if err != nil {
			return graph.TargetRoles{}, c.classify(cctx, op, opRead, ci, err)
		}
		if res == nil {
			return graph.TargetRoles{}, c.emptyAnswer(op, ci)
		}
		if res.GetValue() == nil {
			return graph.TargetRoles{}, c.noValue(op, ci)
		}
		for _, o := range res.GetValue() {
			switch v := o.(type) {
			case models.DirectoryRoleable:
				if id := strings.ToLower(str(v.GetRoleTemplateId())); id != "" {
					out.Roles = append(out.Roles, id)
				}
			case models.Groupable:
				if b := v.GetIsAssignableToRole(); b != nil && *b {
					out.RoleAssignableGroups = append(out.RoleAssignableGroups, graph.CleanText(str(v.GetDisplayName())))
				}
			}
		}
		next := res.GetOdataNextLink()
		if next == nil || *next == "" {
			break
		}
		if page >= maxRolePages {
			return graph.TargetRoles{}, &graph.Error{Kind: graph.ErrUnavailable, Op: op, Message: fmt.Sprintf(
				"Graph still sent a next-page link after %d pages of memberships", page)}
		}
		if err := c.checkNextLink(op, *next); err != nil {
			return graph.TargetRoles{}, err
		}
		cctx, ci = withCallInfo(ctx)
		res, err = users.NewItemTransitiveMemberOfRequestBuilder(*next, c.adapter).Get(cctx, nil)
	}
	out.Admin = out.IsAdmin()
	return out, nil
}
