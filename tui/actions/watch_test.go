package actions

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/graph/msgraph"
)

// The live failures view on the fake's live feed, its clock moved by the
// test (no sleeps): failures arrive poll by poll, the fatigue burst and the
// fraud report are flagged on top, enter answers the highlighted user, a
// poll asks for the next after the watch's interval.
func TestWatchView(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv, err := fake.Start(fake.Options{Users: 40, Now: clock, LiveSignIns: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := msgraph.NewClient(msgraph.ClientOptions{Endpoint: srv.URL, ReportsPerTenSeconds: -1})
	if err != nil {
		t.Fatal(err)
	}
	v, cmd := NewWatchView(context.Background(), 7, graph.NewWatch(c, clock, 0), time.UTC)
	var waits []time.Duration
	v.tick = func(d time.Duration, id int) tea.Cmd {
		waits = append(waits, d)
		return func() tea.Msg { return WatchTickMsg{ID: id} }
	}
	v.SetSize(110, 34)
	for range 40 { // twenty minutes of the feed, a poll every 30 s
		ans, next := v.Update(cmd())
		if ans != nil {
			t.Fatalf("answered %v", ans)
		}
		mu.Lock()
		now = now.Add(30 * time.Second)
		mu.Unlock()
		_, cmd = v.Update(next()) // the tick: the next poll
	}
	if len(waits) != 40 || waits[0] != graph.WatchInterval {
		t.Errorf("waits %v", waits)
	}
	view := strings.Join(v.View(plain, 110, 34), "\n")
	if !strings.Contains(view, "!! MFA FATIGUE") || !strings.Contains(view, "!! FRAUD REPORTED") {
		t.Fatalf("nothing flagged:\n%s", view)
	}
	golden.RequireEqual(t, view)
	v.Update(keyPress("down"))
	ans, _ := v.Update(keyPress("enter"))
	if ch, ok := ans.(ChoiceMsg); !ok || ch.ID != 7 || ch.Value != v.users[1].Key {
		t.Errorf("enter answered %#v", ans)
	}
	if ans, _ := v.Update(keyPress("esc")); ans != (CloseMsg{ID: 7}) {
		t.Errorf("esc answered %#v", ans)
	}
}
