// Package methods is the Status and methods pane: the highlighted user's
// registration status (MFA registered / capable, SSPR, default method,
// per-user MFA state, last updated) and every registered method with its
// detail, the default one marked. Each of the three sources (methods,
// registration, per-user MFA) has its own loading and error state.
package methods

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
	"github.com/mfadesk/mfadesk/tui/internal/explain"
)

// Styles is what the pane draws with (filled by tui/theme.go).
type Styles struct {
	Name, Label, Value, OK, Bad, Warn, Muted, Error draw.Painter
	Kind, Default, Cursor, CursorBlurred, Header    draw.Painter
}

// Model is the pane's state.
type Model struct {
	ctx    context.Context // the console's: cancelled on quit
	client graph.Client
	now    func() time.Time
	loc    *time.Location

	user   *graph.User
	seq    int
	cancel context.CancelFunc

	methods  []graph.Method
	rows     []row
	mLoading bool
	mErr     error

	reg        *graph.Registration
	roles      *graph.TargetRoles // nil until read (or when the client cannot)
	regLoading bool
	regErr     error

	mfa        graph.PerUserMFAState
	mfaLoading bool
	mfaErr     error

	// The user's Identity Protection risk (risk.go); nil while unknown.
	risk        *graph.IdentityRisk
	riskLoading bool
	riskErr     error
	req         mfaReq // "is MFA required?" and the user's groups (mfarequired.go)

	cursor, offset int
	w, h, listH    int
}

type row struct{ def, kind, detail, when string }

// MethodsMsg, RegistrationMsg and PerUserMsg answer Load; Seq and UserID
// drop an answer for a user no longer shown.
type MethodsMsg struct {
	Seq     int
	UserID  string
	Methods []graph.Method
	Err     error
}

type RegistrationMsg struct {
	Seq    int
	UserID string
	Reg    graph.Registration
	Err    error
}

// RolesMsg carries the user's directory roles (graph.ReadTargetRoles), which
// decide whether the operator may change this user's credentials.
type RolesMsg struct {
	Seq    int
	UserID string
	Roles  graph.TargetRoles
	// Failed: the roles could not be read (Roles is empty).
	Failed bool
}

type PerUserMsg struct {
	Seq    int
	UserID string
	State  graph.PerUserMFAState
	Err    error
}

// New returns an empty pane; ctx is the console's (its loads end with it).
func New(ctx context.Context, c graph.Client, now func() time.Time, loc *time.Location) Model {
	return Model{ctx: ctx, client: c, now: now, loc: loc}
}

// User is the user shown (nil: none).
func (m Model) User() *graph.User { return m.user }

// Clear shows no user and cancels what was loading.
func (m *Model) Clear() {
	if m.cancel != nil {
		m.cancel()
	}
	m.seq++
	*m = Model{ctx: m.ctx, client: m.client, now: m.now, loc: m.loc, seq: m.seq, w: m.w, h: m.h, req: m.req.forUser()}
}

// Show displays u at once (loading), without fetching: the root calls it
// as the cursor moves and Load once it rests. reg may be nil.
func (m *Model) Show(u graph.User, reg *graph.Registration) {
	if m.cancel != nil {
		m.cancel()
	}
	m.seq++
	if m.user == nil || m.user.ID != u.ID {
		m.methods, m.rows, m.reg, m.mfa, m.roles = nil, nil, nil, "", nil
		m.risk = nil
		m.cursor, m.offset = 0, 0
		m.req = m.req.forUser()
	}
	m.riskErr, m.riskLoading = nil, true
	m.user = &u
	if reg != nil {
		r := *reg
		m.reg = &r
	}
	m.mErr, m.regErr, m.mfaErr = nil, nil, nil
	m.mLoading, m.mfaLoading, m.regLoading = true, true, m.reg == nil
	m.relayout()
}

// Load shows u and fetches its methods and per-user MFA state; the
// registration comes from reg (the tenant-wide report) when known, else it
// is fetched too. Earlier loads are cancelled.
func (m *Model) Load(u graph.User, reg *graph.Registration) tea.Cmd {
	if m.cancel != nil {
		m.cancel()
	}
	ctx, cancel := context.WithCancel(m.ctx)
	m.cancel = cancel
	m.seq++
	same := m.user != nil && m.user.ID == u.ID
	m.user = &u
	if !same {
		m.methods, m.rows, m.reg, m.mfa = nil, nil, nil, ""
		m.risk = nil
		m.cursor, m.offset = 0, 0
		m.req = m.req.forUser()
	} else {
		// A reload of the same user keeps the last answer shown until the
		// new one is in (no flicker back to "…" after every action).
		m.req = m.req.reload()
	}
	m.riskErr, m.riskLoading = nil, true
	m.mErr, m.regErr, m.mfaErr = nil, nil, nil
	m.mLoading, m.mfaLoading = true, true
	seq, c, id := m.seq, m.client, u.ID
	cmds := []tea.Cmd{
		func() tea.Msg {
			ms, err := c.ListMethods(ctx, id)
			return MethodsMsg{Seq: seq, UserID: id, Methods: ms, Err: err}
		},
		func() tea.Msg {
			s, err := c.PerUserMFA(ctx, id)
			return PerUserMsg{Seq: seq, UserID: id, State: s, Err: err}
		},
		func() tea.Msg {
			// Best effort: unreadable roles leave the registration
			// report's isAdmin to decide (the stricter reading).
			r, ok, err := graph.ReadTargetRoles(ctx, c, id)
			if !ok || err != nil {
				return RolesMsg{Seq: seq, UserID: id, Failed: true}
			}
			return RolesMsg{Seq: seq, UserID: id, Roles: r}
		},
		func() tea.Msg {
			r, err := c.UserRisk(ctx, id)
			return RiskMsg{Seq: seq, UserID: id, Risk: r, Err: err}
		},
	}
	cmds = append(cmds, m.loadRequirement(ctx, seq, u)...)
	if reg != nil {
		r := *reg
		m.reg, m.regLoading = &r, false
	} else {
		m.regLoading = true
		cmds = append(cmds, func() tea.Msg {
			r, err := c.Registration(ctx, id)
			return RegistrationMsg{Seq: seq, UserID: id, Reg: r, Err: err}
		})
	}
	return tea.Batch(cmds...)
}

// Reload fetches everything again for the same user, the registration
// included (after an action changed it).
func (m *Model) Reload() tea.Cmd {
	if m.user == nil {
		return nil
	}
	return m.Load(*m.user, nil)
}

func (m *Model) current(seq int, id string) bool {
	return m.user != nil && seq == m.seq && id == m.user.ID
}

// Update handles the pane's own messages.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case MethodsMsg:
		if !m.current(msg.Seq, msg.UserID) {
			return m, nil
		}
		m.mLoading, m.mErr = false, msg.Err
		if msg.Err == nil {
			m.setMethods(msg.Methods)
		}
	case RegistrationMsg:
		if !m.current(msg.Seq, msg.UserID) {
			return m, nil
		}
		m.regLoading, m.regErr = false, msg.Err
		if msg.Err == nil {
			r := msg.Reg
			m.reg = &r
		}
	case RolesMsg:
		if !m.current(msg.Seq, msg.UserID) {
			return m, nil
		}
		if !msg.Failed {
			r := msg.Roles
			m.roles = &r
		}
		m.req.rolesDone = true
		m.evaluate()
	case RiskMsg:
		if !m.current(msg.Seq, msg.UserID) {
			return m, nil
		}
		m.riskLoading, m.riskErr = false, msg.Err
		if msg.Err == nil {
			r := msg.Risk
			m.risk = &r
		}
	case PerUserMsg:
		if !m.current(msg.Seq, msg.UserID) {
			return m, nil
		}
		m.mfaLoading, m.mfaErr = false, msg.Err
		if msg.Err == nil {
			m.mfa = msg.State
		}
		m.evaluate()
	case GroupsMsg:
		if !m.current(msg.Seq, msg.UserID) {
			return m, nil
		}
		m.req.groups, m.req.groupsErr, m.req.groupsDone = msg.Groups, msg.Err, true
		m.evaluate()
	case PoliciesMsg:
		m.req.shared.pol, m.req.shared.loaded, m.req.shared.loading = msg.Policies, true, false
		m.evaluate()
	}
	m.relayout()
	return m, nil
}

// Busy reports a load in flight.
func (m Model) Busy() bool {
	return m.mLoading || m.regLoading || m.mfaLoading || m.riskLoading || m.reqBusy()
}

// Registration is the shown user's registration, when known.
func (m Model) Registration() *graph.Registration { return m.reg }

// TargetRoles are the shown user's directory roles (nil while unknown).
func (m Model) TargetRoles() *graph.TargetRoles { return m.roles }

// PerUserState is the shown user's per-user MFA state ("" while unknown).
func (m Model) PerUserState() graph.PerUserMFAState { return m.mfa }

// Methods are the shown user's methods (nil while loading).
func (m Model) Methods() []graph.Method { return m.methods }

// Loaded reports that the method list is known (not loading, no error).
func (m Model) Loaded() bool { return m.user != nil && !m.mLoading && m.mErr == nil }

// Selected is the highlighted method.
func (m Model) Selected() (graph.Method, bool) {
	if m.cursor < 0 || m.cursor >= len(m.methods) {
		return graph.Method{}, false
	}
	return m.methods[m.cursor], true
}

// Move moves the method cursor.
func (m *Model) Move(delta int) {
	if len(m.methods) == 0 {
		return
	}
	m.cursor = draw.Clamp(m.cursor+delta, 0, len(m.methods)-1)
	m.offset = draw.Scroll(m.cursor, m.offset, m.listH, len(m.methods))
}

// Select puts the cursor on method i.
func (m *Model) Select(i int) { m.Move(i - m.cursor) }

func (m *Model) setMethods(ms []graph.Method) {
	// Display order: the default first, then graph.AllKinds order, so a
	// technician reads the same layout for every user.
	order := map[graph.MethodKind]int{}
	for i, k := range graph.AllKinds {
		order[k] = i + 1
	}
	sorted := append([]graph.Method(nil), ms...)
	rank := func(x graph.Method) int {
		if x.IsDefault {
			return 0
		}
		if r, ok := order[x.Kind]; ok {
			return r
		}
		return len(order) + 1
	}
	for i := 1; i < len(sorted); i++ { // insertion sort: stable, tiny n
		for j := i; j > 0 && rank(sorted[j]) < rank(sorted[j-1]); j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	m.methods = sorted
	m.rows = m.rows[:0]
	for _, x := range sorted {
		m.rows = append(m.rows, m.makeRow(x))
	}
	m.cursor = draw.Clamp(m.cursor, 0, max(len(sorted)-1, 0))
}

// prompted is what Entra prompts the user for, and whether that is not
// their default (system-preferred MFA chose another method).
func (m Model) prompted() (graph.Prompt, bool) {
	p := graph.Prompted(m.methods, m.reg)
	if !p.System || p.Index < 0 && PreferredLabel(p.Value) == "" {
		return p, false
	}
	if p.Index >= 0 {
		return p, !m.methods[p.Index].IsDefault
	}
	return p, m.reg == nil || PreferredLabel(p.Value) != PreferredLabel(m.reg.UserPreferredMethodForSecondaryAuthentication)
}

// GlyphPrompted marks the method Entra prompts for when system-preferred
// MFA is on (the default, "*", is then not used).
const GlyphPrompted = "»"

// PreferredLabel names a userPreferredMethodForSecondaryAuthentication
// value for people ("push" -> "Authenticator push").
func PreferredLabel(v string) string {
	switch strings.ToLower(v) {
	case "", "none":
		return ""
	case "push":
		return "Authenticator push"
	case "oath":
		return "OATH code"
	case "voicemobile", "voicealternatemobile", "voiceoffice", "voice":
		return "voice call"
	case "sms":
		return "SMS"
	case "fido2":
		return "FIDO2 key"
	case "temporaryaccesspass":
		return "TAP"
	case "passkeydevicebound", "passkeydeviceboundauthenticator":
		return "passkey"
	case "windowshelloforbusiness":
		return "Windows Hello"
	case "microsoftauthenticatorpush":
		return "Authenticator push"
	case "softwareonetimepasscode":
		return "OATH code"
	}
	return graph.CleanText(v)
}

// KindLabel names a method kind for people (graph's naming table).
func KindLabel(m graph.Method) string { return graph.MethodTitle(m) }

// Summary is Detail without anything that depends on the clock (a TAP's
// expiry is given as a date): for labels in plans and results.
func Summary(m graph.Method) string { return Detail(m, time.Time{}, time.UTC) }

// Detail describes one method in a line: device and app version, masked
// phone number, key model, TAP expiry, ...
func Detail(m graph.Method, now time.Time, loc *time.Location) string {
	var parts []string
	add := func(s string) {
		if s = strings.TrimSpace(graph.CleanText(s)); s != "" {
			parts = append(parts, s)
		}
	}
	switch m.Kind {
	case graph.KindAuthenticator:
		add(firstNonEmpty(m.Device, m.DisplayName, m.Detail))
		if m.AppVersion != "" {
			add("app " + m.AppVersion)
		}
	case graph.KindPhone:
		add(m.PhoneType)
		add(m.PhoneNumber)
		if len(parts) == 0 {
			add(m.Detail)
		}
	case graph.KindFIDO2:
		add(firstNonEmpty(m.Model, m.DisplayName, m.Detail))
	case graph.KindEmail:
		add(firstNonEmpty(m.Email, m.Detail))
	case graph.KindTAP:
		start := m.TAPStart
		if start.IsZero() {
			start = m.Created
		}
		exp := start.Add(time.Duration(m.LifetimeMinutes) * time.Minute)
		if m.LifetimeMinutes > 0 && !start.IsZero() {
			if now.IsZero() {
				add("expires " + exp.In(loc).Format("Jan 2 15:04 MST"))
			} else if exp.Before(now) {
				add("expired " + exp.In(loc).Format("Jan 2 15:04"))
			} else {
				add("expires in " + draw.Until(now, exp))
			}
		}
		if m.IsUsableOnce {
			add("one-time")
		}
		if len(parts) == 0 {
			add(m.Detail)
		}
	case graph.KindWindowsHello, graph.KindPlatformCredential:
		add(firstNonEmpty(m.Device, m.DisplayName, m.Detail))
	case graph.KindPassword:
		add(m.Detail)
		if len(parts) == 1 && strings.EqualFold(parts[0], "password") {
			parts = nil
		}
	default:
		add(firstNonEmpty(m.Detail, m.DisplayName))
	}
	return strings.Join(parts, " · ")
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

func (m Model) makeRow(x graph.Method) row {
	r := row{kind: KindLabel(x), detail: Detail(x, m.now(), m.loc)}
	if x.IsDefault {
		r.def = "*"
	}
	if !x.Created.IsZero() {
		r.when = x.Created.In(m.loc).Format("2006-01-02")
	}
	return r
}

// SetSize tells the pane its inner size (the method list scrolls within
// what the status lines leave).
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.relayout()
}

// relayout recomputes the method list's height, which depends on the size
// and on how many status lines the data needs.
func (m *Model) relayout() {
	m.listH = max(m.h-len(m.statusLines(Styles{}, m.w)), 1)
	if len(m.methods) > m.listH {
		m.listH = max(m.listH-1, 1)
	}
	m.offset = draw.Scroll(m.cursor, m.offset, m.listH, len(m.methods))
}

// Wanted is how many inner lines the pane would like at width w: the
// status lines and one per method (at least one for a state line).
func (m Model) Wanted(w int) int {
	return len(m.statusLines(Styles{}, w)) + max(len(m.methods), 1)
}

// Title is the pane's title and right-hand note.
func (m Model) Title() (string, string) {
	if m.user == nil {
		return "Status & methods", ""
	}
	if m.mLoading {
		return "Status & methods", "loading…"
	}
	if m.mErr != nil {
		return "Status & methods", "load failed" // no count: none is known
	}
	if len(m.methods) == 1 {
		return "Status & methods", "1 method"
	}
	return "Status & methods", fmt.Sprintf("%d methods", len(m.methods))
}

func yes(st Styles, ok bool) string {
	if ok {
		return st.OK.Render("✓")
	}
	return st.Bad.Render("✗")
}

// statusLines are the registration status lines for width w.
func (m Model) statusLines(st Styles, w int) []string {
	if m.user == nil {
		return nil
	}
	u := m.user
	head := st.Name.Render(draw.Trunc(graph.CleanText(u.DisplayName), w))
	if rest := w - draw.Width(graph.CleanText(u.DisplayName)) - 2; rest > 8 {
		head += "  " + st.Muted.Render(draw.Trunc(graph.CleanText(u.UserPrincipalName), rest))
	}
	lines := []string{head}
	var seg []string
	switch {
	case m.reg != nil:
		r := m.reg
		seg = append(seg,
			st.Label.Render("MFA registered ")+yes(st, r.IsMfaRegistered),
			st.Label.Render("capable ")+yes(st, r.IsMfaCapable),
			st.Label.Render("SSPR ")+yes(st, r.IsSsprRegistered))
	case m.regLoading:
		seg = append(seg, st.Muted.Render("registration loading…"))
	}
	switch {
	case m.mfaLoading:
		seg = append(seg, st.Label.Render("per-user MFA ")+st.Muted.Render("…"))
	case m.mfaErr != nil:
		seg = append(seg, st.Label.Render("per-user MFA ")+st.Error.Render("unavailable"))
	case m.mfa != "":
		s := st.Value
		if m.mfa == graph.PerUserMFAEnforced {
			s = st.Warn
		}
		seg = append(seg, st.Label.Render("per-user ")+s.Render(string(m.mfa)))
	}
	// What Entra prompts for: with system-preferred MFA on, the system's
	// pick, and the user's default is then not used (graph.Prompted).
	p, differs := m.prompted()
	if m.reg != nil {
		def := PreferredLabel(m.reg.UserPreferredMethodForSecondaryAuthentication)
		if def != "" && def != "none" {
			v := st.Value.Render(graph.CleanText(def))
			if differs {
				v = st.Muted.Render(graph.CleanText(def) + " (not used)")
			}
			seg = append(seg, st.Label.Render("default ")+v)
		}
	}
	switch {
	case differs:
		what := PreferredLabel(p.Value)
		if p.Index >= 0 {
			what = KindLabel(m.methods[p.Index])
		}
		seg = append(seg, st.Label.Render("Entra prompts ")+st.Value.Render(graph.CleanText(what))+st.Muted.Render(" (system-preferred)"))
	case p.System:
		seg = append(seg, st.Muted.Render("system-preferred on"))
	}
	if m.reg != nil {
		if m.reg.IsAdmin {
			seg = append(seg, st.Warn.Render("admin"))
		}
		if !m.reg.LastUpdated.IsZero() {
			seg = append(seg, st.Muted.Render("updated "+draw.Ago(m.now(), m.reg.LastUpdated)))
		}
	}
	if !u.AccountEnabled {
		seg = append(seg, st.Bad.Render("account disabled"))
	}
	if u.IsGuest() {
		seg = append(seg, st.Warn.Render("guest"))
	}
	lines = append(lines, draw.Pack(seg, st.Muted.Render(" · "), w)...)
	if l := m.riskLine(st, w); l != "" {
		lines = append(lines, l)
	}
	lines = append(lines, m.requirementLines(st, w)...)
	if m.reg == nil && !m.regLoading && m.regErr != nil {
		// The whole message, wrapped: cut, it loses what to do.
		what, _ := explain.Err("Registration", m.regErr)
		for _, l := range draw.Wrap(what, w) {
			lines = append(lines, st.Error.Render(l))
		}
	}
	return lines
}

// View draws the pane's inner w x h lines.
func (m Model) View(st Styles, w, h int, focused bool) []string {
	if m.user == nil {
		return []string{st.Muted.Render("No user selected."),
			st.Muted.Render(draw.Trunc("Search with / and pick a user.", w))}
	}
	lines := m.statusLines(st, w)
	switch {
	case m.mLoading && len(m.methods) == 0:
		return append(lines, st.Muted.Render("Loading methods…"))
	case m.mErr != nil:
		what, todo := explain.Err("Loading methods", m.mErr)
		for _, l := range draw.Wrap(what, w) {
			lines = append(lines, st.Error.Render(l))
		}
		for _, l := range draw.Wrap(todo, w) {
			lines = append(lines, st.Muted.Render(l))
		}
		return lines
	case len(m.methods) == 0:
		return append(lines, st.Muted.Render("No methods registered (not even a password)."))
	}
	listH := max(h-len(lines), 1)
	overflow := len(m.methods) > listH
	if overflow {
		listH = max(listH-1, 1) // keep a line to say there is more
	}
	offset := draw.Scroll(m.cursor, m.offset, listH, len(m.methods))
	kindW := 14
	whenW := 0
	if w >= 70 {
		whenW = 10
	}
	detW := max(w-2-kindW-1-whenW-boolInt(whenW > 0), 0)
	prompted := -1
	if p, differs := m.prompted(); differs {
		prompted = p.Index
	}
	for i := offset; i < len(m.rows) && i < offset+listH; i++ {
		r := m.rows[i]
		def := " "
		switch {
		case i == prompted:
			def = GlyphPrompted // what Entra asks for, whatever the default
		case r.def != "":
			def = "*"
		}
		when := ""
		if whenW > 0 {
			when = " " + draw.FitRight(r.when, whenW)
		}
		if i == m.cursor && focused {
			lines = append(lines, st.Cursor.Render(draw.Fit(def+" "+draw.Fit(r.kind, kindW)+" "+draw.Fit(r.detail, detW)+when, w)))
			continue
		}
		ks := st.Kind
		if r.def != "" {
			ks = st.Default
		}
		lines = append(lines, st.Default.Render(def)+" "+ks.Render(draw.Fit(r.kind, kindW))+" "+
			st.Value.Render(draw.Fit(r.detail, detW))+st.Muted.Render(when))
	}
	if overflow {
		above, below := offset, len(m.methods)-offset-listH
		lines = append(lines, st.Muted.Render(draw.FitRight(fmt.Sprintf("↑%d ↓%d more", above, below), w)))
	}
	return lines
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
