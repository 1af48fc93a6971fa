package actions

import (
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/stub"
)

// A large run's typed phrase and a required ticket: the ticket has the
// focus first (issue 10.10: ticket before phrase), enter moves to the
// phrase, tab moves between the two, the ticket may be pasted, and only
// ctrl+y with both runs.
func TestConfirmPhraseWithRequiredTicket(t *testing.T) {
	c, _ := NewConfirm(1, Op{Kind: Revoke}, Plan{Title: "Bulk", Targets: users(12), Phrase: "revoke 12"})
	c.AskTicket(true, "", nil)
	armed(c)
	if !c.ticket.Focused() {
		t.Fatal("the required ticket does not have the focus first")
	}
	c.Update(keyPress("enter")) // leave it empty: on to the phrase
	for _, r := range "revoke 12" {
		c.Update(keyPress(string(r)))
	}
	if ans, _ := c.Update(keyPress("ctrl+y")); ans != nil {
		t.Fatal("ran without the required ticket")
	}
	if !c.ticket.Focused() {
		t.Fatal("the refusal did not put the focus on the ticket")
	}
	c.Update(tea.PasteMsg{Content: " CHG-99 "})
	c.Update(keyPress("enter")) // back to the phrase
	if ans, _ := c.Update(keyPress("enter")); ans != nil {
		t.Fatal("enter ran it")
	}
	ans, _ := c.Update(keyPress("ctrl+y"))
	got, ok := ans.(ConfirmedMsg)
	if !ok || got.Op.Ticket != "CHG-99" || got.Op.Checklist != nil {
		t.Fatalf("answer %#v", ans)
	}
}

func TestConfirmChecklistTogglesAndQuitKeysWhileTyping(t *testing.T) {
	c, _ := NewConfirm(2, Op{Kind: Reset}, Plan{Title: "Reset", Targets: users(1)})
	c.AskTicket(false, "", []string{"a", "b", "c"})
	armed(c)
	c.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	// Typing into the field: q and n are letters, not cancel.
	for _, k := range []string{"q", "n", "y"} {
		if ans, _ := c.Update(keyPress(k)); ans != nil {
			t.Fatalf("%s answered while typing", k)
		}
	}
	c.Update(keyPress("enter"))
	for _, k := range []string{"1", "2", "3", "3", "ctrl+y"} { // 3 ticked twice: off
		if ans, _ := c.Update(keyPress(k)); ans != nil {
			t.Fatalf("%s answered with a line unticked", k)
		}
	}
	c.Update(keyPress("3"))
	c.Update(keyPress("9")) // no such line: ignored
	ans, _ := c.Update(keyPress("ctrl+y"))
	got, ok := ans.(ConfirmedMsg)
	if !ok || got.Op.Ticket != "qny" || len(got.Op.Checklist) != 3 {
		t.Fatalf("answer %#v", ans)
	}
}

// A stopped run with a journal says how to finish it from the shell.
func TestBulkStoppedSaysHowToResume(t *testing.T) {
	c := stub.New(20)
	gate := make(chan struct{})
	c.Gate["RevokeSessions"] = gate
	journal := filepath.Join(t.TempDir(), "run-revoke.jsonl")
	b := NewBulkRun(t.Context(), 1, c, "Revoke", Op{Kind: Revoke, Ticket: "CHG-3"}, c.Users, BulkConfig{Concurrency: 1, Journal: journal},
		func(graph.User) (string, bool) { return "", false }, clock)
	b.SetSize(200, 30)
	cmd := b.Start()
	if v := strings.Join(b.View(plain, 200, 30), "\n"); !strings.Contains(v, "Interrupted? Finish it with: mfadesk revoke --resume "+journal) {
		t.Fatalf("running view lacks the resume hint:\n%s", v)
	}
	b.Stop()
	close(gate)
	runAll(t, b, cmd)
	v := strings.Join(b.View(plain, 200, 30), "\n")
	if !strings.Contains(v, "Finish it with: mfadesk revoke --resume "+journal) || strings.Contains(v, "Interrupted?") {
		t.Fatalf("stopped view:\n%s", v)
	}
}
