package actions

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/stub"
)

var now = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

var plain = Styles{Border: lipgloss.RoundedBorder()}

func users(n int) []graph.User {
	var us []graph.User
	for i := 0; i < n; i++ {
		us = append(us, graph.User{ID: fmt.Sprint("u", i), DisplayName: fmt.Sprintf("User %d", i),
			UserPrincipalName: fmt.Sprintf("user%d@contoso.com", i)})
	}
	return us
}

func keyPress(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "ctrl+y":
		return tea.KeyPressMsg{Code: 'y', Mod: tea.ModCtrl}
	case "ctrl+d":
		return tea.KeyPressMsg{Code: 'd', Mod: tea.ModCtrl}
	}
	return tea.KeyPressMsg{Code: []rune(s)[0], Text: s}
}

// fakeClock is a clock the test moves.
type fakeClock struct{ t time.Time }

func (f *fakeClock) now() time.Time { return f.t }

// armed moves the dialog's clock past its arm delay.
func armed(c *Confirm) *Confirm {
	at := c.opened.Add(ArmDelay)
	c.clock = func() time.Time { return at }
	return c
}

// Only ctrl+y confirms, and only once the dialog has been open for its
// arm delay (on its clock: the timer's tick only redraws).
func TestConfirmOnlyCtrlYAfterTheArmDelay(t *testing.T) {
	clk := &fakeClock{t: now}
	c, arm := NewConfirmClock(7, Op{Kind: Revoke}, Plan{Title: "Revoke sessions", Targets: users(1)}, clk.now)
	if arm == nil {
		t.Fatal("no redraw timer")
	}
	for _, k := range []string{"y", "enter", "Y", "ctrl+y"} {
		if ans, _ := c.Update(keyPress(k)); ans != nil {
			t.Fatalf("%s answered before arming: %v", k, ans)
		}
	}
	c.Update(armMsg{id: 7}) // the tick alone does not arm
	if c.Armed() {
		t.Fatal("armed by the tick, not the clock")
	}
	clk.t = clk.t.Add(ArmDelay - time.Millisecond)
	if ans, _ := c.Update(keyPress("ctrl+y")); ans != nil || c.Armed() {
		t.Fatal("ctrl+y answered before the arm delay")
	}
	clk.t = clk.t.Add(time.Millisecond)
	for _, k := range []string{"enter", "y", "Y", "e", "s", " ", "1"} {
		if ans, _ := c.Update(keyPress(k)); ans != nil {
			t.Fatalf("%q confirmed", k)
		}
	}
	if !strings.Contains(strings.Join(c.View(plain, 76, 30), "\n"), "ctrl+y confirms; typing never does") {
		t.Fatal("y did not say what confirms")
	}
	if ans, _ := c.Update(tea.KeyPressMsg{Code: 'y', Mod: tea.ModCtrl, IsRepeat: true}); ans != nil {
		t.Fatal("a key repeat confirmed")
	}
	ans, _ := c.Update(keyPress("ctrl+y"))
	if got, ok := ans.(ConfirmedMsg); !ok || got.ID != 7 || got.Op.Kind != Revoke || !got.Deliberate() {
		t.Fatalf("answer %v", ans)
	}
	if ans, _ := c.Update(keyPress("ctrl+y")); ans != nil {
		t.Fatal("answered twice")
	}
	if (ConfirmedMsg{ID: 7}).Deliberate() {
		t.Fatal("a ConfirmedMsg made outside a dialog counts as deliberate")
	}
}

func TestConfirmTypedPhrase(t *testing.T) {
	c, _ := NewConfirm(1, Op{Kind: Reset}, Plan{Title: "Bulk", Targets: users(12), Phrase: "reset 12"})
	armed(c)
	if ans, _ := c.Update(keyPress("y")); ans != nil {
		t.Fatal("y confirmed a typed-phrase dialog")
	}
	c.Update(tea.PasteMsg{Content: "reset 12"})
	if ans, _ := c.Update(keyPress("ctrl+y")); ans != nil {
		t.Fatal("pasted phrase confirmed")
	}
	for range 10 {
		c.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	if ans, _ := c.Update(keyPress("ctrl+y")); ans != nil {
		t.Fatal("ctrl+y confirmed without the phrase")
	}
	for _, r := range "reset 12" {
		c.Update(keyPress(string(r)))
	}
	// The phrase enables ctrl+y; it does not confirm by itself.
	if ans, _ := c.Update(keyPress("enter")); ans != nil {
		t.Fatal("enter after the phrase confirmed")
	}
	if ans, _ := c.Update(keyPress("ctrl+y")); ans == nil {
		t.Fatal("ctrl+y after the typed phrase did not confirm")
	}
}

func TestGoldenConfirmBulk(t *testing.T) {
	us := users(14)
	p := Plan{Title: "Bulk: Reset MFA", Targets: us[:12],
		Ops:      []string{"list the user's methods, then delete every one except the password", "registered among them (report): Authenticator ×9, mobile ×4"},
		Keeps:    []string{"Password"},
		Skips:    []Skip{{User: us[12], Why: "protected account in config"}, {User: us[13], Why: "the target is an admin: needs the Privileged Authentication Administrator or Global Administrator role"}},
		Warnings: []string{"The user must register MFA again at the next sign-in."},
		Phrase:   "reset 12"}
	c, _ := NewConfirm(1, Op{Kind: Reset}, p)
	armed(c)
	c.SetSize(76, 40)
	golden.RequireEqual(t, strings.Join(c.View(plain, 76, 40), "\n"))
}

func TestGoldenTAPView(t *testing.T) {
	tap := graph.TAP{Value: "kq7#Lp2!Wd", Start: now, LifetimeMinutes: 60, IsUsableOnce: true, IsUsable: true}
	v := NewTAPView(1, users(1)[0], tap, now, time.UTC)
	golden.RequireEqual(t, strings.Join(v.View(plain, 80, 30), "\n"))
	if ans, cmd := v.Update(keyPress("c")); ans != nil || cmd == nil {
		t.Fatal("c did not copy")
	}
	if !strings.Contains(strings.Join(v.View(plain, 80, 30), "\n"), "Copied") {
		t.Fatal("copy not acknowledged")
	}
}

// runAll drives a bulk run to its end, as the root model would.
func runAll(t *testing.T, b *BulkRun, cmd tea.Cmd) {
	t.Helper()
	for cmd != nil {
		msg := cmd()
		ev, ok := msg.(BulkEventMsg)
		if !ok {
			t.Fatalf("unexpected %T", msg)
		}
		_, cmd = b.Update(ev)
		if ev.Closed {
			return
		}
	}
}

func TestBulkRunAccountsForEveryTarget(t *testing.T) {
	c := stub.New(20)
	c.Fail["RevokeSessions"] = "u3"
	pre := func(u graph.User) (string, bool) {
		if u.ID == "u5" {
			return "protected account", true
		}
		return "", false
	}
	us := c.Users[:10]
	b := NewBulkRun(t.Context(), 1, c, "Revoke sessions", Op{Kind: Revoke}, us, BulkConfig{Concurrency: 1}, pre, clock) // one at a time: a stable order
	b.SetSize(100, 30)
	runAll(t, b, b.Start())
	total, finished, done, failed, skipped := b.Counts()
	if total != 10 || finished != 10 || done != 8 || failed != 1 || skipped != 1 {
		t.Fatalf("total=%d finished=%d done=%d failed=%d skipped=%d", total, finished, done, failed, skipped)
	}
	if c.CountCalls("RevokeSessions") != 9 {
		t.Fatalf("%d revokes, want 9 (the protected one is never sent)", c.CountCalls("RevokeSessions"))
	}
	golden.RequireEqual(t, strings.Join(b.View(plain, 100, 30), "\n"))

	// r retries only the failure.
	delete(c.Fail, "RevokeSessions")
	// r asks (the root opens a confirmation); only a confirmed op retries.
	ans, cmd := b.Update(keyPress("r"))
	if ch, ok := ans.(ChoiceMsg); !ok || ch.Value != RetryChoice || cmd != nil {
		t.Fatalf("r answered %v (cmd %v), want the retry choice and nothing run", ans, cmd != nil)
	}
	runAll(t, b, b.RetryWith(Op{Kind: Revoke}))
	_, _, done, failed, _ = b.Counts()
	if done != 9 || failed != 0 || c.CountCalls("RevokeSessions(u3)") != 2 || c.CountCalls("RevokeSessions(u0)") != 1 {
		t.Fatalf("after retry done=%d failed=%d calls=%v", done, failed, c.Calls())
	}
}

func TestBulkStopSkipsTheRest(t *testing.T) {
	c := stub.New(50)
	gate := make(chan struct{})
	c.Gate["RevokeSessions"] = gate
	b := NewBulkRun(t.Context(), 1, c, "Revoke", Op{Kind: Revoke}, c.Users, BulkConfig{Concurrency: 2}, func(graph.User) (string, bool) { return "", false }, clock)
	cmd := b.Start()
	b.Stop()
	close(gate)
	runAll(t, b, cmd)
	total, finished, done, _, skipped := b.Counts()
	if finished != total || skipped == 0 || done+skipped != total {
		t.Fatalf("after stop: total=%d finished=%d done=%d skipped=%d", total, finished, done, skipped)
	}
}

func TestStartBulkMarksRequestsLowPriority(t *testing.T) {
	var seen []graph.Priority
	c := &prioClient{Client: stub.New(3), seen: &seen}
	for range StartBulk(context.Background(), c, c.Client.(*stub.Client).Users, Op{Kind: Revoke}, BulkConfig{Concurrency: 2},
		func(graph.User) (string, bool) { return "", false }, clock) {
	}
	if len(seen) != 3 {
		t.Fatalf("%d calls", len(seen))
	}
	for _, p := range seen {
		if p != graph.PriorityLow {
			t.Fatal("a bulk request was not marked low priority")
		}
	}
}

type prioClient struct {
	graph.Client
	mu   sync.Mutex
	seen *[]graph.Priority
}

func (p *prioClient) Apply(ctx context.Context, ch graph.Change) (graph.Result, error) {
	if _, ok := ch.(graph.RevokeSessions); !ok {
		return p.Client.Apply(ctx, ch)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	*p.seen = append(*p.seen, graph.PriorityFrom(ctx))
	return graph.Result{}, nil
}

func TestWriteReportDefusesFormulasAndKeepsNoTAP(t *testing.T) {
	dir := t.TempDir()
	rs := []Result{{Target: graph.User{ID: "1", UserPrincipalName: "=cmd|' /C calc'!A0", DisplayName: "@SUM(1)"},
		Kind: IssueTAP, Status: Done, Detail: "TAP issued", TAP: &graph.TAP{Value: "SECRET-TAP"}, At: now}}
	path := filepath.Join(dir, "r.csv")
	if err := WriteReport(path, rs); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), "SECRET-TAP") {
		t.Fatal("a TAP value reached the report")
	}
	rows, _ := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if rows[1][0] != "'=cmd|' /C calc'!A0" || rows[1][2] != "'@SUM(1)" {
		t.Fatalf("formulas kept: %q", rows[1])
	}
	jpath := filepath.Join(dir, "r.json")
	if err := WriteReport(jpath, rs); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(jpath)
	if strings.Contains(string(data), "SECRET-TAP") || !strings.Contains(string(data), `"operation": "tap"`) {
		t.Fatalf("json report: %s", data)
	}
}

func TestMenuShowsDisabledWithReason(t *testing.T) {
	m := &Menu{ID: 3, Title: "Bulk", Items: []MenuItem{{Key: "r", Label: "Reset MFA", Disabled: "read-only mode"}, {Key: "o", Label: "Revoke sessions"}}}
	if ans, _ := m.Update(keyPress("r")); ans != nil {
		t.Fatal("a disabled item was chosen")
	}
	out := ansi.Strip(strings.Join(m.View(plain, 80, 20), "\n"))
	if !strings.Contains(out, "read-only mode") {
		t.Fatalf("reason not shown:\n%s", out)
	}
	if ans, _ := m.Update(keyPress("o")); ans != (ChoiceMsg{ID: 3, Value: "o"}) {
		t.Fatalf("answer %v", ans)
	}
}

// TestTAPViewKeepsThePass: no ordinary key closes the pass or replaces it
// (issue 10.6); only ctrl+d pressed twice closes it, and an offered key
// (n) goes on only after the same ctrl+d.
func TestTAPViewKeepsThePass(t *testing.T) {
	now := time.Date(2025, 1, 2, 12, 0, 0, 0, time.UTC)
	tap := graph.TAP{Value: "Abc123", LifetimeMinutes: 60, Created: now}
	v := NewTAPView(1, users(1)[0], tap, now, time.UTC)
	v.Offer = []KeyHelp{{"n", "notify"}}
	for _, k := range []string{"esc", "enter", "q", "x", "space", "ctrl+c", "tab", "r", "t"} {
		if msg, _ := v.Update(keyPress(k)); msg != nil {
			t.Fatalf("%s answered %#v: the pass was closed", k, msg)
		}
	}
	if msg, _ := v.Update(keyPress("ctrl+d")); msg != nil {
		t.Fatalf("one ctrl+d closed the pass: %#v", msg)
	}
	if msg, _ := v.Update(keyPress("esc")); msg != nil {
		t.Fatalf("esc after ctrl+d: %#v", msg)
	}
	if msg, _ := v.Update(keyPress("ctrl+d")); msg != nil {
		t.Fatalf("esc between two ctrl+d still closed: %#v", msg)
	}
	if msg, _ := v.Update(keyPress("ctrl+d")); msg != (CloseMsg{ID: 1}) {
		t.Fatalf("ctrl+d twice: %#v", msg)
	}
	v = NewTAPView(2, users(1)[0], tap, now, time.UTC)
	v.Offer = []KeyHelp{{"n", "notify"}}
	if msg, _ := v.Update(keyPress("n")); msg != nil {
		t.Fatalf("n closed the pass at once: %#v", msg)
	}
	if msg, _ := v.Update(keyPress("ctrl+d")); msg != (ChoiceMsg{ID: 2, Value: "n"}) {
		t.Fatalf("n then ctrl+d: %#v", msg)
	}
}

// A plan's "… and N more" opens with ctrl+e (also while the phrase is
// being typed), and the whole list then scrolls to its last target.
func TestConfirmListsEveryTargetOnExpand(t *testing.T) {
	us := users(30)
	p := Plan{Title: "Bulk: Revoke sessions", Targets: us, Ops: []string{"revoke"}, Phrase: "revoke 30"}
	c, _ := NewConfirm(1, Op{Kind: Revoke}, p)
	armed(c)
	c.SetSize(76, 22)
	last := UserLabel(us[29])
	if body := strings.Join(c.Body(plain, 72), "\n"); !strings.Contains(body, "… and 22 more (ctrl+e lists them)") || strings.Contains(body, last) {
		t.Fatalf("cut list not offered:\n%s", body)
	}
	if ans, _ := c.Update(tea.KeyPressMsg{Code: 'e', Mod: tea.ModCtrl}); ans != nil {
		t.Fatalf("ctrl+e answered %T", ans)
	}
	if c.in.Value() != "" {
		t.Fatalf("ctrl+e typed into the phrase: %q", c.in.Value())
	}
	for range 40 {
		c.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	}
	if view := strings.Join(c.View(plain, 76, 22), "\n"); !strings.Contains(view, last) {
		t.Fatalf("the last target is not reachable at 22 lines:\n%s", view)
	}
	c.Update(tea.KeyPressMsg{Code: 'e', Mod: tea.ModCtrl})
	if body := strings.Join(c.Body(plain, 72), "\n"); strings.Contains(body, last) {
		t.Fatal("ctrl+e again did not fold the list")
	}
}

func TestGoldenPasswordView(t *testing.T) {
	r := graph.PasswordReset{Password: "Kq7#Lp2!Wd9mXr4z", Confirmed: true, Status: "succeeded"}
	v := NewPasswordView(1, users(1)[0], r, now, time.UTC)
	v.Offer = []KeyHelp{{"o", "revoke sessions"}}
	golden.RequireEqual(t, strings.Join(v.View(plain, 80, 30), "\n"))
	if ans, cmd := v.Update(keyPress("c")); ans != nil || cmd == nil {
		t.Fatal("c did not copy")
	}
	if !strings.Contains(strings.Join(v.View(plain, 80, 30), "\n"), "Copied") {
		t.Fatal("copy not acknowledged")
	}
	// Accepted but not seen to finish: said, and the password still shown.
	r = graph.PasswordReset{Password: "Kq7#Lp2!Wd9mXr4z", Status: "accepted; still running after 2m0s (Graph finishes it on its own)"}
	s := strings.Join(NewPasswordView(2, users(1)[0], r, now, time.UTC).View(plain, 80, 30), "\n")
	if !strings.Contains(s, "still running") || !strings.Contains(s, Spaced("Kq7#Lp2!Wd9mXr4z")) {
		t.Fatalf("unconfirmed reset:\n%s", s)
	}
}

// TestPasswordViewKeepsThePassword: as the TAP, only ctrl+d twice closes
// it; the offered o goes on only after the same ctrl+d.
func TestPasswordViewKeepsThePassword(t *testing.T) {
	r := graph.PasswordReset{Password: "Kq7#Lp2!Wd9mXr4z", Confirmed: true}
	v := NewPasswordView(1, users(1)[0], r, now, time.UTC)
	v.Offer = []KeyHelp{{"o", "revoke sessions"}}
	for _, k := range []string{"esc", "enter", "q", "x", "space", "ctrl+c", "tab", "p", "y"} {
		if msg, _ := v.Update(keyPress(k)); msg != nil {
			t.Fatalf("%s answered %#v: the password was closed", k, msg)
		}
	}
	if msg, _ := v.Update(keyPress("ctrl+d")); msg != nil {
		t.Fatalf("one ctrl+d closed it: %#v", msg)
	}
	if msg, _ := v.Update(keyPress("ctrl+d")); msg != (CloseMsg{ID: 1}) {
		t.Fatalf("ctrl+d twice: %#v", msg)
	}
	v = NewPasswordView(2, users(1)[0], r, now, time.UTC)
	v.Offer = []KeyHelp{{"o", "revoke sessions"}}
	if msg, _ := v.Update(keyPress("o")); msg != nil {
		t.Fatalf("o closed it at once: %#v", msg)
	}
	if msg, _ := v.Update(keyPress("ctrl+d")); msg != (ChoiceMsg{ID: 2, Value: "o"}) {
		t.Fatalf("o then ctrl+d: %#v", msg)
	}
}
