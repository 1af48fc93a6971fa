package actions

import (
	"context"

	"github.com/mfadesk/mfadesk/graph"
)

// PerUserStates are the per-user MFA states in menu order.
var PerUserStates = []graph.PerUserMFAState{graph.PerUserMFADisabled, graph.PerUserMFAEnabled, graph.PerUserMFAEnforced}

func execSetMFA(ctx context.Context, c graph.Client, u graph.User, op Op) (Result, error) {
	if err := c.SetPerUserMFA(ctx, u.ID, op.State); err != nil {
		return Result{}, err
	}
	return Result{Detail: "per-user MFA set to " + string(op.State)}, nil
}
