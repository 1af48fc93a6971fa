package graph

// mfarequired.go: "is MFA required for this user, and by what?" The
// domain types of the three things that can require it (per-user MFA,
// security defaults, Conditional Access policies), the user's groups, and
// the evaluation of every policy for one user. The evaluation is pure: the
// reads are Reader methods (UserGroups, ConditionalAccessPolicies,
// SecurityDefaults), and the same Evaluate serves the detail, `show`,
// `mfa-required` and the registration report (which answers Membership
// from group member lists instead of each user's groups).

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// UserGroup is one group a user belongs to
// (GET /users/{id}/transitiveMemberOf/microsoft.graph.group).
type UserGroup struct {
	ID                 string `json:"id"`
	DisplayName        string `json:"displayName"`
	IsAssignableToRole bool   `json:"isAssignableToRole"`
	// Direct: a direct member (from /memberOf); false: through a nested
	// group only. DirectKnown is false when the direct list was not read.
	Direct      bool `json:"direct"`
	DirectKnown bool `json:"-"`
	// CAPolicies are the display names of the Conditional Access policies
	// that include or exclude this group (filled by MarkCATargets).
	CAPolicies []string `json:"conditionalAccessPolicies,omitempty"`
}

// SecurityDefaults is GET /policies/identitySecurityDefaultsEnforcementPolicy.
type SecurityDefaults struct {
	Enabled bool `json:"isEnabled"`
}

// Conditional Access policy states
// (api-reference/v1.0/resources/conditionalaccesspolicy.md).
const (
	CAEnabled    = "enabled"
	CADisabled   = "disabled"
	CAReportOnly = "enabledForReportingButNotEnforced"
)

// CAGuests is conditionalAccessGuestsOrExternalUsers: which kinds of guests
// or external users (guestOrExternalUserTypes, a comma-separated flags
// value) from which tenants.
type CAGuests struct {
	Types []string `json:"guestOrExternalUserTypes"`
	// AllTenants: externalTenants is absent or membershipKind "all".
	AllTenants bool `json:"allExternalTenants"`
}

// ConditionalAccessPolicy is one Conditional Access policy, as much of it as mfadesk
// evaluates: who it targets, what it grants with, and the conditions it
// does not evaluate (described in Conditions).
type ConditionalAccessPolicy struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	State       string `json:"state"`

	IncludeUsers  []string  `json:"includeUsers,omitempty"`
	ExcludeUsers  []string  `json:"excludeUsers,omitempty"`
	IncludeGroups []string  `json:"includeGroups,omitempty"`
	ExcludeGroups []string  `json:"excludeGroups,omitempty"`
	IncludeRoles  []string  `json:"includeRoles,omitempty"`
	ExcludeRoles  []string  `json:"excludeRoles,omitempty"`
	IncludeGuests *CAGuests `json:"includeGuestsOrExternalUsers,omitempty"`
	ExcludeGuests *CAGuests `json:"excludeGuestsOrExternalUsers,omitempty"`

	// GrantOperator is AND or OR; GrantControls the builtInControls
	// (mfa, block, compliantDevice, ...); AuthStrength the display name
	// (or id) of a required authentication strength.
	GrantOperator string   `json:"grantOperator,omitempty"`
	GrantControls []string `json:"builtInControls,omitempty"`
	AuthStrength  string   `json:"authenticationStrength,omitempty"`
	// OtherGrants are custom controls and terms of use (they count as
	// alternatives under OR).
	OtherGrants []string `json:"otherGrants,omitempty"`

	// Conditions are the policy's conditions mfadesk does not evaluate,
	// in words ("the app is Office 365", "sign-in risk is high").
	Conditions []string `json:"conditions,omitempty"`
}

// RequiresMFA reports whether the policy's grant asks for MFA or an
// authentication strength; unless lists what else satisfies it when the
// operator is OR ("a compliant device").
func (p ConditionalAccessPolicy) RequiresMFA() (ok bool, unless []string) {
	mfa := p.AuthStrength != "" || slices.ContainsFunc(p.GrantControls, func(c string) bool { return strings.EqualFold(c, "mfa") })
	if !mfa {
		return false, nil
	}
	if !strings.EqualFold(p.GrantOperator, "OR") {
		return true, nil
	}
	for _, c := range p.GrantControls {
		if strings.EqualFold(c, "mfa") || strings.EqualFold(c, "block") {
			continue
		}
		unless = append(unless, grantPhrase(c))
	}
	unless = append(unless, p.OtherGrants...)
	return true, unless
}

// grantPhrase names a built-in grant control for people.
func grantPhrase(c string) string {
	switch c {
	case "compliantDevice":
		return "a compliant device"
	case "domainJoinedDevice":
		return "a hybrid-joined device"
	case "approvedApplication":
		return "an approved client app"
	case "compliantApplication":
		return "an app protection policy"
	case "passwordChange":
		return "a password change"
	}
	return CleanText(c)
}

// Requirement names what the policy asks for: "MFA" or
// "authentication strength 'Phishing-resistant MFA'".
func (p ConditionalAccessPolicy) Requirement() string {
	if p.AuthStrength != "" {
		return "authentication strength " + quoteName(p.AuthStrength)
	}
	return "MFA"
}

// Membership answers, for one user, the questions a policy's user
// conditions ask. The detail answers it from the user's own groups and
// roles (UserMembership); the report from the member lists of the groups
// the policies name.
type Membership interface {
	// InGroup: is the user a member of group id (transitively)? name is
	// what to call the group; known false when it cannot be told.
	InGroup(id string) (name string, in, known bool)
	// HasRole: does the user hold the directory role (template id)?
	HasRole(templateID string) (in, known bool)
}

// UserMembership is a Membership from the user's transitive groups and
// directory roles. GroupsKnown / RolesKnown false: unreadable.
type UserMembership struct {
	Groups      []UserGroup
	GroupsKnown bool
	Roles       []string
	RolesKnown  bool
}

func (m UserMembership) InGroup(id string) (string, bool, bool) {
	for _, g := range m.Groups {
		if strings.EqualFold(g.ID, id) {
			return g.DisplayName, true, true
		}
	}
	return "", false, m.GroupsKnown
}

func (m UserMembership) HasRole(id string) (bool, bool) {
	for _, r := range m.Roles {
		if strings.EqualFold(r, id) {
			return true, true
		}
	}
	return false, m.RolesKnown
}

// MFAVerdict sums up whether MFA is required.
type MFAVerdict string

const (
	MFAYes     MFAVerdict = "yes"     // a policy requires it at every sign-in it covers
	MFAMaybe   MFAVerdict = "depends" // only under conditions mfadesk does not evaluate
	MFANo      MFAVerdict = "no"      // nothing requires it
	MFAUnknown MFAVerdict = "unknown" // what decides could not be read
)

// Sources of a requirement.
const (
	SourcePerUser          = "perUser"
	SourceSecurityDefaults = "securityDefaults"
	SourceCA               = "conditionalAccess"
)

// MFAReason is one thing that requires (or would require) MFA of the user.
type MFAReason struct {
	Source   string `json:"source"`
	PolicyID string `json:"policyId,omitempty"`
	Policy   string `json:"policy,omitempty"`
	// Requires: "MFA" or "authentication strength '...'".
	Requires string `json:"requires"`
	// Via is why it covers this user: "all users", "the user",
	// "group Helpdesk", "role Global Administrator", "guests".
	Via string `json:"via,omitempty"`
	// When are the conditions it applies under that mfadesk does not
	// evaluate; Unless what else satisfies it (an OR grant).
	When   []string `json:"when,omitempty"`
	Unless []string `json:"unless,omitempty"`
	// Uncertain: a group or role could not be read, so it may not apply.
	Uncertain string `json:"uncertain,omitempty"`
	// ExcludedVia: the exclusion that removes the user ("group
	// Break-glass accounts"); set on MFARequirement.Excluded only.
	ExcludedVia string `json:"excludedVia,omitempty"`
	// ReportOnly: enabledForReportingButNotEnforced (listed apart).
	ReportOnly bool `json:"reportOnly,omitempty"`
}

// Conditional reports a reason that holds only in some sign-ins.
func (r MFAReason) Conditional() bool {
	return len(r.When) > 0 || len(r.Unless) > 0 || r.Uncertain != ""
}

// Text is the reason in a line: "CA 'Require MFA for admins' (via role
// Global Administrator)", "security defaults", "per-user: enforced".
func (r MFAReason) Text() string {
	var s string
	switch r.Source {
	case SourcePerUser:
		return "per-user: " + CleanText(r.Via)
	case SourceSecurityDefaults:
		s = "security defaults"
	default:
		s = "CA " + quoteSingle(r.Policy)
		if r.Requires != "" && r.Requires != "MFA" {
			s += " (" + r.Requires + ")"
		}
	}
	switch {
	case r.ExcludedVia != "":
		s += " (excluded via " + CleanText(r.ExcludedVia) + ")"
	case r.Via != "":
		s += " (via " + CleanText(r.Via) + ")"
	}
	return s
}

// Detail is Text with its conditions: "…; applies when the app is X;
// unless a compliant device".
func (r MFAReason) Detail() string {
	s := r.Text()
	if len(r.When) > 0 {
		s += "; applies when " + strings.Join(r.When, " and ")
	}
	if len(r.Unless) > 0 {
		s += "; not if the sign-in has " + OrList(r.Unless)
	}
	if r.Uncertain != "" {
		s += "; " + r.Uncertain
	}
	return s
}

func quoteSingle(s string) string { return "'" + CleanText(s) + "'" }

// MFARequirement is the answer for one user.
type MFARequirement struct {
	Verdict MFAVerdict `json:"verdict"`
	// Reasons require MFA now (enforced policies, per-user state,
	// security defaults), unconditional ones first.
	Reasons []MFAReason `json:"reasons"`
	// ReportOnly are report-only policies that would require it.
	ReportOnly []MFAReason `json:"reportOnly"`
	// Excluded are MFA policies that target the user but exclude them
	// ("excluded via group Break-glass accounts").
	Excluded []MFAReason `json:"excluded,omitempty"`
	// Unknown says what could not be read ("Conditional Access: needs
	// Policy.Read.All ...").
	Unknown []string `json:"unknown,omitempty"`
}

// MFAInputs is everything Evaluate looks at besides the user.
type MFAInputs struct {
	PerUser    PerUserMFAState
	PerUserErr error
	// Defaults is nil when unread (DefaultsErr says why).
	Defaults    *SecurityDefaults
	DefaultsErr error
	Policies    []ConditionalAccessPolicy
	PoliciesErr error
	Membership  Membership
}

// PolicyNeeds is what reading the policies needs, for "unknown" lines
// (the permission table's row).
func PolicyNeeds() string {
	r, _ := RequirementFor(ActionReadCAPolicies)
	names := make([]string, 0, len(r.Roles))
	for _, id := range r.Roles {
		names = append(names, RoleName(id))
	}
	return "needs " + r.Delegated[0] + " (" + strings.Join(names, " / ") + ")"
}

// unreadable describes a read that failed, for Unknown.
func unreadable(what string, err error) string {
	if errors.Is(err, ErrDenied) {
		return what + ": " + PolicyNeeds()
	}
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return what + ": " + CleanText(e.Message)
	}
	return what + ": " + CleanText(err.Error())
}

// EvaluateMFA answers "is MFA required for u, and by what?" from in.
// Exclusions win over inclusions, as in Entra. Per-user MFA enabled or
// enforced requires MFA at every sign-in; security defaults require it of
// administrators at every sign-in and of others when Entra decides; an
// enabled policy requiring MFA or a strength requires it where it applies
// (its unevaluated conditions say when).
func EvaluateMFA(u User, in MFAInputs) MFARequirement {
	out := MFARequirement{Reasons: []MFAReason{}, ReportOnly: []MFAReason{}}
	perUserUnknown, defaultsUnknown := "", ""
	switch {
	case in.PerUserErr != nil:
		// Said last: Conditional Access decides for most users.
		if !errors.Is(in.PerUserErr, ErrUnsupported) {
			perUserUnknown = unreadablePerUser(in.PerUserErr)
		}
	case in.PerUser == PerUserMFAEnabled || in.PerUser == PerUserMFAEnforced:
		out.Reasons = append(out.Reasons, MFAReason{Source: SourcePerUser, Requires: "MFA", Via: string(in.PerUser)})
	}
	switch {
	case in.DefaultsErr != nil:
		if !errors.Is(in.DefaultsErr, ErrUnsupported) {
			defaultsUnknown = unreadable("security defaults", in.DefaultsErr)
		}
	case in.Defaults != nil && in.Defaults.Enabled:
		r := MFAReason{Source: SourceSecurityDefaults, Requires: "MFA"}
		admin, known := securityDefaultsAdmin(in.Membership)
		switch {
		case admin != "":
			r.Via = "role " + admin
		case !known:
			r.When = []string{"Entra asks for it (every sign-in for administrators; directory roles unknown)"}
		default:
			r.When = []string{"Entra judges it necessary (risky sign-ins, new devices)"}
		}
		out.Reasons = append(out.Reasons, r)
	}
	if in.PoliciesErr != nil && !errors.Is(in.PoliciesErr, ErrUnsupported) {
		if errors.Is(in.PoliciesErr, ErrDenied) && errors.Is(in.DefaultsErr, ErrDenied) {
			// One permission reads both: say it once.
			out.Unknown = append(out.Unknown, unreadable("Conditional Access and security defaults", in.PoliciesErr))
			defaultsUnknown = ""
		} else {
			out.Unknown = append(out.Unknown, unreadable("Conditional Access", in.PoliciesErr))
		}
	}
	if defaultsUnknown != "" {
		out.Unknown = append(out.Unknown, defaultsUnknown)
	}
	for _, p := range in.Policies {
		need, unless := p.RequiresMFA()
		if !need || p.State == CADisabled || (p.State != CAEnabled && p.State != CAReportOnly) {
			continue
		}
		via, excl, uncertain, applies := caTargets(p, u, in.Membership)
		r := MFAReason{Source: SourceCA, PolicyID: p.ID, Policy: p.DisplayName, Requires: p.Requirement(),
			Via: via, When: p.Conditions, Unless: unless, Uncertain: uncertain, ReportOnly: p.State == CAReportOnly}
		switch {
		case excl != "":
			r.Via, r.ExcludedVia = "", excl
			out.Excluded = append(out.Excluded, r)
		case !applies:
		case r.ReportOnly:
			out.ReportOnly = append(out.ReportOnly, r)
		default:
			out.Reasons = append(out.Reasons, r)
		}
	}
	if perUserUnknown != "" {
		out.Unknown = append(out.Unknown, perUserUnknown)
	}
	// Unconditional reasons first (stable: per-user, defaults, policies).
	slices.SortStableFunc(out.Reasons, func(a, b MFAReason) int {
		return boolRank(a.Conditional()) - boolRank(b.Conditional())
	})
	switch {
	case len(out.Reasons) > 0 && !out.Reasons[0].Conditional():
		out.Verdict = MFAYes
	case len(out.Unknown) > 0:
		out.Verdict = MFAUnknown
	case len(out.Reasons) > 0:
		out.Verdict = MFAMaybe
	default:
		out.Verdict = MFANo
	}
	return out
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func unreadablePerUser(err error) string {
	if errors.Is(err, ErrDenied) {
		r, _ := RequirementFor(ActionReadPerUser)
		return "per-user MFA: needs " + r.Delegated[0]
	}
	return unreadable("per-user MFA", err)
}

// securityDefaultsAdmin: security defaults ask administrators for MFA at
// every sign-in. The roles are the nine the security defaults page lists
// (learn.microsoft.com/entra/fundamentals/security-defaults
// "Require administrators to do multifactor authentication").
func securityDefaultsAdmin(m Membership) (role string, known bool) {
	if m == nil {
		return "", false
	}
	known = true
	for _, id := range securityDefaultsAdminRoles {
		in, k := m.HasRole(id)
		if in {
			return RoleName(id), true
		}
		known = known && k
	}
	return "", known
}

// The roles security defaults require MFA of at every sign-in (the
// security defaults page's list, fourteen roles).
var securityDefaultsAdminRoles = []string{
	RoleGlobalAdmin, RoleAppAdmin, RoleAuthAdmin, RoleBillingAdmin, RoleCloudAppAdmin,
	RoleCAAdmin, RoleExchangeAdmin, RoleHelpdeskAdmin, RolePasswordAdmin, RolePrivilegedAuthAdmin,
	RolePrivilegedRoleAdmin, RoleSecurityAdmin, RoleSharePointAdmin, RoleUserAdmin,
}

// Role template ids the MFA evaluation names (security defaults' list and
// the Conditional Access readers).
const (
	RoleAppAdmin        = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
	RoleBillingAdmin    = "b0f54661-2d74-4c50-afa3-1ec803f12efe"
	RoleCloudAppAdmin   = "158c047a-c907-4556-b7ef-446551a6b5f7"
	RoleCAAdmin         = "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9"
	RoleExchangeAdmin   = "29232cdf-9323-42fd-ade2-1d097af3e4de"
	RoleSharePointAdmin = "f28a1f50-f6e7-4571-818b-6a12f2af6b6c"
	RoleGSAAdmin        = "ac434307-12b9-4fa1-a708-88bf58caabc1"
)

func init() {
	for id, n := range map[string]string{
		RoleAppAdmin:        "Application Administrator",
		RoleBillingAdmin:    "Billing Administrator",
		RoleCloudAppAdmin:   "Cloud Application Administrator",
		RoleCAAdmin:         "Conditional Access Administrator",
		RoleExchangeAdmin:   "Exchange Administrator",
		RoleSharePointAdmin: "SharePoint Administrator",
		RoleGSAAdmin:        "Global Secure Access Administrator",
	} {
		RoleNames[id] = n
	}
}

// caTargets decides whether p's user conditions cover u: via names the
// inclusion that does, excl the exclusion that removes them (exclusions
// win), uncertain what could not be told.
func caTargets(p ConditionalAccessPolicy, u User, m Membership) (via, excl, uncertain string, applies bool) {
	has := func(list []string, v string) bool {
		return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, v) })
	}
	var unsure []string
	// Exclusions first: any one removes the user.
	switch {
	case has(p.ExcludeUsers, u.ID):
		return "", "the user", "", false
	case u.IsGuest() && has(p.ExcludeUsers, "GuestsOrExternalUsers"):
		return "", "guests", "", false
	case u.IsGuest() && guestsMatch(p.ExcludeGuests):
		return "", "guests", "", false
	}
	for _, g := range p.ExcludeGroups {
		if m == nil {
			unsure = append(unsure, "an excluded group")
			continue
		}
		name, in, known := m.InGroup(g)
		if in {
			return "", "group " + groupLabel(name, g), "", false
		}
		if !known {
			unsure = append(unsure, "excluded group "+groupLabel(name, g))
		}
	}
	for _, r := range p.ExcludeRoles {
		if m == nil {
			unsure = append(unsure, "an excluded role")
			continue
		}
		in, known := m.HasRole(r)
		if in {
			return "", "role " + RoleName(r), "", false
		}
		if !known {
			unsure = append(unsure, "excluded role "+RoleName(r))
		}
	}
	// Inclusions: the first that covers the user names the reason.
	switch {
	case has(p.IncludeUsers, "All"):
		via = "all users"
	case has(p.IncludeUsers, u.ID):
		via = "the user"
	case u.IsGuest() && (has(p.IncludeUsers, "GuestsOrExternalUsers") || guestsMatch(p.IncludeGuests)):
		via = "guests"
	}
	for _, g := range p.IncludeGroups {
		if via != "" {
			break
		}
		if m == nil {
			unsure = append(unsure, "an included group")
			continue
		}
		name, in, known := m.InGroup(g)
		switch {
		case in:
			via = "group " + groupLabel(name, g)
		case !known:
			unsure = append(unsure, "included group "+groupLabel(name, g))
		}
	}
	for _, r := range p.IncludeRoles {
		if via != "" {
			break
		}
		if m == nil {
			unsure = append(unsure, "an included role")
			continue
		}
		in, known := m.HasRole(r)
		switch {
		case in:
			via = "role " + RoleName(r)
		case !known:
			unsure = append(unsure, "included role "+RoleName(r))
		}
	}
	if len(unsure) > 0 {
		uncertain = "could not tell membership of " + strings.Join(unsure, ", ")
	}
	switch {
	case via != "":
		return via, "", uncertain, true
	case uncertain != "":
		// Neither in nor out for sure: show it, marked uncertain.
		return "membership unknown", "", uncertain, true
	}
	return "", "", "", false
}

// guestsMatch: a guest user (userType Guest) is covered by a guests
// condition naming internal or B2B collaboration guests from all external
// tenants. Graph gives mfadesk no way to tell a guest's type or home
// tenant from the user object alone, so only those two, and all tenants,
// count (the safer reading: an unmatched guest condition is not claimed).
func guestsMatch(g *CAGuests) bool {
	if g == nil || !g.AllTenants {
		return false
	}
	for _, t := range g.Types {
		switch strings.TrimSpace(t) {
		case "internalGuest", "b2bCollaborationGuest":
			return true
		}
	}
	return false
}

func groupLabel(name, id string) string {
	if name != "" {
		return CleanText(name)
	}
	return CleanText(id)
}

// Line is the verdict in one line for the status pane: "yes, by CA
// 'Require MFA for admins' (via group Helpdesk)", "no policy requires MFA",
// "unknown: needs Policy.Read.All (...)".
func (r MFARequirement) Line() string {
	switch r.Verdict {
	case MFAYes:
		s := "yes, by " + r.Reasons[0].Text()
		if n := len(r.Reasons) - 1; n > 0 {
			s += fmt.Sprintf(" +%d more", n)
		}
		return s
	case MFAMaybe:
		return "only sometimes: " + r.Reasons[0].Detail()
	case MFAUnknown:
		s := "unknown: " + r.Unknown[0]
		if len(r.Reasons) > 0 {
			s += "; " + r.Reasons[0].Detail()
		}
		return s
	}
	s := "no policy requires MFA"
	if len(r.ReportOnly) > 0 {
		s += " (report-only: " + r.ReportOnly[0].Text() + ")"
	}
	return s
}

// MarkCATargets fills each group's CAPolicies with the policies (of any
// state) that include or exclude it.
func MarkCATargets(groups []UserGroup, policies []ConditionalAccessPolicy) {
	for i := range groups {
		groups[i].CAPolicies = nil
		for _, p := range policies {
			in := slices.ContainsFunc(p.IncludeGroups, func(x string) bool { return strings.EqualFold(x, groups[i].ID) })
			out := slices.ContainsFunc(p.ExcludeGroups, func(x string) bool { return strings.EqualFold(x, groups[i].ID) })
			state := ""
			switch p.State {
			case CAReportOnly:
				state = ", report-only"
			case CADisabled:
				state = ", disabled"
			}
			switch {
			case in:
				groups[i].CAPolicies = append(groups[i].CAPolicies, CleanText(p.DisplayName)+" (included"+state+")")
			case out:
				groups[i].CAPolicies = append(groups[i].CAPolicies, CleanText(p.DisplayName)+" (excluded"+state+")")
			}
		}
	}
}

// MFAPolicyGroups are the groups that MFA-requiring policies (enabled or
// report-only) include or exclude: what the report expands.
func MFAPolicyGroups(policies []ConditionalAccessPolicy) []string {
	var out []string
	for _, p := range policies {
		if ok, _ := p.RequiresMFA(); !ok || (p.State != CAEnabled && p.State != CAReportOnly) {
			continue
		}
		for _, g := range append(slices.Clone(p.IncludeGroups), p.ExcludeGroups...) {
			if !slices.ContainsFunc(out, func(x string) bool { return strings.EqualFold(x, g) }) {
				out = append(out, g)
			}
		}
	}
	return out
}

// MFAPolicyRoles reports whether any MFA-requiring policy names roles.
func MFAPolicyRoles(policies []ConditionalAccessPolicy) bool {
	for _, p := range policies {
		if ok, _ := p.RequiresMFA(); ok && (p.State == CAEnabled || p.State == CAReportOnly) &&
			len(p.IncludeRoles)+len(p.ExcludeRoles) > 0 {
			return true
		}
	}
	return false
}
