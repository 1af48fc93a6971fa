package tui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/internal/tuitest"
	"github.com/mfadesk/mfadesk/tui/actions"
)

// A dialog that arrives while a fresh pass is shown (a failed change's
// result) waits behind it: the pass stays on screen until ctrl+d twice,
// then the dialog opens.
func TestDialogWaitsBehindThePass(t *testing.T) {
	r := newRig(t, nil)
	r.showTAP(false)
	if _, ok := r.m.modal.(*actions.TAPView); !ok {
		t.Fatalf("no pass on screen:\n%s", r.screen())
	}
	u, _ := r.m.users.Selected()
	fail := actions.Result{Target: u, Kind: actions.Revoke, Status: actions.Failed, At: tuitest.Now,
		Err: &graph.Error{Kind: graph.ErrDenied, Message: "denied"}}
	r.deliver(resultMsg{ID: r.m.newID(), Result: fail})
	if _, ok := r.m.modal.(*actions.TAPView); !ok || !strings.Contains(r.screen(), "K q 7 # L p 2 ! W d") {
		t.Fatalf("the pass was covered:\n%s", r.screen())
	}
	r.showTAP(false) // a second pass waits too
	for _, k := range []string{"esc", "enter", "q", "n", "y"} {
		r.press(keyMsg(k), 100*time.Millisecond)
	}
	if _, ok := r.m.modal.(*actions.TAPView); !ok {
		t.Fatalf("a key closed the pass:\n%s", r.screen())
	}
	r.press(keyMsg("ctrl+d"), 0)
	r.press(keyMsg("ctrl+d"), 0)
	info, ok := r.m.modal.(*actions.Info)
	if !ok || !strings.Contains(info.Title, "failed") {
		t.Fatalf("the held result did not open after the pass (%T):\n%s", r.m.modal, r.screen())
	}
	r.press(keyMsg("esc"), 0)
	if _, ok := r.m.modal.(*actions.TAPView); !ok {
		t.Fatalf("the second pass was lost (%T):\n%s", r.m.modal, r.screen())
	}
}

// / in the sign-ins pane searches its rows (app, reason, place, IP); the
// focused box says so, typing never acts, esc clears.
func TestSignInsSearch(t *testing.T) {
	r := newRig(t, nil)
	r.keys("/")
	for _, c := range "alice" {
		r.press(keyMsg(string(c)), 50*time.Millisecond)
	}
	r.keys("enter")
	r.settle(10 * time.Second)
	r.m.focus = paneSignIns
	all := r.m.signins.Len()
	if all < 2 {
		t.Fatalf("need sign-ins to search, have %d:\n%s", all, r.screen())
	}
	s, _ := r.m.signins.Selected()
	app := strings.ToLower(graph.CleanText(s.AppDisplayName))
	base := r.writes()
	r.keys("/")
	if !r.m.signins.Searching() || r.m.users.Searching() || !strings.Contains(r.screen(), "SEARCH") {
		t.Fatalf("/ in the sign-ins pane did not focus its search:\n%s", r.screen())
	}
	for _, c := range app {
		r.press(keyMsg(string(c)), 80*time.Millisecond)
	}
	got := r.m.signins.Len()
	if got == 0 || got > all {
		t.Fatalf("search %q shows %d of %d:\n%s", app, got, all, r.screen())
	}
	for i := range got {
		r.m.signins.Select(i)
		if x, _ := r.m.signins.Selected(); !strings.Contains(strings.ToLower(x.AppDisplayName), app) {
			t.Fatalf("row %d (%s) does not match %q", i, x.AppDisplayName, app)
		}
	}
	if !strings.Contains(r.screen(), "type to search") {
		t.Fatalf("the action bar does not say keys type into the box:\n%s", r.screen())
	}
	r.keys("esc")
	if r.m.signins.Searching() || r.m.signins.Len() != all || r.m.signins.Query() != "" {
		t.Fatalf("esc did not clear the search (%d of %d):\n%s", r.m.signins.Len(), all, r.screen())
	}
	if w := newWrites(base, r.writes()); countOf(w) > 0 {
		t.Fatalf("searching wrote: %s", describe(w))
	}
}

// Quitting cancels the console's context: every call in flight ends.
func TestQuitCancelsTheContext(t *testing.T) {
	r := newRig(t, nil)
	if r.m.ctx.Err() != nil {
		t.Fatal("context ended before quitting")
	}
	nm, cmd := r.m.Update(keyMsg("q"))
	r.m = nm.(Model)
	if cmd == nil {
		t.Fatal("q did not quit")
	}
	if !errors.Is(r.m.ctx.Err(), context.Canceled) {
		t.Fatalf("context not cancelled on quit: %v", r.m.ctx.Err())
	}
}

// The table is the one source: every key of the ? help is dispatched by
// it, no two rows share a key where both work, and the action bar, the
// footer and the help hold only its rows.
func TestBindingsAreOneTable(t *testing.T) {
	b := bindings(DefaultKeyMap())
	seen := map[string]scope{}
	for _, x := range b {
		if x.do == nil {
			t.Fatalf("%v has no handler", x.key.Keys())
		}
		for _, k := range x.key.Keys() {
			if seen[k]&x.keys != 0 {
				t.Fatalf("key %q bound twice in one place", k)
			}
			seen[k] |= x.keys
		}
	}
	for _, o := range operations() {
		if seen[o.key]&o.keys != o.keys {
			t.Fatalf("catalogue operation %s (key %q) is not bound", o.kind, o.key)
		}
	}
	m := New(Options{Welcome: true})
	help := map[string]bool{}
	for _, col := range m.helpColumns() {
		for _, k := range col {
			help[k.Help().Key] = true
		}
	}
	for _, o := range operations() {
		if !help[o.key] {
			t.Fatalf("operation %s missing from the help", o.kind)
		}
	}
	var _ tea.Model = m
}

// An error too long for the footer wraps into the action bar's line, and
// every line stays exactly the terminal's width (80 columns).
func TestErrorFlashWraps(t *testing.T) {
	r := newRig(t, nil)
	msg := "Not written: open /home/helpdesk/reports/2026/december/mfadesk-registration-20261205-101010.csv: permission denied"
	r.m.setFlash(msg, true)
	lines := strings.Split(r.screen(), "\n")
	if len(lines) != 24 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, l := range lines {
		if w := len([]rune(l)); w != 80 {
			t.Fatalf("line %d is %d cells: %q", i, w, l)
		}
	}
	bottom := lines[22] + lines[23]
	for _, want := range []string{"Not written", "permission denied"} {
		if !strings.Contains(bottom, want) {
			t.Fatalf("%q not shown:\n%s\n%s", want, lines[22], lines[23])
		}
	}
}
