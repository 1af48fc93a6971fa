package tui

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/auth"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
)

// SignInSignal carries device code prompts from the credential to the
// console, which draws them (the code, the URL, a countdown) instead of
// letting them reach the terminal it owns. Pass Prompt as the session's
// device code handler and the signal as Options.SignIn; Done (optional)
// says the sign-in finished. Neither ever blocks: the credential calls
// Prompt from inside a Graph call.
type SignInSignal struct{ ch chan tea.Msg }

// NewSignInSignal returns a signal with room for a few prompts; more are
// dropped (one sign-in asks once; a retry asks again after the last one
// was drawn).
func NewSignInSignal() *SignInSignal { return &SignInSignal{ch: make(chan tea.Msg, 8)} }

// Prompt forwards one device code prompt to the console.
func (s *SignInSignal) Prompt(d auth.DeviceCodePrompt) { s.send(signInPromptMsg{d}) }

// Done tells the console the sign-in finished (a token was issued).
func (s *SignInSignal) Done() { s.send(signInDoneMsg{}) }

func (s *SignInSignal) send(msg tea.Msg) {
	if s == nil {
		return
	}
	select {
	case s.ch <- msg:
	default:
	}
}

func (s *SignInSignal) wait() tea.Cmd {
	if s == nil {
		return nil
	}
	return func() tea.Msg { return <-s.ch }
}

type (
	signInPromptMsg struct{ p auth.DeviceCodePrompt }
	signInDoneMsg   struct{}
	// signInTickMsg redraws the countdown (seq: the prompt it belongs to).
	signInTickMsg struct{ seq int }
)

// signInBox is the device code dialog's state.
type signInBox struct {
	code, url string
	expires   time.Time
	copied    bool
	seq       int
}

// onSignInPrompt opens (or replaces) the dialog and starts its countdown.
func (m *Model) onSignInPrompt(p auth.DeviceCodePrompt) tea.Cmd {
	m.signInSeq++
	exp := p.ExpiresOn
	if exp.IsZero() {
		exp = m.now().Add(15 * time.Minute)
	}
	// The credential cleans these already; the console never trusts that.
	m.signIn = &signInBox{code: graph.CleanText(p.Code), url: graph.CleanText(p.URL), expires: exp, seq: m.signInSeq}
	return tea.Batch(m.signInTick(), m.opts.SignIn.wait())
}

func (m *Model) signInTick() tea.Cmd {
	seq := m.signInSeq
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return signInTickMsg{seq: seq} })
}

// onSignInTick keeps the countdown going until the code expires (the
// expired dialog needs no more redraws).
func (m *Model) onSignInTick(msg signInTickMsg) tea.Cmd {
	if m.signIn == nil || msg.seq != m.signIn.seq || m.signInExpired() {
		return nil
	}
	return m.signInTick()
}

func (m *Model) signInExpired() bool {
	return m.signIn != nil && !m.now().Before(m.signIn.expires)
}

// signedIn closes the dialog: a Graph call got its answer, so the sign-in
// it waited for is done.
func (m *Model) signedIn() { m.signIn = nil }

// signInShown reports the device code dialog on screen: it waits while a
// fresh pass is shown (the pass is never covered; nothing else works
// until the sign-in is done).
func (m Model) signInShown() bool { return m.signIn != nil && !m.passShown() }

// signInKey handles keys while the dialog is up: it is what the console
// waits for, so other keys wait too (ctrl+c still quits, in handleKey).
func (m Model) signInKey(s string) (tea.Model, tea.Cmd) {
	switch s {
	case "c", "y":
		m.signIn.copied = true
		return m, tea.SetClipboard(m.signIn.code)
	case "q":
		return m.quit()
	case "r":
		if m.signInExpired() {
			// The next Graph call starts a new device code sign-in,
			// whose prompt opens the dialog again.
			m.signIn = nil
			return m, m.retrySignIn()
		}
	}
	return m, nil
}

// retrySignIn asks again what the start asked (who am I, the first search,
// the registration report): the calls that failed with the expired code.
func (m *Model) retrySignIn() tea.Cmd {
	for k := range m.regs {
		delete(m.regs, k)
	}
	m.report.Reset()
	return tea.Batch(m.whoAmI(), m.users.Refresh(), m.report.Load(), m.report.LoadMFA())
}

// signInView draws the dialog: what to do in one sentence, the code large,
// the countdown, the keys.
func (m Model) signInView(w int) []string {
	st := m.theme.Actions
	b := m.signIn
	bw := min(w-2, 72)
	inner := bw - 4
	var body []string
	for _, l := range draw.Wrap("Sign in to Microsoft: open "+b.url+" and enter "+b.code, inner) {
		body = append(body, st.Text.Render(l))
	}
	boxW := min(draw.Width(b.code)+8, inner)
	big := draw.Box(draw.BoxStyle{Border: st.Border, Frame: st.TAPFrame, Title: st.TAPFrame},
		"", "", []string{st.TAP.Render(draw.Center(b.code, boxW-2))}, boxW, 3)
	body = append(body, "")
	for _, l := range big {
		body = append(body, draw.Center(l, inner))
	}
	body = append(body, "")
	keys := "c copy · q quit"
	if m.signInExpired() {
		body = append(body, st.Bad.Render("Code expired — press r to try again / q to quit"))
		keys = "r try again · q quit"
	} else {
		left := b.expires.Sub(m.now()).Round(time.Second)
		body = append(body, st.Text.Render("Expires in ")+st.Warn.Render(countdown(left))+
			st.Muted.Render(" · waiting for you to sign in…"))
	}
	if b.copied {
		body = append(body, st.OK.Render("Code copied (OSC 52; some terminals ignore it)."))
	}
	body = append(body, "", st.Muted.Render(keys))
	pad := make([]string, 0, len(body))
	for _, l := range body {
		pad = append(pad, " "+l)
	}
	return draw.Box(draw.BoxStyle{Border: st.Border, Frame: st.Frame, Title: st.Title},
		"Sign in", "", pad, bw, len(pad)+2)
}

// countdown is m:ss (the lifetime is 15 minutes).
func countdown(d time.Duration) string {
	d = max(d, 0)
	s := int(d / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
