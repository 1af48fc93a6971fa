package actions

import (
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
)

// TAPView shows a fresh Temporary Access Pass once: large, with its
// validity, copyable to the clipboard (OSC 52). Closing it drops the value;
// it is never stored, logged or exported.
type TAPView struct {
	ID     int
	User   graph.User
	tap    graph.TAP
	loc    *time.Location
	now    time.Time
	copied bool
	// Offer adds keys after closing (e.g. "n" notify by mail).
	Offer []KeyHelp
}

// NewTAPView returns the dialog for tap, issued to u.
func NewTAPView(id int, u graph.User, tap graph.TAP, now time.Time, loc *time.Location) *TAPView {
	return &TAPView{ID: id, User: u, tap: tap, now: now, loc: loc}
}

// Update copies on c and closes on esc / enter / q.
func (m *TAPView) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	for _, o := range m.Offer {
		if k.String() == o.Key {
			return ChoiceMsg{ID: m.ID, Value: o.Key}, nil
		}
	}
	switch k.String() {
	case "c", "y":
		m.copied = true
		return nil, tea.SetClipboard(m.tap.Value)
	case "esc", "enter", "q":
		return CloseMsg{ID: m.ID}, nil
	}
	return nil, nil
}

// Spaced puts a space between the characters of s so a pass is easy to
// read out and to copy by eye (l vs 1, O vs 0 stand apart).
func Spaced(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// View draws the dialog.
func (m *TAPView) View(st Styles, w, h int) []string {
	bw := min(w, 72)
	inner := bw - 4
	val := Spaced(graph.CleanText(m.tap.Value))
	boxW := min(draw.Width(val)+6, inner)
	big := draw.Box(draw.BoxStyle{Border: st.Border, Frame: st.TAPFrame, Title: st.TAPFrame},
		"", "", []string{"", st.TAP.Render(draw.Center(val, boxW-2)), ""}, boxW, 5)
	body := []string{st.Text.Render(draw.Trunc("For "+UserLabel(m.User), inner)), ""}
	for _, l := range big {
		body = append(body, draw.Center(l, inner))
	}
	start := m.tap.Start
	if start.IsZero() {
		start = m.tap.Created
	}
	if start.IsZero() {
		start = m.now
	}
	exp := m.tap.Expires()
	if m.tap.Start.IsZero() && m.tap.Created.IsZero() {
		exp = m.now.Add(time.Duration(m.tap.LifetimeMinutes) * time.Minute)
	}
	body = append(body, "",
		st.Text.Render("Valid from  ")+st.OK.Render(start.In(m.loc).Format("Mon Jan 2 15:04 MST")),
		st.Text.Render("Expires     ")+st.Warn.Render(exp.In(m.loc).Format("Mon Jan 2 15:04 MST"))+
			st.Muted.Render(" ("+LifetimeText(m.tap.LifetimeMinutes)+")"))
	if m.tap.IsUsableOnce {
		body = append(body, st.Text.Render("Use         ")+st.Warn.Render("once"))
	} else {
		body = append(body, st.Text.Render("Use         ")+st.Text.Render("many times until it expires"))
	}
	if r := graph.CleanText(m.tap.MethodUsabilityReason); r != "" && !m.tap.IsUsable {
		body = append(body, st.Bad.Render("Not usable yet: "+r))
	}
	body = append(body, "")
	for _, l := range draw.Wrap("Shown once: it is not stored and cannot be shown again. Give it to the user over a verified channel.", inner) {
		body = append(body, st.Muted.Render(l))
	}
	if m.copied {
		body = append(body, st.OK.Render("Copied to the clipboard (OSC 52; some terminals ignore it)."))
	}
	keys := append([]KeyHelp{{"c", "copy"}}, m.Offer...)
	keys = append(keys, KeyHelp{"esc", "close"})
	out, _ := frame(st, false, "Temporary Access Pass", body, footer(st, keys, inner), 0, bw, h)
	return out
}
