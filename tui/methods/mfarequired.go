package methods

// mfarequired.go: the status pane's "MFA required" verdict and the user's
// groups. The verdict is evaluated here (graph.EvaluateMFA) from what the
// pane reads anyway (per-user state, directory roles), the user's groups
// (one more read) and the tenant's policies, read once per session and
// shared by every user shown: moving the cursor costs one request, the
// groups, not three.

import (
	"context"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
)

// policyCache is the tenant's policies, shared by the pane's copies.
type policyCache struct {
	pol             graph.MFAPolicies
	loaded, loading bool
}

// mfaReq is one user's groups and requirement, and the shared policies.
type mfaReq struct {
	shared     *policyCache
	groups     []graph.UserGroup
	groupsErr  error
	groupsDone bool
	rolesDone  bool
	started    bool           // a load asked for the inputs
	result     *graph.UserMFA // nil until every input is known
}

// forUser starts over for another user (or a reload), keeping the policies.
func (r mfaReq) forUser() mfaReq {
	if r.shared == nil {
		r.shared = &policyCache{}
	}
	return mfaReq{shared: r.shared}
}

// reload starts over for the same user, keeping the last answer shown.
func (r mfaReq) reload() mfaReq {
	out := r.forUser()
	out.result = r.result
	return out
}

// GroupsMsg answers the user's groups read; PoliciesMsg the policies.
type GroupsMsg struct {
	Seq    int
	UserID string
	Groups []graph.UserGroup
	Err    error
}

type PoliciesMsg struct{ Policies graph.MFAPolicies }

// loadRequirement reads the groups, and the policies when no one has yet.
func (m *Model) loadRequirement(ctx context.Context, seq int, u graph.User) []tea.Cmd {
	if m.req.shared == nil {
		m.req = m.req.forUser()
	}
	c, id := m.client, u.ID
	m.req.started = true
	cmds := []tea.Cmd{func() tea.Msg {
		gs, err := c.UserGroups(ctx, id)
		return GroupsMsg{Seq: seq, UserID: id, Groups: gs, Err: err}
	}}
	if sh := m.req.shared; !sh.loaded && !sh.loading {
		sh.loading = true
		// The console's context, not this user's: moving on must not
		// cancel the one policy read every user needs.
		root := m.ctx
		cmds = append(cmds, func() tea.Msg { return PoliciesMsg{Policies: graph.ReadMFAPolicies(root, c)} })
	}
	return cmds
}

// RefreshPolicies forgets the policies (ctrl+r): the next load reads them.
func (m *Model) RefreshPolicies() {
	if m.req.shared != nil && !m.req.shared.loading {
		m.req.shared.loaded = false
	}
}

// complete: every input of the evaluation is in.
func (m Model) complete() bool {
	r := m.req
	return m.user != nil && r.shared != nil && r.shared.loaded && r.groupsDone && r.rolesDone && !m.mfaLoading
}

// reqBusy: a load asked for the inputs and some are still out.
func (m Model) reqBusy() bool { return m.req.started && !m.complete() }

// evaluate answers once groups, roles, per-user state and policies are in.
func (m *Model) evaluate() {
	r := &m.req
	if !m.complete() {
		return
	}
	pol := r.shared.pol
	mem := graph.UserMembership{GroupsKnown: r.groupsErr == nil, Groups: r.groups}
	if m.roles != nil {
		mem.Roles, mem.RolesKnown = m.roles.Roles, m.roles.Known
	}
	groups := append([]graph.UserGroup(nil), r.groups...)
	graph.MarkCATargets(groups, pol.Policies)
	res := graph.UserMFA{Groups: groups, GroupsErr: r.groupsErr, Required: graph.EvaluateMFA(*m.user, graph.MFAInputs{
		PerUser: m.mfa, PerUserErr: m.mfaErr, Policies: pol.Policies, PoliciesErr: pol.PoliciesErr,
		Defaults: pol.Defaults, DefaultsErr: pol.DefaultsErr, Membership: mem})}
	r.result = &res
}

// Requirement is the shown user's groups and MFA requirement (nil while
// loading).
func (m Model) Requirement() *graph.UserMFA { return m.req.result }

// requirementLines are the verdict line and the groups line.
func (m Model) requirementLines(st Styles, w int) []string {
	if m.user == nil {
		return nil
	}
	res := m.req.result
	if res == nil {
		return []string{st.Label.Render("MFA required ") + st.Muted.Render("…")}
	}
	r := res.Required
	v := st.Value
	switch r.Verdict {
	case graph.MFAYes:
		v = st.OK
	case graph.MFANo:
		v = st.Warn
	case graph.MFAUnknown:
		v = st.Error
	}
	line := strings.TrimPrefix(strings.TrimPrefix(r.Line(), string(r.Verdict)+", "), string(r.Verdict)+": ")
	verdict := string(r.Verdict)
	switch r.Verdict {
	case graph.MFANo, graph.MFAMaybe:
		verdict, line = "", r.Line()
	case graph.MFAUnknown:
		// What would let it tell comes first: the pane is narrow.
		if _, needs, ok := strings.Cut(r.Unknown[0], ": needs "); ok {
			line = "needs " + needs
		}
	}
	head := st.Label.Render("MFA required ")
	body := v.Render(verdict)
	if verdict != "" && line != "" {
		body += st.Value.Render(", ")
	}
	rest := w - draw.Width("MFA required "+verdict+", ")
	body += v.Render(draw.Trunc(line, max(rest, 1)))
	lines := []string{head + body}

	var seg []string
	switch {
	case res.GroupsErr != nil:
		seg = append(seg, st.Error.Render(graph.GroupsNote(res.GroupsErr)))
	case len(res.Groups) == 0:
		seg = append(seg, st.Muted.Render("in no group"))
	}
	for _, g := range res.Groups {
		name := graph.CleanText(g.DisplayName)
		if name == "" {
			name = graph.CleanText(g.ID)
		}
		var marks []string
		if g.IsAssignableToRole {
			marks = append(marks, "role-assignable")
		}
		if len(g.CAPolicies) > 0 {
			marks = append(marks, "CA")
		}
		s := st.Value.Render(name)
		if len(marks) > 0 {
			s += st.Warn.Render(" (" + strings.Join(marks, ", ") + ")")
		}
		seg = append(seg, s)
	}
	seg[0] = st.Label.Render("Groups ") + seg[0]
	packed := draw.Pack(seg, st.Muted.Render(" · "), w)
	if len(packed) > 1 {
		// One line: the rest are in the "why" dialog (y).
		packed = []string{draw.Trunc(packed[0], max(w-2, 1)) + st.Muted.Render(" …")}
	}
	return append(lines, packed...)
}

// WhyLines are the reasons and groups in full, for the "why" dialog,
// wrapped to w (a reason's continuation lines indented).
func (m Model) WhyLines(w int) []string {
	var out []string
	for _, l := range m.whyLines() {
		indent := draw.Width(l[:len(l)-len(strings.TrimLeft(l, " •"))])
		wrapped := draw.Wrap(l, max(w, 20))
		for i, x := range wrapped {
			if i > 0 {
				x = strings.Repeat(" ", indent) + x
			}
			out = append(out, x)
		}
		if len(wrapped) == 0 {
			out = append(out, "")
		}
	}
	return out
}

func (m Model) whyLines() []string {
	res := m.req.result
	if m.user == nil {
		return []string{"No user selected."}
	}
	if res == nil {
		return []string{"Still reading the policies and the user's groups…"}
	}
	r := res.Required
	out := []string{"MFA required: " + r.Line()}
	section := func(title string, rs []graph.MFAReason) {
		if len(rs) == 0 {
			return
		}
		out = append(out, "", title)
		for _, x := range rs {
			out = append(out, "  • "+x.Detail())
		}
	}
	section("Requires it:", r.Reasons)
	section("Report-only (not enforced):", r.ReportOnly)
	section("Would, but the user is excluded:", r.Excluded)
	if len(r.Unknown) > 0 {
		out = append(out, "", "Could not tell:")
		for _, u := range r.Unknown {
			out = append(out, "  • "+u)
		}
	}
	out = append(out, "", "Groups:")
	switch {
	case res.GroupsErr != nil:
		out = append(out, "  "+graph.GroupsNote(res.GroupsErr))
	case len(res.Groups) == 0:
		out = append(out, "  none")
	}
	for _, g := range res.Groups {
		out = append(out, "  • "+graph.GroupLine(g))
	}
	return out
}
