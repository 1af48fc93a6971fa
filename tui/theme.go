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

	Status, StatusApp, StatusDim, ReadOnly, Throttle, Marks draw.Painter
	Flash, FlashErr                                         draw.Painter

	Pane, PaneFocused draw.BoxStyle

	BarKey, BarDesc, BarDisabled, BarWhy draw.Painter
	FootKey, FootDesc                    draw.Painter

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
	// searchBox badges a search box that has the keys; rangeSel paints the
	// rows of a range selection.
	searchBox := s().Background(accent).Foreground(cursorFg).Bold(true)
	rangeSel := s().Background(blurBg).Foreground(mark)
	if noColor {
		cursor = s().Reverse(true)
		cursorBlur = s().Underline(true)
		searchBox = s().Reverse(true).Bold(true)
		rangeSel = s().Bold(true)
	}

	t.Status = draw.P(s().Foreground(text).Background(barBg))
	t.StatusApp = draw.P(s().Foreground(accent).Background(barBg).Bold(true))
	t.StatusDim = draw.P(s().Foreground(muted).Background(barBg))
	t.ReadOnly = draw.P(s().Foreground(c("#FFFFFF", "#0D1117")).Background(warn).Bold(true))
	t.Throttle = draw.P(s().Foreground(warn).Background(barBg))
	t.Marks = draw.P(s().Foreground(mark).Background(barBg).Bold(true))
	t.Flash = draw.P(s().Foreground(ok))
	t.FlashErr = draw.P(s().Foreground(bad).Bold(true))
	if noColor {
		t.ReadOnly = draw.P(s().Reverse(true).Bold(true))
		t.Status, t.StatusApp, t.StatusDim, t.Throttle, t.Marks = draw.P(s()), draw.P(s().Bold(true)), draw.P(s()), draw.P(s()), draw.P(s().Bold(true))
	}

	t.Pane = draw.BoxStyle{Border: lipgloss.RoundedBorder(), Frame: draw.P(s().Foreground(border)),
		Title: draw.P(s().Foreground(muted).Bold(true)), RightStyle: draw.P(s().Foreground(muted))}
	t.PaneFocused = draw.BoxStyle{Border: lipgloss.ThickBorder(), Frame: draw.P(s().Foreground(accent)),
		Title: draw.P(s().Foreground(accent).Bold(true)), RightStyle: draw.P(s().Foreground(muted))}

	t.BarKey = draw.P(s().Foreground(accent).Bold(true))
	t.BarDesc = draw.P(s().Foreground(text))
	t.BarDisabled = draw.P(s().Foreground(muted).Faint(true).Strikethrough(true))
	t.BarWhy = draw.P(s().Foreground(warn))
	t.FootKey = draw.P(s().Foreground(muted).Bold(true))
	t.FootDesc = draw.P(s().Foreground(muted))

	in := input.Styles{Prompt: draw.P(s().Foreground(accent).Bold(true)), Text: draw.P(s().Foreground(text)),
		Placeholder: draw.P(s().Foreground(muted)), Cursor: draw.P(s().Reverse(true))}

	t.Users = users.Styles{
		Row: draw.P(s().Foreground(text)), Cursor: draw.P(cursor), CursorBlurred: draw.P(cursorBlur),
		Marked: draw.P(s().Foreground(mark).Bold(true)), MFAOK: draw.P(s().Foreground(ok)), MFAMissing: draw.P(s().Foreground(bad)),
		Unknown: draw.P(s().Foreground(muted)), Admin: draw.P(s().Foreground(warn).Bold(true)), Disabled: draw.P(s().Foreground(muted).Strikethrough(!noColor)),
		Guest: draw.P(s().Foreground(accent)), UPN: draw.P(s().Foreground(muted)), Muted: draw.P(s().Foreground(muted)),
		Error: draw.P(s().Foreground(bad)), Header: draw.P(s().Foreground(muted).Bold(true)), Input: in,
		SearchActive: draw.P(searchBox),
	}
	t.Methods = methods.Styles{
		Name: draw.P(s().Foreground(text).Bold(true)), Label: draw.P(s().Foreground(muted)), Value: draw.P(s().Foreground(text)),
		OK: draw.P(s().Foreground(ok).Bold(true)), Bad: draw.P(s().Foreground(bad).Bold(true)), Warn: draw.P(s().Foreground(warn)),
		Muted: draw.P(s().Foreground(muted)), Error: draw.P(s().Foreground(bad)), Kind: draw.P(s().Foreground(text)),
		Default: draw.P(s().Foreground(accent).Bold(true)), Cursor: draw.P(cursor), CursorBlurred: draw.P(cursorBlur),
		Header: draw.P(s().Foreground(muted).Bold(true)),
	}
	t.SignIns = signins.Styles{
		Header: draw.P(s().Foreground(muted).Bold(true)), Row: draw.P(s().Foreground(text)), Cursor: draw.P(cursor), CursorBlurred: draw.P(cursorBlur),
		OK: draw.P(s().Foreground(ok)), Bad: draw.P(s().Foreground(bad)), Benign: draw.P(s().Foreground(muted)), Muted: draw.P(s().Foreground(muted)),
		Error: draw.P(s().Foreground(bad)), Label: draw.P(s().Foreground(muted)), Value: draw.P(s().Foreground(text)),
		HintTitle: draw.P(s().Foreground(accent).Bold(true)), Hint: draw.P(s().Foreground(text)),
		SearchActive: draw.P(searchBox), Input: in,
	}
	t.Actions = actions.Styles{
		Border: lipgloss.RoundedBorder(), Frame: draw.P(s().Foreground(accent)), DangerFrame: draw.P(s().Foreground(warn)),
		Title: draw.P(s().Foreground(text).Bold(true)), Text: draw.P(s().Foreground(text)), Muted: draw.P(s().Foreground(muted)),
		OK: draw.P(s().Foreground(ok)), Bad: draw.P(s().Foreground(bad)), Warn: draw.P(s().Foreground(warn)), Hint: draw.P(s().Foreground(text)),
		Section: draw.P(s().Foreground(accent).Bold(true)), Key: draw.P(s().Foreground(accent).Bold(true)),
		KeyDisabled: draw.P(s().Foreground(muted).Strikethrough(true)), Cursor: draw.P(cursor),
		TAP: draw.P(s().Foreground(text).Bold(true)), TAPFrame: draw.P(s().Foreground(ok).Bold(true)),
		Bar: draw.P(s().Foreground(accent)), BarEmpty: draw.P(s().Foreground(border)), Input: in,
	}
	if noColor {
		t.Actions.DangerFrame = draw.P(s().Bold(true))
		t.Actions.TAP = draw.P(s().Bold(true).Reverse(true))
	}
	t.Report = report.Styles{
		Row: draw.P(s().Foreground(text)), Cursor: draw.P(cursor), Header: draw.P(s().Foreground(muted).Bold(true)),
		Muted: draw.P(s().Foreground(muted)), Error: draw.P(s().Foreground(bad)), OK: draw.P(s().Foreground(ok)), Bad: draw.P(s().Foreground(bad)),
		Warn: draw.P(s().Foreground(warn)), Filter: draw.P(s().Foreground(muted)), FilterActive: draw.P(s().Foreground(accent).Bold(true)),
		Count: draw.P(s().Foreground(text)), Marked: draw.P(s().Foreground(mark)),
		CursorBlurred: draw.P(cursorBlur), SearchActive: draw.P(searchBox), Range: draw.P(rangeSel), Input: in,
	}
	return t
}
