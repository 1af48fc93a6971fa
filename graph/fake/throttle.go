package fake

import (
	"math"

	"golang.org/x/time/rate"
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
// A directory read costs its documented resource units (resourceUnits);
// the per-tenant all-apps write limit (18,000 per 5 minutes) is above the
// per-app one and not modelled.

var (
	ruleBudgetReports = docRule("throttle.reports-5-per-10s",
		"identity and access reports (auditLogs, reports, and, as the page lists it, authenticationMethod resources): 5 requests per 10 seconds per app per tenant; over it 429 with Retry-After",
		"https://learn.microsoft.com/graph/throttling-limits#identity-and-access-reports-service-limits")
	ruleBudgetDirectoryWrites = docRule("throttle.directory-writes-3000-per-150s",
		"directory writes (POST, PATCH, DELETE on users and their settings): 3,000 requests per 2 minutes 30 seconds per app per tenant; over it 429 with Retry-After",
		"https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits")
	ruleBudgetDirectoryReads = docRule("throttle.directory-reads-per-10s",
		"directory reads: 3,500 / 5,000 / 8,000 resource units per 10 seconds per app per tenant for tenants under 50 / 50-500 / over 500 users, each read costing its documented resource units; over it 429 with Retry-After",
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

// bucket is one budget as Graph documents the algorithm ("throttling is
// based on a token bucket algorithm, which works by adding individual
// costs of requests", throttling-limits#identity-and-access-service-limits),
// on golang.org/x/time/rate's Limiter: capacity tokens, full at the start,
// refilled at rate per second, a request taking its cost or, when the
// tokens are not there, none (a 429 spends nothing).
type bucket struct {
	lim      *rate.Limiter
	capacity float64
}

func newBucket(capacity, perSecond float64) *bucket {
	return &bucket{lim: rate.NewLimiter(rate.Limit(perSecond), int(math.Ceil(capacity))), capacity: capacity}
}

// take spends cost tokens at now; when there are too few it spends none
// and says how long until there are enough.
func (b *bucket) take(now time.Time, cost float64) (wait time.Duration, ok bool) {
	have := b.lim.TokensAt(now)
	if have < cost {
		return time.Duration((cost - have) / float64(b.lim.Limit()) * float64(time.Second)), false
	}
	b.lim.AllowN(now, int(math.Ceil(cost)))
	return 0, true
}

// used is the share of the capacity spent at now.
func (b *bucket) used(now time.Time) float64 { return 1 - b.lim.TokensAt(now)/b.capacity }

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
	t.buckets = map[string]*bucket{}
	for name, b := range DocumentedBudgets(len(t.users)) {
		t.buckets[name] = newBucket(float64(b.Limit), float64(b.Limit)/b.Per.Seconds()*scale)
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
	cost := 1.0
	if n, ok := resourceUnits(rc); ok && rc.method == http.MethodGet {
		cost = float64(n) // the resource unit quota; a write costs 1 of the write quota
	}
	now := time.Now()
	wait, ok := b.take(now, cost)
	if !ok {
		t.stats.BudgetThrottled++
		return wait, true
	}
	rc.limitPct = b.used(now)
	return 0, false
}

// limitHeader adds x-ms-throttle-limit-percentage when more than 80% of
// the request's limit is used.
func limitHeader(h http.Header, pct float64) {
	if pct > 0.8 {
		h.Set("x-ms-throttle-limit-percentage", strconv.FormatFloat(math.Round(pct*100)/100, 'f', -1, 64))
	}
}

var ruleResourceUnit = docRule("throttle.resource-unit-identity-only",
	"answers of the identity and access service (users and their memberships and actions, groups, organization) carry x-ms-resource-unit: the request's cost from the page's table (GET /users 2, group members 3, transitive members 5, memberOf 2, else 1; $select -1, $expand +1, $top under 20 -1; never below 1); answers of other services (reports, sign-ins, audit, authentication methods and preferences, mail, the batch envelope) and 429s do not",
	"https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits")

// resourceUnits is the documented cost of rc in the identity and access
// service, or ok false when rc is not one of that service's requests
// (ruleResourceUnit). The page lists the service's resources (user, group,
// directoryObject, directoryRole, organization, policyBase, ...) and says
// x-ms-resource-unit is a regular response header of that service; the
// JSON batching page's sample shows it on directory requests only (its
// source notes "this header seems to be returned for directory objects
// only"). Authentication methods belong to the reports service;
// signInPreferences and requirements (the user's authentication resource)
// are not listed, so they get no header: the safer reading, as a client
// must not count on it.
func resourceUnits(rc *reqCtx) (int, bool) {
	s := rc.segs
	if len(s) == 0 {
		return 0, false
	}
	lower := func(i int) string {
		if i < len(s) {
			return strings.ToLower(s[i])
		}
		return ""
	}
	// the segments after the user (/users/{id}/x or /me/x)
	var userRest []string
	switch lower(0) {
	case "users":
		if len(s) > 2 {
			userRest = s[2:]
		}
	case "me":
		userRest = s[1:]
	case "groups", "organization", "directoryobjects", "directoryroles":
	default:
		return 0, false
	}
	cost := 1
	if len(userRest) > 0 {
		switch strings.ToLower(userRest[0]) {
		case "authentication", "sendmail":
			return 0, false
		case "memberof", "transitivememberof", "licensedetails", "ownedobjects":
			cost = 2 // "me/..." costs apply to users/{id}/... too
		}
	}
	if rc.method == http.MethodGet {
		switch {
		case lower(0) == "users" && len(s) == 1:
			cost = 2
		case lower(0) == "groups" && lower(2) == "members":
			cost = 3
		case lower(0) == "groups" && lower(2) == "transitivemembers":
			cost = 5
		}
		if rc.q.Get("$select") != "" {
			cost--
		}
		if rc.q.Get("$expand") != "" {
			cost++
		}
		if top, err := strconv.Atoi(rc.q.Get("$top")); err == nil && top < 20 {
			cost--
		}
	} else if len(userRest) > 0 && cost > 1 {
		cost = 1 // the table's costs above are for GET
	}
	return max(cost, 1), true
}

// resourceUnitHeader sets x-ms-resource-unit where the identity and access
// service sends it: its answers other than 429 (a throttled answer carries
// the throttle scope and information headers instead).
func resourceUnitHeader(h http.Header, rc *reqCtx, status int) {
	if status == http.StatusTooManyRequests {
		return
	}
	if n, ok := resourceUnits(rc); ok {
		h.Set("x-ms-resource-unit", strconv.Itoa(n))
	}
}
