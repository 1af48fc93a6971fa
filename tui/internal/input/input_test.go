package input

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

func key(s string) tea.KeyPressMsg {
	switch s {
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+w":
		return tea.KeyPressMsg{Code: 'w', Mod: tea.ModCtrl}
	case "ctrl+u":
		return tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	case "alt+x":
		return tea.KeyPressMsg{Code: 'x', Text: "x", Mod: tea.ModAlt}
	}
	return tea.KeyPressMsg{Code: []rune(s)[0], Text: s}
}

func TestEditing(t *testing.T) {
	var m Model
	if m.Update(key("a")) {
		t.Fatal("a blurred field took a key")
	}
	m.Focus()
	for _, k := range []string{"h", "i", " ", "t", "h", "e", "r", "e"} {
		m.Update(key(k))
	}
	if m.Value() != "hi there" {
		t.Fatalf("value %q", m.Value())
	}
	m.Update(key("ctrl+w"))
	if m.Value() != "hi " {
		t.Fatalf("ctrl+w left %q", m.Value())
	}
	m.Update(key("backspace"))
	if m.Value() != "hi" {
		t.Fatalf("backspace left %q", m.Value())
	}
	if m.Update(key("alt+x")) {
		t.Fatal("alt+x typed a character")
	}
	m.Update(key("ctrl+u"))
	if m.Value() != "" {
		t.Fatalf("ctrl+u left %q", m.Value())
	}
}

func TestPasteIsCleanedOrRefused(t *testing.T) {
	m := Model{}
	m.Focus()
	m.Update(tea.PasteMsg{Content: "alice\n\x1b[2J\x07wong"})
	if m.Value() != "alice[2Jwong" {
		t.Fatalf("pasted control characters kept: %q", m.Value())
	}
	m = Model{NoPaste: true}
	m.Focus()
	if m.Update(tea.PasteMsg{Content: "reset 12"}) || m.Value() != "" {
		t.Fatal("a paste reached a NoPaste field")
	}
}

func TestViewWidth(t *testing.T) {
	m := Model{Prompt: "/ ", Placeholder: "search"}
	for _, w := range []int{1, 2, 5, 20} {
		if got := ansi.StringWidth(m.View(Styles{}, w)); got != w {
			t.Fatalf("blurred view at %d is %d wide", w, got)
		}
	}
	m.Focus()
	m.SetValue("a very long query that scrolls 名前")
	for _, w := range []int{3, 10, 20} {
		v := m.View(Styles{}, w)
		if got := ansi.StringWidth(v); got != w {
			t.Fatalf("focused view at %d is %d wide: %q", w, got, v)
		}
	}
}
