package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"

	"github.com/mfadesk/mfadesk/tui/actions"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
	"github.com/mfadesk/mfadesk/tui/internal/input"
	"github.com/mfadesk/mfadesk/tui/methods"
	"github.com/mfadesk/mfadesk/tui/report"
	"github.com/mfadesk/mfadesk/tui/signins"
	"github.com/mfadesk/mfadesk/tui/users"
)

// Theme is every style the TUI draws with, in one place. Panes declare the
// styles they need (users.Styles, ...) and get them from here.
//
// Nothing depends on colour alone: the focused pane has a heavy border,
// the cursor row is reversed when colour is off, marks are glyphs. With
// NO_COLOR set no colour is used at all; otherwise colours follow the
// terminal's background (light or dark) once it answers.
type Theme struct {
	Dark, NoColor bool

	Status, StatusApp, StatusDim, ReadOnly, Throttle, Marks lipgloss.Style
	Flash, FlashErr                                         lipgloss.Style

	Pane, PaneFocused draw.BoxStyle

	BarKey, BarDesc, BarDisabled, BarWhy lipgloss.Style
	FootKey, FootDesc                    lipgloss.Style

	Users   users.Styles
	Methods methods.Styles
	SignIns signins.Styles
	Actions actions.Styles
	Report  report.Styles
}

// NewTheme builds the theme for a dark or light background; noColor drops
// every colour (NO_COLOR).
func NewTheme(dark, noColor bool) Theme {
	ld := lipgloss.LightDark(dark)
	c := func(light, dark string) color.Color {
		if noColor {
			return lipgloss.NoColor{}
		}
		return ld(lipgloss.Color(light), lipgloss.Color(dark))
	}
	// Colours are exact xterm-256 palette entries, so a terminal without
	// true colour shows the same hues rather than the nearest surprise.
	var (
		accent   = c("#5f00d7", "#af87ff")
		ok       = c("#008700", "#5fd75f")
		bad      = c("#d70000", "#ff5f5f")
		warn     = c("#af5f00", "#ffaf00")
		muted    = c("#6c6c6c", "#8a8a8a")
		text     = c("#1c1c1c", "#e4e4e4")
		border   = c("#b2b2b2", "#4e4e4e")
		cursorBg = c("#d7d7ff", "#5f00af")
		cursorFg = c("#1c1c1c", "#ffffff")
		blurBg   = c("#e4e4e4", "#3a3a3a")
		barBg    = c("#eeeeee", "#1c1c1c")
		mark     = c("#af005f", "#ff87d7")
	)
	s := lipgloss.NewStyle
	t := Theme{Dark: dark, NoColor: noColor}

	cursor := s().Background(cursorBg).Foreground(cursorFg).Bold(true)
	cursorBlur := s().Background(blurBg).Foreground(text)
	if noColor {
		cursor = s().Reverse(true)
		cursorBlur = s().Underline(true)
	}

	t.Status = s().Foreground(text).Background(barBg)
	t.StatusApp = s().Foreground(accent).Background(barBg).Bold(true)
	t.StatusDim = s().Foreground(muted).Background(barBg)
	t.ReadOnly = s().Foreground(c("#FFFFFF", "#0D1117")).Background(warn).Bold(true)
	t.Throttle = s().Foreground(warn).Background(barBg)
	t.Marks = s().Foreground(mark).Background(barBg).Bold(true)
	t.Flash = s().Foreground(ok)
	t.FlashErr = s().Foreground(bad).Bold(true)
	if noColor {
		t.ReadOnly = s().Reverse(true).Bold(true)
		t.Status, t.StatusApp, t.StatusDim, t.Throttle, t.Marks = s(), s().Bold(true), s(), s(), s().Bold(true)
	}

	t.Pane = draw.BoxStyle{Border: lipgloss.RoundedBorder(), Frame: s().Foreground(border),
		Title: s().Foreground(muted).Bold(true), RightStyle: s().Foreground(muted)}
	t.PaneFocused = draw.BoxStyle{Border: lipgloss.ThickBorder(), Frame: s().Foreground(accent),
		Title: s().Foreground(accent).Bold(true), RightStyle: s().Foreground(muted)}

	t.BarKey = s().Foreground(accent).Bold(true)
	t.BarDesc = s().Foreground(text)
	t.BarDisabled = s().Foreground(muted).Faint(true).Strikethrough(true)
	t.BarWhy = s().Foreground(warn)
	t.FootKey = s().Foreground(muted).Bold(true)
	t.FootDesc = s().Foreground(muted)

	in := input.Styles{Prompt: s().Foreground(accent).Bold(true), Text: s().Foreground(text),
		Placeholder: s().Foreground(muted), Cursor: s().Reverse(true)}

	t.Users = users.Styles{
		Row: s().Foreground(text), Cursor: cursor, CursorBlurred: cursorBlur,
		Marked: s().Foreground(mark).Bold(true), MFAOK: s().Foreground(ok), MFAMissing: s().Foreground(bad),
		Unknown: s().Foreground(muted), Admin: s().Foreground(warn).Bold(true), Disabled: s().Foreground(muted).Strikethrough(!noColor),
		Guest: s().Foreground(accent), UPN: s().Foreground(muted), Muted: s().Foreground(muted),
		Error: s().Foreground(bad), Header: s().Foreground(muted).Bold(true), Input: in,
	}
	t.Methods = methods.Styles{
		Name: s().Foreground(text).Bold(true), Label: s().Foreground(muted), Value: s().Foreground(text),
		OK: s().Foreground(ok).Bold(true), Bad: s().Foreground(bad).Bold(true), Warn: s().Foreground(warn),
		Muted: s().Foreground(muted), Error: s().Foreground(bad), Kind: s().Foreground(text),
		Default: s().Foreground(accent).Bold(true), Cursor: cursor, CursorBlurred: cursorBlur,
		Header: s().Foreground(muted).Bold(true),
	}
	t.SignIns = signins.Styles{
		Header: s().Foreground(muted).Bold(true), Row: s().Foreground(text), Cursor: cursor, CursorBlurred: cursorBlur,
		OK: s().Foreground(ok), Bad: s().Foreground(bad), Benign: s().Foreground(muted), Muted: s().Foreground(muted),
		Error: s().Foreground(bad), Label: s().Foreground(muted), Value: s().Foreground(text),
		HintTitle: s().Foreground(accent).Bold(true), Hint: s().Foreground(text),
	}
	t.Actions = actions.Styles{
		Border: lipgloss.RoundedBorder(), Frame: s().Foreground(accent), DangerFrame: s().Foreground(warn),
		Title: s().Foreground(text).Bold(true), Text: s().Foreground(text), Muted: s().Foreground(muted),
		OK: s().Foreground(ok), Bad: s().Foreground(bad), Warn: s().Foreground(warn), Hint: s().Foreground(text),
		Section: s().Foreground(accent).Bold(true), Key: s().Foreground(accent).Bold(true),
		KeyDisabled: s().Foreground(muted).Strikethrough(true), Cursor: cursor,
		TAP: s().Foreground(text).Bold(true), TAPFrame: s().Foreground(ok).Bold(true),
		Bar: s().Foreground(accent), BarEmpty: s().Foreground(border), Input: in,
	}
	if noColor {
		t.Actions.DangerFrame = s().Bold(true)
		t.Actions.TAP = s().Bold(true).Reverse(true)
	}
	t.Report = report.Styles{
		Row: s().Foreground(text), Cursor: cursor, Header: s().Foreground(muted).Bold(true),
		Muted: s().Foreground(muted), Error: s().Foreground(bad), OK: s().Foreground(ok), Bad: s().Foreground(bad),
		Warn: s().Foreground(warn), Filter: s().Foreground(muted), FilterActive: s().Foreground(accent).Bold(true),
		Count: s().Foreground(text), Marked: s().Foreground(mark),
	}
	return t
}
