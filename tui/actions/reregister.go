package actions

import (
	"context"

	"github.com/mfadesk/mfadesk/graph"
)

// ReregisterOps lists what "require re-registration" does to one user:
// the portal's "Require re-register MFA" deletions (graph.ReregisterKeep
// stays: FIDO2 keys and passkeys, Windows Hello, platform credentials),
// then a revoke so every device asks again.
func ReregisterOps(ms []graph.Method) (ops, keeps []string) {
	ops, keeps = ResetOps(ms, graph.ReregisterKeep)
	ops = append(ops, "revoke all sign-in sessions")
	return ops, keeps
}

func execReregister(ctx context.Context, c graph.Client, u graph.User, op Op) (Result, error) {
	opts := graph.ReregisterOptions{}
	if op.WithTAP {
		req := op.TAP
		opts.TAP = &req
	}
	res, err := graph.Reregister(ctx, c, u.ID, opts)
	d, deleted := resetDetail(res.Reset)
	r := Result{Detail: d, Deleted: deleted, Outcomes: res.Reset.Methods, TAP: res.TAP}
	if res.Revoked {
		r.Detail = joinDetail(r.Detail, "sessions revoked")
	}
	if res.TAP != nil {
		r.Detail = joinDetail(r.Detail, "TAP issued")
	}
	return r, err
}

func joinDetail(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
