package tui

import (
	"charm.land/bubbles/v2/key"
)

// KeyMap is every key binding of the main views. It is the one source for
// the key handling in app.go, the action bar, the footer and the ? help,
// so they cannot disagree. Dialogs (confirm, TAP, bulk run) show their own
// few keys in their footer.
type KeyMap struct {
	// Global
	Quit, Help, NextPane, PrevPane, Search, SwitchView, Refresh, History key.Binding
	// Navigation
	Up, Down, PageUp, PageDown, Top, Bottom, Open key.Binding
	// Marks and bulk
	Mark, MarkAll, ClearMarks, LoadCSV, Bulk, ShowBulk key.Binding
	// Range selection (as lazygit): V starts or cancels one, shift+arrows
	// extend it, space marks it.
	RangeSelect, RangeUp, RangeDown key.Binding
	// ClearFilter (esc) clears a search or closes a range selection.
	ClearFilter key.Binding
	// Actions on the highlighted user
	Reset, Reregister, Revoke, DeleteMethod, TAP, PerUserMFA, Audit, Notify key.Binding
	// Sign-ins
	Failures, Detail key.Binding
	// Registration report
	Filter, Sort, SortReverse, Export key.Binding
}

// DefaultKeyMap returns the bindings. Destructive actions sit on plain
// letters that are not navigation keys, and all of them confirm first.
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

		Reset:        b([]string{"r"}, "r", "reset MFA"),
		Reregister:   b([]string{"e"}, "e", "re-register"),
		Revoke:       b([]string{"o"}, "o", "revoke sessions"),
		DeleteMethod: b([]string{"d"}, "d", "delete method"),
		TAP:          b([]string{"t"}, "t", "TAP"),
		PerUserMFA:   b([]string{"m"}, "m", "per-user MFA"),
		Audit:        b([]string{"a"}, "a", "audit trail"),
		Notify:       b([]string{"n"}, "n", "notify by mail"),

		Failures: b([]string{"f"}, "f", "failures only"),
		Detail:   b([]string{"enter"}, "enter", "sign-in detail"),

		Filter:      b([]string{"0", "1", "2", "3", "4", "5"}, "0-5", "filter"),
		Sort:        b([]string{"s"}, "s", "sort column"),
		SortReverse: b([]string{"S"}, "S", "reverse sort"),
		Export:      b([]string{"w"}, "w", "write CSV"),
	}
}

// ShortHelp is the footer line: the keys that always work.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.NextPane, k.Search, k.SwitchView, k.Refresh, k.Help, k.Quit}
}

// FullHelp is the ? view, one column per group.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.NextPane, k.PrevPane, k.Search, k.ClearFilter, k.SwitchView, k.Refresh, k.History, k.Help, k.Quit},
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Open},
		{k.Reset, k.Reregister, k.Revoke, k.DeleteMethod, k.TAP, k.PerUserMFA, k.Audit, k.Notify},
		{k.Mark, k.RangeSelect, k.RangeUp, k.MarkAll, k.ClearMarks, k.LoadCSV, k.Bulk, k.ShowBulk},
		{k.Failures, k.Detail, k.Filter, k.Sort, k.SortReverse, k.Export},
	}
}

// HelpGroups names FullHelp's columns for the ? view.
var HelpGroups = []string{"General", "Move", "Act on the highlighted user", "Marks and bulk", "Sign-ins and report"}
