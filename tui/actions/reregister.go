package actions

import (
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
