package actions

import (
	"context"
	"fmt"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/seam"
)

// ResetOps lists a reset's operations on one user whose methods are known:
// the deletions in the order Graph accepts them, and what stays.
func ResetOps(ms []graph.Method, keep []graph.MethodKind) (ops, keeps []string) {
	del, kept := seam.PlanReset(ms, keep)
	for _, m := range del {
		ops = append(ops, "delete "+MethodLabel(m))
	}
	for _, m := range kept {
		keeps = append(keeps, MethodLabel(m))
	}
	if len(del) == 0 {
		ops = append(ops, "nothing to delete: only the password (and kept kinds) registered")
	}
	return ops, keeps
}

func execReset(ctx context.Context, c graph.Client, u graph.User, op Op) (Result, error) {
	res, err := seam.Reset(ctx, c, u.ID, op.Keep)
	r := Result{Deleted: res.Deleted}
	switch {
	case len(res.Deleted) == 0 && err == nil:
		r.Detail = "nothing to delete"
	case len(res.Deleted) > 0:
		r.Detail = fmt.Sprintf("deleted %d: %s", len(res.Deleted), methodNames(res.Deleted))
	}
	return r, err
}
