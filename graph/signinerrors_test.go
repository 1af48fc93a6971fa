package graph

import (
	"strings"
	"testing"
)

// The codes DESIGN.md lists as the ones a helpdesk meets.
var designCodes = []int{50074, 50076, 50079, 50072, 500121, 50126, 50053, 50055, 50144, 50057, 50097, 50158,
	53000, 53001, 53003, 530032, 530034, 530035, 50173, 50133, 50132, 70043, 700082, 50058, 50140, 50199,
	16000, 50105, 65001, 90094, 90095, 7000112, 81010, 50034, 50125, 0}

func TestSignInHints(t *testing.T) {
	for _, code := range designCodes {
		h, ok := SignInHint(code)
		if !ok {
			t.Errorf("no hint for %d", code)
			continue
		}
		if h.Code != code || len(h.Meaning) < 15 || len(h.Next) < 15 {
			t.Errorf("hint %d too thin: %+v", code, h)
		}
		if CleanText(h.Meaning) != h.Meaning || CleanText(h.Next) != h.Next {
			t.Errorf("hint %d has control characters", code)
		}
	}
	if len(SignInHintCodes()) != len(designCodes) {
		t.Errorf("%d hints, %d design codes", len(SignInHintCodes()), len(designCodes))
	}
	if _, ok := SignInHint(123456); ok {
		t.Errorf("hint for an unknown code")
	}
	benign := map[int]bool{0: true, 50058: true, 50140: true, 50199: true, 16000: true, 50173: true, 50133: true, 50132: true, 70043: true, 700082: true}
	for code, want := range benign {
		if h, _ := SignInHint(code); h.Benign != want {
			t.Errorf("%d benign = %v", code, h.Benign)
		}
	}
	for _, code := range []int{500121, 50126, 50053, 53003, 50057, 50079} {
		if h, _ := SignInHint(code); h.Benign {
			t.Errorf("%d marked benign", code)
		}
	}
	h, _ := SignInHint(500121)
	if !strings.Contains(h.Next, "additionalDetails") || !strings.Contains(h.Next, "declined") || !strings.Contains(h.Next, "revoke") {
		t.Errorf("500121 next step: %q", h.Next)
	}
	if !strings.Contains(h.Next, "mfadesk reset-password USER") {
		t.Errorf("500121 does not name the reset: %q", h.Next)
	}
	h, _ = SignInHint(50053)
	if !strings.Contains(h.Next, "clears by itself") || !strings.Contains(h.Next, "mfadesk block USER") || !strings.Contains(h.Next, "mfadesk reset-password USER") {
		t.Errorf("50053 next step: %q", h.Next)
	}
	h, _ = SignInHint(53003)
	if !strings.Contains(h.Next, "failing policy") {
		t.Errorf("53003 next step: %q", h.Next)
	}
}

func TestFailedPolicies(t *testing.T) {
	s := SignIn{AppliedPolicies: []CAPolicy{{ID: "1", DisplayName: "Block legacy", Result: "failure"}, {ID: "2", Result: "success"}, {ID: "3", Result: "notApplied"}}}
	got := FailedPolicies(s)
	if len(got) != 1 || got[0].DisplayName != "Block legacy" {
		t.Errorf("failed policies %+v", got)
	}
}
