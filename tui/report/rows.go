package report

// rows.go: the report's rows and their order, kept cheap at 50,000 users.
// Rows arrive page by page and are appended, never rebuilt: a page costs
// work in its own rows, and its rows are merged into the sorted order in
// batches that grow with the table (a batch once the unmerged rows reach
// an eighth of the merged ones, and at the end of the load), so the whole
// load is linear in the rows. Sorting by a new column sorts fixed-size
// keys (a 64-bit prefix, then the string) rather than calling a closure
// over the rows; filtering and searching are one pass over the sorted
// order. Cells are made only for the rows drawn.

import (
	"cmp"
	"slices"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
)

// rowData is what the view keeps per row besides the registration itself.
type rowData struct {
	// hay is the lowercased UPN, a NUL and the lowercased display name:
	// what a search looks in (userRegistrationDetails has no mail).
	hay    string
	upnLen int32
	// methods and pref are the lowercased sort keys of the Methods and
	// Preferred columns, interned (a tenant has few distinct ones).
	methods, pref string
}

func (d rowData) upn() string  { return d.hay[:d.upnLen] }
func (d rowData) name() string { return d.hay[d.upnLen+1:] }

func (m *Model) newRowData(r *graph.Registration) rowData {
	upn := strings.ToLower(graph.CleanText(r.UserPrincipalName))
	name := strings.ToLower(graph.CleanText(r.UserDisplayName))
	return rowData{hay: upn + "\x00" + name, upnLen: int32(len(upn)),
		methods: m.intern(strings.ToLower(methodsCell(r))),
		pref:    m.intern(strings.ToLower(graph.CleanText(r.UserPreferredMethodForSecondaryAuthentication)))}
}

func (m *Model) intern(s string) string {
	if m.strs == nil {
		m.strs = map[string]string{}
	}
	if v, ok := m.strs[s]; ok {
		return v
	}
	if len(m.strs) < 4096 {
		m.strs[s] = s
	}
	return s
}

// strKey is row i's key for a text column (ok false for the others).
func (m *Model) strKey(i int32, col int) (string, bool) {
	d := &m.data[i]
	switch col {
	case 1:
		return d.upn(), true
	case 2:
		return d.name(), true
	case 7:
		return d.methods, true
	case 8:
		return d.pref, true
	}
	return "", false
}

// numKey is row i's key for the other columns: ✓ before ✗, admins last,
// oldest update first.
func (m *Model) numKey(i int32, col int) uint64 {
	r := m.regs[i]
	b := func(v bool) uint64 {
		if v {
			return 1
		}
		return 0
	}
	switch col {
	case 3:
		return 1 - b(r.IsMfaRegistered)
	case 4:
		return 1 - b(r.IsMfaCapable)
	case 5:
		return 1 - b(r.IsSsprRegistered)
	case 6:
		return b(r.IsAdmin)
	case 9:
		if r.LastUpdated.IsZero() {
			return 0
		}
		return uint64(max(r.LastUpdated.Unix()+1, 1))
	case columnMFAReq:
		return m.mfaRank(i)
	case columnPerUser:
		return uint64(m.puAt(i))
	}
	return 0
}

// sameKey reports rows i and j sorting equal in the sort column.
func (m *Model) sameKey(i, j int32) bool {
	if a, ok := m.strKey(i, m.sortCol); ok {
		b, _ := m.strKey(j, m.sortCol)
		return a == b
	}
	return m.numKey(i, m.sortCol) == m.numKey(j, m.sortCol)
}

// item is one row ready to sort: two integers, so comparisons never call
// into the rows. For a text column hi and the top of lo hold the key's
// first 12 bytes (runs that tie there and go on are sorted again by the
// whole key); the bottom of lo is the row's rank by UPN, the tie-break.
type item struct{ hi, lo uint64 }

func prefix(s string, n int) uint64 {
	var v uint64
	for k := 0; k < n; k++ {
		v <<= 8
		if k < len(s) {
			v |= uint64(s[k])
		}
	}
	return v
}

// byUPN sorts rows by UPN, then index (the tie-break of every order).
func (m *Model) byUPN(rows []int32) {
	slices.SortFunc(rows, func(a, b int32) int {
		if c := strings.Compare(m.data[a].upn(), m.data[b].upn()); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
}

// sortOrder sorts the merged rows by the sort column into m.order.
func (m *Model) sortOrder() {
	if m.sortCol == 1 {
		m.order = append(m.order[:0], m.upnOrder...)
		return
	}
	n := len(m.upnOrder)
	its := make([]item, n)
	text := m.sortCol == 1 || m.sortCol == 2 || m.sortCol == 7 || m.sortCol == 8
	for rank, i := range m.upnOrder {
		if text {
			k, _ := m.strKey(i, m.sortCol)
			its[rank] = item{prefix(k, 8), prefix(k[min(8, len(k)):], 4)<<32 | uint64(rank)}
		} else {
			its[rank] = item{m.numKey(i, m.sortCol), uint64(rank)}
		}
	}
	slices.SortFunc(its, func(a, b item) int {
		if a.hi != b.hi {
			return cmp.Compare(a.hi, b.hi)
		}
		return cmp.Compare(a.lo, b.lo)
	})
	m.order = m.order[:0]
	for _, it := range its {
		m.order = append(m.order, m.upnOrder[uint32(it.lo)])
	}
	if !text {
		return
	}
	// Keys longer than 12 bytes that tie on those: sort each such run by
	// the whole key (ties stay in UPN order: the sort is stable).
	for s := 0; s < n; {
		e := s + 1
		for e < n && its[e].hi == its[s].hi && its[e].lo>>32 == its[s].lo>>32 {
			e++
		}
		if e-s > 1 {
			run := m.order[s:e]
			slices.SortStableFunc(run, func(a, b int32) int {
				ka, _ := m.strKey(a, m.sortCol)
				kb, _ := m.strKey(b, m.sortCol)
				return strings.Compare(ka, kb)
			})
		}
		s = e
	}
}

// resort sorts again by the sort column (it changed).
func (m *Model) resort() { m.sortOrder() }

// merge sorts the pending rows by UPN, merges them into the UPN order
// (linear) and orders the rows by the sort column again (by UPN: a copy).
func (m *Model) merge() {
	if len(m.pending) == 0 {
		return
	}
	add := slices.Clone(m.pending)
	m.pending = m.pending[:0]
	m.byUPN(add)
	out := make([]int32, 0, len(m.upnOrder)+len(add))
	i, j := 0, 0
	for i < len(m.upnOrder) && j < len(add) {
		a, b := m.upnOrder[i], add[j]
		if c := strings.Compare(m.data[a].upn(), m.data[b].upn()); c < 0 || c == 0 && a < b {
			out = append(out, a)
			i++
		} else {
			out = append(out, b)
			j++
		}
	}
	m.upnOrder = append(append(out, m.upnOrder[i:]...), add[j:]...)
	m.sortOrder()
}

// mergeDue: merge once the unmerged rows are an eighth of the merged ones
// (so merges, each linear, come at geometric steps), or the load ended.
func (m *Model) mergeDue() bool {
	return len(m.pending) > 0 && (!m.loading || len(m.pending)*8 >= len(m.order))
}

// Append adds rows that arrived (a page of the report) without touching
// the rows already there beyond one merge when due.
func (m *Model) Append(regs []*graph.Registration) {
	for _, r := range regs {
		i := int32(len(m.regs))
		m.regs = append(m.regs, r)
		m.data = append(m.data, m.newRowData(r))
		m.count(r, 1)
		m.pending = append(m.pending, i)
	}
	m.evaluateNew()
	if m.mergeDue() {
		m.merge()
		m.apply()
	}
}

// Loaded records the end of the load (err: why it stopped early).
func (m *Model) Loaded(err error) {
	m.loading, m.err = false, err
	if len(m.pending) > 0 {
		m.merge()
	}
	m.apply()
}

// Reset empties the view for a new load (a refresh); the highlighted user
// is highlighted again once they arrive.
func (m *Model) Reset() {
	if r, ok := m.Selected(); ok {
		m.keep = r.ID
	}
	m.regs, m.data, m.upnOrder, m.order, m.pending, m.view = nil, nil, nil, nil, nil, nil
	m.dropPerUser()
	m.mfa = nil
	m.counts = [numFilters]int{}
	m.loading, m.err = true, nil
	m.cursor, m.offset = 0, 0
}

// Replace swaps in a fresh row for the same user (after an action),
// keeping its place in the load.
func (m *Model) Replace(r *graph.Registration) {
	for i, x := range m.regs {
		if x.ID != r.ID {
			continue
		}
		m.count(x, -1)
		m.regs[i], m.data[i] = r, m.newRowData(r)
		m.count(r, 1)
		m.mfaReplaced(i)
		if k := slices.Index(m.upnOrder, int32(i)); k >= 0 {
			m.upnOrder = slices.Delete(m.upnOrder, k, k+1)
			m.pending = append(m.pending, int32(i))
			m.merge()
		}
		m.apply()
		return
	}
}

func (m *Model) count(r *graph.Registration, d int) {
	for _, f := range Filters {
		if f != MFANotRequired && f.Match(r) {
			m.counts[f] += d
		}
	}
}

// SetData replaces every row (tests; the console appends pages).
func (m *Model) SetData(regs []*graph.Registration, loading bool, err error) {
	m.Reset()
	m.loading = true
	m.Append(regs)
	if loading {
		m.err = err
		m.merge()
		m.apply()
		return
	}
	m.Loaded(err)
}

// apply recomputes the visible rows for the filter, the search and the
// sort direction in one pass, keeping the highlighted user highlighted
// when still shown.
func (m *Model) apply() {
	keep := m.keep
	if r, ok := m.Selected(); ok {
		keep = r.ID
	}
	m.view = m.view[:0]
	q := m.query
	match := func(i int32) bool {
		ok := m.filter.Match(m.regs[i])
		if m.filter == MFANotRequired {
			ok = m.mfaVerdict(i) == graph.MFANo
		}
		return ok && (q == "" || strings.Contains(m.data[i].hay, q)) &&
			(m.puFilter == PerUserAny || m.puFilter.match(m.puAt(i)))
	}
	if !m.desc {
		for _, i := range m.order {
			if match(i) {
				m.view = append(m.view, i)
			}
		}
	} else {
		// Descending by the column, ties still by UPN ascending: the runs
		// of equal keys in reverse, each run in its own order.
		end := len(m.order)
		for end > 0 {
			start := end - 1
			for start > 0 && m.sameKey(m.order[start-1], m.order[end-1]) {
				start--
			}
			for _, i := range m.order[start:end] {
				if match(i) {
					m.view = append(m.view, i)
				}
			}
			end = start
		}
	}
	m.cursor = 0
	if keep != "" {
		for vi, i := range m.view {
			if m.regs[i].ID == keep {
				m.cursor, m.keep = vi, ""
				break
			}
		}
	}
	m.anchor = -1
	m.offset = draw.Scroll(m.cursor, m.offset, m.height, len(m.view))
}
