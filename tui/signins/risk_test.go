package signins

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/internal/tuitest"
)

// Alice's declined MFA prompts came from an attacker: each is a high-risk
// sign-in, marked in the list and described in the detail; her other
// sign-ins carry no mark.
func TestRiskySignInsMarked(t *testing.T) {
	m, sis := loaded(t, fake.AliceID)
	risky := 0
	for _, s := range sis {
		cell := RiskCell(s)
		if s.Status.ErrorCode == 500121 {
			risky++
			if cell != "high" {
				t.Errorf("500121 at %s: risk cell %q, want high", s.CreatedDateTime, cell)
			}
			d := strings.Join(DetailLines(Styles{}, s, time.UTC, 100), "\n")
			if !strings.Contains(d, "high during sign-in · aggregated high · at risk · detections: unfamiliarFeatures") {
				t.Errorf("detail:\n%s", d)
			}
			continue
		}
		if cell != "" || RiskText(s) != "" {
			t.Errorf("sign-in without risk marked %q / %q", cell, RiskText(s))
		}
	}
	if risky == 0 {
		t.Fatal("no risky sign-in in Alice's history")
	}
	golden.RequireEqual(t, render(m, 156, 8))
}

// Bob's risk was dismissed: his password-spray sign-ins say so.
func TestDismissedSignInRisk(t *testing.T) {
	_, sis := loaded(t, fake.BobID)
	n := 0
	for _, s := range sis {
		if s.Status.ErrorCode == 50126 {
			n++
			if got := RiskCell(s); got != "dism." {
				t.Errorf("risk cell %q", got)
			}
			if got := RiskText(s); !strings.Contains(got, "dismissed · an admin dismissed the risk") {
				t.Errorf("risk text %q", got)
			}
		}
	}
	if n == 0 {
		t.Fatal("no 50126 sign-in for Bob")
	}
}

// Without Entra ID P2 Graph answers the levels and the detail "hidden":
// no level is shown, the state still is, with why the level is missing.
func TestHiddenRiskNotShown(t *testing.T) {
	srv, err := fake.Start(fake.Options{Users: 5, Seed: 1, Now: tuitest.Clock, NoP2: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	c := tuitest.As(t, srv, "User.Read.All AuditLog.Read.All", fake.RoleReportsReader)
	_, sis := loadedWith(t, c, fake.AliceID)
	for _, s := range sis {
		if s.RiskLevelDuringSignIn != "hidden" || s.RiskLevelAggregated != "hidden" {
			t.Fatalf("levels %q / %q, want hidden", s.RiskLevelDuringSignIn, s.RiskLevelAggregated)
		}
		if s.Status.ErrorCode == 500121 {
			if RiskCell(s) != "risk" || !strings.Contains(RiskText(s), "at risk · hidden (needs Entra ID P2)") {
				t.Errorf("hidden level: %q / %q", RiskCell(s), RiskText(s))
			}
		} else if RiskCell(s) != "" || RiskText(s) != "" {
			t.Errorf("hidden risk shown: %q / %q", RiskCell(s), RiskText(s))
		}
	}
}
