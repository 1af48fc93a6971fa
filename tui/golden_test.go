package tui

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/mfadesk/mfadesk/internal/tuitest"
)

// pingMsg makes the program run its filter (and so record a frame) when
// nothing else is happening.
type pingMsg struct{}

// program runs the whole console with teatest against the fake tenant
// through the real Graph client, and records the latest frame from inside
// the event loop (no data race with the model).
type program struct {
	t  *testing.T
	tm *teatest.TestModel

	mu    sync.Mutex
	frame string
	busy  bool
}

func startProgram(t *testing.T, w, h int) *program {
	t.Helper()
	c, _ := tuitest.Client(t)
	noColor := true
	m := New(Options{Client: c, TenantName: "Contoso (demo)", Now: tuitest.Clock, Location: time.UTC,
		NoColor: &noColor})
	p := &program{t: t}
	filter := func(mod tea.Model, msg tea.Msg) tea.Msg {
		if mm, ok := mod.(Model); ok {
			f := ansi.Strip(mm.Render())
			p.mu.Lock()
			p.frame, p.busy = f, mm.busy()
			p.mu.Unlock()
		}
		return msg
	}
	p.tm = teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithFilter(filter)))
	t.Cleanup(func() {
		_ = p.tm.Quit()
		p.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	})
	return p
}

// waitFor returns the first frame for which ok holds (or fails the test).
func (p *program) waitFor(what string, ok func(string) bool) string {
	p.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		p.tm.Send(pingMsg{})
		time.Sleep(30 * time.Millisecond)
		p.mu.Lock()
		f, busy := p.frame, p.busy
		p.mu.Unlock()
		if !busy && ok(f) {
			return f
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.t.Fatalf("waiting for %s; last frame:\n%s", what, p.frame)
	return ""
}

func has(subs ...string) func(string) bool {
	return func(s string) bool {
		for _, x := range subs {
			if !strings.Contains(s, x) {
				return false
			}
		}
		return true
	}
}

func (p *program) keys(ks ...string) {
	for _, k := range ks {
		p.tm.Send(keyMsg(k))
	}
}

// TestGoldenScreens checks the main screens at 80x24 and 140x40 against
// testdata/TestGoldenScreens/<size>/<screen>.golden; go test -update
// rewrites them.
func TestGoldenScreens(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {140, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			p := startProgram(t, size[0], size[1])
			shot := func(name string, f string) {
				t.Run(name, func(t *testing.T) { golden.RequireEqual(t, f) })
			}
			settled := has // waitFor also waits for nothing to be in flight

			shot("start", p.waitFor("first user's detail", settled("Alice Wong  alice.wong", "last 7d", "Authenticator")))

			p.keys("/")
			p.tm.Type("dave")
			shot("search-typing", p.waitFor("typing dave", settled("/ dave", "Dave Kim  dave.kim", "last 7d")))
			p.keys("enter")
			shot("search", p.waitFor("search for dave", settled("/ dave", "Dave Kim  dave.kim", "last 7d")))

			p.keys("/")
			for range 4 {
				p.keys("backspace")
			}
			p.tm.Type("alice")
			p.keys("enter")
			p.waitFor("alice", settled("/ alice", "Alice Wong  alice.wong", "last 7d", "5 methods"))
			p.keys("enter", "enter")
			shot("signin-detail", p.waitFor("sign-in detail", has("What 500121 means")))

			p.keys("esc", "tab", "r")
			shot("reset-confirm", p.waitFor("armed reset confirmation", has("Operations, in this order", "ctrl+y run")))
			p.keys("ctrl+y")
			shot("reset-done", p.waitFor("reset result", settled("Reset MFA: done", "1 method")))

			p.keys("esc")
			shot("after-reset", p.waitFor("methods pane with the password only", settled("1 method", "MFA registered ✗")))

			p.keys("a")
			shot("audit", p.waitFor("audit trail", has("Audit trail: Alice Wong (")))

			p.keys("esc", "v")
			shot("report", p.waitFor("registration report", has("of 241 users"))) // 9 disabled: not in the report
			p.keys("4")
			shot("report-sms-only", p.waitFor("SMS/voice only filter", has("[4 SMS/voice only")))
			p.keys("0", "/")
			p.tm.Type("kim")
			shot("report-search", p.waitFor("report search", has("SEARCH / kim", "8 of 241 users")))
			p.keys("enter")
			shot("report-searched", p.waitFor("report searched", has("8 matches · / edit · esc clear")))
			p.keys("esc")
			p.waitFor("report search cleared", has("241 of 241 users"))

			p.keys("?")
			shot("help", p.waitFor("help", has("Act on the highlighted user")))
		})
	}
}
