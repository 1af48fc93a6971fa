package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
)

// scrollToEnd presses down until the screen stops changing.
func (d *driver) scrollToEnd() {
	d.t.Helper()
	prev := ""
	for i := 0; i < 200; i++ {
		d.key("down")
		s := d.screen()
		if s == prev {
			return
		}
		prev = s
	}
	d.t.Fatal("never stopped scrolling")
}

// TestLongDialogsScrollToTheirLastLine at 80x24: the help's legend and a
// sign-in's risk and correlation id can be scrolled into view.
func TestLongDialogsScrollToTheirLastLine(t *testing.T) {
	c := newStub(5)
	si := c.SignInsM["u0"][0]
	si.RiskLevelDuringSignIn = "medium"
	si.CorrelationID = "c0ffee00-0000-4000-8000-00000000beef"
	si.AuthDetails = []graph.AuthStep{{Method: "Password", Succeeded: true}, {Method: "Mobile app notification", Succeeded: false, ResultDetail: "MFA denied; user declined the authentication"}}
	si.AppliedPolicies = []graph.CAPolicy{{DisplayName: "Require MFA", Result: "failure"}, {DisplayName: "Block legacy", Result: "success"}}
	c.SignInsM["u0"][0] = si
	d := newDriver(t, c, nil)
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})

	d.key("?")
	d.mustNotSee("heavy border: focused pane")
	d.scrollToEnd()
	d.mustSee("heavy border: focused pane")
	d.key("esc")

	d.key("tab", "tab", "enter")
	d.mustSee("Sign-in:")
	d.scrollToEnd()
	d.mustSee("Risk")
	d.mustSee("c0ffee00-0000-4000-8000-00000000beef")
}
