// Package input is a one-line text field with a static block cursor. It is
// deliberately smaller than bubbles' textinput: no blinking (so frames and
// golden files are deterministic), no suggestions; editing at the end of the
// line only, which is all a search box, a path prompt and a typed
// confirmation need.
package input

import (
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/tui/internal/draw"
)

// Model is the field's state.
type Model struct {
	Prompt      string
	Placeholder string
	// Limit caps the length in runes (0: 256).
	Limit int
	// NoPaste refuses pasted text (typed confirmations must be typed).
	NoPaste bool

	value   []rune
	focused bool
}

// Value is the current text.
func (m Model) Value() string { return string(m.value) }

// SetValue replaces the text.
func (m *Model) SetValue(s string) { m.value = []rune(clean(s)) }

// Focus / Blur / Focused control whether keys edit the field.
func (m *Model) Focus()       { m.focused = true }
func (m *Model) Blur()        { m.focused = false }
func (m Model) Focused() bool { return m.focused }
func (m *Model) Reset()       { m.value = nil }

func (m Model) limit() int {
	if m.Limit <= 0 {
		return 256
	}
	return m.Limit
}

// Update edits the text for key presses and pastes. changed reports whether
// the value changed (the caller debounces on it).
func (m *Model) Update(msg tea.Msg) (changed bool) {
	if !m.focused {
		return false
	}
	before := string(m.value)
	switch msg := msg.(type) {
	case tea.PasteMsg:
		if m.NoPaste {
			return false
		}
		m.insert(msg.Content)
	case tea.KeyPressMsg:
		switch msg.String() {
		case "backspace", "ctrl+h":
			if len(m.value) > 0 {
				m.value = m.value[:len(m.value)-1]
			}
		case "ctrl+u":
			m.value = nil
		case "ctrl+w", "alt+backspace":
			m.deleteWord()
		default:
			if msg.Text != "" && msg.Mod&^(tea.ModShift) == 0 {
				m.insert(msg.Text)
			}
		}
	}
	return string(m.value) != before
}

func (m *Model) insert(s string) {
	for _, r := range clean(s) {
		if len(m.value) >= m.limit() {
			return
		}
		m.value = append(m.value, r)
	}
}

func (m *Model) deleteWord() {
	i := len(m.value)
	for i > 0 && unicode.IsSpace(m.value[i-1]) {
		i--
	}
	for i > 0 && !unicode.IsSpace(m.value[i-1]) {
		i--
	}
	m.value = m.value[:i]
}

// clean drops control characters and escape sequences from typed or pasted
// text: a pasted newline or ESC must not reach a query or a path.
func clean(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) || r == 0x1b {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Styles for View.
type Styles struct {
	Prompt, Text, Placeholder, Cursor draw.Painter
}

// View draws the field in w cells: prompt, the tail of the text that fits,
// and a block cursor when focused.
func (m Model) View(st Styles, w int) string {
	prompt := st.Prompt.Render(m.Prompt)
	avail := w - draw.Width(m.Prompt)
	if avail <= 1 {
		return draw.Fit(prompt, w)
	}
	text := string(m.value)
	if m.focused {
		avail-- // room for the cursor
	}
	if text == "" && m.Placeholder != "" && !m.focused {
		return draw.Fit(prompt+st.Placeholder.Render(draw.Trunc(m.Placeholder, avail)), w)
	}
	// Keep the end visible: that is where typing happens.
	for draw.Width(text) > avail {
		text = text[firstRuneSize(text):]
	}
	out := prompt + st.Text.Render(text)
	if m.focused {
		out += st.Cursor.Render(" ")
	}
	if text == "" && m.Placeholder != "" && m.focused {
		out += st.Placeholder.Render(draw.Trunc(m.Placeholder, avail-1))
	}
	return draw.Fit(out, w)
}

// firstRuneSize is the byte length of s's first rune.
func firstRuneSize(s string) int {
	for i := range s {
		if i > 0 {
			return i
		}
	}
	return len(s)
}
