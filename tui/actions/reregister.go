package actions

import (
	"context"
	"fmt"
	"slices"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/seam"
)

// ReregisterOps lists what "require re-registration" does to one user:
// phones, Authenticator and OATH go (as the portal's "Require re-register
// MFA" does), FIDO2, Windows Hello and passkeys stay, then sessions are
// revoked so every device asks again.
func ReregisterOps(ms []graph.Method) (ops, keeps []string) {
	var keepKinds []graph.MethodKind
	for _, k := range graph.AllKinds {
		if !slices.Contains(seam.ReregisterKinds, k) {
			keepKinds = append(keepKinds, k)
		}
	}
	ops, keeps = ResetOps(ms, keepKinds)
	ops = append(ops, "revoke all sign-in sessions")
	return ops, keeps
}

func execReregister(ctx context.Context, c graph.Client, u graph.User, op Op) (Result, error) {
	res, err := seam.Reregister(ctx, c, u.ID)
	r := Result{Deleted: res.Deleted}
	if len(res.Deleted) > 0 {
		r.Detail = fmt.Sprintf("deleted %d: %s; ", len(res.Deleted), methodNames(res.Deleted))
	}
	if err != nil {
		return r, err
	}
	r.Detail += "sessions revoked"
	if op.WithTAP {
		tap, err := c.CreateTAP(ctx, u.ID, op.TAP)
		if err != nil {
			return r, fmt.Errorf("re-registration done, but the TAP was not issued: %w", err)
		}
		r.TAP = &tap
		r.Detail += "; TAP issued"
	}
	return r, nil
}
