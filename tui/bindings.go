package tui

// bindings.go: every key of the main views is one row of a table (as
// lazygit's): its keys and help words, where it works, whether it can be
// used now and why not, what it does, and where the action bar and the
// footer show it. The key handling, the action bar, the footer and the ?
// help are all read from the table, so they cannot disagree.

import (
	"sort"
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
	"github.com/mfadesk/mfadesk/tui/actions"
	"github.com/mfadesk/mfadesk/tui/report"
)

// scope is where a binding applies: a pane of the main view, or the report.
type scope uint8

const (
	inUsers scope = 1 << iota
	inMethods
	inSignIns
	inReport

	inMain     = inUsers | inMethods | inSignIns
	everywhere = inMain | inReport
)

// where is the scope the keys are in now.
func (m Model) where() scope {
	if m.view == viewReport {
		return inReport
	}
	return scope(1) << m.focus
}

// Help columns of the ? view.
const (
	helpGeneral = iota
	helpMove
	helpAct
	helpMarks
	helpLists
	noHelp = -1
)

var helpGroups = []string{"General", "Move", "Act on the highlighted user", "Marks and bulk", "Sign-ins and report"}

// binding is one row of the table.
type binding struct {
	key  key.Binding // keys, and the ? help's words
	keys scope       // where the keys work
	help int         // help column (noHelp: not listed)
	// do is what the key does (it says itself when it cannot, in words).
	do func(m Model, msg tea.KeyPressMsg) (tea.Model, tea.Cmd)
	// when says whether it can be used now, and why not (nil: always);
	// the action bar greys it out with that reason.
	when func(m Model) (bool, string)
	// bar is where the action bar shows it, at barAt (lower first); label
	// its words there (nil: the help's).
	bar   scope
	barAt int
	label func(m Model) string
	// headline: a reason it is unavailable is shown at the bar's right
	// (the main actions: read-only, protected, a missing role).
	headline bool
	// footer is its place in the footer line (0: not there).
	footer int
	// searching: it works even while a search box has the keys.
	searching bool
}

// operation is something the technician can do to the highlighted user,
// as the keys and the action bar need it: read from the operation
// catalogue (graph/ops), placed by placements.
type operation struct {
	kind actions.Kind
	key  string
	help string // the ? help's words
	bar  string // the action bar's (shorter) words; "" not in the bar
	// keys is where its key works; onMethod: it acts on the highlighted
	// method (its bar item comes first, in the methods pane only).
	keys      scope
	onMethod  bool
	headline  bool
	methodWhy func(m Model, meth graph.Method) string
	methodBar bool
}

// placement is where the console offers a catalogue operation (the
// catalogue says what it is and its key; this, where it goes). One not
// listed is offered everywhere, in the bar and in the help: a new
// catalogue entry is a key, a bar item and a help line without more.
type placement struct {
	keys     scope
	noBar    bool
	onMethod bool
	headline bool
	// methodWhy, for an operation on the highlighted method, says why it
	// does not apply to that method ("" when it does).
	methodWhy func(m Model, meth graph.Method) string
	// inMethodsBar: its bar item is in the methods pane only.
	inMethodsBar bool
}

var placements = map[actions.Kind]placement{
	// The main actions: a reason they are unavailable heads the bar.
	ops.Reset:      {keys: everywhere, headline: true},
	ops.Reregister: {keys: everywhere, headline: true},
	ops.Revoke:     {keys: everywhere, headline: true},
	// These need the detail panes (a highlighted method, the current
	// per-user state): not offered in the report.
	ops.DeleteMethod: {keys: inMain, onMethod: true, methodWhy: func(m Model, meth graph.Method) string {
		return graph.DeleteRefusal(m.methods.Methods(), meth)
	}},
	// Issue 13.3: * makes the highlighted method the default; + adds a
	// phone or the email method (a form first), from the methods pane.
	ops.SetDefault: {keys: inMain, onMethod: true, methodWhy: func(_ Model, meth graph.Method) string {
		return graph.DefaultRefusal(meth)
	}},
	ops.AddPhone: {keys: inMain, inMethodsBar: true},
	ops.SetMFA:   {keys: inMain},
	// A mail about the last change made here: offered by that change's
	// result (n), and by its key, not in the bar.
	ops.Notify: {keys: inMain, noBar: true},
	// Block has the bar item; unblock is its key (named by block's
	// reason when the user is blocked) and its help line, so the bar
	// still fits 80 columns.
	ops.Unblock: {keys: everywhere, noBar: true},
	// Identity Protection: rare, their keys and help lines only (the
	// status pane's risk line says when there is a risk to act on).
	ops.DismissRisk:        {keys: everywhere, noBar: true},
	ops.ConfirmCompromised: {keys: everywhere, noBar: true},
}

// operations are the catalogue's operations on one user, in its order.
func operations() []operation {
	var out []operation
	for _, o := range ops.All() {
		if o.Scope&ops.One == 0 || o.Key == "" {
			continue
		}
		p, ok := placements[o.Name]
		if !ok {
			p = placement{keys: everywhere}
		}
		op := operation{kind: o.Name, key: o.Key, help: o.Help, bar: o.Bar, keys: p.keys,
			onMethod: p.onMethod, headline: p.headline, methodWhy: p.methodWhy, methodBar: p.inMethodsBar}
		if p.noBar {
			op.bar = ""
		}
		out = append(out, op)
	}
	return out
}

// opBinding is an operation's row: its key opens the plan (startAction
// asks allowed() first and says why not), and the bar greys it out for
// the same reason.
func opBinding(op operation, at int) binding {
	kind := op.kind
	b := binding{key: key.NewBinding(key.WithKeys(op.key), key.WithHelp(op.key, op.help)),
		keys: op.keys, help: helpAct, headline: op.headline,
		do: func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) { return m.startAction(kind) },
		when: func(m Model) (bool, string) {
			u, have := m.currentUser()
			if !have {
				return false, ""
			}
			return m.allowed(kind, u)
		},
		label: func(m Model) string {
			if u, ok := m.currentUser(); ok && m.inflight[inflightKey(kind, u.ID)] {
				return op.bar + "…"
			}
			return op.bar
		},
	}
	if op.bar != "" {
		b.bar, b.barAt = inMain, 10+at
	}
	if op.methodBar {
		b.bar, b.barAt = inMethods, 4
		do := b.do
		b.do = func(m Model, msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
			if m.focus != paneMethods {
				return m, m.setFlash("Focus the methods pane (tab) to "+op.help+".", false)
			}
			return do(m, msg)
		}
	}
	if op.onMethod {
		b.bar, b.barAt = inMethods, 3
		when := b.when
		b.when = func(m Model) (bool, string) {
			meth, ok := m.methods.Selected()
			if !ok {
				return false, ""
			}
			if op.methodWhy != nil {
				if why := op.methodWhy(m, meth); why != "" {
					return false, why
				}
			}
			return when(m)
		}
		do := b.do
		b.do = func(m Model, msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
			if m.focus != paneMethods {
				return m, m.setFlash("Focus the methods pane (tab) and highlight a method to "+op.help+".", false)
			}
			return do(m, msg)
		}
	}
	return b
}

func says(s string) func(Model) string { return func(Model) string { return s } }

// bindings is the table.
func bindings(k KeyMap) []binding {
	none := func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) { return m, nil }
	nav := func(m Model, msg tea.KeyPressMsg) (tea.Model, tea.Cmd) { return m.move(msg) }
	t := []binding{
		// General
		{key: k.NextPane, keys: inMain, help: helpGeneral, footer: 1,
			do: func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) {
				m.focus = (m.focus + 1) % numPanes
				return m, nil
			}},
		{key: k.PrevPane, keys: inMain, help: helpGeneral,
			do: func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) {
				m.focus = (m.focus + numPanes - 1) % numPanes
				return m, nil
			}},
		{key: k.Search, keys: everywhere, help: helpGeneral, footer: 2, do: Model.startSearch},
		{key: k.ClearFilter, keys: everywhere, help: helpGeneral, do: Model.clearFilter},
		{key: k.SwitchView, keys: everywhere, help: helpGeneral, footer: 3,
			label: func(m Model) string {
				if m.view == viewReport {
					return "users"
				}
				return "report"
			},
			do: func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) {
				m.view = map[viewKind]viewKind{viewMain: viewReport, viewReport: viewMain}[m.view]
				return m, nil
			}},
		{key: k.Refresh, keys: everywhere, help: helpGeneral, footer: 4, searching: true,
			do: func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) { return m.refresh() }},
		{key: k.History, keys: everywhere, help: helpGeneral, do: Model.openHistory},
		{key: k.Why, keys: inMain, help: helpLists, do: Model.openWhy,
			when: func(m Model) (bool, string) { return m.methods.User() != nil, "" }},
		{key: k.Tenants, keys: everywhere, help: helpGeneral, do: Model.openTenants},
		{key: k.Help, keys: everywhere, help: helpGeneral, footer: 5,
			do: func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) { return m.openHelp() }},
		{key: k.Quit, keys: everywhere, help: helpGeneral, footer: 6,
			do: func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) { return m.quit() }},

		// Move
		{key: k.Up, keys: everywhere, help: helpMove, do: nav},
		{key: k.Down, keys: everywhere, help: helpMove, do: nav},
		{key: k.PageUp, keys: everywhere, help: helpMove, do: nav},
		{key: k.PageDown, keys: everywhere, help: helpMove, do: nav},
		{key: k.Top, keys: everywhere, help: helpMove, do: nav},
		{key: k.Bottom, keys: everywhere, help: helpMove, do: nav},
		{key: k.Open, keys: inUsers | inReport, help: helpMove, do: Model.open,
			bar: inReport, barAt: 33, label: says("open user"),
			when: func(m Model) (bool, string) { _, ok := m.currentUser(); return ok, "" }},
	}

	// Act on the highlighted user: from the list of operations.
	for i, op := range operations() {
		t = append(t, opBinding(op, i))
	}

	t = append(t,
		// Marks and bulk
		binding{key: k.Mark, keys: inUsers | inReport, help: helpMarks, do: Model.mark,
			bar: inUsers | inReport, barAt: 30,
			when: func(m Model) (bool, string) {
				if m.view == viewReport {
					return true, ""
				}
				_, ok := m.currentUser()
				return ok, ""
			}},
		binding{key: k.RangeSelect, keys: inUsers | inReport, help: helpMarks,
			do: func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) {
				if m.view == viewReport {
					m.report.RangeStart()
				} else {
					m.users.RangeStart()
				}
				return m, nil
			}},
		binding{key: k.RangeUp, keys: inUsers | inReport, help: helpMarks, do: Model.extendRange},
		binding{key: k.RangeDown, keys: inUsers | inReport, help: noHelp, do: Model.extendRange},
		binding{key: k.MarkAll, keys: everywhere, help: helpMarks, do: Model.markAll,
			bar: inReport, barAt: 34, label: says("mark shown")},
		binding{key: k.ClearMarks, keys: everywhere, help: helpMarks,
			do: func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) {
				n := m.marks.Len()
				m.marks.Clear()
				return m, m.setFlash(plural(n, "mark")+" cleared.", false)
			}},
		binding{key: k.LoadCSV, keys: everywhere, help: helpMarks,
			do: func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) { return m.openCSVPrompt() }},
		binding{key: k.Bulk, keys: everywhere, help: helpMarks,
			do:  func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) { return m.openBulkMenu() },
			bar: everywhere, barAt: 31,
			label: func(m Model) string { return "bulk (" + strconv.Itoa(m.marks.Len()) + ")" },
			when:  func(m Model) (bool, string) { return m.marks.Len() > 0, "" }},
		binding{key: k.ShowBulk, keys: everywhere, help: helpMarks, do: Model.showBulkRun},

		// Sign-ins and report
		binding{key: k.Failures, keys: inMain, help: helpLists,
			do: func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) {
				m.signins.ToggleFailures()
				return m, nil
			},
			bar: inSignIns, barAt: 5,
			label: func(m Model) string {
				if m.signins.FailuresOnly() {
					return "show all"
				}
				return "failures only"
			}},
		binding{key: k.Detail, keys: inSignIns, help: helpLists,
			do:  func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) { return m.openSignIn() },
			bar: inSignIns, barAt: 4, label: says("detail"),
			when: func(m Model) (bool, string) { return m.signins.Len() > 0, "" }},
		binding{key: k.Filter, keys: inReport, help: helpLists, bar: inReport, barAt: 1,
			do: func(m Model, msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
				m.report.SetFilter(report.Filter(msg.Text[0] - '0'))
				return m, nil
			}},
		binding{key: k.Sort, keys: inReport, help: helpLists, bar: inReport, barAt: 2, label: says("sort"),
			do: func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) {
				m.report.CycleSort()
				return m, nil
			}},
		binding{key: k.SortReverse, keys: inReport, help: helpLists, bar: inReport, barAt: 35, label: says("reverse"),
			do: func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) {
				m.report.Reverse()
				return m, nil
			}},
		binding{key: k.Export, keys: inReport, help: helpLists, bar: inReport, barAt: 32,
			do: func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) { return m.openExportPrompt() }},
		perUserBinding(k),
		watchBinding(),
	)
	for i := range t {
		if t[i].do == nil {
			t[i].do = none
		}
	}
	return t
}

// handleKey routes a key: the sign-in prompt, a dialog and the bulk view
// take every key while shown; a search box takes what it types; the rest
// is the first binding of the table that matches here.
func (m Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	s := msg.String()
	if s == "ctrl+c" {
		return m.quit()
	}
	m.quitArmed = m.quitArmed && (s == "q")

	switch {
	case m.signInShown():
		return m.signInKey(s)
	case m.modal != nil:
		return m.toModal(msg)
	case m.showBulk && m.bulk != nil:
		return m.toBulk(msg)
	}
	here := m.where()
	if m.searching() {
		for _, b := range m.binds {
			if b.searching && b.keys&here != 0 && key.Matches(msg, b.key) {
				return b.do(m, msg)
			}
		}
		nm, cmd, done := m.searchKey(msg)
		if done {
			return nm, cmd
		}
		m = nm
	}
	for _, b := range m.binds {
		if b.keys&here != 0 && key.Matches(msg, b.key) {
			return b.do(m, msg)
		}
	}
	return m, nil
}

// barItem is one key of the action bar.
type barItem struct {
	key, desc string
	enabled   bool
	why       string
	headline  bool
}

// barItems are the keys that apply right now, from the table.
func (m Model) barItems() []barItem {
	if m.searching() {
		// Keys type into the search box now: say so, and offer no action.
		return []barItem{{key: "type", desc: "to search", enabled: true}, {key: "enter", desc: "done", enabled: true},
			{key: "esc", desc: "clear", enabled: true}, {key: "↓", desc: "to the list", enabled: true}}
	}
	here := m.where()
	var shown []binding
	for _, b := range m.binds {
		if b.bar&here != 0 {
			shown = append(shown, b)
		}
	}
	sort.SliceStable(shown, func(i, j int) bool { return shown[i].barAt < shown[j].barAt })
	items := make([]barItem, 0, len(shown))
	for _, b := range shown {
		it := barItem{key: b.key.Help().Key, desc: b.key.Help().Desc, enabled: true, headline: b.headline}
		if b.label != nil {
			it.desc = b.label(m)
		}
		if b.when != nil {
			it.enabled, it.why = b.when(m)
		}
		items = append(items, it)
	}
	return items
}

// footerKeys are the footer's keys with their words now.
func (m Model) footerKeys() [][2]string {
	var fs []binding
	for _, b := range m.binds {
		if b.footer > 0 {
			fs = append(fs, b)
		}
	}
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].footer < fs[j].footer })
	out := make([][2]string, 0, len(fs))
	for _, b := range fs {
		desc := b.key.Help().Desc
		if b.label != nil {
			desc = b.label(m)
		}
		out = append(out, [2]string{b.key.Help().Key, desc})
	}
	return out
}

// helpColumns are the ? view's columns: each group's keys in table order.
func (m Model) helpColumns() [][]key.Binding {
	cols := make([][]key.Binding, len(helpGroups))
	for _, b := range m.binds {
		if b.help != noHelp {
			cols[b.help] = append(cols[b.help], b.key)
		}
	}
	return cols
}

// Handlers of the table that take a few lines.

// currentUser is the user actions apply to: the highlighted row of the
// users pane, or of the report in the report view.
func (m Model) currentUser() (u graph.User, ok bool) {
	if m.view == viewReport {
		r, ok := m.report.Selected()
		if !ok {
			return u, false
		}
		return m.withRisk(report.UserOf(r)), true
	}
	u, ok = m.users.Selected()
	return m.withRisk(u), ok
}

// withRisk gives u the identity risk the status pane read for them, which
// the risk actions' availability reads (graph/ops/idrisk.go).
func (m Model) withRisk(u graph.User) graph.User {
	if r := m.methods.Risk(); r != nil && u.Risk == nil && m.methods.User() != nil && m.methods.User().ID == u.ID {
		risk := *r
		u.Risk = &risk
	}
	return u
}
