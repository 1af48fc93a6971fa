package actions

import (
	"context"
	"errors"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
)

// execNotify sends the mail the confirmation showed (built by the caller
// with graph.BuildNotification from the profile's templates).
func execNotify(ctx context.Context, c graph.Client, u graph.User, op Op) (Result, error) {
	m := op.Mail
	if len(m.To) == 0 {
		return Result{}, errors.New("notification: no recipient")
	}
	if err := c.SendMail(ctx, m); err != nil {
		return Result{}, err
	}
	return Result{Detail: "mail sent to " + strings.Join(m.To, ", ")}, nil
}
