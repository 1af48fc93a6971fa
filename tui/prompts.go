package tui

// prompts.go: the dialogs that ask for a file, and the sign-in detail.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/actions"
	"github.com/mfadesk/mfadesk/tui/report"
	"github.com/mfadesk/mfadesk/tui/signins"
)

// CSV targets.

func (m Model) openCSVPrompt() (tea.Model, tea.Cmd) {
	id := m.newID()
	p := actions.NewPrompt(id, "Load targets from CSV", []string{
		"A CSV with an ObjectId, Id or UserPrincipalName column (as the PowerShell scripts write).",
		"Every row must be valid, or nothing is loaded. Found users are marked for a bulk action."},
		"File: ", "")
	m.setModal(id, p, answers{prompted: func(m Model, path string) (tea.Model, tea.Cmd) { return m, m.readCSV(path) }})
	return m, nil
}

func expandHome(path string) string {
	if strings.HasPrefix(path, "~/") {
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, path[2:])
		}
	}
	return path
}

// Report export.

func (m Model) openExportPrompt() (tea.Model, tea.Cmd) {
	id := m.newID()
	name := fmt.Sprintf("mfadesk-registration-%s.csv", m.now().Format("20060102-150405"))
	f := m.report.Filter()
	p := actions.NewPrompt(id, "Write the registration report",
		[]string{fmt.Sprintf("%s (%s), as shown.", plural(m.report.Count(f), "row"), f.Label())}, "File: ", name)
	m.setModal(id, p, answers{prompted: func(m Model, path string) (tea.Model, tea.Cmd) { return m, m.exportReport(path) }})
	return m, nil
}

func (m Model) exportReport(path string) tea.Cmd {
	rows := m.report.Visible()
	return func() tea.Msg {
		path = expandHome(path)
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		return exportedMsg{Path: path, Err: report.WriteCSV(path, rows)}
	}
}

// Read-only dialogs.

func (m Model) openSignIn() (tea.Model, tea.Cmd) {
	s, ok := m.signins.Selected()
	if !ok {
		return m, nil
	}
	w := min(m.modalW(), 96) - 4
	lines := signins.DetailLines(m.theme.SignIns, s, m.loc, w)
	id := m.newID()
	info := &actions.Info{ID: id, Title: "Sign-in: " + graph.CleanText(s.AppDisplayName), Lines: lines, Width: 96}
	m.setModal(id, info, answers{})
	return m, nil
}
