package tui

// peruser.go: the report's per-user MFA column key (M) and its answers;
// the column itself is tui/report's (peruser.go there).

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/actions"
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

// watchBinding is W: the live failures view (tui/actions/watch.go); enter
// on a user there jumps to them in the users pane.
func watchBinding() binding {
	return binding{key: key.NewBinding(key.WithKeys("W"), key.WithHelp("W", "live failures")), keys: everywhere, help: helpLists,
		do: func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) {
			if m.client == nil {
				return m, m.setFlash("Sign in first.", true)
			}
			id := m.newID()
			v, cmd := actions.NewWatchView(m.ctx, id, graph.NewWatch(m.client, m.now, graph.WatchWindow), m.loc)
			m.setModal(id, v, answers{chosen: func(m Model, upn string) (tea.Model, tea.Cmd) {
				m.closeModal()
				m.view, m.focus = viewMain, paneUsers
				return m, m.afterUsers(m.users.SetQuery(upn))
			}})
			return m, cmd
		}}
}
