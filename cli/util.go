package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// note tells the operator something beside the output (stderr, so it never
// mixes with JSON or CSV on stdout).
func (e *Env) note(s string) { fmt.Fprintln(e.Stderr, cleanLines(s)) }

func quoteArg(s string) string { return strconv.Quote(s) }

// parseSince reads how far back to look: a Go duration (72h, 90m), a number
// of days (7d), or a point in time (2025-01-31 or RFC 3339).
func parseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if d, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(d); err == nil && n >= 0 {
			return now.AddDate(0, 0, -n), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d < 0 {
			return time.Time{}, fmt.Errorf("%q: give how far back as a positive duration", s)
		}
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q: give a duration (72h, 7d) or a date (2025-01-31, RFC 3339)", s)
}
