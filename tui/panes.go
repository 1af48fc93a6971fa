package tui

// panes.go: the main view's three panes behind one interface, so layout,
// drawing, mouse clicks and the wheel are each one loop over the panes.

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/tui/actions"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
)

type paneID int

const (
	paneUsers paneID = iota
	paneMethods
	paneSignIns
	numPanes
)

// rect is a pane's place on screen (for mouse hits).
type rect struct{ x, y, w, h int }

func (r rect) has(x, y int) bool { return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h }

// pane is what the root needs of a pane: its frame's title and right-hand
// note, its lines, its size, and what a click on an inner line or a turn
// of the wheel does there. The adapters below bind the panes' own models
// (users/, methods/, signins/) to the root.
type pane interface {
	title() (string, string)
	lines(w, h int, focused bool) []string
	setSize(w, h int)
	click(y int) tea.Cmd // y: inner line, 0 first
	wheel(d int) tea.Cmd // d: rows, negative up
	// move moves the cursor by lines (±1<<30: to the first or last) or
	// by pages.
	move(lines, pages int) tea.Cmd
}

// pane returns p's adapter over m (valid while m is).
func (m *Model) pane(p paneID) pane {
	switch p {
	case paneUsers:
		return usersPane{m}
	case paneMethods:
		return methodsPane{m}
	}
	return signInsPane{m}
}

type usersPane struct{ m *Model }

func (p usersPane) title() (string, string) {
	title, right := p.m.users.Title()
	if n := p.m.marks.Len(); n > 0 {
		right = fmt.Sprintf("%s · %d marked", right, n)
	}
	return title, right
}

func (p usersPane) lines(w, h int, focused bool) []string {
	return p.m.users.View(p.m.theme.Users, w, h, focused)
}

func (p usersPane) setSize(w, h int) { p.m.users.SetSize(w, h) }

func (p usersPane) click(y int) tea.Cmd {
	m := p.m
	if y == 0 {
		m.users.StartSearch()
		return nil
	}
	if m.users.Searching() {
		m.users.StopSearch()
	}
	if i, ok := m.users.RowAt(y); ok {
		return m.afterUsers(m.users.Select(i))
	}
	return nil
}

func (p usersPane) wheel(d int) tea.Cmd { return p.m.afterUsers(p.m.users.Move(d)) }

func (p usersPane) move(lines, pages int) tea.Cmd {
	u := &p.m.users
	switch {
	case lines == -1<<30:
		return p.m.afterUsers(u.Home())
	case lines == 1<<30:
		return p.m.afterUsers(u.End())
	case pages != 0:
		return p.m.afterUsers(u.Page(pages))
	}
	return p.m.afterUsers(u.Move(lines))
}

type methodsPane struct{ m *Model }

func (p methodsPane) title() (string, string) { return p.m.methods.Title() }

func (p methodsPane) lines(w, h int, focused bool) []string {
	return p.m.methods.View(p.m.theme.Methods, w, h, focused)
}

func (p methodsPane) setSize(w, h int)  { p.m.methods.SetSize(w, h) }
func (p methodsPane) click(int) tea.Cmd { return nil }

// wheel moves a method at a time: the pane is sized to its content.
func (p methodsPane) wheel(d int) tea.Cmd { p.m.methods.Move(d / 3); return nil }

func (p methodsPane) move(lines, pages int) tea.Cmd {
	p.m.methods.Move(lines + pages*methodsPage)
	return nil
}

type signInsPane struct{ m *Model }

func (p signInsPane) title() (string, string) { return p.m.signins.Title() }

func (p signInsPane) lines(w, h int, focused bool) []string {
	return p.m.signins.View(p.m.theme.SignIns, w, h, focused)
}

func (p signInsPane) setSize(w, h int) { p.m.signins.SetSize(w, h) }

func (p signInsPane) click(y int) tea.Cmd {
	s := &p.m.signins
	if s.SearchShown() && y == 0 {
		s.StartSearch()
		return nil
	}
	if s.Searching() {
		s.StopSearch()
	}
	if i, ok := s.RowAt(y); ok {
		s.Select(i)
	}
	return nil
}

func (p signInsPane) wheel(d int) tea.Cmd { p.m.signins.Move(d); return nil }

func (p signInsPane) move(lines, pages int) tea.Cmd {
	p.m.signins.Move(lines)
	p.m.signins.Page(pages)
	return nil
}

// narrow: too narrow for side by side, the focused pane takes the body.
func (m Model) narrow() bool { return m.w < 64 }

// layout sizes the panes for the terminal.
func (m *Model) layout() {
	bodyY, bodyH := 1, max(m.h-3, 3)
	if m.narrow() {
		for p := paneID(0); p < numPanes; p++ {
			m.rects[p] = rect{0, bodyY, m.w, bodyH}
		}
	} else {
		leftW := min(max(m.w*19/50, 34), 56)
		rightW := m.w - leftW
		// The methods pane is as tall as its content wants (status lines
		// plus one line per method), within what leaves the sign-ins room.
		methodsH := min(max(m.methods.Wanted(rightW-2)+2, 8), bodyH-8, bodyH*3/5)
		methodsH = max(methodsH, min(8, bodyH/2))
		m.rects[paneUsers] = rect{0, bodyY, leftW, bodyH}
		m.rects[paneMethods] = rect{leftW, bodyY, rightW, methodsH}
		m.rects[paneSignIns] = rect{leftW, bodyY + methodsH, rightW, bodyH - methodsH}
	}
	for p := paneID(0); p < numPanes; p++ {
		r := m.rects[p]
		m.pane(p).setSize(r.w-2, r.h-2)
	}
	m.report.SetSize(m.w-2, bodyH-2)
	if s, ok := m.modal.(actions.Sizer); ok {
		s.SetSize(m.modalW(), m.modalH())
	}
	if m.bulk != nil {
		m.bulk.SetSize(m.w, bodyH)
	}
}

func (m Model) modalW() int { return max(m.w-4, 20) }

// modalH is the height a dialog is drawn in (and told, so it scrolls to
// exactly its last line): the screen less the bar and the footer.
func (m Model) modalH() int { return max(m.h-2, 1) }

// paneBox draws pane p in its frame.
func (m *Model) paneBox(p paneID, focused bool) []string {
	r := m.rects[p]
	st := m.theme.Pane
	if focused {
		st = m.theme.PaneFocused
	}
	pn := m.pane(p)
	title, right := pn.title()
	return draw.Box(st, title, right, pn.lines(r.w-2, r.h-2, focused), r.w, r.h)
}

func (m Model) mainBody() []string {
	if m.narrow() {
		return m.paneBox(m.focus, true)
	}
	left := m.paneBox(paneUsers, m.focus == paneUsers)
	right := append(m.paneBox(paneMethods, m.focus == paneMethods), m.paneBox(paneSignIns, m.focus == paneSignIns)...)
	return draw.SideBySide(left, m.rects[paneUsers].w, right, m.rects[paneMethods].w)
}

// paneAt is the pane under (x, y), if any (when narrow, only the one shown).
func (m Model) paneAt(x, y int) (paneID, bool) {
	for p := paneID(0); p < numPanes; p++ {
		if m.rects[p].has(x, y) && (!m.narrow() || p == m.focus) {
			return p, true
		}
	}
	return 0, false
}

func (m Model) handleClick(ms tea.Mouse) (tea.Model, tea.Cmd) {
	if m.modal != nil || m.signInShown() || m.showBulk || ms.Button != tea.MouseLeft {
		return m, nil
	}
	if m.view == viewReport {
		// The report's box starts on line 1; its inner lines on line 2.
		if m.report.HeaderAt(ms.Y - 2) {
			if col, ok := m.report.ColumnAt(ms.X - 1); ok {
				m.report.SortBy(col)
			}
			return m, nil
		}
		if i, ok := m.report.RowAt(ms.Y - 2); ok {
			m.report.Select(i)
		}
		return m, nil
	}
	p, ok := m.paneAt(ms.X, ms.Y)
	if !ok {
		return m, nil
	}
	m.focus = p
	return m, m.pane(p).click(ms.Y - m.rects[p].y - 1)
}

func (m Model) handleWheel(ms tea.Mouse) (tea.Model, tea.Cmd) {
	d := 0
	switch ms.Button {
	case tea.MouseWheelUp:
		d = -3
	case tea.MouseWheelDown:
		d = 3
	default:
		return m, nil
	}
	if m.modal != nil {
		key := tea.KeyPressMsg{Code: tea.KeyDown}
		if d < 0 {
			key = tea.KeyPressMsg{Code: tea.KeyUp}
		}
		return m.toModal(key)
	}
	if m.showBulk {
		return m, nil
	}
	if m.view == viewReport {
		m.report.Move(d)
		return m, nil
	}
	// The wheel scrolls the pane under the pointer (narrow or not, as
	// before: rects overlap only when narrow, and the first is taken).
	for p := paneID(0); p < numPanes; p++ {
		if m.rects[p].has(ms.X, ms.Y) {
			return m, m.pane(p).wheel(d)
		}
	}
	return m, nil
}
