package report

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
)

// Loading the report is the pane's own business: it asks for the first
// page, follows next-page links (refusing one that loops back, through
// graph.Pager), cancels a load a refresh replaces, and drops the pages of
// a replaced load. The root only hands it its context and the client, and
// is told each page's rows (for the users pane's marks) as they arrive.

// Source is where the rows come from (graph.Client is one).
type Source interface {
	Registrations(ctx context.Context, f graph.RegistrationFilter) (graph.Page[graph.Registration], error)
	NextRegistrations(ctx context.Context, next string) (graph.Page[graph.Registration], error)
}

// pageSize is the page size the report asks for (as the console always
// has: the fewest requests the API allows).
const pageSize = 999

// PageMsg is one page of the load numbered Gen.
type PageMsg struct {
	Gen   int
	Page  graph.Page[graph.Registration]
	Err   error
	Index int // page number, from 0
}

// loader is shared by the copies of the (value) model: a load started from
// Init survives Init's copy.
type loader struct {
	ctx    context.Context
	src    Source
	cancel context.CancelFunc
	pager  *graph.Pager
	gen    int
	// puGen numbers the per-user MFA reads (peruser.go).
	puGen int
}

// SetSource gives the pane its client and the console's context (every
// request of the load ends with it).
func (m *Model) SetSource(ctx context.Context, src Source) {
	m.load = &loader{ctx: ctx, src: src}
}

// Load starts a load (cancelling one under way) and returns its first
// request. Call Reset first to empty the rows (a refresh).
func (m Model) Load() tea.Cmd {
	l := m.load
	if l == nil || l.src == nil {
		return nil
	}
	if l.cancel != nil {
		l.cancel()
	}
	l.gen++
	l.pager = graph.NewPager("read the MFA registration report")
	ctx, cancel := context.WithCancel(graph.WithPriority(l.ctx, graph.PriorityLow))
	l.cancel = cancel
	src, gen := l.src, l.gen
	return func() tea.Msg {
		p, err := src.Registrations(ctx, graph.RegistrationFilter{PageSize: pageSize})
		return PageMsg{Gen: gen, Page: p, Err: err}
	}
}

// Stop cancels a load under way.
func (m Model) Stop() {
	if m.load != nil && m.load.cancel != nil {
		m.load.cancel()
	}
}

// Loading reports a load under way.
func (m Model) Loading() bool { return m.loading }

// OnPage takes one page: its rows are added (and returned, for the
// caller's index) and the next page is asked for. A page of a load that
// was replaced is dropped (nil, nil, false).
func (m *Model) OnPage(msg PageMsg) (rows []*graph.Registration, cmd tea.Cmd, ok bool) {
	l := m.load
	if l == nil || msg.Gen != l.gen {
		return nil, nil, false
	}
	if msg.Err != nil {
		m.Loaded(msg.Err)
		return nil, nil, true
	}
	rows = make([]*graph.Registration, len(msg.Page.Items))
	for i := range msg.Page.Items {
		rows[i] = &msg.Page.Items[i]
	}
	// Only the page's rows are added: they are merged in (rows.go), so a
	// 50,000-user load stays linear.
	m.Append(rows)
	next := msg.Page.Next
	if next == "" {
		m.Loaded(nil)
		return rows, nil, true
	}
	if l.pager == nil {
		l.pager = graph.NewPager("read the MFA registration report")
	}
	if err := l.pager.Follow(next); err != nil {
		m.Loaded(err)
		return rows, nil, true
	}
	// The client paces report pages to the reports budget (at low
	// priority, yielding to the technician's own reads).
	ctx, cancel := context.WithCancel(graph.WithPriority(l.ctx, graph.PriorityLow))
	l.cancel = cancel
	src, gen, index := l.src, l.gen, msg.Index+1
	return rows, func() tea.Msg {
		p, err := src.NextRegistrations(ctx, next)
		return PageMsg{Gen: gen, Page: p, Err: err, Index: index}
	}, true
}
