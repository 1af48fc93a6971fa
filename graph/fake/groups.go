package fake

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Group object ids: fixed across seeds, like the personas.
const (
	// BreakGlassGroupID: "Break-glass accounts", role-assignable; Carol
	// directly and the nested Tier 0 group. mfadesk's protected.groups
	// names it in the demo and the tests.
	BreakGlassGroupID   = "b9e1a7c3-5d2f-4e8a-9c6b-0d1e2f3a4b51"
	BreakGlassGroupName = "Break-glass accounts"
	// Tier0GroupID: "Tier 0 administrators", nested in the break-glass
	// group: Judy and Carol (so Carol is reached twice).
	Tier0GroupID = "c0f2b8d4-6e3a-4f9b-8d7c-1e2f3a4b5c52"
	// ITGroupID: the IT department, with the Helpdesk group nested.
	ITGroupID = "d1a3c9e5-7f4b-4a0c-9e8d-2f3a4b5c6d53"
	// HelpdeskGroupID: Ivan and Liam.
	HelpdeskGroupID = "e2b4d0f6-8a5c-4b1d-8f9e-3a4b5c6d7e54"
	// SalesGroupID: the Sales department (large enough to page with $top).
	SalesGroupID = "f3c5e1a7-9b6d-4c2e-9a0f-4b5c6d7e8f55"
	// ProjectGroupID: "O'Brien's project team", a quote in the name for
	// $filter escaping; Bob and Alice.
	ProjectGroupID   = "a4d6f2b8-0c7e-4d3f-8b1a-5c6d7e8f9a56"
	ProjectGroupName = "O'Brien's project team"
)

// generateGroups adds the fixed groups once the users exist. It draws
// nothing from the generator's random stream, so the users of a seed do not
// change with it.
func (t *Tenant) generateGroups(now time.Time) {
	created := func(days int) time.Time { return now.Add(-time.Duration(days) * 24 * time.Hour).Truncate(time.Second) }
	dept := func(name string) []string {
		var ids []string
		for _, u := range t.users {
			if u.Department == name {
				ids = append(ids, u.ID)
			}
		}
		return ids
	}
	t.groups = []GroupData{
		{ID: BreakGlassGroupID, DisplayName: BreakGlassGroupName, Created: created(1400), IsAssignableToRole: true,
			Description: "Emergency access accounts excluded from Conditional Access. Never change their sign-in methods.",
			MemberIDs:   []string{CarolID, Tier0GroupID}},
		{ID: Tier0GroupID, DisplayName: "Tier 0 administrators", Created: created(1300), IsAssignableToRole: true,
			Description: "Holders of tenant-wide privileged roles.", MemberIDs: []string{JudyID, CarolID}},
		{ID: ITGroupID, DisplayName: "IT department", Created: created(1200), Description: "Everyone in IT.",
			MemberIDs: append(dept("IT"), HelpdeskGroupID)},
		{ID: HelpdeskGroupID, DisplayName: "Helpdesk", Created: created(1100), Description: "Service desk staff.",
			MemberIDs: []string{IvanID, LiamID}},
		{ID: SalesGroupID, DisplayName: "Sales department", Created: created(1000), Description: "Everyone in Sales.",
			MemberIDs: dept("Sales")},
		{ID: ProjectGroupID, DisplayName: ProjectGroupName, Created: created(90), MemberIDs: []string{BobID, AliceID}},
	}
}

// validateGroups checks ids are present and unique (among users too) and
// every member names a user or a group, so a typo in a tenant file fails on
// load instead of silently protecting nobody.
func (td *TenantData) validateGroups(userIDs map[string]bool) error {
	gids := map[string]bool{}
	for i, g := range td.Groups {
		if g.ID == "" || strings.TrimSpace(g.DisplayName) == "" {
			return fmt.Errorf("group %d: id and displayName are required", i)
		}
		l := strings.ToLower(g.ID)
		if gids[l] || userIDs[l] {
			return fmt.Errorf("group %d (%s): duplicate id", i, g.DisplayName)
		}
		gids[l] = true
	}
	for _, g := range td.Groups {
		for _, m := range g.MemberIDs {
			l := strings.ToLower(m)
			switch {
			case strings.EqualFold(m, g.ID):
				return fmt.Errorf("group %s: it cannot be a member of itself", g.DisplayName)
			case !userIDs[l] && !gids[l]:
				return fmt.Errorf("group %s: member %q is no user or group id", g.DisplayName, m)
			}
		}
	}
	return nil
}

func cloneGroups(gs []GroupData) []GroupData {
	if gs == nil {
		return nil
	}
	out := make([]GroupData, len(gs))
	for i, g := range gs {
		g.MemberIDs = slices.Clone(g.MemberIDs)
		out[i] = g
	}
	return out
}

// Groups returns copies of every group, in directory order.
func (t *Tenant) Groups() []GroupData {
	t.mu.Lock()
	defer t.mu.Unlock()
	return cloneGroups(t.groups)
}

// group finds a group by object id. Called with t.mu held.
func (t *Tenant) group(id string) *GroupData {
	for i := range t.groups {
		if strings.EqualFold(t.groups[i].ID, id) {
			return &t.groups[i]
		}
	}
	return nil
}

// member is one directory object in a group: a user or a nested group.
type member struct {
	u *user
	g *GroupData
}

// members lists a group's members; transitive expands nested groups (a
// nested group comes just before its own members, each object once). Ids
// that no longer name anything are skipped. Called with t.mu held.
func (t *Tenant) members(g *GroupData, transitive bool) []member {
	var out []member
	seen := map[string]bool{strings.ToLower(g.ID): true}
	var walk func(g *GroupData)
	walk = func(g *GroupData) {
		for _, id := range g.MemberIDs {
			l := strings.ToLower(id)
			if seen[l] {
				continue
			}
			seen[l] = true
			if u := t.byID[l]; u != nil {
				out = append(out, member{u: u})
			} else if sub := t.group(id); sub != nil {
				out = append(out, member{g: sub})
				if transitive {
					walk(sub)
				}
			}
		}
	}
	walk(g)
	return out
}

// groupProps are the group properties the fake knows, in Graph's order;
// defaultGroupProps is what Graph returns without $select (all of them).
var groupProps = []string{"id", "deletedDateTime", "classification", "createdDateTime", "creationOptions",
	"description", "displayName", "expirationDateTime", "groupTypes", "isAssignableToRole", "mail",
	"mailEnabled", "mailNickname", "membershipRule", "membershipRuleProcessingState", "onPremisesSyncEnabled",
	"proxyAddresses", "renewedDateTime", "securityEnabled", "securityIdentifier", "visibility"}

func groupJSON(g *GroupData) obj {
	return obj{
		{"id", g.ID},
		{"deletedDateTime", nil},
		{"classification", nil},
		{"createdDateTime", gtime(g.Created)},
		{"creationOptions", []string{}},
		{"description", nullable(g.Description)},
		{"displayName", g.DisplayName},
		{"expirationDateTime", nil},
		{"groupTypes", []string{}},
		{"isAssignableToRole", g.IsAssignableToRole},
		{"mail", nil},
		{"mailEnabled", false},
		{"mailNickname", groupNickname(g)},
		{"membershipRule", nil},
		{"membershipRuleProcessingState", nil},
		{"onPremisesSyncEnabled", nil},
		{"proxyAddresses", []string{}},
		{"renewedDateTime", gtime(g.Created)},
		{"securityEnabled", true},
		{"securityIdentifier", nullable(groupSID(g.ID))},
		{"visibility", nil},
	}
}

// groupNickname is the display name's letters and digits (the portal
// makes one up for security groups; scripts usually do this).
func groupNickname(g *GroupData) string {
	var b strings.Builder
	for _, r := range g.DisplayName {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return strings.SplitN(g.ID, "-", 2)[0]
	}
	return b.String()
}

// groupSID is Entra's cloud SID for an object id: S-1-12-1- and the
// GUID's 16 bytes (in Microsoft byte order) as four little-endian uint32s.
func groupSID(id string) string {
	b, err := hex.DecodeString(strings.ReplaceAll(id, "-", ""))
	if err != nil || len(b) != 16 {
		return ""
	}
	// string form -> byte order: Data1, Data2, Data3 are little-endian
	slices.Reverse(b[0:4])
	slices.Reverse(b[4:6])
	slices.Reverse(b[6:8])
	parts := []string{"S-1-12-1"}
	for i := 0; i < 16; i += 4 {
		parts = append(parts, strconv.FormatUint(uint64(binary.LittleEndian.Uint32(b[i:i+4])), 10))
	}
	return strings.Join(parts, "-")
}

var groupSchema = registerSchema(&schema{typeName: "microsoft.graph.group", props: map[string]ptype{
	"id": pString, "displayName": pString, "description": pString, "mailNickname": pString,
	"securityEnabled": pBool, "mailEnabled": pBool, "isAssignableToRole": pBool, "createdDateTime": pTime,
}})

type groupEnt struct{ g *GroupData }

func (e groupEnt) field(name string) any {
	switch name {
	case "id":
		return e.g.ID
	case "displayName":
		return e.g.DisplayName
	case "description":
		return e.g.Description
	case "mailNickname":
		return groupNickname(e.g)
	case "securityEnabled":
		return true
	case "mailEnabled":
		return false
	case "isAssignableToRole":
		return e.g.IsAssignableToRole
	case "createdDateTime":
		return e.g.Created
	}
	return nil
}

var searchableGroupProps = map[string]bool{"displayName": true, "description": true, "mailNickname": true}

// countParam reads $count=true, which directory collections accept only
// with ConsistencyLevel: eventual.
func countParam(rc *reqCtx) (count, eventual bool, bad *response) {
	eventual = strings.EqualFold(strings.TrimSpace(rc.h.Get("ConsistencyLevel")), "eventual")
	count = strings.EqualFold(rc.q.Get("$count"), "true")
	if count && !eventual {
		r := rc.fail(400, "Request_BadRequest", "$count is not currently supported.")
		return false, false, &r
	}
	return count, eventual, nil
}

// groupRef finds the group of a /groups/{id} request: ids are GUIDs only
// (no alternate key, unlike users' UPN). Called with t.mu held.
func (t *Tenant) groupRef(rc *reqCtx, id string) (*GroupData, *response) {
	if !isGUIDShape(id) {
		r := rc.fail(400, "Request_BadRequest", "Invalid object identifier '"+id+"'.")
		return nil, &r
	}
	if g := t.group(id); g != nil {
		return g, nil
	}
	r := resourceNotFound(rc, id)
	return nil, &r
}

func isGUIDShape(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// listGroups answers GET /groups: $filter, $search (eventual), $select,
// $top, $orderby=displayName, $count (eventual), paging.
func (t *Tenant) listGroups(rc *reqCtx) response {
	if r := t.authorize(rc, OpReadGroups, nil); r != nil {
		return *r
	}
	count, eventual, bad := countParam(rc)
	if bad != nil {
		return *bad
	}
	sn, bad := searchParam(rc, eventual, searchableGroupProps)
	if bad != nil {
		return *bad
	}
	fn, bad := parseFilterFor(rc, groupSchema)
	if bad != nil {
		return *bad
	}
	sel, bad := parseSelect(rc, groupProps, "microsoft.graph.group")
	if bad != nil {
		return *bad
	}
	top, bad := parseTop(rc, 100, 999)
	if bad != nil {
		return *bad
	}
	var out []*GroupData
	for i := range t.groups {
		if g := &t.groups[i]; matches(groupEnt{g}, groupSchema, fn, sn) {
			out = append(out, g)
		}
	}
	if bad := orderBy(rc, out, []string{"displayName"}, func(g *GroupData) entity { return groupEnt{g} }); bad != nil {
		return *bad
	}
	return page(rc, out, top, selectContext("groups", sel), func(g *GroupData) obj { return groupJSON(g).project(sel) }, count)
}

// getGroup answers GET /groups/{id}.
func (t *Tenant) getGroup(rc *reqCtx, id string) response {
	if r := t.authorize(rc, OpReadGroups, nil); r != nil {
		return *r
	}
	sel, bad := parseSelect(rc, groupProps, "microsoft.graph.group")
	if bad != nil {
		return *bad
	}
	g, bad := t.groupRef(rc, id)
	if bad != nil {
		return *bad
	}
	return single(rc, selectContext("groups", sel)+"/$entity", groupJSON(g).project(sel))
}

// directoryObjectProps may be selected on a members collection: a
// directoryObject is a user or a group, and Graph accepts either's
// properties.
var directoryObjectProps = func() []string {
	out := slices.Clone(userProps)
	for _, p := range groupProps {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}()

var ruleCastAdvanced = docRule("groups.cast-needs-advanced-query",
	"an OData cast on (transitive)members (/microsoft.graph.user) needs ConsistencyLevel: eventual and $count=true",
	"api-reference/v1.0/api/group-list-transitivemembers.md")

// groupMembers answers GET /groups/{id}/members and /transitiveMembers,
// as directoryObjects (each with @odata.type) or, with usersOnly (the
// /microsoft.graph.user cast), as users. $filter is understood on the
// user cast only.
func (t *Tenant) groupMembers(rc *reqCtx, id string, transitive, usersOnly bool) response {
	if r := t.authorize(rc, OpReadGroups, nil); r != nil {
		return *r
	}
	count, eventual, bad := countParam(rc)
	if bad != nil {
		return *bad
	}
	if usersOnly && (!eventual || !count) {
		// api-reference/v1.0/api/group-list-transitivemembers.md: "To filter
		// the results on the OData type ... you must use the advanced query
		// parameters. That is, the ConsistencyLevel header set to eventual
		// and the $count=true query string."
		return rc.fail(400, "Request_UnsupportedQuery", "An OData cast on a directory object collection needs the ConsistencyLevel: eventual header and $count=true (advanced query).")
	}
	for _, p := range []string{"$search", "$orderby", "$expand"} {
		if rc.q.Get(p) != "" {
			return rc.fail(400, "Request_UnsupportedQuery", "The query parameter '"+p+"' is not supported on this collection.")
		}
	}
	var fn *node
	if usersOnly {
		if fn, bad = parseFilterFor(rc, userSchema); bad != nil {
			return *bad
		}
	} else if rc.q.Get("$filter") != "" {
		return rc.fail(400, "Request_UnsupportedQuery", "Filter on a collection of directory objects is only supported on a cast to a derived type, e.g. /microsoft.graph.user.")
	}
	known, typeName := directoryObjectProps, "microsoft.graph.directoryObject"
	if usersOnly {
		known, typeName = userProps, "microsoft.graph.user"
	}
	sel, bad := parseSelect(rc, known, typeName)
	if bad != nil {
		return *bad
	}
	top, bad := parseTop(rc, 100, 999)
	if bad != nil {
		return *bad
	}
	g, bad := t.groupRef(rc, id)
	if bad != nil {
		return *bad
	}
	var items []obj
	for _, m := range t.members(g, transitive) {
		switch {
		case m.u != nil:
			if !matches(userEnt{m.u}, userSchema, fn, nil) {
				continue
			}
			o := userJSON(m.u).project(defaultUserProps)
			if sel != nil {
				o = userJSON(m.u).project(sel)
			}
			if !usersOnly {
				o = append(obj{{"@odata.type", "#microsoft.graph.user"}}, o...)
			}
			items = append(items, o)
		case !usersOnly:
			items = append(items, append(obj{{"@odata.type", "#microsoft.graph.group"}}, groupJSON(m.g).project(sel)...))
		}
	}
	ctx := "directoryObjects"
	if usersOnly {
		ctx = "users"
	}
	return page(rc, items, top, selectContext(ctx, sel), func(o obj) obj { return o }, count)
}
