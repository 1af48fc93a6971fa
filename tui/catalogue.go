package tui

// catalogue.go: the TUI's side of the operation catalogue (graph/ops). The
// catalogue's one rule says whether an operation is available on a user;
// this file only tells it what the TUI knows (read-only mode, the
// protected list, the guard's cached answers, the operator and the
// target's roles).

import (
	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
)

// opsContext is what the catalogue needs to decide availability now.
func (m Model) opsContext() ops.Context {
	return ops.Context{
		ReadOnly: m.opts.ReadOnly, ReadOnlyWhy: m.opts.ReadOnlyWhy,
		Protected: func(u graph.User) string {
			if m.isProtected(u) {
				return m.opts.ProtectedWhy
			}
			return ""
		},
		Guard:    func(k graph.WriteKind, userID string) error { return m.guard[userID][k] },
		Operator: m.operator, OperatorKnown: m.operatorOK,
		Target: m.targetOf,
	}
}

// userMenu is the catalogue's operations on the highlighted user (key,
// label, availability), for key bindings, the action bar and help.
func (m Model) userMenu() []ops.Item {
	u, have := m.currentUser()
	items := ops.Menu(ops.One, m.opsContext(), u, have)
	for i := range items {
		if have && items[i].OK && m.inflight[inflightKey(items[i].Name, u.ID)] {
			items[i].OK, items[i].Why = false, "already running for this user"
		}
	}
	return items
}
