package signins

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/internal/tuitest"
)

func loaded(t *testing.T, id string) (Model, []graph.SignIn) {
	t.Helper()
	c, _ := tuitest.Client(t)
	return loadedWith(t, c, id)
}

func loadedWith(t *testing.T, c graph.Client, id string) (Model, []graph.SignIn) {
	t.Helper()
	u, err := c.ResolveUser(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	m := New(t.Context(), c, tuitest.Clock, time.UTC, 0)
	cmd := m.Load(u)
	msg := cmd().(LoadedMsg)
	if msg.Err != nil {
		t.Fatal(msg.Err)
	}
	m, _ = m.Update(msg)
	return m, msg.SignIns
}

func render(m Model, w, h int) string {
	m.SetSize(w, h)
	return strings.Join(m.View(Styles{}, w, h, true), "\n")
}

func TestGoldenSignInsTable(t *testing.T) {
	m, _ := loaded(t, fake.AliceID)
	t.Run("44", func(t *testing.T) { golden.RequireEqual(t, render(m, 44, 11)) })
	t.Run("118", func(t *testing.T) { golden.RequireEqual(t, render(m, 118, 11)) })
	t.Run("156", func(t *testing.T) { golden.RequireEqual(t, render(m, 156, 11)) })
	m.ToggleFailures()
	t.Run("failures-only", func(t *testing.T) { golden.RequireEqual(t, render(m, 78, 11)) })
}

// An operator who may read Conditional Access data sees the policy.
func TestGoldenDetailNamesThePolicy(t *testing.T) {
	_, srv := tuitest.Client(t)
	_, sis := loadedWith(t, tuitest.CAReader(t, srv), fake.ErinID)
	for _, s := range sis {
		if s.Status.ErrorCode == 53003 {
			out := strings.Join(DetailLines(Styles{}, s, time.UTC, 70), "\n")
			if !strings.Contains(out, "Blocked by the policy") {
				t.Fatalf("53003 hint does not name the policy:\n%s", out)
			}
			golden.RequireEqual(t, out)
			return
		}
	}
	t.Fatal("Erin has no 53003 sign-in")
}

func TestFailuresFilterKeepsSelection(t *testing.T) {
	m, _ := loaded(t, fake.AliceID)
	m.SetSize(60, 20)
	all := m.Len()
	m.Move(2) // the third row: a failure
	s, _ := m.Selected()
	m.ToggleFailures()
	if m.Len() >= all || m.Len() == 0 {
		t.Fatalf("failures only: %d of %d", m.Len(), all)
	}
	if got, _ := m.Selected(); got.ID != s.ID {
		t.Fatal("the highlighted failure lost its highlight when filtering")
	}
	m.ToggleFailures()
	if m.Len() != all {
		t.Fatal("toggle back")
	}
}

func TestMFAText(t *testing.T) {
	cases := []struct {
		s    graph.SignIn
		want string
	}{
		{graph.SignIn{AuthenticationRequirement: "singleFactorAuthentication"}, "single factor"},
		{graph.SignIn{AuthenticationRequirement: "multiFactorAuthentication"}, "required"},
		{graph.SignIn{AuthenticationRequirement: "multiFactorAuthentication", AuthDetails: []graph.AuthStep{
			{Method: "Password", Succeeded: true}, {Method: "Mobile app notification", Succeeded: false}}}, "✗ Mobile app notification"},
		{graph.SignIn{AuthDetails: []graph.AuthStep{{Method: "FIDO2 security key", Succeeded: true}}}, "✓ FIDO2 security key"},
		{graph.SignIn{}, ""},
	}
	for _, c := range cases {
		if got := MFAText(c.s); got != c.want {
			t.Errorf("MFAText = %q, want %q", got, c.want)
		}
	}
}

func TestUnknownCodeStillHelps(t *testing.T) {
	s := graph.SignIn{Status: graph.Status{ErrorCode: 999999, FailureReason: "Something new"}}
	out := strings.Join(DetailLines(Styles{}, s, time.UTC, 60), "\n")
	if !strings.Contains(out, "No hint for this code yet") || !strings.Contains(out, "Something new") {
		t.Fatalf("unknown code:\n%s", out)
	}
}

// A Reports Reader (the demo operator) gets no appliedConditionalAccessPolicies
// from Graph: the detail says so instead of showing nothing.
func TestDetailPoliciesNotVisible(t *testing.T) {
	_, sis := loaded(t, fake.ErinID)
	for _, s := range sis {
		if s.Status.ErrorCode == 53003 {
			if !s.PoliciesHidden {
				t.Fatal("the demo operator (Reports Reader) was sent the applied policies")
			}
			out := strings.Join(DetailLines(Styles{}, s, time.UTC, 70), "\n")
			if !strings.Contains(out, "not visible to your role") || strings.Contains(out, "Blocked by the policy") {
				t.Fatalf("hidden policies:\n%s", out)
			}
			return
		}
	}
	t.Fatal("Erin has no 53003 sign-in")
}
