package report

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/internal/tuitest"
	"github.com/mfadesk/mfadesk/tui/internal/marks"
)

// collect runs a command and every command its batch holds, returning the
// messages of type T.
func collect[T any](cmd tea.Cmd) []T {
	if cmd == nil {
		return nil
	}
	var out []T
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			out = append(out, collect[T](c)...)
		}
	case T:
		out = append(out, msg)
	}
	return out
}

// The column and filter over the fake tenant through the client: the
// policies read once, the named groups expanded, the admins' roles read.
func TestMFARequiredColumn(t *testing.T) {
	c, _ := tuitest.Client(t)
	m := New(marks.New(), tuitest.Clock, time.UTC)
	m.SetSource(context.Background(), c)
	m.Load()
	mfa := collect[MFAMsg](m.LoadMFA())
	if len(mfa) != 1 {
		t.Fatalf("Load started %d MFA reads, want 1", len(mfa))
	}
	p, err := c.Registrations(context.Background(), graph.RegistrationFilter{PageSize: 999})
	if err != nil {
		t.Fatal(err)
	}
	var regs []*graph.Registration
	for i := range p.Items {
		regs = append(regs, &p.Items[i])
	}
	m.SetData(regs, false, nil)
	for _, r := range collect[AdminRolesMsg](m.OnMFA(mfa[0])) {
		m.OnAdminRoles(r)
	}
	verdict := func(id string) graph.MFAVerdict {
		for _, r := range regs {
			if r.ID == id {
				return m.MFAVerdictOf(r)
			}
		}
		t.Fatalf("no row %s", id)
		return ""
	}
	// Bob: all users. Grace: a guest, excluded. Carol: break-glass,
	// excluded from both MFA policies; the Azure management one (an app
	// condition) remains.
	for id, want := range map[string]graph.MFAVerdict{fake.BobID: graph.MFAYes, fake.GraceID: graph.MFANo, fake.CarolID: graph.MFAMaybe,
		fake.LiamID: graph.MFAYes} {
		if got := verdict(id); got != want {
			t.Errorf("%s: %s, want %s", id, got, want)
		}
	}
	m.SetFilter(MFANotRequired)
	if m.Shown() != m.Count(MFANotRequired) || m.Shown() == 0 {
		t.Errorf("filter shows %d, counts %d", m.Shown(), m.Count(MFANotRequired))
	}
	for _, r := range m.Visible() {
		if !strings.EqualFold(r.UserType, "guest") {
			t.Errorf("%s is not a guest but MFA is not required", r.UserPrincipalName)
		}
	}
	golden.RequireEqual(t, render(m, 138, 10))
}

// Without Policy.Read.All every row says "?" and the filter holds none.
func TestMFARequiredColumnDenied(t *testing.T) {
	c, _ := tuitest.Client(t)
	m := New(marks.New(), tuitest.Clock, time.UTC)
	m.SetSource(context.Background(), c)
	m.Load()
	m.SetData([]*graph.Registration{{ID: "u1", UserPrincipalName: "una@contoso.com"}}, false, nil)
	denied := &graph.Error{Kind: graph.ErrDenied, Status: 403}
	m.OnMFA(MFAMsg{Gen: m.load.gen, Pol: graph.MFAPolicies{PoliciesErr: denied, DefaultsErr: denied}, Index: &graph.MembershipIndex{}})
	if v := m.MFAVerdictOf(m.regs[0]); v != graph.MFAUnknown || m.Count(MFANotRequired) != 0 {
		t.Errorf("verdict %s, not-required %d", v, m.Count(MFANotRequired))
	}
}
