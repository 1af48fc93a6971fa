package tui

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/actions"
	"github.com/mfadesk/mfadesk/tui/internal/stub"
)

// driver runs the root model the way Bubble Tea does, synchronously enough
// for Update-level tests: each command runs in a goroutine; what answers
// within `wait` is fed back at once, what takes longer (a tick, a call held
// by a stub gate) arrives later through settle.
type driver struct {
	t    *testing.T
	m    Model
	late chan tea.Msg
	wait time.Duration
	// clock is the wall clock confirmations arm by (Options.Clock): it
	// moves only when a test advances it.
	clock *testClock
}

// testClock is a clock a test advances (safe to read from commands).
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

var fixedNow = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

func init() {
	detailDebounce = time.Millisecond
	flashFor = time.Hour // flashes stay put: tests read them
}

func newDriver(t *testing.T, c graph.Client, edit func(*Options)) *driver {
	t.Helper()
	noColor, dark := true, true
	clk := &testClock{now: fixedNow}
	opts := Options{Client: c, Now: func() time.Time { return fixedNow }, Location: time.UTC,
		NoColor: &noColor, Dark: &dark, TenantName: "Contoso", Clock: clk.Now}
	if edit != nil {
		edit(&opts)
	}
	d := &driver{t: t, m: New(opts), late: make(chan tea.Msg, 1024), wait: 200 * time.Millisecond, clock: clk}
	d.m.users.Debounce = time.Millisecond
	d.send(tea.WindowSizeMsg{Width: 120, Height: 36})
	d.exec(d.m.Init(), nil)
	d.settle()
	return d
}

// send delivers msg and everything its commands answer quickly.
func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	queue := []tea.Msg{msg}
	for len(queue) > 0 {
		msg := queue[0]
		queue = queue[1:]
		nm, cmd := d.m.Update(msg)
		d.m = nm.(Model)
		d.exec(cmd, &queue)
	}
}

func (d *driver) exec(cmd tea.Cmd, queue *[]tea.Msg) {
	if cmd == nil {
		return
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case msg := <-ch:
		d.handle(msg, queue)
	case <-time.After(d.wait):
		go func() {
			if msg := <-ch; msg != nil {
				d.late <- msg
			}
		}()
	}
}

func (d *driver) handle(msg tea.Msg, queue *[]tea.Msg) {
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			d.exec(c, queue)
		}
	default:
		if queue == nil {
			d.send(msg)
			return
		}
		*queue = append(*queue, msg)
	}
}

// settleUntil delivers late answers until done reports true, waiting as long
// as a loaded machine needs (settle alone may return before a debounce tick
// that the scheduler has not yet run).
func (d *driver) settleUntil(done func() bool) {
	d.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !done() && time.Now().Before(deadline) {
		select {
		case msg := <-d.late:
			d.send(msg)
		case <-time.After(20 * time.Millisecond):
		}
	}
	d.settle()
}

// settle delivers late answers until none comes for a little while.
func (d *driver) settle() {
	d.t.Helper()
	for {
		select {
		case msg := <-d.late:
			d.send(msg)
		case <-time.After(120 * time.Millisecond):
			return
		}
	}
}

func (d *driver) key(keys ...string) {
	d.t.Helper()
	for _, k := range keys {
		d.send(keyMsg(k))
	}
}

func (d *driver) typeText(s string) {
	for _, r := range s {
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// keyPress is keyMsg with the shifted arrows.
func keyPress(k string) tea.KeyPressMsg {
	switch k {
	case "shift+up":
		return tea.KeyPressMsg{Code: tea.KeyUp, Mod: tea.ModShift}
	case "shift+down":
		return tea.KeyPressMsg{Code: tea.KeyDown, Mod: tea.ModShift}
	}
	return keyMsg(k)
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+y":
		return tea.KeyPressMsg{Code: 'y', Mod: tea.ModCtrl}
	case "ctrl+d":
		return tea.KeyPressMsg{Code: 'd', Mod: tea.ModCtrl}
	case "ctrl+r":
		return tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl}
	}
	r := []rune(k)
	if len(r) == 1 {
		return tea.KeyPressMsg{Code: r[0], Text: k}
	}
	panic("unknown key " + k)
}

// screen is the current frame as plain text.
func (d *driver) screen() string { return ansi.Strip(d.m.Render()) }

func (d *driver) mustSee(s string) {
	d.t.Helper()
	if !strings.Contains(d.screen(), s) {
		d.t.Fatalf("screen lacks %q:\n%s", s, d.screen())
	}
}

func (d *driver) mustNotSee(s string) {
	d.t.Helper()
	if strings.Contains(d.screen(), s) {
		d.t.Fatalf("screen shows %q:\n%s", s, d.screen())
	}
}

// armNow waits out an open confirmation's arm delay on the test clock.
func (d *driver) armNow() {
	d.t.Helper()
	c, ok := d.m.modal.(*actions.Confirm)
	if !ok {
		d.t.Fatalf("no confirmation open:\n%s", d.screen())
	}
	d.clock.Advance(actions.ArmDelay)
	if !c.Armed() {
		d.t.Fatal("confirmation not armed after its delay")
	}
}

// confirm is the deliberate act: ctrl+y in an armed confirmation.
func (d *driver) confirm() {
	d.t.Helper()
	d.send(tea.KeyPressMsg{Code: 'y', Mod: tea.ModCtrl})
}

func newStub(n int) *stub.Client { return stub.New(n) }
