package tui

import (
	"strings"
	"testing"
)

// writeCalls are the stub calls that change the tenant.
func writeCalls(calls []string) []string {
	var w []string
	for _, c := range calls {
		for _, p := range []string{"DeleteMethod", "RevokeSessions", "CreateTAP", "SetPerUserMFA", "SendMail"} {
			if strings.HasPrefix(c, p) {
				w = append(w, c)
			}
		}
	}
	return w
}

// TestReportSlashSearchesInPlace: in the report, / opens a search box that
// filters the report's rows as you type; the typed letters never reach the
// list (no jump to the users view, no dialog), esc clears the filter.
func TestReportSlashSearchesInPlace(t *testing.T) {
	c := newStub(300)
	d := newDriver(t, c, nil)
	d.key("v", "/")
	d.typeText("user 012") // 'e', 'r', 't' would be actions on a focused list
	if d.m.view != viewReport || d.m.modal != nil {
		t.Fatalf("typing after / left the report or opened a dialog:\n%s", d.screen())
	}
	if got := d.m.report.Shown(); got != 10 {
		t.Fatalf("%d rows shown for %q, want 10 (User 0120..0129)", got, "user 012")
	}
	d.mustSee("SEARCH")
	d.mustSee("user0125@contoso.com")
	d.mustNotSee("user0130@contoso.com")
	d.key("enter") // the list again; the filter stays
	if d.m.report.Searching() || d.m.report.Shown() != 10 {
		t.Fatalf("enter: searching %v, %d shown", d.m.report.Searching(), d.m.report.Shown())
	}
	d.mustSee("10 matches")
	d.key("A")
	d.mustSee("All 10 matches")
	if d.m.marks.Len() != 10 {
		t.Fatalf("%d marked", d.m.marks.Len())
	}
	d.key("esc")
	if got := d.m.report.Shown(); got != 300 || d.m.report.Query() != "" {
		t.Fatalf("esc left %d rows, query %q", got, d.m.report.Query())
	}
	// Mail and names: a search by display name with capitals, and esc
	// from the box itself clears too.
	d.key("/")
	d.typeText("USER 0299")
	if d.m.report.Shown() != 1 {
		t.Fatalf("%d rows for USER 0299", d.m.report.Shown())
	}
	d.key("esc")
	if d.m.report.Shown() != 300 || d.m.report.Searching() {
		t.Fatal("esc in the box did not clear the search")
	}
	if w := writeCalls(c.Calls()); len(w) > 0 {
		t.Fatalf("writes: %v", w)
	}
}

// TestUsersEscClearsSearch: esc clears the users search (k9s), in the box
// and from the list.
func TestUsersEscClearsSearch(t *testing.T) {
	c := newStub(40)
	d := newDriver(t, c, nil)
	d.key("/")
	d.typeText("user 001")
	d.settle()
	if n := len(d.m.users.Items()); n != 10 {
		t.Fatalf("%d users for 'user 001'", n)
	}
	d.key("esc")
	d.settle()
	if n := len(d.m.users.Items()); n != 40 || d.m.users.Search.Value() != "" {
		t.Fatalf("esc in the box: %d users, query %q", n, d.m.users.Search.Value())
	}
	d.key("/")
	d.typeText("user 002")
	d.key("enter")
	d.settle()
	d.key("esc")
	d.settle()
	if n := len(d.m.users.Items()); n != 40 {
		t.Fatalf("esc on the list: %d users", n)
	}
}

// TestMarkAllSaysWhatWasLeft: A after a search whose matches are not all
// loaded says how many were not marked.
func TestMarkAllSaysWhatWasLeft(t *testing.T) {
	c := newStub(200)
	c.PageSize = 50
	d := newDriver(t, c, nil)
	d.key("/")
	d.typeText("user")
	d.key("enter")
	d.settle()
	d.key("A")
	if d.m.marks.Len() != 50 {
		t.Fatalf("%d marked", d.m.marks.Len())
	}
	d.mustSee("150 more matches not loaded, not marked")
}

// TestRangeSelect: V then moves, or shift+arrows, select a range; space
// marks it (and again unmarks it); esc cancels one.
func TestRangeSelect(t *testing.T) {
	c := newStub(30)
	d := newDriver(t, c, nil)
	d.key("V", "down", "down", "space")
	if d.m.marks.Len() != 3 {
		t.Fatalf("V down down space marked %d", d.m.marks.Len())
	}
	d.send(keyPress("shift+up"))
	d.send(keyPress("shift+up"))
	d.key("space")
	if d.m.marks.Len() != 0 {
		t.Fatalf("shift+up twice then space over three marked rows: %d marked, want 0 (all unmarked)", d.m.marks.Len())
	}
	d.key("V", "down", "esc", "space")
	if d.m.marks.Len() != 1 {
		t.Fatalf("after esc, space marks one row: %d", d.m.marks.Len())
	}
	// The report too.
	d.key("C", "v", "V", "down", "down", "down")
	d.mustSee("▌")
	d.key("space")
	if d.m.marks.Len() != 4 {
		t.Fatalf("report range: %d marked", d.m.marks.Len())
	}
	d.send(keyPress("shift+down"))
	d.key("space")
	if d.m.marks.Len() != 5 {
		t.Fatalf("report shift+down: %d marked", d.m.marks.Len())
	}
}
