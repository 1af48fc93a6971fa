package graph

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph/fake"
)

// End to end over the fake tenant through msgraph-sdk-go: the groups with
// their marks, and the evaluation for a plain user, an admin in a
// targeted group, and a break-glass account.
func TestUserMFAOverFake(t *testing.T) {
	srv := startFake(t, fake.Options{})
	c := fakeClient(t, srv, "")
	ctx := context.Background()
	pol := ReadMFAPolicies(ctx, c)
	if pol.PoliciesErr != nil || pol.DefaultsErr != nil || pol.Defaults == nil || pol.Defaults.Enabled {
		t.Fatalf("policies: %v / %v / %+v", pol.PoliciesErr, pol.DefaultsErr, pol.Defaults)
	}
	if len(pol.Policies) != 7 {
		t.Fatalf("%d policies, want 7", len(pol.Policies))
	}
	resolve := func(id string) User {
		u, err := c.ResolveUser(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}

	judy := ReadUserMFA(ctx, c, resolve(fake.JudyID), pol, nil)
	if judy.GroupsErr != nil {
		t.Fatal(judy.GroupsErr)
	}
	var lines []string
	for _, g := range judy.Groups {
		lines = append(lines, GroupLine(g))
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{
		"Break-glass accounts (nested; role-assignable; CA: Require MFA for all users (excluded); CA: Require MFA for admins (excluded); CA: Block legacy authentication (excluded))",
		"IT department (CA: Phishing-resistant MFA for Azure management (included))",
		"Tier 0 administrators (role-assignable)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Judy's groups:\n%s\nwant a line %q", got, want)
		}
	}
	// Judy (break-glass through Tier 0) is excluded from both MFA
	// policies; her per-user state (enforced) and the Azure management
	// policy (an app condition) remain.
	if r := judy.Required; r.Line() != "yes, by per-user: enforced +1 more" || len(r.Excluded) != 2 ||
		r.Excluded[0].ExcludedVia != "group Break-glass accounts" || r.Reasons[1].Policy != "Phishing-resistant MFA for Azure management" {
		t.Errorf("Judy: %s (excluded %+v)", r.Line(), r.Excluded)
	}

	liam := ReadUserMFA(ctx, c, resolve(fake.LiamID), pol, nil).Required
	if liam.Verdict != MFAYes || liam.Line() != "yes, by CA 'Require MFA for all users' (via all users) +2 more" {
		t.Errorf("Liam: %s", liam.Line())
	}
	if len(liam.Reasons) != 3 || liam.Reasons[1].Via != "role Helpdesk Administrator" || liam.Reasons[2].Via != "group IT department" {
		t.Errorf("Liam's reasons: %+v", liam.Reasons)
	}

	carol := ReadUserMFA(ctx, c, resolve(fake.CarolID), pol, nil).Required
	if carol.Verdict != MFAYes || len(carol.Excluded) != 2 || carol.Reasons[1].Policy != "Phishing-resistant MFA for Azure management" {
		t.Errorf("Carol: %s", carol.Line())
	}

	// A Sales member gets the report-only pilot listed apart.
	var sales User
	for _, g := range srv.Tenant.Groups() {
		if g.ID == fake.SalesGroupID && len(g.MemberIDs) > 0 {
			sales = resolve(g.MemberIDs[0])
		}
	}
	s := ReadUserMFA(ctx, c, sales, pol, nil).Required
	if s.Verdict != MFAYes || len(s.ReportOnly) != 1 || !strings.Contains(s.ReportOnly[0].Detail(), "applies when the location is not a trusted one") {
		t.Errorf("Sales: %s, report-only %+v", s.Line(), s.ReportOnly)
	}

	// Security defaults on (and, in a real tenant, no CA policy).
	srv.Tenant.SetSecurityDefaults(true)
	pol2 := ReadMFAPolicies(ctx, c)
	pol2.Policies = nil
	off := PerUserMFADisabled
	if r := ReadUserMFA(ctx, c, resolve(fake.CarolID), pol2, &off).Required; r.Line() != "yes, by security defaults (via role Global Administrator)" {
		t.Errorf("Carol under security defaults: %s", r.Line())
	}
}

// An operator without Policy.Read.All (a Helpdesk Administrator with the
// usual scopes) gets 403 from the policies: the answer is "unknown: needs
// Policy.Read.All (...)", the groups still load.
func TestUserMFAPolicies403(t *testing.T) {
	srv := startFake(t, fake.Options{})
	tok := makeJWT(map[string]any{"tid": fake.TenantID, "oid": fake.KarenID, "upn": fake.KarenUPN, "appid": "mfadesk-test",
		"scp": "User.Read.All GroupMember.Read.All UserAuthenticationMethod.ReadWrite.All", "wids": []string{RoleHelpdeskAdmin},
		"exp": time.Now().Add(time.Hour).Unix()})
	c := fakeClient(t, srv, tok)
	ctx := context.Background()
	pol := ReadMFAPolicies(ctx, c)
	e, ok := AsError(pol.PoliciesErr)
	if !ok || e.Kind != ErrDenied || e.Status != 403 || !strings.Contains(e.Needs, "Policy.Read.All") {
		t.Fatalf("policies error = %v", pol.PoliciesErr)
	}
	u, err := c.ResolveUser(ctx, fake.BobID)
	if err != nil {
		t.Fatal(err)
	}
	got := ReadUserMFA(ctx, c, u, pol, nil)
	if got.GroupsErr != nil || len(got.Groups) == 0 {
		t.Errorf("groups: %v %v", got.Groups, got.GroupsErr)
	}
	if r := got.Required; r.Verdict != MFAUnknown || !strings.HasPrefix(r.Line(), "unknown: Conditional Access and security defaults: needs Policy.Read.All (Security Reader / Global Reader") {
		t.Errorf("verdict %s: %s", r.Verdict, r.Line())
	}
}

// The request budget of the report's column: the policies and security
// defaults once, a page per 999 members of each group the MFA policies
// name, one roles read per admin; never a request per user. And the
// detail: two requests per user shown (groups transitive and direct).
func TestMFARequestBudget(t *testing.T) {
	srv := startFake(t, fake.Options{Users: 3000})
	c := fakeClient(t, srv, "")
	ctx := context.Background()
	var regs []Registration
	p, err := c.Registrations(ctx, RegistrationFilter{PageSize: 999})
	for ; err == nil; p, err = c.NextRegistrations(ctx, p.Next) {
		regs = append(regs, p.Items...)
		if p.Next == "" {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	srv.Tenant.ResetStats()
	pol := ReadMFAPolicies(ctx, c)
	ix := ReadMembershipIndex(ctx, c, pol)
	admins := 0
	for _, r := range regs {
		if r.IsAdmin {
			admins++
			tr, _ := c.TargetRoles(ctx, r.ID)
			ix.SetRoles(r.ID, tr.Roles)
		}
	}
	no := 0
	for i := range regs {
		if ReportVerdict(&regs[i], pol, ix).Verdict == MFANo {
			no++
		}
	}
	st := srv.Tenant.Stats()
	groups := len(MFAPolicyGroups(pol.Policies))
	t.Logf("%d users, %d admins, %d named groups: %d requests (%v); %d not required", len(regs), admins, groups, st.Total, st.Requests, no)
	if max := 2 + groups*2 + admins; st.Total > max {
		t.Errorf("%d requests for %d users, want at most %d", st.Total, len(regs), max)
	}
	srv.Tenant.ResetStats()
	ReadUserMFA(ctx, c, User{ID: fake.LiamID}, pol, nil)
	if st := srv.Tenant.Stats(); st.Total != 4 { // groups, direct groups, roles, per-user
		t.Errorf("one user's detail: %d requests (%v), want 4", st.Total, st.Requests)
	}
}
