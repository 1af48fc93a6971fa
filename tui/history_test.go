package tui

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/history"
)

// H lists the last 50 changes of the history, newest first, with time,
// operator, ticket, target, operation and result; a change made in the
// app shows up in it.
func TestLastActionsView(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.jsonl")
	log, err := history.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = log.Close() })
	for i := range 60 {
		if err := log.Append(history.Entry{Time: fixedNow.Add(time.Duration(i-100) * time.Minute),
			Operator: "amy@contoso.com", Ticket: fmt.Sprint("T-", i), UPN: fmt.Sprintf("u%02d@contoso.com", i),
			Op: graph.WriteRevokeSessions, Detail: "revoke sign-in sessions", Result: history.ResultOK}); err != nil {
			t.Fatal(err)
		}
	}
	c := newStub(3)
	hc := history.Wrap(c, log, func(context.Context) history.Meta {
		return history.Meta{Operator: "bob@contoso.com", Via: "tui"}
	})
	d := newDriver(t, hc, func(o *Options) { o.HistoryPath = path })
	d.send(keyMsg("?"))
	d.mustSee("last actions")
	d.key("esc")

	// A refused change is listed too (protected user: here, read-only).
	d.key("o")
	d.armNow()
	d.key("tab")
	d.typeText("INC-1 \x1b[31mred")
	d.key("enter", "ctrl+y")
	d.settle()
	d.key("esc")

	d.key("H")
	d.settle()
	d.mustSee("Last actions (newest first, 50)")
	s := d.screen()
	lines := strings.Split(s, "\n")
	var rows []string
	for _, l := range lines {
		if rowRE.MatchString(l) {
			rows = append(rows, l)
		}
	}
	if len(rows) < 2 {
		t.Fatalf("no rows:\n%s", s)
	}
	// Newest first: the app's revoke, then entry 59.
	for _, want := range []string{"user0000@contoso.com", "INC-1", "bob@contoso.com", "✓"} {
		if !strings.Contains(rows[0], want) {
			t.Fatalf("first row %q lacks %q:\n%s", rows[0], want, s)
		}
	}
	for _, want := range []string{"u59@contoso.com", "T-59", "amy@contoso.com", "revoke sign-in"} {
		if !strings.Contains(rows[1], want) {
			t.Fatalf("second row %q lacks %q", rows[1], want)
		}
	}
	if strings.Contains(s, "\x1b[31m") {
		t.Fatal("escape sequence drawn")
	}
	// Scrolls to the oldest of the last 50 (entry 11) and no further.
	for range 60 {
		d.key("down")
	}
	d.mustSee("u11@contoso.com")
	if strings.Contains(d.screen(), "u10@contoso.com") {
		t.Fatal("more than the last 50 listed")
	}
	d.key("esc")
	if d.m.modal != nil {
		t.Fatal("esc did not close")
	}
}

var rowRE = regexp.MustCompile(`[A-Z][a-z]{2} \d\d \d\d:\d\d [✓✗–] `)

func TestLastActionsDemoNotRecorded(t *testing.T) {
	d := newDriver(t, newStub(2), nil)
	d.key("H")
	d.mustSee("Changes made on the demo tenant are not recorded.")
}
