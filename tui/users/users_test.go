package users

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/internal/tuitest"
	"github.com/mfadesk/mfadesk/tui/internal/marks"
)

// loaded is the pane with the demo tenant's first page of users and the
// registration report, as the console shows it at start.
func loaded(t *testing.T) Model {
	t.Helper()
	c, _ := tuitest.Client(t)
	ctx := context.Background()
	p, err := c.SearchUsers(ctx, "", DefaultPageSize)
	if err != nil {
		t.Fatal(err)
	}
	rp, err := c.Registrations(ctx, graph.RegistrationFilter{PageSize: 999})
	if err != nil {
		t.Fatal(err)
	}
	regs := map[string]*graph.Registration{}
	for i := range rp.Items {
		regs[rp.Items[i].ID] = &rp.Items[i]
	}
	mk := marks.New()
	m := New(t.Context(), c, mk, regs)
	m, _ = m.Update(ResultsMsg{Seq: 1, Page: p})
	return m
}

func render(m Model, w, h int, focused bool) string {
	return strings.Join(m.View(Styles{}, w, h, focused), "\n")
}

func TestGoldenUsersPane(t *testing.T) {
	m := loaded(t)
	m.SetSize(32, 20)
	m.Move(2)
	m.ToggleMark() // Carol, cursor moves to Dave
	t.Run("narrow", func(t *testing.T) { golden.RequireEqual(t, render(m, 32, 20, true)) })
	m.SetSize(56, 36)
	t.Run("wide", func(t *testing.T) { golden.RequireEqual(t, render(m, 56, 36, false)) })
	m.SetSize(90, 12)
	t.Run("with-department", func(t *testing.T) { golden.RequireEqual(t, render(m, 90, 12, true)) })
}

func TestEveryRowFitsItsWidth(t *testing.T) {
	m := loaded(t)
	for _, w := range []int{10, 20, 33, 57, 91} {
		m.SetSize(w, 40)
		for i, l := range m.View(Styles{}, w, 40, true) {
			if ansi.StringWidth(l) > w {
				t.Fatalf("width %d: line %d is %d wide: %q", w, i, ansi.StringWidth(l), l)
			}
		}
	}
}

func TestStaleAndForeignAnswersAreDropped(t *testing.T) {
	m := New(t.Context(), nil, marks.New(), nil)
	m, _ = m.Update(ResultsMsg{Seq: 1, Page: graph.Page[graph.User]{Items: []graph.User{{ID: "a"}}}})
	m.seq = 3 // two more searches were started since
	m, _ = m.Update(ResultsMsg{Seq: 2, Query: "old", Page: graph.Page[graph.User]{Items: []graph.User{{ID: "x"}, {ID: "y"}}}})
	if len(m.Items()) != 1 || m.Items()[0].ID != "a" {
		t.Fatalf("stale answer applied: %+v", m.Items())
	}
	m, _ = m.Update(ResultsMsg{Seq: 3, Query: "new", Page: graph.Page[graph.User]{Items: []graph.User{{ID: "z"}}}})
	if m.Query() != "new" || m.Items()[0].ID != "z" {
		t.Fatal("current answer not applied")
	}
	// A debounce tick from an earlier keystroke starts nothing.
	if _, cmd := m.Update(debounceMsg{seq: 2}); cmd != nil {
		t.Fatal("stale debounce started a search")
	}
}

func TestEmptyAndErrorStates(t *testing.T) {
	m := New(t.Context(), nil, marks.New(), nil)
	m, _ = m.Update(ResultsMsg{Seq: 1, Query: "zz top"})
	if s := render(m, 40, 6, true); !strings.Contains(s, `No users match "zz top".`) {
		t.Fatalf("empty state:\n%s", s)
	}
	m.seq = 2
	m, _ = m.Update(ResultsMsg{Seq: 2, Err: &graph.Error{Kind: graph.ErrDenied, Needs: "User.Read.All"}})
	s := render(m, 40, 6, true)
	if !strings.Contains(s, "access denied") || !strings.Contains(s, "User.Read.All") {
		t.Fatalf("error state:\n%s", s)
	}
}
