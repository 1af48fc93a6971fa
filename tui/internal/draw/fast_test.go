package draw

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// The fast paths give exactly what ansi gives, on strings made of what the
// console draws and of what must fall back (wide, combining, joiners,
// selectors, prepends, controls, other escapes).
func TestFastMatchesAnsi(t *testing.T) {
	parts := []string{"a", "Z", " ", "~", "é", "…", "·", "✓", "✗", "⊘", "─", "│", "╭", "█", "↑", "⇄", "×", "•",
		"\x1b[m", "\x1b[1;38;2;10;20;30m", "\x1b[0m", "\x1b]8;;http://x\x07", "\x1b", "\x1b[", "\r", "\n", "\t",
		"日", "界", "\u0301", "\u200d", "\ufe0f", "⚠", "✔", "👍", "\u0600", "ا", "\u00ad", "\x7f", "\u2028", "\u25b6"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		s := b.String()
		if got, want := Width(s), ansi.StringWidth(s); got != want {
			t.Fatalf("Width(%q) = %d, ansi says %d", s, got, want)
		}
		w := rng.IntN(10)
		for _, tail := range []string{"", "…"} {
			if got, want := truncate(s, w, tail), ansi.Truncate(s, w, tail); got != want {
				t.Fatalf("truncate(%q, %d, %q) = %q, ansi says %q", s, w, tail, got, want)
			}
		}
		if got, want := truncateLeft(s, w, ""), ansi.TruncateLeft(s, w, ""); got != want {
			t.Fatalf("truncateLeft(%q, %d) = %q, ansi says %q", s, w, got, want)
		}
	}
	for r := rune(0x80); r < narrowMax; r++ {
		if narrow[r] && ansi.StringWidth(string(r)) != 1 {
			t.Fatalf("%U listed narrow", r)
		}
	}
}

func BenchmarkWidth(b *testing.B) {
	s := "\x1b[38;2;1;2;3m│ ✓  Alice Wong      alice.wong@contoso.com  Sales · 3 methods …\x1b[m"
	for b.Loop() {
		Width(s)
	}
}
