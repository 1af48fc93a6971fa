package report

import (
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/marks"
)

// reference is the order the report had before it was made incremental:
// a stable sort of every row by the column's text, ties by UPN, the
// column's order flipped (not the ties) when descending.
func reference(m Model, regs []*graph.Registration, col int, desc bool, f Filter, q string) []string {
	var rows []*graph.Registration
	for _, r := range regs {
		hay := strings.ToLower(r.UserPrincipalName) + "\x00" + strings.ToLower(r.UserDisplayName)
		if f.Match(r) && strings.Contains(hay, q) {
			rows = append(rows, r)
		}
	}
	key := func(r *graph.Registration) string {
		if col == 10 {
			return "" // MFA required: no policies read here, every row alike
		}
		if col == 9 {
			if r.LastUpdated.IsZero() {
				return ""
			}
			return r.LastUpdated.UTC().Format(time.RFC3339)
		}
		if col >= 3 && col <= 5 { // ✓ before ✗
			return map[string]string{"✓": "0", "✗": "1"}[m.cells(r)[col]]
		}
		return strings.ToLower(m.cells(r)[col])
	}
	sort.SliceStable(rows, func(a, b int) bool {
		ka, kb := key(rows[a]), key(rows[b])
		if ka == kb {
			return strings.ToLower(rows[a].UserPrincipalName) < strings.ToLower(rows[b].UserPrincipalName)
		}
		if desc {
			return ka > kb
		}
		return ka < kb
	})
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}

func ids(rs []*graph.Registration) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// TestIncrementalOrderMatchesFullSort: rows appended page by page, sorted
// by each column both ways, filtered and searched, come out exactly as a
// full sort of everything would put them.
func TestIncrementalOrderMatchesFullSort(t *testing.T) {
	regs := benchRegs(3000)
	regs[5].LastUpdated = time.Time{}
	m := New(marks.New(), time.Now, time.UTC)
	m.SetSize(120, 30)
	for i := 0; i < len(regs); i += 97 {
		m.Append(regs[i:min(i+97, len(regs))])
	}
	m.Loaded(nil)
	for _, col := range SortColumns {
		for _, desc := range []bool{false, true} {
			for _, f := range []Filter{All, NotRegistered} {
				for _, q := range []string{"", "kerry"} {
					m.sortCol, m.desc = 0, false
					m.SortBy(col)
					if desc {
						m.Reverse()
					}
					m.SetFilter(f)
					m.SetQuery(q)
					want := reference(m, regs, col, desc, f, q)
					if got := ids(m.Visible()); !slices.Equal(got, want) {
						t.Fatalf("column %d desc %v filter %v search %q: order differs from a full sort", col, desc, f, q)
					}
				}
			}
		}
	}
	// A replaced row moves to its new place and the counts follow.
	m.SetQuery("")
	m.SetFilter(All)
	m.SortBy(1)
	if m.desc {
		m.Reverse()
	}
	before := m.Count(NotRegistered)
	r := *regs[10]
	r.UserPrincipalName = "aaaa.first@contoso.com"
	r.IsMfaRegistered = !r.IsMfaRegistered
	m.Replace(&r)
	if m.Visible()[0].ID != r.ID {
		t.Fatal("replaced row not re-sorted")
	}
	if d := m.Count(NotRegistered) - before; d != 1 && d != -1 {
		t.Fatalf("counts did not follow the replaced row (%d)", d)
	}
}

// TestRowsVisibleWhileLoading: the first pages show at once; later pages
// are merged in batches, and all are there when the load ends.
func TestRowsVisibleWhileLoading(t *testing.T) {
	regs := benchRegs(5000)
	m := New(marks.New(), time.Now, time.UTC)
	m.SetSize(120, 30)
	m.Append(regs[:999])
	if m.Shown() != 999 {
		t.Fatalf("first page: %d shown", m.Shown())
	}
	for i := 999; i < len(regs); i += 999 {
		m.Append(regs[i:min(i+999, len(regs))])
		if m.Shown() < i*8/9 {
			t.Fatalf("after %d rows only %d shown", i+999, m.Shown())
		}
	}
	m.Loaded(nil)
	if m.Shown() != 5000 || m.Count(All) != 5000 {
		t.Fatalf("%d shown, %d counted", m.Shown(), m.Count(All))
	}
}
