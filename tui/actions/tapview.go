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
	// closing is the close the technician asked for and must repeat with
	// ctrl+d: "close", or an Offer key that closes the pass and goes on.
	closing string
	note    string
}

// CloseKey closes the pass, pressed twice: the pass is shown once and
// lost when closed, so no ordinary key (esc, enter, q, a letter typed by
// habit) may close it, and nothing else replaces it.
const CloseKey = "ctrl+d"

// NewTAPView returns the dialog for tap, issued to u.
func NewTAPView(id int, u graph.User, tap graph.TAP, now time.Time, loc *time.Location) *TAPView {
	return &TAPView{ID: id, User: u, tap: tap, now: now, loc: loc}
}

// Update copies on c. The pass closes only on ctrl+d pressed twice; an
// Offer key (n: notify) asks for the same ctrl+d before it closes the pass
// and goes on. esc, enter and q only say how to close.
func (m *TAPView) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	key := k.String()
	for _, o := range m.Offer {
		if key == o.Key {
			m.closing = o.Key
			m.note = "ctrl+d closes the pass (it cannot be shown again) and goes on to " + o.Desc + "; any other key keeps it."
			return nil, nil
		}
	}
	switch key {
	case CloseKey:
		if k.IsRepeat {
			return nil, nil
		}
		switch m.closing {
		case "":
			m.closing = "close"
			m.note = "ctrl+d again closes the pass: it cannot be shown again."
			return nil, nil
		case "close":
			return CloseMsg{ID: m.ID}, nil
		default:
			return ChoiceMsg{ID: m.ID, Value: m.closing}, nil
		}
	case "c", "y":
		m.closing, m.note = "", ""
		m.copied = true
		return nil, tea.SetClipboard(m.tap.Value)
	}
	m.closing = ""
	m.note = "The pass stays on screen until you close it: ctrl+d, twice."
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
	if m.note != "" {
		for _, l := range draw.Wrap(m.note, inner) {
			body = append(body, st.Warn.Render(l))
		}
	}
	keys := append([]KeyHelp{{"c", "copy"}}, m.Offer...)
	keys = append(keys, KeyHelp{CloseKey, "close (twice)"})
	out, _ := frame(st, false, "Temporary Access Pass", body, footer(st, keys, inner), 0, bw, h)
	return out
}
