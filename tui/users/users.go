// Package users is the Users pane: a search box with results as you type
// (debounced, stale answers dropped), the result list paged on scroll, and
// per-row marks for MFA registration, admin, disabled and bulk selection.
//
// The pane never interprets keys itself beyond the search box: the root
// model maps keys to the methods below (Move, ToggleMark, ...), so the one
// keymap in tui/keys.go stays the single source of truth.
package users

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
	"github.com/mfadesk/mfadesk/tui/internal/explain"
	"github.com/mfadesk/mfadesk/tui/internal/input"
	"github.com/mfadesk/mfadesk/tui/internal/marks"
)

// Glyphs for the mark columns. None is East Asian ambiguous-width, so
// columns stay aligned in every locale.
const (
	GlyphMarked     = "●"
	GlyphMFAOK      = "✓"
	GlyphMFAMissing = "✗"
	GlyphUnknown    = "·"
	GlyphAdmin      = "A"
	GlyphDisabled   = "⊘"
	GlyphGuest      = "G"
	GlyphRange      = "▌" // in a range selection (V)
)

// Styles is what the pane draws with (filled by tui/theme.go).
type Styles struct {
	Row, Cursor, CursorBlurred         draw.Painter
	Marked, MFAOK, MFAMissing, Unknown draw.Painter
	Admin, Disabled, Guest             draw.Painter
	UPN, Muted, Error, Header          draw.Painter
	// SearchActive marks the search box while it has the keys.
	SearchActive draw.Painter
	Input        input.Styles
}

// Defaults for the search.
const (
	DefaultDebounce = 250 * time.Millisecond
	DefaultPageSize = 50
	// pageAhead: fetch the next page when the cursor gets this close to the
	// end of what is loaded, so scrolling rarely waits.
	pageAhead = 10
)

// Model is the pane's state.
type Model struct {
	ctx      context.Context // the console's: cancelled on quit
	client   graph.Client
	marks    *marks.Set
	regs     map[string]*graph.Registration
	Debounce time.Duration
	PageSize int

	Search    input.Model
	searching bool

	seq    int                // generation of the current search
	cancel context.CancelFunc // cancels the current search or page fetch
	query  string             // the query the shown results answer

	items   []graph.User
	rows    []row
	next    string
	count   int
	loading bool
	more    bool
	err     error

	cursor, offset int
	height         int // rows of the list (set by SetSize)
	// anchor is where a range selection started (V, shift+arrows); -1 or
	// 0 with ranging false: none.
	anchor  int
	ranging bool
}

type row struct {
	name, upn, dept    string
	nameW, upnW, deptW int // display widths, measured once
}

// debounceMsg fires when typing paused; seq says which keystroke it is for.
type debounceMsg struct{ seq int }

// ResultsMsg answers a search (Append false) or a next page (Append true).
// Seq ties it to the search it answers: a stale one is dropped.
type ResultsMsg struct {
	Seq    int
	Query  string
	Page   graph.Page[graph.User]
	Err    error
	Append bool
}

// New returns the pane. regs is the registration report by user id (it may
// fill in later; rows look it up when drawn). ctx is the console's: every
// search ends with it.
func New(ctx context.Context, c graph.Client, m *marks.Set, regs map[string]*graph.Registration) Model {
	in := input.Model{Prompt: "/ ", Placeholder: "search name, UPN or mail"}
	// seq 1 and loading: Init's first search is already under way.
	return Model{ctx: ctx, client: c, marks: m, regs: regs, Search: in, Debounce: DefaultDebounce,
		PageSize: DefaultPageSize, count: -1, seq: 1, loading: true}
}

// Init returns the first (empty) search: the first page of users. It is a
// value method (tea.Model's Init is), so the state it needs is set by New.
func (m Model) Init() tea.Cmd {
	ctx, c, size := m.ctx, m.client, m.PageSize
	return func() tea.Msg {
		p, err := c.SearchUsers(ctx, "", size)
		return ResultsMsg{Seq: 1, Query: "", Page: p, Err: err}
	}
}

// Searching reports whether keys go to the search box.
func (m Model) Searching() bool { return m.searching }

// StartSearch focuses the search box.
func (m *Model) StartSearch() {
	m.searching = true
	m.Search.Focus()
}

// StopSearch returns keys to the list (the query stays).
func (m *Model) StopSearch() {
	m.searching = false
	m.Search.Blur()
}

// SetQuery replaces the search text and searches at once (used by the
// report's "open user" and by tests).
func (m *Model) SetQuery(q string) tea.Cmd {
	m.Search.SetValue(q)
	m.seq++
	return m.startSearch(m.Search.Value())
}

// SearchInput feeds a key or paste to the search box; when the text changed
// it (re)starts the debounce timer.
func (m *Model) SearchInput(msg tea.Msg) tea.Cmd {
	if !m.Search.Update(msg) {
		return nil
	}
	m.seq++
	seq := m.seq
	return tea.Tick(m.Debounce, func(time.Time) tea.Msg { return debounceMsg{seq: seq} })
}

// Refresh repeats the current search.
func (m *Model) Refresh() tea.Cmd {
	m.seq++
	return m.startSearch(m.Search.Value())
}

func (m *Model) startSearch(q string) tea.Cmd {
	if m.cancel != nil {
		m.cancel()
	}
	ctx, cancel := context.WithCancel(m.ctx)
	m.cancel = cancel
	m.loading = true
	m.more = false
	m.err = nil
	seq, c, size := m.seq, m.client, m.PageSize
	return func() tea.Msg {
		p, err := c.SearchUsers(ctx, strings.TrimSpace(q), size)
		return ResultsMsg{Seq: seq, Query: q, Page: p, Err: err}
	}
}

func (m *Model) fetchMore() tea.Cmd {
	if m.more || m.loading || m.next == "" {
		return nil
	}
	ctx, cancel := context.WithCancel(m.ctx)
	m.cancel = cancel
	m.more = true
	seq, c, next, q := m.seq, m.client, m.next, m.query
	return func() tea.Msg {
		p, err := c.NextUsers(ctx, next)
		return ResultsMsg{Seq: seq, Query: q, Page: p, Err: err, Append: true}
	}
}

// Update handles the pane's own messages; anything else is ignored.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case debounceMsg:
		if msg.seq != m.seq {
			return m, nil // more typing came after this pause
		}
		return m, m.startSearch(m.Search.Value())
	case ResultsMsg:
		if msg.Seq != m.seq {
			return m, nil // answer to an older query
		}
		if msg.Append {
			m.more = false
		} else {
			m.loading = false
		}
		if msg.Err != nil {
			m.err = msg.Err
			return m, nil
		}
		m.err = nil
		if !msg.Append {
			m.items, m.rows = nil, nil
			m.cursor, m.offset, m.ranging = 0, 0, false
			m.query = msg.Query
			m.count = msg.Page.Count
		}
		m.items = append(m.items, msg.Page.Items...)
		for _, u := range msg.Page.Items {
			m.rows = append(m.rows, makeRow(u))
		}
		m.next = msg.Page.Next
		return m, m.maybeMore()
	}
	return m, nil
}

func makeRow(u graph.User) row {
	r := row{name: graph.CleanText(u.DisplayName), upn: graph.CleanText(u.UserPrincipalName),
		dept: graph.CleanText(u.Department)}
	r.nameW, r.upnW, r.deptW = draw.Width(r.name), draw.Width(r.upn), draw.Width(r.dept)
	return r
}

func (m *Model) maybeMore() tea.Cmd {
	if m.next != "" && m.cursor >= len(m.items)-pageAhead {
		return m.fetchMore()
	}
	return nil
}

// Move moves the cursor by delta rows (clamped) and fetches the next page
// when the cursor nears the end of what is loaded.
func (m *Model) Move(delta int) tea.Cmd {
	if len(m.items) == 0 {
		return nil
	}
	m.cursor = draw.Clamp(m.cursor+delta, 0, len(m.items)-1)
	m.offset = draw.Scroll(m.cursor, m.offset, m.height, len(m.items))
	return m.maybeMore()
}

// Page moves by a screenful.
func (m *Model) Page(dir int) tea.Cmd { return m.Move(dir * max(m.height-1, 1)) }

// Home / End jump to the first / last loaded row.
func (m *Model) Home() tea.Cmd { return m.Move(-len(m.items)) }
func (m *Model) End() tea.Cmd  { return m.Move(len(m.items)) }

// Select puts the cursor on row i (mouse click).
func (m *Model) Select(i int) tea.Cmd { return m.Move(i - m.cursor) }

// RowAt maps a line inside the pane (0 = first inner line) to a row index.
func (m Model) RowAt(y int) (int, bool) {
	i := m.offset + y - 1 // line 0 is the search box
	if y < 1 || i < 0 || i >= len(m.items) {
		return 0, false
	}
	return i, true
}

// Selected is the highlighted user.
func (m Model) Selected() (graph.User, bool) {
	if m.cursor < 0 || m.cursor >= len(m.items) {
		return graph.User{}, false
	}
	return m.items[m.cursor], true
}

// Replace puts u in place of the loaded user with its id (after a change
// the list shows, such as a blocked sign-in); false when it is not loaded.
func (m *Model) Replace(u graph.User) bool {
	for i := range m.items {
		if m.items[i].ID == u.ID {
			m.items[i] = u
			return true
		}
	}
	return false
}

// Items are the loaded results.
func (m Model) Items() []graph.User { return m.items }

// Cursor is the highlighted row index.
func (m Model) Cursor() int { return m.cursor }

// Loading reports a search in flight.
func (m Model) Loading() bool { return m.loading }

// Query is the query the shown results answer.
func (m Model) Query() string { return m.query }

// ToggleMark marks or unmarks the highlighted user and moves down, so
// space, space, space marks consecutive users.
func (m *Model) ToggleMark() tea.Cmd {
	u, ok := m.Selected()
	if !ok {
		return nil
	}
	m.marks.Toggle(u)
	return m.Move(1)
}

// MarkAll marks every loaded result; it returns how many were new.
func (m *Model) MarkAll() int { return m.marks.Add(m.items...) }

// NotLoaded is how many matches of the search are not loaded yet (and so
// were not marked by MarkAll), from the count Graph reported.
func (m Model) NotLoaded() int { return max(m.count-len(m.items), 0) }

// RangeStart starts (or cancels, when one is open) a range selection at
// the cursor (V, as lazygit).
func (m *Model) RangeStart() {
	if m.ranging {
		m.ranging = false
		return
	}
	if len(m.items) > 0 {
		m.ranging, m.anchor = true, m.cursor
	}
}

// Ranging reports an open range selection.
func (m Model) Ranging() bool { return m.ranging }

// CancelRange closes the range selection, reporting whether one was open.
func (m *Model) CancelRange() bool {
	had := m.ranging
	m.ranging = false
	return had
}

// RangeExtend moves the cursor with a range open (opening one first).
func (m *Model) RangeExtend(d int) tea.Cmd {
	if !m.ranging && len(m.items) > 0 {
		m.ranging, m.anchor = true, m.cursor
	}
	return m.Move(d)
}

func (m Model) inRange(i int) bool {
	return m.ranging && i >= min(m.anchor, m.cursor) && i <= max(m.anchor, m.cursor)
}

// MarkRange marks the range's users (unmarks them when all were marked)
// and closes it; it returns how many changed and whether they were marked.
func (m *Model) MarkRange() (int, bool) {
	if !m.ranging {
		return 0, false
	}
	m.ranging = false
	lo, hi := min(m.anchor, m.cursor), min(max(m.anchor, m.cursor), len(m.items)-1)
	all := true
	for i := lo; i <= hi; i++ {
		all = all && m.marks.Has(m.items[i].ID)
	}
	n := 0
	for i := lo; i <= hi; i++ {
		if all {
			m.marks.Toggle(m.items[i])
			n++
		} else {
			n += m.marks.Add(m.items[i])
		}
	}
	return n, !all
}

// SetSize tells the pane its inner size.
func (m *Model) SetSize(w, h int) {
	m.height = max(h-1, 1)
	m.offset = draw.Scroll(m.cursor, m.offset, m.height, len(m.items))
}

// Title is the pane's title and its right-hand count.
func (m Model) Title() (string, string) {
	n := len(m.items)
	switch {
	case m.loading && n == 0:
		return "Users", "searching…"
	case m.err != nil && n == 0:
		return "Users", "search failed"
	case m.count > n:
		return "Users", fmt.Sprintf("%d of %d", n, m.count)
	default:
		return "Users", fmt.Sprintf("%d", n)
	}
}

// View draws the pane's inner w x h lines.
func (m Model) View(st Styles, w, h int, focused bool) []string {
	lines := make([]string, 0, h)
	if m.searching {
		// The box has the keys: its prompt is a badge and the list's
		// cursor dims, so it never looks like the list is focused.
		in := st.Input
		in.Prompt = st.SearchActive
		hint := "  enter done · esc clear"
		if w < 44 {
			hint = "  esc clears"
		}
		fw := max(w-draw.Width(hint), min(w, 16))
		lines = append(lines, m.Search.View(in, fw)+st.Muted.Render(draw.Trunc(hint, w-fw)))
		focused = false
	} else {
		lines = append(lines, m.Search.View(st.Input, w))
	}
	listH := h - 1
	switch {
	case m.err != nil && len(m.items) == 0:
		what, todo := explain.Err("Search", m.err)
		for _, l := range draw.Wrap(what, w) {
			lines = append(lines, st.Error.Render(l))
		}
		for _, l := range draw.Wrap(todo, w) {
			lines = append(lines, st.Muted.Render(l))
		}
		return lines
	case m.loading && len(m.items) == 0:
		return append(lines, st.Muted.Render("Searching…"))
	case len(m.items) == 0:
		if q := strings.TrimSpace(m.query); q != "" {
			lines = append(lines, st.Muted.Render(draw.Trunc(fmt.Sprintf("No users match %q.", q), w)))
			return append(lines, st.Muted.Render(draw.Trunc("Try part of a name, a UPN or mail.", w)))
		}
		return append(lines, st.Muted.Render("No users."))
	}
	end := min(m.offset+listH, len(m.items))
	for i := m.offset; i < end; i++ {
		lines = append(lines, m.rowView(st, i, w, focused))
	}
	if m.more && len(lines) < h {
		lines = append(lines, st.Muted.Render("Loading more…"))
	} else if m.err != nil && len(lines) < h {
		what, _ := explain.Err("Next page", m.err)
		for _, l := range draw.Wrap(what, w) {
			if len(lines) < h {
				lines = append(lines, st.Error.Render(l))
			}
		}
	}
	return lines
}

// columns: marks (3) + space + name + space + upn [+ space + dept].
func (m Model) widths(w int) (name, upn, dept int) {
	rest := w - 4
	if rest < 16 {
		return max(rest, 0), 0, 0 // too narrow for two columns: the name only
	}
	if rest >= 70 {
		dept = 16
		rest -= dept + 1
	}
	name = rest * 2 / 5
	upn = rest - name - 1
	return
}

func (m Model) rowView(st Styles, i, w int, focused bool) string {
	u := m.items[i]
	r := m.rows[i]
	mark, mfa, flag := " ", GlyphUnknown, " "
	markSt, mfaSt, flagSt := st.Row, st.Unknown, st.Row
	if m.marks.Has(u.ID) {
		mark, markSt = GlyphMarked, st.Marked
	}
	if m.inRange(i) {
		mark, markSt = GlyphRange, st.Marked
	}
	if reg := m.regs[u.ID]; reg != nil {
		if reg.IsMfaRegistered {
			mfa, mfaSt = GlyphMFAOK, st.MFAOK
		} else {
			mfa, mfaSt = GlyphMFAMissing, st.MFAMissing
		}
		if reg.IsAdmin {
			flag, flagSt = GlyphAdmin, st.Admin
		}
	}
	if !u.AccountEnabled {
		flag, flagSt = GlyphDisabled, st.Disabled
	} else if u.IsGuest() && flag == " " {
		flag, flagSt = GlyphGuest, st.Guest
	}
	nw, uw, dw := m.widths(w)
	name := draw.FitW(r.name, r.nameW, nw)
	upn := ""
	if uw > 0 {
		upn = " " + draw.FitW(r.upn, r.upnW, uw)
	}
	dept := ""
	if dw > 0 {
		dept = " " + draw.FitW(r.dept, r.deptW, dw)
	}
	if i == m.cursor {
		// One style for the whole row: nested styles would reset it midway.
		s := st.CursorBlurred
		if focused {
			s = st.Cursor
		}
		lw := 4 + nw // three one-cell glyphs and a space, then the name
		if uw > 0 {
			lw += 1 + uw
		}
		if dw > 0 {
			lw += 1 + dw
		}
		return s.Render(draw.FitW(mark+mfa+flag+" "+name+upn+dept, lw, w))
	}
	nameSt := st.Row
	if !u.AccountEnabled {
		nameSt = st.Disabled
	}
	return markSt.Render(mark) + mfaSt.Render(mfa) + flagSt.Render(flag) + " " +
		nameSt.Render(name) + st.UPN.Render(upn) + st.Muted.Render(dept)
}
