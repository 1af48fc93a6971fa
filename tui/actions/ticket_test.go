package actions

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// A large run's typed phrase and a required ticket: tab moves between the
// two fields, the ticket may be pasted, and enter runs only with both.
func TestConfirmPhraseWithRequiredTicket(t *testing.T) {
	c, _ := NewConfirm(1, Op{Kind: Revoke}, Plan{Title: "Bulk", Targets: users(12), Phrase: "revoke 12"})
	c.AskTicket(true, "", nil)
	armed(c)
	for _, r := range "revoke 12" {
		c.Update(keyPress(string(r)))
	}
	if ans, _ := c.Update(keyPress("enter")); ans != nil {
		t.Fatal("ran without the required ticket")
	}
	c.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	c.Update(tea.PasteMsg{Content: " CHG-99 "})
	c.Update(keyPress("enter")) // back to the phrase
	ans, _ := c.Update(keyPress("enter"))
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
	for _, k := range []string{"1", "2", "3", "3", "y"} { // 3 ticked twice: off
		if ans, _ := c.Update(keyPress(k)); ans != nil {
			t.Fatalf("%s answered with a line unticked", k)
		}
	}
	c.Update(keyPress("3"))
	c.Update(keyPress("9")) // no such line: ignored
	ans, _ := c.Update(keyPress("y"))
	got, ok := ans.(ConfirmedMsg)
	if !ok || got.Op.Ticket != "qny" || len(got.Op.Checklist) != 3 {
		t.Fatalf("answer %#v", ans)
	}
}
