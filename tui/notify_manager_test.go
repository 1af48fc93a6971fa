package tui

import (
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/internal/tuitest"
)

// notify.toManager: the mail goes to the user's manager (looked up when
// sending), and to nobody when there is none.
func TestNotifyToManager(t *testing.T) {
	c, srv := tuitest.Client(t)
	d := newDriver(t, c, func(o *Options) {
		o.Now = tuitest.Clock
		o.NotifyToManager = true
	})
	d.key("/")
	d.typeText("alice")
	d.key("enter")
	d.settle()
	d.mustSee("Alice Wong")
	resetFirst(d) // n mails only a user something was done to
	d.key("n")
	d.mustSee("manager of alice.wong@")
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	mails := srv.Tenant.SentMail()
	if len(mails) != 1 || len(mails[0].To) != 1 || mails[0].To[0] != fake.CarolUPN || !strings.Contains(mails[0].Body, "Alice Wong") {
		t.Fatalf("mails %+v\n%s", mails, d.screen())
	}
}

func TestNotifyToManagerWithoutManager(t *testing.T) {
	c, srv := tuitest.Client(t)
	d := newDriver(t, c, func(o *Options) {
		o.Now = tuitest.Clock
		o.NotifyToManager = true
	})
	d.key("/")
	d.typeText("bob")
	d.key("enter")
	d.settle()
	d.mustSee("Bob O'Brien")
	resetFirst(d)
	d.key("n")
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	d.mustSee("no manager")
	if n := len(srv.Tenant.SentMail()); n != 0 {
		t.Fatalf("%d mails: a user without a manager was mailed someone\n%s", n, d.screen())
	}
}

// resetFirst resets the highlighted user's MFA and leaves the result open
// (its n offers the notification).
func resetFirst(d *driver) {
	d.key("r")
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	d.mustSee("Reset MFA: done")
}
