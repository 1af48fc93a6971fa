package graph

// Documented budgets (https://learn.microsoft.com/graph/throttling-limits),
// in requests per second per app per tenant, that a bulk run starts at.
const (
	// BudgetReportsRPS: identity and access reports, 5 requests per 10 s.
	// The page lists authenticationMethod among its resources, so method
	// lists and deletes count here (field reports say they are throttled
	// far later; the pacer finds that out from Graph's answers).
	BudgetReportsRPS = 5.0 / 10
	// BudgetDirectoryWritesRPS: directory writes, 3,000 per 150 s.
	BudgetDirectoryWritesRPS = 3000.0 / 150
)

// DocumentedRPS is the documented budget of the service most of op's
// requests count against: a bulk run starts there (BulkOptions.StartRPS)
// and adapts from x-ms-throttle-limit-percentage and 429s.
func DocumentedRPS(op OpKind) float64 {
	switch op {
	case OpReset, OpReregister, OpDeleteMethods:
		return BudgetReportsRPS
	}
	return BudgetDirectoryWritesRPS
}

// StartRPS is what the CLI and the TUI start a bulk run of op at. Runs of
// directory writes (revoke, per-user MFA) start at the documented directory
// write budget. Runs working on authentication methods start at the ceiling
// and adapt: the page's literal 0.5 requests/s for them would make a
// 400-user reset take most of an hour while Graph, by every field report,
// throttles them far later; a run finds the real limit from
// x-ms-throttle-limit-percentage and 429s. (BenchmarkBulkBudget measures
// both starts against a fake enforcing the literal budget.)
func StartRPS(op OpKind) float64 {
	if DocumentedRPS(op) == BudgetReportsRPS {
		return 0
	}
	return DocumentedRPS(op)
}
