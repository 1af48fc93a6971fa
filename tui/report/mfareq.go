package report

// mfareq.go: the report's "MFA req" column and its filter: is MFA
// required of each user by Conditional Access or security defaults? The
// policies are read once per load, the groups they name expanded once
// (graph.ReadMembershipIndex), and the roles read only for admin rows,
// four at a time: the column costs requests per named group and per
// admin, never per user (see graph/mfarequired_index.go).

import (
	"slices"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
)

// columnMFAReq is the column's index in columns.
const columnMFAReq = 10

// mfaState is the column's data, shared by the model's copies.
type mfaState struct {
	gen      int // the load it belongs to (loader.gen)
	loaded   bool
	pol      graph.MFAPolicies
	ix       *graph.MembershipIndex
	roles    bool            // a policy names roles: admins' roles are read
	asked    map[string]bool // admin ids whose roles were asked for
	verdicts []graph.MFAVerdict
	notReq   int // rows whose verdict is "no"
	pending  int // admin role reads asked for and not answered
}

// MFAMsg carries the policies and the expanded groups of load Gen;
// AdminRolesMsg the roles of some admin rows.
type MFAMsg struct {
	Gen   int
	Pol   graph.MFAPolicies
	Index *graph.MembershipIndex
}

type AdminRolesMsg struct {
	Gen   int
	Roles map[string][]string // user id -> role template ids (nil: unreadable)
}

// LoadMFA reads the policies and expands their groups for the load Load
// just started (the root starts both; its answer is MFAMsg).
func (m Model) LoadMFA() tea.Cmd {
	if m.load == nil {
		return nil
	}
	r, ok := m.load.src.(graph.Reader)
	if !ok {
		return nil
	}
	ctx, gen := graph.WithPriority(m.load.ctx, graph.PriorityLow), m.load.gen
	return func() tea.Msg {
		pol := graph.ReadMFAPolicies(ctx, r)
		return MFAMsg{Gen: gen, Pol: pol, Index: graph.ReadMembershipIndex(ctx, r, pol)}
	}
}

// OnMFA takes the policies and index; the rows' verdicts follow, and the
// admins' roles are asked for when a policy names roles.
func (m *Model) OnMFA(msg MFAMsg) tea.Cmd {
	if m.load == nil || msg.Gen != m.load.gen {
		return nil
	}
	m.mfa = &mfaState{gen: msg.Gen, loaded: true, pol: msg.Pol, ix: msg.Index,
		roles: graph.MFAPolicyRoles(msg.Pol.Policies), asked: map[string]bool{}}
	m.mfaRecount()
	return m.AskAdminRoles()
}

// OnAdminRoles records admins' roles and evaluates their rows again.
func (m *Model) OnAdminRoles(msg AdminRolesMsg) {
	if m.mfa == nil || m.load == nil || msg.Gen != m.mfa.gen || msg.Gen != m.load.gen {
		return
	}
	m.mfa.pending--
	for id, roles := range msg.Roles {
		if roles != nil {
			m.mfa.ix.SetRoles(id, roles)
		}
	}
	m.mfaRecount()
}

// AskAdminRoles reads the roles of admin rows not asked for yet (four at
// a time, at low priority); the root asks after each page.
func (m *Model) AskAdminRoles() tea.Cmd {
	st := m.mfa
	if st == nil || !st.loaded || !st.roles || m.load == nil {
		return nil
	}
	rd, ok := m.load.src.(graph.Reader)
	if !ok {
		return nil
	}
	var ids []string
	for _, r := range m.regs {
		if r.IsAdmin && !st.asked[r.ID] {
			st.asked[r.ID] = true
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	ctx, gen := graph.WithPriority(m.load.ctx, graph.PriorityLow), st.gen
	st.pending++
	return func() tea.Msg {
		out := map[string][]string{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		sem := make(chan struct{}, 4)
		for _, id := range ids {
			wg.Add(1)
			go func(id string) {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				t, ok, err := graph.ReadTargetRoles(ctx, rd, id)
				mu.Lock()
				defer mu.Unlock()
				if ok && err == nil {
					out[id] = append([]string{}, t.Roles...)
				}
			}(id)
		}
		wg.Wait()
		return AdminRolesMsg{Gen: gen, Roles: out}
	}
}

// mfaRecount evaluates every row (cheap: a few policies a row) and
// refreshes the filter when it is the active one.
func (m *Model) mfaRecount() {
	st := m.mfa
	if st == nil || !st.loaded {
		return
	}
	st.verdicts = slices.Grow(st.verdicts[:0], len(m.regs))[:len(m.regs)]
	st.notReq = 0
	for i, r := range m.regs {
		v := graph.ReportVerdict(r, st.pol, st.ix).Verdict
		st.verdicts[i] = v
		if v == graph.MFANo {
			st.notReq++
		}
	}
	m.apply()
}

// mfaVerdict is row i's verdict ("" while unknown).
func (m *Model) mfaVerdict(i int32) graph.MFAVerdict {
	if m.mfa == nil || int(i) >= len(m.mfa.verdicts) {
		return ""
	}
	return m.mfa.verdicts[i]
}

// mfaCell is the column's cell: yes, dep(ends), no, ? (unknown), … (loading).
func (m *Model) mfaCell(i int32) string {
	switch m.mfaVerdict(i) {
	case graph.MFAYes:
		return "yes"
	case graph.MFAMaybe:
		return "dep"
	case graph.MFANo:
		return "no"
	case graph.MFAUnknown:
		return "?"
	}
	if m.load == nil {
		return "" // no source: nothing will tell
	}
	if _, ok := m.load.src.(graph.Reader); !ok {
		return ""
	}
	return "…"
}

// mfaRank sorts the column: no first (what a technician looks for), then
// depends, unknown, yes.
func (m *Model) mfaRank(i int32) uint64 {
	switch m.mfaVerdict(i) {
	case graph.MFANo:
		return 0
	case graph.MFAMaybe:
		return 1
	case graph.MFAUnknown:
		return 2
	case graph.MFAYes:
		return 3
	}
	return 4
}

// MFALoading reports the column's reads under way (tests wait for them).
func (m Model) MFALoading() bool {
	if m.load == nil || m.load.gen == 0 {
		return false
	}
	if _, ok := m.load.src.(graph.Reader); !ok {
		return false
	}
	return m.mfa == nil || !m.mfa.loaded || m.mfa.pending > 0
}

// MFAVerdictOf is the verdict of a shown row (tests, export).
func (m Model) MFAVerdictOf(r *graph.Registration) graph.MFAVerdict {
	for i, x := range m.regs {
		if x == r {
			return m.mfaVerdict(int32(i))
		}
	}
	return ""
}

// evaluateNew evaluates the rows appended since the last call.
func (m *Model) evaluateNew() {
	st := m.mfa
	if st == nil || !st.loaded {
		return
	}
	for i := len(st.verdicts); i < len(m.regs); i++ {
		v := graph.ReportVerdict(m.regs[i], st.pol, st.ix).Verdict
		st.verdicts = append(st.verdicts, v)
		if v == graph.MFANo {
			st.notReq++
		}
	}
}

// mfaReplaced evaluates row i again (a fresh row after an action).
func (m *Model) mfaReplaced(i int) {
	st := m.mfa
	if st == nil || i >= len(st.verdicts) {
		return
	}
	if st.verdicts[i] == graph.MFANo {
		st.notReq--
	}
	st.verdicts[i] = graph.ReportVerdict(m.regs[i], st.pol, st.ix).Verdict
	if st.verdicts[i] == graph.MFANo {
		st.notReq++
	}
}
