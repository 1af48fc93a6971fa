package actions

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
	"github.com/mfadesk/mfadesk/tui/internal/explain"
)

// AuditView is the audit trail for one user: who did what, when.
type AuditView struct {
	ID     int
	User   graph.User
	loc    *time.Location
	events []graph.AuditEvent
	rows   [][]string
	err    error
	load   bool
	offset int
	h      int
	cancel context.CancelFunc
}

// AuditMsg answers the audit query of dialog ID.
type AuditMsg struct {
	ID     int
	Events []graph.AuditEvent
	Err    error
}

// NewAuditView opens the trail and starts loading it (one reports call);
// ctx is the console's (quitting ends the load).
func NewAuditView(ctx context.Context, id int, c graph.Client, u graph.User, since time.Time, loc *time.Location) (*AuditView, tea.Cmd) {
	ctx, cancel := context.WithCancel(ctx)
	v := &AuditView{ID: id, User: u, loc: loc, load: true, cancel: cancel}
	return v, func() tea.Msg {
		ev, err := c.AuditEvents(ctx, u.ID, graph.AuditQuery{Since: since, Top: 200})
		return AuditMsg{ID: id, Events: ev, Err: err}
	}
}

// Close cancels a load still in flight.
func (v *AuditView) Close() {
	if v.cancel != nil {
		v.cancel()
	}
}

// SetSize records the height available.
func (v *AuditView) SetSize(_, h int) { v.h = h }

// Update takes the answer, scrolls, closes.
func (v *AuditView) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	switch msg := msg.(type) {
	case AuditMsg:
		if msg.ID != v.ID {
			return nil, nil
		}
		v.load, v.err, v.events = false, msg.Err, msg.Events
		v.rows = v.rows[:0]
		for _, e := range msg.Events {
			res := "✓"
			if e.Result != "success" {
				res = "✗"
			}
			act := graph.CleanText(e.Activity)
			if d := graph.CleanText(e.Details); d != "" {
				act += ": " + d
			}
			if e.Result != "success" && e.ResultReason != "" {
				act += " (" + graph.CleanText(e.ResultReason) + ")"
			}
			v.rows = append(v.rows, []string{e.Time.In(v.loc).Format("Jan 02 15:04"), res,
				act, graph.CleanText(e.InitiatedBy)})
		}
	case tea.KeyPressMsg:
		page := max(v.h-7, 1)
		if o, ok := scrollBy(msg, v.offset, page); ok {
			v.offset = draw.Clamp(o, 0, max(len(v.rows)-page, 0))
			return nil, nil
		}
		switch msg.String() {
		case "esc", "q", "enter", "a":
			v.Close()
			return CloseMsg{ID: v.ID}, nil
		}
	}
	return nil, nil
}

var auditCols = []draw.Column{{Title: "When", Width: 12}, {Title: "", Width: 1},
	{Title: "Activity", Width: 26}, {Title: "Initiated by", Width: 24}}

// View draws the trail.
func (v *AuditView) View(st Styles, w, h int) []string {
	bw := min(w, 110)
	inner := bw - 4
	title := "Audit trail: " + graph.CleanText(v.User.DisplayName)
	var body []string
	switch {
	case v.load:
		body = []string{st.Muted.Render("Loading directory audit events…")}
	case v.err != nil:
		what, todo := explain.Err("Loading the audit trail", v.err)
		for _, l := range draw.Wrap(what, inner) {
			body = append(body, st.Bad.Render(l))
		}
		for _, l := range draw.Wrap(todo, inner) {
			body = append(body, st.Muted.Render(l))
		}
	case len(v.rows) == 0:
		body = []string{st.Muted.Render(draw.Trunc("No directory audit events about this user (new ones take 2-5 minutes to appear).", inner))}
	default:
		cols := draw.Layout(auditCols, []int{0, 1, 2, 3}, 2, inner)
		body = append(body, st.Section.Render(draw.Header(cols)))
		page := max(h-7, 1)
		end := min(v.offset+page, len(v.rows))
		for _, r := range v.rows[v.offset:end] {
			body = append(body, st.Text.Render(draw.Row(cols, r[:len(cols)])))
		}
	}
	if len(v.rows) > 0 {
		title += fmt.Sprintf(" (%d events)", len(v.rows))
	}
	keys := []KeyHelp{{"esc", "close"}}
	if len(v.rows) > max(h-7, 1) {
		keys = append(keys, KeyHelp{"↑↓", "scroll"})
	}
	out, _ := frame(st, false, title, body, footer(st, keys, inner), 0, bw, h)
	return out
}
