package tui

// detail.go: the highlighted user's detail (methods, sign-ins, what the
// guard would refuse), loaded once the cursor rests, and the bulk run's
// messages.

import (
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/actions"
)

// afterUsers runs after anything that may move the users cursor.
func (m *Model) afterUsers(cmd tea.Cmd) tea.Cmd {
	return tea.Batch(cmd, m.selectionChanged())
}

// selectionChanged notices a new highlighted user: the detail panes show
// them at once (loading), and their data is fetched once the cursor rests.
func (m *Model) selectionChanged() tea.Cmd {
	u, ok := m.users.Selected()
	if !ok {
		if m.selID != "" && len(m.users.Items()) == 0 && !m.users.Loading() {
			m.selID = ""
			m.methods.Clear()
			m.signins.Clear()
		}
		return nil
	}
	if u.ID == m.selID {
		return nil
	}
	m.selID = u.ID
	m.detailSeq++
	m.methods.Show(u, m.regs[u.ID])
	m.signins.Show(u)
	seq, id := m.detailSeq, u.ID
	return tea.Tick(detailDebounce, func(time.Time) tea.Msg { return detailMsg{seq: seq, id: id} })
}

// loadDetail fetches the highlighted user's methods, registration,
// per-user MFA state and sign-ins, and what the guard would refuse.
func (m *Model) loadDetail() tea.Cmd {
	u, ok := m.users.Selected()
	if !ok || u.ID != m.selID {
		return nil
	}
	return tea.Batch(m.methods.Load(u, m.regs[u.ID]), m.signins.Load(u), m.checkGuard(u))
}

// refreshShown reloads the detail panes after an action.
func (m *Model) refreshShown() tea.Cmd {
	if m.methods.User() == nil {
		return nil
	}
	u := *m.methods.User()
	return tea.Batch(m.methods.Reload(), m.signins.Load(u))
}

// checkGuard asks the client's guard (if any) which changes it would
// refuse for u, off the UI goroutine: the first check may resolve
// protected groups over the network. Only refusals are kept (allowed.go).
func (m *Model) checkGuard(u graph.User) tea.Cmd {
	if _, ok := m.client.(graph.WriteChecker); !ok {
		return nil
	}
	c, ctx := m.client, m.ctx
	return func() tea.Msg {
		errs := map[graph.WriteKind]error{}
		for _, k := range []graph.WriteKind{graph.WriteDeleteMethod, graph.WriteRevokeSessions,
			graph.WriteCreateTAP, graph.WriteSetPerUserMFA, graph.WriteSendMail} {
			if err := guardRefusal(graph.CheckWrite(ctx, c, k, u.ID)); err != nil {
				errs[k] = err
			}
		}
		return guardMsg{UserID: u.ID, Errs: errs}
	}
}

// onBulkMsg takes the bulk run's progress and export answers; results
// never close its view, and the detail is refreshed when it ends.
func (m Model) onBulkMsg(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.bulk == nil {
		return m, nil
	}
	ev, isEvent := msg.(actions.BulkEventMsg)
	if isEvent && ev.Result.Err != nil && errors.Is(ev.Result.Err, graph.ErrThrottled) {
		m.bulk.Throttled = true
	}
	_, cmd := m.bulk.Update(msg)
	if isEvent && ev.Closed && !m.bulk.Running() {
		cmd = tea.Batch(cmd, m.refreshShown())
	}
	return m, cmd
}
