package msgraph

// mfarequired.go: the reads behind "which groups is this user in?" and
// "is MFA required for them?": the user's groups (transitive, direct
// marked), the Conditional Access policies and the security defaults
// policy, converted to graph's types with Graph's text cleaned.

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// maxMemberPages bounds the pages of one user's groups (999 a page).
const maxMemberPages = 50

var userGroupSelect = []string{"id", "displayName", "isAssignableToRole"}

// needsFor names what the permission table says allows a, for a 403.
func needsFor(a graph.Action) string {
	r, ok := graph.RequirementFor(a)
	if !ok {
		return ""
	}
	out := r.Delegated[0]
	if len(r.Roles) > 0 {
		names := make([]string, len(r.Roles))
		for i, id := range r.Roles {
			names[i] = graph.RoleName(id)
		}
		out += " and the " + graph.OrList(names) + " role"
	}
	return out
}

// classifyAs classifies like the other reads; a 403 names a's needs.
func (c *MSGraph) classifyAs(ctx context.Context, op string, a graph.Action, ci *callInfo, err error) error {
	out := c.classify(ctx, op, opRead, ci, err)
	if e, ok := out.(*graph.Error); ok && e.Kind == graph.ErrDenied && e.Status == 403 {
		e.Needs = needsFor(a)
	}
	return out
}

// UserGroups implements Reader: GET /users/{id}/transitiveMemberOf/
// microsoft.graph.group, then /memberOf/microsoft.graph.group for which of
// them are direct. The OData cast needs ConsistencyLevel: eventual and
// $count=true (api-reference/v1.0/api/user-list-transitivememberof.md,
// user-list-memberof.md: "required when using ... OData cast"), on every
// page. $select keeps the answer to what is shown. The direct list is best
// effort: without it every group is shown without "direct"/"nested".
func (c *MSGraph) UserGroups(ctx context.Context, userID string) ([]graph.UserGroup, error) {
	op := "read the groups of " + graph.CleanText(userID)
	if err := graph.CheckUserKey(op, userID); err != nil {
		return nil, err
	}
	top, count := int32(999), true
	cctx, ci := withCallInfo(ctx)
	res, err := c.user(userID).TransitiveMemberOf().GraphGroup().Get(cctx,
		&users.ItemTransitiveMemberOfGraphGroupRequestBuilderGetRequestConfiguration{
			Headers: eventualHeaders(),
			QueryParameters: &users.ItemTransitiveMemberOfGraphGroupRequestBuilderGetQueryParameters{
				Select: userGroupSelect, Top: &top, Count: &count}})
	var out []graph.UserGroup
	seen := map[string]bool{}
	for page := 1; ; page++ {
		if err != nil {
			return nil, c.classifyAs(cctx, op, graph.ActionReadGroups, ci, err)
		}
		if res == nil {
			return nil, c.emptyAnswer(op, ci)
		}
		if res.GetValue() == nil {
			return nil, c.noValue(op, ci)
		}
		for _, g := range res.GetValue() {
			if g == nil {
				continue
			}
			id := str(g.GetId())
			if id == "" || seen[strings.ToLower(id)] {
				continue
			}
			seen[strings.ToLower(id)] = true
			out = append(out, graph.UserGroup{ID: graph.CleanText(id), DisplayName: graph.CleanText(str(g.GetDisplayName())),
				IsAssignableToRole: boolv(g.GetIsAssignableToRole())})
		}
		next := res.GetOdataNextLink()
		if next == nil || *next == "" {
			break
		}
		if page >= maxMemberPages {
			return nil, &graph.Error{Kind: graph.ErrUnavailable, Op: op, Message: fmt.Sprintf(
				"Graph still sent a next-page link after %d pages of groups", page)}
		}
		if err := c.checkNextLink(op, *next); err != nil {
			return nil, err
		}
		cctx, ci = withCallInfo(ctx)
		res, err = users.NewItemTransitiveMemberOfGraphGroupRequestBuilder(*next, c.adapter).Get(cctx,
			&users.ItemTransitiveMemberOfGraphGroupRequestBuilderGetRequestConfiguration{Headers: eventualHeaders()})
	}
	if out == nil {
		return []graph.UserGroup{}, nil
	}
	if direct, ok := c.directGroups(ctx, userID); ok {
		for i := range out {
			out[i].DirectKnown, out[i].Direct = true, direct[strings.ToLower(out[i].ID)]
		}
	}
	slices.SortStableFunc(out, func(a, b graph.UserGroup) int {
		return strings.Compare(strings.ToLower(a.DisplayName), strings.ToLower(b.DisplayName))
	})
	return out, nil
}

// directGroups reads GET /users/{id}/memberOf/microsoft.graph.group
// ($select=id): the groups the user is a direct member of. ok is false when
// it could not be read whole.
func (c *MSGraph) directGroups(ctx context.Context, userID string) (map[string]bool, bool) {
	top, count := int32(999), true
	res, err := c.user(userID).MemberOf().GraphGroup().Get(ctx,
		&users.ItemMemberOfGraphGroupRequestBuilderGetRequestConfiguration{
			Headers: eventualHeaders(),
			QueryParameters: &users.ItemMemberOfGraphGroupRequestBuilderGetQueryParameters{
				Select: []string{"id"}, Top: &top, Count: &count}})
	out := map[string]bool{}
	for page := 1; ; page++ {
		if err != nil || res == nil || res.GetValue() == nil {
			return nil, false
		}
		for _, g := range res.GetValue() {
			if g != nil {
				out[strings.ToLower(str(g.GetId()))] = true
			}
		}
		next := res.GetOdataNextLink()
		if next == nil || *next == "" {
			return out, true
		}
		if page >= maxMemberPages || c.checkNextLink("read direct groups", *next) != nil {
			return nil, false
		}
		res, err = users.NewItemMemberOfGraphGroupRequestBuilder(*next, c.adapter).Get(ctx,
			&users.ItemMemberOfGraphGroupRequestBuilderGetRequestConfiguration{Headers: eventualHeaders()})
	}
}

const (
	caPoliciesPath       = "/identity/conditionalAccess/policies"
	securityDefaultsPath = "/policies/identitySecurityDefaultsEnforcementPolicy"
	// maxPolicyPages bounds the policy list's pages (a tenant may hold
	// at most a few hundred policies).
	maxPolicyPages = 20
)

// ConditionalAccessPolicies implements Reader: GET
// /identity/conditionalAccess/policies (v1.0,
// api-reference/v1.0/api/conditionalaccessroot-list-policies.md), sent
// through the request adapter and decoded into msgraph-sdk-go's models
// (the identity request builders would compile thousands of files for
// this one call). No query options: the whole policy is needed.
func (c *MSGraph) ConditionalAccessPolicies(ctx context.Context) ([]graph.ConditionalAccessPolicy, error) {
	op := "read the Conditional Access policies"
	next := c.v1 + caPoliciesPath
	var out []graph.ConditionalAccessPolicy
	for page := 1; ; page++ {
		ri, err := c.rawRequest(abs.GET, next, nil)
		if err != nil {
			return nil, &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: err.Error()}
		}
		cctx, ci := withCallInfo(ctx)
		res, err := c.adapter.Send(cctx, ri, models.CreateConditionalAccessPolicyCollectionResponseFromDiscriminatorValue, errorMapping)
		if err != nil {
			return nil, c.classifyAs(cctx, op, graph.ActionReadCAPolicies, ci, err)
		}
		coll, ok := res.(models.ConditionalAccessPolicyCollectionResponseable)
		if res == nil || !ok {
			return nil, c.emptyAnswer(op, ci)
		}
		if coll.GetValue() == nil {
			return nil, c.noValue(op, ci)
		}
		for _, p := range coll.GetValue() {
			if p != nil {
				out = append(out, caPolicyFrom(p))
			}
		}
		n := coll.GetOdataNextLink()
		if n == nil || *n == "" {
			break
		}
		if page >= maxPolicyPages {
			return nil, &graph.Error{Kind: graph.ErrUnavailable, Op: op, Message: fmt.Sprintf(
				"Graph still sent a next-page link after %d pages of policies", page)}
		}
		if err := c.checkNextLink(op, *n); err != nil {
			return nil, err
		}
		next = *n
	}
	if out == nil {
		out = []graph.ConditionalAccessPolicy{}
	}
	return out, nil
}

// SecurityDefaults implements Reader: GET
// /policies/identitySecurityDefaultsEnforcementPolicy (v1.0,
// api-reference/v1.0/api/identitysecuritydefaultsenforcementpolicy-get.md).
func (c *MSGraph) SecurityDefaults(ctx context.Context) (graph.SecurityDefaults, error) {
	op := "read the security defaults policy"
	ri, err := c.rawRequest(abs.GET, c.v1+securityDefaultsPath, nil)
	if err != nil {
		return graph.SecurityDefaults{}, &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: err.Error()}
	}
	ctx, ci := withCallInfo(ctx)
	res, err := c.adapter.Send(ctx, ri, models.CreateIdentitySecurityDefaultsEnforcementPolicyFromDiscriminatorValue, errorMapping)
	if err != nil {
		return graph.SecurityDefaults{}, c.classifyAs(ctx, op, graph.ActionReadCAPolicies, ci, err)
	}
	p, ok := res.(models.IdentitySecurityDefaultsEnforcementPolicyable)
	if res == nil || !ok {
		return graph.SecurityDefaults{}, c.emptyAnswer(op, ci)
	}
	if p.GetIsEnabled() == nil {
		return graph.SecurityDefaults{}, c.noObject(op, ci, "isEnabled")
	}
	return graph.SecurityDefaults{Enabled: *p.GetIsEnabled()}, nil
}

// cleanAll cleans every string of a list from Graph.
func cleanAll(xs []string) []string {
	if len(xs) == 0 {
		return nil
	}
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if x = graph.CleanText(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func guestsFrom(g models.ConditionalAccessGuestsOrExternalUsersable) *graph.CAGuests {
	if g == nil {
		return nil
	}
	out := &graph.CAGuests{AllTenants: true}
	if t := g.GetGuestOrExternalUserTypes(); t != nil {
		for _, s := range strings.Split(t.String(), ",") {
			if s = strings.TrimSpace(s); s != "" {
				out.Types = append(out.Types, graph.CleanText(s))
			}
		}
	}
	if et := g.GetExternalTenants(); et != nil {
		if k := et.GetMembershipKind(); k != nil && k.String() != "all" {
			out.AllTenants = false
		}
	}
	return out
}

// caPolicyFrom converts one policy: its user conditions, grant controls
// and, in words, the conditions mfadesk does not evaluate.
func caPolicyFrom(p models.ConditionalAccessPolicyable) graph.ConditionalAccessPolicy {
	out := graph.ConditionalAccessPolicy{ID: graph.CleanText(str(p.GetId())), DisplayName: graph.CleanText(str(p.GetDisplayName()))}
	if s := p.GetState(); s != nil {
		out.State = s.String()
	}
	if g := p.GetGrantControls(); g != nil {
		out.GrantOperator = graph.CleanText(str(g.GetOperator()))
		for _, b := range g.GetBuiltInControls() {
			out.GrantControls = append(out.GrantControls, b.String())
		}
		if s := g.GetAuthenticationStrength(); s != nil {
			out.AuthStrength = graph.CleanText(str(s.GetDisplayName()))
			if out.AuthStrength == "" {
				out.AuthStrength = graph.CleanText(str(s.GetId()))
			}
			if out.AuthStrength == "" {
				out.AuthStrength = "(unnamed)"
			}
		}
		for _, f := range g.GetCustomAuthenticationFactors() {
			out.OtherGrants = append(out.OtherGrants, "custom control "+graph.CleanText(f))
		}
		if len(g.GetTermsOfUse()) > 0 {
			out.OtherGrants = append(out.OtherGrants, "accepted terms of use")
		}
	}
	cond := p.GetConditions()
	if cond == nil {
		return out
	}
	if u := cond.GetUsers(); u != nil {
		out.IncludeUsers, out.ExcludeUsers = cleanAll(u.GetIncludeUsers()), cleanAll(u.GetExcludeUsers())
		out.IncludeGroups, out.ExcludeGroups = cleanAll(u.GetIncludeGroups()), cleanAll(u.GetExcludeGroups())
		out.IncludeRoles, out.ExcludeRoles = cleanAll(u.GetIncludeRoles()), cleanAll(u.GetExcludeRoles())
		out.IncludeGuests, out.ExcludeGuests = guestsFrom(u.GetIncludeGuestsOrExternalUsers()), guestsFrom(u.GetExcludeGuestsOrExternalUsers())
	}
	out.Conditions = caConditions(cond)
	return out
}

// caConditions describes the conditions mfadesk does not evaluate, each
// as what must hold for the policy to apply ("applies when ...").
func caConditions(c models.ConditionalAccessConditionSetable) []string {
	var out []string
	if a := c.GetApplications(); a != nil {
		inc := a.GetIncludeApplications()
		switch {
		case len(a.GetIncludeUserActions()) > 0:
			out = append(out, "the user action is "+orListClean(a.GetIncludeUserActions()))
		case len(a.GetIncludeAuthenticationContextClassReferences()) > 0:
			out = append(out, "an app asks for authentication context "+orListClean(a.GetIncludeAuthenticationContextClassReferences()))
		case slices.ContainsFunc(inc, func(s string) bool { return strings.EqualFold(s, "All") }):
		case slices.ContainsFunc(inc, func(s string) bool { return strings.EqualFold(s, "Office365") }):
			out = append(out, "the app is Office 365")
		case slices.ContainsFunc(inc, func(s string) bool { return strings.EqualFold(s, "None") }):
			out = append(out, "no app (it targets none)")
		case len(inc) > 0:
			out = append(out, fmt.Sprintf("the app is one of %d selected", len(inc)))
		}
		if n := len(a.GetExcludeApplications()); n > 0 {
			out = append(out, fmt.Sprintf("the app is not one of %d excluded", n))
		}
		if a.GetApplicationFilter() != nil {
			out = append(out, "the app matches a filter")
		}
	}
	if types := c.GetClientAppTypes(); len(types) > 0 {
		var names []string
		all := false
		for _, t := range types {
			if t.String() == "all" {
				all = true
			}
			names = append(names, clientAppPhrase(t.String()))
		}
		if !all {
			out = append(out, "the client is "+graph.OrList(names))
		}
	}
	if l := c.GetLocations(); l != nil {
		inc, exc := l.GetIncludeLocations(), l.GetExcludeLocations()
		switch {
		case len(inc) == 1 && strings.EqualFold(inc[0], "All") && len(exc) == 0:
		case len(inc) == 1 && strings.EqualFold(inc[0], "All") && len(exc) == 1 && strings.EqualFold(exc[0], "AllTrusted"):
			out = append(out, "the location is not a trusted one")
		case len(inc) == 1 && strings.EqualFold(inc[0], "AllTrusted"):
			out = append(out, "the location is a trusted one")
		default:
			out = append(out, fmt.Sprintf("the location matches (%d included, %d excluded)", len(inc), len(exc)))
		}
	}
	if p := c.GetPlatforms(); p != nil {
		var inc []string
		for _, x := range p.GetIncludePlatforms() {
			inc = append(inc, x.String())
		}
		if len(inc) > 0 && !(len(inc) == 1 && inc[0] == "all" && len(p.GetExcludePlatforms()) == 0) {
			s := "the device platform is " + graph.OrList(inc)
			if n := len(p.GetExcludePlatforms()); n > 0 {
				s += fmt.Sprintf(" (%d excluded)", n)
			}
			out = append(out, s)
		}
	}
	if r := riskList(c.GetSignInRiskLevels()); r != "" {
		out = append(out, "sign-in risk is "+r)
	}
	if r := riskList(c.GetUserRiskLevels()); r != "" {
		out = append(out, "user risk is "+r)
	}
	if c.GetInsiderRiskLevels() != nil {
		out = append(out, "insider risk is "+c.GetInsiderRiskLevels().String())
	}
	if d := c.GetDevices(); d != nil && d.GetDeviceFilter() != nil {
		out = append(out, "the device matches a filter")
	}
	if f := c.GetAuthenticationFlows(); f != nil && f.GetTransferMethods() != nil {
		out = append(out, "the sign-in uses "+f.GetTransferMethods().String())
	}
	return out
}

func riskList(ls []models.RiskLevel) string {
	var names []string
	for _, l := range ls {
		names = append(names, l.String())
	}
	return graph.OrList(names)
}

func orListClean(xs []string) string { return graph.OrList(cleanAll(xs)) }

func clientAppPhrase(t string) string {
	switch t {
	case "browser":
		return "a browser"
	case "mobileAppsAndDesktopClients":
		return "a mobile or desktop app"
	case "exchangeActiveSync":
		return "Exchange ActiveSync"
	case "easSupported":
		return "Exchange ActiveSync"
	case "other":
		return "another (legacy) client"
	}
	return graph.CleanText(t)
}
