package graph

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanText makes text that came from Graph (names, job titles, failure
// reasons, error messages) safe to draw or print on a terminal:
//
//   - escape sequences are removed whole: CSI (ESC [ ... final), OSC
//     (ESC ] ... ended by BEL, ESC \ or 8-bit ST, including OSC 52 clipboard
//     writes and OSC 8 links), DCS / SOS / PM / APC strings, two-byte and nF
//     escapes (ESC c resets the terminal, ESC ( 0 switches charsets), and
//     their 8-bit C1 forms (U+009B CSI, U+009D OSC, U+0090 DCS, ...); a lone
//     ESC is dropped. An unterminated string sequence swallows the rest of
//     the text, as a terminal would.
//   - tab, CR, LF, NEL and the Unicode line/paragraph separators become a
//     space (one value is one line); every other C0 / C1 control and DEL is
//     dropped.
//   - bidirectional overrides, embeddings, isolates and marks are dropped:
//     they make text read differently from what it is ("Trojan Source").
//   - invisible characters that let two different names look identical or
//     hide text, or whose width terminals disagree on, are dropped: zero
//     width space, word joiner, BOM, soft hyphen, invisible math operators,
//     deprecated format controls, interlinear annotations, Mongolian vowel
//     separator, Hangul fillers and the tag block.
//   - the rule for joiners (ZWJ U+200D, ZWNJ U+200C): kept only between two
//     letters (a mark may follow the first), where scripts need them
//     (Persian ZWNJ, Indic conjuncts); dropped everywhere else. Emoji
//     sequences are what is left: a ZWJ sequence ("👩‍💻"), a skin tone
//     modifier (U+1F3FB..U+1F3FF) or a presentation selector (VS15/VS16,
//     U+FE0E/U+FE0F) is drawn one column wide, two or four depending on the
//     terminal (tmux counts code points, the app counts grapheme clusters):
//     a row drawn wider than measured leaves stale cells behind ("per-user
//     Menabled"). Without them every emoji is one plain emoji, as wide in
//     every terminal: "👩‍💻" becomes "👩💻", "👍🏽" becomes "👍", "❤️" becomes "❤".
//   - a run of combining marks is cut to maxMarks ("Zalgo" text paints over
//     the rows above and below).
//   - invalid UTF-8 becomes U+FFFD, so the result is always valid UTF-8.
//
// CleanText is idempotent. Every string a Client returns has been through it.
func CleanText(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	marks := 0    // combining marks written since the last other rune
	var prev rune // the last rune written (0: none yet)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == 0x85 { // NEL: a line break
			b.WriteByte(' ')
			marks, prev = 0, ' '
			i += n
			continue
		}
		if r == 0x1b || (r >= 0x80 && r <= 0x9f) {
			i = skipSequence(s, i)
			continue
		}
		i += n
		if r == zwj || r == zwnj {
			next, _ := utf8.DecodeRuneInString(s[i:])
			if (unicode.IsLetter(prev) || unicode.IsMark(prev)) && unicode.IsLetter(next) {
				b.WriteRune(r)
				prev = r
			}
			continue
		}
		if isEmojiWidthChanger(r) {
			continue
		}
		switch {
		case r == utf8.RuneError:
			// Invalid UTF-8 (n == 1) or a literal U+FFFD: both print as U+FFFD.
			b.WriteRune(utf8.RuneError)
			marks, prev = 0, r
		case r == '\t' || r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029:
			b.WriteByte(' ')
			marks, prev = 0, ' '
		case r < 0x20 || r == 0x7f:
		case isBidiControl(r) || isInvisible(r):
		case unicode.In(r, unicode.Mn, unicode.Me):
			if marks < maxMarks {
				b.WriteRune(r)
				marks++
				prev = r
			}
		default:
			b.WriteRune(r)
			marks, prev = 0, r
		}
	}
	return b.String()
}

// maxMarks is the most combining marks kept on one base character. Real
// text stacks a few (Vietnamese, Tibetan, IPA); more is an attack on layout.
const maxMarks = 4

// skipSequence returns the index just past the escape sequence (or lone
// control) starting at s[i], which is ESC or a C1 control U+0080..U+009F.
// It follows ECMA-48 as xterm parses it.
func skipSequence(s string, i int) int {
	r, n := utf8.DecodeRuneInString(s[i:])
	i += n
	if r == 0x1b {
		if i >= len(s) {
			return i // lone ESC at the end
		}
		c := s[i]
		switch {
		case c == '[':
			return skipCSI(s, i+1)
		case c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_':
			return skipString(s, i+1)
		case c >= 0x20 && c <= 0x2f:
			// nF escape: intermediates, then one final byte.
			for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
				i++
			}
			if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
				i++
			}
			return i
		case c >= 0x30 && c <= 0x7e:
			return i + 1 // two-byte escape: ESC 7, ESC c, ESC M, ESC N, ...
		}
		return i // lone ESC: what follows is ordinary text
	}
	switch r {
	case 0x9b: // CSI
		return skipCSI(s, i)
	case 0x9d, 0x90, 0x98, 0x9e, 0x9f: // OSC, DCS, SOS, PM, APC
		return skipString(s, i)
	}
	return i // any other C1 control on its own
}

// skipCSI skips parameter (0x30-0x3f) and intermediate (0x20-0x2f) bytes and
// the final byte (0x40-0x7e). Anything else ends the sequence early and is
// left to the caller, so text after a malformed CSI is not lost.
func skipCSI(s string, i int) int {
	for i < len(s) {
		c := s[i]
		switch {
		case c >= 0x20 && c <= 0x3f:
			i++
		case c >= 0x40 && c <= 0x7e:
			return i + 1
		default:
			return i
		}
	}
	return i
}

// skipString skips the body of an OSC / DCS / SOS / PM / APC string up to
// and including its terminator: BEL, ESC \ or 8-bit ST (U+009C). CAN and SUB
// cancel the string. An ESC followed by anything but '\' also ends it (xterm
// starts the new sequence), so that ESC is left to the caller.
func skipString(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch r {
		case 0x07, 0x9c, 0x18, 0x1a:
			return i + n
		case 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i
		}
		i += n
	}
	return i
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

// The joiners (see CleanText for when they are kept).
const (
	zwj  = 0x200D
	zwnj = 0x200C
)

// isEmojiWidthChanger reports the characters that make an emoji one
// grapheme of a width terminals disagree on: presentation selectors and
// skin tone modifiers (ZWJ is handled with the joiners).
func isEmojiWidthChanger(r rune) bool {
	return r == 0xFE0E || r == 0xFE0F || (r >= 0x1F3FB && r <= 0x1F3FF)
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

// isInvisible reports format characters that draw nothing yet change what a
// string is (spoofing, hidden text) or that terminals give different widths.
func isInvisible(r rune) bool {
	switch {
	case r == 0x00AD: // soft hyphen: width 0 or 1 depending on the terminal
		return true
	case r == 0x180E: // Mongolian vowel separator
		return true
	case r == 0x200B: // zero width space
		return true
	case r >= 0x2060 && r <= 0x2064: // word joiner, invisible math operators
		return true
	case r >= 0x206A && r <= 0x206F: // deprecated format controls (incl. symmetric swapping)
		return true
	case r == 0xFEFF: // BOM / zero width no-break space
		return true
	case r >= 0xFFF9 && r <= 0xFFFB: // interlinear annotation
		return true
	case r >= 0xE0000 && r <= 0xE007F: // tags: invisible ASCII ("ASCII smuggling")
		return true
	case r == 0x115F || r == 0x1160 || r == 0x3164 || r == 0xFFA0: // Hangul fillers: blank, yet a "name"
		return true
	}
	return false
}
