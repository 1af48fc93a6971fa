package graph

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Alice Smith", "Alice Smith"},
		{"empty", "", ""},
		{"unicode kept", "Zoë Ångström 山田太郎 Ελένη", "Zoë Ångström 山田太郎 Ελένη"},
		// Joiners: kept between letters, dropped elsewhere (emoji).
		{"emoji zwj dropped", "dev 👩\u200d💻", "dev 👩💻"},
		{"zwnj kept (Persian)", "می\u200cخواهم", "می\u200cخواهم"},
		{"zwj kept (Malayalam chillu)", "ന\u0d4d\u200dര", "ന\u0d4d\u200dര"},
		{"zwj after space dropped", "a \u200db", "a b"},
		{"zwj at the end dropped", "per-user M\u200d", "per-user M"},
		{"doubled joiners keep one", "a\u200d\u200db", "a\u200db"},
		{"skin tone dropped", "👍🏽 ok", "👍 ok"},
		{"vs16 dropped", "❤\ufe0f Menabled", "❤ Menabled"},
		{"family", "👨\u200d👩\u200d👧\u200d👦", "👨👩👧👦"},
		{"hangul filler dropped", "\u3164\uffa0admin", "admin"},
		{"combining kept", "Jose\u0301", "Jose\u0301"},

		// CSI
		{"sgr color", "\x1b[31mred\x1b[0m", "red"},
		{"clear screen", "a\x1b[2J\x1b[Hb", "ab"},
		{"private mode", "x\x1b[?1049hy", "xy"},
		{"csi intermediates", "x\x1b[1 qy", "xy"},
		{"csi cut by control", "x\x1b[12\ny", "x y"},
		{"csi cut by non-ascii", "x\x1b[12éy", "xéy"},
		{"csi unterminated at end", "x\x1b[12", "x"},
		{"8-bit csi (utf-8 encoded)", "a\u009b31mb", "ab"},

		// OSC
		{"osc title bel", "\x1b]0;pwned\x07Mallory", "Mallory"},
		{"osc title st", "\x1b]2;pwned\x1b\\Mallory", "Mallory"},
		{"osc 52 clipboard bel", "Mal\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2gK\x07lory", "Mallory"},
		{"osc 52 clipboard st", "Mal\x1b]52;c;Y3VybA==\x1b\\lory", "Mallory"},
		{"osc 52 8-bit", "Mal\u009d52;c;Y3VybA==\u009clory", "Mallory"},
		{"osc 52 8-bit with bel", "Mal\u009d52;c;Y3VybA==\x07lory", "Mallory"},
		{"osc 8 hyperlink", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"osc unterminated swallows rest", "Mal\x1b]52;c;AAAA lory", "Mal"},
		{"osc cancelled by CAN", "a\x1b]0;x\x18b", "ab"},
		{"osc ended by new escape", "a\x1b]0;x\x1b[31mb", "ab"},

		// DCS / SOS / PM / APC
		{"dcs", "a\x1bP1$r0m\x1b\\b", "ab"},
		{"dcs decrqss 8-bit", "a\u0090q#0;2;0;0;0\u009cb", "ab"},
		{"apc", "a\x1b_Gf=100;AAAA\x1b\\b", "ab"},
		{"apc 8-bit", "a\u009fpayload\u009cb", "ab"},
		{"pm", "a\x1b^secret\x1b\\b", "ab"},
		{"sos", "a\x1bXsecret\x1b\\b", "ab"},

		// other escapes
		{"reset terminal", "a\x1bcb", "ab"},
		{"save cursor", "a\x1b7b\x1b8c", "abc"},
		{"charset designation", "a\x1b(0qqq\x1b(Bb", "aqqqb"},
		{"decaln", "a\x1b#8b", "ab"},
		{"lone esc at end", "abc\x1b", "abc"},
		{"lone esc before space", "a\x1b b", "a"},
		{"lone esc before utf-8", "a\x1bé", "aé"},
		{"esc esc", "a\x1b\x1b[31mb", "ab"},

		// C0 / C1 controls
		{"tab newline cr", "a\tb\nc\rd", "a b c d"},
		{"bell backspace", "a\x07b\x08c", "abc"},
		{"del", "a\x7fb", "ab"},
		{"nul", "a\x00b", "ab"},
		{"nel becomes space", "a\u0085b", "a b"},
		{"other c1 dropped", "a\u0084b\u0080c", "abc"},
		{"line separator", "a\u2028b\u2029c", "a b c"},

		// bidi
		{"rlo", "\u202Eexe.txt", "exe.txt"},
		{"isolates", "a\u2066b\u2069c\u2067d\u2068e", "abcde"},
		{"marks", "a\u200eb\u200fc\u061cd", "abcd"},

		// invisible
		{"zwsp", "ad\u200bmin", "admin"},
		{"bom", "\ufeffalice", "alice"},
		{"soft hyphen", "ali\u00adce", "alice"},
		{"word joiner", "a\u2060b", "ab"},
		{"tags", "hi\U000E0041\U000E0042", "hi"},

		// invalid UTF-8 and zalgo
		{"invalid utf-8", "a\xffb\xc3", "a\ufffdb\ufffd"},
		{"raw 8-bit csi byte", "a\x9b31mb", "a\ufffd31mb"},
		{"zalgo capped", "Z\u0301\u0302\u0303\u0304\u0305\u0306\u0307o", "Z\u0301\u0302\u0303\u0304o"},
		{"zalgo cap not reset by dropped", "Z\u0301\u0302\u200b\u0303\u0304\u0305o", "Z\u0301\u0302\u0303\u0304o"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CleanText(tt.in)
			if got != tt.want {
				t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.want)
			}
			checkClean(t, tt.in, got)
		})
	}
}

// Mallory is the fake tenant's hostile persona; these are the kinds of
// values a directory can really hold.
func TestCleanTextHostileDirectoryValues(t *testing.T) {
	for _, in := range []string{
		"Mallory \x1b]52;c;cm0gLXJmIH4K\x07Evil",
		"Mallory\x1b[2J\x1b[H\x1b]0;owned\x1b\\",
		"Mallory \u202Egnp.exe",
		"CEO\x1b[8m hidden \x1b[28m",
		"\x1bP+q544e\x1b\\\x1b[5n",    // terminal queries whose answers become input
		"\x1b[21t\x1b]10;?\x07\x1b[c", // report title / colour / device attributes
	} {
		out := CleanText(in)
		checkClean(t, in, out)
		if ansi.StringWidth(out) != ansi.StringWidth(ansi.Strip(out)) || ansi.Strip(out) != out {
			t.Errorf("CleanText(%q) = %q still parses as containing escape codes", in, out)
		}
	}
}

// checkClean asserts the properties every CleanText result has.
func checkClean(t *testing.T, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Errorf("CleanText(%q) = %q: invalid UTF-8", in, out)
	}
	for _, r := range out {
		switch {
		case r < 0x20 || (r >= 0x7f && r <= 0x9f):
			t.Errorf("CleanText(%q) = %q: contains control %U", in, out, r)
		case isBidiControl(r):
			t.Errorf("CleanText(%q) = %q: contains bidi control %U", in, out, r)
		case isInvisible(r):
			t.Errorf("CleanText(%q) = %q: contains invisible %U", in, out, r)
		case r == 0x2028 || r == 0x2029:
			t.Errorf("CleanText(%q) = %q: contains line separator %U", in, out, r)
		}
	}
	if again := CleanText(out); again != out {
		t.Errorf("not idempotent: CleanText(%q) = %q, again %q", in, out, again)
	}
	marks := 0
	for _, r := range out {
		if unicode.In(r, unicode.Mn, unicode.Me) {
			marks++
			if marks > maxMarks {
				t.Errorf("CleanText(%q) = %q: more than %d combining marks in a row", in, out, maxMarks)
				break
			}
		} else {
			marks = 0
		}
	}
}

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{
		"Alice", "\x1b[31mx", "\x1b]52;c;QUJD\x07", "\x1b]52;c;QUJD\x1b\\", "\u009d52;c;x\u009c",
		"\x1bP1$r\x1b\\", "\x1b_G\x1b\\", "\u202Egnp", "a\u200bb", "\xff\xfe", "\x1b", "\x1b[",
		"\x1b]", "e\u0301\u0301\u0301\u0301\u0301", "👩\u200d💻", "\x9b2J", "a\u200d\u200db", "👍🏽\ufe0f",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := CleanText(in)
		checkClean(t, in, out)
		if strings.ContainsRune(out, 0x1b) {
			t.Fatalf("ESC survived in %q", out)
		}
		if ansi.Strip(out) != out {
			t.Fatalf("CleanText(%q) = %q: x/ansi still finds escape codes", in, out)
		}
		if utf8.ValidString(in) && isPlain(in) && out != in {
			t.Fatalf("printable ASCII changed: %q -> %q", in, out)
		}
	})
}

func BenchmarkCleanText(b *testing.B) {
	plain := "Alice Smith (Contoso, Finance)"
	hostile := "Mallory \x1b]52;c;Y3VybCBldmlsLnNoIHwgc2gK\x07\u202Eevil\x1b[31m Ångström"
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			CleanText(plain)
		}
	})
	b.Run("hostile", func(b *testing.B) {
		for b.Loop() {
			CleanText(hostile)
		}
	})
}

// The joiner rule (clean.go): what CleanText leaves of emoji is as wide
// when a terminal counts code points (tmux, wcwidth) as when it counts
// grapheme clusters (the app's layout), so a row never draws wider than
// measured and leaves stale cells behind (issue 15.9).
func TestCleanTextEmojiWidthAgrees(t *testing.T) {
	for _, s := range []string{
		"👩\u200d💻", "👨\u200d👩\u200d👧\u200d👦", "🏳\ufe0f\u200d🌈", "❤\ufe0f", "☺\ufe0f", "1\ufe0f\u20e3",
		"👍🏽", "🧑🏿\u200d🚀", "🇺🇸", "per-user M\u200d\u200denabled", "Zoë 山田 👩\u200d💻 ok",
		"🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
	} {
		c := CleanText(s)
		if g, w := ansi.StringWidth(c), ansi.StringWidthWc(c); g != w {
			t.Errorf("CleanText(%q) = %q: %d columns by grapheme, %d by code point", s, c, g, w)
		}
	}
}
