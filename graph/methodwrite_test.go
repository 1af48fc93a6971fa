package graph

import (
	"strings"
	"testing"
)

// The documented format, "+{country code} {number}x{extension}", and
// nothing else; what people type instead is refused with a hint.
func TestCheckPhoneNumber(t *testing.T) {
	for _, ok := range []string{"+1 5555551234", "+1 5555551234x123", "+44 2071234567", "+353 871234567"} {
		if err := CheckPhoneNumber(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for bad, hint := range map[string]string{
		"5555551234":                      "start with +",
		"+15555551234":                    "one space",
		"+1 555-555-1234":                 "no dashes",
		"+1 (555) 5551234":                "no dashes",
		"+1 555 5551234":                  "more spaces",
		"+1 5555551234 x12":               "more spaces",
		"+1234 5555551234":                "format",
		"+1 5555551234x":                  "format",
		"":                                "no phone number",
		"+1 " + strings.Repeat("5", 40):   "longer than",
		"+1 5555551234\x1b]52;c;aGk=\x07": "format",
	} {
		err := CheckPhoneNumber(bad)
		if err == nil || !strings.Contains(err.Error(), hint) && !strings.Contains(err.Error(), "+{country code}") {
			t.Errorf("%q: %v (want %q)", bad, err, hint)
		}
		if err != nil && strings.ContainsRune(err.Error(), '\x1b') {
			t.Errorf("%q: error not cleaned: %q", bad, err)
		}
	}
}

func TestCheckEmailAddress(t *testing.T) {
	for _, ok := range []string{"kim@contoso.com", "a.b+c@example.co.uk"} {
		if err := CheckEmailAddress(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "kim", "Kim <kim@contoso.com>", "kim@localhost", "a@b.com, c@d.com", "kim@contoso.com "} {
		if CheckEmailAddress(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestMethodWriteRules(t *testing.T) {
	mobile := Method{ID: "3179e48a-750b-4051-897c-87b9720928f7", Kind: KindPhone, PhoneType: "mobile", PhoneNumber: "+1 XXXXXXX890"}
	alt := Method{ID: "b6332ec1-7057-4abe-9331-3d72feddfe41", Kind: KindPhone, PhoneType: "alternateMobile"}
	app := Method{ID: "app", Kind: KindAuthenticator, IsDefault: true}
	key := Method{ID: "key", Kind: KindFIDO2}
	pw := Method{ID: PasswordMethodID, Kind: KindPassword}
	if PhoneRefusal([]Method{pw}, PhoneAlternateMobile) == "" || PhoneRefusal([]Method{pw, mobile}, PhoneAlternateMobile) != "" {
		t.Error("an alternate mobile needs a mobile first")
	}
	if DefaultRefusal(key) == "" || DefaultRefusal(mobile) != "" || DefaultRefusal(Method{Kind: KindEmail}) == "" {
		t.Error("only push, oath and phones can be the default")
	}
	if p := Preferences(Method{Kind: KindPhone, PhoneType: "office"}); len(p) != 1 || p[0] != "voiceOffice" {
		t.Errorf("an office phone is called, never texted: %v", p)
	}
	if CheckPreference(mobile, "voiceMobile") != nil || CheckPreference(mobile, "voiceOffice") == nil {
		t.Error("a mobile is sms or voiceMobile")
	}
	ms := []Method{pw, app, mobile, alt, key}
	if !strings.Contains(DeleteRefusal(ms, app), "default") || !strings.Contains(DeleteRefusal(ms, mobile), "alternate") ||
		!strings.Contains(DeleteRefusal(ms, pw), "reset") || DeleteRefusal(ms, alt) != "" || DeleteRefusal(ms, key) != "" {
		t.Error("delete refusals")
	}
	if DeleteRefusal([]Method{pw, app}, app) != "" {
		t.Error("the default is deleted last")
	}
	c := SetPhone{UserID: "u", Type: PhoneMobile, Number: "+1 2065550123", Replaces: mobile}
	if d := c.Describe(); strings.Contains(d, "2065550123") || !strings.Contains(d, "+1 XXXXXXX123") || !strings.Contains(d, "+1 XXXXXXX890") {
		t.Errorf("history must mask: %s", d)
	}
}
