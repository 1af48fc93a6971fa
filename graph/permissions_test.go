package graph

import (
	"strings"
	"testing"
)

func TestAllows(t *testing.T) {
	// From the registration report only: an admin of unknown roles.
	admin := TargetRolesFromRegistration(&Registration{IsAdmin: true})
	user := TargetRolesFromRegistration(&Registration{IsAdmin: false})
	helpdeskScopes := []string{"User.Read.All", "UserAuthenticationMethod.ReadWrite.All",
		"User.RevokeSessions.All", "AuditLog.Read.All", "Mail.Send", "Policy.ReadWrite.AuthenticationMethod"}

	authAdmin := Operator{Scopes: helpdeskScopes, RoleTemplateIDs: []string{RoleAuthAdmin}}
	paa := Operator{Scopes: helpdeskScopes, RoleTemplateIDs: []string{strings.ToUpper(RolePrivilegedAuthAdmin)}}
	byName := Operator{Scopes: helpdeskScopes, DirectoryRoles: []string{"privileged authentication administrator"}}
	reader := Operator{Scopes: []string{"User.Read.All", "UserAuthenticationMethod.Read.All", "AuditLog.Read.All"},
		RoleTemplateIDs: []string{RoleGlobalReader}}
	noRole := Operator{Scopes: helpdeskScopes, RoleTemplateIDs: []string{roleDefaultUserTemplateID}}
	app := Operator{IsApp: true, AppRoles: []string{"User.Read.All", "UserAuthenticationMethod.ReadWrite.All"}}
	demo := Operator{RoleTemplateIDs: []string{RolePrivilegedAuthAdmin}}

	tests := []struct {
		name    string
		op      Operator
		action  Action
		target  *TargetRoles
		want    bool
		whyHave string
	}{
		{"auth admin resets a user", authAdmin, ActionReset, user, true, ""},
		{"auth admin resets unknown target", authAdmin, ActionReset, nil, true, ""},
		{"auth admin cannot reset an admin", authAdmin, ActionReset, admin, false,
			"the target is an admin: needs the Privileged Authentication Administrator or Global Administrator role"},
		{"auth admin cannot TAP an admin", authAdmin, ActionTAP, admin, false, "target is an admin"},
		{"auth admin cannot revoke an admin", authAdmin, ActionRevoke, admin, false, "target is an admin"},
		{"auth admin cannot read sign-ins", authAdmin, ActionSignIns, nil, false, "Reports Reader"},
		{"PAA resets an admin (upper-case wids)", paa, ActionReset, admin, true, ""},
		{"PAA by role display name", byName, ActionDeleteMethod, admin, true, ""},
		{"reader reads methods of an admin", reader, ActionReadMethods, admin, true, ""},
		{"auth admin reads methods of an admin", authAdmin, ActionReadMethods, admin, true, ""},
		{"reader reads sign-ins", reader, ActionSignIns, nil, true, ""},
		{"reader cannot reset: scope", reader, ActionReset, user, false,
			"needs delegated permission UserAuthenticationMethod.ReadWrite.All"},
		{"reader cannot revoke: scope list", reader, ActionRevoke, user, false,
			"User.RevokeSessions.All, User.ReadWrite.All or Directory.ReadWrite.All"},
		{"no role cannot reset", noRole, ActionReset, user, false,
			"needs the Authentication Administrator, Privileged Authentication Administrator or Global Administrator role"},
		{"no role reads users", noRole, ActionReadUsers, nil, true, ""},
		{"no role sends mail", noRole, ActionSendMail, nil, true, ""},
		{"scope check is case-insensitive", Operator{Scopes: []string{"user.read.all"}}, ActionReadUsers, nil, true, ""},
		{"app resets an admin", app, ActionReset, admin, true, ""},
		{"app without AuditLog", app, ActionSignIns, nil, false, "needs application permission AuditLog.Read.All"},
		{"app report via methods permission", Operator{IsApp: true, AppRoles: []string{"UserAuthenticationMethod.Read.All"}}, ActionReport, nil, true, ""},
		{"app cannot mail", app, ActionSendMail, nil, false, "application permission Mail.Send"},
		{"app without any role", Operator{IsApp: true}, ActionReadUsers, nil, false, "application permission User.Read.All"},
		{"demo without token: roles only", demo, ActionReset, admin, true, ""},
		{"demo without token: report needs a reports role", demo, ActionReport, nil, false, "Reports Reader"},
		{"unknown action", paa, Action("nope"), nil, false, "unknown action"},
		{"per-user MFA: policy admin role", Operator{Scopes: []string{"Policy.ReadWrite.AuthenticationMethod"},
			RoleTemplateIDs: []string{RoleAuthPolicyAdmin}}, ActionPerUserMFA, admin, true, ""},
		{"per-user MFA: not the auth admin (Manage per-user MFA: No)", authAdmin, ActionPerUserMFA, user, false,
			"needs the Authentication Policy Administrator or Global Administrator role"},
		{"per-user MFA read: not the auth admin", authAdmin, ActionReadPerUser, user, false, "Global Reader"},
		{"reset password: helpdesk on a user", Operator{Scopes: []string{"UserAuthenticationMethod.ReadWrite.All"},
			RoleTemplateIDs: []string{RoleHelpdeskAdmin}}, ActionResetPassword, user, true, ""},
		{"reset password: helpdesk not on an admin", Operator{Scopes: []string{"UserAuthenticationMethod.ReadWrite.All"},
			RoleTemplateIDs: []string{RoleHelpdeskAdmin}}, ActionResetPassword, admin, false, "Privileged Authentication Administrator"},
		{"reset password: no app permission exists", Operator{IsApp: true, AppRoles: []string{"UserAuthenticationMethod.ReadWrite.All"}},
			ActionResetPassword, user, false, "sign in as a user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, why := tt.op.Allows(tt.action, tt.target)
			if ok != tt.want {
				t.Fatalf("Allows = %v (%q), want %v", ok, why, tt.want)
			}
			if ok && why != "" {
				t.Errorf("allowed but why = %q", why)
			}
			if !strings.Contains(why, tt.whyHave) {
				t.Errorf("why = %q, want it to contain %q", why, tt.whyHave)
			}
		})
	}
}

func TestEffectiveRole(t *testing.T) {
	tests := []struct {
		op   Operator
		want string
	}{
		{Operator{IsApp: true, RoleTemplateIDs: []string{RoleGlobalAdmin}}, "app-only"},
		{Operator{RoleTemplateIDs: []string{RoleReportsReader, RoleAuthAdmin}}, "Authentication Administrator"},
		{Operator{RoleTemplateIDs: []string{RoleAuthAdmin, RolePrivilegedAuthAdmin}}, "Privileged Authentication Administrator"},
		{Operator{DirectoryRoles: []string{"Global Administrator"}}, "Global Administrator"},
		{Operator{RoleTemplateIDs: []string{roleDefaultUserTemplateID}}, "no admin role"},
		{Operator{}, "no admin role"},
	}
	for _, tt := range tests {
		if got := tt.op.EffectiveRole(); got != tt.want {
			t.Errorf("%+v: EffectiveRole = %q, want %q", tt.op, got, tt.want)
		}
	}
}

// The table must stay complete and coherent: every action has a label, both
// permission kinds, a documentation source, and a target rule only with roles.
func TestRequirementsTable(t *testing.T) {
	all := []Action{ActionReadUsers, ActionReadMethods, ActionDeleteMethod, ActionReset, ActionReregister,
		ActionRevoke, ActionTAP, ActionAccountEnabled, ActionReadPerUser, ActionPerUserMFA, ActionSignIns, ActionAudit, ActionReport, ActionSendMail}
	all = append(all, ActionSetDefaultMethod, ActionSetPhone, ActionSetEmail)      // issue 13.3
	all = append(all, ActionReadGroups, ActionReadCAPolicies)                      // issue 13.4, 13.5
	all = append(all, ActionReadRisk, ActionDismissRisk, ActionConfirmCompromised) // issue 13.6
	all = append(all, ActionResetPassword)                                         // issue 13.1
	if len(Requirements()) != len(all) {
		t.Fatalf("table has %d rows, want %d", len(Requirements()), len(all))
	}
	for _, a := range all {
		r, ok := RequirementFor(a)
		if !ok {
			t.Fatalf("%s missing", a)
		}
		// Resetting a password is delegated only: Graph offers no
		// application permission for it.
		if r.Label == "" || len(r.Delegated) == 0 || (len(r.Application) == 0) != (a == ActionResetPassword) {
			t.Errorf("%s incomplete: %+v", a, r)
		}
		for _, id := range r.Roles {
			if RoleName(id) == id {
				t.Errorf("%s: role %s has no name", a, id)
			}
		}
		if r.Target != TargetAny && len(r.Roles) == 0 {
			t.Errorf("%s: target rule without roles", a)
		}
		if len(r.Source) == 0 {
			t.Errorf("%s: no documentation source", a)
		}
	}
	for _, a := range []Action{ActionReset, ActionDeleteMethod, ActionTAP, ActionRevoke, ActionPerUserMFA, ActionSendMail} {
		if !a.IsWrite() {
			t.Errorf("%s should be a write", a)
		}
	}
	for _, a := range []Action{ActionReadMethods, ActionSignIns, ActionReport, ActionAudit, ActionReadUsers} {
		if a.IsWrite() {
			t.Errorf("%s should be a read", a)
		}
	}
	if !Action("nope").IsWrite() {
		t.Error("unknown actions must count as writes")
	}
}

func TestOrList(t *testing.T) {
	for in, want := range map[string]string{"": "", "a": "a", "a|b": "a or b", "a|b|c": "a, b or c"} {
		var xs []string
		if in != "" {
			xs = strings.Split(in, "|")
		}
		if got := OrList(xs); got != want {
			t.Errorf("OrList(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestAllowsTargetRoles: "can this operator act on this user" follows the
// "Who can perform sensitive actions" / "Who can reset passwords" tables
// by the target's actual roles.
func TestAllowsTargetRoles(t *testing.T) {
	scopes := []string{"User.Read.All", "UserAuthenticationMethod.ReadWrite.All", "User.RevokeSessions.All"}
	aa := Operator{Scopes: scopes, RoleTemplateIDs: []string{RoleAuthAdmin}}
	paa := Operator{Scopes: scopes, RoleTemplateIDs: []string{RolePrivilegedAuthAdmin}}
	helpdesk := Operator{Scopes: scopes, RoleTemplateIDs: []string{RoleHelpdeskAdmin}}
	both := Operator{Scopes: scopes, RoleTemplateIDs: []string{RoleUserAdmin, RoleAuthAdmin}}
	roles := func(ids ...string) *TargetRoles { return &TargetRoles{Known: true, Admin: true, Roles: ids} }
	reportsReader := roles(RoleReportsReader)
	secAdmin := roles(RoleSecurityAdmin)
	groupMember := &TargetRoles{Known: true, RoleAssignableGroups: []string{"Tier 0"}}

	tests := []struct {
		name    string
		op      Operator
		action  Action
		target  *TargetRoles
		want    bool
		whyHave string
	}{
		{"AA resets a Reports Reader", aa, ActionReset, reportsReader, true, ""},
		{"AA issues a TAP to a Reports Reader", aa, ActionTAP, reportsReader, true, ""},
		{"AA revokes a Reports Reader", aa, ActionRevoke, reportsReader, true, ""},
		{"AA re-registers a Reports Reader", aa, ActionReregister, reportsReader, true, ""},
		{"AA cannot reset a Security Administrator", aa, ActionReset, secAdmin, false,
			"the target holds the Security Administrator role: needs the Privileged Authentication Administrator or Global Administrator role"},
		{"AA cannot revoke a Security Administrator", aa, ActionRevoke, secAdmin, false, "Security Administrator role"},
		{"AA resets another AA", aa, ActionReset, roles(RoleAuthAdmin), true, ""},
		{"AA: one unlisted role is enough to refuse", aa, ActionReset, roles(RoleReportsReader, RoleGlobalAdmin), false, "Global Administrator role"},
		{"AA cannot reset a role-assignable group member", aa, ActionReset, groupMember, false,
			`the target is a member of the role-assignable group "Tier 0": needs the Privileged Authentication Administrator or Global Administrator role`},
		{"PAA resets a Reports Reader", paa, ActionReset, reportsReader, true, ""},
		{"PAA resets a Security Administrator", paa, ActionReset, secAdmin, true, ""},
		{"PAA resets a Global Administrator", paa, ActionReset, roles(RoleGlobalAdmin), true, ""},
		{"PAA resets a role-assignable group member", paa, ActionReset, groupMember, true, ""},
		{"helpdesk revokes a Helpdesk Administrator", helpdesk, ActionRevoke, roles(RoleHelpdeskAdmin), true, ""},
		{"helpdesk cannot revoke an AA", helpdesk, ActionRevoke, roles(RoleAuthAdmin), false,
			"needs the Authentication Administrator, Privileged Authentication Administrator or Global Administrator role"},
		{"user admin + AA cannot reset a Helpdesk Administrator (user admin may not write methods)", both, ActionReset,
			roles(RoleHelpdeskAdmin), false, "Helpdesk Administrator role"},
		{"user admin + AA revokes a Helpdesk Administrator", both, ActionRevoke, roles(RoleHelpdeskAdmin), true, ""},
		{"the member role is not an admin role", aa, ActionReset, &TargetRoles{Known: true, Roles: []string{roleDefaultUserTemplateID}}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, why := tt.op.Allows(tt.action, tt.target)
			if ok != tt.want {
				t.Fatalf("Allows = %v (%q), want %v", ok, why, tt.want)
			}
			if !strings.Contains(why, tt.whyHave) {
				t.Errorf("why = %q, want it to contain %q", why, tt.whyHave)
			}
		})
	}
}
