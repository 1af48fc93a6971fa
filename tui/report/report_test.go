package report

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/internal/tuitest"
	"github.com/mfadesk/mfadesk/tui/internal/marks"
)

func loaded(t *testing.T) Model {
	t.Helper()
	c, _ := tuitest.Client(t)
	p, err := c.Registrations(context.Background(), graph.RegistrationFilter{PageSize: 999})
	if err != nil {
		t.Fatal(err)
	}
	var regs []*graph.Registration
	for i := range p.Items {
		regs = append(regs, &p.Items[i])
	}
	m := New(marks.New(), tuitest.Clock, time.UTC)
	m.SetData(regs, false, nil)
	return m
}

func render(m Model, w, h int) string {
	m.SetSize(w, h)
	return strings.Join(m.View(Styles{}, w, h), "\n")
}

func TestGoldenReport(t *testing.T) {
	m := loaded(t)
	t.Run("78", func(t *testing.T) { golden.RequireEqual(t, render(m, 78, 16)) })
	t.Run("138", func(t *testing.T) { golden.RequireEqual(t, render(m, 138, 16)) })
	m.SetFilter(AdminsWithoutMFA)
	t.Run("admins-without-mfa", func(t *testing.T) { golden.RequireEqual(t, render(m, 118, 12)) })
	m.SetFilter(All)
	m.SortBy(9) // updated
	m.SortBy(9) // newest first
	t.Run("by-updated-desc", func(t *testing.T) { golden.RequireEqual(t, render(m, 118, 10)) })
}

func TestFilters(t *testing.T) {
	r := func(reg, capable, sspr, admin bool, methods ...string) *graph.Registration {
		return &graph.Registration{IsMfaRegistered: reg, IsMfaCapable: capable, IsSsprRegistered: sspr, IsAdmin: admin, MethodsRegistered: methods}
	}
	cases := []struct {
		f    Filter
		r    *graph.Registration
		want bool
	}{
		{NotRegistered, r(false, false, true, false), true},
		{NotRegistered, r(true, true, true, false), false},
		{NotCapable, r(true, false, true, false), true},
		{AdminsWithoutMFA, r(false, false, true, true), true},
		{AdminsWithoutMFA, r(false, false, true, false), false},
		{AdminsWithoutMFA, r(true, true, true, true), false},
		{PhoneOnly, r(true, true, true, false, "mobilePhone"), true},
		{PhoneOnly, r(true, true, true, false, "mobilePhone", "email"), true},
		{PhoneOnly, r(true, true, true, false, "officePhone", "alternateMobilePhone"), true},
		{PhoneOnly, r(true, true, true, false, "mobilePhone", "microsoftAuthenticatorPush"), false},
		{PhoneOnly, r(false, false, true, false, "email"), false},
		{PhoneOnly, r(false, false, true, false), false},
		{NoSSPR, r(true, true, false, false), true},
		{All, r(false, false, false, false), true},
	}
	for i, c := range cases {
		if got := c.f.Match(c.r); got != c.want {
			t.Errorf("case %d: %s matched %v, want %v", i, c.f.Label(), got, c.want)
		}
	}
}

func TestCountsSortAndMarks(t *testing.T) {
	m := loaded(t)
	total := m.Count(All)
	// the report leaves out the demo tenant's 9 disabled accounts
	// (userRegistrationDetails does not work for disabled users)
	if total != 241 {
		t.Fatalf("%d rows", total)
	}
	m.SetFilter(NotRegistered)
	if len(m.Visible()) != m.Count(NotRegistered) || m.Count(NotRegistered) == 0 {
		t.Fatal("filter count and rows disagree")
	}
	m.SetSize(100, 20)
	m.ToggleMark()
	m.ToggleMark()
	if n := m.MarkAll(); n != m.Count(NotRegistered)-2 {
		t.Fatalf("mark all added %d", n)
	}
	prev := ""
	m.SetFilter(All) // sorted by UPN, ascending, by default
	for _, r := range m.Visible() {
		k := strings.ToLower(r.UserPrincipalName)
		if k < prev {
			t.Fatalf("not sorted: %s after %s", k, prev)
		}
		prev = k
	}
}

func TestWriteCSVDefusesFormulas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	regs := []*graph.Registration{{ID: "1", UserPrincipalName: "a@b.c", UserDisplayName: "=HYPERLINK(\"http://evil\")", MethodsRegistered: []string{"mobilePhone"}}}
	if err := WriteCSV(path, regs); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(path)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if rows[1][2] != "'=HYPERLINK(\"http://evil\")" {
		t.Fatalf("formula not defused: %q", rows[1][2])
	}
	if err := WriteCSV(path, regs); err == nil {
		t.Fatal("an existing file was overwritten")
	}
}

func TestSortByTogglesOnTheSameColumn(t *testing.T) {
	m := loaded(t)
	m.SortBy(1)
	v := m.Visible()
	if strings.ToLower(v[0].UserPrincipalName) < strings.ToLower(v[len(v)-1].UserPrincipalName) {
		t.Fatal("second sort on the same column did not reverse")
	}
}
