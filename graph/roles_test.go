package graph

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph/fake"
)

// TestTargetRolesAgainstFake: the client reads the target's roles from
// /users/{id}/transitiveMemberOf, decides with the sensitive-actions table,
// and the fake tenant does the same: an Authentication Administrator may
// reset a Reports Reader but not a Security Administrator (the refusal
// names that role); a Privileged Authentication Administrator may reset
// both. Role-assignable group membership is read too.
func TestTargetRolesAgainstFake(t *testing.T) {
	for _, tc := range []struct {
		name     string
		wids     []string
		target   string
		role     string
		want     bool
		whyHave  string
		wantRole string
	}{
		{"AA on Reports Reader", []string{RoleAuthAdmin}, fake.BobID, fake.RoleReportsReader, true, "", ""},
		{"AA on Security Administrator", []string{RoleAuthAdmin}, fake.AliceID, fake.RoleSecurityAdmin, false,
			"the target holds the Security Administrator role", RoleSecurityAdmin},
		{"PAA on Reports Reader", []string{RolePrivilegedAuthAdmin}, fake.BobID, fake.RoleReportsReader, true, "", ""},
		{"PAA on Security Administrator", []string{RolePrivilegedAuthAdmin}, fake.AliceID, fake.RoleSecurityAdmin, true, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startFake(t, fake.Options{Users: 1})
			srv.Tenant.Update(tc.target, func(u *fake.UserData) { u.Roles = []string{tc.role} })
			c := fakeClient(t, srv, operatorToken(fake.IvanID, fake.IvanUPN, tc.wids))
			op := Operator{Scopes: strings.Fields("User.Read.All UserAuthenticationMethod.ReadWrite.All User.RevokeSessions.All"),
				RoleTemplateIDs: tc.wids}
			ctx := context.Background()
			tr, err := c.TargetRoles(ctx, tc.target)
			if err != nil {
				t.Fatal(err)
			}
			if !tr.Known || !slices.Equal(tr.Roles, []string{tc.role}) || !tr.IsAdmin() {
				t.Fatalf("TargetRoles = %+v", tr)
			}
			ok, why := op.Allows(ActionReset, &tr)
			if ok != tc.want || !strings.Contains(why, tc.whyHave) {
				t.Fatalf("Allows = %v %q, want %v %q", ok, why, tc.want, tc.whyHave)
			}
			if !ok && !strings.Contains(why, "Privileged Authentication Administrator") {
				t.Errorf("why %q does not name the role that could", why)
			}
			_, err = Reset(ctx, c, tc.target, ResetOptions{})
			if served := err == nil; served != tc.want {
				t.Errorf("fake served = %v (%v), client said %v", served, err, tc.want)
			}
		})
	}
}

// TestTargetRolesGroups: a role-assignable group's members count as
// privileged (the fake's Tier 0 group holds Judy); other groups do not.
func TestTargetRolesGroups(t *testing.T) {
	srv := startFake(t, fake.Options{Users: 1})
	c := fakeClient(t, srv, "")
	tr, err := c.TargetRoles(context.Background(), fake.JudyID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(tr.RoleAssignableGroups, "Tier 0 administrators") || !slices.Contains(tr.Roles, RolePrivilegedAuthAdmin) {
		t.Errorf("Judy: %+v", tr)
	}
	tr, err = c.TargetRoles(context.Background(), fake.BobID)
	if err != nil {
		t.Fatal(err)
	}
	if tr.IsAdmin() || len(tr.RoleAssignableGroups) > 0 {
		t.Errorf("Bob: %+v", tr)
	}
}
