// Package report is the registration report view: the tenant-wide
// userRegistrationDetails, with filters and their counts (not MFA
// registered, not capable, admins without MFA, SMS/voice only, SSPR not
// registered), sorting by any column, marking that feeds the same bulk
// actions as the users pane, and CSV export.
package report

import (
	"encoding/csv"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
	"github.com/mfadesk/mfadesk/tui/internal/explain"
	"github.com/mfadesk/mfadesk/tui/internal/marks"
)

// Styles is what the view draws with (filled by tui/theme.go).
type Styles struct {
	Row, Cursor, Header, Muted, Error, OK, Bad, Warn draw.Painter
	Filter, FilterActive, Count, Marked              draw.Painter
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
	numFilters
)

// Filters lists every filter in key order (0..5).
var Filters = []Filter{All, NotRegistered, NotCapable, AdminsWithoutMFA, PhoneOnly, NoSSPR}

// Label names a filter.
func (f Filter) Label() string {
	return [...]string{"All", "Not MFA registered", "Not MFA capable", "Admins without MFA",
		"SMS/voice only", "SSPR not registered"}[f]
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
}

var priority = []int{0, 1, 3, 4, 6, 5, 7, 2, 9, 8}

const flexCol = 7

// SortColumns are the columns s cycles through (every data column).
var SortColumns = []int{1, 2, 3, 4, 5, 6, 7, 8, 9}

type row struct {
	cells []string
	keys  []string // sort keys per column
}

// Model is the view's state.
type Model struct {
	marks *marks.Set
	now   func() time.Time
	loc   *time.Location

	regs    []*graph.Registration
	rows    []row
	counts  [numFilters]int
	filter  Filter
	sortCol int // index into columns
	desc    bool
	view    []int

	loading bool
	err     error
	// keep is the user to highlight again once the rows arrive (after a
	// refresh emptied them).
	keep string

	cursor, offset, height int
	w                      int
}

// New returns an empty report view.
func New(m *marks.Set, now func() time.Time, loc *time.Location) Model {
	return Model{marks: m, now: now, loc: loc, sortCol: 1, loading: true}
}

// SetData replaces the rows (the root loads the report page by page).
func (m *Model) SetData(regs []*graph.Registration, loading bool, err error) {
	// The highlighted user is looked up before the rows change: the view's
	// indexes point into the old rows (a refresh replaces them with none).
	if r, ok := m.Selected(); ok {
		m.keep = r.ID
	}
	m.view = m.view[:0]
	m.loading, m.err = loading, err
	m.regs = regs
	m.rows = make([]row, len(regs))
	m.counts = [numFilters]int{}
	for i, r := range regs {
		m.rows[i] = m.makeRow(r)
		for _, f := range Filters {
			if f.Match(r) {
				m.counts[f]++
			}
		}
	}
	m.apply()
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

func (m Model) makeRow(r *graph.Registration) row {
	c := graph.CleanText
	upd := ""
	if !r.LastUpdated.IsZero() {
		upd = r.LastUpdated.In(m.loc).Format("2006-01-02")
	}
	methods := make([]string, len(r.MethodsRegistered))
	for i, x := range r.MethodsRegistered {
		methods[i] = MethodShort(c(x))
	}
	cells := []string{"", c(r.UserPrincipalName), c(r.UserDisplayName), tick(r.IsMfaRegistered),
		tick(r.IsMfaCapable), tick(r.IsSsprRegistered), map[bool]string{true: "A", false: ""}[r.IsAdmin],
		strings.Join(methods, ", "), c(r.UserPreferredMethodForSecondaryAuthentication), upd}
	keys := make([]string, len(cells))
	for i, s := range cells {
		keys[i] = strings.ToLower(s)
	}
	keys[9] = r.LastUpdated.UTC().Format(time.RFC3339)
	return row{cells: cells, keys: keys}
}

// apply recomputes the visible rows for the filter and sort, keeping the
// highlighted user highlighted when still shown.
func (m *Model) apply() {
	keep := m.keep
	if r, ok := m.Selected(); ok {
		keep = r.ID
	}
	m.view = m.view[:0]
	for i, r := range m.regs {
		if m.filter.Match(r) {
			m.view = append(m.view, i)
		}
	}
	col, desc := m.sortCol, m.desc
	sort.SliceStable(m.view, func(a, b int) bool {
		ka, kb := m.rows[m.view[a]].keys[col], m.rows[m.view[b]].keys[col]
		if ka == kb {
			return m.rows[m.view[a]].keys[1] < m.rows[m.view[b]].keys[1]
		}
		if desc {
			return ka > kb
		}
		return ka < kb
	})
	m.cursor = 0
	for i, ri := range m.view {
		if m.regs[ri].ID == keep {
			m.cursor, m.keep = i, ""
			break
		}
	}
	m.offset = draw.Scroll(m.cursor, m.offset, m.height, len(m.view))
}

// SetFilter shows only rows matching f.
func (m *Model) SetFilter(f Filter) {
	m.filter = f
	m.apply()
}

// Filter is the active filter.
func (m Model) Filter() Filter { return m.filter }

// Count is how many rows match f.
func (m Model) Count(f Filter) int { return m.counts[f] }

// CycleSort sorts by the next column; Reverse flips the order.
func (m *Model) CycleSort() {
	for i, c := range SortColumns {
		if c == m.sortCol {
			m.sortCol = SortColumns[(i+1)%len(SortColumns)]
			m.desc = false
			m.apply()
			return
		}
	}
	m.sortCol = SortColumns[0]
	m.apply()
}

// Reverse flips the sort order.
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
	}
	m.apply()
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

// headerLines: the filter line(s), a note line, the column header.
func (m Model) headerLines() int { return len(m.filterLines(Styles{}, m.w)) + 2 }

// filterLines are the filters with their counts, on one or two lines;
// too narrow for two, only the active one.
func (m Model) filterLines(st Styles, w int) []string {
	var segs []string
	for _, f := range Filters {
		label := fmt.Sprintf("%d %s %d", int(f), f.Label(), m.counts[f])
		if f == m.filter {
			segs = append(segs, st.FilterActive.Render("["+label+"]"))
		} else {
			segs = append(segs, st.Filter.Render(" "+label+" "))
		}
	}
	lines := draw.Pack(segs, " ", w)
	if len(lines) <= 2 {
		return lines
	}
	return []string{st.FilterActive.Render(draw.Trunc(fmt.Sprintf("[%d %s %d]", int(m.filter), m.filter.Label(), m.counts[m.filter]), w)) +
		st.Muted.Render(draw.Trunc("  0-5 filter", max(w-40, 0)))}
}

// HeaderAt reports whether line y (0 = first inner line) is the column
// header, and ColumnAt which column x (0 = first inner cell) falls in, for
// sorting by a click on the header.
func (m Model) HeaderAt(y int) bool { return y == m.headerLines()-1 }

// ColumnAt maps x on the header to a column index (see SortBy).
func (m Model) ColumnAt(x int) (int, bool) {
	cols := draw.Layout(columns, priority, flexCol, m.w)
	idx := draw.Kept(columns, cols)
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

// MarkAll marks every row the filter shows; it returns how many were new.
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
	}
	return t, fmt.Sprintf("%d of %d users", len(m.view), len(m.regs))
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
	cols := draw.Layout(columns, priority, flexCol, w)
	idx := draw.Kept(columns, cols)
	hdr := make([]string, len(cols))
	for j, ci := range idx {
		hdr[j] = columns[ci].Title
		if ci == m.sortCol {
			arrow := "▲"
			if m.desc {
				arrow = "▼"
			}
			hdr[j] = draw.Trunc(hdr[j], cols[j].Width-1) + arrow
		}
	}
	var sortLabel string
	if m.err != nil {
		what, _ := explain.Err("Next page", m.err)
		sortLabel = st.Error.Render(draw.Trunc(what, w))
	}
	lines = append(lines, sortLabel, st.Header.Render(draw.Fit(draw.Row(cols, hdr), w)))
	if len(m.view) == 0 {
		return append(lines, st.Muted.Render("No users match this filter."))
	}
	end := min(m.offset+h-len(lines), len(m.view))
	for vi := m.offset; vi < end; vi++ {
		ri := m.view[vi]
		r := m.rows[ri]
		cells := make([]string, len(idx))
		for j, ci := range idx {
			cells[j] = r.cells[ci]
		}
		if m.marks.Has(m.regs[ri].ID) {
			cells[0] = "●"
		}
		line := draw.Row(cols, cells)
		switch {
		case vi == m.cursor:
			lines = append(lines, st.Cursor.Render(draw.Fit(line, w)))
		case m.marks.Has(m.regs[ri].ID):
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
	w := csv.NewWriter(f)
	_ = w.Write([]string{"id", "userPrincipalName", "userDisplayName", "userType", "isAdmin", "isMfaRegistered",
		"isMfaCapable", "isSsprRegistered", "isSsprEnabled", "isPasswordlessCapable", "methodsRegistered",
		"userPreferredMethodForSecondaryAuthentication", "lastUpdatedDateTime"})
	b := func(v bool) string { return fmt.Sprint(v) }
	for _, r := range regs {
		upd := ""
		if !r.LastUpdated.IsZero() {
			upd = r.LastUpdated.UTC().Format(time.RFC3339)
		}
		_ = w.Write([]string{r.ID, safe(r.UserPrincipalName), safe(r.UserDisplayName), safe(r.UserType), b(r.IsAdmin),
			b(r.IsMfaRegistered), b(r.IsMfaCapable), b(r.IsSsprRegistered), b(r.IsSsprEnabled),
			b(r.IsPasswordlessCapable), safe(strings.Join(r.MethodsRegistered, ";")),
			safe(r.UserPreferredMethodForSecondaryAuthentication), upd})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func safe(s string) string {
	s = graph.CleanText(s)
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
