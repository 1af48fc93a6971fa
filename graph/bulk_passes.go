package graph

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Delivering the passes a bulk re-register issues.
//
// A pass's value exists once: in Graph's answer to the POST that created
// it. The runner hands it to BulkOptions.DeliverTAP (the CLI writes it to
// the file the technician named with --passes, fsynced) as soon as it is
// issued, and journals two facts, never the value:
//
//	{"ev":"step","do":"tap","result":"issued","tapId":"..."}
//	{"ev":"step","do":"deliver","result":"delivered","tapId":"..."}
//
// A pass issued and not delivered (the process was killed between the two,
// or the delivery failed) is one nobody can hand to its user. A resume
// lists them (BulkSummary.Undelivered) and, with ReissuePasses, issues
// each such user a new pass (Graph deletes the previous one when a new one
// is created: authentication-post-temporaryaccesspassmethods) and
// delivers it. A delivery that fails stops the run: it must not go on
// issuing passes it cannot deliver.

// ErrPassDelivery wraps a failed BulkOptions.DeliverTAP.
var ErrPassDelivery = errors.New("a Temporary Access Pass could not be delivered")

// stepDeliver is the journal's "do" for a delivered pass.
const stepDeliver = "deliver"

// PassDelivery is one pass to hand over.
type PassDelivery struct {
	User   string // the target as given
	UserID string
	TAP    TAP
}

// UndeliveredPass is a pass that was (or may have been) issued and whose
// value never reached anyone.
type UndeliveredPass struct {
	User   string
	UserID string
	// TAPID is the pass's method id ("" when the answer was lost: a pass
	// may exist, its id unknown).
	TAPID string
	// Issued is when it was issued (or attempted).
	Issued time.Time
}

// undelivered reports the user's pass that was issued (or may have been)
// and never delivered.
func (u *UserJournal) undelivered() (UndeliveredPass, bool) {
	p := UndeliveredPass{User: u.User, UserID: u.UserID}
	found := false
	for _, s := range u.Steps {
		switch {
		case s.Do == stepTAP && s.Result == "issued":
			p.TAPID, p.Issued, found = s.TAPID, s.Time, true
		case s.Do == stepDeliver && s.Result == "delivered":
			found = false
		}
	}
	if at, ok := u.Intents[stepTAP]; ok && u.Final != nil && u.Final.Event == evFailed && u.Final.Do == stepTAP {
		// An attempt whose answer never came, and the resume found a
		// pass created since ("its value was never shown"): a pass
		// exists that nobody has. (An attempt Graph refused outright,
		// e.g. for a guest, created none.)
		p.TAPID, p.Issued, found = "", at, true
	}
	return p, found
}

// Undelivered lists, in target order, the passes issued and never
// delivered.
func (st *JournalState) Undelivered() []UndeliveredPass {
	var out []UndeliveredPass
	for _, u := range st.Users {
		if p, ok := u.undelivered(); ok {
			out = append(out, p)
		}
	}
	return out
}

// deliver hands a freshly issued pass over and journals that it was.
// Without a DeliverTAP the pass goes with the user's final event only.
func (ur *userRun) deliver(tap TAP) error {
	r := ur.r
	if r.opts.DeliverTAP == nil {
		return nil
	}
	if err := r.opts.DeliverTAP(PassDelivery{User: ur.key, UserID: ur.id, TAP: tap}); err != nil {
		err = fmt.Errorf("%w (%s): %w", ErrPassDelivery, ur.key, err)
		r.stop(err)
		return err
	}
	return r.append(JournalEntry{Event: evStep, User: ur.key, UserID: ur.id, Do: stepDeliver,
		Result: "delivered", TAPID: tap.ID})
}

// stop ends the run with err (the first such error wins), after the
// requests on their way.
func (r *runner) stop(err error) {
	r.fatalOnce.Do(func() {
		r.sending.Lock()
		r.fatal = err
		r.cancel()
		r.sending.Unlock()
	})
}

// reissuePasses gives every user with an undelivered pass a new one and
// delivers it (a resume with ReissuePasses).
func (r *runner) reissuePasses(ctx context.Context) {
	if r.op.TAP == nil || r.opts.DeliverTAP == nil {
		return
	}
	st, err := r.j.state()
	if err != nil {
		r.stop(err)
		return
	}
	for _, p := range st.Undelivered() {
		if ctx.Err() != nil {
			return
		}
		u := st.User(p.User)
		ur := &userRun{r: r, u: &UserJournal{User: u.User, UserID: u.UserID, Intents: map[string]time.Time{}},
			key: u.User, id: u.UserID, deleted: map[string]bool{}}
		if ur.id == "" {
			continue // never resolved: no pass was issued
		}
		if o, ok := ur.issueTAP(ctx); !ok {
			why := "could not issue a new pass"
			if o != nil {
				why += ": " + o.why
			}
			r.emit(Event{Kind: EventStep, User: ur.key, UserID: ur.id, Why: why})
			continue
		}
		r.emit(Event{Kind: EventStep, User: ur.key, UserID: ur.id, Step: "issued a new Temporary Access Pass (the undelivered one is replaced)", TAP: ur.tap})
	}
}
