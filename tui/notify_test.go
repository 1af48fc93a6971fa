package tui

import (
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph"

	"github.com/mfadesk/mfadesk/internal/tuitest"
)

// The notification uses the profile's Go templates (graph.BuildNotification)
// about the change just made, with the ticket given at its confirmation.
func TestNotifyUsesConfiguredTemplates(t *testing.T) {
	c, srv := tuitest.Client(t)
	d := newDriver(t, c, func(o *Options) {
		o.Now = tuitest.Clock
		o.NotifySubject = "{{.Kind}} for {{.DisplayName}}"
		o.NotifyBody = "Hi {{.DisplayName}}, ticket {{.Ticket}}; pass works until {{.TAPExpires}}{{if .TAPOneTime}}, once{{end}}. {{.ReregisterURL}}"
	})
	d.key("/")
	d.typeText("alice")
	d.key("enter")
	d.settle()
	d.mustSee("Alice Wong")
	d.key("t")
	d.mustSee("Temporary Access Pass")
	d.armNow()
	d.key("tab")
	d.typeText("INC-7")
	d.key("enter", "ctrl+y")
	d.settle()
	// esc and n keep the pass; ctrl+d twice closes it, then n notifies.
	d.key("esc", "n")
	d.mustSee("The pass stays on screen until you close it")
	d.key("ctrl+d", "ctrl+d")
	d.key("n")
	d.mustSee("subject: tap for Alice Wong")
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	mails := srv.Tenant.SentMail()
	if len(mails) != 1 {
		t.Fatalf("%d mails sent:\n%s", len(mails), d.screen())
	}
	m := mails[0]
	if m.Subject != "tap for Alice Wong" || len(m.To) != 1 || !strings.HasPrefix(m.To[0], "alice.wong@") {
		t.Fatalf("mail %+v", m)
	}
	// The pass follows the fake tenant's TAP policy (multi-use allowed,
	// not forced): no ", once".
	for _, want := range []string{"Hi Alice Wong, ticket INC-7", "2025 13:00 UTC. https://aka.ms/mysecurityinfo", "2025"} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("body lacks %q: %q", want, m.Body)
		}
	}
}

// A template that cannot render says why instead of sending a broken mail.
func TestNotifyBrokenTemplateRefused(t *testing.T) {
	c := newStub(2)
	d := newDriver(t, c, func(o *Options) { o.NotifyBody = "Hello {{.Nope}}" })
	resetFirst(d)
	d.key("n")
	if d.m.modal != nil {
		t.Fatalf("a confirmation opened for a broken template:\n%s", d.screen())
	}
	d.mustSee("No mail:")
	d.mustSee("body template")
	if len(c.Mails) != 0 {
		t.Fatal("mail sent")
	}
}

// A ticket typed in the mail's own confirmation goes into the mail, and
// the preview shows it before y.
func TestNotifyTicketTypedInItsConfirmation(t *testing.T) {
	c := newStub(2)
	d := newDriver(t, c, nil)
	resetFirst(d) // n mails only a user something was done to
	d.key("n")
	d.armNow()
	d.key("tab")
	d.typeText("INC-9")
	d.key("enter")
	d.mustSee("(ticket") // wrapped before INC-9
	d.key("ctrl+y")
	d.settle()
	if len(c.Mails) != 1 || !strings.Contains(c.Mails[0].Body, "(ticket INC-9)") {
		t.Fatalf("mails: %+v", c.Mails)
	}
}

// n mails only a user something was done to in this session: a highlighted
// user nothing was done to gets no "were reset" mail.
func TestNotifyOnlyUsersActedOn(t *testing.T) {
	c := newStub(2)
	d := newDriver(t, c, nil)
	d.key("n")
	if d.m.modal != nil {
		t.Fatalf("a mail was offered for a user nothing was done to:\n%s", d.screen())
	}
	d.mustSee("nothing was done to")
	if len(c.Mails) != 0 {
		t.Fatal("mail sent")
	}
}

// With notify.enabled the TUI mails after a reset as the CLI does: the
// plan says so, the result says it was sent, with the reset subject.
func TestNotifyEnabledMailsAfterReset(t *testing.T) {
	c := newStub(2)
	d := newDriver(t, c, func(o *Options) {
		o.NotifyEnabled = true
		o.NotifySubjects = map[graph.NotifyKind]string{graph.NotifyTAP: "A pass for you"}
		o.NotifySubject = "Your MFA was reset"
	})
	d.key("r")
	d.mustSee("then mail user0000@contoso.com")
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	d.mustSee("mailed user0000@contoso.com")
	if len(c.Mails) != 1 || c.Mails[0].Subject != "Your MFA was reset" {
		t.Fatalf("mails: %+v", c.Mails)
	}
}

// With notify.enabled a bulk run mails each user it finished, and only
// those: a refused (protected) user gets none.
func TestNotifyEnabledBulkMailsEachDone(t *testing.T) {
	c := newStub(3)
	d := newDriver(t, c, func(o *Options) {
		o.NotifyEnabled = true
		o.Protected = []string{"user0002@contoso.com"}
	})
	d.key("A", "b")
	d.key("r")
	d.mustSee("then mail each user who is done")
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	for i := 0; i < 50 && (d.m.bulk == nil || d.m.bulk.Running()); i++ {
		d.settle()
	}
	if len(c.Mails) != 2 {
		t.Fatalf("%d mails, want 2 (the protected user is not done):\n%s", len(c.Mails), d.screen())
	}
	for _, m := range c.Mails {
		if m.To[0] == "user0002@contoso.com" {
			t.Fatal("the protected user was mailed")
		}
	}
}
