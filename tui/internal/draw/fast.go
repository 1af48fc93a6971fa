package draw

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Measuring text is most of a frame's work: ansi.StringWidth segments
// every string into grapheme clusters. Almost everything the console draws
// is ASCII, SGR colour sequences and a few symbols (box drawing, "…", "·",
// "✓"), for which a cluster is one rune one cell wide: those strings are
// measured and cut here byte by byte, and anything else goes to ansi, which
// stays the reference (TestFastMatchesAnsi compares the two).

// narrow marks the non-ASCII runes below narrowMax that are one cell wide
// and can neither join a neighbour into a cluster nor be joined (no
// combining marks, joiners, selectors or prepends: those are never listed,
// so a string holding one is measured by ansi).
const narrowMax = 0x2800

var narrow [narrowMax]bool

func init() {
	for _, r := range [][2]rune{
		{0x00A1, 0x00AC}, {0x00AE, 0x00FF}, // Latin-1 (not the soft hyphen)
		{0x0100, 0x017F},                   // Latin Extended-A
		{0x2010, 0x2027}, {0x2030, 0x205E}, // punctuation: dashes, "…", "•", "‰"
		{0x2190, 0x21FF}, // arrows ("↑", "⇄")
		{0x2200, 0x22FF}, // mathematical operators ("⊘")
		{0x2500, 0x25FF}, // box drawing, blocks, shapes
		{0x2700, 0x27BF}, // dingbats ("✓", "✗")
	} {
		for c := r[0]; c <= r[1]; c++ {
			// Keep only what ansi itself draws one cell wide, alone and
			// between letters (its tables are the reference).
			s := string(c)
			if ansi.StringWidth(s) == 1 && ansi.StringWidth("a"+s+"b") == 3 && utf8.RuneLen(c) > 1 {
				narrow[c] = true
			}
		}
	}
}

// csiEnd returns the index after the CSI sequence starting at s[i] (ESC
// '['), or -1 when s[i:] is not one.
func csiEnd(s string, i int) int {
	if i+1 >= len(s) || s[i+1] != '[' {
		return -1
	}
	j := i + 2
	for j < len(s) && s[j] >= 0x30 && s[j] <= 0x3f {
		j++
	}
	for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f {
		j++
	}
	if j < len(s) && s[j] >= 0x40 && s[j] <= 0x7e {
		return j + 1
	}
	return -1
}

// fastWidth is s's width when every rune of it is printable ASCII or
// narrow, between CSI sequences; ok is false otherwise.
func fastWidth(s string) (w int, ok bool) {
	for i := 0; i < len(s); {
		b := s[i]
		switch {
		case b >= 0x20 && b < 0x7f:
			w++
			i++
		case b == 0x1b:
			j := csiEnd(s, i)
			if j < 0 {
				return 0, false
			}
			i = j
		case b < 0x80:
			return 0, false // a control character
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r >= narrowMax || !narrow[r] {
				return 0, false
			}
			w++
			i += n
		}
	}
	return w, true
}

// truncate is ansi.Truncate(s, w, tail): printable cells past w-width(tail)
// are dropped and tail put where the first was; escape sequences are all
// kept (a colour reset after the cut still resets).
func truncate(s string, w int, tail string) string {
	sw, ok := fastWidth(s)
	if !ok {
		return ansi.Truncate(s, w, tail)
	}
	if sw <= w {
		return s
	}
	tw, ok := fastWidth(tail)
	keep := w - tw
	if !ok || keep < 0 {
		return ansi.Truncate(s, w, tail)
	}
	var b strings.Builder
	b.Grow(len(s) + len(tail))
	n, tailed := 0, false
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			j := csiEnd(s, i)
			b.WriteString(s[i:j])
			i = j
			continue
		}
		size := 1
		if s[i] >= 0x80 {
			_, size = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case n < keep:
			b.WriteString(s[i : i+size])
			n++
		case !tailed:
			b.WriteString(tail)
			tailed = true
		}
		i += size
	}
	return b.String()
}

// truncateLeft is ansi.TruncateLeft(s, n, prefix): s without its first n
// cells, escape sequences kept.
func truncateLeft(s string, n int, prefix string) string {
	if _, ok := fastWidth(s); !ok || prefix != "" {
		return ansi.TruncateLeft(s, n, prefix)
	}
	if n <= 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	skipped := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			j := csiEnd(s, i)
			b.WriteString(s[i:j])
			i = j
			continue
		}
		size := 1
		if s[i] >= 0x80 {
			_, size = utf8.DecodeRuneInString(s[i:])
		}
		if skipped < n {
			skipped++
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
