package actions

import (
	"context"
	"errors"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
)

// execNotify sends the mail the confirmation showed (built by the caller
// with graph.BuildNotification from the profile's templates), to the
// user's manager instead with MailToManager. Without a manager (or a
// manager without a mail address) nothing is sent: never to someone else.
func execNotify(ctx context.Context, c graph.Client, u graph.User, op Op) (Result, error) {
	m := op.Mail
	if op.MailToManager {
		mgr, ok, err := graph.ReadManager(ctx, c, u.ID)
		name := graph.CleanText(u.UserPrincipalName)
		// Graph-style errors, so the result view shows the reason.
		none := func(why string) error {
			return &graph.Error{Kind: graph.ErrNotFound, Op: "mail the manager of " + name, Message: why + "; no mail sent"}
		}
		switch {
		case !ok:
			return Result{}, none("managers cannot be read with this connection")
		case errors.Is(err, graph.ErrNotFound):
			return Result{}, none(name + " has no manager in the directory")
		case err != nil:
			return Result{}, err
		}
		addr := strings.TrimSpace(mgr.Mail)
		if addr == "" {
			return Result{}, none("the manager " + graph.CleanText(mgr.UserPrincipalName) + " has no mail address")
		}
		m.To = []string{addr}
	}
	if len(m.To) == 0 {
		return Result{}, errors.New("notification: no recipient")
	}
	if err := c.SendMail(ctx, m); err != nil {
		return Result{}, err
	}
	d := "mail sent to " + strings.Join(m.To, ", ")
	if op.MailToManager {
		d += " (the manager)"
	}
	return Result{Detail: d}, nil
}
