package tui

import (
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph"
)

// The second boundary holds alone: text that skipped the first (a Client
// that does not clean, as the stub does not) still reaches the terminal
// only as text and colour, whatever pane draws it.
func TestViewScreensWhatThePanesDraw(t *testing.T) {
	const evil = "\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b]0;owned\x07\u009b31m\u202e"
	c := newStub(3)
	u := c.Users[0]
	c.Users[0].DisplayName = "Eve" + evil + "Smith"
	c.Users[0].JobTitle = evil
	ms := c.Methods[u.ID]
	if len(ms) > 0 {
		ms[0].Detail = "+1 555" + evil
	}
	c.SignInsM[u.ID] = append(c.SignInsM[u.ID], graph.SignIn{ID: "s-evil", AppDisplayName: "App" + evil,
		Status: graph.Status{ErrorCode: 50126, FailureReason: "bad" + evil}})
	c.Op.UserPrincipalName = "tech" + evil + "@contoso.com"
	d := newDriver(t, c, func(o *Options) { o.TenantName = "Contoso" + evil })
	d.settle()
	d.key("tab")
	d.settle()
	for _, frame := range []string{d.m.View().Content} {
		for _, bad := range []string{"\x1b]", "\x1b[2J", "\u009b", "\u202e", "\x07"} {
			if strings.Contains(frame, bad) {
				t.Fatalf("the frame carries %q to the terminal", bad)
			}
		}
		for _, want := range []string{"Eve", "Contoso", "tech"} {
			if !strings.Contains(frame, want) {
				t.Fatalf("%q is not drawn at all", want)
			}
		}
	}
}
