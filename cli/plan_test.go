package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
)

// The command line prints a reset's and a re-registration's plan in the
// catalogue's words (ops.ResetPlanOf), the steps the console shows
// (tui's TestResetPlanIsTheCatalogues): numbered, in graph.PlanReset's
// order, then what stays, then what it means for the user once.
func TestResetPlanIsTheCatalogues(t *testing.T) {
	srv := startTenant(t)
	for _, tc := range []struct {
		args []string
		spec ops.ResetSpec
	}{
		{[]string{"reset", "alice@contoso.com"}, ops.ResetSpec{}},
		{[]string{"reset", "alice@contoso.com", "--keep", "phone"}, ops.ResetSpec{Keep: []graph.MethodKind{graph.KindPhone}}},
		// Alice's FIDO2 key stays and cannot take the default over: refused.
		{[]string{"reregister", "alice@contoso.com", "--tap", "--tap-lifetime", "2h"},
			ops.ResetSpec{Reregister: true, TAP: &graph.TAPRequest{LifetimeMinutes: 120, DefaultUse: true}}},
	} {
		r := runCLI(t, runOpts{endpoint: srv.URL}, append(tc.args, "--dry-run", "-o", "json")...)
		plans := mustJSON[[]resultJSON](t, r)
		if len(plans) != 1 {
			t.Fatalf("%v: %v", tc.args, r)
		}
		b, _ := json.Marshal(plans[0].Plan)
		var p graph.ResetPlan
		if err := json.Unmarshal(b, &p); err != nil || len(p.Delete) == 0 {
			t.Fatalf("%v: plan %s %v", tc.args, b, err)
		}
		want := ops.ResetPlanOf(p, tc.spec)

		r = runCLI(t, runOpts{endpoint: srv.URL}, append(tc.args, "--dry-run")...)
		var lines []string
		for _, l := range strings.Split(r.stdout, "\n") {
			if strings.HasPrefix(l, "  ") {
				lines = append(lines, strings.TrimPrefix(l, "  "))
			}
		}
		var exp []string
		for i, s := range want.Steps {
			exp = append(exp, fmt.Sprintf("%d. %s", i+1, s))
		}
		for _, k := range want.Keeps {
			exp = append(exp, "keep: "+k)
		}
		for _, w := range want.Warnings[:len(want.Warnings)-1] {
			exp = append(exp, "! "+w)
		}
		if strings.Join(lines, "\n") != strings.Join(exp, "\n") {
			t.Errorf("%v printed\n%s\nthe catalogue says\n%s", tc.args, strings.Join(lines, "\n"), strings.Join(exp, "\n"))
		}
		if w := want.Warnings[len(want.Warnings)-1]; !strings.Contains(r.stdout, w) {
			t.Errorf("%v: no %q in\n%s", tc.args, w, r.stdout)
		}
	}
}
