package draw

import (
	"strings"
	"unicode/utf8"
)

// Screen is the app's second sanitising boundary (ARCHITECTURE.md): the
// last thing every frame goes through before the terminal. The first is the
// adapter, which cleans every string it converts from Graph
// (graph.CleanText); Screen makes sure that whatever a pane drew, only text,
// newlines and SGR colour sequences ("ESC [ ... m", what lipgloss writes)
// reach the terminal: any other escape sequence (cursor moves, screen
// clears, OSC 52 clipboard writes, window titles, hyperlinks), C0 / C1
// control, bidirectional override or invalid UTF-8 is removed. A tab
// becomes a space. A frame with none of those (every frame, when the first
// boundary holds) is returned as it is, without a copy.
func Screen(frame string) string {
	i := firstUnsafe(frame)
	if i < 0 {
		return frame
	}
	var b strings.Builder
	b.Grow(len(frame))
	b.WriteString(frame[:i])
	for i < len(frame) {
		c := frame[i]
		switch {
		case c == 0x1b:
			n := escLen(frame[i:])
			if isSGR(frame[i : i+n]) {
				b.WriteString(frame[i : i+n])
			}
			i += n
		case c == '\t':
			b.WriteByte(' ')
			i++
		case c == '\n' || (c >= 0x20 && c < 0x7f):
			b.WriteByte(c)
			i++
		case c < 0x80: // other C0 controls, DEL
			i++
		default:
			r, n := utf8.DecodeRuneInString(frame[i:])
			switch {
			case r == utf8.RuneError && n <= 1:
				b.WriteRune(utf8.RuneError)
			case !unsafeRune(r):
				b.WriteString(frame[i : i+n])
			}
			i += n
		}
	}
	return b.String()
}

// firstUnsafe is the index of the first byte Screen would change (-1: none).
func firstUnsafe(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == 0x1b:
			n := escLen(s[i:])
			if !isSGR(s[i : i+n]) {
				return i
			}
			i += n
		case c == '\n' || (c >= 0x20 && c < 0x7f):
			i++
		case c < 0x80:
			return i
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if (r == utf8.RuneError && n <= 1) || unsafeRune(r) {
				return i
			}
			i += n
		}
	}
	return -1
}

// unsafeRune: C1 controls (a terminal may read U+009B as CSI) and the
// bidirectional controls that make text read differently from what it is.
func unsafeRune(r rune) bool {
	return (r >= 0x80 && r <= 0x9f) || r == 0x061c || r == 0x200e || r == 0x200f ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// isSGR: "ESC [" parameters (digits, ';', ':') and the final 'm'.
func isSGR(seq string) bool {
	if len(seq) < 3 || seq[1] != '[' || seq[len(seq)-1] != 'm' {
		return false
	}
	for j := 2; j < len(seq)-1; j++ {
		if c := seq[j]; (c < '0' || c > '9') && c != ';' && c != ':' {
			return false
		}
	}
	return true
}

// escLen is the length of the escape sequence s starts with (s[0] is ESC):
// CSI up to its final byte; OSC, DCS, SOS, PM and APC up to BEL or ST (an
// unterminated one runs to the end, as a terminal would read it); any
// other escape is ESC and one byte (plus nF intermediates).
func escLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[':
		for j := 2; j < len(s); j++ {
			if s[j] >= 0x40 && s[j] <= 0x7e {
				return j + 1
			}
		}
		return len(s)
	case ']', 'P', 'X', '^', '_':
		for j := 2; j < len(s); j++ {
			if s[j] == 0x07 {
				return j + 1
			}
			if s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\' {
				return j + 2
			}
		}
		return len(s)
	}
	j := 1
	for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f { // nF intermediates
		j++
	}
	if j < len(s) {
		j++
	}
	return j
}
