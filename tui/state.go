package tui

// state.go: the root's small states. Each is a struct of its own, embedded
// in Model, with the methods that only need it.

import (
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/actions"
)

// operatorState is who is signed in (Graph's /me), once known.
type operatorState struct {
	operator    graph.Operator
	operatorErr error
	operatorOK  bool
}

// adminsCache is the users the directory says hold a role, asked before a
// bulk plan (risks.go): when, and why not.
type adminsCache struct {
	admins    map[string]bool
	adminsAt  time.Time
	adminsErr error
}

// dialogs is the one open dialog, what its answers lead to (dialogs.go),
// and the dialogs waiting for a pass on screen to be dismissed.
type dialogs struct {
	modal   actions.Modal
	modalID int
	then    answers
	held    []heldDialog
	nextID  int
}

func (d *dialogs) newID() int {
	d.nextID++
	return d.nextID
}

// passShown reports a fresh TAP or password on screen.
func (d dialogs) passShown() bool {
	switch d.modal.(type) {
	case *actions.TAPView, *actions.PasswordView:
		return true
	}
	return false
}

func (d *dialogs) closeModal() {
	if a, ok := d.modal.(*actions.AuditView); ok {
		a.Close()
	}
	d.modal, d.then = nil, answers{}
}

// changeMemory is what was done here, per user: the ticket given (offered
// again for a follow-up), the last reset, re-registration or TAP (what a
// notification mail tells them), and the changes in flight (a second
// press refuses instead of sending twice).
type changeMemory struct {
	tickets  map[string]string
	changes  map[string]userChange
	inflight map[string]bool
}

// flashState is the footer's note and whether it is an error; seq ties
// the timer that clears it to the note it was set for.
type flashState struct {
	flash    string
	flashErr bool
	flashSeq int
}

// throttleState lights the top line while Graph throttles (throttle.go).
type throttleState struct {
	throttled   bool
	throttleSeq int
}

// signInState is the device code dialog (nil when no sign-in waits).
type signInState struct {
	signIn    *signInBox
	signInSeq int
}
