package ops

import (
	"errors"

	"github.com/mfadesk/mfadesk/graph"
)

// Context is what decides whether an operation may be applied to a user
// now. Each front end fills it from what it knows; Available is the one
// rule ("is this allowed?") both use.
type Context struct {
	// ReadOnly refuses every write; ReadOnlyWhy says why ("--read-only").
	ReadOnly    bool
	ReadOnlyWhy string
	// Protected says whether u is on the configured protected list, and
	// why ("" when not). Nil: nobody is.
	Protected func(u graph.User) (why string)
	// Guard is the guard's answer for a change to userID, cached or asked
	// (nil: not known yet; the guard refuses again when the change is made).
	Guard func(kind graph.WriteKind, userID string) error
	// Operator is who is signed in; OperatorKnown whether it is (before
	// /me answers, permissions are not checked: the change is refused by
	// Graph if they are short, and the guard still runs).
	Operator      graph.Operator
	OperatorKnown bool
	// Target is what decides whether the operator's role may act on u
	// (nil: unknown, no target rule applied).
	Target func(u graph.User) *graph.TargetRoles
}

// Available says whether o may be applied to u now and, when not, why in
// words: read-only mode, a protected account, a missing permission or
// role, a guest, the operator's own account.
func (o Operation) Available(c Context, u graph.User) (bool, string) {
	if o.Writes() {
		if c.ReadOnly {
			why := "read-only mode"
			if c.ReadOnlyWhy != "" {
				why += " (" + c.ReadOnlyWhy + ")"
			}
			return false, why
		}
		// Mail to a protected user is not a change to their account.
		if o.Name != Notify && c.Protected != nil {
			if why := c.Protected(u); why != "" {
				return false, why
			}
		}
		if c.Guard != nil {
			for _, k := range o.Changes {
				if err := c.Guard(k, u.ID); err != nil &&
					(errors.Is(err, graph.ErrReadOnly) || errors.Is(err, graph.ErrProtected)) {
					if errors.Is(err, graph.ErrReadOnly) {
						return false, "read-only mode"
					}
					var ge *graph.Error
					if errors.As(err, &ge) && ge.Message != "" {
						return false, graph.CleanText(ge.Message)
					}
					return false, "a protected account"
				}
				if o.Name == Reregister {
					break // its TAP is optional: the guard is asked when it is chosen
				}
			}
		}
	}
	// Reads (the audit trail) are tried even when the token's roles look
	// short: roles activated later (PIM) are not in the token, and a
	// refused read only shows an error. Writes are never tried blind.
	if c.OperatorKnown && o.Writes() {
		var target *graph.TargetRoles
		if c.Target != nil {
			target = c.Target(u)
		}
		if ok, why := c.Operator.Allows(o.Action, target); !ok {
			return false, why
		}
	}
	if o.NotGuest != "" && u.IsGuest() {
		return false, o.NotGuest
	}
	if o.When != nil {
		if why := o.When(u); why != "" {
			return false, why
		}
	}
	if o.NotSelf && c.OperatorKnown && !c.Operator.IsApp && c.Operator.ID != "" && c.Operator.ID == u.ID {
		return false, "not on your own account (you would lose access in the middle of the session)"
	}
	return true, ""
}

// Item is one operation as a front end offers it on a user: its key and
// label, and whether it is available now (Why when not).
type Item struct {
	Operation
	OK  bool
	Why string
}

// Menu lists the operations of scope (One: the keys on the highlighted
// user; Bulk: the bulk menu), each with its availability on u (for Bulk,
// u is the zero User: only what holds for every target is checked). have
// false (no user highlighted) lists them all unavailable. The TUI
// generates its key bindings, action bar and help from it.
func Menu(scope Scope, c Context, u graph.User, have bool) []Item {
	var out []Item
	for _, o := range catalogue {
		if o.Scope&scope == 0 || (scope == Bulk && o.BulkKey == "") || (scope == One && o.Key == "") {
			continue
		}
		it := Item{Operation: o}
		switch {
		case scope == Bulk:
			it.OK = !(o.Writes() && c.ReadOnly)
			if !it.OK {
				it.Why = "read-only mode"
			}
		case have:
			it.OK, it.Why = o.Available(c, u)
		default:
			it.Why = "no user highlighted"
		}
		out = append(out, it)
	}
	return out
}

// ForKey returns the operation on key in scope (One: the user keys; Bulk:
// the bulk menu's keys).
func ForKey(scope Scope, key string) (Operation, bool) {
	for _, o := range catalogue {
		k := o.Key
		if scope == Bulk {
			k = o.BulkKey
		}
		if k != "" && k == key && o.Scope&scope != 0 {
			return o, true
		}
	}
	return Operation{}, false
}
