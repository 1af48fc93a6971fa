package tui

import (
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/internal/tuitest"
)

// + on the methods pane: a form (type, number) checked as Graph documents,
// then the plan with the number in full; the form's typing never reaches
// the confirmation, only ctrl+y after the arm delay runs it, and the result
// shows the number masked.
func TestAddPhoneFormThenPlan(t *testing.T) {
	c, srv := tuitest.Client(t)
	d := newDriver(t, c, func(o *Options) { o.Now = tuitest.Clock })
	d.key("/")
	d.typeText("bob")
	d.key("enter")
	d.settle()
	d.mustSee("Bob O'Brien")
	before := len(srv.Tenant.Methods(fake.BobID))
	d.key("+")
	if d.m.modal != nil {
		t.Fatal("+ outside the methods pane opened the form")
	}
	d.key("tab")
	d.key("+")
	d.mustSee("Add a method")
	d.mustSee("replaces +1 XXXXXXX142") // Bob's mobile
	d.typeText("+1 206-555-0100")
	d.key("enter")
	d.mustSee("no dashes")
	for range len("+1 206-555-0100") {
		d.key("backspace")
	}
	d.key("down") // alternate mobile: Bob has a mobile, so allowed
	d.key("down") // office
	d.typeText("+1 2065550100x7")
	d.key("enter")
	d.mustSee("Add or replace phone")
	d.mustSee("add an office phone +1 2065550100x7")
	d.mustSee("never SMS")
	// Typing, y and enter never confirm.
	d.typeText("yes")
	d.key("y", "enter")
	d.settle()
	if n := len(srv.Tenant.Methods(fake.BobID)); n != before {
		t.Fatal("typing added the phone")
	}
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	ms := srv.Tenant.Methods(fake.BobID)
	if len(ms) != before+1 {
		t.Fatalf("not added:\n%s", d.screen())
	}
	d.mustSee("office phone +1 XXXXXXXX00x7 added")
	if strings.Contains(d.screen(), "2065550100") {
		t.Fatalf("the number shown in full after the plan:\n%s", d.screen())
	}
	// The email method, from the same form.
	d.key("+")
	d.key("up") // from mobile, wraps to email
	d.typeText("bob@example.com")
	d.key("enter")
	d.mustSee("add the email method bob@example.com")
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	d.mustSee("email method bob@example.com added")
}

// * makes the highlighted method the default (v: text or call for the
// mobile); a method Graph cannot make the default is refused with why.
func TestSetDefaultKey(t *testing.T) {
	c, srv := tuitest.Client(t)
	d := newDriver(t, c, func(o *Options) { o.Now = tuitest.Clock })
	d.key("/")
	d.typeText("alice")
	d.key("enter")
	d.settle()
	d.mustSee("Alice Wong")
	d.key("tab")
	d.key("down") // Password
	d.key("*")
	if d.m.modal != nil {
		t.Fatal("the password was offered as the default")
	}
	d.mustSee("cannot be the default")
	d.key("down") // the mobile
	d.key("*")
	d.mustSee("Make default method")
	d.mustSee("a text message to the mobile (sms)")
	d.key("v")
	d.mustSee("a call to the mobile (voiceMobile)")
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	if u, _ := srv.Tenant.User(fake.AliceID); u.PreferredMethod != "voiceMobile" {
		t.Fatalf("preference %q:\n%s", u.PreferredMethod, d.screen())
	}
	d.mustSee("default method is now")
}
