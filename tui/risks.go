package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/actions"
	"github.com/mfadesk/mfadesk/tui/internal/explain"
)

// Plans name risky targets (graph.AssessRisks): yourself, admins, guests,
// disabled and protected accounts, by group with counts and names, as the
// command line's plans do. Changing your own account takes an extra line in
// the confirmation's checklist that must be ticked.

// adminsFresh is how long a list of admins is used before it is asked again.
const adminsFresh = 10 * time.Minute

type adminsMsg struct {
	Op     actions.Op
	Admins map[string]bool
	Err    error
}

// fetchAdmins asks which users are admins before a bulk plan, unless that
// is known from the last adminsFresh (or was refused then).
func (m Model) fetchAdmins(op actions.Op) tea.Cmd {
	if !op.Kind.Writes() || op.Kind == actions.Notify || m.client == nil ||
		(!m.adminsAt.IsZero() && m.now().Sub(m.adminsAt) < adminsFresh) {
		return nil
	}
	c, ctx := m.client, m.ctx
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		a, err := graph.ListAdmins(ctx, c)
		return adminsMsg{Op: op, Admins: a, Err: err}
	}
}

func (m Model) onAdmins(msg adminsMsg) (tea.Model, tea.Cmd) {
	m.admins, m.adminsErr, m.adminsAt = msg.Admins, msg.Err, m.now()
	m.flash = "" // "Checking the marked users…"
	if m.modal != nil {
		return m, nil // the technician moved on
	}
	return m.openBulkConfirm(msg.Op)
}

// targetRisks sorts targets into risk groups from what the app knows: the
// operator, the admins list (else each user's roles or registration row),
// the users' type and state, and the guard rails.
func (m Model) targetRisks(kind actions.Kind, targets []graph.User) graph.Risks {
	f := graph.RiskFacts{Admins: map[string]bool{}}
	if m.operatorOK {
		op := m.operator
		f.Operator = &op
	}
	f.Protected = func(u graph.User) bool {
		ok, why := m.allowed(kind, u)
		return !ok && (isProtected(m.opts.Protected, u) || strings.Contains(why, "protected"))
	}
	unknown := 0
	for _, u := range targets {
		id := strings.ToLower(u.ID)
		tr := m.targetOf(u)
		switch {
		case tr != nil && tr.Admin, m.admins[id]:
			f.Admins[id] = true
		case tr == nil && m.admins == nil:
			unknown++
		}
	}
	r := graph.AssessRisks(m.ctx, nil, targets, f)
	if !m.operatorOK {
		why := "not known yet"
		if m.operatorErr != nil {
			why = explain.Short(m.operatorErr)
		}
		r.Unchecked = append(r.Unchecked, "whether you are among the targets ("+why+")")
	}
	if unknown > 0 {
		why := "the registration report is not loaded"
		if m.adminsErr != nil {
			why = explain.Short(m.adminsErr)
		}
		are := fmt.Sprintf("%d targets are", unknown)
		if unknown == 1 {
			are = "1 target is"
		}
		r.Unchecked = append(r.Unchecked, fmt.Sprintf("whether %s admins (%s); treat them as possibly admins", are, why))
	}
	return r
}

// selfAck adds, when the targets include the signed-in operator, a line to
// the confirmation's checklist that must be ticked before it runs.
func (m Model) selfAck(kind actions.Kind, targets []graph.User, checklist []string) []string {
	if !kind.Writes() || kind == actions.Notify {
		return checklist
	}
	r := m.targetRisks(kind, targets)
	if !r.Has(graph.RiskSelf) {
		return checklist
	}
	me := graph.CleanText(r.Users(graph.RiskSelf)[0].UserPrincipalName)
	return append(append([]string(nil), checklist...),
		"I mean to change my own account ("+me+") too: I may lose my own way to sign in")
}
