package draw

import (
	"strings"
	"testing"
)

func TestScreenKeepsColourDropsTheRest(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain\nlines", "plain\nlines"},
		{"\x1b[1;38;2;255:0:0mred\x1b[m", "\x1b[1;38;2;255:0:0mred\x1b[m"},
		{"a\x1b]52;c;ZXZpbA==\x07b", "ab"},        // clipboard write
		{"a\x1b]0;title\x1b\\b", "ab"},            // window title, ST-ended
		{"a\x1b[2Jb\x1b[Hc", "abc"},               // clear screen, cursor home
		{"a\x1bcb", "ab"},                         // full reset
		{"a\x1b(0b", "ab"},                        // charset switch (nF)
		{"a\u009b31mb", "a31mb"},                  // 8-bit CSI
		{"a\u202eevil\u202c", "aevil"},            // bidi override
		{"tab\there\r\x07", "tab here"},           // tab, CR, BEL
		{"bad \xff utf8", "bad \uFFFD utf8"},      // invalid UTF-8
		{"a\x1b]8;;https://x\x1b\\link", "alink"}, // hyperlink
		{"unterminated \x1b]52;c;AAAA", "unterminated "},
		{"ünïcödé ✓ ⊘ 👩", "ünïcödé ✓ ⊘ 👩"},
	} {
		if got := Screen(c.in); got != c.want {
			t.Errorf("Screen(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// A safe frame is returned as it is (no copy: the common case is free).
func TestScreenSafeFrameUnchanged(t *testing.T) {
	f := strings.Repeat("\x1b[38;5;12m│ alice@contoso.com  ✓ Authenticator\x1b[m\n", 40)
	if firstUnsafe(f) != -1 || Screen(f) != f {
		t.Fatal("a safe frame was changed")
	}
}

func FuzzScreen(f *testing.F) {
	for _, s := range []string{"a\x1b[31mb", "\x1b]52;c;x\x07", "\u009b2J", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Screen(s)
		if firstUnsafe(out) != -1 {
			t.Fatalf("Screen(%q) = %q still unsafe", s, out)
		}
		if Screen(out) != out {
			t.Fatalf("not idempotent on %q", s)
		}
	})
}

func BenchmarkScreen(b *testing.B) {
	f := strings.Repeat("\x1b[38;5;12m│ alice@contoso.com  ✓ Authenticator  Microsoft Authenticator · iPhone 15\x1b[m\n", 40)
	b.SetBytes(int64(len(f)))
	for b.Loop() {
		_ = Screen(f)
	}
}
