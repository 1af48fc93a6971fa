package draw

import (
	"strings"
	"testing"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

func TestFitAndTrunc(t *testing.T) {
	cases := []struct {
		in   string
		w    int
		want string
	}{
		{"abc", 5, "abc  "},
		{"abcdef", 4, "abc…"},
		{"", 3, "   "},
		{"名前です", 5, "名前…"}, // wide: 2 cells each
		{"名前です", 4, "名… "}, // the cut never splits a wide character
		{"e\u0301e\u0301", 2, "e\u0301e\u0301"},
		{"abc", 0, ""},
	}
	for _, c := range cases {
		got := Fit(c.in, c.w)
		if got != c.want {
			t.Errorf("Fit(%q, %d) = %q, want %q", c.in, c.w, got, c.want)
		}
		if w := ansi.StringWidth(got); w != c.w {
			t.Errorf("Fit(%q, %d) is %d wide", c.in, c.w, w)
		}
	}
	if got := Trunc("hello", 3); got != "he…" {
		t.Errorf("Trunc = %q", got)
	}
	if got := FitRight("42", 5); got != "   42" {
		t.Errorf("FitRight = %q", got)
	}
}

func TestBoxIsExactlyItsSize(t *testing.T) {
	st := BoxStyle{Border: lipgloss.RoundedBorder(), Frame: P(lipgloss.NewStyle().Foreground(lipgloss.Color("#ff0000")))}
	for _, w := range []int{2, 3, 10, 40} {
		for _, h := range []int{2, 3, 8} {
			lines := Box(st, "A long title that will not fit", "12 of 300", []string{"名前 wide", "x\x1b[1mbold\x1b[m"}, w, h)
			if len(lines) != h {
				t.Fatalf("%dx%d: %d lines", w, h, len(lines))
			}
			for i, l := range lines {
				if ansi.StringWidth(l) != w {
					t.Fatalf("%dx%d: line %d is %d wide: %q", w, h, i, ansi.StringWidth(l), l)
				}
			}
		}
	}
}

func TestOverlayKeepsWidths(t *testing.T) {
	base := []string{strings.Repeat("名", 10), strings.Repeat("a", 20), "\x1b[31m" + strings.Repeat("b", 20) + "\x1b[m"}
	out := Overlay(base, []string{"XXXXX", "YYYYY"}, 3, 1)
	for i, l := range out {
		if ansi.StringWidth(l) != 20 {
			t.Fatalf("line %d is %d wide: %q", i, ansi.StringWidth(l), l)
		}
	}
	if !strings.Contains(ansi.Strip(out[1]), "aaaXXXXXaaaaaaaaaaaa") {
		t.Fatalf("overlay misplaced: %q", ansi.Strip(out[1]))
	}
	// A box edge falling in the middle of a wide character pads, not breaks.
	out = Overlay(base, []string{"Z"}, 3, 0)
	if ansi.StringWidth(out[0]) != 20 {
		t.Fatalf("wide split: %d wide", ansi.StringWidth(out[0]))
	}
}

func TestLayoutFillsTheWidth(t *testing.T) {
	cols := []Column{{Title: "a", Width: 5}, {Title: "b", Width: 10}, {Title: "c", Width: 8}}
	got := Layout(cols, []int{0, 2, 1}, 1, 20)
	// b (priority last) does not fit; c is widened since b was the flex.
	if len(got) != 2 || got[0].Title != "a" || got[1].Title != "c" || got[0].Width+got[1].Width+1 != 20 {
		t.Fatalf("layout %+v", got)
	}
	// A column that does not fit is not skipped for a narrower one after it.
	got = Layout(cols, []int{0, 1, 2}, 2, 15)
	if len(got) != 1 || got[0].Title != "a" || got[0].Width != 15 {
		t.Fatalf("layout %+v", got)
	}
	got = Layout(cols, []int{0, 1, 2}, 1, 40)
	if total := got[0].Width + got[1].Width + got[2].Width + 2; total != 40 || got[1].Width != 10+15 {
		t.Fatalf("layout %+v", got)
	}
}

func TestPack(t *testing.T) {
	got := Pack([]string{"one", "two", "three", "", "four"}, " · ", 12)
	want := []string{"one · two", "three · four"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("Pack = %q", got)
	}
}

func TestPainterMatchesLipgloss(t *testing.T) {
	st := lipgloss.NewStyle().Foreground(lipgloss.Color("#5fd75f")).Bold(true)
	if got, want := P(st).Render("hello"), st.Render("hello"); got != want {
		t.Fatalf("Painter %q, lipgloss %q", got, want)
	}
	if P(lipgloss.NewStyle()).Render("x") != "x" {
		t.Fatal("plain style added sequences")
	}
}

// FuzzFit: whatever the text (wide, combining, escape sequences, invalid
// UTF-8), Fit yields exactly w cells.
func FuzzFit(f *testing.F) {
	for _, s := range []string{"abc", "名前", "e\u0301", "\x1b[31mred\x1b[m", "\xff\xfe", "👩‍💻 dev", "a\tb"} {
		f.Add(s, 7)
	}
	f.Fuzz(func(t *testing.T, s string, w int) {
		if w < 0 || w > 300 || !utf8.ValidString(s) || strings.ContainsAny(s, "\t\n\r") {
			return
		}
		s = ansi.Strip(s)
		got := Fit(s, w)
		if ansi.StringWidth(got) != w {
			t.Fatalf("Fit(%q, %d) is %d wide", s, w, ansi.StringWidth(got))
		}
	})
}
