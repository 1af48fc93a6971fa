// Package report is the registration report view: the tenant-wide
// userRegistrationDetails, with filters and their counts (not MFA
// registered, not capable, admins without MFA, SMS/voice only, SSPR not
// registered), sorting by any column, marking that feeds the same bulk
// actions as the users pane, and CSV export.
package report

import (
	"fmt"
	"os"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
	"github.com/mfadesk/mfadesk/tui/internal/explain"
	"github.com/mfadesk/mfadesk/tui/internal/input"
	"github.com/mfadesk/mfadesk/tui/internal/marks"
)

// Styles is what the view draws with (filled by tui/theme.go).
type Styles struct {
	Row, Cursor, Header, Muted, Error, OK, Bad, Warn draw.Painter
	Filter, FilterActive, Count, Marked              draw.Painter
	// CursorBlurred is the list's cursor while the search box has the keys;
	// SearchActive the box then; Range the rows of a range selection.
	CursorBlurred, SearchActive, Range draw.Painter
	Input                              input.Styles
}

// Filter selects report rows.
type Filter int

const (
	All Filter = iota
	NotRegistered
	NotCapable
	AdminsWithoutMFA
	PhoneOnly
	NoSSPR
	// MFANotRequired: no Conditional Access policy nor security defaults
	// require MFA of the user (mfareq.go).
	MFANotRequired
	numFilters
)

// Filters lists every filter in key order (0..5).
var Filters = []Filter{All, NotRegistered, NotCapable, AdminsWithoutMFA, PhoneOnly, NoSSPR, MFANotRequired}

// Label names a filter.
func (f Filter) Label() string {
	return [...]string{"All", "Not MFA registered", "Not MFA capable", "Admins without MFA",
		"SMS/voice only", "SSPR not registered", "MFA not required"}[f]
}

// phoneMethods are methodsRegistered values that are SMS or voice.
var phoneMethods = map[string]bool{"mobilePhone": true, "alternateMobilePhone": true, "officePhone": true}

// notMFA are methodsRegistered values that are not an MFA method
// (email and security questions are SSPR only).
var notMFA = map[string]bool{"email": true, "securityQuestion": true, "password": true}

// Match reports whether r passes f.
func (f Filter) Match(r *graph.Registration) bool {
	switch f {
	case NotRegistered:
		return !r.IsMfaRegistered
	case NotCapable:
		return !r.IsMfaCapable
	case AdminsWithoutMFA:
		return r.IsAdmin && !r.IsMfaRegistered
	case PhoneOnly:
		phone := false
		for _, m := range r.MethodsRegistered {
			switch {
			case phoneMethods[m]:
				phone = true
			case notMFA[m]:
			default:
				return false
			}
		}
		return phone
	case NoSSPR:
		return !r.IsSsprRegistered
	case MFANotRequired:
		return false // decided by the model's verdicts (mfareq.go)
	}
	return true
}

// Columns of the report, in display order.
var columns = []draw.Column{
	{Title: "", Width: 1},
	{Title: "User principal name", Width: 26},
	{Title: "Name", Width: 14},
	{Title: "MFA", Width: 3},
	{Title: "Cap", Width: 3},
	{Title: "SSPR", Width: 4},
	{Title: "Adm", Width: 3},
	{Title: "Methods", Width: 16},
	{Title: "Preferred", Width: 14},
	{Title: "Updated", Width: 10},
	{Title: "Req", Width: 3}, // MFA required by CA / security defaults (mfareq.go)
}

var priority = []int{0, 1, 3, 4, 6, columnMFAReq, 5, 7, 2, 9, 8}

const flexCol = 7

// SortColumns are the columns s cycles through (every data column).
var SortColumns = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}

// table is the columns shown now and their priority order: the base ones,
// and the per-user MFA column once it was asked for.
func (m Model) table() ([]draw.Column, []int) {
	if m.pu == nil {
		return columns, priority
	}
	cols := append(append([]draw.Column(nil), columns...), perUserColumn)
	// Kept before the name and the dates: it is what was asked for.
	prio := []int{0, 1, columnPerUser, 3, 4, 6, columnMFAReq, 5, 7, 2, 9, 8}
	return cols, prio
}

// sortColumns are the columns s cycles through now.
func (m Model) sortColumns() []int {
	if m.pu == nil {
		return SortColumns
	}
	return append(append([]int(nil), SortColumns...), columnPerUser)
}

// Model is the view's state.
type Model struct {
	marks *marks.Set
	now   func() time.Time
	loc   *time.Location

	regs     []*graph.Registration
	data     []rowData
	strs     map[string]string // interned sort keys
	upnOrder []int32           // merged rows by UPN
	order    []int32           // merged rows, ascending by the sort column, then UPN
	pending  []int32           // rows appended since the last merge
	counts   [numFilters]int
	filter   Filter
	mfa      *mfaState // the MFA required column (mfareq.go)
	sortCol  int       // index into columns
	desc     bool
	view     []int32

	// Search: the box and the lowercased text rows are matched against.
	search    input.Model
	searching bool
	query     string

	// anchor is where a range selection (V, shift+arrows) started; -1: none.
	anchor int

	loading bool
	err     error
	load    *loader // the load under way (load.go)
	// pu is the per-user MFA column (peruser.go), nil until asked for;
	// puFilter narrows the rows by it.
	pu       *perUserCol
	puFilter PerUserFilter
	// keep is the user to highlight again once the rows arrive (after a
	// refresh emptied them).
	keep string

	cursor, offset, height int
	w                      int
}

// New returns an empty report view.
func New(m *marks.Set, now func() time.Time, loc *time.Location) Model {
	in := input.Model{Prompt: "/ ", Placeholder: "search name or UPN", Limit: 128}
	return Model{marks: m, now: now, loc: loc, sortCol: 1, loading: true, search: in, anchor: -1}
}

// MethodShort names a methodsRegistered value briefly for the table.
func MethodShort(v string) string {
	switch v {
	case "microsoftAuthenticatorPush":
		return "Authenticator"
	case "microsoftAuthenticatorPasswordless":
		return "Auth passwordless"
	case "mobilePhone":
		return "mobile"
	case "alternateMobilePhone":
		return "alt mobile"
	case "officePhone":
		return "office phone"
	case "softwareOneTimePasscode":
		return "OATH app"
	case "hardwareOneTimePasscode":
		return "OATH token"
	case "fido2SecurityKey":
		return "FIDO2"
	case "passKeyDeviceBound", "passKeyDeviceBoundAuthenticator", "passKeyDeviceBoundWindowsHello":
		return "passkey"
	case "windowsHelloForBusiness":
		return "Windows Hello"
	case "temporaryAccessPass":
		return "TAP"
	case "securityQuestion":
		return "questions"
	case "macOsSecureEnclaveKey":
		return "macOS key"
	}
	return v
}

func tick(b bool) string {
	if b {
		return "✓"
	}
	return "✗"
}

func methodsCell(r *graph.Registration) string {
	methods := make([]string, len(r.MethodsRegistered))
	for i, x := range r.MethodsRegistered {
		methods[i] = MethodShort(graph.CleanText(x))
	}
	return strings.Join(methods, ", ")
}

// cells are a row's table cells, made when the row is drawn.
func (m Model) cells(r *graph.Registration) []string {
	c := graph.CleanText
	upd := ""
	if !r.LastUpdated.IsZero() {
		upd = r.LastUpdated.In(m.loc).Format("2006-01-02")
	}
	adm := ""
	if r.IsAdmin {
		adm = "A"
	}
	return []string{"", c(r.UserPrincipalName), c(r.UserDisplayName), tick(r.IsMfaRegistered),
		tick(r.IsMfaCapable), tick(r.IsSsprRegistered), adm,
		methodsCell(r), c(r.UserPreferredMethodForSecondaryAuthentication), upd}
}

// SetFilter shows only rows matching f.
func (m *Model) SetFilter(f Filter) {
	m.filter = f
	m.apply()
}

// Filter is the active filter.
func (m Model) Filter() Filter { return m.filter }

// Count is how many rows match f.
func (m Model) Count(f Filter) int {
	if f == MFANotRequired {
		if m.mfa == nil {
			return 0
		}
		return m.mfa.notReq
	}
	return m.counts[f]
}

// CycleSort sorts by the next column; Reverse flips the order.
func (m *Model) CycleSort() {
	sc := m.sortColumns()
	next := sc[0]
	for i, c := range sc {
		if c == m.sortCol {
			next = sc[(i+1)%len(sc)]
		}
	}
	m.sortCol, m.desc = next, false
	m.resort()
	m.apply()
}

// Reverse flips the sort order (no sorting: the order is walked the
// other way).
func (m *Model) Reverse() {
	m.desc = !m.desc
	m.apply()
}

// SortBy sorts by column index (mouse click on a header).
func (m *Model) SortBy(col int) {
	if col == m.sortCol {
		m.desc = !m.desc
	} else {
		m.sortCol, m.desc = col, false
		m.resort()
	}
	m.apply()
}

// Searching reports whether keys go to the search box.
func (m Model) Searching() bool { return m.searching }

// StartSearch focuses the search box (/).
func (m *Model) StartSearch() {
	m.searching = true
	m.search.Focus()
}

// StopSearch returns keys to the list; the filter stays.
func (m *Model) StopSearch() {
	m.searching = false
	m.search.Blur()
}

// Query is the search text (as typed).
func (m Model) Query() string { return m.search.Value() }

// SearchInput feeds a key or paste to the box and filters the rows at
// once (a pass over the rows: no debounce needed).
func (m *Model) SearchInput(msg tea.Msg) {
	if m.search.Update(msg) {
		m.setQuery(m.search.Value())
	}
}

// SetQuery replaces the search text and filters.
func (m *Model) SetQuery(q string) {
	m.search.SetValue(q)
	m.setQuery(m.search.Value())
}

func (m *Model) setQuery(q string) {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == m.query {
		return
	}
	m.query = q
	m.apply()
}

// ClearSearch empties the search (esc), reporting whether there was one.
func (m *Model) ClearSearch() bool {
	had := m.search.Value() != ""
	m.StopSearch()
	m.search.Reset()
	m.setQuery("")
	return had
}

// RangeStart starts (or, when one is open, cancels) a range selection at
// the cursor (V, as lazygit).
func (m *Model) RangeStart() {
	if m.anchor >= 0 {
		m.anchor = -1
		return
	}
	if len(m.view) > 0 {
		m.anchor = m.cursor
	}
}

// Ranging reports an open range selection.
func (m Model) Ranging() bool { return m.anchor >= 0 }

// CancelRange closes the range selection, reporting whether one was open.
func (m *Model) CancelRange() bool {
	had := m.anchor >= 0
	m.anchor = -1
	return had
}

// RangeExtend moves the cursor with a range selection open (shift+arrows
// open one first).
func (m *Model) RangeExtend(d int) {
	if m.anchor < 0 && len(m.view) > 0 {
		m.anchor = m.cursor
	}
	m.Move(d)
}

func (m Model) inRange(vi int) bool {
	if m.anchor < 0 {
		return false
	}
	lo, hi := min(m.anchor, m.cursor), max(m.anchor, m.cursor)
	return vi >= lo && vi <= hi
}

// MarkRange marks every row of the range (or unmarks them when all were
// marked) and closes it. It returns how many rows changed, and whether
// they were marked.
func (m *Model) MarkRange() (int, bool) {
	if m.anchor < 0 {
		return 0, false
	}
	lo, hi := min(m.anchor, m.cursor), max(m.anchor, m.cursor)
	m.anchor = -1
	all := true
	for vi := lo; vi <= hi; vi++ {
		if !m.marks.Has(m.regs[m.view[vi]].ID) {
			all = false
			break
		}
	}
	n := 0
	for vi := lo; vi <= hi; vi++ {
		u := UserOf(m.regs[m.view[vi]])
		switch {
		case all:
			m.marks.Toggle(u)
			n++
		default:
			n += m.marks.Add(u)
		}
	}
	return n, !all
}

// Visible are the rows shown (after the filter), in order.
func (m Model) Visible() []*graph.Registration {
	out := make([]*graph.Registration, len(m.view))
	for i, ri := range m.view {
		out[i] = m.regs[ri]
	}
	return out
}

// Selected is the highlighted row.
func (m Model) Selected() (*graph.Registration, bool) {
	if m.cursor < 0 || m.cursor >= len(m.view) {
		return nil, false
	}
	return m.regs[m.view[m.cursor]], true
}

// Shown is how many rows the filter and search show.
func (m Model) Shown() int { return len(m.view) }

// Move moves the cursor.
func (m *Model) Move(d int) {
	if len(m.view) == 0 {
		return
	}
	m.cursor = draw.Clamp(m.cursor+d, 0, len(m.view)-1)
	m.offset = draw.Scroll(m.cursor, m.offset, m.height, len(m.view))
}

// Page moves by a screenful.
func (m *Model) Page(dir int) { m.Move(dir * max(m.height-1, 1)) }

// Select puts the cursor on visible row i.
func (m *Model) Select(i int) { m.Move(i - m.cursor) }

// RowAt maps a line inside the view (0 = first inner line) to a row.
func (m Model) RowAt(y int) (int, bool) {
	i := m.offset + y - m.headerLines()
	if y < m.headerLines() || i < 0 || i >= len(m.view) {
		return 0, false
	}
	return i, true
}

// headerLines: the filter line(s), the search and note lines, the column
// header.
func (m Model) headerLines() int {
	return len(m.filterLines(Styles{}, m.w)) + len(m.perUserNote(Styles{}, m.w)) + len(m.noteLines(Styles{}, m.w)) + 1
}

// filterLines are the filters with their counts, on one or two lines;
// too narrow for two, only the active one.
func (m Model) filterLines(st Styles, w int) []string {
	var segs []string
	// Counts only when rows are known: beside a failed load, "0" is false.
	counted := m.err == nil || len(m.regs) > 0
	for _, f := range Filters {
		label := fmt.Sprintf("%d %s", int(f), f.Label())
		if counted {
			label += fmt.Sprintf(" %d", m.Count(f))
		}
		if f == m.filter {
			segs = append(segs, st.FilterActive.Render("["+label+"]"))
		} else {
			segs = append(segs, st.Filter.Render(" "+label+" "))
		}
	}
	lines := draw.Pack(segs, " ", w)
	if len(lines) <= 3 { // seven filters take three lines at 80 columns
		return lines
	}
	active := fmt.Sprintf("%d %s", int(m.filter), m.filter.Label())
	if counted {
		active += fmt.Sprintf(" %d", m.Count(m.filter))
	}
	return []string{st.FilterActive.Render(draw.Trunc("["+active+"]", w)) +
		st.Muted.Render(draw.Trunc("  0-6 filter", max(w-40, 0)))}
}

// HeaderAt reports whether line y (0 = first inner line) is the column
// header, and ColumnAt which column x (0 = first inner cell) falls in, for
// sorting by a click on the header.
func (m Model) HeaderAt(y int) bool { return y == m.headerLines()-1 }

// ColumnAt maps x on the header to a column index (see SortBy).
func (m Model) ColumnAt(x int) (int, bool) {
	table, prio := m.table()
	cols := draw.Layout(table, prio, flexCol, m.w)
	idx := draw.Kept(table, cols)
	left := 0
	for j, c := range cols {
		if x >= left && x < left+c.Width {
			return idx[j], idx[j] != 0
		}
		left += c.Width + 1
	}
	return 0, false
}

// UserOf turns a report row into the user a bulk action targets.
func UserOf(r *graph.Registration) graph.User {
	return graph.User{ID: r.ID, UserPrincipalName: r.UserPrincipalName, DisplayName: r.UserDisplayName,
		UserType: r.UserType, AccountEnabled: true}
}

// ToggleMark marks or unmarks the highlighted row and moves down.
func (m *Model) ToggleMark() {
	if r, ok := m.Selected(); ok {
		m.marks.Toggle(UserOf(r))
		m.Move(1)
	}
}

// MarkAll marks every row the filter and search show (all of them: the
// report holds every user); it returns how many were new.
func (m *Model) MarkAll() int {
	us := make([]graph.User, 0, len(m.view))
	for _, ri := range m.view {
		us = append(us, UserOf(m.regs[ri]))
	}
	return m.marks.Add(us...)
}

// SetSize tells the view its inner size.
func (m *Model) SetSize(w, h int) {
	m.w = w
	m.height = max(h-m.headerLines(), 1)
	m.offset = draw.Scroll(m.cursor, m.offset, m.height, len(m.view))
}

// Title is the view's title and right-hand note.
func (m Model) Title() (string, string) {
	t := "Registration report"
	switch {
	case m.loading && len(m.regs) == 0:
		return t, "loading…"
	case m.loading:
		return t, fmt.Sprintf("%d users so far, loading…", len(m.regs))
	case m.err != nil && len(m.regs) == 0:
		return t, "load failed" // no count: none is known
	case m.err != nil:
		return t, fmt.Sprintf("%d of %d users loaded (incomplete)", len(m.view), len(m.regs))
	}
	return t, fmt.Sprintf("%d of %d users", len(m.view), len(m.regs))
}

// noteLines are the search box and, after it, what stopped the load (the
// whole message, wrapped: the rows loaded are still shown below).
func (m Model) noteLines(st Styles, w int) []string {
	box := m.search.View(st.Input, w)
	if m.searching {
		// Typing goes here: the line says so in words too, and the list's
		// cursor dims, so a focused box never looks like a focused list.
		badge, hint := " SEARCH ", "  enter done · esc clear"
		fw := min(w-len(badge), max(w-len(badge)-draw.Width(hint), w/2))
		box = st.SearchActive.Render(badge) + m.search.View(st.Input, fw) + st.Muted.Render(draw.Trunc(hint, w-fw-len(badge)))
	} else if m.search.Value() != "" {
		hint := fmt.Sprintf("  %d matches · / edit · esc clear", len(m.view))
		if len(m.view) == 1 {
			hint = "  1 match · / edit · esc clear"
		}
		fw := min(w, max(w-draw.Width(hint), w/2))
		box = m.search.View(st.Input, fw) + st.Muted.Render(draw.Trunc(hint, w-fw))
	}
	lines := []string{draw.Fit(box, w)}
	if m.err != nil && len(m.regs) > 0 {
		what, _ := explain.Err("Loading the next page", m.err)
		for _, l := range draw.Wrap(what+" (ctrl+r loads again)", w) {
			lines = append(lines, st.Error.Render(l))
		}
	}
	return lines
}

// View draws the inner w x h lines.
func (m Model) View(st Styles, w, h int) []string {
	lines := m.filterLines(st, w)
	switch {
	case m.err != nil && len(m.regs) == 0:
		what, todo := explain.Err("Loading the registration report", m.err)
		lines = append(lines, "")
		for _, l := range draw.Wrap(what, w) {
			lines = append(lines, st.Error.Render(l))
		}
		for _, l := range draw.Wrap(todo, w) {
			lines = append(lines, st.Muted.Render(l))
		}
		return lines
	case m.loading && len(m.regs) == 0:
		return append(lines, "", st.Muted.Render("Loading userRegistrationDetails…"))
	}
	table, prio := m.table()
	cols := draw.Layout(table, prio, flexCol, w)
	idx := draw.Kept(table, cols)
	hdr := make([]string, len(cols))
	for j, ci := range idx {
		hdr[j] = table[ci].Title
		if ci == m.sortCol {
			arrow := "▲"
			if m.desc {
				arrow = "▼"
			}
			hdr[j] = draw.Trunc(hdr[j], cols[j].Width-1) + arrow
		}
	}
	lines = append(lines, m.perUserNote(st, w)...)
	lines = append(lines, m.noteLines(st, w)...)
	lines = append(lines, st.Header.Render(draw.Fit(draw.Row(cols, hdr), w)))
	if len(m.view) == 0 {
		switch {
		case m.query != "":
			return append(lines, st.Muted.Render(draw.Trunc(fmt.Sprintf("No users match %q in %s.", m.search.Value(), m.filter.Label()), w)))
		case len(m.pending) > 0:
			return append(lines, st.Muted.Render("Sorting the rows that arrived…"))
		}
		return append(lines, st.Muted.Render("No users match this filter."))
	}
	end := min(m.offset+h-len(lines), len(m.view))
	cursor := st.Cursor
	if m.searching {
		cursor = st.CursorBlurred
	}
	for vi := m.offset; vi < end; vi++ {
		ri := m.view[vi]
		all := append(m.cells(m.regs[ri]), m.mfaCell(ri))
		if m.pu != nil {
			all = append(all, m.puAt(ri).cell(m.pu.reading && int(ri) < m.pu.asked))
		}
		cells := make([]string, len(idx))
		for j, ci := range idx {
			cells[j] = all[ci]
		}
		marked := m.marks.Has(m.regs[ri].ID)
		switch {
		case m.inRange(vi):
			cells[0] = "▌"
		case marked:
			cells[0] = "●"
		}
		line := draw.Row(cols, cells)
		switch {
		case vi == m.cursor:
			lines = append(lines, cursor.Render(draw.Fit(line, w)))
		case m.inRange(vi):
			lines = append(lines, st.Range.Render(draw.Fit(line, w)))
		case marked:
			lines = append(lines, st.Marked.Render(line))
		default:
			lines = append(lines, st.Row.Render(line))
		}
	}
	return lines
}

// WriteCSV exports rows (the filtered view) to path; it refuses to
// overwrite an existing file. Cells from the directory are defused against
// spreadsheet formula injection.
func WriteCSV(path string, regs []*graph.Registration) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	w, err := graph.NewCSVWriter(f, "id", "userPrincipalName", "userDisplayName", "userType", "isAdmin", "isMfaRegistered",
		"isMfaCapable", "isSsprRegistered", "isSsprEnabled", "isPasswordlessCapable", "methodsRegistered",
		"userPreferredMethodForSecondaryAuthentication", "lastUpdatedDateTime")
	b := func(v bool) string { return fmt.Sprint(v) }
	for _, r := range regs {
		if err != nil {
			break
		}
		upd := ""
		if !r.LastUpdated.IsZero() {
			upd = r.LastUpdated.UTC().Format(time.RFC3339)
		}
		err = w.Row(r.ID, r.UserPrincipalName, r.UserDisplayName, r.UserType, b(r.IsAdmin),
			b(r.IsMfaRegistered), b(r.IsMfaCapable), b(r.IsSsprRegistered), b(r.IsSsprEnabled),
			b(r.IsPasswordlessCapable), strings.Join(r.MethodsRegistered, ";"),
			r.UserPreferredMethodForSecondaryAuthentication, upd)
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
