package cli

import (
	"context"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
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

// runOp carries out req on u through the catalogue's ops.Run (graph's one
// engine), with the approval the confirmation collected.
func runOp(ctx context.Context, c graph.Client, u graph.User, req ops.Request) ops.Result {
	a := approvalFrom(ctx)
	req.Ticket, req.Checklist = a.Ticket, a.Checklist
	return ops.Run(ctx, c, u, req, time.Now)
}
