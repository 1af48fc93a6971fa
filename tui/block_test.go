package tui

import (
	"testing"

	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/internal/tuitest"
)

// Block and unblock sign-in come from the catalogue (graph/ops): their keys,
// plan and run. Typing never confirms; ctrl+y after the arm delay does, and
// the fake tenant's user is blocked, then unblocked.
func TestBlockAndUnblockSignIn(t *testing.T) {
	c, srv := tuitest.Client(t)
	d := newDriver(t, c, func(o *Options) { o.Now = tuitest.Clock })
	d.key("/")
	d.typeText("bob")
	d.key("enter")
	d.settle()
	d.mustSee("Bob O'Brien")
	d.key("u")
	d.mustSee("sign-in is not blocked")
	d.key("x")
	d.mustSee("Block sign-in")
	d.mustSee("set accountEnabled to false")
	d.mustSee("revoke sessions as well")
	d.key("y", "enter")
	d.settle()
	if u, _ := srv.Tenant.User(fake.BobID); !u.AccountEnabled {
		t.Fatal("typing blocked the account")
	}
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	if u, _ := srv.Tenant.User(fake.BobID); u.AccountEnabled {
		t.Fatalf("not blocked:\n%s", d.screen())
	}
	d.mustSee("sign-in blocked")
	d.key("x")
	d.mustSee("already blocked")
	d.key("u")
	d.mustSee("Unblock sign-in")
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	if u, _ := srv.Tenant.User(fake.BobID); !u.AccountEnabled {
		t.Fatalf("not unblocked:\n%s", d.screen())
	}
	d.mustSee("sign-in unblocked")
}

// An administrator with a privileged role is refused before any plan, with
// the reason (Graph needs a permission mfadesk does not ask for).
func TestBlockRefusesPrivilegedAdmin(t *testing.T) {
	c, srv := tuitest.Client(t)
	d := newDriver(t, c, func(o *Options) { o.Now = tuitest.Clock })
	d.key("/")
	d.typeText("carol")
	d.key("enter")
	d.settle()
	d.mustSee("Carol")
	d.key("x")
	d.settle()
	if d.m.modal != nil {
		t.Fatalf("a plan opened for a Global Administrator:\n%s", d.screen())
	}
	d.mustSee("privileged role")
	if u, _ := srv.Tenant.User(fake.CarolID); !u.AccountEnabled {
		t.Fatal("blocked")
	}
}
