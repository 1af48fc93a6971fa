package tui

import (
	"charm.land/bubbles/v2/key"
)

// KeyMap holds the keys of the main views that are not operations on a
// user (those come from operations(), bindings.go). bindings() turns both
// into the one table that the key handling, the action bar, the footer and
// the ? help are read from, so they cannot disagree. Dialogs (confirm,
// TAP, bulk run) show their own few keys in their footer.
type KeyMap struct {
	// Global
	Quit, Help, NextPane, PrevPane, Search, SwitchView, Refresh, History, Tenants key.Binding
	// Navigation
	Up, Down, PageUp, PageDown, Top, Bottom, Open key.Binding
	// Marks and bulk
	Mark, MarkAll, ClearMarks, LoadCSV, Bulk, ShowBulk key.Binding
	// Range selection (as lazygit): V starts or cancels one, shift+arrows
	// extend it, space marks it.
	RangeSelect, RangeUp, RangeDown key.Binding
	// ClearFilter (esc) clears a search or closes a range selection.
	ClearFilter key.Binding
	// Sign-ins
	Failures, Detail key.Binding
	// Registration report
	Filter, Sort, SortReverse, Export key.Binding
	// PerUserMFA loads the report's per-user MFA column, then cycles its
	// filter.
	PerUserMFA key.Binding
	// Why: what requires MFA of the user, and their groups (issue 13.5).
	Why key.Binding
}

// DefaultKeyMap returns the bindings. Destructive actions sit on plain
// letters that are not navigation keys (operations()), and all of them
// confirm first.
func DefaultKeyMap() KeyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Quit:       b([]string{"q", "ctrl+c"}, "q", "quit"),
		Help:       b([]string{"?"}, "?", "help"),
		NextPane:   b([]string{"tab"}, "tab", "next pane"),
		PrevPane:   b([]string{"shift+tab"}, "shift+tab", "previous pane"),
		Search:     b([]string{"/"}, "/", "search"),
		SwitchView: b([]string{"v"}, "v", "users ⇄ report"),
		Refresh:    b([]string{"ctrl+r"}, "ctrl+r", "refresh"),
		History:    b([]string{"H"}, "H", "last actions"),
		Tenants:    b([]string{"T"}, "T", "switch tenant"),

		Up:       b([]string{"up", "k"}, "↑/k", "up"),
		Down:     b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:   b([]string{"pgup", "ctrl+b"}, "pgup", "page up"),
		PageDown: b([]string{"pgdown", "ctrl+f"}, "pgdn", "page down"),
		Top:      b([]string{"home", "g"}, "g/home", "first"),
		Bottom:   b([]string{"end", "G"}, "G/end", "last"),
		Open:     b([]string{"enter"}, "enter", "open"),

		Mark:       b([]string{"space"}, "space", "mark"),
		MarkAll:    b([]string{"A"}, "A", "mark all loaded"),
		ClearMarks: b([]string{"C"}, "C", "clear marks"),
		LoadCSV:    b([]string{"L"}, "L", "load CSV targets"),
		Bulk:       b([]string{"b"}, "b", "bulk"),
		ShowBulk:   b([]string{"B"}, "B", "show bulk run"),

		RangeSelect: b([]string{"V"}, "V", "select a range"),
		RangeUp:     b([]string{"shift+up"}, "shift+↑/↓", "extend range"),
		RangeDown:   b([]string{"shift+down"}, "shift+↓", "extend range"),
		ClearFilter: b([]string{"esc"}, "esc", "clear search"),

		Failures: b([]string{"f"}, "f", "failures only"),
		Detail:   b([]string{"enter"}, "enter", "sign-in detail"),

		Filter:      b([]string{"0", "1", "2", "3", "4", "5", "6"}, "0-6", "filter"),
		Sort:        b([]string{"s"}, "s", "sort column"),
		SortReverse: b([]string{"S"}, "S", "reverse sort"),
		Export:      b([]string{"w"}, "w", "write CSV"),
		PerUserMFA:  b([]string{"M"}, "M", "per-user MFA column / filter"),

		Why: b([]string{"y"}, "y", "why MFA (groups, policies)"),
	}
}
