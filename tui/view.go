package tui

// view.go: drawing the frame. View does no work that belongs in commands:
// the panes hold precomputed rows and draw only what is visible.

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/actions"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
	"github.com/mfadesk/mfadesk/tui/users"
)

// Minimum size drawn; below it a note asks for a bigger terminal.
const minW, minH = 40, 10

// View draws the whole screen.
func (m Model) View() tea.View {
	// The second sanitising boundary: whatever a pane drew, only text and
	// colour reach the terminal (the first is the adapter; ARCHITECTURE.md).
	v := tea.NewView(draw.Screen(m.Render()))
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "mfadesk"
	return v
}

// Render is the screen's content (View without the terminal settings):
// exactly h lines of w cells.
func (m Model) Render() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	if m.w < minW || m.h < minH {
		lines := draw.Blank(m.w, m.h)
		lines[0] = draw.Fit(fmt.Sprintf("mfadesk needs at least %dx%d (now %dx%d).", minW, minH, m.w, m.h), m.w)
		return strings.Join(lines, "\n")
	}
	if m.opts.Welcome {
		return m.renderWelcome()
	}
	bodyH := m.h - 3
	lines := make([]string, 0, m.h)
	lines = append(lines, m.statusLine())
	switch {
	case m.showBulk && m.bulk != nil:
		lines = append(lines, m.bulk.View(m.theme.Actions, m.w, bodyH)...)
	case m.view == viewReport:
		title, right := m.report.Title()
		inner := m.report.View(m.theme.Report, m.w-2, bodyH-2)
		lines = append(lines, draw.Box(m.theme.PaneFocused, title, right, inner, m.w, bodyH)...)
	default:
		lines = append(lines, m.mainBody()...)
	}
	for len(lines) < m.h-2 {
		lines = append(lines, strings.Repeat(" ", m.w))
	}
	lines = lines[:m.h-2]
	lines = append(lines, m.bottomLines()...)
	if m.modal != nil {
		box := m.modal.View(m.theme.Actions, m.modalW(), m.modalH())
		bw := 0
		if len(box) > 0 {
			bw = draw.Width(box[0])
		}
		x := max((m.w-bw)/2, 0)
		y := max((m.h-len(box))/2, 1)
		if y+len(box) > m.h {
			y = max(m.h-len(box), 0)
		}
		lines = draw.Overlay(lines, box, x, y)
	}
	if m.signInShown() {
		// Over everything: nothing works until the sign-in is done.
		box := m.signInView(m.w)
		x := max((m.w-draw.Width(box[0]))/2, 0)
		y := max(min((m.h-len(box))/2, m.h-len(box)), 0)
		lines = draw.Overlay(lines, box, x, y)
	}
	return strings.Join(lines, "\n")
}

// tenantLabel and operatorLabel draw the profile's names and the operator
// (Me: cleaned by the adapter) as they are: the frame's boundary
// (draw.Screen in View) keeps any escape in a profile name off the terminal.
func (m Model) tenantLabel() string {
	switch {
	case m.opts.TenantName != "":
		return m.opts.TenantName
	case m.opts.Profile != "":
		return m.opts.Profile
	case m.operator.TenantID != "":
		return m.operator.TenantID
	}
	return "tenant"
}

func (m Model) operatorLabel() string {
	switch {
	case m.operatorErr != nil:
		return "operator unknown"
	case !m.operatorOK:
		return "signing in…"
	}
	who := m.operator.UserPrincipalName
	if who == "" {
		who = m.operator.DisplayName
	}
	if who == "" && m.operator.IsApp {
		who = "app " + m.operator.AppID
	}
	return who + " · " + m.operator.EffectiveRole()
}

// statusLine is the top line: tenant, operator and role, read-only badge,
// throttle indicator, bulk progress, marks.
func (m Model) statusLine() string {
	t := m.theme
	var right []string
	if m.opts.ReadOnly {
		right = append(right, t.ReadOnly.Render(" READ-ONLY "))
	}
	if m.throttled || (m.bulk != nil && m.bulk.Throttled && m.bulk.Running()) {
		right = append(right, t.Throttle.Render("⚠ throttled"))
	}
	if m.bulk != nil && m.bulk.Running() {
		total, done, _, failed, _ := m.bulk.Counts()
		s := fmt.Sprintf("bulk %d/%d", done, total)
		if failed > 0 {
			s += fmt.Sprintf(" (%d failed)", failed)
		}
		right = append(right, t.Throttle.Render(s))
	}
	if n := m.marks.Len(); n > 0 {
		right = append(right, t.Marks.Render(fmt.Sprintf("%s %d marked", users.GlyphMarked, n)))
	}
	r := strings.Join(right, t.Status.Render(" "))
	if r != "" {
		r += t.Status.Render(" ")
	}
	rw := draw.Width(r)
	leftW := max(m.w-rw-1, 0)
	left := t.StatusApp.Render(" mfadesk ") + t.StatusDim.Render("│ ") + t.Status.Render(m.tenantLabel()) +
		t.StatusDim.Render(" │ "+m.operatorLabel())
	left = draw.Trunc(left, leftW)
	pad := m.w - rw - draw.Width(left)
	return left + t.Status.Render(strings.Repeat(" ", max(pad, 0))) + r
}

func (m Model) actionBar() string {
	t := m.theme
	items := m.barItems()
	// The reason shown is the one that stops the main actions (read-only,
	// protected, a missing role); other items say why when pressed.
	why := ""
	for _, it := range items {
		if !it.enabled && it.why != "" && it.headline {
			why = it.why
			break
		}
	}
	whyStr := ""
	if why != "" {
		whyStr = t.BarWhy.Render(draw.Trunc("⊘ "+why, max(m.w/3, 20))) + " "
	}
	avail := m.w - 1 - draw.Width(whyStr)
	var b strings.Builder
	b.WriteByte(' ')
	used := 1
	for _, it := range items {
		desc := it.desc
		plain := it.key + " " + desc
		w := draw.Width(plain) + 2
		if used+w > avail {
			break
		}
		if it.enabled {
			b.WriteString(t.BarKey.Render(it.key) + " " + t.BarDesc.Render(desc) + "  ")
		} else {
			b.WriteString(t.BarDisabled.Render(plain) + "  ")
		}
		used += w
	}
	line := b.String()
	pad := max(m.w-draw.Width(line)-draw.Width(whyStr), 0)
	return line + strings.Repeat(" ", pad) + whyStr
}

// bottomLines are the action bar and the footer; a note (flash) takes the
// footer, and an error too long for one line wraps into the bar's line as
// well (the rest cut with "…"), so a reason is read whole at 80 columns.
func (m Model) bottomLines() []string {
	if m.flash == "" {
		return []string{m.actionBar(), m.footer()}
	}
	t := m.theme
	s := t.Flash
	if m.flashErr {
		s = t.FlashErr
	}
	text := graph.CleanText(m.flash)
	line := func(l string) string { return draw.Fit(" "+s.Render(draw.Trunc(l, m.w-1)), m.w) }
	if !m.flashErr || draw.Width(text) <= m.w-1 {
		return []string{m.actionBar(), line(text)}
	}
	wrapped := draw.Wrap(text, m.w-1)
	rest := strings.Join(wrapped[1:], " ")
	return []string{line(wrapped[0]), line(rest)}
}

func (m Model) footer() string {
	t := m.theme
	var parts []string
	for _, kd := range m.footerKeys() {
		parts = append(parts, t.FootKey.Render(kd[0])+" "+t.FootDesc.Render(kd[1]))
	}
	return draw.Fit(" "+strings.Join(parts, t.FootDesc.Render(" · ")), m.w)
}

// openHelp shows every key, from the same keymap, and the legend.
func (m Model) openHelp() (tea.Model, tea.Cmd) {
	st := m.theme.Actions
	var groups [][]string
	for i, g := range m.helpColumns() {
		lines := []string{st.Section.Render(helpGroups[i])}
		for _, b := range g {
			lines = append(lines, st.Key.Render(draw.Fit(b.Help().Key, 10))+" "+st.Text.Render(b.Help().Desc))
		}
		groups = append(groups, lines)
	}
	legend := []string{st.Section.Render("Marks"),
		users.GlyphMarked + " marked for bulk   " + users.GlyphMFAOK + " MFA registered   " + users.GlyphMFAMissing + " not registered",
		users.GlyphUnknown + " not in report yet   " + users.GlyphAdmin + " admin   " + users.GlyphDisabled + " disabled   " + users.GlyphGuest + " guest",
		"* default method   » Entra prompts it (system-preferred)", "heavy border: focused pane"}
	inner := min(m.modalW(), 100) - 4
	var lines []string
	if inner >= 72 {
		colW := (inner - 2) / 2
		left, right := []string{}, []string{}
		for i, g := range groups {
			if i%2 == 0 {
				left = append(append(left, g...), "")
			} else {
				right = append(append(right, g...), "")
			}
		}
		for i := 0; i < max(len(left), len(right)); i++ {
			l, r := "", ""
			if i < len(left) {
				l = left[i]
			}
			if i < len(right) {
				r = right[i]
			}
			lines = append(lines, draw.Fit(l, colW)+"  "+r)
		}
	} else {
		for _, g := range groups {
			lines = append(append(lines, g...), "")
		}
	}
	lines = append(lines, legend...)
	// The one way a change runs, first: every action key only opens a plan.
	lines = append([]string{st.Key.Render(draw.Fit(actions.ConfirmKey, 10)) + " " +
		st.Text.Render("runs a change from its confirmation; typing never does"), ""}, lines...)
	id := m.newID()
	info := &actions.Info{ID: id, Title: "Keys", Lines: lines, Width: 100}
	m.setModal(id, info, answers{})
	return m, nil
}
