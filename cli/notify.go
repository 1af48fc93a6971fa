package cli

// --notify: after a reset, re-registration or TAP, mail the user (or, with
// notify.toManager, their manager) from the profile's sender with the
// profile's templates (graph.BuildNotification, which has no field for a
// pass value). The mail goes through the session client, so the guard and
// the change history see it like any change.

import (
	"context"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
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

// notifier sends the notification mails of one command: the catalogue's
// rule (ops.Notifier), the same as the TUI's, about one kind of change.
type notifier struct {
	ops.Notifier
	kind      graph.NotifyKind
	toManager bool
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
	n := &notifier{kind: kind, Notifier: ops.Notifier{OperatorUnknown: true}}
	if p := s.Prof; p != nil {
		n.Template = p.Notify.Template()
		n.ToManager, n.toManager = p.Notify.ToManager, p.Notify.ToManager
	}
	return n
}

// mailOutcome is what became of one user's notification.
type mailOutcome = ops.MailOutcome

// recipient is the address u's mail goes to (ops.Notifier.Recipient).
func (n *notifier) recipient(ctx context.Context, c graph.Client, u graph.User) mailOutcome {
	return n.Recipient(ctx, c, u)
}

// send builds and sends u's mail to the recipient found (looked up now
// when to is the zero outcome).
func (n *notifier) send(ctx context.Context, c graph.Client, u graph.User, to mailOutcome, ticket string, tap *graph.TAP) mailOutcome {
	a := approvalFrom(ctx)
	a.Ticket = ticket
	return n.Send(ctx, c, u, n.kind, to, a, tap)
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
		failed = failed || o.Failed()
		lines = append(lines, "  "+j.name()+": "+o.String())
	}
	if len(lines) > 0 {
		e.note("Notification mail:\n" + strings.Join(lines, "\n"))
	}
	return failed
}
