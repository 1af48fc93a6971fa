package actions

import (
	"context"
	"fmt"

	"github.com/mfadesk/mfadesk/graph"
)

// ResetOps lists a reset's operations on one user whose methods are known:
// the deletions in the order Graph accepts them (graph.PlanReset), and
// what stays.
func ResetOps(ms []graph.Method, keep []graph.MethodKind) (ops, keeps []string) {
	plan := graph.PlanReset(ms, graph.ResetOptions{Keep: keep})
	for _, m := range plan.Delete {
		ops = append(ops, "delete "+MethodLabel(m))
	}
	for _, k := range plan.Keep {
		keeps = append(keeps, MethodLabel(k.Method))
	}
	if len(plan.Delete) == 0 {
		ops = append(ops, "nothing to delete: only the password (and kept kinds) registered")
	}
	return ops, keeps
}

// resetDetail summarises a reset's outcome per method.
func resetDetail(r graph.ResetResult) (string, []graph.Method) {
	var deleted []graph.Method
	for _, o := range r.Methods {
		if o.Outcome == graph.OutcomeDeleted || o.Outcome == graph.OutcomePending {
			deleted = append(deleted, o.Method)
		}
	}
	switch {
	case len(r.Plan.Delete) == 0:
		return "nothing to delete", nil
	case r.Pending > 0:
		return fmt.Sprintf("deleted %d (%d still listed, pending): %s", len(deleted), r.Pending, methodNames(deleted)), deleted
	case len(deleted) > 0:
		return fmt.Sprintf("deleted %d: %s", len(deleted), methodNames(deleted)), deleted
	}
	return "", nil
}

func execReset(ctx context.Context, c graph.Client, u graph.User, op Op) (Result, error) {
	res, err := graph.Reset(ctx, c, u.ID, graph.ResetOptions{Keep: op.Keep})
	d, deleted := resetDetail(res)
	return Result{Detail: d, Deleted: deleted, Outcomes: res.Methods}, err
}
