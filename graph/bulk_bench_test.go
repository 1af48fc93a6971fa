package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph/fake"
)

// Bulk benchmarks against the fake tenant over loopback HTTP. One command
// runs them all once:
//
//	go test ./graph -run '^$' -bench Bulk -benchtime 1x
//
// (add -count 5 for medians). Every scenario checks the fake tenant's final
// state and its audit log afterwards: a fast run that lost or repeated a
// deletion fails the benchmark.
//
//	BenchmarkBulkBaseline  the sequential algorithm (per user: list the
//	                       methods, delete each, one request at a time) on a
//	                       20-user subset; s/1000users extrapolates.
//	BenchmarkBulkS1        1,000 users x 3 methods, 100 ms per request.
//	BenchmarkBulkS1Wide    S1 with the ceiling at 10,000 requests/s and
//	                       1,000 users at once (latency-bound).
//	BenchmarkBulkS2        S1 + 5% of requests 429 with Retry-After 1 s.
//	BenchmarkBulkS2b       500 users, the fake enforces a budget of 1,000
//	                       requests per 10 s; x/limit is elapsed over
//	                       requests-needed / budget-rate; x/steady the same
//	                       without the bucket's initial 1,000 free requests.
//	BenchmarkBulkS3        S1 killed at a random point three times and
//	                       resumed from the journal.
//
// Each runs the runner with its default options (S1Wide excepted), with
// plain concurrency ("direct") and with JSON batching ("batch"). The
// journal is on disk and fsynced as in real use.

const benchLatency = 100 * time.Millisecond

// benchServer starts the fake with td and opts.
func benchServer(b *testing.B, td *fake.TenantData, opts fake.Options) *fake.Server {
	b.Helper()
	opts.Data = td
	opts.Latency = benchLatency
	srv, err := fake.Start(opts)
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

func BenchmarkBulkBaseline(b *testing.B) {
	const subset = 20
	td := bulkTenantData(subset, "")
	for range b.N {
		b.StopTimer()
		srv := benchServer(b, td, fake.Options{})
		hc := &http.Client{}
		b.StartTimer()
		start := time.Now()
		requests := 0
		for _, u := range td.Users {
			n, err := sequentialReset(hc, srv.URL, u.ID)
			requests += n
			if err != nil {
				b.Fatal(err)
			}
		}
		el := time.Since(start)
		b.StopTimer()
		checkAllDeleted(b, srv.Tenant, td)
		srv.Close()
		perUser := el / subset
		b.ReportMetric(el.Seconds(), "s/run")
		b.ReportMetric(perUser.Seconds()*1000, "s/1000users")
		b.ReportMetric(float64(requests)/subset, "req/user")
	}
}

// sequentialReset is the common script's algorithm: list the user's
// methods, then delete each one (the password excepted) in list order, one
// request at a time. (The fake lists the default method last, so the
// script needs no retry.)
func sequentialReset(hc *http.Client, root, id string) (int, error) {
	resp, err := hc.Get(root + "/v1.0/users/" + id + "/authentication/methods")
	if err != nil {
		return 1, err
	}
	var list struct {
		Value []struct {
			ID   string `json:"id"`
			Type string `json:"@odata.type"`
		} `json:"value"`
	}
	err = json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		return 1, fmt.Errorf("list %s: %d %v", id, resp.StatusCode, err)
	}
	n := 1
	for _, m := range list.Value {
		kind := strings.TrimSuffix(strings.TrimPrefix(m.Type, "#microsoft.graph."), "AuthenticationMethod")
		if kind == "password" {
			continue
		}
		req, _ := http.NewRequest(http.MethodDelete, root+"/v1.0/users/"+id+"/authentication/"+kind+"Methods/"+m.ID, nil)
		resp, err := hc.Do(req)
		n++
		if err != nil {
			return n, err
		}
		resp.Body.Close()
		if resp.StatusCode != 204 {
			return n, fmt.Errorf("delete %s of %s: %d", kind, id, resp.StatusCode)
		}
	}
	return n, nil
}

// benchModes runs f once per mode.
func benchModes(b *testing.B, f func(b *testing.B, batch bool)) {
	for _, batch := range []bool{false, true} {
		name := "direct"
		if batch {
			name = "batch"
		}
		b.Run(name, func(b *testing.B) { f(b, batch) })
	}
}

// benchRun does one timed run of a reset over td against srv and checks
// the tenant afterwards. It returns the elapsed time and the summary.
func benchRun(b *testing.B, srv *fake.Server, td *fake.TenantData, batch bool) (time.Duration, *BulkSummary) {
	return benchRunOpts(b, srv, td, BulkOptions{Batch: batch})
}

func benchRunOpts(b *testing.B, srv *fake.Server, td *fake.TenantData, opts BulkOptions) (time.Duration, *BulkSummary) {
	b.Helper()
	c := bulkClient(b, srv)
	opts.Journal = filepath.Join(b.TempDir(), "journal.jsonl")
	b.StartTimer()
	start := time.Now()
	sum, err := RunBulk(context.Background(), c, Operation{Kind: OpReset}, bulkTargets(td), opts)
	el := time.Since(start)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if sum.Counts.Done != len(td.Users) {
		b.Fatalf("done %d of %d: %+v", sum.Counts.Done, len(td.Users), sum.Counts)
	}
	checkAllDeleted(b, srv.Tenant, td)
	return el, sum
}

func reportRun(b *testing.B, el time.Duration, sum *BulkSummary, st fake.Stats) {
	b.ReportMetric(el.Seconds(), "s/run")
	b.ReportMetric(float64(sum.Counts.Requests), "graph-req")
	b.ReportMetric(float64(st.Total-st.BatchItems), "http-req")
	b.ReportMetric(float64(st.Injected429()), "429s")
}

func BenchmarkBulkS1(b *testing.B) {
	td := bulkTenantData(1000, "")
	benchModes(b, func(b *testing.B, batch bool) {
		for range b.N {
			b.StopTimer()
			srv := benchServer(b, td, fake.Options{})
			el, sum := benchRun(b, srv, td, batch)
			reportRun(b, el, sum, srv.Tenant.Stats())
			srv.Close()
		}
	})
}

// BenchmarkBulkS1Wide is S1 with the ceiling raised to 10,000 requests per
// second and 1,000 users at once: the latency-bound regime, where the
// number of HTTP requests (and connections) starts to matter.
func BenchmarkBulkS1Wide(b *testing.B) {
	td := bulkTenantData(1000, "")
	benchModes(b, func(b *testing.B, batch bool) {
		for range b.N {
			b.StopTimer()
			srv := benchServer(b, td, fake.Options{})
			el, sum := benchRunOpts(b, srv, td, BulkOptions{Batch: batch, Concurrency: 1000, MaxRPS: 10000})
			reportRun(b, el, sum, srv.Tenant.Stats())
			srv.Close()
		}
	})
}

func BenchmarkBulkS2(b *testing.B) {
	td := bulkTenantData(1000, "")
	benchModes(b, func(b *testing.B, batch bool) {
		for range b.N {
			b.StopTimer()
			srv := benchServer(b, td, fake.Options{ThrottleRate: 0.05, RetryAfter: time.Second})
			el, sum := benchRun(b, srv, td, batch)
			reportRun(b, el, sum, srv.Tenant.Stats())
			srv.Close()
		}
	})
}

func BenchmarkBulkS2b(b *testing.B) {
	const users, budget = 500, 1000 // budget: requests per 10 s
	td := bulkTenantData(users, "")
	benchModes(b, func(b *testing.B, batch bool) {
		for range b.N {
			b.StopTimer()
			srv := benchServer(b, td, fake.Options{Budget: budget})
			el, sum := benchRun(b, srv, td, batch)
			st := srv.Tenant.Stats()
			// Requests the job needed: everything Graph served that the
			// budget charged (batch items, not envelopes), minus refusals.
			needed := st.Total - st.Injected429()
			if batch {
				needed -= st.Total - st.BatchItems
			}
			limit := time.Duration(float64(needed) / (budget / 10.0) * float64(time.Second))
			// The bucket starts full: its first `budget` requests are free,
			// so also compare with the time the rest needs at the refill rate.
			steady := time.Duration(float64(needed-budget) / (budget / 10.0) * float64(time.Second))
			reportRun(b, el, sum, st)
			b.ReportMetric(limit.Seconds(), "limit-s")
			b.ReportMetric(el.Seconds()/limit.Seconds(), "x/limit")
			b.ReportMetric(el.Seconds()/steady.Seconds(), "x/steady")
			srv.Close()
		}
	})
}

func BenchmarkBulkS3(b *testing.B) {
	td := bulkTenantData(1000, "alt")
	benchModes(b, func(b *testing.B, batch bool) {
		rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
		for range b.N {
			b.StopTimer()
			srv := benchServer(b, td, fake.Options{})
			c := bulkClient(b, srv)
			path := filepath.Join(b.TempDir(), "journal.jsonl")
			opts := BulkOptions{Journal: path, Batch: batch, Endpoint: srv.URL}
			b.StartTimer()
			start := time.Now()
			var err error
			kills := 0
			for attempt := 0; ; attempt++ {
				ctx, cancel := context.WithCancel(context.Background())
				if kills < 3 {
					// Kill at a random moment: ctx cancelled abruptly, with
					// requests in flight and journal appends racing it.
					time.AfterFunc(time.Duration(100+rng.IntN(900))*time.Millisecond, cancel)
				}
				if attempt == 0 {
					_, err = RunBulk(ctx, c, Operation{Kind: OpReset}, bulkTargets(td), opts)
				} else {
					_, err = ResumeBulk(ctx, c, path, opts)
				}
				cancel()
				if err == nil {
					break
				}
				if !errors.Is(err, ErrBulkInterrupted) {
					b.Fatal(err)
				}
				kills++
				if kills%2 == 1 {
					// A crash mid-write leaves a torn last line.
					f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
					if err != nil {
						b.Fatal(err)
					}
					f.WriteString(`{"t":"2026-01-01T00:00:00Z","ev":"step","user":"b00`)
					f.Close()
				}
			}
			el := time.Since(start)
			b.StopTimer()
			st, err := ReadJournal(path)
			if err != nil {
				b.Fatal(err)
			}
			if len(st.Pending()) != 0 || kills != 3 || st.Resumes != 3 {
				b.Fatalf("pending %d kills %d resumes %d", len(st.Pending()), kills, st.Resumes)
			}
			for _, r := range BulkResults(st) {
				if r.State != StateDone {
					b.Fatalf("%+v", r)
				}
			}
			checkAllDeleted(b, srv.Tenant, td)
			b.ReportMetric(el.Seconds(), "s/run")
			b.ReportMetric(float64(kills), "kills")
			srv.Close()
		}
	})
}
