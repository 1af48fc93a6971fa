package tui

// notify.go: the TUI's side of the catalogue's notification rule
// (graph/ops/notify.go), the same as the command line's: with
// notify.enabled, mail after a reset, re-registration or TAP (one user or
// each user a bulk run finished); n mails by hand, only a user something
// was done to here, with that kind's subject.

import (
	"context"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
	"github.com/mfadesk/mfadesk/tui/actions"
)

// notifier is the catalogue's notification rule with the profile's
// templates and the operator's name.
func (m Model) notifier() *ops.Notifier {
	n := &ops.Notifier{ToManager: m.opts.NotifyToManager, Template: graph.Notification{
		From: m.opts.NotifyFrom, Subject: m.opts.NotifySubject, Body: m.opts.NotifyBody,
		Subjects: m.opts.NotifySubjects, Location: m.loc}}
	if m.operatorOK {
		n.Operator = graph.CleanText(m.operator.DisplayName)
		if n.Operator == "" {
			n.Operator = m.operator.UserPrincipalName
		}
	}
	return n
}

// autoNotify is the notifier for the mail sent after op without asking
// (notify.enabled), nil when none is due.
func (m Model) autoNotify(op actions.Op) *ops.Notifier {
	if !m.opts.NotifyEnabled || m.opts.ReadOnly || ops.MustGet(op.Kind).Notify == "" {
		return nil
	}
	return m.notifier()
}

// notifyAfter sends r's notification when n is set and the rule says so
// (the operation was done to r's user; it is one that notifies).
func notifyAfter(ctx context.Context, c graph.Client, n *ops.Notifier, op actions.Op, r *actions.Result) {
	o := ops.MustGet(op.Kind)
	if n == nil || !ops.ShouldNotify(o, *r) {
		return
	}
	out := n.Send(ctx, c, r.Target, o.Notify, ops.MailOutcome{}, op.Approval(), r.TAP)
	r.Mail = &out
}

// mailPlan is the plan's line for the mail sent afterwards ("" none).
func (m Model) mailPlan(op actions.Op, targets []graph.User) string {
	if m.autoNotify(op) == nil {
		return ""
	}
	switch {
	case len(targets) != 1:
		if m.opts.NotifyToManager {
			return "then mail the manager of each user who is done (users without one get no mail)"
		}
		return "then mail each user who is done (users without a mail address get none)"
	case m.opts.NotifyToManager:
		return "then mail the manager of " + graph.CleanText(targets[0].UserPrincipalName) + " (looked up when sending; no manager: no mail)"
	}
	return m.notifier().Recipient(m.ctx, nil, targets[0]).Planned()
}

// checklistFor is the runbook's caller verification for op: asked before
// anything that takes away or hands out a way to sign in, for one user
// and for many (the catalogue's Checklist, as the commands ask it).
func (m Model) checklistFor(op actions.Op) []string {
	if ops.MustGet(op.Kind).Checklist {
		return m.opts.Checklist
	}
	return nil
}

// mailMark is ✓ for a mail sent, ✗ for one that failed, - for none due.
func mailMark(o ops.MailOutcome) string {
	switch {
	case o.Err == nil:
		return "✓"
	case o.Failed():
		return "✗"
	}
	return "-"
}

func firstNonBlank(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
