package tui

import (
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/tui/actions"
)

// 10.5: a bulk plan names the risky targets by group, with counts and
// names; the operator's own account is changed only once the extra
// checklist line is ticked.
func TestBulkPlanNamesRiskyTargets(t *testing.T) {
	c := newStub(8)
	c.Users[1].UserPrincipalName = c.Op.UserPrincipalName // u1 is the operator
	c.Op.ID = "u1"
	c.Users[2].UserType = "Guest"
	c.Users[3].AccountEnabled = false
	// u0 is an admin (the stub's registration rows: every tenth user).
	d := newDriver(t, c, nil)
	d.key("space", "space", "space", "space", "space") // u0..u4
	d.key("b", "r")
	d.settle()
	cf, ok := d.m.modal.(*actions.Confirm)
	if !ok {
		t.Fatalf("no confirmation:\n%s", d.screen())
	}
	warn := strings.Join(cf.Plan.Warnings, "\n")
	for _, w := range []string{
		"Includes yourself (the signed-in operator): harry@contoso.com",
		"Includes 1 admin (holding a directory role): user0000@contoso.com",
		"Includes 1 guest: user0002@contoso.com",
		"Includes 1 disabled account: user0003@contoso.com",
	} {
		if !strings.Contains(warn, w) {
			t.Errorf("plan lacks %q:\n%s", w, warn)
		}
	}
	d.mustSee("I mean to change my own account")
	// Not ticked: the confirm key is refused and nothing runs.
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	if d.m.bulk != nil || len(c.Methods["u1"]) != 3 {
		t.Fatalf("ran without the self acknowledgement: bulk %v, calls %d\n%s", d.m.bulk != nil, len(c.Methods["u1"]), d.screen())
	}
	d.mustSee("Tick every verification line first")
	d.key("1", "ctrl+y")
	d.settle()
	if d.m.bulk == nil || len(c.Methods["u1"]) != 1 {
		t.Fatalf("did not run once acknowledged:\n%s", d.screen())
	}
}

// A single-user plan for someone else says nothing of the kind.
func TestPlanQuietForOrdinaryUser(t *testing.T) {
	c := newStub(4)
	d := newDriver(t, c, nil)
	d.key("down", "r")
	cf, ok := d.m.modal.(*actions.Confirm)
	if !ok {
		t.Fatalf("no confirmation:\n%s", d.screen())
	}
	for _, w := range cf.Plan.Warnings {
		if strings.HasPrefix(w, "Includes") || strings.HasPrefix(w, "Not checked") {
			t.Errorf("unexpected risk line %q", w)
		}
	}
}
