package tui

// act.go: how a key becomes a change. Every write goes: allowed? -> a
// confirmation listing exact targets and operations -> (once) a command
// under the console's context -> a result per target -> the panes refresh.

import (
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
	"github.com/mfadesk/mfadesk/tui/actions"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
	"github.com/mfadesk/mfadesk/tui/internal/explain"
)

type (
	resultMsg struct {
		ID     int
		Result actions.Result
	}
	exportedMsg struct {
		Path string
		Err  error
	}
)

// startAction opens the dialog for kind on the current user.
func (m Model) startAction(kind actions.Kind) (tea.Model, tea.Cmd) {
	u, ok := m.currentUser()
	if !ok {
		return m, m.setFlash("No user highlighted.", false)
	}
	if ok, why := m.allowed(kind, u); !ok {
		return m, m.setFlash(kind.Label()+" unavailable: "+why+".", true)
	}
	op := actions.Op{Kind: kind, Keep: m.opts.KeepKinds}
	switch kind {
	case actions.Audit:
		id := m.newID()
		v, cmd := actions.NewAuditView(m.ctx, id, m.client, u, m.now().AddDate(0, 0, -30), m.loc)
		m.setModal(id, v, answers{})
		return m, cmd
	case actions.SetMFA:
		return m.openMFAMenu(u)
	case actions.DeleteMethod:
		meth, ok := m.methods.Selected()
		if !ok || !m.methods.Loaded() {
			return m, m.setFlash("No method highlighted.", false)
		}
		if !meth.Deletable() {
			return m, m.setFlash(actions.MethodLabel(meth)+" cannot be deleted (Graph offers no delete for it).", true)
		}
		if why := graph.DeleteRefusal(m.methods.Methods(), meth); why != "" {
			return m, m.setFlash(actions.MethodLabel(meth)+": "+why+".", true)
		}
		op.Method = meth
	case actions.SetDefault:
		meth, ok := m.methods.Selected()
		if !ok || !m.methods.Loaded() {
			return m, m.setFlash("No method highlighted.", false)
		}
		_, pref, err := ops.PlanSetDefault(meth, "", "", m.systemPreferredOn())
		if err != nil {
			return m, m.setFlash(err.Error()+".", true)
		}
		op.Method, op.Preference = meth, pref
	case actions.AddPhone:
		return m.openMethodForm(u)
	}
	return m.openOp(op, u)
}

// systemPreferredOn reports system-preferred MFA on for the user shown
// (their default is then ignored), from the methods or the report's row.
func (m Model) systemPreferredOn() bool {
	for _, x := range m.methods.Methods() {
		if x.SystemPreferred {
			return true
		}
	}
	r := m.methods.Registration()
	return r != nil && r.IsSystemPreferredAuthenticationMethodEnabled
}

// openMethodForm asks which phone (or the email method) to add for u and
// its number, then shows the plan. The form's text stays in the form: the
// plan opens disarmed and only ctrl+y runs it.
func (m Model) openMethodForm(u graph.User) (tea.Model, tea.Cmd) {
	if !m.methods.Loaded() || m.methods.User() == nil || m.methods.User().ID != u.ID {
		return m, m.setFlash("The user's methods are still loading: + works once they are shown.", false)
	}
	ms := append([]graph.Method(nil), m.methods.Methods()...)
	id := m.newID()
	f := actions.NewMethodForm(id, "Add a method: "+graph.CleanText(firstNonBlank(u.DisplayName, u.UserPrincipalName)), ms)
	f.Check = func(c actions.FormChoice) error {
		_, err := methodFormOp(ms, c)
		return err
	}
	m.setModal(id, f, answers{submitted: func(m Model, c actions.FormChoice) (tea.Model, tea.Cmd) {
		op, err := methodFormOp(ms, c)
		if err != nil {
			return m, m.setFlash(err.Error(), true)
		}
		if ok, why := m.allowed(op.Kind, u); !ok {
			return m, m.setFlash(op.Kind.Label()+" unavailable: "+why+".", true)
		}
		return m.openConfirm(op, []graph.User{u})
	}})
	return m, nil
}

// methodFormOp is the operation a form's choice asks for, refused as the
// catalogue's plan refuses it.
func methodFormOp(ms []graph.Method, c actions.FormChoice) (actions.Op, error) {
	if c.IsEmail() {
		_, old, err := ops.PlanEmail(ms, c.Value)
		return actions.Op{Kind: actions.AddEmail, Email: c.Value, Replaces: old}, err
	}
	t := graph.PhoneType(c.Type)
	_, old, err := ops.PlanPhone(ms, t, c.Value)
	return actions.Op{Kind: actions.AddPhone, PhoneType: t, Number: c.Value, Replaces: old}, err
}

// openOp fills what op needs from the session (the TAP default, the mail)
// and opens its confirmation for u.
func (m Model) openOp(op actions.Op, u graph.User) (tea.Model, tea.Cmd) {
	switch op.Kind {
	case actions.IssueTAP, actions.Reregister:
		op.TAP = actions.DefaultTAP()
	case actions.Notify:
		mail, err := m.notifyMail(u, m.tickets[u.ID])
		if err != nil {
			return m, m.setFlash("No mail: "+err.Error(), true)
		}
		op.Mail = mail
		op.MailToManager = m.opts.NotifyToManager
	}
	return m.openConfirm(op, []graph.User{u})
}

func (m Model) openConfirm(op actions.Op, targets []graph.User) (tea.Model, tea.Cmd) {
	id := m.newID()
	plan := m.planFor(op, targets)
	c, arm := actions.NewConfirmClock(id, op, plan, m.opts.Clock)
	checklist := m.checklistFor(op)
	prefill := ""
	if len(targets) == 1 {
		prefill = m.tickets[targets[0].ID]
	}
	c.AskTicket(m.opts.TicketRequired, prefill, m.selfAck(op.Kind, targets, checklist))
	switch op.Kind {
	case actions.IssueTAP:
		c.OptionsHelp = []actions.KeyHelp{{Key: "←→", Desc: "lifetime"}, {Key: "o", Desc: "one-time"}}
		c.Options = m.tapOptions(targets)
	case actions.Notify:
		// The mail names the ticket: shown again as typed, so what is
		// sent is what was read.
		u := targets[0]
		c.Reticket = func(op *actions.Op, ticket string) (actions.Plan, bool) {
			mail, err := m.notifyMail(u, ticket)
			if err != nil {
				return actions.Plan{}, false
			}
			op.Mail = mail
			return m.planFor(*op, targets), true
		}
	case actions.SetDefault:
		if len(graph.Preferences(op.Method)) > 1 {
			desc := "text / call"
			if op.Method.Kind == graph.KindAuthenticator {
				desc = "push / code"
			}
			c.OptionsHelp = []actions.KeyHelp{{Key: "v", Desc: desc}}
			c.Options = func(op *actions.Op, key string) (actions.Plan, bool) {
				if key != "v" {
					return actions.Plan{}, false
				}
				prefs := graph.Preferences(op.Method)
				if op.Preference == prefs[0] {
					op.Preference = prefs[1]
				} else {
					op.Preference = prefs[0]
				}
				return m.planFor(*op, targets), true
			}
		}
	case actions.Reregister:
		if len(targets) == 1 && !targets[0].IsGuest() {
			c.OptionsHelp = []actions.KeyHelp{{Key: "t", Desc: "also issue a TAP"}}
			c.Options = m.reregisterOptions(targets)
		}
	}
	u := targets[0]
	m.setModal(id, c, answers{confirmed: func(m Model, op actions.Op) (tea.Model, tea.Cmd) { return m.runOne(op, u) }})
	return m, arm
}

func (m Model) tapOptions(targets []graph.User) func(*actions.Op, string) (actions.Plan, bool) {
	return func(op *actions.Op, key string) (actions.Plan, bool) {
		i := 0
		for j, l := range actions.TAPLifetimes {
			if l == op.TAP.LifetimeMinutes {
				i = j
			}
		}
		switch key {
		case "right", "l", "+":
			op.TAP.LifetimeMinutes = actions.TAPLifetimes[min(i+1, len(actions.TAPLifetimes)-1)]
		case "left", "h", "-":
			op.TAP.LifetimeMinutes = actions.TAPLifetimes[max(i-1, 0)]
		case "o":
			// From the policy's default to an explicit choice: one-time first.
			op.TAP.IsUsableOnce = op.TAP.DefaultUse || !op.TAP.IsUsableOnce
			op.TAP.DefaultUse = false
		default:
			return actions.Plan{}, false
		}
		return m.planFor(*op, targets), true
	}
}

func (m Model) reregisterOptions(targets []graph.User) func(*actions.Op, string) (actions.Plan, bool) {
	return func(op *actions.Op, key string) (actions.Plan, bool) {
		if key != "t" {
			return actions.Plan{}, false
		}
		op.WithTAP = !op.WithTAP
		return m.planFor(*op, targets), true
	}
}

func (m Model) openMFAMenu(u graph.User) (tea.Model, tea.Cmd) {
	cur := graph.PerUserMFAState("")
	if m.methods.User() != nil && m.methods.User().ID == u.ID {
		cur = m.methods.PerUserState()
	}
	menu := &actions.Menu{Title: "Per-user MFA: " + graph.CleanText(u.DisplayName),
		Intro: []string{"Legacy per-user MFA. Conditional Access is the modern way; use this when a tenant still relies on it."}}
	for i, s := range actions.PerUserStates {
		menu.Items = append(menu.Items, actions.MenuItem{Key: fmt.Sprint(i + 1), Label: string(s), Current: s == cur})
	}
	menu.Start()
	id := m.newID()
	menu.ID = id
	m.setModal(id, menu, answers{chosen: func(m Model, v string) (tea.Model, tea.Cmd) {
		return m.openConfirm(actions.Op{Kind: actions.SetMFA, State: actions.PerUserStates[v[0]-'1']}, []graph.User{u})
	}})
	return m, nil
}

// followUp is a result's offer, for u: t issues a TAP, n mails them, o
// revokes their sessions.
func followUp(u graph.User) func(m Model, v string) (tea.Model, tea.Cmd) {
	return func(m Model, v string) (tea.Model, tea.Cmd) {
		m.closeModal()
		switch v {
		case "t":
			return m.startActionFor(actions.IssueTAP, u)
		case "n":
			return m.startActionFor(actions.Notify, u)
		case "o":
			return m.startActionFor(actions.Revoke, u)
		}
		return m, nil
	}
}

// startActionFor is startAction for a given user (after a reset: TAP, mail).
func (m Model) startActionFor(kind actions.Kind, u graph.User) (tea.Model, tea.Cmd) {
	if ok, why := m.allowed(kind, u); !ok {
		return m, m.setFlash(kind.Label()+" unavailable: "+why+".", true)
	}
	return m.openOp(actions.Op{Kind: kind, Keep: m.opts.KeepKinds}, u)
}

// notifyMail builds the notification for u from the profile's templates
// about the last change made to u here (the catalogue's rule: only a user
// something was done to is mailed, with that kind's subject).
func (m Model) notifyMail(u graph.User, ticket string) (graph.Mail, error) {
	ch, ok := m.changes[u.ID]
	if !ok {
		return graph.Mail{}, fmt.Errorf("nothing was done to %s here; n mails a user after a reset, re-registration or TAP",
			graph.CleanText(firstNonBlank(u.DisplayName, u.UserPrincipalName)))
	}
	n := m.notifier()
	to := ""
	if !n.ToManager {
		o := n.Recipient(m.ctx, nil, u)
		if o.Err != nil {
			return graph.Mail{}, o.Err
		}
		to = o.To
	}
	return n.Mail(m.ctx, nil, u, ch.kind, to, ticket, ch.tap, ch.at)
}

// userChange is the last change made to a user here, for the notification.
type userChange struct {
	kind graph.NotifyKind
	at   time.Time
	tap  *graph.TAP // lifetime and expiry only: Value is never kept
}

// runOne runs a confirmed single-user action. The in-flight mark makes a
// second press refuse instead of sending it twice.
func (m Model) runOne(op actions.Op, u graph.User) (tea.Model, tea.Cmd) {
	k := inflightKey(op.Kind, u.ID)
	if m.inflight[k] {
		return m, m.setFlash(op.Kind.Label()+" is already running for "+graph.CleanText(u.DisplayName)+".", true)
	}
	m.inflight[k] = true
	if op.Ticket != "" {
		m.tickets[u.ID] = op.Ticket
	}
	id := m.newID()
	c, now, ctx, n := m.client, m.now, m.ctx, m.autoNotify(op)
	flash := m.setFlash(op.Kind.Label()+": working on "+graph.CleanText(u.DisplayName)+"…", false)
	return m, tea.Batch(flash, func() tea.Msg {
		ctx := graph.WithPriority(ctx, graph.PriorityHigh)
		r := actions.Execute(ctx, c, u, op, now)
		notifyAfter(ctx, c, n, op, &r)
		return resultMsg{ID: id, Result: r}
	})
}

// onResult shows a single action's result and refreshes what it changed.
func (m Model) onResult(msg resultMsg) (tea.Model, tea.Cmd) {
	r := msg.Result
	delete(m.inflight, inflightKey(r.Kind, r.Target.ID))
	m.flash = "" // the "working on…" note is answered
	var cmds []tea.Cmd
	if errors.Is(r.Err, graph.ErrThrottled) {
		cmds = append(cmds, m.throttledFor(retryAfter(r.Err)))
	}
	if m.methods.User() != nil && m.methods.User().ID == r.Target.ID && r.Kind != actions.Notify {
		cmds = append(cmds, m.methods.Reload())
	}
	name := graph.CleanText(r.Target.DisplayName)
	if r.Status != actions.Done {
		what, todo := explain.Err(r.Kind.Label()+" for "+name, r.Err)
		lines := append(draw.Wrap(what, 64), draw.Wrap(todo, 64)...)
		if len(r.Outcomes) > 0 {
			lines = append(append(lines, "", "Per method:"), outcomeLines(r.Outcomes)...)
		}
		info := &actions.Info{Title: r.Kind.Label() + " failed", Lines: lines, Danger: true}
		id := m.newID()
		info.ID = id
		m.setModal(id, info, answers{})
		return m, tea.Batch(cmds...)
	}
	switch r.Kind {
	case actions.Reset:
		m.changes[r.Target.ID] = userChange{kind: graph.NotifyReset, at: r.At}
	case actions.Reregister:
		m.changes[r.Target.ID] = userChange{kind: graph.NotifyReregister, at: r.At}
	case actions.IssueTAP:
		ch := userChange{kind: graph.NotifyTAP, at: r.At}
		if r.TAP != nil {
			tap := *r.TAP
			tap.Value = "" // the pass itself is shown once and kept nowhere
			ch.tap = &tap
		}
		m.changes[r.Target.ID] = ch
	}
	if r.Mail != nil && r.TAP != nil {
		cmds = append(cmds, m.setFlash(mailMark(*r.Mail)+" "+r.Mail.String(), r.Mail.Failed()))
	}
	if r.Password != nil {
		// The new password, once; o goes on to revoke sessions (what the
		// 500121 hint asks for after a reset).
		id := m.newID()
		v := actions.NewPasswordView(id, r.Target, *r.Password, r.At, m.loc)
		v.Offer = []actions.KeyHelp{{Key: "o", Desc: "revoke sessions"}}
		m.setModal(id, v, answers{chosen: followUp(r.Target)})
		return m, tea.Batch(cmds...)
	}
	if r.TAP != nil {
		id := m.newID()
		v := actions.NewTAPView(id, r.Target, *r.TAP, m.now(), m.loc)
		if r.Kind == actions.Reregister {
			v.Offer = []actions.KeyHelp{{Key: "n", Desc: "notify by mail"}}
		}
		m.setModal(id, v, answers{chosen: followUp(r.Target)})
		return m, tea.Batch(cmds...)
	}
	switch r.Kind {
	case actions.Reset, actions.Reregister:
		lines := []string{"For " + actions.UserLabel(r.Target) + ":"}
		lines = append(lines, outcomeLines(r.Outcomes)...)
		if r.Kind == actions.Reregister {
			lines = append(lines, "  ✓ sign-in sessions revoked")
		}
		if r.Mail != nil {
			lines = append(lines, "  "+mailMark(*r.Mail)+" "+r.Mail.String())
		}
		lines = append(lines, "", "The user registers again at the next sign-in.",
			"Offer a Temporary Access Pass so they can, and tell them.")
		info := &actions.Info{Title: r.Kind.Label() + ": done", Lines: lines,
			Choices: []actions.KeyHelp{{Key: "t", Desc: "issue a TAP"}, {Key: "n", Desc: "notify by mail"}}}
		id := m.newID()
		info.ID = id
		m.setModal(id, info, answers{chosen: followUp(r.Target)})
	default:
		// The list shows the user as the change left them (a blocked
		// sign-in), so the keys offered next are the right ones.
		m.users.Replace(r.Target)
		cmds = append(cmds, m.setFlash("✓ "+name+": "+r.Detail, false))
	}
	return m, tea.Batch(cmds...)
}

// outcomeLines says what happened to each method of a reset.
func outcomeLines(os []graph.MethodOutcome) []string {
	var out []string
	for _, o := range os {
		label := actions.MethodLabel(o.Method)
		switch o.Outcome {
		case graph.OutcomeDeleted:
			out = append(out, "  ✓ deleted "+label)
		case graph.OutcomePending:
			out = append(out, "  ✓ deleted "+label+" (still listed for a few minutes)")
		case graph.OutcomeKept:
			out = append(out, "  = kept "+label)
		case graph.OutcomeLeft:
			out = append(out, "  ! left "+label+" (mfadesk cannot delete it)")
		case graph.OutcomeFailed:
			out = append(out, "  ✗ not deleted "+label+": "+explain.Short(o.Err))
			if o.Reason != "" {
				out = append(out, draw.Wrap("    "+graph.CleanText(o.Reason), 64)...)
			}
		}
	}
	if len(out) == 0 {
		out = append(out, "  nothing to delete")
	}
	return out
}
