package graph

import (
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"
)

// CleanText makes text that came from Graph (names, job titles, failure
// reasons, error messages) safe to draw or print: terminal escape sequences
// (CSI, OSC including OSC 52 clipboard writes, DCS, ...) are removed, other
// control characters become spaces, and bidirectional overrides and
// isolates, which can make text read differently than it is, are dropped.
// Every string a Client returns has been through it.
func CleanText(s string) string {
	if isPlain(s) {
		return s
	}
	s = ansi.Strip(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case isBidiControl(r):
		case r == unicode.ReplacementChar:
			b.WriteRune(r)
		case unicode.IsControl(r):
			// C0, DEL and C1 (0x80-0x9f: 8-bit CSI/OSC introducers).
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPlain is the fast path: printable ASCII needs no work.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

func isBidiControl(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E: // LRE RLE PDF LRO RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI RLI FSI PDI
		return true
	case r == 0x200E || r == 0x200F || r == 0x061C: // LRM RLM ALM
		return true
	}
	return false
}
