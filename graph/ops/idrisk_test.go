package ops_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
)

// Dismiss applies only to a user at risk: no risk, a dismissed, remediated
// or confirmed-safe risk is refused with the reason; an unknown risk (not
// read) is left to Graph.
func TestDismissRiskWhen(t *testing.T) {
	dismiss := ops.MustGet(ops.DismissRisk)
	sec := ops.Context{OperatorKnown: true, Operator: graph.Operator{ID: "op", RoleTemplateIDs: []string{graph.RoleSecurityAdmin}}}
	with := func(r graph.IdentityRisk) graph.User { return graph.User{ID: "u1", Risk: &r} }
	for _, tc := range []struct {
		name string
		u    graph.User
		ok   bool
		why  string
	}{
		{"no record", with(graph.NoIdentityRisk()), false, "no risk to dismiss"},
		{"dismissed", with(graph.IdentityRisk{Level: "none", State: "dismissed", Detail: "adminDismissedAllRiskForUser"}), false, "already dismissed"},
		{"remediated", with(graph.IdentityRisk{Level: "none", State: "remediated", Detail: "userPerformedSecuredPasswordChange"}), false,
			"already remediated (the user changed their password securely)"},
		{"confirmed safe", with(graph.IdentityRisk{Level: "none", State: "confirmedSafe"}), false, "confirmed safe"},
		{"at risk", with(graph.IdentityRisk{Level: "high", State: "atRisk"}), true, ""},
		{"compromised", with(graph.IdentityRisk{Level: "high", State: "confirmedCompromised"}), true, ""},
		{"unknown", graph.User{ID: "u1"}, true, ""},
	} {
		ok, why := dismiss.Available(sec, tc.u)
		if ok != tc.ok || !strings.Contains(why, tc.why) {
			t.Errorf("%s: %v %q, want %v %q", tc.name, ok, why, tc.ok, tc.why)
		}
	}
	// An Authentication Administrator, however the risk stands, is told
	// the role it takes.
	aa := ops.Context{OperatorKnown: true, Operator: graph.Operator{ID: "op", RoleTemplateIDs: []string{graph.RoleAuthAdmin}}}
	if ok, why := dismiss.Available(aa, with(graph.IdentityRisk{Level: "high", State: "atRisk"})); ok ||
		why != "needs the Security Administrator or Global Administrator role" {
		t.Errorf("auth admin: %v %q", ok, why)
	}
	// A Security Reader may read the risk, not change it.
	sr := ops.Context{OperatorKnown: true, Operator: graph.Operator{ID: "op", RoleTemplateIDs: []string{graph.RoleSecurityReader}}}
	if ok, _ := dismiss.Available(sr, with(graph.IdentityRisk{Level: "high", State: "atRisk"})); ok {
		t.Error("a Security Reader may dismiss")
	}
	if ok, why := sr.Operator.Allows(graph.ActionReadRisk, nil); !ok {
		t.Errorf("a Security Reader may not read risk: %s", why)
	}
}

// Confirm compromised: not on yourself (your sign-in would be blocked),
// not twice; its plan says plainly what it sets and what that triggers.
func TestConfirmCompromised(t *testing.T) {
	confirm := ops.MustGet(ops.ConfirmCompromised)
	sec := ops.Context{OperatorKnown: true, Operator: graph.Operator{ID: "op", RoleTemplateIDs: []string{graph.RoleSecurityAdmin}}}
	if ok, why := confirm.Available(sec, graph.User{ID: "op"}); ok || !strings.Contains(why, "own account") {
		t.Errorf("self: %v %q", ok, why)
	}
	done := graph.IdentityRisk{Level: "high", State: "confirmedCompromised"}
	if ok, why := confirm.Available(sec, graph.User{ID: "u1", Risk: &done}); ok || !strings.Contains(why, "already confirmed compromised") {
		t.Errorf("twice: %v %q", ok, why)
	}
	if ok, why := confirm.Available(sec, graph.User{ID: "u1", Risk: ptr(graph.NoIdentityRisk())}); !ok {
		t.Errorf("a user without risk may not be confirmed compromised: %s", why)
	}
	p := confirm.Plan(nil)
	all := strings.Join(append(append(p.Steps, p.Warnings...), p.Keeps...), "\n")
	for _, want := range []string{"risk level -> HIGH", "blocks sign-in", "secure password change", "Not reversible", "dismiss"} {
		if !strings.Contains(all, want) {
			t.Errorf("confirm plan lacks %q:\n%s", want, all)
		}
	}
	dp := ops.MustGet(ops.DismissRisk).Plan(nil)
	all = strings.Join(append(dp.Steps, dp.Warnings...), "\n")
	for _, want := range []string{"risk level -> none", "blocks sign-in", "secure password change", "once the account is secured"} {
		if !strings.Contains(all, want) {
			t.Errorf("dismiss plan lacks %q:\n%s", want, all)
		}
	}
}

// Run sends exactly the catalogue's change and returns the user as it
// leaves them; Prepare reads the risk the rule needs.
func TestRunRiskOperations(t *testing.T) {
	c := &riskClient{risk: graph.IdentityRisk{Level: "high", State: "atRisk"}}
	now := func() time.Time { return time.Unix(0, 0) }
	u := ops.MustGet(ops.DismissRisk).Prepare(context.Background(), c, graph.User{ID: "u1"})
	if u.Risk == nil || u.Risk.State != "atRisk" {
		t.Fatalf("Prepare: %+v", u.Risk)
	}
	r := ops.Run(context.Background(), c, u, ops.Request{Kind: ops.DismissRisk, Ticket: "INC-7"}, now)
	if r.Status != ops.Done || r.Target.Risk == nil || r.Target.Risk.State != graph.RiskStateDismissed || r.Target.Risk.Level != "none" {
		t.Fatalf("dismiss: %+v", r)
	}
	r = ops.Run(context.Background(), c, u, ops.Request{Kind: ops.ConfirmCompromised}, now)
	if r.Status != ops.Done || r.Target.Risk.Level != graph.RiskLevelHigh || r.Detail != "user confirmed compromised (risk level high)" {
		t.Fatalf("confirm: %+v", r)
	}
	if len(c.applied) != 2 {
		t.Fatalf("applied %v", c.applied)
	}
	if d, ok := c.applied[0].(graph.DismissRisk); !ok || d.UserID != "u1" || d.Reason().Ticket != "INC-7" {
		t.Errorf("first change %#v", c.applied[0])
	}
	if _, ok := c.applied[1].(graph.ConfirmCompromised); !ok {
		t.Errorf("second change %#v", c.applied[1])
	}
}

func ptr[T any](v T) *T { return &v }

// riskClient answers UserRisk and records Apply; nothing else.
type riskClient struct {
	graph.Client
	risk    graph.IdentityRisk
	applied []graph.Change
}

func (c *riskClient) UserRisk(context.Context, string) (graph.IdentityRisk, error) {
	return c.risk, nil
}
func (c *riskClient) Apply(_ context.Context, ch graph.Change) (graph.Result, error) {
	c.applied = append(c.applied, ch)
	return graph.Result{}, nil
}

func (c *riskClient) Traits() graph.Traits { return graph.Traits{} }
