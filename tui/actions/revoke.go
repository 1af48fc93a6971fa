package actions

import (
	"context"

	"github.com/mfadesk/mfadesk/graph"
)

func execRevoke(ctx context.Context, c graph.Client, u graph.User) (Result, error) {
	if err := c.RevokeSessions(ctx, u.ID); err != nil {
		return Result{}, err
	}
	d := "sessions revoked: every device signs in again (takes a few minutes to reach every app)"
	if u.IsGuest() {
		d = "revoke sent (it does nothing for guests)"
	}
	return Result{Detail: d}, nil
}
