package tui

import (
	"slices"
	"testing"

	"github.com/mfadesk/mfadesk/graph/ops"
	"github.com/mfadesk/mfadesk/tui/actions"
)

// The console shows a reset's and a re-registration's plan in the
// catalogue's words (ops.ResetPlanText), the steps the command line prints
// (cli's TestResetPlanIsTheCatalogues), and t adds the pass's step as the
// catalogue words it.
func TestResetPlanIsTheCatalogues(t *testing.T) {
	c := newStub(5)
	d := newDriver(t, c, nil)
	shown := d.m.methods.Methods()
	if len(shown) == 0 {
		t.Fatal("no methods shown for the highlighted user")
	}
	for _, tc := range []struct {
		key  string
		spec ops.ResetSpec
	}{
		{"r", ops.ResetSpec{Keep: d.m.opts.KeepKinds}},
		{"e", ops.ResetSpec{Reregister: true}},
	} {
		d.key(tc.key)
		conf, ok := d.m.modal.(*actions.Confirm)
		if !ok {
			t.Fatalf("%s did not open a confirmation:\n%s", tc.key, d.screen())
		}
		want := ops.ResetPlanText(shown, tc.spec)
		if !slices.Equal(conf.Plan.Ops, want.Steps) || !slices.Equal(conf.Plan.Keeps, want.Keeps) ||
			!slices.Contains(conf.Plan.Warnings, want.Warnings[len(want.Warnings)-1]) {
			t.Errorf("%s: the console shows\n%q\n%q\n%q\nthe catalogue says\n%q\n%q\n%q", tc.key,
				conf.Plan.Ops, conf.Plan.Keeps, conf.Plan.Warnings, want.Steps, want.Keeps, want.Warnings)
		}
		if tc.spec.Reregister {
			d.key("t")
			op := conf.Op
			tap := op.TAP
			tc.spec.TAP = &tap
			if want := ops.ResetPlanText(shown, tc.spec); !slices.Equal(conf.Plan.Ops, want.Steps) {
				t.Errorf("with a pass: %q, want %q", conf.Plan.Ops, want.Steps)
			}
		}
		d.key("esc")
	}
}
