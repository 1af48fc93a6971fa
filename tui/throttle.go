package tui

import (
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/actions"
	"github.com/mfadesk/mfadesk/tui/methods"
	"github.com/mfadesk/mfadesk/tui/signins"

	tea "charm.land/bubbletea/v2"
)

// ThrottleSignal carries Graph's 429s from the client to the console's
// top-line indicator. Pass Notify as msgraph.ClientOptions.OnThrottle and the
// signal as Options.Throttle. Notify never blocks and never writes to the
// terminal (the console owns it).
type ThrottleSignal struct{ ch chan time.Duration }

// NewThrottleSignal returns a signal with room for a burst of 429s; more
// are dropped (the indicator only needs the latest).
func NewThrottleSignal() *ThrottleSignal { return &ThrottleSignal{ch: make(chan time.Duration, 16)} }

// Notify reports one 429 with its Retry-After (0 when absent).
func (s *ThrottleSignal) Notify(retryAfter time.Duration) {
	if s == nil {
		return
	}
	select {
	case s.ch <- retryAfter:
	default:
	}
}

// throttleMsg is one 429 seen by the client; throttleOverMsg ends the
// indicator (seq: the latest throttle it belongs to).
type (
	throttleMsg     struct{ retryAfter time.Duration }
	throttleOverMsg struct{ seq int }
)

// minThrottleShown keeps the indicator up long enough to be read.
const minThrottleShown = 5 * time.Second

func (s *ThrottleSignal) wait() tea.Cmd {
	if s == nil {
		return nil
	}
	return func() tea.Msg { return throttleMsg{retryAfter: <-s.ch} }
}

// throttledFor turns the indicator on for about d and returns the command
// that turns it off.
func (m *Model) throttledFor(d time.Duration) tea.Cmd {
	m.throttled = true
	m.throttleSeq++
	seq := m.throttleSeq
	return tea.Tick(max(d, minThrottleShown), func(time.Time) tea.Msg { return throttleOverMsg{seq: seq} })
}

// answerErr is the error a pane's answer carries, if any.
func answerErr(msg tea.Msg) error {
	switch msg := msg.(type) {
	case methods.MethodsMsg:
		return msg.Err
	case methods.RegistrationMsg:
		return msg.Err
	case methods.PerUserMsg:
		return msg.Err
	case signins.LoadedMsg:
		return msg.Err
	case actions.AuditMsg:
		return msg.Err
	}
	return nil
}

// retryAfter is Graph's Retry-After inside err (0 when none).
func retryAfter(err error) time.Duration {
	if ge, ok := graph.AsError(err); ok {
		return ge.RetryAfter
	}
	return 0
}
