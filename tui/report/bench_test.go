package report

import (
	"fmt"
	"math/rand"
	"runtime"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/marks"
)

// benchRegs are n registration rows shaped like a real tenant's: mixed-case
// names in no particular order, a few methods each, some admins.
func benchRegs(n int) []*graph.Registration {
	rng := rand.New(rand.NewSource(1))
	first := []string{"Alex", "Kerry", "Kim", "Sean", "Ana", "Jürgen", "Priya", "Wei", "Olu", "Maria", "John", "Fatima"}
	last := []string{"Smith", "O'Brien", "Nakamura", "García", "Müller", "Okafor", "Chen", "Singh", "Kowalski", "Dubois"}
	methods := [][]string{{"microsoftAuthenticatorPush", "mobilePhone"}, {"mobilePhone"}, {}, {"fido2SecurityKey", "microsoftAuthenticatorPush"},
		{"email"}, {"windowsHelloForBusiness", "microsoftAuthenticatorPasswordless", "mobilePhone"}}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]*graph.Registration, n)
	for i := range out {
		f, l := first[rng.Intn(len(first))], last[rng.Intn(len(last))]
		ms := methods[rng.Intn(len(methods))]
		out[i] = &graph.Registration{ID: fmt.Sprintf("%08x-0000-0000-0000-%012d", rng.Uint32(), i),
			UserPrincipalName: fmt.Sprintf("%s.%s%d@contoso.com", f, l, rng.Intn(100000)),
			UserDisplayName:   fmt.Sprintf("%s %s", f, l), UserType: "member",
			IsAdmin: rng.Intn(50) == 0, IsMfaRegistered: len(ms) > 0 && ms[0] != "email", IsMfaCapable: len(ms) > 0,
			IsSsprRegistered: rng.Intn(3) > 0, MethodsRegistered: ms, UserPreferredMethodForSecondaryAuthentication: "push",
			LastUpdated: base.Add(time.Duration(rng.Intn(400*24)) * time.Hour)}
	}
	return out
}

const benchN = 50000

func benchModel(b *testing.B) Model {
	m := New(marks.New(), time.Now, time.UTC)
	m.SetSize(158, 40)
	regs := benchRegs(benchN)
	m.SetData(regs, false, nil)
	return m
}

// BenchmarkSort50k is one press of s (the next column) at 50,000 users.
func BenchmarkSort50k(b *testing.B) {
	m := benchModel(b)
	b.ReportAllocs()
	for b.Loop() {
		m.CycleSort()
	}
}

// BenchmarkFilter50k is one filter key (alternating 1 and 0, "All") at
// 50,000 users.
func BenchmarkFilter50k(b *testing.B) {
	m := benchModel(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.SetFilter(Filter(i % 2))
		i++
	}
}

// BenchmarkSearch50k is one key typed in the search box at 50,000 users
// (the query grows to "kerry" and starts again).
func BenchmarkSearch50k(b *testing.B) {
	m := benchModel(b)
	b.ReportAllocs()
	m.StartSearch()
	i := 0
	for b.Loop() {
		if i%5 == 0 {
			m.SetQuery("")
		}
		r := rune("kerry"[i%5])
		m.SearchInput(tea.KeyPressMsg{Code: r, Text: string(r)})
		i++
	}
}

// BenchmarkReverse50k is one press of S at 50,000 users.
func BenchmarkReverse50k(b *testing.B) {
	m := benchModel(b)
	m.SortBy(3) // a column of many ties
	b.ReportAllocs()
	for b.Loop() {
		m.Reverse()
	}
}

// BenchmarkLoad50k is the whole load of 50,000 users as the console gets
// it: pages of 999 rows, the view brought up to date after each. It
// reports the live heap the loaded view holds.
func BenchmarkLoad50k(b *testing.B) {
	regs := benchRegs(benchN)
	var heap float64
	b.ReportAllocs()
	for b.Loop() {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		m := New(marks.New(), time.Now, time.UTC)
		m.SetSize(158, 40)
		for i := 0; i < len(regs); i += 999 {
			m.Append(regs[i:min(i+999, len(regs))])
			_ = m.View(Styles{}, 158, 40) // a frame after each page
		}
		m.Loaded(nil)
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		heap = float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
		runtime.KeepAlive(m)
	}
	b.ReportMetric(heap, "view-heap-MB")
}

// BenchmarkSortColumn50k sorts by each column in turn (from UPN).
func BenchmarkSortColumn50k(b *testing.B) {
	m := benchModel(b)
	for _, col := range SortColumns {
		b.Run(columns[col].Title, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m.sortCol = 1
				m.SortBy(col)
			}
		})
	}
}
