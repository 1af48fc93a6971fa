package graph

import (
	"context"
	"time"
)

// Defaults for BulkOptions.
const (
	// DefaultConcurrency is how many users are worked on at once: the one
	// default for the runner, the CLI and the TUI, and what `config init`
	// writes (bulk.concurrency, 1-16). The pacer, not the worker count,
	// keeps a run inside Graph's budgets; four users in flight are enough
	// to fill the directory write budget (20 requests/s) at Graph's usual
	// latency.
	DefaultConcurrency = 4
	// DefaultMaxRPS is the ceiling on requests per second (each request
	// inside a $batch counts, as Graph counts it).
	DefaultMaxRPS = 1000
	// DefaultMaxAttempts bounds tries of one request that failed with a
	// dropped connection / 5xx / timeout (where repeating is safe).
	DefaultMaxAttempts = 5
	// DefaultMaxThrottleWait bounds the total Retry-After waited for one
	// request before its user is failed as throttled.
	DefaultMaxThrottleWait = 10 * time.Minute
	// MaxWait caps any single wait of a bulk run (a run-wide pause, one
	// request's Retry-After): however long Graph (or anything answering
	// in its place) asks, nothing waits longer than this at once.
	MaxWait = 10 * time.Minute
	// announceWaitsFrom: waits at least this long are announced
	// (EventWaiting), so a run never goes quiet without saying why.
	announceWaitsFrom = 2 * time.Second
)

// BulkOptions tunes a run. The zero value works (no journal, defaults).
type BulkOptions struct {
	// Journal is the JSONL journal's path. RunBulk creates it (it must not
	// exist); empty keeps the journal in memory only (no resume).
	Journal string
	// Concurrency is how many users are worked on at once.
	Concurrency int
	// MaxRPS is the ceiling on requests per second.
	MaxRPS float64
	// StartRPS is the rate the run begins at: the documented budget of the
	// service its requests count against (DocumentedRPS), which the CLI
	// and the TUI pass. 0 starts at MaxRPS (benchmarks against an
	// unlimited fake).
	StartRPS float64
	// Pacer, when set, is shared (e.g. with the client's OnThrottle, or
	// across runs); MaxRPS is then ignored.
	Pacer *Pacer
	// Batch sends requests in JSON batches ($batch, up to 20 each) when the
	// client supports it (the msgraph client does).
	Batch bool
	// MaxAttempts and MaxThrottleWait: see the defaults.
	MaxAttempts     int
	MaxThrottleWait time.Duration
	// OnEvent receives progress. Calls are serialised (never concurrent)
	// and should return quickly; a slow callback slows the run.
	OnEvent func(Event)
	// Tenant, TenantID, Endpoint, Operator and Reason are recorded in the
	// journal header. On a resume, TenantID, Endpoint and Operator are the
	// signed-in session's, checked against the header (CheckResume).
	Tenant, TenantID, Endpoint, Operator, Reason string
	// Approval (the ticket and the identity-verification lines confirmed
	// with the run) goes with every change into the change history.
	Approval Approval
	// OtherOperator lets a resume finish another operator's run (the
	// tenant must still match).
	OtherOperator bool
	// DeliverTAP, when set, receives each pass as soon as it is issued
	// (bulk_passes.go); its success is journaled as "delivered", its
	// failure stops the run.
	DeliverTAP func(PassDelivery) error
	// ReissuePasses: a resume issues a new pass to every user whose pass
	// was issued and never delivered (needs DeliverTAP).
	ReissuePasses bool

	// interactive, oneByOne and onUser are set by RunOne (bulk_one.go):
	// a person waits on the answer (Graph's high priority), one user's
	// deletes go one at a time in plan order, and the user's in-memory
	// record (plan, per-method errors, the pass) is handed back.
	interactive bool
	oneByOne    bool
	onUser      func(*userRun, *outcome)

	// now and sleep are replaced in tests.
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
}
