package msgraph

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
)

// virtualClock replaces the pacer's clock: sleeping advances it.
type virtualClock struct {
	mu    sync.Mutex
	t     time.Time
	slept time.Duration
}

func (v *virtualClock) now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.t
}

func (v *virtualClock) sleep(ctx context.Context, d time.Duration) error {
	v.mu.Lock()
	v.t = v.t.Add(d)
	v.slept += d
	v.mu.Unlock()
	return ctx.Err()
}

func virtualPacer(perTen int) (*reportsPacer, *virtualClock) {
	p := newReportsPacer(perTen)
	v := &virtualClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	p.now, p.sleep = v.now, v.sleep
	return p, v
}

// The documented budget: never more than 5 requests in any 10 s.
func TestReportsPacerBudget(t *testing.T) {
	p, v := virtualPacer(0)
	ctx := context.Background()
	var at []time.Duration
	start := v.now()
	for range 12 {
		if err := p.wait(ctx); err != nil {
			t.Fatal(err)
		}
		at = append(at, v.now().Sub(start))
	}
	for i, d := range at {
		if want := time.Duration(i/5) * 10 * time.Second; d != want {
			t.Errorf("request %d at %v, want %v", i+1, d, want)
		}
	}
	for i := range at {
		n := 0
		for _, d := range at[i:] {
			if d-at[i] < 10*time.Second {
				n++
			}
		}
		if n > 5 {
			t.Errorf("%d requests in the 10 s from %v", n, at[i])
		}
	}
}

// Background work leaves one request of the window for a person, and
// yields to anyone waiting.
func TestReportsPacerReserve(t *testing.T) {
	p, v := virtualPacer(0)
	low := graph.WithPriority(context.Background(), graph.PriorityLow)
	for range 4 {
		_ = p.wait(low)
	}
	if v.slept != 0 {
		t.Fatalf("first 4 low-priority requests waited %v", v.slept)
	}
	_ = p.wait(context.Background()) // a person is waiting: the reserve serves them
	if v.slept != 0 {
		t.Errorf("the interactive request waited %v behind background work", v.slept)
	}
	_ = p.wait(low)
	if v.slept != 10*time.Second {
		t.Errorf("a 6th request in 10 s went after %v", v.slept)
	}
	// a nil pacer (ReportsPerTenSeconds < 0) never waits
	var none *reportsPacer
	if err := none.wait(context.Background()); err != nil || newReportsPacer(-1) != nil {
		t.Error("unpaced")
	}
}

// loadReport reads the whole registration report as `report --all` and the
// TUI do, through a pacer on a virtual clock, and returns the requests sent
// and the time the budget made it wait.
func loadReport(tb testing.TB, srv *fake.Server) (requests, rows int, paced time.Duration) {
	tb.Helper()
	c, err := NewClient(ClientOptions{Endpoint: srv.URL, MaxRetries: -1})
	if err != nil {
		tb.Fatal(err)
	}
	var v *virtualClock
	c.reports, v = virtualPacer(0)
	srv.Tenant.ResetStats()
	ctx := graph.WithPriority(context.Background(), graph.PriorityLow)
	p, err := c.Registrations(ctx, graph.RegistrationFilter{})
	for err == nil {
		rows += len(p.Items)
		if p.Next == "" {
			break
		}
		p, err = c.NextRegistrations(ctx, p.Next)
	}
	if err != nil {
		tb.Fatal(err)
	}
	st := srv.Tenant.Stats()
	return st.Requests["GET /reports/authenticationMethods/userRegistrationDetails"], rows, v.slept
}

// TestReportLoadFigures: the whole report at 10,000 users in the fewest
// requests the API allows (no $top: the server's page), paced to the
// documented budget. Run with -v for the figures; MFADESK_REPORT_FIGURES=1
// adds 50,000 users and 100-row pages.
func TestReportLoadFigures(t *testing.T) {
	sizes, pages := []int{10000}, []int{0}
	if os.Getenv("MFADESK_REPORT_FIGURES") != "" {
		// the full table (minutes): 10k and 50k users, at the fake's page
		// and at 100-row pages
		sizes, pages = []int{10000, 50000}, []int{0, 100}
	}
	for _, n := range sizes {
		for _, page := range pages {
			srv, err := fake.Start(fake.Options{Users: n, RegistrationPageSize: page})
			if err != nil {
				t.Fatal(err)
			}
			enabled := 0
			for _, u := range srv.Tenant.Users() {
				if u.AccountEnabled {
					enabled++
				}
			}
			size := page
			if size == 0 {
				size = fake.DefaultRegistrationPageSize
			}
			start := time.Now()
			reqs, rows, paced := loadReport(t, srv)
			served := time.Since(start)
			srv.Close()
			want := (enabled + size - 1) / size
			if rows != enabled || reqs != want {
				t.Errorf("%d users, page %d: %d rows in %d requests, want %d in %d", n, size, rows, reqs, enabled, want)
			}
			// 4 of every 10 s window (one is kept for people)
			if wantPaced := time.Duration((reqs-1)/4) * 10 * time.Second; paced != wantPaced {
				t.Errorf("%d users: paced %v, want about %v", n, paced, wantPaced)
			}
			t.Logf("%6d users, page %4d: %3d requests, %6d rows, load %v (budget waits %v + serving %v)",
				n, size, reqs, rows, (paced + served).Round(100*time.Millisecond), paced, served.Round(time.Millisecond))
		}
	}
}

// BenchmarkReportLoad10k / 50k: one whole-report load against the fake
// (serving and decoding; the budget's waits are virtual and reported as
// paced-s/op, requests as reqs/op).
func BenchmarkReportLoad10k(b *testing.B) { benchReportLoad(b, 10000) }
func BenchmarkReportLoad50k(b *testing.B) { benchReportLoad(b, 50000) }

func benchReportLoad(b *testing.B, n int) {
	srv, err := fake.Start(fake.Options{Users: n})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	var reqs int
	var paced time.Duration
	b.ResetTimer()
	for range b.N {
		reqs, _, paced = loadReport(b, srv)
	}
	b.ReportMetric(float64(reqs), "reqs/op")
	b.ReportMetric(paced.Seconds(), "paced-s/op")
}
