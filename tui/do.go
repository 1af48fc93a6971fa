package tui

// do.go: how a key becomes a change. Every write goes: allowed? -> a
// confirmation listing exact targets and operations -> (once) a command
// with its own context -> a result per target -> the panes refresh.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/history"
	"github.com/mfadesk/mfadesk/graph/ops"
	"github.com/mfadesk/mfadesk/tui/actions"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
	"github.com/mfadesk/mfadesk/tui/internal/explain"
	"github.com/mfadesk/mfadesk/tui/methods"
	"github.com/mfadesk/mfadesk/tui/report"
	"github.com/mfadesk/mfadesk/tui/signins"
)

type pendingKind int

const (
	pConfirm pendingKind = iota
	pBulkConfirm
	pResult
	pInfo
	pMFAMenu
	pBulkMenu
	pBulkMFAMenu
	pCSVPrompt
	pCSVLoading
	pCSVResult
	pExportPrompt
	pAudit
	pRetryConfirm
)

// pending is what an open dialog is about, so its answer can be acted on.
type pending struct {
	kind    pendingKind
	op      actions.Op
	targets []graph.User
	// csv is the target list being looked up (pCSVLoading) or the rows
	// that could not be (pCSVResult, for the retry key).
	csv *csvLookup
}

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

// setModal shows md under an id the caller already put into it.
func (m *Model) setModal(id int, md actions.Modal, p pending) {
	if a, ok := m.modal.(*actions.AuditView); ok {
		a.Close()
	}
	m.modal, m.modalID = md, id
	m.pending = map[int]pending{id: p} // one dialog at a time
	if s, ok := md.(actions.Sizer); ok {
		s.SetSize(m.modalW(), m.h)
	}
}

func (m *Model) closeModal() {
	if a, ok := m.modal.(*actions.AuditView); ok {
		a.Close()
	}
	m.modal = nil
	m.pending = map[int]pending{}
}

func (m *Model) newID() int {
	m.nextID++
	return m.nextID
}

func inflightKey(k actions.Kind, id string) string { return string(k) + ":" + id }

// isProtected reports a target on the configured protected list.
func (m Model) isProtected(u graph.User) bool {
	for _, p := range m.opts.Protected {
		p = strings.TrimSpace(p)
		if p != "" && (strings.EqualFold(p, u.ID) || strings.EqualFold(p, u.UserPrincipalName)) {
			return true
		}
	}
	return false
}

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

// allowed says whether kind may be applied to u now, and if not why, in
// words: read-only, protected, a missing permission or role, a guest.
func (m Model) allowed(kind actions.Kind, u graph.User) (bool, string) {
	// The catalogue's one rule (graph/ops), with what the TUI knows.
	if ok, why := ops.MustGet(kind).Available(m.opsContext(), u); !ok {
		return false, why
	}
	if m.inflight[inflightKey(kind, u.ID)] {
		return false, "already running for this user"
	}
	return true, ""
}

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
		v, cmd := actions.NewAuditView(id, m.client, u, m.now().AddDate(0, 0, -30), m.loc)
		m.setModal(id, v, pending{kind: pAudit, targets: []graph.User{u}})
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
		op.Method = meth
	case actions.IssueTAP:
		op.TAP = actions.DefaultTAP()
	case actions.Notify:
		mail, err := m.notifyMail(u, m.tickets[u.ID])
		if err != nil {
			return m, m.setFlash("No mail: "+err.Error(), true)
		}
		op.Mail = mail
		op.MailToManager = m.opts.NotifyToManager
	case actions.Reregister:
		op.TAP = actions.DefaultTAP()
	}
	return m.openConfirm(op, []graph.User{u})
}

func (m Model) openConfirm(op actions.Op, targets []graph.User) (tea.Model, tea.Cmd) {
	id := m.newID()
	plan := m.planFor(op, targets)
	c, arm := actions.NewConfirmClock(id, op, plan, m.opts.Clock)
	var checklist []string
	switch op.Kind {
	case actions.Reset, actions.Reregister, actions.IssueTAP:
		// The runbook's caller verification comes before anything that
		// takes away or hands out a way to sign in (as the commands ask).
		checklist = m.opts.Checklist
	}
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
	case actions.Reregister:
		if len(targets) == 1 && !targets[0].IsGuest() {
			c.OptionsHelp = []actions.KeyHelp{{Key: "t", Desc: "also issue a TAP"}}
			c.Options = m.reregisterOptions(targets)
		}
	}
	m.setModal(id, c, pending{kind: pConfirm, op: op, targets: targets})
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

// planFor describes op on targets for the confirmation.
func (m Model) planFor(op actions.Op, targets []graph.User) actions.Plan {
	p := actions.Plan{Title: op.Kind.Label(), Targets: targets}
	single := len(targets) == 1
	var shown []graph.Method
	if single && m.methods.User() != nil && m.methods.User().ID == targets[0].ID && m.methods.Loaded() {
		shown = m.methods.Methods()
	}
	switch op.Kind {
	case actions.Reset:
		if shown != nil {
			p.Ops, p.Keeps = actions.ResetOps(shown, op.Keep)
		} else {
			p.Ops = []string{"list the user's methods, then delete every one except the password" + keepText(op.Keep) +
				", alternate phone before mobile and the default method last"}
			p.Keeps = []string{"Password"}
			if !single {
				p.Ops = append(p.Ops, m.methodCensus(targets)...)
			}
		}
		p.Warnings = append(p.Warnings, "The user must register MFA again at the next sign-in (offer a TAP after).")
	case actions.Reregister:
		if shown != nil {
			p.Ops, p.Keeps = actions.ReregisterOps(shown)
		} else {
			p.Ops = []string{"delete every method except the password, FIDO2 keys / passkeys, Windows Hello and platform credentials (as the portal's \"Require re-register MFA\")",
				"revoke all sign-in sessions"}
			p.Keeps = []string{"Password, FIDO2 keys / passkeys, Windows Hello, platform credentials"}
		}
		if op.WithTAP {
			p.Ops = append(p.Ops, fmt.Sprintf("issue a Temporary Access Pass (%s, one-time) and show it once",
				actions.LifetimeText(op.TAP.LifetimeMinutes)))
		}
		p.Warnings = append(p.Warnings, "Every device signs out and asks to register again.")
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

func keepText(keep []graph.MethodKind) string {
	if len(keep) == 0 {
		return ""
	}
	var names []string
	for _, k := range keep {
		names = append(names, methods.KindLabel(graph.Method{Kind: k}))
	}
	return " and " + strings.Join(names, ", ")
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
	m.setModal(id, menu, pending{kind: pMFAMenu, op: actions.Op{Kind: actions.SetMFA}, targets: []graph.User{u}})
	return m, nil
}

// onModalAnswer acts on what a dialog answered.
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
	}
	if id != m.modalID {
		return m, nil // an answer from a dialog no longer open
	}
	p := m.pending[id]
	switch x := msg.(type) {
	case actions.CloseMsg:
		m.closeModal()
		if p.kind == pCSVLoading && p.csv != nil {
			p.csv.cancel() // esc stops the lookups; nothing is marked
			return m, m.setFlash("Loading "+filepath.Base(p.csv.path)+" stopped: nothing was marked.", false)
		}
		return m, nil
	case actions.ConfirmedMsg:
		m.closeModal()
		if !x.Deliberate() {
			// Only a confirmation's ctrl+y after its arm delay runs a
			// change; nothing else may stand in for it.
			return m, m.setFlash("Not run: no confirmation.", true)
		}
		op := x.Op
		switch p.kind {
		case pBulkConfirm:
			return m.startBulk(op, p.targets)
		case pRetryConfirm:
			return m.retryBulk(op)
		case pConfirm:
			return m.runOne(op, p.targets[0])
		}
		return m, nil
	case actions.ChoiceMsg:
		switch p.kind {
		case pMFAMenu:
			i := int(x.Value[0] - '1')
			op := actions.Op{Kind: actions.SetMFA, State: actions.PerUserStates[i]}
			return m.openConfirm(op, p.targets)
		case pBulkMenu:
			return m.onBulkChoice(x.Value)
		case pBulkMFAMenu:
			i := int(x.Value[0] - '1')
			op := actions.Op{Kind: actions.SetMFA, State: actions.PerUserStates[i]}
			return m.openBulkConfirm(op)
		case pCSVResult:
			if x.Value == "r" && p.csv != nil {
				return m.lookUpCSV(p.csv.path, p.csv.retry, nil)
			}
		case pResult:
			m.closeModal()
			switch x.Value {
			case "t":
				return m.startActionFor(actions.IssueTAP, p.targets[0])
			case "n":
				return m.startActionFor(actions.Notify, p.targets[0])
			}
		}
	case actions.PromptMsg:
		m.closeModal()
		switch p.kind {
		case pCSVPrompt:
			return m, m.readCSV(x.Value)
		case pExportPrompt:
			return m, m.exportReport(x.Value)
		}
	}
	return m, nil
}

// startActionFor is startAction for a given user (after a reset: TAP, mail).
func (m Model) startActionFor(kind actions.Kind, u graph.User) (tea.Model, tea.Cmd) {
	if ok, why := m.allowed(kind, u); !ok {
		return m, m.setFlash(kind.Label()+" unavailable: "+why+".", true)
	}
	op := actions.Op{Kind: kind, Keep: m.opts.KeepKinds}
	switch kind {
	case actions.IssueTAP:
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

// notifyMail builds the notification for u from the profile's templates
// (Go templates, graph.NotifyData), about the last change made to u here:
// a reset by default.
func (m Model) notifyMail(u graph.User, ticket string) (graph.Mail, error) {
	ev := graph.NotifyEvent{User: u, Kind: graph.NotifyReset, Ticket: ticket, Time: m.now()}
	if ch, ok := m.changes[u.ID]; ok {
		ev.Kind, ev.Time = ch.kind, ch.at
		if ch.tap != nil {
			tap := *ch.tap
			ev.TAP = &tap
		}
	}
	if m.operatorOK {
		ev.Operator = graph.CleanText(m.operator.DisplayName)
		if ev.Operator == "" {
			ev.Operator = m.operator.UserPrincipalName
		}
	}
	return graph.BuildNotification(graph.Notification{From: m.opts.NotifyFrom,
		Subject: m.opts.NotifySubject, Body: m.opts.NotifyBody, Location: m.loc}, ev)
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
	c, now := m.client, m.now
	flash := m.setFlash(op.Kind.Label()+": working on "+graph.CleanText(u.DisplayName)+"…", false)
	return m, tea.Batch(flash, func() tea.Msg {
		ctx := graph.WithPriority(context.Background(), graph.PriorityHigh)
		ctx = history.WithTicket(ctx, op.Ticket, op.Checklist)
		return resultMsg{ID: id, Result: actions.Execute(ctx, c, u, op, now)}
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
		m.setModal(id, info, pending{kind: pInfo, targets: []graph.User{r.Target}})
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
	if r.TAP != nil {
		id := m.newID()
		v := actions.NewTAPView(id, r.Target, *r.TAP, m.now(), m.loc)
		if r.Kind == actions.Reregister {
			v.Offer = []actions.KeyHelp{{Key: "n", Desc: "notify by mail"}}
		}
		m.setModal(id, v, pending{kind: pResult, targets: []graph.User{r.Target}})
		return m, tea.Batch(cmds...)
	}
	switch r.Kind {
	case actions.Reset, actions.Reregister:
		lines := []string{"For " + actions.UserLabel(r.Target) + ":"}
		lines = append(lines, outcomeLines(r.Outcomes)...)
		if r.Kind == actions.Reregister {
			lines = append(lines, "  ✓ sign-in sessions revoked")
		}
		lines = append(lines, "", "The user registers again at the next sign-in.",
			"Offer a Temporary Access Pass so they can, and tell them.")
		info := &actions.Info{Title: r.Kind.Label() + ": done", Lines: lines,
			Choices: []actions.KeyHelp{{Key: "t", Desc: "issue a TAP"}, {Key: "n", Desc: "notify by mail"}}}
		id := m.newID()
		info.ID = id
		m.setModal(id, info, pending{kind: pResult, targets: []graph.User{r.Target}})
	default:
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

// Bulk.

func (m Model) openBulkMenu() (tea.Model, tea.Cmd) {
	if m.bulk != nil && m.bulk.Running() {
		m.showBulk = true
		return m, nil
	}
	n := m.marks.Len()
	if n == 0 {
		return m, m.setFlash("No users marked: space marks one, A all loaded, L loads a CSV.", false)
	}
	ro := ""
	if m.opts.ReadOnly {
		ro = "read-only mode"
	}
	menu := &actions.Menu{Title: fmt.Sprintf("Bulk action on %s", plural(n, "marked user")),
		Intro: []string{"A preview of the plan follows; nothing runs before you confirm."},
		Items: []actions.MenuItem{
			{Key: "r", Label: "Reset MFA", Disabled: ro},
			{Key: "e", Label: "Require re-registration", Disabled: ro},
			{Key: "o", Label: "Revoke sessions", Disabled: ro},
			{Key: "m", Label: "Set per-user MFA", Disabled: ro},
		}}
	id := m.newID()
	menu.ID = id
	m.setModal(id, menu, pending{kind: pBulkMenu})
	return m, nil
}

func (m Model) onBulkChoice(v string) (tea.Model, tea.Cmd) {
	switch v {
	case "r":
		return m.openBulkConfirm(actions.Op{Kind: actions.Reset, Keep: m.opts.KeepKinds})
	case "e":
		return m.openBulkConfirm(actions.Op{Kind: actions.Reregister})
	case "o":
		return m.openBulkConfirm(actions.Op{Kind: actions.Revoke})
	case "m":
		menu := &actions.Menu{Title: "Bulk: set per-user MFA"}
		for i, s := range actions.PerUserStates {
			menu.Items = append(menu.Items, actions.MenuItem{Key: fmt.Sprint(i + 1), Label: string(s)})
		}
		id := m.newID()
		menu.ID = id
		m.setModal(id, menu, pending{kind: pBulkMFAMenu})
	}
	return m, nil
}

func (m Model) openBulkConfirm(op actions.Op) (tea.Model, tea.Cmd) {
	if cmd := m.fetchAdmins(op); cmd != nil {
		// Which targets are admins, for the plan: asked first (one request).
		m.closeModal()
		return m, tea.Batch(cmd, m.setFlash("Checking the marked users…", false))
	}
	targets := m.marks.Users()
	id := m.newID()
	plan := m.planFor(op, targets)
	plan.Title = "Bulk: " + op.Kind.Label()
	if len(plan.Targets) == 0 {
		m.closeModal()
		return m, m.setFlash("None of the marked users can be changed: "+plan.Skips[0].Why+".", true)
	}
	c, arm := actions.NewConfirmClock(id, op, plan, m.opts.Clock)
	// No caller to verify in a bulk run: the ticket only.
	c.AskTicket(m.opts.TicketRequired, "", m.selfAck(op.Kind, targets, nil))
	// Every marked user goes to the run, the refused ones too: the run
	// reports them skipped with the reason, so each target ends in exactly
	// one state.
	m.setModal(id, c, pending{kind: pBulkConfirm, op: op, targets: targets})
	return m, arm
}

// openRetryConfirm asks before a finished run's failures are run again:
// a retry changes the tenant as the run did, so it is confirmed the same
// way (ctrl+y; the typed phrase above the threshold).
func (m Model) openRetryConfirm() (tea.Model, tea.Cmd) {
	if m.bulk == nil || m.bulk.Running() {
		return m, nil
	}
	fails := m.bulk.Failures()
	if len(fails) == 0 {
		return m, nil
	}
	op := m.bulk.Op
	id := m.newID()
	plan := m.planFor(op, fails)
	plan.Title = fmt.Sprintf("Retry %s: %s failed", op.Kind.Label(), plural(len(fails), "user"))
	if len(plan.Targets) == 0 {
		return m, m.setFlash("None of the failed users can be changed now: "+plan.Skips[0].Why+".", true)
	}
	c, arm := actions.NewConfirmClock(id, op, plan, m.opts.Clock)
	c.AskTicket(m.opts.TicketRequired, op.Ticket, nil)
	m.setModal(id, c, pending{kind: pRetryConfirm, op: op, targets: fails})
	return m, arm
}

// retryBulk runs a confirmed retry of the bulk run's failures.
func (m Model) retryBulk(op actions.Op) (tea.Model, tea.Cmd) {
	if m.bulk == nil || m.bulk.Running() {
		return m, m.setFlash("A bulk run is already in progress.", true)
	}
	m.showBulk = true
	return m, m.bulk.RetryWith(op)
}

// startBulk runs a confirmed bulk action and shows its progress.
func (m Model) startBulk(op actions.Op, targets []graph.User) (tea.Model, tea.Cmd) {
	if m.bulk != nil && m.bulk.Running() {
		return m, m.setFlash("A bulk run is already in progress.", true)
	}
	// The workers check each target again off the UI goroutine, with a
	// snapshot of what they need (no shared maps).
	regs := map[string]*graph.Registration{}
	for _, u := range targets {
		regs[u.ID] = m.regs[u.ID]
	}
	c := m.client
	readOnly, protected, why := m.opts.ReadOnly, append([]string(nil), m.opts.Protected...), m.opts.ProtectedWhy
	operator, opOK := m.operator, m.operatorOK
	pre := func(u graph.User) (string, bool) {
		if readOnly {
			return "read-only mode", true
		}
		for _, p := range protected {
			if strings.EqualFold(p, u.ID) || strings.EqualFold(p, u.UserPrincipalName) {
				return why, true
			}
		}
		if err := graph.CheckWrite(context.Background(), c, writeKind(op.Kind), u.ID); err != nil {
			return explain.Short(err), true
		}
		if opOK {
			if ok, why := operator.Allows(op.Kind.Action(), graph.TargetRolesFromRegistration(regs[u.ID])); !ok {
				return why, true
			}
		}
		return "", false
	}
	id := m.newID()
	opName := m.operator.UserPrincipalName
	if m.operator.IsApp || opName == "" {
		opName = m.operator.AppID
	}
	cfg := actions.BulkConfig{Concurrency: m.opts.BulkWorkers, Tenant: m.tenantLabel(),
		TenantID: m.operator.TenantID, Endpoint: m.opts.Endpoint, Operator: opName}
	if m.opts.JournalDir != "" {
		cfg.Journal = filepath.Join(m.opts.JournalDir, m.now().UTC().Format("20060102T150405.000Z")+"-"+string(op.Kind)+".jsonl")
	}
	b := actions.NewBulkRun(id, c, op.Kind.Label(), op, targets, cfg, pre, m.now)
	b.SetSize(m.w, max(m.h-3, 3))
	m.bulk, m.showBulk = b, true
	return m, b.Start()
}

// CSV targets.

func (m Model) openCSVPrompt() (tea.Model, tea.Cmd) {
	id := m.newID()
	p := actions.NewPrompt(id, "Load targets from CSV", []string{
		"A CSV with an ObjectId, Id or UserPrincipalName column (as the PowerShell scripts write).",
		"Every row must be valid, or nothing is loaded. Found users are marked for a bulk action."},
		"File: ", "")
	m.setModal(id, p, pending{kind: pCSVPrompt})
	return m, nil
}

func expandHome(path string) string {
	if strings.HasPrefix(path, "~/") {
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, path[2:])
		}
	}
	return path
}

// Report export.

func (m Model) openExportPrompt() (tea.Model, tea.Cmd) {
	id := m.newID()
	name := fmt.Sprintf("mfadesk-registration-%s.csv", m.now().Format("20060102-150405"))
	f := m.report.Filter()
	p := actions.NewPrompt(id, "Write the registration report",
		[]string{fmt.Sprintf("%s (%s), as shown.", plural(m.report.Count(f), "row"), f.Label())}, "File: ", name)
	m.setModal(id, p, pending{kind: pExportPrompt})
	return m, nil
}

func (m Model) exportReport(path string) tea.Cmd {
	rows := m.report.Visible()
	return func() tea.Msg {
		path = expandHome(path)
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		return exportedMsg{Path: path, Err: report.WriteCSV(path, rows)}
	}
}

// Read-only dialogs.

func (m Model) openSignIn() (tea.Model, tea.Cmd) {
	s, ok := m.signins.Selected()
	if !ok {
		return m, nil
	}
	w := min(m.modalW(), 96) - 4
	lines := signins.DetailLines(m.theme.SignIns, s, m.loc, w)
	id := m.newID()
	info := &actions.Info{ID: id, Title: "Sign-in: " + graph.CleanText(s.AppDisplayName), Lines: lines, Width: 96}
	m.setModal(id, info, pending{kind: pInfo})
	return m, nil
}
