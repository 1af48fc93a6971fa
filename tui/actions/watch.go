package actions

// watch.go: the live failures view (W): the tenant's sign-in failures as
// they arrive (graph.Watch polls within the reports budget), MFA fatigue
// and fraud reports first, then the users with failures (enter jumps to
// one), then the error codes. It polls only while open.

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
)

// WatchView is the live failures view.
type WatchView struct {
	ID     int
	ctx    context.Context
	w      *graph.Watch
	loc    *time.Location
	polls  int
	err    error
	alerts []graph.Alert
	users  []graph.FailureGroup
	codes  []graph.FailureGroup
	cursor int
	h      int
	// tick waits before the next poll (tea.Tick; tests answer at once).
	tick func(d time.Duration, id int) tea.Cmd
}

// WatchPollMsg is one poll's answer; WatchTickMsg says it is time for the
// next.
type (
	WatchPollMsg struct {
		ID  int
		Err error
	}
	WatchTickMsg struct{ ID int }
)

// NewWatchView opens the view and makes its first poll.
func NewWatchView(ctx context.Context, id int, w *graph.Watch, loc *time.Location) (*WatchView, tea.Cmd) {
	v := &WatchView{ID: id, ctx: ctx, w: w, loc: loc,
		tick: func(d time.Duration, id int) tea.Cmd {
			return tea.Tick(d, func(time.Time) tea.Msg { return WatchTickMsg{ID: id} })
		}}
	return v, v.poll()
}

func (v *WatchView) poll() tea.Cmd {
	w, ctx, id := v.w, v.ctx, v.ID
	return func() tea.Msg {
		_, err := w.Poll(ctx)
		return WatchPollMsg{ID: id, Err: err}
	}
}

// SetSize records the height available.
func (v *WatchView) SetSize(_, h int) { v.h = h }

// Update takes polls and keys: ↑↓ move over the users, enter jumps to
// one (ChoiceMsg with the UPN), esc or W closes.
func (v *WatchView) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	switch msg := msg.(type) {
	case WatchPollMsg:
		if msg.ID != v.ID {
			return nil, nil
		}
		v.polls++
		v.err = msg.Err
		fs := v.w.Failures()
		v.alerts = graph.DetectAlerts(fs)
		v.codes, v.users = graph.GroupFailures(fs)
		v.cursor = draw.Clamp(v.cursor, 0, max(len(v.users)-1, 0))
		return nil, v.tick(v.w.NextPoll(msg.Err), v.ID)
	case WatchTickMsg:
		if msg.ID != v.ID {
			return nil, nil
		}
		return nil, v.poll()
	case tea.KeyPressMsg:
		switch msg.String() {
		case "up", "k":
			v.cursor = max(v.cursor-1, 0)
		case "down", "j":
			v.cursor = min(v.cursor+1, max(len(v.users)-1, 0))
		case "enter":
			if v.cursor < len(v.users) {
				return ChoiceMsg{ID: v.ID, Value: v.users[v.cursor].Key}, nil
			}
		case "esc", "q", "W":
			return CloseMsg{ID: v.ID}, nil
		}
	}
	return nil, nil
}

// View draws the alerts, the users and the codes.
func (v *WatchView) View(st Styles, w, h int) []string {
	bw := min(w, 130)
	inner := bw - 4
	c := graph.CleanText
	at := func(t time.Time) string { return t.In(v.loc).Format("15:04") }
	var body []string
	switch {
	case v.polls == 0:
		body = append(body, st.Muted.Render("Reading the sign-in log…"))
	case v.err != nil:
		for _, l := range draw.Wrap("Reading the sign-in log: "+c(v.err.Error())+" (trying again)", inner) {
			body = append(body, st.Bad.Render(l))
		}
	}
	for _, a := range v.alerts {
		var s string
		switch a.Kind {
		case graph.AlertFraud:
			s = fmt.Sprintf("!! FRAUD REPORTED  %s reported an MFA prompt as fraud at %s: block sign-in, reset the password", c(a.UPN), at(a.Last))
		default:
			s = fmt.Sprintf("!! MFA FATIGUE  %s: %d prompts declined or unanswered %s-%s: revoke sessions, reset the password", c(a.UPN), a.Count, at(a.First), at(a.Last))
		}
		body = append(body, st.Bad.Render(draw.Trunc(s, inner)))
	}
	if v.polls > 0 && len(v.users) == 0 && v.err == nil {
		body = append(body, st.Muted.Render(draw.Trunc(fmt.Sprintf("No sign-in failures in the last %s.", graph.WatchWindow), inner)))
	}
	if len(v.users) > 0 {
		body = append(body, "", st.Section.Render(draw.Trunc("Users with failures (last hour)   count  last", inner)))
		room := max(v.h-len(body)-8, 3)
		start := max(0, v.cursor-room+1)
		for i := start; i < len(v.users) && i < start+room; i++ {
			g := v.users[i]
			line := fmt.Sprintf("%-32s %5d  %s %d %s", draw.Trunc(c(g.Key), 32), g.Count, at(g.Last.CreatedDateTime),
				g.Last.Status.ErrorCode, c(g.Last.Status.FailureReason))
			line = draw.Trunc(line, inner)
			if i == v.cursor {
				body = append(body, st.Cursor.Render(draw.Fit(line, inner)))
			} else {
				body = append(body, st.Text.Render(line))
			}
		}
		body = append(body, "", st.Section.Render("By error code"))
		for i, g := range v.codes {
			if i == 5 {
				break
			}
			body = append(body, st.Text.Render(draw.Trunc(fmt.Sprintf("%-8s %5d  %s", g.Key, g.Count, c(g.Name)), inner)))
		}
	}
	keys := []KeyHelp{{"↑↓", "user"}, {"enter", "open user"}, {"esc", "close"}}
	title := fmt.Sprintf("Live failures · polled every %s", graph.WatchInterval)
	out, _ := frame(st, false, title, body, footer(st, keys, inner), 0, bw, h)
	return out
}
