package cli

// The reset seam: the plan and execution of reset / re-register for one
// user, on graph.PlanReset and graph's one engine (graph.Reset and
// graph.Reregister are its one-user results).

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
)

// userPlan is one user's plan, as --dry-run and the confirmation show it:
// graph's reset plan, plus re-register's revoke and pass.
type userPlan struct {
	graph.ResetPlan
	Revoke bool     `json:"revokeSessions,omitempty"`
	TAP    *planTAP `json:"temporaryAccessPass,omitempty"`
	// MailTo is where the notification goes (--notify); MailNote why
	// there is none.
	MailTo   string `json:"notifyTo,omitempty"`
	MailNote string `json:"notifyNote,omitempty"`
	mail     mailOutcome
}

// setMail records the notification's recipient in the plan.
func (p *userPlan) setMail(o mailOutcome) {
	p.mail = o
	p.MailTo = o.To
	if o.Err != nil {
		p.MailNote = oneLine(o.Err)
	}
}

type planTAP struct {
	LifetimeInMinutes int       `json:"lifetimeInMinutes"`
	IsUsableOnce      bool      `json:"isUsableOnce"`
	StartDateTime     time.Time `json:"startDateTime,omitzero"`
}

func (p planTAP) request() graph.TAPRequest {
	return graph.TAPRequest{LifetimeMinutes: p.LifetimeInMinutes, IsUsableOnce: p.IsUsableOnce, Start: p.StartDateTime}
}

// keepKinds is what spec leaves in place.
func (spec resetSpec) keepKinds() []graph.MethodKind {
	if spec.reregister {
		return graph.ReregisterKeep
	}
	return spec.keep
}

// opKind is the bulk runner's name for spec.
func (spec resetSpec) opKind() graph.OpKind {
	if spec.reregister {
		return graph.OpReregister
	}
	return graph.OpReset
}

// operation is spec for the bulk runner.
func (spec resetSpec) operation() graph.Operation {
	op := graph.Operation{Kind: spec.opKind(), Keep: spec.keepKinds()}
	if spec.tap != nil {
		op.TAP = &graph.BulkTAP{LifetimeMinutes: spec.tap.LifetimeMinutes, IsUsableOnce: spec.tap.IsUsableOnce, DefaultUse: spec.tap.DefaultUse}
	}
	return op
}

// ops is spec as the catalogue's reset spec (its plan's words).
func (spec resetSpec) ops() ops.ResetSpec {
	return ops.ResetSpec{Reregister: spec.reregister, Keep: spec.keep, TAP: spec.tap}
}

// summary is the plan for many users, said once instead of per user: the
// catalogue's general plan, the console's words.
func (spec resetSpec) summary(n int) string {
	p := ops.ResetPlanText(nil, spec.ops())
	return fmt.Sprintf("Plan: %s for %d users: %s.\n%s\n(--dry-run lists every user's methods first.)",
		strings.ToLower(spec.verb()), n, strings.Join(p.Steps, "; then "), ops.ResetWarning(spec.ops()))
}

// plan says what spec does to a user who has methods.
func (spec resetSpec) plan(methods []graph.Method) userPlan {
	p := userPlan{ResetPlan: graph.PlanReset(methods, graph.ResetOptions{Keep: spec.keepKinds()})}
	if spec.reregister {
		p.Revoke = true
		if spec.tap != nil {
			p.TAP = &planTAP{LifetimeInMinutes: spec.tap.LifetimeMinutes, IsUsableOnce: spec.tap.IsUsableOnce, StartDateTime: spec.tap.Start}
		}
	}
	return p
}

// run carries out spec for one user through graph's one engine (the bulk
// runner with one target, graph.RunOne): it re-lists the methods first
// (the plan shown may be minutes old) and reports per method.
func (spec resetSpec) run(ctx context.Context, c graph.Client, userID string) (any, error) {
	if spec.reregister {
		res, err := graph.Reregister(ctx, c, userID, graph.ReregisterOptions{Keep: spec.keepKinds(), TAP: spec.tap, Approval: approvalFrom(ctx)})
		return &res, err
	}
	res, err := graph.Reset(ctx, c, userID, graph.ResetOptions{Keep: spec.keepKinds(), Approval: approvalFrom(ctx)})
	return &res, err
}

// resultLine sums up a user's result for the table (never the pass value).
func resultLine(r any) string {
	var (
		reset *graph.ResetResult
		rr    *graph.ReregisterResult
	)
	switch v := r.(type) {
	case *graph.ResetResult:
		reset = v
	case *graph.ReregisterResult:
		rr, reset = v, &v.Reset
	default:
		return ""
	}
	by := map[string][]string{}
	for _, o := range reset.Methods {
		by[o.Outcome] = append(by[o.Outcome], methodKindName(o.Method))
	}
	var parts []string
	for _, oc := range []struct{ outcome, label string }{
		{graph.OutcomeDeleted, "deleted"}, {graph.OutcomePending, "deleted (still listed for a few minutes)"},
		{graph.OutcomeFailed, "not deleted"}, {graph.OutcomeKept, "kept"},
		{graph.OutcomeLeft, "LEFT (mfadesk cannot delete; remove in the Entra admin center)"},
	} {
		if len(by[oc.outcome]) > 0 {
			parts = append(parts, oc.label+" "+strings.Join(by[oc.outcome], ", "))
		}
	}
	if len(reset.Plan.Delete) == 0 {
		parts = append([]string{"nothing to delete"}, parts...)
	}
	if rr != nil {
		switch {
		case rr.Revoked:
			parts = append(parts, "sessions revoked")
		case rr.RevokeError != "":
			parts = append(parts, "sessions NOT revoked: "+graph.CleanText(rr.RevokeError))
		}
		switch {
		case rr.TAP != nil:
			parts = append(parts, fmt.Sprintf("pass issued (until %s)", fmtTime(rr.TAP.Expires())))
		case rr.TAPError != "":
			parts = append(parts, "pass NOT issued: "+graph.CleanText(rr.TAPError))
		}
	}
	return strings.Join(parts, "; ")
}

// passOf returns the pass a result carries.
func passOf(r any) (graph.TAP, bool) {
	if rr, ok := r.(*graph.ReregisterResult); ok && rr != nil && rr.TAP != nil {
		return *rr.TAP, true
	}
	return graph.TAP{}, false
}
