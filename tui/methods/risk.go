package methods

import (
	"errors"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
)

// The status pane's identity risk line: the user's risk in Microsoft
// Entra ID Protection (graph/idrisk.go). A high user risk blocks sign-in
// under a risk-based policy even after a reset, which is why the helpdesk
// needs to see it next to the methods.

// RiskMsg answers the risk read of Load.
type RiskMsg struct {
	Seq    int
	UserID string
	Risk   graph.IdentityRisk
	Err    error
}

// RiskUnknownWhy is what the line says when the risk cannot be read:
// Graph answers a missing permission or role and a tenant without Entra
// ID P2 with the same 403.
const RiskUnknownWhy = "needs IdentityRiskyUser.Read.All and Entra ID P2"

// Risk is the shown user's identity risk (nil while unknown).
func (m Model) Risk() *graph.IdentityRisk { return m.risk }

// riskLine is the line for width w ("" when there is nothing to say: a
// client that cannot read risk at all, as the unit tests' double).
func (m Model) riskLine(st Styles, w int) string {
	label := st.Label.Render("identity risk ")
	switch {
	case m.riskLoading:
		return label + st.Muted.Render("…")
	case m.riskErr != nil:
		if errors.Is(m.riskErr, graph.ErrUnsupported) {
			return ""
		}
		if errors.Is(m.riskErr, graph.ErrDenied) || errors.Is(m.riskErr, graph.ErrUnlicensed) {
			return label + st.Muted.Render(draw.Trunc("unknown — "+RiskUnknownWhy, max(w-14, 1)))
		}
		return label + st.Error.Render("unavailable")
	case m.risk == nil:
		return ""
	}
	r := m.risk
	level := st.Value
	switch r.Level {
	case graph.RiskLevelHigh:
		level = st.Bad
	case graph.RiskLevelMedium, graph.RiskLevelLow:
		level = st.Warn
	case graph.RiskLevelNone, "":
		level = st.OK
	}
	lv := graph.CleanText(r.Level)
	if lv == "" {
		lv = graph.RiskLevelNone
	}
	seg := []string{label + level.Render(lv)}
	if r.State != "" && r.State != graph.RiskStateNone {
		s := st.Value
		if r.AtRisk() {
			s = st.Bad
		}
		seg = append(seg, s.Render(graph.RiskStateText(r.State)))
	}
	if d := graph.RiskDetailText(r.Detail); d != "" {
		seg = append(seg, st.Muted.Render(d))
	}
	if !r.LastUpdated.IsZero() {
		seg = append(seg, st.Muted.Render("updated "+draw.Ago(m.now(), r.LastUpdated)))
	}
	lines := draw.Pack(seg, st.Muted.Render(" · "), w)
	if len(lines) == 0 {
		return ""
	}
	return lines[0]
}
