package fake

import (
	"encoding/base64"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// target resolves the user a /users/{ref}/... or /me/... request is about.
// Called with t.mu held.
func (t *Tenant) target(rc *reqCtx, ref string) (*user, *response) {
	if ref == "" {
		if rc.op.AppOnly {
			r := rc.fail(400, "BadRequest", "/me request is only valid with delegated authentication flow.")
			return nil, &r
		}
		if u := t.byID[strings.ToLower(rc.op.ID)]; u != nil {
			return u, nil
		}
		if u := t.byUPN[strings.ToLower(rc.op.UPN)]; u != nil {
			return u, nil
		}
		ref = firstNonEmpty(rc.op.ID, rc.op.UPN)
	}
	if u := t.lookup(ref); u != nil {
		return u, nil
	}
	r := resourceNotFound(rc, ref)
	return nil, &r
}

func (t *Tenant) lookup(ref string) *user {
	l := strings.ToLower(ref)
	if u := t.byID[l]; u != nil {
		return u
	}
	return t.byUPN[l]
}

// authorize checks the token's scopes / app roles and the delegated
// operator's directory role for op (on target, when there is one). It
// answers with the error Graph gives for that kind of endpoint.
func (t *Tenant) authorize(rc *reqCtx, op Op, target *UserData) *response {
	p := permissionFor(op)
	if p == nil || rc.op.Demo {
		return nil
	}
	methodStyle := op == OpReadMethods || op == OpWriteMethods || op == OpReadPerUserMFA || op == OpWritePerUserMFA ||
		op == OpResetPassword
	if !rc.op.grants(p) {
		if rc.op.AppOnly && len(p.AppRoles) == 0 {
			r := rc.fail(403, "Authorization_RequestDenied", insufficientPrivilegesMessage)
			return &r
		}
		if methodStyle {
			r := rc.fail(403, "accessDenied", requestAuthorizationFailedMessge)
			return &r
		}
		r := rc.fail(403, "Authorization_RequestDenied", insufficientPrivilegesMessage)
		return &r
	}
	// A user may always read their own methods and settings.
	if target != nil && !rc.op.AppOnly && rc.op.ID != "" && strings.EqualFold(rc.op.ID, target.ID) && (op == OpReadMethods || op == OpReadPerUserMFA) {
		return nil
	}
	ok, _ := rc.op.roleOK(p, target, target != nil && t.inRoleAssignableGroup(target.ID))
	if ok {
		return nil
	}
	switch {
	case methodStyle:
		r := rc.fail(403, "accessDenied", requestAuthorizationFailedMessge)
		return &r
	case op == OpReadSignIns || op == OpReadAudit || op == OpReadRegistration:
		r := rc.fail(403, "Authentication_RequestFromUnsupportedUserRole", "User is not in the allowed roles")
		return &r
	}
	r := rc.fail(403, "Authorization_RequestDenied", insufficientPrivilegesMessage)
	return &r
}

// userProps are the user properties the fake knows, in Graph's order.
// defaultUserProps is what Graph returns without $select.
var (
	userProps = []string{"id", "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
		"officeLocation", "preferredLanguage", "surname", "userPrincipalName", "accountEnabled", "userType",
		"department", "companyName", "createdDateTime", "signInSessionsValidFromDateTime", "mailNickname",
		"usageLocation", "creationType", "externalUserState", "otherMails"}
	defaultUserProps = []string{"id", "businessPhones", "displayName", "givenName", "jobTitle", "mail",
		"mobilePhone", "officeLocation", "preferredLanguage", "surname", "userPrincipalName"}
)

func userJSON(u *user) obj {
	nick, _, _ := strings.Cut(u.UserPrincipalName, "@")
	o := obj{
		{"id", u.ID},
		{"businessPhones", []string{}},
		{"displayName", nullable(u.DisplayName)},
		{"givenName", nullable(u.GivenName)},
		{"jobTitle", nullable(u.JobTitle)},
		{"mail", nullable(u.Mail)},
		{"mobilePhone", nullable(u.MobilePhone)},
		{"officeLocation", nullable(u.OfficeLocation)},
		{"preferredLanguage", "en-US"},
		{"surname", nullable(u.Surname)},
		{"userPrincipalName", u.UserPrincipalName},
		{"accountEnabled", u.AccountEnabled},
		{"userType", u.UserType},
		{"department", nullable(u.Department)},
		{"companyName", nil},
		{"createdDateTime", gtime(u.CreatedDateTime)},
		{"signInSessionsValidFromDateTime", gtime(u.SignInSessionsValidFrom)},
		{"mailNickname", nick},
		{"usageLocation", "US"},
	}
	if u.IsGuest() {
		o = append(o, kv{"creationType", "Invitation"}, kv{"externalUserState", "Accepted"}, kv{"otherMails", []string{u.Mail}})
	} else {
		o = append(o, kv{"creationType", nil}, kv{"externalUserState", nil}, kv{"otherMails", []string{}})
	}
	return o
}

// parseSelect validates $select against the known properties.
func parseSelect(rc *reqCtx, known []string, typeName string) ([]string, *response) {
	raw := rc.q.Get("$select")
	if raw == "" {
		return nil, nil
	}
	var out []string
	for _, f := range strings.Split(raw, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		found := ""
		for _, k := range known {
			if strings.EqualFold(k, f) {
				found = k
			}
		}
		if found == "" {
			r := rc.fail(400, "BadRequest", "Could not find a property named '"+f+"' on type '"+typeName+"'.")
			return nil, &r
		}
		out = append(out, found)
	}
	return out, nil
}

// selectContext is the @odata.context of a collection with $select: Graph
// names the selected properties, users(id,displayName).
func selectContext(base string, sel []string) string {
	if sel == nil {
		return base
	}
	return base + "(" + strings.Join(sel, ",") + ")"
}

// parseTop reads $top (default def, 1..max).
func parseTop(rc *reqCtx, def, max int) (int, *response) {
	raw := rc.q.Get("$top")
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > max {
		r := rc.fail(400, "Request_UnsupportedQuery", "Invalid page size specified: '"+raw+"'. Must be between 1 and "+strconv.Itoa(max)+" inclusive.")
		return 0, &r
	}
	return n, nil
}

// parseSkip reads the offset from $skiptoken.
func parseSkip(rc *reqCtx) (int, *response) {
	raw := rc.q.Get("$skiptoken")
	if raw == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	n, err2 := strconv.Atoi(strings.TrimPrefix(string(b), "RFNwdAIAAQAAA"))
	if err != nil || err2 != nil || n < 0 {
		r := rc.fail(400, "Request_BadRequest", "Specified skip token is invalid.")
		return 0, &r
	}
	return n, nil
}

// nextLink builds the absolute URL of the page after offset: the same
// request (on this server's Host) with a $skiptoken.
func nextLink(rc *reqCtx, offset int) string {
	q := url.Values{}
	for k, v := range rc.q {
		q[k] = v
	}
	q.Set("$skiptoken", base64.RawURLEncoding.EncodeToString([]byte("RFNwdAIAAQAAA"+strconv.Itoa(offset))))
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		for j, v := range q[k] {
			if i > 0 || j > 0 {
				b.WriteByte('&')
			}
			b.WriteString(k) // keep $filter as Graph writes it, not %24filter
			b.WriteByte('=')
			b.WriteString(strings.ReplaceAll(url.QueryEscape(v), "+", "%20"))
		}
	}
	return rc.base + "/" + rc.version + rc.path + "?" + b.String()
}

// page slices items by $skiptoken/$top and builds the collection body.
func page[T any](rc *reqCtx, items []T, top int, ctx string, render func(T) obj, count bool) response {
	skip, bad := parseSkip(rc)
	if bad != nil {
		return *bad
	}
	if skip > len(items) {
		skip = len(items)
	}
	end := min(skip+top, len(items))
	vals := make([]obj, 0, end-skip)
	for _, it := range items[skip:end] {
		vals = append(vals, render(it))
	}
	body := obj{{"@odata.context", rc.context(ctx)}}
	if count {
		body = append(body, kv{"@odata.count", len(items)})
	}
	if end < len(items) {
		body = append(body, kv{"@odata.nextLink", nextLink(rc, end)})
	}
	body = append(body, kv{"value", vals})
	return response{status: 200, body: body}
}

// single answers one entity: its @odata.context (ctx, e.g. "users/$entity")
// first, then its properties.
func single(rc *reqCtx, ctx string, o obj) response {
	return response{status: 200, body: append(obj{{"@odata.context", rc.context(ctx)}}, o...)}
}

// collection answers an unpaged collection.
func collection(rc *reqCtx, ctx string, vals []obj) response {
	return response{status: 200, body: obj{{"@odata.context", rc.context(ctx)}, {"value", vals}}}
}

// resourceNotFound is Graph's 404 for a directory or report object id.
func resourceNotFound(rc *reqCtx, id string) response {
	return rc.fail(404, "Request_ResourceNotFound", "Resource '"+id+"' does not exist or one of its queried reference-property objects are not present.")
}

var userSchema = registerSchema(&schema{typeName: "microsoft.graph.user", props: map[string]ptype{
	"id": pString, "displayName": pString, "givenName": pString, "surname": pString, "userPrincipalName": pString,
	"mail": pString, "jobTitle": pString, "department": pString, "accountEnabled": pBool, "userType": pString,
	"createdDateTime": pTime, "officeLocation": pString, "mailNickname": pString, "mobilePhone": pString,
	"companyName": pString, "usageLocation": pString, "creationType": pString,
}})

type userEnt struct{ u *user }

func (e userEnt) field(name string) any {
	u := e.u
	switch name {
	case "id":
		return u.ID
	case "displayName":
		return u.DisplayName
	case "givenName":
		return u.GivenName
	case "surname":
		return u.Surname
	case "userPrincipalName":
		return u.UserPrincipalName
	case "mail":
		return u.Mail
	case "jobTitle":
		return u.JobTitle
	case "department":
		return u.Department
	case "accountEnabled":
		return u.AccountEnabled
	case "userType":
		return u.UserType
	case "createdDateTime":
		return u.CreatedDateTime
	case "officeLocation":
		return u.OfficeLocation
	case "mailNickname":
		n, _, _ := strings.Cut(u.UserPrincipalName, "@")
		return n
	case "mobilePhone":
		return u.MobilePhone
	case "usageLocation":
		return "US"
	case "creationType":
		if u.IsGuest() {
			return "Invitation"
		}
	}
	return nil
}

var searchableUserProps = map[string]bool{"displayName": true, "userPrincipalName": true, "mail": true,
	"givenName": true, "surname": true, "mailNickname": true, "jobTitle": true, "department": true}

// parseFilterFor parses $filter and checks it against s.
func parseFilterFor(rc *reqCtx, s *schema) (*node, *response) {
	raw := rc.q.Get("$filter")
	if raw == "" {
		return nil, nil
	}
	n, err := parseFilter(raw)
	if err == nil {
		err = n.check(s, nil)
	}
	if err == nil && s.ops != nil {
		err = n.checkOps(s, nil)
	}
	if err != nil {
		r := rc.fail(400, "BadRequest", err.Error())
		return nil, &r
	}
	return n, nil
}

// usersByKey narrows the users a list scans when its $filter pins one user
// by id (idProp) or UPN (upnProp; "" where the collection has none): an
// index lookup instead of a scan. The filter still runs on what it returns.
func (t *Tenant) usersByKey(fn *node, idProp, upnProp string) []*user {
	index, v, ok := t.byID, "", false
	if v, ok = fn.topEq(idProp); !ok && upnProp != "" {
		index = t.byUPN
		v, ok = fn.topEq(upnProp)
	}
	if !ok {
		return t.users
	}
	if u := index[strings.ToLower(v)]; u != nil {
		return []*user{u}
	}
	return nil
}

// matches reports whether e passes the $filter fn (on schema s) and the
// $search sn; a nil fn or sn passes everything.
func matches(e entity, s *schema, fn *node, sn *searchNode) bool {
	if fn != nil && !fn.eval(e, s, nil) {
		return false
	}
	return sn == nil || sn.match(func(p string) string {
		v, _ := e.field(p).(string)
		return v
	})
}

// searchParam parses $search, which directory collections accept only with
// ConsistencyLevel: eventual.
func searchParam(rc *reqCtx, eventual bool, props map[string]bool) (*searchNode, *response) {
	search := rc.q.Get("$search")
	if search == "" {
		return nil, nil
	}
	if !eventual {
		r := rc.fail(400, "Request_UnsupportedQuery", "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'")
		return nil, &r
	}
	sn, err := parseSearch(search, props)
	if err != nil {
		r := rc.fail(400, "Request_UnsupportedQuery", err.Error())
		return nil, &r
	}
	return sn, nil
}

// orderBy sorts items in place by $orderby ("field" or "field desc"), a
// string property among allowed, case-insensitively and stably.
func orderBy[T any](rc *reqCtx, items []T, allowed []string, ent func(T) entity) *response {
	ob := rc.q.Get("$orderby")
	if ob == "" {
		return nil
	}
	field, dir, _ := strings.Cut(strings.TrimSpace(ob), " ")
	if !slices.Contains(allowed, field) {
		r := rc.fail(400, "Request_UnsupportedQuery", "Sorting not supported for '"+field+"'.")
		return &r
	}
	desc := strings.EqualFold(strings.TrimSpace(dir), "desc")
	sort.SliceStable(items, func(i, j int) bool {
		a, _ := ent(items[i]).field(field).(string)
		b, _ := ent(items[j]).field(field).(string)
		a, b = strings.ToLower(a), strings.ToLower(b)
		if desc {
			return a > b
		}
		return a < b
	})
	return nil
}

func (t *Tenant) listUsers(rc *reqCtx) response {
	if r := t.authorize(rc, OpReadUsers, nil); r != nil {
		return *r
	}
	// $search is checked before $count: a bad $search without eventual
	// consistency is the error Graph names first.
	eventual := strings.EqualFold(strings.TrimSpace(rc.h.Get("ConsistencyLevel")), "eventual")
	sn, bad := searchParam(rc, eventual, searchableUserProps)
	if bad != nil {
		return *bad
	}
	count, _, bad := countParam(rc)
	if bad != nil {
		return *bad
	}
	fn, bad := parseFilterFor(rc, userSchema)
	if bad != nil {
		return *bad
	}
	sel, bad := parseSelect(rc, userProps, "microsoft.graph.user")
	if bad != nil {
		return *bad
	}
	top, bad := parseTop(rc, 100, 999)
	if bad != nil {
		return *bad
	}
	var out []*user
	for _, u := range t.usersByKey(fn, "id", "userPrincipalName") {
		if matches(userEnt{u}, userSchema, fn, sn) {
			out = append(out, u)
		}
	}
	if bad := orderBy(rc, out, []string{"displayName", "userPrincipalName"}, func(u *user) entity { return userEnt{u} }); bad != nil {
		return *bad
	}
	ctx := selectContext("users", sel)
	if sel == nil {
		sel = defaultUserProps
	}
	return page(rc, out, top, ctx, func(u *user) obj { return userJSON(u).project(sel) }, count)
}

func (t *Tenant) getUser(rc *reqCtx, ref string) response {
	if r := t.authorize(rc, OpReadUsers, nil); r != nil {
		return *r
	}
	sel, bad := parseSelect(rc, userProps, "microsoft.graph.user")
	if bad != nil {
		return *bad
	}
	u, bad := t.target(rc, ref)
	if bad != nil {
		return *bad
	}
	return userEntity(rc, u, sel)
}

func userEntity(rc *reqCtx, u *user, sel []string) response {
	ctx := selectContext("users", sel) + "/$entity"
	if sel == nil {
		sel = defaultUserProps
	}
	return single(rc, ctx, userJSON(u).project(sel))
}

// me answers GET /me: the delegated operator's user object.
func (t *Tenant) me(rc *reqCtx) response {
	if rc.op.AppOnly {
		return rc.fail(400, "BadRequest", "/me request is only valid with delegated authentication flow.")
	}
	if r := t.authorize(rc, OpReadMe, nil); r != nil {
		return *r
	}
	sel, bad := parseSelect(rc, userProps, "microsoft.graph.user")
	if bad != nil {
		return *bad
	}
	u, _ := t.target(rc, "")
	if u == nil {
		// an operator from outside the tenant's user list: describe them
		// from the token.
		u = &user{UserData: UserData{ID: rc.op.ID, DisplayName: rc.op.DisplayName,
			UserPrincipalName: rc.op.UPN, Mail: rc.op.UPN, AccountEnabled: true, UserType: "Member"}}
	}
	return userEntity(rc, u, sel)
}

// memberOf lists the directory roles of a user (for /me: the token's wids)
// and, unless cast to directoryRole, the groups they are a member of.
func (t *Tenant) memberOf(rc *reqCtx, target func(*reqCtx) (*user, *response), rolesOnly bool) response {
	if rc.op.AppOnly && strings.HasPrefix(rc.path, "/me") {
		return rc.fail(400, "BadRequest", "/me request is only valid with delegated authentication flow.")
	}
	if r := t.authorize(rc, OpReadMe, nil); r != nil && !(rc.op.AppOnly && hasAny(rc.op.AppRoles, userReadApp)) {
		return *r
	}
	var roles []string
	var groups []*GroupData
	if strings.HasPrefix(rc.path, "/me") {
		roles = rc.op.Wids
	} else {
		u, bad := target(rc)
		if bad != nil {
			return *bad
		}
		roles = u.Roles
		if !rolesOnly {
			// Groups too: memberOf the direct ones, transitiveMemberOf
			// those reached through nesting as well
			// (api-reference/v1.0/api/user-list-transitivememberof.md).
			groups = t.memberGroups(u.ID, strings.Contains(strings.ToLower(rc.path), "/transitivememberof"))
		}
	}
	var vals []obj
	for _, r := range roles {
		name, ok := RoleNames[r]
		if !ok {
			continue // e.g. the implicit "User" template id
		}
		vals = append(vals, obj{
			{"@odata.type", "#microsoft.graph.directoryRole"},
			{"id", roleObjectID(r)},
			{"deletedDateTime", nil},
			{"description", name + " role."},
			{"displayName", name},
			{"roleTemplateId", r},
		})
	}
	full := canReadGroups(rc) // else limited information (capolicies.go)
	for _, g := range groups {
		o := groupJSON(g)
		if !full {
			o = limitedGroupJSON(g, nil)
		}
		vals = append(vals, append(obj{{"@odata.type", "#microsoft.graph.group"}}, o...))
	}
	if vals == nil {
		vals = []obj{}
	}
	ctx := "directoryObjects"
	if rolesOnly {
		ctx = "directoryRoles"
	}
	return collection(rc, ctx, vals)
}

// roleObjectID derives a stable directoryRole object id from the template id.
func roleObjectID(template string) string {
	b := []byte(template)
	for i := range b {
		if b[i] >= '0' && b[i] <= '9' {
			b[i] = '0' + (b[i]-'0'+3)%10
		}
	}
	return string(b)
}

func (t *Tenant) organization(rc *reqCtx) response {
	if r := t.authorize(rc, OpReadOrganization, nil); r != nil {
		return *r
	}
	initial := strings.Split(t.domain, ".")[0] + ".onmicrosoft.com"
	org := obj{
		{"id", t.tenantID},
		{"displayName", t.displayName},
		{"tenantType", "AAD"},
		{"countryLetterCode", "US"},
		{"verifiedDomains", []obj{
			{{"capabilities", "Email, OfficeCommunicationsOnline"}, {"isDefault", true}, {"isInitial", false}, {"name", t.domain}, {"type", "Managed"}},
			{{"capabilities", "Email, OfficeCommunicationsOnline"}, {"isDefault", false}, {"isInitial", true}, {"name", initial}, {"type", "Managed"}},
		}},
	}
	return collection(rc, "organization", []obj{org})
}

// manager answers GET /users/{id}/manager: the manager as a directoryObject
// (a user, with its @odata.type), or Graph's 404 when the user has none.
// Reading it needs what reading users needs.
func (t *Tenant) manager(rc *reqCtx, target func(*reqCtx) (*user, *response)) response {
	if r := t.authorize(rc, OpReadUsers, nil); r != nil {
		return *r
	}
	sel, bad := parseSelect(rc, userProps, "microsoft.graph.user")
	if bad != nil {
		return *bad
	}
	u, bad := target(rc)
	if bad != nil {
		return *bad
	}
	m := t.byID[strings.ToLower(u.ManagerID)]
	if u.ManagerID == "" || m == nil {
		return resourceNotFound(rc, "manager")
	}
	if sel == nil {
		sel = defaultUserProps
	}
	o := append(obj{{"@odata.type", "#microsoft.graph.user"}}, userJSON(m).project(sel)...)
	return single(rc, "directoryObjects/$entity", o)
}
