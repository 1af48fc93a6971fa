package tui

import (
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/actions"
)

// Typing is never a confirmation (issue 10's blocker: "kerry" typed into
// what looked like a search box opened "Require re-registration" with e and
// confirmed it with y, 600 ms later). These tests drive the root model
// against the fake tenant through the real client and count every request
// that would change the tenant.

// words are what a technician types: English words, names, UPN fragments,
// heavy in the letters that open or answered dialogs (y, e, r, n, k, t, o).
var words = []string{
	"kerry", "kim", "yvonne", "kenny", "henry", "terry", "ryan", "tony", "yolanda", "kyle",
	"yoshi", "nye", "rye", "yearn", "every", "ready", "entry", "key", "yes", "yesterday",
	"money", "tommy", "emery", "nyx", "yorke", "bryony", "delete", "remove", "confirm", "enter",
	"revoke", "reset", "notify", "token", "monkey", "journey", "yy", "y", "Y", "YES",
	"alice.wong@contoso.com", "alice", "wong", "bob.k", "@contoso.com", "contoso", "user01",
	"k.yeo", "e.ryan", "t.nye", "n.kerry", "adm-", "guest#ext#", "1 2 3", "reset 12",
}

// scene is a place in the app from which a word is typed.
type scene struct {
	name  string
	enter func(r *rig)
}

func keysScene(name string, ks ...string) scene {
	return scene{name, func(r *rig) { r.keys(ks...) }}
}

// markN marks the first n users of the list (space moves down after
// marking in the users pane? no: mark, then move).
func markN(r *rig, n int) {
	for i := 0; i < n; i++ {
		r.keys("space", "down")
	}
}

// scenes visits every view and opens every dialog.
func scenes() []scene {
	return []scene{
		keysScene("users list"),
		keysScene("search box", "/"),
		keysScene("methods pane", "tab"),
		keysScene("sign-ins pane", "tab", "tab"),
		keysScene("sign-in detail", "tab", "tab", "enter"),
		keysScene("report", "v"),
		// The blocker: / in the report lands in the users view.
		keysScene("report then /", "v", "/"),
		keysScene("report sorted, 1-filter", "v", "s", "1"),
		keysScene("audit", "a"),
		keysScene("history", "H"),
		keysScene("help", "?"),
		keysScene("CSV prompt", "L"),
		keysScene("export prompt", "v", "w"),
		keysScene("confirm reset", "r"),
		keysScene("confirm re-register", "e"),
		keysScene("confirm revoke", "o"),
		keysScene("confirm TAP", "t"),
		keysScene("per-user MFA menu", "m"),
		keysScene("confirm per-user MFA", "m", "2"),
		{"confirm notify", func(r *rig) {
			// n mails only a user something was done to here: record one.
			u, _ := r.m.currentUser()
			r.m.changes[u.ID] = userChange{kind: graph.NotifyReset, at: r.m.now()}
			r.keys("n")
		}},
		{"confirm delete method", func(r *rig) {
			r.run(r.m.users.SetQuery("alice.wong"))
			r.until(func() bool {
				u, ok := r.m.users.Selected()
				return ok && u.UserPrincipalName == "alice.wong@contoso.com" && r.m.methods.Loaded() &&
					r.m.methods.User() != nil && r.m.methods.User().ID == u.ID
			}, 10*time.Second)
			r.m.users.StopSearch()
			r.keys("tab", "G", "d")
		}},
		keysScene("report: confirm reset", "v", "r"),
		keysScene("report: confirm re-register", "v", "e"),
		keysScene("report: confirm revoke", "v", "o"),
		keysScene("report: confirm TAP", "v", "t"),
		keysScene("report: audit", "v", "a"),
		{"bulk menu", func(r *rig) { markN(r, 2); r.keys("b") }},
		{"bulk: confirm reset", func(r *rig) { markN(r, 2); r.keys("b", "r") }},
		{"bulk: confirm re-register", func(r *rig) { markN(r, 2); r.keys("b", "e") }},
		{"bulk: confirm revoke", func(r *rig) { markN(r, 2); r.keys("b", "o") }},
		{"bulk: per-user MFA menu", func(r *rig) { markN(r, 2); r.keys("b", "m") }},
		{"bulk: confirm per-user MFA", func(r *rig) { markN(r, 2); r.keys("b", "m", "3") }},
		{"bulk: typed phrase", func(r *rig) { markN(r, 12); r.keys("b", "r") }},
		keysScene("bulk results", "B"),
		keysScene("bulk retry confirm", "B", "r"),
		{"TAP shown", func(r *rig) { r.showTAP(false); r.idle(time.Second) }},
		{"TAP shown after re-register", func(r *rig) { r.showTAP(true); r.idle(time.Second) }},
		{"reset done (t / n offers)", func(r *rig) { r.showResetDone(); r.idle(time.Second) }},
	}
}

// setupBulkRun makes one deliberate bulk run (revoke two users and one
// that does not exist, which fails), so the results view and its retry
// exist. It returns the writes it made.
func setupBulkRun(t *testing.T, r *rig) {
	t.Helper()
	u0 := r.m.users.Items()[0]
	u1 := r.m.users.Items()[1]
	r.m.marks.Add(u0, u1, graph.User{ID: "00000000-0000-0000-0000-00000000dead", UserPrincipalName: "gone@contoso.com", DisplayName: "Gone"})
	r.keys("b", "o")
	r.until(func() bool { _, ok := r.m.modal.(*actions.Confirm); return ok }, 10*time.Second)
	if _, ok := r.m.modal.(*actions.Confirm); !ok {
		t.Fatalf("no bulk confirmation:\n%s", r.screen())
	}
	r.clock.Advance(actions.ArmDelay)
	r.keys("ctrl+y")
	r.idle(10 * time.Second)
	for r.m.bulk != nil && r.m.bulk.Running() {
		r.idle(time.Second)
	}
	if r.m.bulk == nil || len(r.m.bulk.Failures()) != 1 {
		t.Fatalf("setup bulk run did not end with one failure:\n%s", r.screen())
	}
	r.home()
}

// The word-typing test: in every view and dialog, every word at 50 to
// 400 ms a key; no request that changes the tenant may reach the fake.
func TestTypingNeverConfirms(t *testing.T) {
	if testing.Short() {
		t.Skip("drives the app through every dialog")
	}
	r := newRig(t, func(o *Options) { o.Checklist = nil })
	setupBulkRun(t, r)
	base := r.writes()
	rng := rand.New(rand.NewPCG(10, 10))
	for _, sc := range scenes() {
		// Every scene gets the blocker's names and eight more words (each
		// word several times over the scenes).
		ws := []string{"kerry", "kim", "yvonne", "yes"}
		for range 8 {
			ws = append(ws, words[rng.IntN(len(words))])
		}
		for _, w := range ws {
			r.home()
			sc.enter(r)
			if _, ok := r.m.modal.(*actions.Confirm); strings.Contains(sc.name, "confirm") && !ok {
				t.Fatalf("scene %q did not open:\n%s", sc.name, r.screen())
			}
			for _, c := range w {
				k := tea.KeyPressMsg{Code: c, Text: string(c)}
				if c == ' ' {
					k = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
				}
				r.press(k, time.Duration(50+rng.IntN(351))*time.Millisecond)
			}
			// and the keys that finish a word: enter, then y once more.
			r.press(keyMsg("enter"), 300*time.Millisecond)
			r.press(keyMsg("y"), 300*time.Millisecond)
			r.idle(2 * time.Second)
			if got := newWrites(base, r.writes()); countOf(got) > 0 {
				t.Fatalf("typing %q in %q wrote: %s\nlast keys: %v\n%s", w, sc.name, describe(got), r.trail, r.screen())
			}
		}
	}
}

// monkeyKeys is the random alphabet: every printable ASCII key, the named
// keys, ctrl+ and alt+ combinations. The one key left out is ctrl+y, the
// confirmation key (with it, a random run would sometimes confirm, as a
// technician may; what is tested is that nothing else does).
func monkeyKeys() []tea.KeyPressMsg {
	var ks []tea.KeyPressMsg
	for c := rune(' ' + 1); c < 127; c++ {
		ks = append(ks, tea.KeyPressMsg{Code: c, Text: string(c)})
	}
	ks = append(ks, tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
	for _, code := range []rune{tea.KeyEnter, tea.KeyEscape, tea.KeyTab, tea.KeyUp, tea.KeyDown, tea.KeyLeft, tea.KeyRight,
		tea.KeyPgUp, tea.KeyPgDown, tea.KeyHome, tea.KeyEnd, tea.KeyBackspace, tea.KeyDelete, tea.KeyInsert, tea.KeyF1, tea.KeyF5} {
		ks = append(ks, tea.KeyPressMsg{Code: code}, tea.KeyPressMsg{Code: code, Mod: tea.ModShift})
	}
	for c := 'a'; c <= 'z'; c++ {
		if c != 'y' {
			ks = append(ks, tea.KeyPressMsg{Code: c, Mod: tea.ModCtrl})
		}
		ks = append(ks, tea.KeyPressMsg{Code: c, Mod: tea.ModAlt}, tea.KeyPressMsg{Code: c, Mod: tea.ModCtrl | tea.ModShift})
	}
	// ctrl+shift+y is not ctrl+y: it stays in.
	return ks
}

func monkeySeed(t *testing.T) uint64 {
	if s := os.Getenv("MFADESK_MONKEY_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("MFADESK_MONKEY_SEED: %v", err)
		}
		return v
	}
	return uint64(time.Now().UnixNano())
}

// The monkey test: 20,000 seeded random keys (ctrl+y excepted), key
// repeats, pastes, resizes, clicks and wheel turns across every view: no
// panic and no write. The seed is printed; MFADESK_MONKEY_SEED replays it
// (MFADESK_MONKEY_KEYS changes the count).
func TestMonkeyNeverWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("20,000 keys")
	}
	seed := monkeySeed(t)
	n := 20000
	if s := os.Getenv("MFADESK_MONKEY_KEYS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	t.Logf("monkey seed %d (MFADESK_MONKEY_SEED=%d to replay), %d keys", seed, seed, n)
	r := newRig(t, nil)
	setupBulkRun(t, r)
	base := r.writes()
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	alphabet := monkeyKeys()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("panic with seed %d after keys %v: %v", seed, r.trail, p)
		}
	}()
	sent := 0
	for sent < n {
		switch x := rng.IntN(1000); {
		case x < 8:
			r.deliver(tea.WindowSizeMsg{Width: 10 + rng.IntN(200), Height: 3 + rng.IntN(60)})
			r.trail = append(r.trail, "resize")
		case x < 10:
			r.deliver(tea.WindowSizeMsg{Width: 80, Height: 24})
		case x < 25:
			r.deliver(tea.MouseClickMsg{X: rng.IntN(r.m.w + 1), Y: rng.IntN(r.m.h + 1), Button: tea.MouseButton(1 + rng.IntN(3))})
			r.trail = append(r.trail, "click")
		case x < 35:
			b := tea.MouseWheelUp
			if rng.IntN(2) == 0 {
				b = tea.MouseWheelDown
			}
			r.deliver(tea.MouseWheelMsg{X: rng.IntN(r.m.w + 1), Y: rng.IntN(r.m.h + 1), Button: b})
			r.trail = append(r.trail, "wheel")
		case x < 38:
			r.deliver(tea.PasteMsg{Content: words[rng.IntN(len(words))]})
			r.trail = append(r.trail, "paste")
		case x < 39:
			// A pass on screen, as after a TAP (reaching one needs a write).
			r.showTAP(rng.IntN(2) == 0)
		default:
			k := alphabet[rng.IntN(len(alphabet))]
			k.IsRepeat = rng.IntN(20) == 0
			r.press(k, time.Duration(rng.IntN(600))*time.Millisecond)
			sent++
			if sent%2000 == 0 {
				r.idle(100 * time.Millisecond)
			}
		}
	}
	r.idle(2 * time.Second)
	for r.m.bulk != nil && r.m.bulk.Running() {
		r.idle(time.Second)
	}
	if got := newWrites(base, r.writes()); countOf(got) > 0 {
		t.Fatalf("seed %d: random keys wrote: %s", seed, describe(got))
	}
}

// The deliberate act does write: open a dialog, wait past its arm delay,
// ctrl+y. Without this the two tests above could pass by counting nothing.
func TestDeliberateConfirmWrites(t *testing.T) {
	r := newRig(t, nil)
	base := r.writes()
	r.keys("o")
	if _, ok := r.m.modal.(*actions.Confirm); !ok {
		t.Fatalf("no confirmation:\n%s", r.screen())
	}
	r.press(keyMsg("ctrl+y"), 100*time.Millisecond) // too soon: refused
	r.idle(time.Second)
	if got := newWrites(base, r.writes()); countOf(got) != 0 {
		t.Fatalf("ctrl+y before the arm delay wrote: %s", describe(got))
	}
	r.press(keyMsg("y"), actions.ArmDelay) // armed now, but y is typing
	r.idle(time.Second)
	if got := newWrites(base, r.writes()); countOf(got) != 0 {
		t.Fatalf("y wrote: %s", describe(got))
	}
	if !strings.Contains(r.screen(), "ctrl+y confirms; typing never does") {
		t.Fatalf("y did not say what confirms:\n%s", r.screen())
	}
	r.press(keyMsg("ctrl+y"), 10*time.Millisecond)
	r.idle(3 * time.Second)
	got := newWrites(base, r.writes())
	if got["POST /users/{id}/revokeSignInSessions"] != 1 || countOf(got) != 1 {
		t.Fatalf("ctrl+y after the arm delay: writes %s, want one revoke\n%s", describe(got), r.screen())
	}
}
