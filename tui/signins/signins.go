// Package signins is the Sign-ins pane: the highlighted user's recent
// sign-ins as a table (local time, result and error code, failure reason,
// app, MFA requirement and how it went, conditional access, location, IP,
// client app: as many columns as the width allows), failures-only toggle,
// and the detail of one sign-in with a plain-language hint for its error
// code.
package signins

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
	"github.com/mfadesk/mfadesk/tui/internal/explain"
	"github.com/mfadesk/mfadesk/tui/internal/input"
)

// Styles is what the pane draws with (filled by tui/theme.go).
type Styles struct {
	Header, Row, Cursor, CursorBlurred draw.Painter
	OK, Bad, Benign, Muted, Error      draw.Painter
	Label, Value, HintTitle, Hint      draw.Painter
	// SearchActive is the badge of a focused search box; Input the box.
	SearchActive draw.Painter
	Input        input.Styles
}

// DefaultWindow is how far back sign-ins are listed when not configured:
// a week covers "it stopped working on Monday" without paging.
const DefaultWindow = 7 * 24 * time.Hour

// DefaultTop caps one user's sign-ins per query (one Graph call: the
// reports budget is 5 requests per 10 s).
const DefaultTop = 200

// Model is the pane's state.
type Model struct {
	ctx    context.Context // the console's: cancelled on quit
	client graph.Client
	now    func() time.Time
	loc    *time.Location
	Window time.Duration
	Top    int

	user   *graph.User
	seq    int
	cancel context.CancelFunc

	all          []graph.SignIn
	rows         []row
	visible      []int // indices into all, after the failures filter
	failuresOnly bool
	loading      bool
	err          error

	// Search (/): the box, whether it has the keys, and the lowercased
	// text rows are matched against.
	search    input.Model
	searching bool
	query     string

	cursor, offset int
	height         int // rows of the list
	innerH         int // the pane's inner height
}

type row struct {
	text           string   // lowercased cells, for search
	cells          []string // one per column, in columns order
	widths         []int    // their display widths, measured once
	failed, benign bool
}

// LoadedMsg answers Load.
type LoadedMsg struct {
	Seq     int
	UserID  string
	SignIns []graph.SignIn
	Err     error
}

// New returns an empty pane; ctx is the console's (its loads end with it).
func New(ctx context.Context, c graph.Client, now func() time.Time, loc *time.Location, window time.Duration) Model {
	if window <= 0 {
		window = DefaultWindow
	}
	in := input.Model{Prompt: "/ ", Placeholder: "search app, reason, place, IP", Limit: 128}
	return Model{ctx: ctx, client: c, now: now, loc: loc, Window: window, Top: DefaultTop, search: in}
}

// Clear shows no user.
func (m *Model) Clear() {
	if m.cancel != nil {
		m.cancel()
	}
	m.seq++
	m.user, m.all, m.rows, m.visible, m.err, m.loading = nil, nil, nil, nil, nil, false
	m.cursor, m.offset = 0, 0
}

// Show displays u at once (loading), without fetching.
func (m *Model) Show(u graph.User) {
	if m.cancel != nil {
		m.cancel()
	}
	m.seq++
	if m.user == nil || m.user.ID != u.ID {
		m.all, m.rows, m.visible = nil, nil, nil
		m.cursor, m.offset = 0, 0
	}
	m.user = &u
	m.loading, m.err = true, nil
}

// Load fetches u's sign-ins in one call, cancelling an earlier load.
func (m *Model) Load(u graph.User) tea.Cmd {
	if m.cancel != nil {
		m.cancel()
	}
	ctx, cancel := context.WithCancel(m.ctx)
	m.cancel = cancel
	m.seq++
	if m.user == nil || m.user.ID != u.ID {
		m.all, m.rows, m.visible = nil, nil, nil
		m.cursor, m.offset = 0, 0
	}
	m.user = &u
	m.loading, m.err = true, nil
	seq, c, id := m.seq, m.client, u.ID
	q := graph.SignInQuery{Since: m.now().Add(-m.Window), Top: m.Top}
	return func() tea.Msg {
		s, err := c.SignIns(ctx, id, q)
		return LoadedMsg{Seq: seq, UserID: id, SignIns: s, Err: err}
	}
}

// Reload fetches the shown user's sign-ins again.
func (m *Model) Reload() tea.Cmd {
	if m.user == nil {
		return nil
	}
	return m.Load(*m.user)
}

// Update handles the pane's own messages.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if msg, ok := msg.(LoadedMsg); ok {
		if m.user == nil || msg.Seq != m.seq || msg.UserID != m.user.ID {
			return m, nil
		}
		m.loading, m.err = false, msg.Err
		if msg.Err == nil {
			m.SetSignIns(msg.SignIns)
		}
	}
	return m, nil
}

// SetSignIns replaces the table's data, precomputing every row's cells so
// drawing a frame does no formatting beyond the visible rows.
func (m *Model) SetSignIns(s []graph.SignIn) {
	m.all = s
	m.rows = make([]row, len(s))
	for i := range s {
		m.rows[i] = m.makeRow(s[i])
	}
	m.refilter()
}

func (m *Model) refilter() {
	var keepID string
	if i, ok := m.selectedIndex(); ok {
		keepID = m.all[i].ID
	}
	m.visible = m.visible[:0]
	for i := range m.all {
		if (!m.failuresOnly || m.rows[i].failed) && (m.query == "" || strings.Contains(m.rows[i].text, m.query)) {
			m.visible = append(m.visible, i)
		}
	}
	m.cursor = 0
	for vi, i := range m.visible {
		if m.all[i].ID == keepID {
			m.cursor = vi
			break
		}
	}
	m.offset = draw.Scroll(m.cursor, 0, m.height, len(m.visible))
}

// ToggleFailures shows only failed sign-ins, or all. Interrupts Graph
// counts as failures but that are usually benign (50074, 50140, ...) stay
// listed, drawn quietly with "~": they are often the clue.
func (m *Model) ToggleFailures() {
	m.failuresOnly = !m.failuresOnly
	m.refilter()
}

// Searching reports whether keys go to the search box.
func (m Model) Searching() bool { return m.searching }

// SearchShown reports the search box on screen (focused, or a search set).
func (m Model) SearchShown() bool { return m.searching || m.search.Value() != "" }

// StartSearch focuses the search box (/).
func (m *Model) StartSearch() {
	m.searching = true
	m.search.Focus()
	m.SetSize(0, m.innerH)
}

// StopSearch returns keys to the list; the filter stays.
func (m *Model) StopSearch() {
	m.searching = false
	m.search.Blur()
	m.SetSize(0, m.innerH)
}

// Query is the search text (as typed).
func (m Model) Query() string { return m.search.Value() }

// SearchInput feeds a key or paste to the box and filters the rows at once.
func (m *Model) SearchInput(msg tea.Msg) {
	if m.search.Update(msg) {
		m.setQuery(m.search.Value())
	}
}

func (m *Model) setQuery(q string) {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == m.query {
		return
	}
	m.query = q
	m.refilter()
}

// ClearSearch empties the search (esc), reporting whether there was one.
func (m *Model) ClearSearch() bool {
	had := m.search.Value() != ""
	m.search.Reset()
	m.setQuery("")
	m.StopSearch()
	return had
}

// Busy reports a load in flight.
func (m Model) Busy() bool { return m.loading }

// FailuresOnly reports the filter state.
func (m Model) FailuresOnly() bool { return m.failuresOnly }

func (m Model) selectedIndex() (int, bool) {
	if m.cursor < 0 || m.cursor >= len(m.visible) {
		return 0, false
	}
	return m.visible[m.cursor], true
}

// Selected is the highlighted sign-in.
func (m Model) Selected() (graph.SignIn, bool) {
	i, ok := m.selectedIndex()
	if !ok {
		return graph.SignIn{}, false
	}
	return m.all[i], true
}

// Len is the number of rows shown.
func (m Model) Len() int { return len(m.visible) }

// Move moves the cursor.
func (m *Model) Move(delta int) {
	if len(m.visible) == 0 {
		return
	}
	m.cursor = draw.Clamp(m.cursor+delta, 0, len(m.visible)-1)
	m.offset = draw.Scroll(m.cursor, m.offset, m.height, len(m.visible))
}

// Page moves by a screenful.
func (m *Model) Page(dir int) { m.Move(dir * max(m.height-1, 1)) }

// RowAt maps a line inside the pane (0 = header, or the search box when
// shown, then the header) to a row index.
func (m Model) RowAt(y int) (int, bool) {
	if m.SearchShown() {
		y--
	}
	i := m.offset + y - 1
	if y < 1 || i < 0 || i >= len(m.visible) {
		return 0, false
	}
	return i, true
}

// Select puts the cursor on row i.
func (m *Model) Select(i int) { m.Move(i - m.cursor) }

// SetSize tells the pane its inner size.
func (m *Model) SetSize(w, h int) {
	m.innerH = h
	m.height = max(h-1, 1)
	if m.SearchShown() {
		m.height = max(h-2, 1)
	}
	m.offset = draw.Scroll(m.cursor, m.offset, m.height, len(m.visible))
}

// Title is the pane's title and right-hand note.
func (m Model) Title() (string, string) {
	t := "Sign-ins"
	if m.failuresOnly {
		t = "Sign-ins · failures only"
	}
	if m.query != "" {
		t += " · search"
	}
	switch {
	case m.user == nil:
		return t, ""
	case m.loading:
		return t, "loading…"
	case m.err != nil:
		return t, "load failed" // no count: the rows shown are not this load's
	}
	days := int(m.Window.Hours() / 24)
	span := fmt.Sprintf("%dh", int(m.Window.Hours()))
	if days >= 1 && m.Window%(24*time.Hour) == 0 {
		span = fmt.Sprintf("%dd", days)
	}
	return t, fmt.Sprintf("%d · last %s", len(m.visible), span)
}

// MFAText says whether MFA was required and how it was met or failed (for
// the MFA column: "✓ Mobile app notification", "required", "single factor").
func MFAText(s graph.SignIn) string {
	var method string
	ok, failed := false, false
	for _, st := range s.AuthDetails {
		if strings.EqualFold(st.Method, "Password") || st.Method == "" {
			continue
		}
		method = st.Method
		if st.Succeeded {
			ok = true
		} else {
			failed = true
		}
	}
	method = graph.CleanText(method)
	switch s.AuthenticationRequirement {
	case "multiFactorAuthentication":
		switch {
		case ok:
			return "✓ " + method
		case failed:
			return "✗ " + method
		default:
			return "required"
		}
	case "singleFactorAuthentication":
		return "single factor"
	}
	if ok {
		return "✓ " + method
	}
	if failed {
		return "✗ " + method
	}
	return ""
}

func (m Model) makeRow(s graph.SignIn) row {
	r := row{failed: s.Failed()}
	result, reason := "✓ ok", graph.CleanText(s.Status.FailureReason)
	if s.Failed() {
		result = fmt.Sprintf("✗ %d", s.Status.ErrorCode)
		if h, ok := graph.SignInHint(s.Status.ErrorCode); ok && h.Benign {
			r.benign = true
			result = fmt.Sprintf("~ %d", s.Status.ErrorCode)
		}
	} else if strings.EqualFold(reason, "other") {
		reason = ""
	}
	// In the order of columns.
	kind := "interact"
	if s.EventType == graph.SignInNonInteractive || (s.EventType == "" && !s.IsInteractive) {
		kind = "non-inter"
	}
	r.cells = []string{s.CreatedDateTime.In(m.loc).Format("Jan 02 15:04"), result, kind, reason,
		graph.CleanText(s.AppDisplayName), MFAText(s), graph.CleanText(s.ConditionalAccessStatus),
		locationText(s.Location), graph.CleanText(s.IPAddress), graph.CleanText(s.ClientAppUsed), RiskCell(s)}
	r.text = strings.ToLower(strings.Join(r.cells, "\x00"))
	r.widths = make([]int, len(r.cells))
	for i, c := range r.cells {
		r.widths[i] = draw.Width(c)
	}
	return r
}

func locationText(l graph.Location) string {
	var parts []string
	for _, s := range []string{l.City, l.CountryOrRegion} {
		if s = graph.CleanText(s); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

var columns = []draw.Column{
	{Title: "Time", Width: 12},
	{Title: "Result", Width: 8},
	{Title: "Kind", Width: 9}, // interactive or not: the portal's two tabs
	{Title: "Reason", Width: 18},
	{Title: "App", Width: 16},
	{Title: "MFA", Width: 26},
	{Title: "CA", Width: 10},
	{Title: "Location", Width: 16},
	{Title: "IP", Width: 15},
	{Title: "Client", Width: 14},
	// Identity Protection's risk, only for a risky sign-in (RiskCell):
	// declared last, kept early (priority) so a narrow pane still marks it.
	{Title: "Risk", Width: 6},
}

// Priority: what a technician needs first when space is short.
var priority = []int{0, 1, 3, 10, 4, 5, 6, 2, 7, 8, 9}

const flexColumn = 3 // Reason takes the spare width

// View draws the pane's inner w x h lines: the search box first while a
// search is shown.
func (m Model) View(st Styles, w, h int, focused bool) []string {
	if !m.SearchShown() {
		return m.list(st, w, h, focused)
	}
	return append([]string{m.searchLine(st, w)}, m.list(st, w, h-1, focused && !m.searching)...)
}

// searchLine is the box: a focused one says so in words (a badge), and the
// list's cursor dims, so it never looks like a focused list.
func (m Model) searchLine(st Styles, w int) string {
	if m.searching {
		badge, hint := " SEARCH ", "  enter done · esc clear"
		fw := min(w-len(badge), max(w-len(badge)-draw.Width(hint), w/2))
		return draw.Fit(st.SearchActive.Render(badge)+m.search.View(st.Input, fw)+
			st.Muted.Render(draw.Trunc(hint, max(w-fw-len(badge), 0))), w)
	}
	hint := fmt.Sprintf("  %d shown · / edit · esc clear", len(m.visible))
	fw := min(w, max(w-draw.Width(hint), w/2))
	return draw.Fit(m.search.View(st.Input, fw)+st.Muted.Render(draw.Trunc(hint, max(w-fw, 0))), w)
}

func (m Model) list(st Styles, w, h int, focused bool) []string {
	if m.user == nil {
		return []string{st.Muted.Render("No user selected.")}
	}
	switch {
	case m.err != nil:
		what, todo := explain.Err("Loading sign-ins", m.err)
		var lines []string
		for _, l := range draw.Wrap(what, w) {
			lines = append(lines, st.Error.Render(l))
		}
		for _, l := range draw.Wrap(todo, w) {
			lines = append(lines, st.Muted.Render(l))
		}
		return lines
	case m.loading && len(m.all) == 0:
		return []string{st.Muted.Render("Loading sign-ins…")}
	case len(m.visible) == 0 && m.query != "":
		return []string{st.Muted.Render(draw.Trunc("No sign-ins match \""+m.search.Value()+"\". esc clears.", w))}
	case len(m.visible) == 0 && m.failuresOnly:
		return []string{st.Muted.Render(draw.Trunc("No failed sign-ins in this window. f shows all.", w))}
	case len(m.visible) == 0:
		// Entra writes sign-ins 2-5 minutes after they happen
		return []string{st.Muted.Render(draw.Trunc("No sign-ins in this window (new ones take 2-5 minutes to appear).", w))}
	}
	cols := draw.Layout(columns, priority, flexColumn, w)
	lines := make([]string, 0, h)
	lines = append(lines, st.Header.Render(draw.Fit(draw.Header(cols), w)))
	idx := draw.Kept(columns, cols)
	end := min(m.offset+h-1, len(m.visible))
	cells := make([]string, len(idx))
	widths := make([]int, len(idx))
	for vi := m.offset; vi < end; vi++ {
		r := m.rows[m.visible[vi]]
		for j, ci := range idx {
			cells[j], widths[j] = r.cells[ci], r.widths[ci]
		}
		line := draw.RowW(cols, cells, widths)
		switch {
		case vi == m.cursor && focused:
			lines = append(lines, st.Cursor.Render(line))
		case r.failed && !r.benign:
			lines = append(lines, st.Bad.Render(line))
		case r.benign:
			lines = append(lines, st.Benign.Render(line))
		default:
			lines = append(lines, st.Row.Render(line))
		}
	}
	return lines
}

// DetailLines describe one sign-in in full for the detail view, with the
// plain-language hint for its error code, wrapped to w cells.
func DetailLines(st Styles, s graph.SignIn, loc *time.Location, w int) []string {
	labelW := 15
	valW := max(w-labelW-1, 10)
	var lines []string
	field := func(label, value string) {
		value = strings.TrimSpace(value)
		if value == "" {
			return
		}
		for i, l := range draw.Wrap(value, valW) {
			lab := ""
			if i == 0 {
				lab = label
			}
			lines = append(lines, st.Label.Render(draw.Fit(lab, labelW))+" "+st.Value.Render(l))
		}
	}
	c := graph.CleanText
	result := "success"
	if s.Failed() {
		result = fmt.Sprintf("failed (%d)", s.Status.ErrorCode)
	}
	field("When", s.CreatedDateTime.In(loc).Format("Mon Jan 2 2006 15:04:05 MST"))
	field("Result", result)
	field("Failure reason", c(s.Status.FailureReason))
	field("Details", c(s.Status.AdditionalDetails))
	app := c(s.AppDisplayName)
	if r := c(s.ResourceDisplayName); r != "" && r != app {
		app += " → " + r
	}
	field("App", app)
	client := c(s.ClientAppUsed)
	if s.EventType == graph.SignInNonInteractive || (s.EventType == "" && !s.IsInteractive) {
		client += " · non-interactive"
	} else {
		client += " · interactive"
	}
	field("Client", client)
	field("IP / location", strings.Trim(c(s.IPAddress)+" · "+locationText(s.Location), " ·"))
	var dev []string
	for _, x := range []string{s.Device.DisplayName, s.Device.OperatingSystem, s.Device.Browser, s.Device.TrustType} {
		if x = c(x); x != "" {
			dev = append(dev, x)
		}
	}
	if len(dev) > 0 {
		dev = append(dev, yesNo("compliant", s.Device.IsCompliant), yesNo("managed", s.Device.IsManaged))
	}
	field("Device", strings.Join(dev, " · "))
	mfa := MFAText(s)
	for _, step := range s.AuthDetails {
		d := c(step.Method)
		if step.MethodDetail != "" {
			d += " (" + c(step.MethodDetail) + ")"
		}
		if step.Succeeded {
			d += " ✓"
		} else {
			d += " ✗"
		}
		if step.ResultDetail != "" {
			d += " " + c(step.ResultDetail)
		}
		mfa += "\n" + d
	}
	for i, l := range strings.Split(strings.TrimPrefix(mfa, "\n"), "\n") {
		if i == 0 {
			field("MFA", l)
		} else {
			field("", l)
		}
	}
	ca := c(s.ConditionalAccessStatus)
	if s.PoliciesHidden {
		// Graph omits the applied policies for a caller who cannot read
		// Conditional Access data: unknown, not "none applied"
		ca += "\npolicies not visible to your role"
	}
	for _, p := range s.AppliedPolicies {
		if p.Result == "failure" || p.Result == "success" {
			ca += fmt.Sprintf("\n%q: %s", c(p.DisplayName), c(p.Result))
		}
	}
	for i, l := range strings.Split(ca, "\n") {
		if i == 0 {
			field("Cond. access", l)
		} else {
			field("", l)
		}
	}
	field("Risk", RiskText(s))
	field("Correlation id", c(s.CorrelationID))

	return append(HintLines(st, s, w), lines...)
}

// HintLines are the plain-language hint for a failed sign-in's error code
// (graph.SignInHint): what it means and what to do next, naming the
// Conditional Access policy for 53003. Empty for a success.
func HintLines(st Styles, s graph.SignIn, w int) []string {
	if !s.Failed() {
		return nil
	}
	var lines []string
	h, ok := graph.SignInHint(s.Status.ErrorCode)
	if !ok {
		lines = append(lines, st.HintTitle.Render(fmt.Sprintf("Error %d", s.Status.ErrorCode)))
		for _, l := range draw.Wrap("No hint for this code yet: read the failure reason below, or look it up at https://login.microsoftonline.com/error?code="+fmt.Sprint(s.Status.ErrorCode), w) {
			lines = append(lines, st.Hint.Render(l))
		}
		return append(lines, "")
	}
	lines = append(lines, st.HintTitle.Render(fmt.Sprintf("What %d means", s.Status.ErrorCode)))
	for _, l := range draw.Wrap(h.Meaning, w) {
		lines = append(lines, st.Hint.Render(l))
	}
	next := h.Next
	if s.Status.ErrorCode == 53003 {
		if names := failedPolicies(s); names != "" {
			next = "Blocked by " + names + ". " + next
		} else if s.PoliciesHidden {
			next = "Which policy blocked it is not visible to your role (reading Conditional Access data needs Security Reader, Global Reader or Conditional Access Administrator, and Policy.Read.All). " + next
		}
	}
	lines = append(lines, st.HintTitle.Render("What to do"))
	for _, l := range draw.Wrap(next, w) {
		lines = append(lines, st.Hint.Render(l))
	}
	return append(lines, "")
}

func failedPolicies(s graph.SignIn) string {
	var names []string
	for _, p := range graph.FailedPolicies(s) {
		names = append(names, fmt.Sprintf("%q", graph.CleanText(p.DisplayName)))
	}
	if len(names) == 0 {
		return ""
	}
	if len(names) == 1 {
		return "the policy " + names[0]
	}
	return "the policies " + strings.Join(names, ", ")
}

func yesNo(label string, b bool) string {
	if b {
		return label + " ✓"
	}
	return label + " ✗"
}

// riskLevel is the sign-in's level to show: during the sign-in, else the
// aggregated one ("" when neither is a level: none, hidden).
func riskLevel(s graph.SignIn) string {
	for _, l := range []string{s.RiskLevelDuringSignIn, s.RiskLevelAggregated} {
		switch strings.ToLower(l) {
		case "", graph.RiskLevelNone, graph.RiskLevelHidden, "unknownfuturevalue":
		default:
			return graph.CleanText(l)
		}
	}
	return ""
}

// RiskCell is the list's Risk column, six cells at most: the level of a
// sign-in at risk, else how Identity Protection closed it ("dism.",
// "fixed", "safe"); "compr." once confirmed compromised; "risk" when the
// level is hidden (no Entra ID P2) but the state is not. Empty for a
// sign-in without risk. The detail says it in full (RiskText).
func RiskCell(s graph.SignIn) string {
	if !graph.SignInRisky(s) {
		return ""
	}
	switch s.RiskState {
	case graph.RiskStateDismissed:
		return "dism."
	case graph.RiskStateRemediated:
		return "fixed"
	case graph.RiskStateConfirmedSafe:
		return "safe"
	case graph.RiskStateConfirmedCompromised:
		return "compr."
	}
	if level := riskLevel(s); level != "" {
		return draw.Trunc(level, 6)
	}
	return "risk"
}

// RiskText is the detail's Risk line: the levels, the state and its
// reason, the detections. Empty when the sign-in carries no risk (or it
// is hidden: the tenant has no Entra ID P2).
func RiskText(s graph.SignIn) string {
	if !graph.SignInRisky(s) {
		return ""
	}
	c := graph.CleanText
	var parts []string
	if l := strings.ToLower(s.RiskLevelDuringSignIn); l != "" && l != graph.RiskLevelNone && l != graph.RiskLevelHidden {
		parts = append(parts, c(s.RiskLevelDuringSignIn)+" during sign-in")
	}
	if l := strings.ToLower(s.RiskLevelAggregated); l != "" && l != graph.RiskLevelNone && l != graph.RiskLevelHidden {
		parts = append(parts, "aggregated "+c(s.RiskLevelAggregated))
	}
	if s.RiskState != "" && s.RiskState != graph.RiskStateNone {
		parts = append(parts, graph.RiskStateText(s.RiskState))
	}
	if d := graph.RiskDetailText(s.RiskDetail); d != "" {
		parts = append(parts, d)
	}
	if len(s.RiskEventTypes) > 0 {
		var ev []string
		for _, e := range s.RiskEventTypes {
			ev = append(ev, c(e))
		}
		parts = append(parts, "detections: "+strings.Join(ev, ", "))
	}
	return strings.Join(parts, " · ")
}
