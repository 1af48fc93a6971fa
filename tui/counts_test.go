package tui

import (
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestNoCountBesideALoadError: a pane whose load failed shows no count
// ("0 methods", "0 · last 7d", "0 of 0 users", "All 0" are not true), and
// its error wraps at 80 columns instead of being cut.
func TestNoCountBesideALoadError(t *testing.T) {
	c := newStub(5)
	c.Fail["ListMethods"] = ""
	c.Fail["SignIns"] = ""
	c.Fail["Registration"] = ""
	c.Fail["Registrations"] = ""
	d := newDriver(t, c, nil)
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.settle()
	d.mustSee("load failed")
	for _, lie := range []string{"0 methods", "· last 7d", "0 of 0 users"} {
		d.mustNotSee(lie)
	}
	d.key("v")
	d.mustNotSee("0 of 0 users")
	if regexp.MustCompile(`All 0|registered 0`).MatchString(d.screen()) {
		t.Fatalf("filter counts beside a failed load:\n%s", d.screen())
	}
	// No error line ends cut with "…": each wraps.
	for _, l := range strings.Split(d.screen(), "\n") {
		if strings.Contains(l, "ermission") && strings.Contains(l, "…") {
			t.Fatalf("error cut: %q\n%s", l, d.screen())
		}
	}
}
