package msgraph

import (
	"context"
	"fmt"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/microsoftgraph/msgraph-sdk-go/groups"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// Protected groups (break-glass accounts) are expanded to their transitive
// user members, so Guard can refuse changes to anyone in them.

// groupMemberSelect is all Guard needs to recognise a member by id or UPN.
var groupMemberSelect = []string{"id", "displayName", "userPrincipalName"}

// maxGroupPages bounds how many 999-member pages one GroupMembers call
// follows; past it the call fails rather than return a partial list (a
// partial list would leave protected accounts unprotected).
const maxGroupPages = 200

// groupNeeds is what a 403 on a group read asks for.
const groupNeeds = "GroupMember.Read.All"

func (c *MSGraph) groupsRoot() *groups.GroupsRequestBuilder {
	return groups.NewGroupsRequestBuilderInternal(map[string]string{}, c.adapter)
}

// GroupMembers implements Reader: the transitive user members of
// a group (nested groups expanded by Graph), each once. group is the
// group's object id or its display name; a name is resolved with
// $filter=displayName eq '...' and must match exactly one group.
func (c *MSGraph) GroupMembers(ctx context.Context, group string) ([]graph.User, error) {
	key := strings.TrimSpace(group)
	op := "list members of group " + graph.CleanText(key)
	if key == "" {
		return nil, &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: "no group given (an object id or a display name)"}
	}
	id := key
	if !graph.IsGUID(key) {
		var err error
		if id, err = c.groupByName(ctx, op, key); err != nil {
			return nil, err
		}
	}
	top := int32(999)
	count := true
	cctx, ci := withCallInfo(ctx)
	// The /graph.user cast is an advanced query: Graph needs
	// ConsistencyLevel: eventual and $count=true with it, on every page
	// (api-reference/v1.0/api/group-list-transitivemembers.md).
	res, err := c.groupsRoot().ByGroupId(id).TransitiveMembers().GraphUser().Get(cctx,
		&groups.ItemTransitiveMembersGraphUserRequestBuilderGetRequestConfiguration{
			Headers: eventualHeaders(),
			QueryParameters: &groups.ItemTransitiveMembersGraphUserRequestBuilderGetQueryParameters{
				Select: groupMemberSelect, Top: &top, Count: &count}})
	var out []graph.User
	seen := map[string]bool{}
	for page := 1; ; page++ {
		if err != nil {
			return nil, c.classifyGroup(cctx, op, ci, err)
		}
		if res == nil {
			return nil, c.emptyAnswer(op, ci)
		}
		if res.GetValue() == nil {
			return nil, c.noValue(op, ci)
		}
		for _, u := range res.GetValue() {
			if u == nil {
				continue
			}
			m := graph.User{ID: str(u.GetId()), DisplayName: str(u.GetDisplayName()), UserPrincipalName: str(u.GetUserPrincipalName())}
			if m.ID == "" && m.UserPrincipalName == "" {
				continue
			}
			k := m.ID
			if k == "" {
				k = m.UserPrincipalName
			}
			if k = strings.ToLower(k); !seen[k] {
				seen[k] = true
				out = append(out, m)
			}
		}
		next := res.GetOdataNextLink()
		if next == nil || *next == "" {
			break
		}
		if page >= maxGroupPages {
			return nil, &graph.Error{Kind: graph.ErrUnavailable, Op: op, Message: fmt.Sprintf(
				"Graph still sent a next-page link after %d pages of members; refusing a partial member list", page)}
		}
		if err := c.checkNextLink(op, *next); err != nil {
			return nil, err
		}
		cctx, ci = withCallInfo(ctx)
		res, err = groups.NewItemTransitiveMembersGraphUserRequestBuilder(*next, c.adapter).Get(cctx,
			&groups.ItemTransitiveMembersGraphUserRequestBuilderGetRequestConfiguration{Headers: eventualHeaders()})
	}
	if out == nil {
		out = []graph.User{}
	}
	return out, nil
}

// groupByName finds the one group called name (Graph compares displayName
// case-insensitively) and returns its object id.
func (c *MSGraph) groupByName(ctx context.Context, op, name string) (string, error) {
	f := "displayName eq " + graph.FilterLiteral(name)
	top := int32(2) // two are enough to know the name is ambiguous
	cctx, ci := withCallInfo(ctx)
	res, err := c.groupsRoot().Get(cctx, &groups.GroupsRequestBuilderGetRequestConfiguration{
		QueryParameters: &groups.GroupsRequestBuilderGetQueryParameters{Filter: &f, Select: []string{"id", "displayName"}, Top: &top}})
	if err != nil {
		return "", c.classifyGroup(cctx, op, ci, err)
	}
	if res == nil {
		return "", c.emptyAnswer(op, ci)
	}
	if res.GetValue() == nil {
		return "", c.noValue(op, ci)
	}
	var found []models.Groupable
	for _, g := range res.GetValue() {
		if g != nil {
			found = append(found, g)
		}
	}
	switch {
	case len(found) == 0:
		return "", &graph.Error{Kind: graph.ErrNotFound, Op: op, Message: "no group named " + graph.CleanText(name)}
	case len(found) > 1 || res.GetOdataNextLink() != nil:
		return "", &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: "several groups are named " + graph.CleanText(name) + "; use its object id"}
	}
	id := str(found[0].GetId())
	if !graph.IsGUID(id) {
		// The id goes into the next request's path: only a real object id.
		return "", c.noObject(op, ci, "group id")
	}
	return id, nil
}

// classifyGroup classifies like the other reads, but a 403 names the
// permission group reads need.
func (c *MSGraph) classifyGroup(ctx context.Context, op string, ci *callInfo, err error) error {
	out := c.classify(ctx, op, opRead, ci, err)
	if e, ok := out.(*graph.Error); ok && e.Kind == graph.ErrDenied && e.Status == 403 {
		e.Needs = groupNeeds
	}
	return out
}
