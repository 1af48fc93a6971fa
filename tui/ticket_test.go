package tui

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph/history"
)

// With ticketRequired and a verification checklist configured, a reset
// runs only once both are given, and the history records them.
func TestResetNeedsTicketAndChecklist(t *testing.T) {
	c := newStub(3)
	path := filepath.Join(t.TempDir(), "history.jsonl")
	log, err := history.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = log.Close() })
	hc := history.Wrap(c, log, func(context.Context) history.Meta {
		return history.Meta{Operator: "op@contoso.com", Via: "tui", RequireTicket: true}
	})
	checklist := []string{"called back on the number in HR records", "caller's manager confirmed"}
	d := newDriver(t, hc, func(o *Options) {
		o.TicketRequired = true
		o.Checklist = checklist
	})
	d.key("r")
	d.mustSee("Ticket or reason (required")
	d.mustSee("[ ] 1 called back on the number in HR records")
	d.armNow()
	// The required field has the focus: y and n are typed, not answers.
	d.key("y", "n")
	if d.m.modal == nil || c.CountCalls("DeleteMethod") != 0 {
		t.Fatal("y/n answered while typing the ticket")
	}
	for range 2 {
		d.key("backspace")
	}
	d.key("enter", "ctrl+y") // empty ticket: refused, back to the field
	d.mustSee("A ticket number or reason is required")
	if c.CountCalls("DeleteMethod") != 0 {
		t.Fatal("ran without a ticket")
	}
	d.typeText("INC-4711")
	d.key("enter", "1", "ctrl+y") // one line not ticked
	d.mustSee("Tick every verification line first")
	if c.CountCalls("DeleteMethod") != 0 {
		t.Fatal("ran with a line not ticked")
	}
	d.mustSee("[x] 1 called back")
	d.key("2", "ctrl+y")
	d.settle()
	if n := c.CountCalls("DeleteMethod"); n != 2 {
		t.Fatalf("%d deletes, want 2: %v\n%s", n, c.Calls(), d.screen())
	}
	es, err := log.Read(history.Filter{})
	if err != nil || len(es) != 2 {
		t.Fatalf("history: %v %+v", err, es)
	}
	for _, e := range es {
		if e.Ticket != "INC-4711" || !slices.Equal(e.Checklist, checklist) || e.Result != history.ResultOK {
			t.Fatalf("entry %+v", e)
		}
	}

	// A follow-up for the same user offers the same ticket; the TAP also
	// asks for the checklist again.
	d.key("t")
	d.mustSee("> INC-4711")
	d.mustSee("[ ] 1 called back")
}

// Without configuration the ticket is optional and y runs at once; a
// ticket typed anyway is recorded.
func TestOptionalTicketRecorded(t *testing.T) {
	c := newStub(3)
	log, err := history.Open(filepath.Join(t.TempDir(), "history.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = log.Close() })
	hc := history.Wrap(c, log, func(context.Context) history.Meta { return history.Meta{Via: "tui"} })
	d := newDriver(t, hc, nil)
	d.key("o")
	d.mustSee("(optional)")
	d.armNow()
	d.key("tab")
	d.typeText("caller locked out, phoned in")
	d.key("enter", "ctrl+y")
	d.settle()
	es, _ := log.Read(history.Filter{})
	if len(es) != 1 || es[0].Ticket != "caller locked out, phoned in" || len(es[0].Checklist) != 0 {
		t.Fatalf("history: %+v", es)
	}
}

// A bulk run's ticket travels on the run's context into every change.
func TestBulkRunRecordsTicket(t *testing.T) {
	c := newStub(4)
	log, err := history.Open(filepath.Join(t.TempDir(), "history.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = log.Close() })
	hc := history.Wrap(c, log, func(context.Context) history.Meta {
		return history.Meta{Via: "tui", RequireTicket: true}
	})
	d := newDriver(t, hc, func(o *Options) {
		o.TicketRequired = true
		o.Checklist = []string{"not asked in bulk"}
	})
	d.key("space", "space", "b", "o")
	if strings.Contains(d.screen(), "not asked in bulk") {
		t.Fatal("a bulk run asked for the caller checklist")
	}
	d.armNow()
	d.typeText("CHG-5")
	d.key("enter", "ctrl+y")
	d.settle()
	es, _ := log.Read(history.Filter{})
	if len(es) != 2 {
		t.Fatalf("history: %+v\n%s", es, d.screen())
	}
	for _, e := range es {
		if e.Ticket != "CHG-5" || e.Result != history.ResultOK {
			t.Fatalf("entry %+v", e)
		}
	}
}
