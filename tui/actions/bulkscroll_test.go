package actions

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/stub"
)

// TestBulkResultsScrollAndOpen at 80x24 (the body the root gives it):
// every result row can be reached, and enter shows a row's whole failure
// reason, which the table cuts.
func TestBulkResultsScrollAndOpen(t *testing.T) {
	c := stub.New(40)
	c.Fail["RevokeSessions"] = "u39"
	b := NewBulkRun(t.Context(), 1, c, "Revoke", Op{Kind: Revoke}, c.Users, BulkConfig{Concurrency: 1},
		func(graph.User) (string, bool) { return "", false }, clock)
	b.SetSize(80, 21)
	runAll(t, b, b.Start())
	screen := func() string { return ansi.Strip(strings.Join(b.View(plain, 80, 21), "\n")) }
	b.Update(keyPress("g"))
	if !strings.Contains(screen(), "user0000@contoso.com") {
		t.Fatalf("top row not shown:\n%s", screen())
	}
	for i := 0; i < 60; i++ {
		b.Update(keyPress("down"))
	}
	if !strings.Contains(screen(), "user0039@contoso.com") {
		t.Fatalf("last row not reached:\n%s", screen())
	}
	r := b.Results()[len(b.Results())-1]
	if r.Status != Failed {
		t.Fatalf("last result %v", r.Status)
	}
	full := r.Detail
	if r.Err != nil {
		full = r.Err.Error()
	}
	tail := full[max(len(full)-20, 0):]
	if strings.Contains(strings.Join(strings.Fields(screen()), " "), strings.Join(strings.Fields(full), " ")) {
		t.Fatalf("test needs a reason the table cuts: %q", full)
	}
	b.Update(keyPress("enter"))
	got := strings.Join(strings.Fields(screen()), " ")
	if !strings.Contains(got, strings.Join(strings.Fields(tail), " ")) || !strings.Contains(got, "user0039@contoso.com") {
		t.Fatalf("enter did not show the whole reason %q:\n%s", full, screen())
	}
	b.Update(keyPress("esc"))
	if !strings.Contains(screen(), "Bulk: Revoke") {
		t.Fatalf("esc did not return to the results:\n%s", screen())
	}
}
