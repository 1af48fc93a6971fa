package graph

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph/fake"
)

// budgetScale makes the fake's documented budgets refill this many times
// faster than documented, so a run that would take most of an hour takes
// seconds with the same shape (bucket sizes stay as documented).
const budgetScale = 100

// budgetRun resets every user of td against a fake applying the documented
// per-service budgets, starting at start requests/s (0: at the ceiling, the
// old behaviour). It returns the elapsed time, the floor the budgets allow
// (requests charged to the reports budget, beyond its initial bucket, over
// its refill rate), and the fake's statistics.
func budgetRun(tb testing.TB, td *fake.TenantData, start float64) (time.Duration, time.Duration, fake.Stats, *BulkSummary) {
	tb.Helper()
	srv, err := fake.Start(fake.Options{Data: td, DocumentedBudgets: budgetScale, Latency: 2 * time.Millisecond})
	if err != nil {
		tb.Fatal(err)
	}
	defer srv.Close()
	c := bulkClient(tb, srv)
	opts := BulkOptions{Journal: filepath.Join(tb.TempDir(), "journal.jsonl"), StartRPS: start}
	t0 := time.Now()
	sum, err := RunBulk(context.Background(), c, Operation{Kind: OpReset}, bulkTargets(td), opts)
	el := time.Since(t0)
	if err != nil {
		tb.Fatal(err)
	}
	if sum.Counts.Done != len(td.Users) {
		tb.Fatalf("done %d of %d: %+v", sum.Counts.Done, len(td.Users), sum.Counts)
	}
	checkAllDeleted(tb, srv.Tenant, td)
	st := srv.Tenant.Stats()
	reports := 0
	for k, n := range st.Requests {
		path := k[strings.IndexByte(k, ' ')+1:]
		if budgetOfPath(path) {
			reports += n
		}
	}
	reports -= st.BudgetThrottled // refused requests refill nothing... and are not work
	b := fake.DocumentedBudgets(len(td.Users))[fake.BudgetReports]
	rate := float64(b.Limit) / b.Per.Seconds() * budgetScale
	floor := time.Duration(float64(reports-b.Limit) / rate * float64(time.Second))
	return el, floor, st, sum
}

// budgetOfPath: the request counts against the reports budget (auditLogs,
// reports, authentication methods), as the fake charges it.
func budgetOfPath(p string) bool {
	p = strings.ToLower(p)
	return strings.HasPrefix(p, "/auditlogs") || strings.HasPrefix(p, "/reports") ||
		strings.Contains(p, "/authentication/") && strings.Contains(p, "methods")
}

// TestBulkStartsInsideDocumentedBudgets: a bulk reset against the
// documented budgets, started at the documented rate, is answered 429 for
// under 5% of its requests (under 1% on a quiet machine) (started at the ceiling, as before, it was
// most of them), and sends exactly the requests the work needs. Durations
// are logged, not asserted (go test -v shows them; BenchmarkBulkBudget
// measures them).
func TestBulkStartsInsideDocumentedBudgets(t *testing.T) {
	td := bulkTenantData(40, "")
	el, floor, st, sum := budgetRun(t, td, DocumentedRPS(OpReset)*budgetScale)
	share := float64(st.Injected429()) / float64(st.Total)
	t.Logf("documented start: %v for a floor of %v (%.2fx), %d requests, %d answered 429 (%.1f%%)",
		el.Round(time.Millisecond), floor.Round(time.Millisecond), el.Seconds()/floor.Seconds(), st.Total, st.Injected429(), 100*share)
	// Quiet, it is under 1%; the bound is 5% because the fake's buckets
	// run on the wall clock, and on a loaded machine (CI, parallel
	// packages) a stalled scheduler releases requests in bursts (1.5% was
	// seen). Started at the ceiling it was most of them: 5% still tells.
	if share >= 0.05 {
		t.Errorf("%d of %d requests answered 429 (%.1f%%), want under 5%%", st.Injected429(), st.Total, 100*share)
	}
	// Per user: one list and three deletes (plus the sign-in preference
	// read while the list shows a default); nothing repeated beyond the
	// retried 429s.
	lists := st.Requests["GET /users/{id}/authentication/methods"]
	if lists < len(td.Users) || lists > len(td.Users)+st.Injected429() {
		t.Errorf("%d method lists for %d users (%d answered 429 and retried)", lists, len(td.Users), st.Injected429())
	}
	if st.Deletes != 3*len(td.Users) {
		t.Errorf("%d deletes, want %d", st.Deletes, 3*len(td.Users))
	}
	if sum.Counts.Requests+st.Injected429() < st.Total-st.Injected429() {
		t.Errorf("summary counts %d requests, the fake served %d", sum.Counts.Requests, st.Total)
	}
}

// BenchmarkBulkBudget: 400 users reset against the documented budgets
// (refilling budgetScale times faster), started at the ceiling (the old
// default) and at the documented rate. x/floor is the elapsed time over
// the least the budgets allow; 429% the share of requests answered 429.
//
//	go test ./graph -run '^$' -bench BulkBudget -benchtime 1x
func BenchmarkBulkBudget(b *testing.B) {
	td := bulkTenantData(400, "")
	for _, tc := range []struct {
		name  string
		start float64
	}{{"ceiling", 0}, {"documented", DocumentedRPS(OpReset) * budgetScale}} {
		b.Run(tc.name, func(b *testing.B) {
			for range b.N {
				el, floor, st, _ := budgetRun(b, td, tc.start)
				b.ReportMetric(el.Seconds(), "s/run")
				b.ReportMetric(floor.Seconds(), "floor-s")
				b.ReportMetric(el.Seconds()/floor.Seconds(), "x/floor")
				b.ReportMetric(100*float64(st.Injected429())/float64(st.Total), "429%")
				b.ReportMetric(float64(st.Total), "requests")
			}
		})
	}
}
