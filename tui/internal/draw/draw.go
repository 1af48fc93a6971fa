// Package draw holds the few width-safe drawing helpers every pane shares:
// fitting text to a number of terminal cells, bordered boxes with a title,
// simple tables and overlays. Widths are display cells (wide and combining
// characters counted as the terminal draws them), never bytes or runes.
package draw

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Width is the number of terminal cells s occupies (escape sequences ignored).
func Width(s string) int {
	if w, ok := fastWidth(s); ok {
		return w
	}
	return ansi.StringWidth(s)
}

// Trunc cuts s to at most w cells, ending in "…" when something was cut.
func Trunc(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if Width(s) <= w {
		return s
	}
	return truncate(s, w, "…")
}

// Fit makes s exactly w cells wide: cut with "…" or padded with spaces.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := Width(s)
	if sw == w {
		return s
	}
	if sw > w {
		s = truncate(s, w, "…")
		sw = Width(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
		// Widths are not always additive: a prepended mark (U+0600..0605)
		// joins the space after it into one cluster. Measure again.
		for i := 0; i < 4; i++ {
			got := Width(s)
			if got == w {
				break
			}
			if got > w {
				return truncate(s, w, "")
			}
			s += strings.Repeat(" ", w-got)
		}
	}
	return s
}

// FitRight is Fit with the padding on the left (numbers, counts).
func FitRight(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := Width(s)
	if sw > w {
		return truncate(s, w, "…")
	}
	return strings.Repeat(" ", w-sw) + s
}

// Center pads s on both sides to w cells.
func Center(s string, w int) string {
	sw := Width(s)
	if sw >= w {
		return Trunc(s, w)
	}
	left := (w - sw) / 2
	return strings.Repeat(" ", left) + s + strings.Repeat(" ", w-sw-left)
}

// Wrap breaks plain text into lines of at most w cells at word boundaries.
func Wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	if s == "" {
		return []string{""}
	}
	wrapped := ansi.Wrap(s, w, "")
	return strings.Split(wrapped, "\n")
}

// BoxStyle is how a Box draws its frame.
type BoxStyle struct {
	Border lipgloss.Border
	Frame  Painter // applied to border runes
	Title  Painter // applied to the title text
	// Right is optional text drawn at the right of the top border (counts).
	RightStyle Painter
}

// Box draws a w x h frame with title (and right) in its top border and the
// given content lines inside, each fitted to the inner width. Lines beyond
// the inner height are dropped; missing ones are blank. It returns h lines.
func Box(st BoxStyle, title, right string, content []string, w, h int) []string {
	if w < 2 || h < 2 {
		return blank(w, h)
	}
	b := st.Border
	inner := w - 2
	out := make([]string, 0, h)

	// Top border: ╭─ Title ─────── right ─╮
	var top strings.Builder
	top.WriteString(st.Frame.Render(b.TopLeft))
	used := 0
	if title != "" && inner >= 4 {
		t := Trunc(title, inner-3) // "─ " + title + " "
		top.WriteString(st.Frame.Render(b.Top))
		top.WriteString(st.Title.Render(" " + t + " "))
		used = 1 + Width(t) + 2
	}
	r := ""
	if right != "" && inner-used >= Width(right)+4 {
		r = right
	}
	fill := inner - used
	if r != "" {
		fill -= Width(r) + 3
	}
	if fill > 0 {
		top.WriteString(st.Frame.Render(strings.Repeat(b.Top, fill)))
	}
	if r != "" {
		top.WriteString(st.RightStyle.Render(" " + r + " "))
		top.WriteString(st.Frame.Render(b.Top))
	}
	top.WriteString(st.Frame.Render(b.TopRight))
	out = append(out, top.String())

	left := st.Frame.Render(b.Left)
	rightB := st.Frame.Render(b.Right)
	for i := 0; i < h-2; i++ {
		line := ""
		if i < len(content) {
			line = content[i]
		}
		out = append(out, left+Fit(line, inner)+rightB)
	}
	out = append(out, st.Frame.Render(b.BottomLeft+strings.Repeat(b.Bottom, inner)+b.BottomRight))
	return out
}

func blank(w, h int) []string {
	if h <= 0 {
		return nil
	}
	out := make([]string, h)
	for i := range out {
		out[i] = strings.Repeat(" ", max(w, 0))
	}
	return out
}

// Blank returns h lines of w spaces.
func Blank(w, h int) []string { return blank(w, h) }

// SideBySide joins two blocks of lines horizontally; both must already be
// fitted to their widths. The result has max(len(a), len(b)) lines.
func SideBySide(a []string, aw int, b []string, bw int) []string {
	n := max(len(a), len(b))
	out := make([]string, n)
	for i := 0; i < n; i++ {
		l, r := strings.Repeat(" ", aw), strings.Repeat(" ", bw)
		if i < len(a) {
			l = a[i]
		}
		if i < len(b) {
			r = b[i]
		}
		out[i] = l + r
	}
	return out
}

// Overlay draws box over base with its top-left corner at (x, y). base lines
// are assumed to be full-width; the parts left and right of the box are kept.
func Overlay(base []string, box []string, x, y int) []string {
	out := make([]string, len(base))
	copy(out, base)
	for i, bl := range box {
		row := y + i
		if row < 0 || row >= len(out) {
			continue
		}
		line := out[row]
		bw := Width(bl)
		left := truncate(line, x, "")
		if lw := Width(left); lw < x {
			left += strings.Repeat(" ", x-lw)
		}
		right := truncateLeft(line, x+bw, "")
		// Reset attributes at the seams so the box never inherits or leaks
		// a style into the base line.
		out[row] = left + "\x1b[m" + bl + "\x1b[m" + right
	}
	return out
}

// Column is one table column: a header, a width, and alignment.
type Column struct {
	Title string
	Width int
	Right bool
}

// Row joins cells fitted to their columns with one space between them.
func Row(cols []Column, cells []string) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteByte(' ')
		}
		v := ""
		if i < len(cells) {
			v = cells[i]
		}
		if c.Right {
			b.WriteString(FitRight(v, c.Width))
		} else {
			b.WriteString(Fit(v, c.Width))
		}
	}
	return b.String()
}

// Header is Row for the column titles.
func Header(cols []Column) string {
	titles := make([]string, len(cols))
	for i, c := range cols {
		titles[i] = c.Title
	}
	return Row(cols, titles)
}

// Kept maps the columns Layout kept back to their indexes in all (the
// columns Layout was given), so rows can pick their cells.
func Kept(all, kept []Column) []int {
	out := make([]int, 0, len(kept))
	j := 0
	for i, c := range all {
		if j < len(kept) && kept[j].Title == c.Title {
			out = append(out, i)
			j++
		}
	}
	return out
}

// Layout picks, from columns in priority order, as many as fit in w cells
// (stopping at the first that does not)
// (one space between columns) and gives the space left to the column flex
// (an index into cols), or to the last chosen column when flex did not fit.
// Columns keep their original order in the result.
func Layout(cols []Column, prio []int, flex int, w int) []Column {
	chosen := make([]bool, len(cols))
	used := -1
	for _, i := range prio {
		need := cols[i].Width + 1
		if used+need > w {
			break // a lower priority never displaces a higher one
		}
		chosen[i] = true
		used += need
	}
	var out []Column
	flexAt := -1
	for i, c := range cols {
		if chosen[i] {
			if i == flex {
				flexAt = len(out)
			}
			out = append(out, c)
		}
	}
	if flexAt < 0 {
		flexAt = len(out) - 1 // the flexible column did not fit: widen the last
	}
	if flexAt >= 0 && used < w {
		out[flexAt].Width += w - used
	}
	return out
}

// Scroll returns the first visible index so cursor stays within a window of
// height rows, given the previous offset.
func Scroll(cursor, offset, height, total int) int {
	if height <= 0 {
		return 0
	}
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+height {
		offset = cursor - height + 1
	}
	if offset > total-height {
		offset = total - height
	}
	if offset < 0 {
		offset = 0
	}
	return offset
}

// Clamp keeps v in [lo, hi].
func Clamp(v, lo, hi int) int {
	if hi < lo {
		return lo
	}
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// Pack lays segments out on as few lines of at most w cells as it can,
// separated by sep; a segment wider than w is cut.
func Pack(segments []string, sep string, w int) []string {
	var lines []string
	cur, curW := "", 0
	sepW := Width(sep)
	for _, s := range segments {
		if s == "" {
			continue
		}
		sw := Width(s)
		if curW > 0 && curW+sepW+sw <= w {
			cur += sep + s
			curW += sepW + sw
			continue
		}
		if curW > 0 {
			lines = append(lines, cur)
		}
		cur, curW = Trunc(s, w), min(sw, w)
	}
	if curW > 0 {
		lines = append(lines, cur)
	}
	return lines
}

// Ago says how long before now t was, briefly: "5m ago", "3h ago", "2d ago".
func Ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < 0:
		return "in " + Until(now, t)
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	default:
		return fmt.Sprintf("%dd ago", int(d.Hours()/24))
	}
}

// Until says how long from now until t: "45m", "7h", "3d".
func Until(now, t time.Time) string {
	d := t.Sub(now)
	switch {
	case d < time.Minute:
		return "<1m"
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 2*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	default:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	}
}

// Painter draws text in one style. It is a lipgloss style compiled once to
// its escape sequences: Style.Render re-derives them on every call, which
// dominated the frame time with thousands of rows loaded. Only colours and
// attributes survive compiling (no padding, width or borders), which is
// all the panes use.
type Painter struct{ pre, post string }

// P compiles st.
func P(st lipgloss.Style) Painter {
	out := st.Render("\x00")
	i := strings.IndexByte(out, 0)
	if i < 0 {
		return Painter{}
	}
	return Painter{pre: out[:i], post: out[i+1:]}
}

// Render paints the strings joined (the same signature as lipgloss's).
func (p Painter) Render(strs ...string) string {
	s := strings.Join(strs, "")
	if p.pre == "" || s == "" {
		return s
	}
	return p.pre + s + p.post
}

// FitW is Fit for a string whose width sw is already known.
func FitW(s string, sw, w int) string {
	if w <= 0 {
		return ""
	}
	if sw == w {
		return s
	}
	if sw < w && !endsInPrepend(s) {
		return s + strings.Repeat(" ", w-sw)
	}
	return Fit(s, w)
}

// endsInPrepend reports a last rune of the grapheme class Prepend, which
// joins the padding after it (so widths stop adding up).
func endsInPrepend(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	switch {
	case r >= 0x0600 && r <= 0x0605, r == 0x06DD, r == 0x070F, r == 0x0890, r == 0x0891, r == 0x08E2,
		r == 0x110BD, r == 0x110CD, r >= 0x111C2 && r <= 0x111C3, r == 0x113D1, r == 0x1193F, r == 0x11941,
		r == 0x11A3A, r >= 0x11A84 && r <= 0x11A89, r == 0x11D46, r == 0x11F02, r == 0x0D4E:
		return true
	}
	return false
}

// RowW is Row with the cells' widths known (-1: measure).
func RowW(cols []Column, cells []string, widths []int) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteByte(' ')
		}
		v, sw := "", 0
		if i < len(cells) {
			v, sw = cells[i], widths[i]
		}
		if sw < 0 {
			sw = Width(v)
		}
		switch {
		case c.Right && sw <= c.Width:
			b.WriteString(strings.Repeat(" ", c.Width-sw) + v)
		case c.Right:
			b.WriteString(FitRight(v, c.Width))
		default:
			b.WriteString(FitW(v, sw, c.Width))
		}
	}
	return b.String()
}
