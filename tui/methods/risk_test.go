package methods

import (
	"strings"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/internal/tuitest"
)

// The identity risk line, through the real client from the fake tenant:
// Alice is at high risk, Bob's risk was dismissed, Dave has no record
// (Graph's 404: none).
func TestRiskLine(t *testing.T) {
	c, _ := tuitest.Client(t)
	for _, tc := range []struct {
		id   string
		want []string
	}{
		{fake.AliceID, []string{"identity risk high · at risk · updated"}},
		{fake.BobID, []string{"identity risk none · dismissed · an admin dismissed the risk"}},
		{fake.DaveID, []string{"identity risk none"}},
	} {
		s := render(shown(t, c, tc.id), 100, 12)
		for _, w := range tc.want {
			if !strings.Contains(s, w) {
				t.Errorf("%s: want %q in\n%s", tc.id, w, s)
			}
		}
	}
}

// Without the permission or role, or in a tenant without Entra ID P2,
// Graph answers 403 and the line says what it needs instead of failing
// the pane.
func TestRiskLineUnknown(t *testing.T) {
	const want = "identity risk unknown — needs IdentityRiskyUser.Read.All and Entra ID P2"
	// An Authentication Administrator: no Identity Protection role.
	srv := startFake(t, fake.Options{})
	aa := tuitest.As(t, srv, "User.Read.All UserAuthenticationMethod.ReadWrite.All AuditLog.Read.All", fake.RoleAuthAdmin)
	// A Security Reader in a tenant without P2.
	noP2 := startFake(t, fake.Options{NoP2: true})
	sr := tuitest.As(t, noP2, "User.Read.All AuditLog.Read.All IdentityRiskyUser.Read.All", fake.RoleSecurityReader)
	for name, c := range map[string]graph.Client{"auth admin": aa, "no P2": sr} {
		_, err := c.UserRisk(t.Context(), fake.AliceID)
		m := New(t.Context(), c, tuitest.Clock, time.UTC)
		m.Show(graph.User{ID: fake.AliceID, DisplayName: "Alice Wong", AccountEnabled: true}, nil)
		m, _ = m.Update(RiskMsg{Seq: m.seq, UserID: fake.AliceID, Err: err})
		if s := render(m, 100, 8); !strings.Contains(s, want) {
			t.Errorf("%s (err %v): want %q in\n%s", name, err, want, s)
		}
	}
	// A double that cannot read risk at all draws no line.
	m := New(t.Context(), nil, tuitest.Clock, time.UTC)
	m.Show(graph.User{ID: "u1", DisplayName: "Una", AccountEnabled: true}, nil)
	_, err := graph.NoOptionalReads{}.UserRisk(t.Context(), "u1")
	m, _ = m.Update(RiskMsg{Seq: m.seq, UserID: "u1", Err: err})
	if s := render(m, 80, 6); strings.Contains(s, "identity risk") {
		t.Errorf("unsupported read drew a line:\n%s", s)
	}
}

func startFake(t *testing.T, o fake.Options) *fake.Server {
	t.Helper()
	o.Users, o.Seed, o.Now = 5, 1, tuitest.Clock
	srv, err := fake.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}
