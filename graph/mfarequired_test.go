package graph

import (
	"strings"
	"testing"
)

func TestEvaluateMFA(t *testing.T) {
	bob := User{ID: "u-bob", UserType: "Member"}
	guest := User{ID: "u-guest", UserType: "Guest"}
	helpdesk := UserGroup{ID: "g-help", DisplayName: "Helpdesk Ops"}
	breakGlass := UserGroup{ID: "g-bg", DisplayName: "Break-glass"}
	mem := func(roles []string, gs ...UserGroup) Membership {
		return UserMembership{Groups: gs, GroupsKnown: true, Roles: roles, RolesKnown: true}
	}
	all := ConditionalAccessPolicy{ID: "p1", DisplayName: "All users", State: CAEnabled, IncludeUsers: []string{"All"},
		ExcludeGroups: []string{"g-bg"}, GrantControls: []string{"mfa"}, GrantOperator: "OR"}
	admins := ConditionalAccessPolicy{ID: "p2", DisplayName: "Require MFA for admins", State: CAEnabled,
		IncludeRoles: []string{RoleHelpdeskAdmin}, GrantControls: []string{"mfa"}}
	byGroup := ConditionalAccessPolicy{ID: "p3", DisplayName: "Helpdesk strength", State: CAEnabled,
		IncludeGroups: []string{"g-help"}, AuthStrength: "Phishing-resistant MFA"}
	reportOnly := ConditionalAccessPolicy{ID: "p4", DisplayName: "Pilot", State: CAReportOnly, IncludeUsers: []string{"All"}, GrantControls: []string{"mfa"}}
	disabled := ConditionalAccessPolicy{ID: "p5", DisplayName: "Off", State: CADisabled, IncludeUsers: []string{"All"}, GrantControls: []string{"mfa"}}
	noMFA := ConditionalAccessPolicy{ID: "p6", DisplayName: "Compliant", State: CAEnabled, IncludeUsers: []string{"All"}, GrantControls: []string{"compliantDevice"}}
	withApp := ConditionalAccessPolicy{ID: "p7", DisplayName: "Azure mgmt", State: CAEnabled, IncludeUsers: []string{"All"},
		GrantControls: []string{"mfa"}, Conditions: []string{"the app is one of 1 selected"}}
	orDevice := ConditionalAccessPolicy{ID: "p8", DisplayName: "MFA or device", State: CAEnabled, IncludeUsers: []string{"All"},
		GrantControls: []string{"mfa", "compliantDevice"}, GrantOperator: "OR"}

	tests := []struct {
		name    string
		u       User
		in      MFAInputs
		verdict MFAVerdict
		line    string // substring of Line()
		check   func(t *testing.T, r MFARequirement)
	}{
		{name: "all users", u: bob, in: MFAInputs{Policies: []ConditionalAccessPolicy{all}, Membership: mem(nil)},
			verdict: MFAYes, line: "yes, by CA 'All users' (via all users)"},
		{name: "exclude wins over include", u: bob, in: MFAInputs{Policies: []ConditionalAccessPolicy{all}, Membership: mem(nil, breakGlass)},
			verdict: MFANo, line: "no policy requires MFA",
			check: func(t *testing.T, r MFARequirement) {
				if len(r.Excluded) != 1 || r.Excluded[0].ExcludedVia != "group Break-glass" {
					t.Errorf("Excluded = %+v", r.Excluded)
				}
			}},
		{name: "exclude user beats include by role", u: bob, in: MFAInputs{Policies: []ConditionalAccessPolicy{
			{ID: "x", DisplayName: "X", State: CAEnabled, IncludeRoles: []string{RoleHelpdeskAdmin}, ExcludeUsers: []string{"u-bob"}, GrantControls: []string{"mfa"}}},
			Membership: mem([]string{RoleHelpdeskAdmin})}, verdict: MFANo},
		{name: "via role", u: bob, in: MFAInputs{Policies: []ConditionalAccessPolicy{admins}, Membership: mem([]string{RoleHelpdeskAdmin})},
			verdict: MFAYes, line: "(via role Helpdesk Administrator)"},
		{name: "via group with strength", u: bob, in: MFAInputs{Policies: []ConditionalAccessPolicy{byGroup}, Membership: mem(nil, helpdesk)},
			verdict: MFAYes, line: "CA 'Helpdesk strength' (authentication strength \"Phishing-resistant MFA\") (via group Helpdesk Ops)"},
		{name: "report-only apart, disabled and non-MFA ignored", u: bob,
			in:      MFAInputs{Policies: []ConditionalAccessPolicy{reportOnly, disabled, noMFA}, Membership: mem(nil)},
			verdict: MFANo, line: "report-only: CA 'Pilot'",
			check: func(t *testing.T, r MFARequirement) {
				if len(r.Reasons) != 0 || len(r.ReportOnly) != 1 {
					t.Errorf("reasons %+v report-only %+v", r.Reasons, r.ReportOnly)
				}
			}},
		{name: "unevaluated condition", u: bob, in: MFAInputs{Policies: []ConditionalAccessPolicy{withApp}, Membership: mem(nil)},
			verdict: MFAMaybe, line: "applies when the app is one of 1 selected"},
		{name: "OR with another control", u: bob, in: MFAInputs{Policies: []ConditionalAccessPolicy{orDevice}, Membership: mem(nil)},
			verdict: MFAMaybe, line: "not if the sign-in has a compliant device"},
		{name: "unconditional ranks first", u: bob, in: MFAInputs{Policies: []ConditionalAccessPolicy{withApp, all}, Membership: mem(nil)},
			verdict: MFAYes, line: "yes, by CA 'All users' (via all users) +1 more"},
		{name: "per-user enforced", u: bob, in: MFAInputs{PerUser: PerUserMFAEnforced, Membership: mem(nil)},
			verdict: MFAYes, line: "yes, by per-user: enforced"},
		{name: "security defaults, admin", u: bob, in: MFAInputs{Defaults: &SecurityDefaults{Enabled: true}, Membership: mem([]string{RoleGlobalAdmin})},
			verdict: MFAYes, line: "yes, by security defaults (via role Global Administrator)"},
		{name: "security defaults, user", u: bob, in: MFAInputs{Defaults: &SecurityDefaults{Enabled: true}, Membership: mem(nil)},
			verdict: MFAMaybe, line: "security defaults; applies when Entra judges it necessary"},
		{name: "policies denied", u: bob, in: MFAInputs{PoliciesErr: &Error{Kind: ErrDenied, Status: 403}, Membership: mem(nil)},
			verdict: MFAUnknown, line: "unknown: Conditional Access: needs Policy.Read.All (Security Reader / Global Reader / Conditional Access Administrator"},
		{name: "policies denied but per-user enforced", u: bob, in: MFAInputs{PerUser: PerUserMFAEnforced, PoliciesErr: &Error{Kind: ErrDenied, Status: 403}},
			verdict: MFAYes},
		{name: "groups unknown", u: bob, in: MFAInputs{Policies: []ConditionalAccessPolicy{byGroup}, Membership: UserMembership{RolesKnown: true}},
			verdict: MFAMaybe, line: "could not tell membership of included group g-help"},
		{name: "guest by GuestsOrExternalUsers", u: guest, in: MFAInputs{Policies: []ConditionalAccessPolicy{
			{ID: "g", DisplayName: "Guests", State: CAEnabled, IncludeUsers: []string{"GuestsOrExternalUsers"}, GrantControls: []string{"mfa"}}}, Membership: mem(nil)},
			verdict: MFAYes, line: "(via guests)"},
		{name: "member not a guest", u: bob, in: MFAInputs{Policies: []ConditionalAccessPolicy{
			{ID: "g", DisplayName: "Guests", State: CAEnabled, IncludeGuests: &CAGuests{Types: []string{"b2bCollaborationGuest"}, AllTenants: true}, GrantControls: []string{"mfa"}}}, Membership: mem(nil)},
			verdict: MFANo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := EvaluateMFA(tt.u, tt.in)
			if r.Verdict != tt.verdict {
				t.Errorf("verdict = %s, want %s (%s)", r.Verdict, tt.verdict, r.Line())
			}
			if tt.line != "" && !strings.Contains(r.Line(), tt.line) {
				t.Errorf("Line() = %q, want it to contain %q", r.Line(), tt.line)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

func TestMarkCATargets(t *testing.T) {
	gs := []UserGroup{{ID: "g1", DisplayName: "A"}, {ID: "g2", DisplayName: "B"}}
	MarkCATargets(gs, []ConditionalAccessPolicy{{DisplayName: "P", IncludeGroups: []string{"G1"}}, {DisplayName: "Q", ExcludeGroups: []string{"g1", "g2"}}})
	if strings.Join(gs[0].CAPolicies, ";") != "P (included);Q (excluded)" || strings.Join(gs[1].CAPolicies, ";") != "Q (excluded)" {
		t.Errorf("marks = %v / %v", gs[0].CAPolicies, gs[1].CAPolicies)
	}
}
