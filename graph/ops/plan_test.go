package ops

import (
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph"
)

func TestResetPlanText(t *testing.T) {
	pw := graph.Method{ID: graph.PasswordMethodID, Kind: graph.KindPassword}
	app := graph.Method{ID: "app", Kind: graph.KindAuthenticator, Device: "iPhone 15", AppVersion: "6.8", IsDefault: true}
	mob := graph.Method{ID: "mob", Kind: graph.KindPhone, PhoneType: "mobile", PhoneNumber: "+1 XXXXXXX101"}
	alt := graph.Method{ID: "alt", Kind: graph.KindPhone, PhoneType: "alternateMobile", PhoneNumber: "+1 XXXXXXX177"}
	fido := graph.Method{ID: "fido", Kind: graph.KindFIDO2, Model: "YubiKey 5"}
	ms := []graph.Method{pw, app, mob, alt}

	p := ResetPlanText(ms, ResetSpec{})
	want := []string{"delete Phone: alternateMobile · +1 XXXXXXX177", "delete Phone: mobile · +1 XXXXXXX101",
		"delete Authenticator: iPhone 15 · app 6.8 (the default method: goes last)"}
	if strings.Join(p.Steps, "|") != strings.Join(want, "|") || len(p.Keeps) != 1 || !strings.HasPrefix(p.Keeps[0], "Password · ") {
		t.Errorf("reset: %q keeps %q", p.Steps, p.Keeps)
	}
	// Keeping the phones moves the default to the mobile first.
	p = ResetPlanText(ms, ResetSpec{Keep: []graph.MethodKind{graph.KindPhone}})
	if len(p.Steps) != 2 || !strings.HasPrefix(p.Steps[0], "make Phone: mobile") || len(p.Keeps) != 3 {
		t.Errorf("keep phone: %q %q", p.Steps, p.Keeps)
	}
	// A re-registration keeps the key, which cannot be the default: refused, nothing else said to happen.
	p = ResetPlanText([]graph.Method{pw, app, fido}, ResetSpec{Reregister: true, TAP: &graph.TAPRequest{LifetimeMinutes: 60}})
	if len(p.Steps) != 1 || !strings.HasPrefix(p.Steps[0], "nothing") || len(p.Warnings) != 2 || !strings.HasPrefix(p.Warnings[0], "Refused: ") {
		t.Errorf("blocked: %q %q", p.Steps, p.Warnings)
	}
	p = ResetPlanText([]graph.Method{pw, mob}, ResetSpec{Reregister: true, TAP: &graph.TAPRequest{LifetimeMinutes: 60, IsUsableOnce: true}})
	if len(p.Steps) != 3 || p.Steps[1] != revokeStep || p.Steps[2] != "issue a Temporary Access Pass (valid 1 hour from now, one sign-in only) and show it once" {
		t.Errorf("re-register with a pass: %q", p.Steps)
	}
	// In general (methods not listed): the kept kinds named.
	p = ResetPlanText(nil, ResetSpec{Keep: []graph.MethodKind{graph.KindFIDO2}})
	if len(p.Steps) != 1 || !strings.Contains(p.Steps[0], "except the password and FIDO2") || p.Keeps[0] != "Password, FIDO2 key" {
		t.Errorf("general: %q %q", p.Steps, p.Keeps)
	}
	p = ResetPlanText(nil, ResetSpec{Reregister: true})
	if len(p.Steps) != 2 || !strings.Contains(p.Steps[0], "Windows Hello") || p.Steps[1] != revokeStep {
		t.Errorf("general re-register: %q", p.Steps)
	}
}
