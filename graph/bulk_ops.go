package graph

import "context"

// bulkOps is how the runner sends a user's requests: straight through the
// Client (one HTTP request each, many users concurrently), or coalesced
// into JSON batches (batch.go). The runner's logic (ordering, retries,
// journal) is the same for both.
type bulkOps interface {
	resolve(ctx context.Context, idOrUPN string) (User, error)
	// list lists a user's methods without reading which is the default
	// (an MSGraph's list marks none; prefs reads it where it matters).
	list(ctx context.Context, userID string) ([]Method, error)
	// prefs reads the user's sign-in preferences (best effort: zero when
	// unknown).
	prefs(ctx context.Context, userID string) (SignInPreferences, error)
	// setDefault makes m the user's default method (a guarded, recorded
	// change).
	setDefault(ctx context.Context, userID string, m Method) error
	del(ctx context.Context, userID string, m Method) error
	revoke(ctx context.Context, userID string) error
	tap(ctx context.Context, userID string, req TAPRequest) (TAP, error)
	setMFA(ctx context.Context, userID string, s PerUserMFAState) error
	// cost is how many Graph requests one call of step sends (the pacer
	// books that many).
	cost(step string) int
	// paced reports that the ops book the pacer themselves for step (per
	// batch); otherwise the runner books it per call.
	paced(step string) bool
	// limitPct is the latest x-ms-throttle-limit-percentage (0 if none).
	limitPct() float64
	close()
}

// throttleGauge is implemented by clients that expose Graph's
// x-ms-throttle-limit-percentage (MSGraph does).
type throttleGauge interface{ ThrottleLimitPercentage() float64 }

func newBulkOps(c Client, batch bool, p *Pacer) bulkOps {
	g := unwrapMSGraph(c)
	if batch && g != nil {
		return newBatchOps(c, g, p)
	}
	return directOps{c: c, g: g}
}

// directOps sends each call as its own request through the Client.
type directOps struct {
	c Client
	g *MSGraph // inside c, when it is one
}

func (d directOps) resolve(ctx context.Context, k string) (User, error) {
	return d.c.ResolveUser(ctx, k)
}
func (d directOps) list(ctx context.Context, id string) ([]Method, error) {
	if d.g != nil {
		return d.g.listMethods(ctx, id, false) // a read: nothing to guard or record
	}
	return d.c.ListMethods(ctx, id)
}
func (d directOps) prefs(ctx context.Context, id string) (SignInPreferences, error) {
	if d.g != nil {
		return d.g.signInPreferences(ctx, id), nil
	}
	return SignInPreferences{}, nil // another Client's ListMethods marks the default itself
}
func (d directOps) setDefault(ctx context.Context, id string, m Method) error {
	return SetDefaultMethod(ctx, d.c, id, m)
}
func (d directOps) del(ctx context.Context, id string, m Method) error {
	return d.c.DeleteMethod(ctx, id, m)
}
func (d directOps) revoke(ctx context.Context, id string) error { return d.c.RevokeSessions(ctx, id) }
func (d directOps) tap(ctx context.Context, id string, r TAPRequest) (TAP, error) {
	return d.c.CreateTAP(ctx, id, r)
}
func (d directOps) setMFA(ctx context.Context, id string, s PerUserMFAState) error {
	return d.c.SetPerUserMFA(ctx, id, s)
}

func (d directOps) cost(string) int { return 1 }

func (d directOps) limitPct() float64 {
	if d.g != nil {
		return d.g.ThrottleLimitPercentage()
	}
	if g, ok := d.c.(throttleGauge); ok {
		return g.ThrottleLimitPercentage()
	}
	return 0
}

func (directOps) paced(string) bool { return false }

func (directOps) close() {}
