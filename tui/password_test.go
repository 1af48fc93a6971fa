package tui

import (
	"testing"

	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/internal/tuitest"
	"github.com/mfadesk/mfadesk/tui/actions"
)

// p resets the password from the catalogue's plan: typing never confirms;
// ctrl+y after the arm delay does; the password the tenant now holds is
// shown once (spaced), stays until ctrl+d twice, and o goes on to revoke
// the sessions after the same ctrl+d.
func TestResetPasswordShownOnce(t *testing.T) {
	c, srv := tuitest.Client(t)
	d := newDriver(t, c, func(o *Options) { o.Now = tuitest.Clock })
	d.key("/")
	d.typeText("bob")
	d.key("enter")
	d.settle()
	d.mustSee("Bob O'Brien")
	d.key("p")
	d.mustSee("Reset password")
	d.mustSee("generate a temporary password")
	d.mustSee("revoke sessions as well")
	d.key("y", "enter", "p")
	d.settle()
	if _, ok := srv.Tenant.Password(fake.BobID); ok {
		t.Fatal("typing reset the password")
	}
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	pw, ok := srv.Tenant.Password(fake.BobID)
	if !ok {
		t.Fatalf("not reset:\n%s", d.screen())
	}
	if _, ok := d.m.modal.(*actions.PasswordView); !ok {
		t.Fatalf("no password dialog:\n%s", d.screen())
	}
	d.mustSee(actions.Spaced(pw))
	d.mustSee("reset succeeded")
	d.key("esc", "q", "enter")
	if _, ok := d.m.modal.(*actions.PasswordView); !ok {
		t.Fatalf("an ordinary key closed the password:\n%s", d.screen())
	}
	d.key("o", "ctrl+d")
	d.settle()
	d.mustSee("Revoke sessions")
	if _, ok := d.m.modal.(*actions.PasswordView); ok {
		t.Fatal("the password is still shown after o, ctrl+d")
	}
}
