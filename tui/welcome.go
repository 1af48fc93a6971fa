package tui

// welcome.go: the first launch with nothing configured. Instead of a
// sign-in that can only fail, the app says what it is and how to point it
// at a tenant; it makes no Graph call at all.

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/tui/internal/draw"
)

// welcomeText is the screen's content; "$ " lines are commands to type.
var welcomeText = []string{
	"mfadesk finds a user in Entra ID, shows their sign-in methods, MFA",
	"registration and recent sign-ins with a hint for each failure, then",
	"resets MFA, revokes sessions or issues a Temporary Access Pass.",
	"",
	"There is no configuration yet. To use it on your tenant:",
	"$ mfadesk config init",
	"  writes a commented config file (tenant, client id, sign-in mode);",
	"  the README's \"Sign-in and configuration\" explains each setting and",
	"  how to register the app in Entra ID.",
	"$ mfadesk doctor",
	"  then checks the sign-in and which actions your permissions allow.",
	"",
	"Just looking? Try it on a built-in demo tenant (nothing real is touched):",
	"$ mfadesk --demo",
}

func (m Model) updateWelcome(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case tea.BackgroundColorMsg:
		m.theme = NewTheme(msg.IsDark(), *m.opts.NoColor)
	case tea.KeyPressMsg:
		switch msg.String() {
		case "q", "ctrl+c", "esc", "enter":
			return m, tea.Quit
		}
	}
	return m, nil
}

func (m Model) renderWelcome() string {
	st := m.theme.Actions
	inner := min(m.w-6, 74) // one space of margin inside the box
	var body []string
	for _, l := range welcomeText {
		switch {
		case strings.HasPrefix(l, "$ "):
			body = append(body, " "+st.Key.Render(draw.Trunc("  $ "+l[2:], inner)))
		case strings.HasPrefix(l, "  "):
			body = append(body, " "+st.Muted.Render(draw.Trunc("    "+l[2:], inner)))
		default:
			for _, w := range draw.Wrap(l, inner) {
				body = append(body, " "+st.Text.Render(w))
			}
		}
	}
	boxH := min(len(body)+2, m.h-3)
	box := draw.Box(m.theme.PaneFocused, "Welcome to mfadesk", "", body, inner+4, boxH)
	t := m.theme
	lines := []string{draw.Fit(t.StatusApp.Render(" mfadesk ")+t.StatusDim.Render("│ ")+t.Status.Render("not configured"), m.w)}
	pad := max((m.h-2-len(box)-1)/2, 0)
	for range pad {
		lines = append(lines, strings.Repeat(" ", m.w))
	}
	x := max((m.w-draw.Width(box[0]))/2, 0)
	for _, l := range box {
		lines = append(lines, draw.Fit(strings.Repeat(" ", x)+l, m.w))
	}
	for len(lines) < m.h-1 {
		lines = append(lines, strings.Repeat(" ", m.w))
	}
	lines = lines[:m.h-1]
	lines = append(lines, draw.Fit(" "+t.FootKey.Render("q")+" "+t.FootDesc.Render("quit"), m.w))
	return strings.Join(lines, "\n")
}
