package tui

import (
	"testing"

	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/internal/tuitest"
)

// secAdminScopes are what a Security Administrator at the helpdesk holds.
const secAdminScopes = "User.Read.All UserAuthenticationMethod.Read.All AuditLog.Read.All IdentityRiskyUser.Read.All IdentityRiskyUser.ReadWrite.All"

// Dismiss user risk and confirm compromised come from the catalogue: the
// status pane shows Alice at high risk, i opens the plan (typing never
// confirms), ctrl+y after the arm delay dismisses it in the fake tenant;
// a second i is refused with the reason; K confirms Alice compromised
// again after a plan that says what a high risk does.
func TestDismissAndConfirmRisk(t *testing.T) {
	_, srv := tuitest.Client(t)
	c := tuitest.As(t, srv, secAdminScopes, fake.RoleSecurityAdmin)
	d := newDriver(t, c, func(o *Options) { o.Now = tuitest.Clock })
	d.key("/")
	d.typeText("alice")
	d.key("enter")
	d.settle()
	d.mustSee("identity risk high · at risk")
	d.key("i")
	d.mustSee("Dismiss user risk")
	d.mustSee("risk level ->")
	d.mustSee("secure password")
	d.key("y", "enter")
	d.settle()
	if u, _ := srv.Tenant.User(fake.AliceID); u.Risk.State != "atRisk" {
		t.Fatal("typing dismissed the risk")
	}
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	if u, _ := srv.Tenant.User(fake.AliceID); u.Risk.State != "dismissed" || u.Risk.Level != "none" {
		t.Fatalf("not dismissed (%+v):\n%s", u.Risk, d.screen())
	}
	d.mustSee("user risk dismissed")
	d.key("esc")
	d.settle()
	d.mustSee("identity risk none · dismissed")
	d.key("i")
	d.mustSee("already dismissed")

	d.key("K")
	d.mustSee("Confirm user compromised")
	d.mustSee("HIGH")
	d.mustSee("Not reversible")
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	if u, _ := srv.Tenant.User(fake.AliceID); u.Risk.State != "confirmedCompromised" || u.Risk.Level != "high" {
		t.Fatalf("not confirmed (%+v):\n%s", u.Risk, d.screen())
	}
	d.mustSee("user confirmed compromised")
}

// The demo operator (a Privileged Authentication Administrator) may read
// the risk but not change it: the key says which role it takes, and no
// plan opens.
func TestDismissRiskNeedsSecurityAdministrator(t *testing.T) {
	_, srv := tuitest.Client(t)
	c := tuitest.As(t, srv, secAdminScopes, fake.RolePrivilegedAuthAdmin, fake.RoleSecurityReader)
	d := newDriver(t, c, func(o *Options) { o.Now = tuitest.Clock })
	d.key("/")
	d.typeText("alice")
	d.key("enter")
	d.settle()
	d.mustSee("identity risk high")
	d.key("i")
	d.settle()
	if d.m.modal != nil {
		t.Fatalf("a plan opened without the role:\n%s", d.screen())
	}
	d.mustSee("Security Administrator")
	if u, _ := srv.Tenant.User(fake.AliceID); u.Risk.State != "atRisk" {
		t.Fatal("risk changed")
	}
}
