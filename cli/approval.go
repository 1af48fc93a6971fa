package cli

import (
	"context"

	"github.com/mfadesk/mfadesk/graph"
)

// The confirmation (approve) returns a context carrying what it collected;
// each command takes it from there into its changes (graph.Approval is a
// field of every change: the write path never reads a context for it).

type approvalKey struct{}

func withApproval(ctx context.Context, a graph.Approval) context.Context {
	return context.WithValue(ctx, approvalKey{}, a)
}

// approvalFrom is what approve collected on ctx (zero when nothing).
func approvalFrom(ctx context.Context) graph.Approval {
	a, _ := ctx.Value(approvalKey{}).(graph.Approval)
	return a.Reason()
}
