package cli

// --notify: after a reset, re-registration or TAP, mail the user (or, with
// notify.toManager, their manager) from the profile's sender with the
// profile's templates (graph.BuildNotification, which has no field for a
// pass value). The mail goes through the session client, so the guard and
// the change history see it like any change.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/spf13/cobra"
)

// notifyFlag is --notify as given: set says whether it was on the command
// line (else the profile's notify.enabled decides).
type notifyFlag struct{ on, set bool }

func addNotifyFlag(cmd *cobra.Command, on *bool) {
	cmd.Flags().BoolVar(on, "notify", false, "mail the user (or their manager, notify.toManager) what was done and how to register again (default: the profile's notify.enabled)")
}

func notifyFlagOf(cmd *cobra.Command, on bool) notifyFlag {
	return notifyFlag{on: on, set: cmd.Flags().Changed("notify")}
}

// notifier sends the notification mails of one command.
type notifier struct {
	tmpl      graph.Notification // From, Subject, Body from the profile
	toManager bool
	kind      graph.NotifyKind

	operator    string
	operatorSet bool
}

// notifierFor returns nil when no mail is to be sent.
func notifierFor(s *Session, f notifyFlag, kind graph.NotifyKind) *notifier {
	on := f.on
	if !f.set {
		on = s.Prof != nil && s.Prof.Notify.Enabled
	}
	if !on {
		return nil
	}
	n := &notifier{kind: kind}
	if p := s.Prof; p != nil {
		n.tmpl = graph.Notification{From: p.Notify.Sender, Subject: p.Notify.Subject, Body: p.Notify.Body}
		n.toManager = p.Notify.ToManager
	}
	return n
}

// mailSkip is why a user gets no mail that is not a failure (no address,
// no manager): reported, but the exit code stays 0.
type mailSkip struct{ why string }

func (s mailSkip) Error() string { return s.why }

// mailOutcome is what became of one user's notification.
type mailOutcome struct {
	To  string
	Err error // a mailSkip, or why sending failed
}

func (o mailOutcome) failed() bool {
	var skip mailSkip
	return o.Err != nil && !errors.As(o.Err, &skip)
}

func (o mailOutcome) String() string {
	var skip mailSkip
	switch {
	case o.Err == nil:
		return "mailed " + graph.CleanText(o.To)
	case errors.As(o.Err, &skip):
		return "not mailed: " + graph.CleanText(skip.why)
	}
	return "mail NOT sent: " + oneLine(o.Err)
}

// planned is the plan's wording: "then mail <address>", or why not.
func (o mailOutcome) planned() string {
	if o.Err == nil {
		return "then mail " + graph.CleanText(o.To)
	}
	return "no mail: " + oneLine(o.Err)
}

// recipient is the address u's mail goes to: u's mail address or, with
// toManager, the manager's. Never anyone else: without one there is no mail.
func (n *notifier) recipient(ctx context.Context, c graph.Client, u graph.User) mailOutcome {
	name := graph.CleanText(firstOf(u.UserPrincipalName, u.ID))
	if n.toManager {
		m, ok, err := graph.ReadManager(ctx, c, u.ID)
		switch {
		case !ok:
			return mailOutcome{Err: errors.New("managers cannot be read with this connection")}
		case errors.Is(err, graph.ErrNotFound):
			return mailOutcome{Err: mailSkip{name + " has no manager in the directory"}}
		case err != nil:
			return mailOutcome{Err: fmt.Errorf("looking up the manager: %w", err)}
		}
		addr := strings.TrimSpace(m.Mail)
		if addr == "" {
			return mailOutcome{Err: mailSkip{"the manager " + graph.CleanText(firstOf(m.UserPrincipalName, m.ID)) + " has no mail address"}}
		}
		return mailOutcome{To: addr}
	}
	addr := strings.TrimSpace(u.Mail)
	if addr == "" {
		return mailOutcome{Err: mailSkip{name + " has no mail address"}}
	}
	return mailOutcome{To: addr}
}

// send builds and sends u's mail to the recipient found (looked up now
// when to is the zero outcome). tap is the pass issued, for its expiry;
// its value is dropped here and BuildNotification could not use it anyway.
func (n *notifier) send(ctx context.Context, c graph.Client, u graph.User, to mailOutcome, ticket string, tap *graph.TAP) mailOutcome {
	if to.To == "" && to.Err == nil {
		to = n.recipient(ctx, c, u)
	}
	if to.Err != nil {
		return to
	}
	ev := graph.NotifyEvent{User: u, Kind: n.kind, Operator: n.operatorName(ctx, c), Ticket: ticket}
	if tap != nil {
		t := *tap
		t.Value = ""
		ev.TAP = &t
	}
	tmpl := n.tmpl
	tmpl.To = []string{to.To}
	m, err := graph.BuildNotification(tmpl, ev)
	if err == nil {
		err = c.SendMail(ctx, m)
	}
	to.Err = err
	return to
}

// operatorName is who did it, for the mail ("the helpdesk" when unknown).
func (n *notifier) operatorName(ctx context.Context, c graph.Client) string {
	if !n.operatorSet {
		n.operatorSet = true
		if op, err := c.Me(ctx); err == nil && !op.IsApp {
			n.operator = firstOf(op.DisplayName, op.UserPrincipalName)
		}
	}
	return n.operator
}

// notifyDone mails every job that ended done, one after another, after a
// run; users whose details are not known yet (a large run) are looked up
// first. It prints one line per user and reports whether any mail failed.
func (e *Env) notifyDone(ctx context.Context, s *Session, n *notifier, jobs []*job, ticket string) (failed bool) {
	var lines []string
	for _, j := range jobs {
		if j.Result == nil || j.status(false) != "done" {
			continue
		}
		if j.User.UserPrincipalName == "" && j.User.ID != "" {
			if u, err := s.Client.ResolveUser(ctx, j.User.ID); err == nil {
				j.User = u
			}
		}
		var tap *graph.TAP
		if r, ok := j.Result.(*bulkRow); ok {
			tap = r.TAP
		}
		var planned mailOutcome
		if p, ok := j.Plan.(userPlan); ok {
			planned = p.mail
		}
		o := n.send(ctx, s.Client, j.User, planned, ticket, tap)
		failed = failed || o.failed()
		lines = append(lines, "  "+j.name()+": "+o.String())
	}
	if len(lines) > 0 {
		e.note("Notification mail:\n" + strings.Join(lines, "\n"))
	}
	return failed
}

// firstOf is the first non-blank string.
func firstOf(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
