package tui

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/internal/tuitest"
	"github.com/mfadesk/mfadesk/tui/actions"
)

// rig drives the root model as Bubble Tea does, for tests that press
// thousands of keys: a key is one Update and one frame; every command runs
// in its own goroutine and its answer is delivered between later keys, in
// arrival order (never waited for, so a tick of 400 ms costs nothing). The
// client is the real msgraph client against the fake tenant on loopback,
// and the confirmations' arm delay runs on clock, which only the test
// moves: typing speed is simulated, never slept.
type rig struct {
	t     testing.TB
	m     Model
	srv   *fake.Server
	clock *testClock
	msgs  chan tea.Msg
	done  chan struct{}
	// last keys sent, for the report of a failure.
	trail []string
	// quiet is how long idle waits for one more answer.
	quiet time.Duration
}

func newRig(t testing.TB, edit func(*Options)) *rig {
	t.Helper()
	t.Chdir(t.TempDir()) // an export typed by chance lands in a scratch dir
	oldFlash := flashFor
	flashFor = 50 * time.Millisecond // no hour-long timers piling up
	t.Cleanup(func() { flashFor = oldFlash })
	c, srv := tuitest.Client(t)
	clk := &testClock{now: tuitest.Now}
	noColor, dark := true, true
	opts := Options{Client: c, Now: tuitest.Clock, Location: time.UTC, NoColor: &noColor, Dark: &dark,
		TenantName: "Contoso", Clock: clk.Now}
	if edit != nil {
		edit(&opts)
	}
	r := &rig{t: t, m: New(opts), srv: srv, clock: clk, msgs: make(chan tea.Msg, 4096), done: make(chan struct{}),
		quiet: 3 * time.Millisecond}
	t.Cleanup(func() { close(r.done) })
	r.m.users.Debounce = time.Millisecond
	r.deliver(tea.WindowSizeMsg{Width: 80, Height: 24})
	r.run(r.m.Init())
	r.settle(10 * time.Second)
	if len(r.m.users.Items()) == 0 {
		t.Fatalf("no users loaded:\n%s", r.screen())
	}
	// The operator may also set per-user MFA (the demo admin's token
	// lacks the role), so that dialog opens too.
	r.m.operator.RoleTemplateIDs = append(r.m.operator.RoleTemplateIDs, graph.RoleAuthPolicyAdmin)
	r.m.operator.DirectoryRoles = append(r.m.operator.DirectoryRoles, "Authentication Policy Administrator")
	return r
}

// run starts cmd; its answer arrives on r.msgs.
func (r *rig) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		if msg == nil {
			return
		}
		select {
		case r.msgs <- msg:
		case <-r.done:
		}
	}()
}

// deliver gives msg to the model (and draws a frame, as the program does
// after every message).
func (r *rig) deliver(msg tea.Msg) {
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			r.run(c)
		}
		return
	case tea.QuitMsg:
		return // the model must stay usable for the next key
	}
	nm, cmd := r.m.Update(msg)
	r.m = nm.(Model)
	r.run(cmd)
	_ = r.m.Render()
}

// pump delivers the answers that have arrived, without waiting.
func (r *rig) pump() {
	for range 256 {
		select {
		case msg := <-r.msgs:
			r.deliver(msg)
		default:
			return
		}
	}
}

// idle delivers answers until none arrives for a little while (or max)
// and no change is in flight. Loads paced by the client (the reports budget
// spaces sign-in requests seconds apart) are not waited for: their answers
// arrive between later keys, as they would.
func (r *rig) idle(max time.Duration) { r.wait(max, false) }

// settle is idle that also waits for every load to finish.
func (r *rig) settle(max time.Duration) { r.wait(max, true) }

// until delivers answers until cond holds (or max).
func (r *rig) until(cond func() bool, max time.Duration) {
	deadline := time.Now().Add(max)
	for !cond() && time.Now().Before(deadline) {
		select {
		case msg := <-r.msgs:
			r.deliver(msg)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func (r *rig) wait(max time.Duration, loads bool) {
	deadline := time.Now().Add(max)
	quiet := time.NewTimer(r.quiet)
	defer quiet.Stop()
	for time.Now().Before(deadline) {
		select {
		case msg := <-r.msgs:
			r.deliver(msg)
			quiet.Reset(r.quiet)
		case <-quiet.C:
			// A change in flight (inflight, a bulk run) is always waited
			// for: what it writes must be counted.
			if !(loads && r.m.busy()) && len(r.m.inflight) == 0 && (r.m.bulk == nil || !r.m.bulk.Running()) {
				return
			}
			quiet.Reset(r.quiet)
		}
	}
}

// press sends one key after dt on the clock.
func (r *rig) press(k tea.KeyPressMsg, dt time.Duration) {
	r.clock.Advance(dt)
	r.trail = append(r.trail, k.String())
	if len(r.trail) > 40 {
		r.trail = r.trail[len(r.trail)-40:]
	}
	r.deliver(k)
	r.pump()
}

func (r *rig) keys(ks ...string) {
	for _, k := range ks {
		r.press(keyMsg(k), 100*time.Millisecond)
		r.idle(time.Second)
	}
}

func (r *rig) screen() string { return ansi.Strip(r.m.Render()) }

// home brings the app back to the users list with nothing open and no
// marks, however the last keys left it.
func (r *rig) home() {
	for range 20 {
		switch {
		case r.m.signIn != nil:
			r.m.signIn = nil
		case r.m.modal != nil:
			if r.m.passShown() {
				r.press(keyMsg("ctrl+d"), 0)
				r.press(keyMsg("ctrl+d"), 0)
				continue
			}
			r.press(keyMsg("esc"), 0)
		case r.m.showBulk:
			r.press(keyMsg("esc"), 0)
		case r.m.users.Searching():
			r.press(keyMsg("esc"), 0)
		case r.m.view != viewMain:
			r.press(keyMsg("v"), 0)
		case r.m.users.Query() != "" || r.m.users.Search.Value() != "":
			r.run(r.m.users.SetQuery(""))
			r.until(func() bool { return r.m.users.Query() == "" && !r.m.users.Loading() }, 5*time.Second)
			r.m.users.StopSearch()
		default:
			r.m.marks.Clear()
			r.m.focus = paneUsers
			r.m.report.StopSearch()
			r.m.report.ClearSearch()
			r.m.report.CancelRange()
			r.m.users.CancelRange()
			r.m.report.SetFilter(0)
			r.idle(time.Second)
			return
		}
	}
	r.t.Fatalf("cannot get back to the users list:\n%s", r.screen())
}

// writes lists the requests that change the tenant the fake has answered
// (method and route: POST, PATCH, PUT, DELETE; the $batch envelope is not
// one, its items are counted on their own), plus the mail it accepted.
func (r *rig) writes() map[string]int {
	out := map[string]int{}
	for k, n := range r.srv.Tenant.Stats().Requests {
		if strings.HasPrefix(k, "GET ") || k == "POST /$batch" {
			continue
		}
		out[k] += n
	}
	if n := len(r.srv.Tenant.SentMail()); n > 0 {
		out["mail accepted"] = n
	}
	return out
}

func countOf(w map[string]int) int {
	n := 0
	for _, v := range w {
		n += v
	}
	return n
}

func describe(w map[string]int) string {
	var ks []string
	for k, v := range w {
		ks = append(ks, fmt.Sprintf("%s ×%d", k, v))
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

// newWrites is what was written since base.
func newWrites(base, now map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range now {
		if d := v - base[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

// showTAP puts a freshly issued pass on screen as the app does after a
// TAP or a re-registration with one (without issuing one: no write).
func (r *rig) showTAP(reregister bool) {
	u, _ := r.m.users.Selected()
	tap := graph.TAP{Value: "Kq7#Lp2!Wd", Start: tuitest.Now, LifetimeMinutes: 60, IsUsableOnce: true, IsUsable: true}
	kind := actions.IssueTAP
	if reregister {
		kind = actions.Reregister
	}
	nm, cmd := r.m.onResult(resultMsg{ID: r.m.newID(), Result: actions.Result{Target: u, Kind: kind, Status: actions.Done, TAP: &tap, At: tuitest.Now}})
	r.m = nm.(Model)
	r.run(cmd)
}

// showResetDone puts the "Reset MFA: done" result on screen (t / n offers).
func (r *rig) showResetDone() {
	u, _ := r.m.users.Selected()
	nm, cmd := r.m.onResult(resultMsg{ID: r.m.newID(), Result: actions.Result{Target: u, Kind: actions.Reset, Status: actions.Done, At: tuitest.Now}})
	r.m = nm.(Model)
	r.run(cmd)
}
