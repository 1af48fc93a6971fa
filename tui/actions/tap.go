package actions

import (
	"fmt"
	"time"

	"github.com/mfadesk/mfadesk/graph"
)

// TAPLifetimes are the lifetimes the TAP confirmation cycles through.
var TAPLifetimes = []int{60, 4 * 60, 8 * 60, 24 * 60, 3 * 24 * 60}

// LifetimeText is "1h", "8h", "1d".
func LifetimeText(minutes int) string {
	d := time.Duration(minutes) * time.Minute
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	}
	if d >= time.Hour && d%time.Hour == 0 {
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dm", minutes)
}

// DefaultTAP is the pass the TUI offers first: lifetime and one-time use
// as the tenant's TAP policy says (the CLI's default too).
func DefaultTAP() graph.TAPRequest { return graph.TAPRequest{DefaultUse: true} }

// TAPOps describes issuing a pass with req.
func TAPOps(req graph.TAPRequest) []string {
	use := "usable many times until it expires"
	switch {
	case req.DefaultUse:
		use = "one-time or reusable as the tenant's TAP policy says"
	case req.IsUsableOnce:
		use = "usable once"
	}
	valid := "valid " + LifetimeText(req.LifetimeMinutes)
	if req.LifetimeMinutes == 0 {
		valid = "valid for the TAP policy's default lifetime"
	}
	return []string{fmt.Sprintf("create a Temporary Access Pass %s, %s", valid, use),
		"show it once here (copy it with c); it is never stored or logged"}
}
