package tui

// allowed.go: the one answer to "may this change be made to this user
// now?": the catalogue's rule (ops.Operation.Available), told what the
// console knows. The action keys, the action bar, the plan's skipped
// targets, the risk lines and the bulk run's per-target check all ask it;
// only what it is told differs (the UI's cached guard answers and the
// user's roles, or, for a bulk worker, a fresh guard check and the
// report's row).

import (
	"errors"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
	"github.com/mfadesk/mfadesk/tui/actions"
)

// opsContext is what the catalogue needs to decide availability now. It
// holds copies, not the maps: a bulk run's workers use it off the UI
// goroutine (with their own Guard and Target).
func (m Model) opsContext() ops.Context {
	protected := append([]string(nil), m.opts.Protected...)
	why := m.opts.ProtectedWhy
	guard := m.guard
	return ops.Context{
		ReadOnly: m.opts.ReadOnly, ReadOnlyWhy: m.opts.ReadOnlyWhy,
		Protected: func(u graph.User) string {
			if isProtected(protected, u) {
				return why
			}
			return ""
		},
		Guard:    func(k graph.WriteKind, userID string) error { return guard[userID][k] },
		Operator: m.operator, OperatorKnown: m.operatorOK,
		Target: m.targetOf,
	}
}

// isProtected reports a target on the configured protected list.
func isProtected(list []string, u graph.User) bool {
	for _, p := range list {
		p = strings.TrimSpace(p)
		if p != "" && (strings.EqualFold(p, u.ID) || strings.EqualFold(p, u.UserPrincipalName)) {
			return true
		}
	}
	return false
}

// allowed is the catalogue's rule with what the console knows now, plus
// one thing only it knows: the same change already running for u.
func (m Model) allowed(kind actions.Kind, u graph.User) (bool, string) {
	if ok, why := ops.MustGet(kind).Available(m.opsContext(), u); !ok {
		return false, why
	}
	if m.inflight[inflightKey(kind, u.ID)] {
		return false, "already running for this user"
	}
	return true, ""
}

// guardRefusal keeps, of what the client's guard answered, the refusals
// (read-only, protected): a guard that could not answer (the network)
// does not grey an action out; the change itself is guarded again.
func guardRefusal(err error) error {
	if err != nil && (errors.Is(err, graph.ErrReadOnly) || errors.Is(err, graph.ErrProtected)) {
		return err
	}
	return nil
}

func inflightKey(k actions.Kind, id string) string { return string(k) + ":" + id }

// writeKind is the main change kind makes (the catalogue's), for the
// guard's pre-check.
func writeKind(k actions.Kind) graph.WriteKind { return k.Change() }

// regOf is the registration row known for u (report or detail pane).
func (m Model) regOf(u graph.User) *graph.Registration {
	if r := m.methods.Registration(); r != nil && m.methods.User() != nil && m.methods.User().ID == u.ID {
		return r
	}
	return m.regs[u.ID]
}

// targetOf is what decides whether the operator may act on u: the user's
// directory roles once the methods pane has read them, else the
// registration report's isAdmin (any admin: only the privileged roles).
func (m Model) targetOf(u graph.User) *graph.TargetRoles {
	if r := m.methods.TargetRoles(); r != nil && m.methods.User() != nil && m.methods.User().ID == u.ID {
		return r
	}
	return graph.TargetRolesFromRegistration(m.regOf(u))
}
