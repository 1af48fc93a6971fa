package tui

import (
	"testing"

	"github.com/mfadesk/mfadesk/tui/actions"
)

// TestRefreshEveryView: ctrl+r reloads in every view and pane (the report
// view used to panic: SetData dropped the rows before apply looked up the
// highlighted one), and keeps the marks.
func TestRefreshEveryView(t *testing.T) {
	c := newStub(30)
	d := newDriver(t, c, nil)
	d.key("space", "space") // two marks in the users pane
	views := []struct {
		name  string
		setup func()
		call  string
	}{
		{"users", func() { d.m.view, d.m.focus = viewMain, paneUsers }, "SearchUsers"},
		{"methods", func() { d.m.view, d.m.focus = viewMain, paneMethods }, "ListMethods"},
		{"signins", func() { d.m.view, d.m.focus = viewMain, paneSignIns }, "SignIns"},
		{"report", func() { d.m.view = viewReport; d.key("down", "down", "space") }, "Registrations"},
	}
	for _, v := range views {
		v.setup()
		before := c.CountCalls(v.call)
		marks := d.m.marks.Len()
		d.key("ctrl+r")
		d.settle()
		if got := c.CountCalls(v.call); got <= before {
			t.Errorf("%s: ctrl+r made no %s call", v.name, v.call)
		}
		if d.m.marks.Len() != marks || marks == 0 {
			t.Errorf("%s: marks %d before ctrl+r, %d after", v.name, marks, d.m.marks.Len())
		}
	}
	// The report is whole again, the highlighted row kept.
	d.m.view = viewReport
	d.key("down")
	want, _ := d.m.report.Selected()
	d.key("ctrl+r")
	d.settle()
	d.mustSee("30 of 30 users")
	if got, ok := d.m.report.Selected(); !ok || got.ID != want.ID {
		t.Errorf("highlighted %v after ctrl+r, want %s", got, want.ID)
	}
	if _, ok := d.m.modal.(*actions.Confirm); ok {
		t.Fatal("ctrl+r opened a confirmation")
	}
}
