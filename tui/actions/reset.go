package actions

import (
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
