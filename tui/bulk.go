package tui

// bulk.go: bulk runs on the marked users: the menu, the plan, the run, a
// retry of its failures.

import (
	"context"
	"fmt"
	"path/filepath"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
	"github.com/mfadesk/mfadesk/tui/actions"
	"github.com/mfadesk/mfadesk/tui/internal/explain"
)

func (m Model) openBulkMenu() (tea.Model, tea.Cmd) {
	if m.bulk != nil && m.bulk.Running() {
		m.showBulk = true
		return m, nil
	}
	n := m.marks.Len()
	if n == 0 {
		return m, m.setFlash("No users marked: space marks one, A all loaded, L loads a CSV.", false)
	}
	// The catalogue's bulk operations, each with what holds for every
	// target (read-only mode); the plan checks each user.
	var items []actions.MenuItem
	for _, it := range ops.Menu(ops.Bulk, m.opsContext(), graph.User{}, false) {
		items = append(items, actions.MenuItem{Key: it.BulkKey, Label: it.Label, Disabled: it.Why})
	}
	menu := &actions.Menu{Title: fmt.Sprintf("Bulk action on %s", plural(n, "marked user")),
		Intro: []string{"A preview of the plan follows; nothing runs before you confirm."}, Items: items}
	id := m.newID()
	menu.ID = id
	m.setModal(id, menu, answers{chosen: Model.onBulkChoice})
	return m, nil
}

// onBulkChoice opens the plan for the bulk operation on key v (per-user
// MFA asks which state first).
func (m Model) onBulkChoice(v string) (tea.Model, tea.Cmd) {
	o, ok := ops.ForKey(ops.Bulk, v)
	if !ok {
		return m, nil
	}
	op := actions.Op{Kind: o.Name}
	switch o.Name {
	case ops.Reset:
		op.Keep = m.opts.KeepKinds
	case ops.SetMFA:
		menu := &actions.Menu{Title: "Bulk: set per-user MFA"}
		for i, s := range actions.PerUserStates {
			menu.Items = append(menu.Items, actions.MenuItem{Key: fmt.Sprint(i + 1), Label: string(s)})
		}
		id := m.newID()
		menu.ID = id
		m.setModal(id, menu, answers{chosen: func(m Model, v string) (tea.Model, tea.Cmd) {
			return m.openBulkConfirm(actions.Op{Kind: actions.SetMFA, State: actions.PerUserStates[v[0]-'1']})
		}})
		return m, nil
	}
	return m.openBulkConfirm(op)
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
	// The same verification as for one user (the catalogue's Checklist,
	// as the commands ask it for a CSV too).
	c.AskTicket(m.opts.TicketRequired, "", m.selfAck(op.Kind, targets, m.checklistFor(op)))
	// Every marked user goes to the run, the refused ones too: the run
	// reports them skipped with the reason, so each target ends in exactly
	// one state.
	m.setModal(id, c, answers{confirmed: func(m Model, op actions.Op) (tea.Model, tea.Cmd) { return m.startBulk(op, targets) }})
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
	m.setModal(id, c, answers{confirmed: Model.retryBulk})
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
	c, ctx, oc := m.client, m.ctx, m.opsContext()
	o := ops.MustGet(op.Kind)
	oc.Target = func(u graph.User) *graph.TargetRoles { return graph.TargetRolesFromRegistration(regs[u.ID]) }
	pre := func(u graph.User) (string, bool) {
		// The one rule (allowed.go), with the guard asked afresh; a guard
		// that cannot answer refuses here (nothing is changed blind).
		errs := map[graph.WriteKind]error{}
		for _, k := range o.Changes {
			if err := graph.CheckWrite(ctx, c, k, u.ID); err != nil {
				if guardRefusal(err) == nil {
					return explain.Short(err), true
				}
				errs[k] = err
			}
			if o.Name == ops.Reregister {
				break // its TAP is optional (as Available asks)
			}
		}
		uc := oc
		uc.Guard = func(k graph.WriteKind, _ string) error { return errs[k] }
		if ok, why := o.Available(uc, u); !ok {
			return why, true
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
	if n := m.autoNotify(op); n != nil {
		// Each user the run finishes is mailed, as the CLI does.
		cfg.Notify = func(ctx context.Context, r *actions.Result) { notifyAfter(ctx, c, n, op, r) }
	}
	b := actions.NewBulkRun(m.ctx, id, c, op.Kind.Label(), op, targets, cfg, pre, m.now)
	b.SetSize(m.w, max(m.h-3, 3))
	m.bulk, m.showBulk = b, true
	return m, b.Start()
}
