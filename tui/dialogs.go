package tui

// dialogs.go: one dialog at a time, each carrying its own continuation:
// what to run when it is confirmed, answered, or closed. A dialog that
// arrives while a fresh Temporary Access Pass is on screen waits until the
// pass is dismissed: the pass is shown once and must never be covered or
// lost.

import (
	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/tui/actions"
)

// answers is what a dialog's answers lead to; a nil field: that answer
// just closes it.
type answers struct {
	// confirmed runs a deliberate confirmation's change (actions.Confirm).
	confirmed func(m Model, op actions.Op) (tea.Model, tea.Cmd)
	// chosen acts on a menu's or result's key; the dialog stays open
	// unless it closes it (or opens the next).
	chosen func(m Model, v string) (tea.Model, tea.Cmd)
	// prompted acts on a prompt's text (the prompt is closed first).
	prompted func(m Model, v string) (tea.Model, tea.Cmd)
	// submitted acts on a method form's choice (the form is closed first).
	submitted func(m Model, c actions.FormChoice) (tea.Model, tea.Cmd)
	// closed runs after esc closed it.
	closed func(m Model) (tea.Model, tea.Cmd)
	// progress is the file a CSV lookup's progress dialog is about.
	progress string
}

// heldDialog is a dialog waiting for the pass on screen to be dismissed.
type heldDialog struct {
	id    int
	modal actions.Modal
	then  answers
}

// setModal shows md (its id already given to it), whose answers lead to
// then. While a pass is on screen, md waits behind it.
func (m *Model) setModal(id int, md actions.Modal, then answers) {
	if m.passShown() {
		if _, ok := md.(*actions.Confirm); ok {
			// Never held: its arm delay counts from when it was made. No
			// key reaches one while the pass is shown; this is the rule.
			m.flash, m.flashErr = "Dismiss the pass first (ctrl+d twice), then ask again.", true
			return
		}
		m.held = append(m.held, heldDialog{id: id, modal: md, then: then})
		return
	}
	if a, ok := m.modal.(*actions.AuditView); ok {
		a.Close()
	}
	m.modal, m.modalID, m.then = md, id, then
	if s, ok := md.(actions.Sizer); ok {
		s.SetSize(m.modalW(), m.modalH())
	}
}

// showHeld opens the next held dialog once nothing is open.
func (m *Model) showHeld() {
	if m.modal != nil || len(m.held) == 0 {
		return
	}
	d := m.held[0]
	m.held = m.held[1:]
	m.setModal(d.id, d.modal, d.then)
}

// toModal gives msg to the open dialog and acts on its answer at once, so
// the next key already meets the screen the answer leads to.
func (m Model) toModal(msg tea.Msg) (tea.Model, tea.Cmd) {
	ans, cmd := m.modal.Update(msg)
	if ans == nil {
		return m, cmd
	}
	nm, cmd2 := m.onModalAnswer(ans)
	return nm, tea.Batch(cmd, cmd2)
}

// onModalAnswer runs the open dialog's continuation for its answer.
func (m Model) onModalAnswer(msg tea.Msg) (tea.Model, tea.Cmd) {
	var id int
	switch x := msg.(type) {
	case actions.CloseMsg:
		id = x.ID
	case actions.ConfirmedMsg:
		id = x.ID
	case actions.ChoiceMsg:
		id = x.ID
	case actions.PromptMsg:
		id = x.ID
	case actions.FormMsg:
		id = x.ID
	}
	if id != m.modalID || m.modal == nil {
		return m, nil // an answer from a dialog no longer open
	}
	then := m.then
	switch x := msg.(type) {
	case actions.CloseMsg:
		m.closeModal()
		if then.closed != nil {
			return then.closed(m)
		}
	case actions.ConfirmedMsg:
		m.closeModal()
		if !x.Deliberate() {
			// Only a confirmation's ctrl+y after its arm delay runs a
			// change; nothing else may stand in for it.
			return m, m.setFlash("Not run: no confirmation.", true)
		}
		if then.confirmed != nil {
			return then.confirmed(m, x.Op)
		}
	case actions.ChoiceMsg:
		if then.chosen != nil {
			return then.chosen(m, x.Value)
		}
	case actions.PromptMsg:
		m.closeModal()
		if then.prompted != nil {
			return then.prompted(m, x.Value)
		}
	case actions.FormMsg:
		m.closeModal()
		if then.submitted != nil {
			return then.submitted(m, x.Choice)
		}
	}
	return m, nil
}

// toBulk gives msg to the bulk run's view; its close answer hides it (the
// run goes on).
func (m Model) toBulk(msg tea.Msg) (tea.Model, tea.Cmd) {
	ans, cmd := m.bulk.Update(msg)
	switch a := ans.(type) {
	case actions.CloseMsg:
		m.showBulk = false
	case actions.ChoiceMsg:
		if a.Value == actions.RetryChoice {
			nm, cmd2 := m.openRetryConfirm()
			return nm, tea.Batch(cmd, cmd2)
		}
	}
	return m, cmd
}

// info shows a read-only dialog.
func (m *Model) info(in *actions.Info, then answers) {
	id := m.newID()
	in.ID = id
	m.setModal(id, in, then)
}
