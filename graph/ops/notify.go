package ops

// The notification rule, one for both front ends: after an operation with
// a Notify kind (reset, re-registration, TAP) has been done to a user, and
// notification is on (the profile's notify.enabled, or the CLI's
// --notify), mail the user, or with notify.toManager their manager, from
// the profile's sender with the subject and body for that kind. Only users
// the operation was actually done to are mailed (ShouldNotify); without an
// address (or a manager) there is no mail, never a mail to someone else.
// A bulk run mails every user it finished, after the run.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mfadesk/mfadesk/graph"
)

// MailSkip is why a user gets no mail that is not a failure (no address,
// no manager): reported, but not an error of the run.
type MailSkip struct{ Why string }

func (s MailSkip) Error() string { return s.Why }

// MailOutcome is what became of (or will become of) one user's mail.
type MailOutcome struct {
	To  string
	Err error // a MailSkip, or why it failed
}

// Failed reports a mail that should have gone and did not.
func (o MailOutcome) Failed() bool {
	var skip MailSkip
	return o.Err != nil && !errors.As(o.Err, &skip)
}

func (o MailOutcome) String() string {
	var skip MailSkip
	switch {
	case o.Err == nil:
		return "mailed " + graph.CleanText(o.To)
	case errors.As(o.Err, &skip):
		return "not mailed: " + graph.CleanText(skip.Why)
	}
	return "mail NOT sent: " + oneLine(o.Err)
}

// Planned is the plan's wording: "then mail <address>", or why not.
func (o MailOutcome) Planned() string {
	if o.Err == nil {
		return "then mail " + graph.CleanText(o.To)
	}
	return "no mail: " + oneLine(o.Err)
}

func oneLine(err error) string {
	s := graph.CleanText(err.Error())
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return s
}

// Notifier sends the notification mails of one front end's session.
type Notifier struct {
	// Template is the profile's sender, subject(s) and body; To is
	// filled per user.
	Template  graph.Notification
	ToManager bool
	// Operator is who does the changes, for the mail ("the helpdesk"
	// when empty); looked up with Me when OperatorUnknown.
	Operator        string
	OperatorUnknown bool
}

// ShouldNotify is the rule for whom a mail goes to after o: only a user o
// was actually done to, and only for an operation that notifies.
func ShouldNotify(o Operation, r Result) bool {
	return o.Notify != "" && r.Status == Done
}

// Recipient is where u's mail goes: u's mail address or, with ToManager,
// the manager's. Never anyone else: without one there is no mail.
func (n *Notifier) Recipient(ctx context.Context, c graph.Client, u graph.User) MailOutcome {
	if n.ToManager {
		return ManagerRecipient(ctx, c, u)
	}
	addr := strings.TrimSpace(u.Mail)
	if addr == "" {
		return MailOutcome{Err: MailSkip{graph.CleanText(firstOf(u.UserPrincipalName, u.ID)) + " has no mail address"}}
	}
	return MailOutcome{To: addr}
}

// ManagerRecipient is u's manager's mail address, or why there is none.
func ManagerRecipient(ctx context.Context, c graph.Client, u graph.User) MailOutcome {
	name := graph.CleanText(firstOf(u.UserPrincipalName, u.ID))
	m, ok, err := graph.ReadManager(ctx, c, u.ID)
	switch {
	case !ok:
		return MailOutcome{Err: errors.New("managers cannot be read with this connection")}
	case errors.Is(err, graph.ErrNotFound):
		return MailOutcome{Err: MailSkip{name + " has no manager in the directory"}}
	case err != nil:
		return MailOutcome{Err: fmt.Errorf("looking up the manager: %w", err)}
	}
	addr := strings.TrimSpace(m.Mail)
	if addr == "" {
		return MailOutcome{Err: MailSkip{"the manager " + graph.CleanText(firstOf(m.UserPrincipalName, m.ID)) + " has no mail address"}}
	}
	return MailOutcome{To: addr}
}

// Mail builds u's mail about kind (to is the recipient found; empty:
// BuildNotification's default, the user). tap is the pass issued, for its
// expiry: its value is dropped here, and no template could use it anyway.
func (n *Notifier) Mail(ctx context.Context, c graph.Client, u graph.User, kind graph.NotifyKind, to, ticket string, tap *graph.TAP, at time.Time) (graph.Mail, error) {
	ev := graph.NotifyEvent{User: u, Kind: kind, Operator: n.operator(ctx, c), Ticket: ticket, Time: at}
	if tap != nil {
		t := *tap
		t.Value = ""
		ev.TAP = &t
	}
	tmpl := n.Template
	tmpl.To = nil
	if to != "" {
		tmpl.To = []string{to}
	}
	return graph.BuildNotification(tmpl, ev)
}

// Send builds and sends u's mail about kind to the recipient found (looked
// up now when to is the zero outcome).
func (n *Notifier) Send(ctx context.Context, c graph.Client, u graph.User, kind graph.NotifyKind, to MailOutcome, a graph.Approval, tap *graph.TAP) MailOutcome {
	if to.To == "" && to.Err == nil {
		to = n.Recipient(ctx, c, u)
	}
	if to.Err != nil {
		return to
	}
	m, err := n.Mail(ctx, c, u, kind, to.To, a.Ticket, tap, time.Time{})
	if err == nil {
		_, err = oneChange(ctx, c, u, Request{Kind: Notify, Ticket: a.Ticket, Checklist: a.Checklist},
			func(a graph.Approval) graph.Change { return graph.SendMail{Mail: m, Approval: a} })
	}
	to.Err = err
	return to
}

// operator is who did it, for the mail.
func (n *Notifier) operator(ctx context.Context, c graph.Client) string {
	if n.OperatorUnknown {
		n.OperatorUnknown = false
		if op, err := c.Me(ctx); err == nil && !op.IsApp {
			n.Operator = firstOf(op.DisplayName, op.UserPrincipalName)
		}
	}
	return n.Operator
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
