package cli

// The reset seam: the plan and execution of reset / re-register for one
// user. PROVISIONAL: graph.PlanReset, graph.Reset and graph.Reregister (the
// "client" helper's) replace the bodies below once they land; nothing else
// in cli depends on how these work.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mfadesk/mfadesk/graph"
)

// provisionalReset is true while the bodies below are the stand-ins.
const provisionalReset = true

// reregisterKinds are what the portal's "Require re-register MFA" removes.
var reregisterKinds = []graph.MethodKind{graph.KindPhone, graph.KindAuthenticator, graph.KindSoftwareOath, graph.KindHardwareOath}

// userPlan is one user's plan, as --dry-run and the confirmation show it.
type userPlan struct {
	// Delete is in the order the deletions are sent.
	Delete []graph.Method `json:"delete"`
	Keep   []graph.Method `json:"keep"`
	Revoke bool           `json:"revokeSessions,omitempty"`
	TAP    *planTAP       `json:"temporaryAccessPass,omitempty"`
}

type planTAP struct {
	LifetimeInMinutes int       `json:"lifetimeInMinutes"`
	IsUsableOnce      bool      `json:"isUsableOnce"`
	StartDateTime     time.Time `json:"startDateTime,omitzero"`
}

func (p planTAP) request() graph.TAPRequest {
	return graph.TAPRequest{LifetimeMinutes: p.LifetimeInMinutes, IsUsableOnce: p.IsUsableOnce, Start: p.StartDateTime}
}

// plan says what spec does to a user who has methods.
func (spec resetSpec) plan(methods []graph.Method) userPlan {
	var p userPlan
	p.Delete, p.Keep = orderDeletes(methods, func(m graph.Method) bool {
		if spec.reregister {
			return slices.Contains(reregisterKinds, m.Kind)
		}
		return !slices.Contains(spec.keep, m.Kind)
	})
	if spec.reregister {
		p.Revoke = true
		if spec.tap != nil {
			p.TAP = &planTAP{LifetimeInMinutes: spec.tap.LifetimeMinutes, IsUsableOnce: spec.tap.IsUsableOnce, StartDateTime: spec.tap.Start}
		}
	}
	if p.Delete == nil {
		p.Delete = []graph.Method{}
	}
	if p.Keep == nil {
		p.Keep = []graph.Method{}
	}
	return p
}

// orderDeletes splits methods into those to delete, in an order Graph
// accepts, and those kept. The default method goes last (Graph refuses it
// while others exist); an alternate or office phone goes before the mobile
// (Graph refuses the mobile while an alternate exists).
func orderDeletes(methods []graph.Method, remove func(graph.Method) bool) (del, keep []graph.Method) {
	for _, m := range methods {
		if m.Deletable() && remove(m) {
			del = append(del, m)
		} else {
			keep = append(keep, m)
		}
	}
	rank := func(m graph.Method) int {
		r := 0
		if m.Kind == graph.KindPhone && m.PhoneType == "mobile" {
			r = 1
		}
		if m.IsDefault {
			r = 2
		}
		return r
	}
	slices.SortStableFunc(del, func(a, b graph.Method) int { return rank(a) - rank(b) })
	return del, keep
}

// methodOutcome is what happened to one planned deletion.
type methodOutcome struct {
	Method graph.Method `json:"method"`
	Status string       `json:"status"` // deleted, failed
	Error  *errorJSON   `json:"error,omitempty"`
}

// userResult is one user's result of reset / re-register.
type userResult struct {
	Methods         []methodOutcome `json:"methods"`
	Kept            []graph.Method  `json:"kept"`
	SessionsRevoked bool            `json:"sessionsRevoked,omitempty"`
	// TAP is set when re-register issued one; printed once.
	TAP *graph.TAP `json:"temporaryAccessPass,omitempty"`
}

// run carries out spec for one user: re-reads the methods (the plan shown
// may be minutes old), deletes in order, then for re-register revokes and
// issues the pass. Every deletion is attempted; the error is the first
// failure.
func (spec resetSpec) run(ctx context.Context, c graph.Client, userID string) (any, error) {
	methods, err := c.ListMethods(ctx, userID)
	if err != nil {
		return nil, err
	}
	p := spec.plan(methods)
	res := &userResult{Kept: p.Keep, Methods: []methodOutcome{}}
	var errs []error
	for _, m := range p.Delete {
		o := methodOutcome{Method: m, Status: "deleted"}
		if err := c.DeleteMethod(ctx, userID, m); err != nil {
			o.Status, o.Error = "failed", toErrorJSON(err)
			errs = append(errs, err)
		}
		res.Methods = append(res.Methods, o)
	}
	if len(errs) > 0 {
		return res, errs[0]
	}
	if p.Revoke {
		if err := c.RevokeSessions(ctx, userID); err != nil {
			return res, err
		}
		res.SessionsRevoked = true
	}
	if p.TAP != nil {
		tap, err := c.CreateTAP(ctx, userID, p.TAP.request())
		if err != nil {
			return res, err
		}
		res.TAP = &tap
	}
	return res, nil
}

// resultLine sums up a user's result for the table (never the pass value).
func resultLine(r any) string {
	res, ok := r.(*userResult)
	if !ok || res == nil {
		return ""
	}
	var deleted, failed []string
	for _, o := range res.Methods {
		if o.Status == "deleted" {
			deleted = append(deleted, methodKindName(o.Method))
		} else {
			failed = append(failed, methodKindName(o.Method))
		}
	}
	var parts []string
	switch {
	case len(deleted) > 0:
		parts = append(parts, "deleted "+strings.Join(deleted, ", "))
	case len(failed) == 0:
		parts = append(parts, "nothing to delete")
	}
	if len(failed) > 0 {
		parts = append(parts, "not deleted "+strings.Join(failed, ", "))
	}
	if len(res.Kept) > 0 {
		var kept []string
		for _, m := range res.Kept {
			kept = append(kept, methodKindName(m))
		}
		parts = append(parts, "kept "+strings.Join(kept, ", "))
	}
	if res.SessionsRevoked {
		parts = append(parts, "sessions revoked")
	}
	if res.TAP != nil {
		parts = append(parts, fmt.Sprintf("pass issued (until %s)", fmtTime(res.TAP.Expires())))
	}
	return strings.Join(parts, "; ")
}

// passOf returns the pass a result carries.
func passOf(r any) (graph.TAP, bool) {
	if res, ok := r.(*userResult); ok && res != nil && res.TAP != nil {
		return *res.TAP, true
	}
	return graph.TAP{}, false
}
