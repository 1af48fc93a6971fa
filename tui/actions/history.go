package actions

import (
	"fmt"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/history"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
)

// HistoryLast is how many changes the last-actions view lists.
const HistoryLast = 50

// HistoryView lists the last changes from the local change history (all
// of mfadesk's changes on this machine: the app's and the commands'),
// newest first.
type HistoryView struct {
	ID      int
	path    string
	loc     *time.Location
	rows    [][]string
	skipped int
	err     error
	load    bool
	offset  int
	h       int
}

// HistoryMsg answers the read of dialog ID.
type HistoryMsg struct {
	ID      int
	Entries []history.Entry
	Skipped int
	Err     error
}

// NewHistoryView opens the view and reads the history off the UI
// goroutine. An empty path means changes are not recorded (demo tenant).
func NewHistoryView(id int, path string, loc *time.Location) (*HistoryView, tea.Cmd) {
	v := &HistoryView{ID: id, path: path, loc: loc, load: path != ""}
	if path == "" {
		return v, nil
	}
	return v, func() tea.Msg {
		es, skipped, err := history.ReadFile(path, history.Filter{Last: HistoryLast})
		return HistoryMsg{ID: id, Entries: es, Skipped: skipped, Err: err}
	}
}

// SetSize records the height available.
func (v *HistoryView) SetSize(_, h int) { v.h = h }

func (v *HistoryView) page() int { return max(v.h-8, 1) }

// Update takes the answer, scrolls, closes.
func (v *HistoryView) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	switch msg := msg.(type) {
	case HistoryMsg:
		if msg.ID != v.ID {
			return nil, nil
		}
		v.load, v.err, v.skipped = false, msg.Err, msg.Skipped
		v.rows = v.rows[:0]
		for _, e := range slices.Backward(msg.Entries) {
			v.rows = append(v.rows, historyRow(e, v.loc))
		}
	case tea.KeyPressMsg:
		if o, ok := scrollBy(msg, v.offset, v.page()); ok {
			v.offset = draw.Clamp(o, 0, max(len(v.rows)-v.page(), 0))
			return nil, nil
		}
		switch msg.String() {
		case "esc", "q", "enter", "H":
			return CloseMsg{ID: v.ID}, nil
		}
	}
	return nil, nil
}

// historyRow is one entry as cells, in historyCols' order. The file is
// local, but its text came from Graph and from people: cleaned again.
func historyRow(e history.Entry, loc *time.Location) []string {
	res := "✓"
	switch e.Result {
	case history.ResultError:
		res = "✗"
	case history.ResultRefused:
		res = "–"
	}
	target := e.UPN
	if target == "" {
		target = e.UserID
	}
	// The operation's short name first: on a narrow screen it is what
	// stays visible; the detail follows.
	what := opShort(e.Op)
	if e.Detail != "" {
		what += ": " + e.Detail
	}
	if e.Error != "" {
		what += " — " + e.Error
	}
	ticket := e.Ticket
	if len(e.Checklist) > 0 {
		ticket += fmt.Sprintf(" ✓%d", len(e.Checklist)) // verification lines ticked
	}
	clean := graph.CleanText
	return []string{e.Time.In(loc).Format("Jan 02 15:04"), res, clean(target), clean(what), clean(ticket), clean(e.Operator)}
}

func opShort(k graph.WriteKind) string {
	switch k {
	case graph.WriteDeleteMethod:
		return "delete"
	case graph.WriteRevokeSessions:
		return "revoke"
	case graph.WriteCreateTAP:
		return "TAP"
	case graph.WriteSetPerUserMFA:
		return "MFA state"
	case graph.WriteSendMail:
		return "mail"
	case graph.WriteResetPassword:
		return "password reset"
	}
	return string(k)
}

// Columns in priority order (a narrow screen drops from the right).
var historyCols = []draw.Column{{Title: "When", Width: 12}, {Title: "", Width: 1},
	{Title: "Target", Width: 16}, {Title: "Operation", Width: 14}, {Title: "Ticket", Width: 10},
	{Title: "Operator", Width: 14}}

// View draws the list.
func (v *HistoryView) View(st Styles, w, h int) []string {
	bw := min(w, 130)
	inner := bw - 4
	title := "Last actions"
	var body []string
	switch {
	case v.path == "":
		body = []string{st.Muted.Render("Changes made on the demo tenant are not recorded."),
			st.Muted.Render("On a real tenant every change is kept in the local change history;"),
			st.Muted.Render("`mfadesk history` reads it too.")}
	case v.load:
		body = []string{st.Muted.Render("Reading the change history…")}
	case v.err != nil:
		for _, l := range draw.Wrap(v.err.Error(), inner) {
			body = append(body, st.Bad.Render(l))
		}
	case len(v.rows) == 0:
		body = []string{st.Muted.Render(draw.Trunc("No changes recorded yet in "+v.path, inner))}
	default:
		cols := draw.Layout(historyCols, []int{0, 1, 2, 3, 4, 5}, 3, inner)
		if len(cols) == len(historyCols) {
			// On a wide screen whole UPNs beat a very wide operation
			// column.
			for _, c := range []struct{ i, most int }{{2, 12}, {5, 16}, {4, 6}} {
				give := min(max(cols[3].Width-40, 0), c.most)
				cols[3].Width -= give
				cols[c.i].Width += give
			}
		}
		body = append(body, st.Section.Render(draw.Header(cols)))
		end := min(v.offset+v.page(), len(v.rows))
		for _, r := range v.rows[v.offset:end] {
			style := st.Text
			if r[1] != "✓" {
				style = st.Warn
			}
			body = append(body, style.Render(draw.Row(cols, r[:len(cols)])))
		}
		body = append(body, st.Muted.Render(draw.Trunc("✓ done  ✗ failed  – refused · from "+v.path, inner)))
		if v.skipped > 0 {
			body = append(body, st.Warn.Render(draw.Trunc(fmt.Sprintf("%d unreadable line(s) skipped", v.skipped), inner)))
		}
	}
	if len(v.rows) > 0 {
		title += fmt.Sprintf(" (newest first, %d)", len(v.rows))
	}
	keys := []KeyHelp{{"esc", "close"}}
	if len(v.rows) > v.page() {
		keys = append(keys, KeyHelp{"↑↓", "scroll"})
	}
	out, _ := frame(st, false, title, body, footer(st, keys, inner), 0, bw, h)
	return out
}
