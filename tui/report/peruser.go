package report

// peruser.go: the per-user MFA column, loaded only when asked for (M). Graph
// has no tenant-wide list of the legacy per-user MFA state, only one beta
// read per user, so the column is not part of the report's load: M reads
// the users loaded so far through graph.ReadPerUserMFA (20 to a $batch,
// paced, 429s waited out) in the background while the report stays usable,
// fills the column as answers arrive and says how far it has got; once it
// is there, M cycles a filter on it. A refresh (ctrl+r) drops it.

import (
	"context"
	"fmt"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
	"github.com/mfadesk/mfadesk/tui/internal/explain"
)

// puState is a row's cell: not read, read (one of three), or unreadable.
type puState uint8

const (
	puNone puState = iota
	puDisabled
	puEnabled
	puEnforced
	puError
)

func puOf(s graph.PerUserMFAState) puState {
	switch s {
	case graph.PerUserMFADisabled:
		return puDisabled
	case graph.PerUserMFAEnabled:
		return puEnabled
	case graph.PerUserMFAEnforced:
		return puEnforced
	}
	return puError
}

func (s puState) cell(reading bool) string {
	switch s {
	case puDisabled:
		return "disabled"
	case puEnabled:
		return "enabled"
	case puEnforced:
		return "enforced"
	case puError:
		return "?"
	}
	if reading {
		return "…"
	}
	return ""
}

// PerUserFilter narrows the rows by their per-user MFA state (M cycles it
// once the column is loaded); it combines with the 0-5 filter.
type PerUserFilter uint8

const (
	PerUserAny PerUserFilter = iota
	PerUserDisabled
	PerUserEnabled
	PerUserEnforced
	numPerUserFilters
)

// Label names the filter for the filter line.
func (f PerUserFilter) Label() string {
	return [...]string{"any", "disabled", "enabled", "enforced"}[f]
}

func (f PerUserFilter) match(s puState) bool {
	return f == PerUserAny || puState(f) == s // the values line up with puState's
}

// perUserCol is the column's state: the answers by row, the read under way.
type perUserCol struct {
	gen     int
	states  []puState // by row index (m.regs); short: rows not asked about
	byID    map[string]int32
	reading bool
	asked   int
	prog    graph.PerUserProgress
	counts  [puError + 1]int
	err     error // why reads failed (the last one seen), for the note line
	cancel  context.CancelFunc
	ch      chan perUserBatch
}

// perUserBatch is what the reading goroutine hands the view at a time.
type perUserBatch struct {
	results []graph.PerUserRead
	prog    graph.PerUserProgress
	done    bool
}

// PerUserMsg carries answers of the per-user read numbered Gen.
type PerUserMsg struct {
	Gen   int
	batch perUserBatch
	ch    chan perUserBatch
}

// columnPerUser is the column's index in the table once shown.
const columnPerUser = 11 // after the MFA required column (mfareq.go)

var perUserColumn = draw.Column{Title: "Per-user", Width: 9}

// PerUserShown reports that the column has been asked for.
func (m Model) PerUserShown() bool { return m.pu != nil }

// PerUserReading reports a read under way.
func (m Model) PerUserReading() bool { return m.pu != nil && m.pu.reading }

// PerUserFilter is the active per-user filter.
func (m Model) PerUserFilter() PerUserFilter { return m.puFilter }

// PerUserKey is M: the first press reads the column for the users loaded
// so far; later presses cycle the per-user filter. It returns the reads'
// first wait (nil when nothing is to be read) and a line to flash.
func (m *Model) PerUserKey() (tea.Cmd, string) {
	if m.pu != nil {
		m.puFilter = (m.puFilter + 1) % numPerUserFilters
		m.apply()
		return nil, "Per-user MFA filter: " + m.puFilter.Label() + "."
	}
	c, ok := m.perUserClient()
	if !ok {
		return nil, "Per-user MFA cannot be read with this connection."
	}
	if len(m.regs) == 0 {
		return nil, "No users loaded yet: the per-user MFA column reads the users the report has loaded."
	}
	m.merge()
	l := m.load
	l.puGen++
	ids := make([]string, len(m.regs))
	pu := &perUserCol{gen: l.puGen, states: make([]puState, len(m.regs)), byID: make(map[string]int32, len(m.regs)),
		reading: true, asked: len(m.regs), ch: make(chan perUserBatch, 1)}
	for i, r := range m.regs {
		ids[i] = r.ID
		pu.byID[r.ID] = int32(i)
	}
	pu.prog.Total = len(ids)
	pu.counts[puNone] = len(ids)
	ctx, cancel := context.WithCancel(l.ctx)
	pu.cancel = cancel
	m.pu = pu
	go readPerUser(ctx, c, ids, pu.ch)
	note := fmt.Sprintf("Reading the per-user MFA state of %d users (one beta request each, 20 to a $batch)…", len(ids))
	if m.loading {
		note = fmt.Sprintf("Reading the per-user MFA state of the %d users loaded so far…", len(ids))
	}
	return waitPerUser(pu.gen, pu.ch), note
}

// perUserClient is the client the report reads from, when it can read
// per-user MFA (graph.Client can; a test's Source may not).
func (m Model) perUserClient() (graph.Client, bool) {
	if m.load == nil || m.load.src == nil {
		return nil, false
	}
	c, ok := m.load.src.(graph.Client)
	return c, ok
}

// readPerUser runs the reads and hands their answers over in batches: at
// most one batch waits in ch, the next gathers meanwhile, so a slow view
// never holds the reads up and a fast one gets answers as they come.
func readPerUser(ctx context.Context, c graph.Client, ids []string, ch chan perUserBatch) {
	var (
		mu      sync.Mutex
		pending perUserBatch
	)
	flush := func(ctx context.Context, final bool) {
		mu.Lock()
		b := pending
		pending = perUserBatch{prog: pending.prog}
		mu.Unlock()
		b.done = final
		if final {
			// The last one always arrives, unless the column was dropped.
			select {
			case ch <- b:
			case <-ctx.Done():
			}
			return
		}
		select {
		case ch <- b:
		default: // the view has not taken the last one: keep gathering
			mu.Lock()
			pending.results = append(b.results, pending.results...)
			mu.Unlock()
		}
	}
	graph.ReadPerUserMFA(ctx, c, ids, graph.PerUserReadOptions{
		OnResult: func(r graph.PerUserRead) {
			mu.Lock()
			pending.results = append(pending.results, r)
			mu.Unlock()
		},
		OnProgress: func(p graph.PerUserProgress) {
			mu.Lock()
			pending.prog = p
			mu.Unlock()
			flush(ctx, false)
		},
	})
	flush(ctx, true)
}

// waitPerUser is the command that waits for the next batch of answers.
func waitPerUser(gen int, ch chan perUserBatch) tea.Cmd {
	return func() tea.Msg {
		return PerUserMsg{Gen: gen, batch: <-ch, ch: ch}
	}
}

// OnPerUser takes a batch of answers (dropped when the column was since
// dropped) and returns the wait for the next.
func (m *Model) OnPerUser(msg PerUserMsg) tea.Cmd {
	pu := m.pu
	if pu == nil || msg.Gen != pu.gen {
		return nil
	}
	for _, r := range msg.batch.results {
		i, ok := pu.byID[r.UserID]
		if !ok {
			continue
		}
		old := pu.states[i]
		s := puError
		if r.Err == nil {
			s = puOf(r.State)
		} else {
			pu.err = r.Err
		}
		pu.counts[old]--
		pu.states[i] = s
		pu.counts[s]++
	}
	pu.prog = msg.batch.prog
	if msg.batch.done {
		pu.reading = false
		pu.cancel()
	}
	if m.sortCol == columnPerUser || m.puFilter != PerUserAny {
		m.resort()
	}
	m.apply()
	if msg.batch.done {
		return nil
	}
	return waitPerUser(pu.gen, msg.ch)
}

// dropPerUser forgets the column (a refresh): a read under way stops.
func (m *Model) dropPerUser() {
	if m.pu != nil && m.pu.cancel != nil {
		m.pu.cancel()
	}
	m.pu, m.puFilter = nil, PerUserAny
	if m.sortCol == columnPerUser {
		m.sortCol, m.desc = 1, false
	}
}

// puAt is row i's per-user state (puNone when the column is off or the
// row was not asked about).
func (m *Model) puAt(i int32) puState {
	if m.pu == nil || int(i) >= len(m.pu.states) {
		return puNone
	}
	return m.pu.states[i]
}

// perUserNote is the column's line under the filters: progress, what
// stopped it, or its counts and the filter.
func (m Model) perUserNote(st Styles, w int) []string {
	pu := m.pu
	if pu == nil {
		return nil
	}
	c := pu.counts
	counts := fmt.Sprintf("disabled %d · enabled %d · enforced %d", c[puDisabled], c[puEnabled], c[puEnforced])
	var s string
	switch {
	case pu.reading:
		s = fmt.Sprintf("Per-user MFA: %d/%d read", pu.prog.Done, pu.prog.Total)
		if pu.prog.Throttled > 0 {
			s += fmt.Sprintf(" · throttled %d×", pu.prog.Throttled)
		}
		s += " · " + counts
	default:
		s = "Per-user MFA [M " + m.puFilter.Label() + "] · " + counts
		if n := len(m.regs) - pu.asked; n > 0 {
			s += fmt.Sprintf(" · %d users arrived later, not read (ctrl+r, then M)", n)
		}
	}
	lines := []string{st.Muted.Render(draw.Trunc(s, w))}
	if c[puError] > 0 && pu.err != nil {
		what, _ := explain.Err("Reading the per-user MFA state", pu.err)
		lines = append(lines, st.Error.Render(draw.Trunc(fmt.Sprintf("%d unread: %s", c[puError], what), w)))
	}
	return lines
}
