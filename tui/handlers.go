package tui

// handlers.go: what the table's keys do that takes more than a line:
// moving, searching, marking, opening.

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/tui/actions"
)

// methodsPage is how far page up/down moves in the methods pane, which is
// sized to its content and rarely scrolls.
const methodsPage = 10

// listStep reads a navigation key as a move in a list: lines (±1, or far
// enough to reach the top or bottom) or pages. ok is false for other keys.
func listStep(k KeyMap, msg tea.KeyPressMsg) (lines, pages int, ok bool) {
	switch {
	case key.Matches(msg, k.Up):
		return -1, 0, true
	case key.Matches(msg, k.Down):
		return 1, 0, true
	case key.Matches(msg, k.PageUp):
		return 0, -1, true
	case key.Matches(msg, k.PageDown):
		return 0, 1, true
	case key.Matches(msg, k.Top):
		return -1 << 30, 0, true
	case key.Matches(msg, k.Bottom):
		return 1 << 30, 0, true
	}
	return 0, 0, false
}

// move moves the cursor of the focused list.
func (m Model) move(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	lines, pages, ok := listStep(m.keys, msg)
	if !ok {
		return m, nil
	}
	if m.view == viewReport {
		m.report.Move(lines)
		m.report.Page(pages)
		return m, nil
	}
	return m, m.pane(m.focus).move(lines, pages)
}

// searching reports a search box that has the keys.
func (m Model) searching() bool {
	if m.view == viewReport {
		return m.report.Searching()
	}
	return m.users.Searching() || m.signins.Searching()
}

// searchKey handles a key while a search box has them: text searches,
// enter/down (and tab, which then moves on) return to the list with the
// search kept, esc clears it (as in k9s). done is false when the key is
// to be handled as usual afterwards (tab).
func (m Model) searchKey(msg tea.KeyPressMsg) (Model, tea.Cmd, bool) {
	s := msg.String()
	switch {
	case m.view == viewReport:
		switch s {
		case "esc":
			m.report.ClearSearch()
		case "enter", "down", "tab", "shift+tab":
			m.report.StopSearch()
		default:
			m.report.SearchInput(msg)
		}
	case m.users.Searching():
		switch s {
		case "esc":
			m.users.StopSearch()
			return m, m.afterUsers(m.users.SetQuery("")), true
		case "enter", "down":
			m.users.StopSearch()
		case "tab", "shift+tab":
			m.users.StopSearch()
			return m, nil, false
		default:
			return m, m.afterUsers(m.users.SearchInput(msg)), true
		}
	default:
		switch s {
		case "esc":
			m.signins.ClearSearch()
		case "enter", "down", "tab", "shift+tab":
			m.signins.StopSearch()
		default:
			m.signins.SearchInput(msg)
		}
	}
	return m, nil, true
}

// handlePaste gives pasted text to whatever has the keys.
func (m Model) handlePaste(msg tea.PasteMsg) (tea.Model, tea.Cmd) {
	switch {
	case m.signInShown():
	case m.modal != nil:
		return m.toModal(msg)
	case m.showBulk && m.bulk != nil:
		return m.toBulk(msg)
	case m.view == viewReport && m.report.Searching():
		m.report.SearchInput(msg)
	case m.view == viewMain && m.users.Searching():
		return m, m.afterUsers(m.users.SearchInput(msg))
	case m.view == viewMain && m.signins.Searching():
		m.signins.SearchInput(msg)
	}
	return m, nil
}

// startSearch focuses a search box: the report's, the sign-ins' when that
// pane is focused, else the users'.
func (m Model) startSearch(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case m.view == viewReport:
		// Search here, in place: the report filters as you type; nothing
		// jumps to another view with the list focused.
		m.report.StartSearch()
	case m.focus == paneSignIns:
		m.users.StopSearch()
		m.signins.StartSearch()
	default:
		m.signins.StopSearch()
		m.focus = paneUsers
		m.users.StartSearch()
	}
	return m, nil
}

// clearFilter (esc) closes a range selection, else clears a search.
func (m Model) clearFilter(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case m.view == viewReport:
		if !m.report.CancelRange() {
			m.report.ClearSearch()
		}
	case m.focus == paneUsers:
		if m.users.CancelRange() {
			return m, nil
		}
		if m.users.Search.Value() != "" {
			return m, m.afterUsers(m.users.SetQuery(""))
		}
	case m.focus == paneSignIns:
		m.signins.ClearSearch()
	}
	return m, nil
}

// open (enter): in the report, the highlighted user in the main view; in
// the users pane, their sign-ins.
func (m Model) open(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.view != viewReport {
		m.focus = paneSignIns
		return m, nil
	}
	r, ok := m.report.Selected()
	if !ok {
		return m, nil
	}
	m.view, m.focus = viewMain, paneUsers
	return m, m.afterUsers(m.users.SetQuery(r.UserPrincipalName))
}

func (m Model) mark(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.view == viewReport {
		if m.report.Ranging() {
			n, marked := m.report.MarkRange()
			return m, m.rangeFlash(n, marked)
		}
		m.report.ToggleMark()
		return m, nil
	}
	if m.users.Ranging() {
		n, marked := m.users.MarkRange()
		return m, m.rangeFlash(n, marked)
	}
	return m, m.afterUsers(m.users.ToggleMark())
}

func (m Model) extendRange(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	d := 1
	if key.Matches(msg, m.keys.RangeUp) {
		d = -1
	}
	if m.view == viewReport {
		m.report.RangeExtend(d)
		return m, nil
	}
	return m, m.afterUsers(m.users.RangeExtend(d))
}

func (m Model) markAll(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.view == viewReport {
		// Every row shown is marked: the report holds all users, so a
		// search's matches are all marked, none left behind.
		n := m.report.MarkAll()
		what := plural(m.report.Shown(), "user") + " shown"
		if q := m.report.Query(); q != "" {
			what = matches(m.report.Shown(), "") + " for \"" + q + "\""
		}
		return m, m.setFlash("All "+what+" marked ("+strconv.Itoa(n)+" new, "+plural(m.marks.Len(), "mark")+" in all).", false)
	}
	n := m.users.MarkAll()
	msg := plural(n, "user") + " marked (" + plural(m.marks.Len(), "mark") + " in all)."
	if more := m.users.NotLoaded(); more > 0 {
		// A marks what is loaded; the rest of the matches are not, and
		// the technician must know before a bulk run.
		msg = plural(n, "user") + " marked; " + matches(more, "more ") + " not loaded, not marked " +
			"(scroll to the end to load them, or use the report: v, /)."
	}
	return m, m.setFlash(msg, false)
}

func (m *Model) rangeFlash(n int, marked bool) tea.Cmd {
	if marked {
		return m.setFlash(plural(n, "user")+" marked ("+plural(m.marks.Len(), "mark")+" in all).", false)
	}
	return m.setFlash(plural(n, "user")+" unmarked ("+plural(m.marks.Len(), "mark")+" in all).", false)
}

func (m Model) showBulkRun(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.bulk == nil {
		return m, m.setFlash("No bulk run yet: mark users and press b.", false)
	}
	m.showBulk = true
	m.bulk.SetSize(m.w, max(m.h-3, 3))
	return m, nil
}

func (m Model) openHistory(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	id := m.newID()
	v, cmd := actions.NewHistoryView(id, m.opts.HistoryPath, m.loc)
	m.setModal(id, v, answers{})
	return m, cmd
}

// refresh (ctrl+r) reloads what the view shows: the report, the users
// list, or the highlighted user's detail.
func (m Model) refresh() (tea.Model, tea.Cmd) {
	if m.view == viewReport {
		for k := range m.regs {
			delete(m.regs, k)
		}
		m.report.Reset()
		return m, tea.Batch(m.report.Load(), m.report.LoadMFA())
	}
	if m.focus == paneUsers {
		return m, m.users.Refresh()
	}
	m.methods.RefreshPolicies()
	return m, m.refreshShown()
}

func matches(n int, adj string) string {
	if n == 1 {
		return "1 " + adj + "match"
	}
	return strconv.Itoa(n) + " " + adj + "matches"
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
