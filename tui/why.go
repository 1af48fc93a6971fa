package tui

// why.go: the "why MFA" dialog (y): what requires MFA of the shown user,
// every reason with its conditions, and their groups (issue 13.5).

import (
	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/actions"
)

// openWhy shows what requires MFA of the shown user (every reason, the
// report-only policies, the exclusions) and their groups (y).
func (m Model) openWhy(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	u := m.methods.User()
	if u == nil {
		return m, nil
	}
	m.info(&actions.Info{Title: "Is MFA required for " + graph.CleanText(u.DisplayName) + "?", Lines: m.methods.WhyLines(88), Width: 96}, answers{})
	return m, nil
}
