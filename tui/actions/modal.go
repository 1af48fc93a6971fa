package actions

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/mfadesk/mfadesk/tui/internal/draw"
	"github.com/mfadesk/mfadesk/tui/internal/input"
)

// Styles is what the modals draw with (filled by tui/theme.go).
type Styles struct {
	Border                           lipgloss.Border
	Frame, DangerFrame, Title        draw.Painter
	Text, Muted, OK, Bad, Warn, Hint draw.Painter
	Section, Key, KeyDisabled        draw.Painter
	Cursor, TAP, TAPFrame            draw.Painter
	Bar, BarEmpty                    draw.Painter
	Input                            input.Styles
}

// Modal is a dialog drawn over the main view. It receives every key while
// open. Update answers at once (not through a command, so a key typed
// right after never reaches a dialog that already closed): nil while it
// stays open, or one of the answers below.
type Modal interface {
	Update(msg tea.Msg) (answer tea.Msg, cmd tea.Cmd)
	// View draws the whole dialog (frame included) in at most w x h cells.
	View(st Styles, w, h int) []string
}

// Answers a modal gives the root model. ID is the modal's id, so the
// root knows which pending action or question is answered.
type (
	CloseMsg struct{ ID int }
	// ConfirmedMsg is a confirmation's yes. Only Confirm makes one that
	// is Deliberate (ctrl+y after the arm delay): the root runs no change
	// on any other.
	ConfirmedMsg struct {
		ID         int
		Op         Op // the operation as finally configured in the dialog
		deliberate bool
	}
	ChoiceMsg struct {
		ID    int
		Value string
	}
	PromptMsg struct {
		ID    int
		Value string
	}
)

// Deliberate reports the answer came from a confirmation's ctrl+y (not
// a ConfirmedMsg made anywhere else).
func (m ConfirmedMsg) Deliberate() bool { return m.deliberate }

// KeyHelp is one "key description" pair in a modal's footer.
type KeyHelp struct{ Key, Desc string }

func footer(st Styles, keys []KeyHelp, w int) string {
	var parts []string
	for _, k := range keys {
		parts = append(parts, st.Key.Render(k.Key)+" "+st.Muted.Render(k.Desc))
	}
	return draw.Trunc(strings.Join(parts, st.Muted.Render(" · ")), w)
}

// frame draws a dialog: title in the border, body lines (scrolled from
// offset when they do not fit), a blank line and the footer. It returns
// the lines and the body height it had room for.
func frame(st Styles, danger bool, title string, body []string, foot string, offset, w, h int) ([]string, int) {
	return framePinned(st, danger, title, body, nil, foot, offset, w, h)
}

// framePinned is frame with lines pinned below the scrolling body (a typed
// confirmation, a refusal note): what the user must act on never scrolls
// out of view, however long the plan.
func framePinned(st Styles, danger bool, title string, body, pinned []string, foot string, offset, w, h int) ([]string, int) {
	inner := w - 4 // border + one space of padding each side
	fs := st.Frame
	if danger {
		fs = st.DangerFrame
	}
	bodyH := min(len(body), max(h-4-len(pinned), 1))
	offset = draw.Clamp(offset, 0, max(len(body)-bodyH, 0))
	content := make([]string, 0, bodyH+len(pinned)+2)
	for _, l := range body[offset : offset+bodyH] {
		content = append(content, " "+draw.Fit(l, inner)+" ")
	}
	for _, l := range pinned {
		content = append(content, " "+draw.Fit(l, inner)+" ")
	}
	right := ""
	if len(body) > bodyH {
		right = scrollNote(offset, bodyH, len(body))
	}
	if foot != "" {
		content = append(content, "", " "+draw.Fit(foot, inner)+" ")
	}
	box := draw.Box(draw.BoxStyle{Border: st.Border, Frame: fs, Title: st.Title, RightStyle: st.Muted},
		title, right, content, w, len(content)+2)
	return box, bodyH
}

func scrollNote(offset, h, total int) string {
	switch {
	case offset == 0:
		return "↓ more"
	case offset+h >= total:
		return "↑ more"
	default:
		return "↑↓ more"
	}
}

// scroll keys shared by the dialogs that scroll.
var (
	keyUp    = key.NewBinding(key.WithKeys("up", "k"))
	keyDown  = key.NewBinding(key.WithKeys("down", "j"))
	keyPgUp  = key.NewBinding(key.WithKeys("pgup", "b"))
	keyPgDn  = key.NewBinding(key.WithKeys("pgdown", "space"))
	keyClose = key.NewBinding(key.WithKeys("esc", "q"))
)

func scrollBy(msg tea.KeyPressMsg, offset, page int) (int, bool) {
	switch {
	case key.Matches(msg, keyUp):
		return offset - 1, true
	case key.Matches(msg, keyDown):
		return offset + 1, true
	case key.Matches(msg, keyPgUp):
		return offset - max(page-1, 1), true
	case key.Matches(msg, keyPgDn):
		return offset + max(page-1, 1), true
	}
	return offset, false
}

// Info is a read-only dialog: sign-in detail, help, a result. Choices add
// keys that answer with a ChoiceMsg (e.g. "t" issue a TAP after a reset).
type Info struct {
	ID      int
	Title   string
	Lines   []string
	Choices []KeyHelp
	Danger  bool
	Width   int // preferred width (0: 72)

	offset int
	h      int
	bodyH  int // body lines the last View had room for (0: not drawn yet)
}

// Sizer is implemented by dialogs that need the space they get (to scroll
// by pages); the root calls SetSize when opening them and on resize.
type Sizer interface{ SetSize(w, h int) }

// SetSize records the height available to the dialog.
func (m *Info) SetSize(_, h int) { m.h = h }

// page is how many body lines show: what the last frame had room for (the
// dialog gets less than the screen's height: the frame's footer and the
// root's bars), so the last line can always be scrolled to.
func (m *Info) page() int {
	if m.bodyH > 0 {
		return m.bodyH
	}
	return max(m.h-4, 1)
}

// Update scrolls, answers a choice, or closes on esc / q / enter.
func (m *Info) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	for _, c := range m.Choices {
		if k.String() == c.Key {
			return ChoiceMsg{ID: m.ID, Value: c.Key}, nil
		}
	}
	if o, ok := scrollBy(k, m.offset, m.page()); ok {
		m.offset = draw.Clamp(o, 0, max(len(m.Lines)-m.page(), 0))
		return nil, nil
	}
	if key.Matches(k, keyClose) || k.String() == "enter" {
		return CloseMsg{ID: m.ID}, nil
	}
	return nil, nil
}

// View draws the dialog.
func (m *Info) View(st Styles, w, h int) []string {
	bw := min(w, 72)
	if m.Width > 0 {
		bw = min(w, m.Width)
	}
	keys := append(append([]KeyHelp(nil), m.Choices...), KeyHelp{"esc", "close"})
	if len(m.Lines) > h-4 {
		keys = append(keys, KeyHelp{"↑↓", "scroll"})
	}
	out, bodyH := frame(st, m.Danger, m.Title, m.Lines, footer(st, keys, bw-4), m.offset, bw, h)
	m.bodyH = bodyH
	return out
}

// MenuItem is one choice of a Menu. Disabled, when set, says why it cannot
// be chosen (shown, not hidden).
type MenuItem struct {
	Key, Label, Disabled string
	Current              bool
}

// Menu asks to pick one of a few items by key, or with the arrows and
// enter.
type Menu struct {
	ID     int
	Title  string
	Intro  []string
	Items  []MenuItem
	cursor int
	note   string
}

// Start puts the cursor on the current item, if any.
func (m *Menu) Start() {
	for i, it := range m.Items {
		if it.Current {
			m.cursor = i
		}
	}
}

// Update picks, moves or closes.
func (m *Menu) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	pick := func(i int) tea.Msg {
		it := m.Items[i]
		if it.Disabled != "" {
			m.note = it.Label + ": " + it.Disabled
			return nil
		}
		return ChoiceMsg{ID: m.ID, Value: it.Key}
	}
	switch s := k.String(); {
	case key.Matches(k, keyClose):
		return CloseMsg{ID: m.ID}, nil
	case key.Matches(k, keyUp):
		m.cursor = draw.Clamp(m.cursor-1, 0, len(m.Items)-1)
	case key.Matches(k, keyDown):
		m.cursor = draw.Clamp(m.cursor+1, 0, len(m.Items)-1)
	case s == "enter":
		return pick(m.cursor), nil
	default:
		for i, it := range m.Items {
			if it.Key == s {
				m.cursor = i
				return pick(i), nil
			}
		}
	}
	return nil, nil
}

// View draws the menu.
func (m *Menu) View(st Styles, w, h int) []string {
	bw := min(w, 64)
	inner := bw - 4
	var body []string
	for _, l := range m.Intro {
		body = append(body, draw.Wrap(l, inner)...)
	}
	if len(body) > 0 {
		body = append(body, "")
	}
	for i, it := range m.Items {
		label := it.Label
		if it.Current {
			label += " (current)"
		}
		line := st.Key.Render(it.Key) + "  " + st.Text.Render(label)
		if it.Disabled != "" {
			line = st.KeyDisabled.Render(it.Key+"  "+label) + st.Muted.Render(" — "+it.Disabled)
		}
		if i == m.cursor {
			line = st.Cursor.Render(draw.Fit("› "+it.Key+"  "+label, inner))
			if it.Disabled != "" {
				line = st.Cursor.Render(draw.Fit("› "+it.Key+"  "+label+" — "+it.Disabled, inner))
			}
		} else {
			line = "  " + line
		}
		body = append(body, line)
	}
	if m.note != "" {
		body = append(body, "", st.Warn.Render(m.note))
	}
	out, _ := frame(st, false, m.Title, body, footer(st, []KeyHelp{{"key/enter", "choose"}, {"esc", "cancel"}}, inner), 0, bw, h)
	return out
}

// Prompt asks for one line of text (a file path).
type Prompt struct {
	ID    int
	Title string
	Intro []string
	In    input.Model
	Err   string
}

// NewPrompt returns a focused prompt holding value.
func NewPrompt(id int, title string, intro []string, label, value string) *Prompt {
	in := input.Model{Prompt: label}
	in.SetValue(value)
	in.Focus()
	return &Prompt{ID: id, Title: title, Intro: intro, In: in}
}

// Update edits, submits on enter, closes on esc.
func (m *Prompt) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "esc":
			return CloseMsg{ID: m.ID}, nil
		case "enter":
			v := strings.TrimSpace(m.In.Value())
			if v == "" {
				m.Err = "Type a path first."
				return nil, nil
			}
			return PromptMsg{ID: m.ID, Value: v}, nil
		}
	}
	if m.In.Update(msg) {
		m.Err = ""
	}
	return nil, nil
}

// View draws the prompt.
func (m *Prompt) View(st Styles, w, h int) []string {
	bw := min(w, 76)
	inner := bw - 4
	var body []string
	for _, l := range m.Intro {
		body = append(body, draw.Wrap(l, inner)...)
	}
	body = append(body, "", m.In.View(st.Input, inner))
	if m.Err != "" {
		body = append(body, st.Bad.Render(m.Err))
	}
	out, _ := frame(st, false, m.Title, body, footer(st, []KeyHelp{{"enter", "ok"}, {"esc", "cancel"}}, inner), 0, bw, h)
	return out
}
