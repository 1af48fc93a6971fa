package graph

import (
	"slices"
	"strings"
)

// bulkDeleteStages picks the methods op deletes (PlanReset's choice and
// order, the same as for one user) and groups them into stages: the methods
// in a stage do not depend on each other and are sent together; a stage
// starts when the one before it is done. An alternate mobile goes before
// the mobile number; the default method goes last, once the others are
// gone.
func bulkDeleteStages(methods []Method, op Operation) (stages [][]Method, kept []Method, moveTo *Method, blocked string) {
	plan, del := bulkPlan(methods, op)
	for _, k := range plan.Keep {
		if k.Method.Kind != KindPassword && k.Method.ID != PasswordMethodID {
			kept = append(kept, k.Method)
		}
	}
	hasAlt := slices.ContainsFunc(del, func(m Method) bool {
		return m.Kind == KindPhone && strings.EqualFold(m.PhoneType, "alternateMobile")
	})
	// With the default unknown (not read: see defaultMatters) and one
	// deleted method that can be a default, that one goes last: it is the
	// default if there is one.
	known := slices.ContainsFunc(methods, func(m Method) bool { return m.IsDefault })
	lone := !known && countDefaultCapable(del) == 1
	var first, second, last []Method
	for _, m := range del {
		switch {
		case m.IsDefault, lone && PreferenceFor(m) != "":
			last = append(last, m)
		case hasAlt && m.Kind == KindPhone && strings.EqualFold(m.PhoneType, "mobile"):
			second = append(second, m)
		default:
			first = append(first, m)
		}
	}
	// A default mobile number with an alternate mobile: the alternate goes
	// in the first stage, the default mobile last, which keeps both rules.
	for _, s := range [][]Method{first, second, last} {
		if len(s) > 0 {
			stages = append(stages, s)
		}
	}
	return stages, kept, plan.MoveDefaultTo, plan.Blocked
}

// bulkPlan is PlanReset for a bulk operation: what op deletes of methods
// and what stays (a --kinds run keeps every other kind), with the default
// moved to a kept method, or the user blocked, as for one user.
func bulkPlan(methods []Method, op Operation) (ResetPlan, []Method) {
	keep := slices.Clone(op.Keep)
	if op.Kind == OpDeleteMethods {
		for _, m := range methods {
			if !slices.Contains(op.Kinds, m.Kind) && !slices.Contains(keep, m.Kind) {
				keep = append(keep, m.Kind)
			}
		}
	}
	plan := PlanReset(methods, ResetOptions{Keep: keep})
	return plan, plan.Delete
}

// countDefaultCapable counts the methods that can be a default (an
// Authenticator, an OATH token, a phone).
func countDefaultCapable(ms []Method) int {
	n := 0
	for _, m := range ms {
		if PreferenceFor(m) != "" {
			n++
		}
	}
	return n
}

// defaultMatters reports whether knowing the default changes what a bulk
// delete does for this user: the order (the default goes last) when two or
// more deleted methods could be it, or a move when one could be it while
// other methods stay. Otherwise the sign-in preferences are not read: a
// lone candidate goes last anyway (bulkDeleteStages).
func defaultMatters(methods []Method, op Operation) bool {
	if slices.ContainsFunc(methods, func(m Method) bool { return m.IsDefault }) {
		return false // the client marked it already
	}
	plan, del := bulkPlan(methods, op)
	n := countDefaultCapable(del)
	others := slices.ContainsFunc(plan.Keep, func(k KeptMethod) bool {
		return k.Method.Kind != KindPassword && k.Method.ID != PasswordMethodID
	})
	return n >= 2 || n >= 1 && others
}

func joinKinds(ks []MethodKind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
