package fake

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Documented per-service budgets (Options.DocumentedBudgets), from
// https://learn.microsoft.com/graph/throttling-limits. Each is a token
// bucket per app per tenant: full at the start, refilling at the limit's
// rate. A request takes one token from its service's bucket; an empty
// bucket answers 429 with the Retry-After until a token is back; and once
// a bucket is more than 80% used, answers carry
// x-ms-throttle-limit-percentage (how much of the limit is used), as
// https://learn.microsoft.com/graph/throttling describes. Off (the
// default) the fake is unlimited, as benchmarks want.
//
// Simplifications, on the safe side: every directory read costs one
// resource unit (the page charges GET /users 2 and discounts $select and
// small $top, never below 1); the per-tenant all-apps write limit (18,000
// per 5 minutes) is above the per-app one and not modelled.

var (
	ruleBudgetReports = docRule("throttle.reports-5-per-10s",
		"identity and access reports (auditLogs, reports, and, as the page lists it, authenticationMethod resources): 5 requests per 10 seconds per app per tenant; over it 429 with Retry-After",
		"https://learn.microsoft.com/graph/throttling-limits#identity-and-access-reports-service-limits")
	ruleBudgetDirectoryWrites = docRule("throttle.directory-writes-3000-per-150s",
		"directory writes (POST, PATCH, DELETE on users and their settings): 3,000 requests per 2 minutes 30 seconds per app per tenant; over it 429 with Retry-After",
		"https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits")
	ruleBudgetDirectoryReads = docRule("throttle.directory-reads-per-10s",
		"directory reads: 3,500 / 5,000 / 8,000 resource units per 10 seconds per app per tenant for tenants under 50 / 50-500 / over 500 users (one unit a request here); over it 429 with Retry-After",
		"https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits")
	ruleBudgetPercentage = docRule("throttle.limit-percentage-above-80",
		"once more than 80% of a limit is used, answers carry x-ms-throttle-limit-percentage (used share, 0.8-1.8)",
		"https://learn.microsoft.com/graph/throttling#regular-responses-requests")
)

// Service names of the documented budgets.
const (
	BudgetReports         = "reports"
	BudgetDirectoryWrites = "directoryWrites"
	BudgetDirectoryReads  = "directoryReads"
)

// Budget is one documented limit: Limit requests per Per.
type Budget struct {
	Limit int
	Per   time.Duration
}

// DocumentedBudgets are the limits the fake applies for a tenant of users
// users (the directory read limit depends on the tenant's size).
func DocumentedBudgets(users int) map[string]Budget {
	reads := 3500
	switch {
	case users > 500:
		reads = 8000
	case users >= 50:
		reads = 5000
	}
	return map[string]Budget{
		BudgetReports:         {Limit: 5, Per: 10 * time.Second},
		BudgetDirectoryWrites: {Limit: 3000, Per: 150 * time.Second},
		BudgetDirectoryReads:  {Limit: reads, Per: 10 * time.Second},
	}
}

type bucket struct {
	capacity float64
	rate     float64 // tokens per second
	tokens   float64
	at       time.Time
}

// budgetOf names the documented budget a request counts against.
func budgetOf(method, path string) string {
	p := strings.ToLower(path)
	switch {
	case strings.HasPrefix(p, "/auditlogs"), strings.HasPrefix(p, "/reports"):
		return BudgetReports
	case strings.Contains(p, "/authentication/") && strings.Contains(p, "methods"):
		// authenticationMethod and its kinds (phoneMethods, ...).
		return BudgetReports
	case method != http.MethodGet:
		return BudgetDirectoryWrites
	}
	return BudgetDirectoryReads
}

// setDocumentedBudgets turns the documented buckets on (scale > 0: refill
// that many times faster, so tests and benchmarks run in seconds with the
// same shape) or off (scale 0).
func (t *Tenant) setDocumentedBudgets(scale float64) {
	if scale <= 0 {
		t.buckets = nil
		return
	}
	now := time.Now()
	t.buckets = map[string]*bucket{}
	for name, b := range DocumentedBudgets(len(t.users)) {
		t.buckets[name] = &bucket{capacity: float64(b.Limit), rate: float64(b.Limit) / b.Per.Seconds() * scale,
			tokens: float64(b.Limit), at: now}
	}
}

// takeDocumented spends a token of rc's budget. Called with t.mu held.
// throttled: the bucket was empty (wait: until a token is back); else
// rc.limitPct is the share of the limit now used.
func (t *Tenant) takeDocumented(rc *reqCtx) (wait time.Duration, throttled bool) {
	b := t.buckets[budgetOf(rc.method, rc.path)]
	if b == nil {
		return 0, false
	}
	now := time.Now()
	b.tokens = math.Min(b.capacity, b.tokens+now.Sub(b.at).Seconds()*b.rate)
	b.at = now
	if b.tokens < 1 {
		t.stats.BudgetThrottled++
		return time.Duration((1 - b.tokens) / b.rate * float64(time.Second)), true
	}
	b.tokens--
	rc.limitPct = 1 - b.tokens/b.capacity
	return 0, false
}

// limitHeader adds x-ms-throttle-limit-percentage when more than 80% of
// the request's limit is used.
func limitHeader(h http.Header, pct float64) {
	if pct > 0.8 {
		h.Set("x-ms-throttle-limit-percentage", strconv.FormatFloat(math.Round(pct*100)/100, 'f', -1, 64))
	}
}
