package methods

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/internal/tuitest"
)

// shown is the pane showing one demo persona, loaded through the real
// client from the fake tenant.
func shown(t *testing.T, c graph.Client, id string) Model {
	t.Helper()
	ctx := context.Background()
	u, err := c.ResolveUser(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	m := New(t.Context(), c, tuitest.Clock, time.UTC)
	m.Show(u, nil)
	ms, err := c.ListMethods(ctx, id)
	m, _ = m.Update(MethodsMsg{Seq: m.seq, UserID: id, Methods: ms, Err: err})
	r, err := c.Registration(ctx, id)
	m, _ = m.Update(RegistrationMsg{Seq: m.seq, UserID: id, Reg: r, Err: err})
	s, err := c.PerUserMFA(ctx, id)
	m, _ = m.Update(PerUserMsg{Seq: m.seq, UserID: id, State: s, Err: err})
	risk, err := c.UserRisk(ctx, id)
	m, _ = m.Update(RiskMsg{Seq: m.seq, UserID: id, Risk: risk, Err: err})
	// What "MFA required" needs: roles, groups, the tenant's policies.
	tr, err := c.TargetRoles(ctx, id)
	m, _ = m.Update(RolesMsg{Seq: m.seq, UserID: id, Roles: tr, Failed: err != nil})
	gs, err := c.UserGroups(ctx, id)
	m, _ = m.Update(GroupsMsg{Seq: m.seq, UserID: id, Groups: gs, Err: err})
	m, _ = m.Update(PoliciesMsg{Policies: graph.ReadMFAPolicies(ctx, c)})
	return m
}

func render(m Model, w, h int) string {
	m.SetSize(w, h)
	return strings.Join(m.View(Styles{}, w, h, true), "\n")
}

func TestGoldenMethodsPane(t *testing.T) {
	c, _ := tuitest.Client(t)
	for _, p := range []struct{ name, id string }{
		{"alice", fake.AliceID}, {"erin", fake.ErinID}, {"dave", fake.DaveID}, {"henry", fake.HenryID}, {"carol", fake.CarolID},
		{"bob", fake.BobID},
		{"liam", fake.LiamID}, {"judy", fake.JudyID},
	} {
		m := shown(t, c, p.id)
		t.Run(p.name+"-44", func(t *testing.T) { golden.RequireEqual(t, render(m, 44, 10)) })
		t.Run(p.name+"-78", func(t *testing.T) { golden.RequireEqual(t, render(m, 78, 8)) })
	}
}

func TestLoadingErrorAndStaleStates(t *testing.T) {
	u := graph.User{ID: "u1", DisplayName: "Una", UserPrincipalName: "una@contoso.com", AccountEnabled: true}
	m := New(t.Context(), nil, tuitest.Clock, time.UTC)
	if s := render(m, 40, 5); !strings.Contains(s, "No user selected") {
		t.Fatalf("empty:\n%s", s)
	}
	m.Show(u, nil)
	if s := render(m, 40, 5); !strings.Contains(s, "Loading methods") || !strings.Contains(s, "registration loading") {
		t.Fatalf("loading:\n%s", s)
	}
	seq := m.seq
	m, _ = m.Update(MethodsMsg{Seq: seq, UserID: "u1", Err: &graph.Error{Kind: graph.ErrDenied, Needs: "UserAuthenticationMethod.Read.All"}})
	if s := render(m, 60, 6); !strings.Contains(s, "access denied") || !strings.Contains(s, "UserAuthenticationMethod.Read.All") {
		t.Fatalf("error:\n%s", s)
	}
	// An answer for another user, or an older load, is dropped.
	m, _ = m.Update(MethodsMsg{Seq: seq, UserID: "u2", Methods: []graph.Method{{ID: "x", Kind: graph.KindEmail}}})
	m, _ = m.Update(MethodsMsg{Seq: seq - 1, UserID: "u1", Methods: []graph.Method{{ID: "x", Kind: graph.KindEmail}}})
	if len(m.Methods()) != 0 {
		t.Fatal("a stale answer was applied")
	}
}

func TestTAPDetailAndPreferredLabels(t *testing.T) {
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	tap := graph.Method{Kind: graph.KindTAP, TAPStart: now.Add(-30 * time.Minute), LifetimeMinutes: 60, IsUsableOnce: true}
	if got := Detail(tap, now, time.UTC); got != "expires in 30m · one-time" {
		t.Fatalf("TAP detail %q", got)
	}
	tap.LifetimeMinutes = 10
	if got := Detail(tap, now, time.UTC); !strings.HasPrefix(got, "expired ") {
		t.Fatalf("expired TAP detail %q", got)
	}
	for in, want := range map[string]string{"push": "Authenticator push", "Fido2": "FIDO2 key", "sms": "SMS", "none": "", "weird": "weird"} {
		if got := PreferredLabel(in); got != want {
			t.Errorf("PreferredLabel(%q) = %q, want %q", in, got, want)
		}
	}
	other := graph.Method{Kind: graph.KindOther, ODataType: "#microsoft.graph.qrCodePinAuthenticationMethod"}
	if got := KindLabel(other); got != "qrCodePin" {
		t.Fatalf("unknown kind label %q", got)
	}
}

// TestSystemPreferredPrompt: with system-preferred MFA on and a stronger
// method than the user's default, the pane says what Entra prompts for,
// marks that method, and says the default is not used; off, the default
// is what is prompted and nothing more is said.
func TestSystemPreferredPrompt(t *testing.T) {
	c, srv := tuitest.Client(t)
	const id = "5e000000-0000-4000-8000-000000000001"
	srv.Tenant.AddUser(fake.UserData{ID: id, DisplayName: "Sam Pref", UserPrincipalName: "sam.pref@contoso.com",
		AccountEnabled: true, UserType: "Member", PerUserMFAState: "disabled", PreferredMethod: "sms", SystemPreferredEnabled: true,
		Methods: []fake.MethodData{{Kind: fake.KindPassword, ID: fake.PasswordMethodID},
			{Kind: fake.KindPhone, ID: "3179e48a-750b-4051-897c-87b9720928f7", PhoneNumber: "+1 5555550100", PhoneType: "mobile"},
			{Kind: fake.KindAuthenticator, ID: "0b000000-0000-4000-8000-000000000077", DisplayName: "Pixel 8"}}})
	s := render(shown(t, c, id), 78, 8)
	if !strings.Contains(s, "default SMS (not used)") || !strings.Contains(s, "Entra prompts Authenticator (system-preferred)") {
		t.Fatalf("on:\n%s", s)
	}
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "Pixel 8") && !strings.HasPrefix(l, GlyphPrompted) || strings.Contains(l, "+1") && !strings.HasPrefix(l, "*") {
			t.Errorf("marks:\n%s", s)
		}
	}
	srv.Tenant.Update(id, func(u *fake.UserData) { u.SystemPreferredEnabled = false })
	s = render(shown(t, c, id), 78, 8)
	if strings.Contains(s, "not used") || strings.Contains(s, "Entra prompts") || strings.Contains(s, GlyphPrompted) {
		t.Fatalf("off:\n%s", s)
	}
}

// The "why" dialog's lines for a break-glass account: the exclusions,
// the nested role-assignable group, the CA marks.
func TestWhyLinesGolden(t *testing.T) {
	c, _ := tuitest.Client(t)
	m := shown(t, c, fake.JudyID)
	golden.RequireEqual(t, strings.Join(m.WhyLines(88), "\n"))
}

// Without Policy.Read.All the verdict is "unknown" and says what would
// allow it; the pane still shows the rest.
func TestRequirementUnknownWithout403(t *testing.T) {
	u := graph.User{ID: "u1", DisplayName: "Una", UserPrincipalName: "una@contoso.com", AccountEnabled: true}
	m := New(t.Context(), nil, tuitest.Clock, time.UTC)
	m.Show(u, nil)
	seq := m.seq
	m, _ = m.Update(MethodsMsg{Seq: seq, UserID: "u1", Methods: []graph.Method{{ID: graph.PasswordMethodID, Kind: graph.KindPassword}}})
	if s := render(m, 78, 8); !strings.Contains(s, "MFA required …") {
		t.Fatalf("loading:\n%s", s)
	}
	denied := &graph.Error{Kind: graph.ErrDenied, Status: 403}
	m, _ = m.Update(PerUserMsg{Seq: seq, UserID: "u1", Err: denied})
	m, _ = m.Update(RolesMsg{Seq: seq, UserID: "u1", Failed: true})
	m, _ = m.Update(GroupsMsg{Seq: seq, UserID: "u1", Groups: []graph.UserGroup{{ID: "g1", DisplayName: "Helpdesk Ops"}}})
	m, _ = m.Update(PoliciesMsg{Policies: graph.MFAPolicies{PoliciesErr: denied, DefaultsErr: denied}})
	golden.RequireEqual(t, render(m, 78, 8))
	if r := m.Requirement(); r == nil || r.Required.Verdict != graph.MFAUnknown {
		t.Fatalf("requirement = %+v", r)
	}
}
