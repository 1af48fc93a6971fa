package tui

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/auth"
)

// clock is a settable Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func signInDriver(t *testing.T) (*driver, *clock, *SignInSignal) {
	t.Helper()
	clk := &clock{t: fixedNow}
	sig := NewSignInSignal()
	d := newDriver(t, newStub(30), func(o *Options) { o.Now = clk.now; o.SignIn = sig })
	return d, clk, sig
}

func prompt(code, url string, exp time.Time) auth.DeviceCodePrompt {
	return auth.DeviceCodePrompt{Code: code, URL: url, ExpiresOn: exp,
		Message: "To sign in, use a web browser to open the page " + url + " and enter the code " + code}
}

// The prompt reaches the console through the signal and is drawn in a
// dialog with the code, the URL and a countdown that ticks down.
func TestSignInPromptShowsCodeAndCountdown(t *testing.T) {
	d, clk, sig := signInDriver(t)
	d.mustNotSee("Sign in to Microsoft")
	sig.Prompt(prompt("FQ7K2LMNP", "https://microsoft.com/devicelogin", fixedNow.Add(15*time.Minute)))
	d.settle()
	d.mustSee("Sign in to Microsoft: open https://microsoft.com/devicelogin and")
	d.mustSee("enter FQ7K2LMNP")
	d.mustSee("FQ7K2LMNP")
	d.mustSee("Expires in 15:00")

	seq := d.m.signIn.seq
	clk.add(time.Second)
	d.send(signInTickMsg{seq: seq})
	d.mustSee("Expires in 14:59")
	clk.add(61 * time.Second)
	d.send(signInTickMsg{seq: seq})
	d.mustSee("Expires in 13:58")

	// c copies the code (OSC 52); other keys wait for the sign-in.
	nm, cmd := d.m.Update(keyMsg("c"))
	d.m = nm.(Model)
	if cmd == nil {
		t.Fatal("c: no clipboard command")
	}
	d.mustSee("Code copied")
	d.key("v", "/")
	if d.m.view != viewMain || d.m.users.Searching() {
		t.Fatal("keys reached the console under the sign-in dialog")
	}

	// Other messages still flow: a failing answer is shown under it.
	d.send(signinsErr(errors.New("boom")))
	d.mustSee("FQ7K2LMNP")

	// The first successful answer closes it.
	d.send(operatorMsg{Op: graph.Operator{UserPrincipalName: "harry@contoso.com"}})
	d.mustNotSee("Sign in to Microsoft")
	if d.m.signIn != nil {
		t.Fatal("dialog still open")
	}
}

// The signal's Done closes the dialog too, and a stale tick does nothing.
func TestSignInDoneCloses(t *testing.T) {
	d, _, sig := signInDriver(t)
	sig.Prompt(prompt("AAAA1111", "https://login.microsoft.com/device", fixedNow.Add(time.Minute)))
	d.settle()
	d.mustSee("AAAA1111")
	sig.Done()
	d.settle()
	d.mustNotSee("AAAA1111")
	nm, cmd := d.m.Update(signInTickMsg{seq: 1})
	d.m = nm.(Model)
	if cmd != nil || d.m.signIn != nil {
		t.Fatal("a tick after the sign-in restarted the countdown")
	}
}

// After expiry the dialog says so, stops ticking, and r asks Graph again
// (which starts a fresh device code: a new prompt).
func TestSignInExpiredRetry(t *testing.T) {
	d, clk, _ := signInDriver(t)
	d.send(signInPromptMsg{prompt("EXP12345", "https://microsoft.com/devicelogin", fixedNow.Add(3*time.Second))})
	d.mustSee("Expires in 0:03")
	clk.add(3 * time.Second)
	nm, cmd := d.m.Update(signInTickMsg{seq: d.m.signIn.seq})
	d.m = nm.(Model)
	if cmd != nil {
		t.Fatal("the countdown kept ticking after expiry")
	}
	d.mustSee("Code expired — press r to try again / q to quit")
	d.mustNotSee("Expires in")

	// The stub's counters show r asks again.
	c := d.m.client.(interface{ CountCalls(string) int })
	before := c.CountCalls("Me")
	d.key("r")
	d.mustNotSee("EXP12345")
	if after := c.CountCalls("Me"); after != before+1 {
		t.Fatalf("r: Me called %d times more, want 1", after-before)
	}
	d.send(signInPromptMsg{prompt("NEW67890", "https://microsoft.com/devicelogin", clk.now().Add(15*time.Minute))})
	d.mustSee("NEW67890")

	// q quits from the dialog.
	_, cmd = d.m.Update(keyMsg("q"))
	if cmd == nil {
		t.Fatal("q did nothing")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q did not quit")
	}
}

// r before expiry does nothing (the code is still good).
func TestSignInRetryOnlyAfterExpiry(t *testing.T) {
	d, _, _ := signInDriver(t)
	d.send(signInPromptMsg{prompt("GOOD1234", "https://microsoft.com/devicelogin", fixedNow.Add(time.Minute))})
	d.key("r")
	d.mustSee("GOOD1234")
}

// Hostile text in the prompt is cleaned before it is drawn.
func TestSignInCleansText(t *testing.T) {
	d, _, _ := signInDriver(t)
	d.send(signInPromptMsg{prompt("AB\x1b]52;c;ZXZpbA==\x07CD", "https://evil\x1b[2J.example", fixedNow.Add(time.Minute))})
	raw := d.m.Render()
	if strings.Contains(raw, "\x1b]52") || strings.Contains(raw, "\x1b[2J") {
		t.Fatalf("escape sequences from the prompt reached the screen: %q", raw)
	}
}

// TestSignInGolden is the dialog at 80x24.
func TestSignInGolden(t *testing.T) {
	d, _, _ := signInDriver(t)
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.settle()
	d.send(signInPromptMsg{prompt("FQ7K2LMNP", "https://microsoft.com/devicelogin", fixedNow.Add(14*time.Minute+32*time.Second))})
	f := ansi.Strip(d.m.Render())
	lines := strings.Split(f, "\n")
	if len(lines) != 24 {
		t.Fatalf("%d lines, want 24", len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != 80 {
			t.Fatalf("line %d is %d wide: %q", i, w, l)
		}
	}
	golden.RequireEqual(t, f)
}
