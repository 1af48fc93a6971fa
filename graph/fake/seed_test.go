package fake

import (
	"reflect"
	"testing"
	"time"
)

// tenantShape is a generated tenant without its timestamps: what must not
// depend on when it was generated.
func tenantShape(td TenantData) []string {
	var out []string
	for _, u := range td.Users {
		out = append(out, "user "+u.ID+" "+u.UserPrincipalName+" "+u.DisplayName+" "+u.PerUserMFAState)
		for _, m := range u.Methods {
			out = append(out, "  method "+m.Kind+" "+m.ID)
		}
		for _, s := range u.SignIns {
			out = append(out, "  signin "+s.ID+" "+s.AppDisplayName)
		}
	}
	for _, g := range td.Groups {
		out = append(out, "group "+g.ID+" "+g.DisplayName)
	}
	for _, a := range td.Audits {
		out = append(out, "audit "+a.ID+" "+a.ActivityDisplayName)
	}
	return out
}

// `demo-server --seed S` gives the same tenant every time: generation must
// not read the clock beyond placing times relative to it (230 of 1,000 user
// ids once differed between two runs).
func TestSameSeedSameTenant(t *testing.T) {
	t1 := time.Date(2026, 3, 10, 12, 0, 0, 123456789, time.UTC)
	for _, t2 := range []time.Time{t1.Add(3*time.Hour + 17*time.Minute + 654321*time.Microsecond), t1.Add(41 * 24 * time.Hour), t1.Add(999 * time.Millisecond)} {
		a, err := New(Options{Users: 1000, Seed: 42, Now: func() time.Time { return t1 }})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := New(Options{Users: 1000, Seed: 42, Now: func() time.Time { return t2 }})
		sa, sb := tenantShape(a.Export()), tenantShape(b.Export())
		if len(sa) != len(sb) {
			t.Fatalf("clock %v: %d vs %d lines", t2, len(sa), len(sb))
		}
		diff := 0
		for i := range sa {
			if sa[i] != sb[i] {
				if diff < 3 {
					t.Errorf("clock %v: %q vs %q", t2, sa[i], sb[i])
				}
				diff++
			}
		}
		if diff > 0 {
			t.Errorf("clock %v: %d of %d lines differ", t2, diff, len(sa))
		}
	}
	// the same clock: the whole export is identical
	a, _ := New(Options{Users: 300, Seed: 7, Now: func() time.Time { return t1 }})
	b, _ := New(Options{Users: 300, Seed: 7, Now: func() time.Time { return t1 }})
	if !reflect.DeepEqual(a.Export(), b.Export()) {
		t.Error("two tenants from seed 7 on one clock differ")
	}
}
