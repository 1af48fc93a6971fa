package actions

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
)

// PasswordView shows a freshly reset password once, as TAPView shows a
// pass: large and spaced, copyable (OSC 52), closed only by ctrl+d pressed
// twice. Closing it drops the value; it is never stored, logged or
// exported.
type PasswordView struct {
	ID     int
	User   graph.User
	reset  graph.PasswordReset
	at     time.Time
	loc    *time.Location
	copied bool
	// Offer adds keys that close the password and go on ("o" revoke
	// sessions), after the same ctrl+d.
	Offer   []KeyHelp
	closing string
	note    string
}

// NewPasswordView returns the dialog for r, the reset of u's password made
// at at.
func NewPasswordView(id int, u graph.User, r graph.PasswordReset, at time.Time, loc *time.Location) *PasswordView {
	return &PasswordView{ID: id, User: u, reset: r, at: at, loc: loc}
}

// Update copies on c; closes on ctrl+d twice; an Offer key asks for the
// same ctrl+d, then goes on. Every other key only says how to close.
func (m *PasswordView) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	key := k.String()
	for _, o := range m.Offer {
		if key == o.Key {
			m.closing = o.Key
			m.note = "ctrl+d closes the password (it cannot be shown again) and goes on to " + o.Desc + "; any other key keeps it."
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
			m.note = "ctrl+d again closes the password: it cannot be shown again."
			return nil, nil
		case "close":
			return CloseMsg{ID: m.ID}, nil
		default:
			return ChoiceMsg{ID: m.ID, Value: m.closing}, nil
		}
	case "c", "y":
		m.closing, m.note = "", ""
		m.copied = true
		return nil, tea.SetClipboard(m.reset.Password.Reveal())
	}
	m.closing = ""
	m.note = "The password stays on screen until you close it: ctrl+d, twice."
	return nil, nil
}

// View draws the dialog.
func (m *PasswordView) View(st Styles, w, h int) []string {
	bw := min(w, 72)
	inner := bw - 4
	val := Spaced(graph.CleanText(m.reset.Password.Reveal()))
	boxW := min(draw.Width(val)+6, inner)
	big := draw.Box(draw.BoxStyle{Border: st.Border, Frame: st.TAPFrame, Title: st.TAPFrame},
		"", "", []string{"", st.TAP.Render(draw.Center(val, boxW-2)), ""}, boxW, 5)
	body := []string{st.Text.Render(draw.Trunc("For "+UserLabel(m.User), inner)), ""}
	for _, l := range big {
		body = append(body, draw.Center(l, inner))
	}
	body = append(body, "", st.Text.Render("Reset at    ")+st.OK.Render(m.at.In(m.loc).Format("Mon Jan 2 15:04 MST")))
	if m.reset.Confirmed {
		body = append(body, st.Text.Render("Graph       ")+st.OK.Render("reset succeeded"))
	} else {
		for i, l := range draw.Wrap(graph.CleanText(m.reset.Status), inner-12) {
			lead := "            "
			if i == 0 {
				lead = "Graph       "
			}
			body = append(body, st.Text.Render(lead)+st.Warn.Render(l))
		}
	}
	body = append(body, st.Text.Render("Next        ")+st.Text.Render("the user must change it at the next sign-in"), "")
	for _, l := range draw.Wrap("Shown once: it is not stored and cannot be shown again. Give it to the user over a verified channel; "+
		"sessions already open stay open (revoke them too).", inner) {
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
	out, _ := frame(st, false, "Temporary password", body, footer(st, keys, inner), 0, bw, h)
	return out
}
