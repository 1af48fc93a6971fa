package tui

// peruser.go: the report's per-user MFA column key (M) and its answers;
// the column itself is tui/report's (peruser.go there).

import (
	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/tui/report"
)

// perUserBinding is M in the report: load the per-user MFA column (the
// first time), then cycle its filter.
func perUserBinding(k KeyMap) binding {
	return binding{key: k.PerUserMFA, keys: inReport, help: helpLists, bar: inReport, barAt: 36,
		label: func(m Model) string {
			if m.report.PerUserShown() {
				return "per-user: " + m.report.PerUserFilter().Label()
			}
			return "per-user MFA"
		},
		do: func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) {
			cmd, note := m.report.PerUserKey()
			return m, tea.Batch(cmd, m.setFlash(note, false))
		}}
}

// onPerUser takes a batch of per-user MFA answers.
func (m Model) onPerUser(msg report.PerUserMsg) (tea.Model, tea.Cmd) {
	return m, m.report.OnPerUser(msg)
}
