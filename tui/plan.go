package tui

// plan.go: the plan a confirmation shows, from what the console knows.

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
	"github.com/mfadesk/mfadesk/tui/actions"
	"github.com/mfadesk/mfadesk/tui/methods"
	"github.com/mfadesk/mfadesk/tui/report"
)

// planFor describes op on targets for the confirmation.
func (m Model) planFor(op actions.Op, targets []graph.User) actions.Plan {
	p := actions.Plan{Title: op.Kind.Label(), Targets: targets}
	single := len(targets) == 1
	var shown []graph.Method
	if single && m.methods.User() != nil && m.methods.User().ID == targets[0].ID && m.methods.Loaded() {
		shown = m.methods.Methods()
	}
	if o, ok := ops.Get(op.Kind); ok && o.Plan != nil {
		// The catalogue's plan, the same words as the command line's.
		pl := o.Plan(targets)
		p.Ops, p.Keeps, p.Warnings = pl.Steps, pl.Keeps, pl.Warnings
	}
	switch op.Kind {
	case actions.Reset, actions.Reregister:
		// The catalogue's words, the same steps the command line prints
		// (ops.ResetPlanText, from graph.PlanReset when the methods are
		// shown, in general otherwise).
		spec := ops.ResetSpec{Reregister: op.Kind == actions.Reregister, Keep: op.Keep}
		if spec.Reregister && op.WithTAP {
			t := op.TAP
			spec.TAP = &t
		}
		pl := ops.ResetPlanText(shown, spec)
		p.Ops, p.Keeps = pl.Steps, pl.Keeps
		p.Warnings = append(p.Warnings, pl.Warnings...)
		if shown == nil && !single && !spec.Reregister {
			p.Ops = append(p.Ops, m.methodCensus(targets)...)
		}
	case actions.Revoke:
		p.Ops = []string{"revoke every refresh token and session cookie: the user signs in again everywhere"}
		p.Keeps = []string{"all methods"}
		for _, u := range targets {
			if u.IsGuest() {
				p.Warnings = append(p.Warnings, "Revoking does nothing for guests (their home tenant issues their sessions).")
				break
			}
		}
	case actions.DeleteMethod:
		p.Ops = []string{"delete " + actions.MethodLabel(op.Method)}
		if op.Method.IsDefault && len(shown) > 2 {
			p.Warnings = append(p.Warnings, "This is the default method: Graph refuses to delete it while other methods exist.")
		}
		if op.Method.Kind == graph.KindWindowsHello {
			p.Warnings = append(p.Warnings, "Deleting Windows Hello needs an MFA claim in your own sign-in.")
		}
	case actions.SetDefault, actions.AddPhone, actions.AddEmail:
		// The catalogue's plans from the user's methods (graph/ops/methods.go):
		// the command line prints the same words.
		var pl ops.Plan
		var err error
		switch op.Kind {
		case actions.SetDefault:
			pl, _, err = ops.PlanSetDefault(op.Method, op.Preference, "", m.systemPreferredOn())
		case actions.AddPhone:
			pl, _, err = ops.PlanPhone(shown, op.PhoneType, op.Number)
		default:
			pl, _, err = ops.PlanEmail(shown, op.Email)
		}
		p.Ops, p.Keeps, p.Warnings = pl.Steps, pl.Keeps, pl.Warnings
		if err != nil {
			p.Warnings = append(p.Warnings, err.Error())
		}
	case actions.IssueTAP:
		p.Ops = actions.TAPOps(op.TAP)
		for _, x := range shown {
			if x.Kind == graph.KindTAP {
				p.Warnings = append(p.Warnings, "The user already has a pass ("+methods.Detail(x, m.now(), m.loc)+"): the new one replaces it.")
			}
		}
	case actions.SetMFA:
		from := string(m.methods.PerUserState())
		if !single || from == "" {
			from = "its current state"
		}
		p.Ops = []string{fmt.Sprintf("set per-user MFA from %s to %s", from, op.State)}
		if op.State == graph.PerUserMFAEnforced {
			p.Warnings = append(p.Warnings, "Enforced: legacy clients that cannot do MFA stop working.")
		}
	case actions.Notify:
		p.Ops = []string{"send this mail to " + strings.Join(op.Mail.To, ", ")}
		if op.MailToManager && len(targets) > 0 {
			p.Ops = []string{"send this mail to the manager of " + graph.CleanText(targets[0].UserPrincipalName) +
				" (looked up when sending; no manager: no mail)"}
		}
		from := op.Mail.From
		if from == "" {
			from = "your own mailbox"
		}
		p.Ops = append(p.Ops, "from "+from, "subject: "+op.Mail.Subject)
		p.PreviewTitle = "Message"
		p.Preview = strings.Split(strings.TrimRight(op.Mail.Body, "\n"), "\n")
	}
	if l := m.mailPlan(op, targets); l != "" {
		p.Ops = append(p.Ops, l)
	}
	// Risky targets (yourself, admins, guests, disabled, protected) first.
	if op.Kind.Writes() && op.Kind != actions.Notify {
		p.Warnings = append(m.targetRisks(op.Kind, targets).Lines(actions.MaxListed), p.Warnings...)
	}
	// Targets that cannot be changed are listed, not silently dropped.
	var ok []graph.User
	for _, u := range targets {
		if allowed, why := m.allowed(op.Kind, u); !allowed && !single {
			p.Skips = append(p.Skips, actions.Skip{User: u, Why: why})
			continue
		}
		ok = append(ok, u)
	}
	if !single {
		p.Targets = ok
		if len(ok) > m.opts.BulkConfirmThreshold {
			p.Phrase = fmt.Sprintf("%s %d", op.Kind, len(ok))
		}
	}
	return p
}

// methodCensus summarises which methods the targets have registered, from
// the registration report (no extra Graph calls for a preview).
func (m Model) methodCensus(targets []graph.User) []string {
	count := map[string]int{}
	unknown := 0
	for _, u := range targets {
		r := m.regs[u.ID]
		if r == nil {
			unknown++
			continue
		}
		for _, x := range r.MethodsRegistered {
			count[report.MethodShort(graph.CleanText(x))]++
		}
	}
	if len(count) == 0 && unknown == 0 {
		return nil
	}
	type kv struct {
		k string
		n int
	}
	var kvs []kv
	for k, n := range count {
		kvs = append(kvs, kv{k, n})
	}
	sort.Slice(kvs, func(i, j int) bool {
		if kvs[i].n != kvs[j].n {
			return kvs[i].n > kvs[j].n
		}
		return kvs[i].k < kvs[j].k
	})
	var parts []string
	for _, x := range kvs {
		parts = append(parts, fmt.Sprintf("%s ×%d", x.k, x.n))
	}
	s := "registered among them (report): " + strings.Join(parts, ", ")
	if unknown > 0 {
		s += fmt.Sprintf("; %d not in the report yet", unknown)
	}
	return []string{s}
}
