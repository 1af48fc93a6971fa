package actions

import (
	"github.com/mfadesk/mfadesk/graph"
)

// PerUserStates are the per-user MFA states in menu order.
var PerUserStates = []graph.PerUserMFAState{graph.PerUserMFADisabled, graph.PerUserMFAEnabled, graph.PerUserMFAEnforced}
