package graph

import (
	"strings"
)

// A user's sign-in preferences (beta /users/{id}/authentication/
// signInPreferences, api-reference/beta/resources/signinpreferences.md):
// the method the user chose as default, and whether system-preferred MFA
// is on for them. When it is on, Entra ignores the user's default (the
// page: "this value is ignored except for a few scenarios where a user is
// authenticating via NPS extension or ADFS adapter") and prompts for the
// most secure registered method. Graph documents which one in the
// registration report (userRegistrationDetails.systemPreferredAuthenticationMethods,
// api-reference/v1.0/resources/userregistrationdetails.md); the live
// service also answers signInPreferences with a systemPreferredAuthenticationMethod
// the reference does not list, which is read when present and never
// required.

// SignInPreferences is what mfadesk reads of signInPreferences.
type SignInPreferences struct {
	// UserPreferred is userPreferredMethodForSecondaryAuthentication
	// (push, oath, voiceMobile, voiceAlternateMobile, voiceOffice, sms).
	UserPreferred string
	// SystemPreferredEnabled is isSystemPreferredAuthenticationMethodEnabled.
	SystemPreferredEnabled bool
	// SystemPreferred is the method the system picks, when Graph says
	// (systemPreferredAuthenticationMethod; undocumented, so often "").
	SystemPreferred string
}

// preferenceIndex is the index in ms of the method a preference value
// (userDefaultAuthenticationMethodType, or a system-preferred value)
// designates, or -1.
func preferenceIndex(ms []Method, pref string) int {
	find := func(k MethodKind, phoneType string) int {
		for i := range ms {
			if ms[i].Kind == k && (phoneType == "" || strings.EqualFold(ms[i].PhoneType, phoneType)) {
				return i
			}
		}
		return -1
	}
	first := func(is ...int) int {
		for _, i := range is {
			if i >= 0 {
				return i
			}
		}
		return -1
	}
	switch strings.ToLower(pref) {
	case "push", "microsoftauthenticatorpush":
		return find(KindAuthenticator, "")
	case "oath", "softwareonetimepasscode":
		return first(find(KindSoftwareOath, ""), find(KindHardwareOath, ""), find(KindAuthenticator, ""))
	case "sms", "voicemobile":
		return find(KindPhone, "mobile")
	case "voicealternatemobile":
		return find(KindPhone, "alternateMobile")
	case "voiceoffice":
		return find(KindPhone, "office")
	case "fido2": // not in the documented enum; tolerated from a live tenant
		return find(KindFIDO2, "")
	case "temporaryaccesspass":
		return find(KindTAP, "")
	}
	return -1
}

// ApplyPreferences marks the user's default method (IsDefault) and, when
// system-preferred MFA is on and Graph names its pick, the method Entra
// prompts for (SystemPreferred).
func ApplyPreferences(ms []Method, p SignInPreferences) {
	if documentedPreference(p.UserPreferred) {
		if i := preferenceIndex(ms, p.UserPreferred); i >= 0 {
			ms[i].IsDefault = true
		}
	}
	if p.SystemPreferredEnabled {
		if i := preferenceIndex(ms, p.SystemPreferred); i >= 0 {
			ms[i].SystemPreferred = true
		}
	}
}

// documentedPreference: v is a member of userDefaultAuthenticationMethodType
// (a user's default can be nothing else).
func documentedPreference(v string) bool {
	switch strings.ToLower(v) {
	case "push", "oath", "voicemobile", "voicealternatemobile", "voiceoffice", "sms":
		return true
	}
	return false
}

// Prompt is the method Entra asks a user for as the second factor.
type Prompt struct {
	// Index is the method in the list given to Prompted, -1 when unknown
	// or not registered.
	Index int
	// Value is Graph's word for it (push, oath, sms, ...), "" when unknown.
	Value string
	// System: system-preferred MFA is on for the user and chose it; the
	// user's default is then not what Entra prompts for.
	System bool
	// Source says where System came from: "sign-in preferences" or
	// "registration report".
	Source string
}

// Prompted tells which method Entra prompts for: the system's pick when
// system-preferred MFA is on (from the methods' SystemPreferred mark, or
// else from the registration report reg, which may be nil), otherwise the
// user's default.
func Prompted(ms []Method, reg *Registration) Prompt {
	for i, m := range ms {
		if m.SystemPreferred {
			return Prompt{Index: i, Value: string(m.Kind), System: true, Source: "sign-in preferences"}
		}
	}
	if reg != nil && reg.IsSystemPreferredAuthenticationMethodEnabled {
		for _, v := range reg.SystemPreferredAuthenticationMethods {
			if v == "" || strings.EqualFold(v, "none") {
				continue
			}
			return Prompt{Index: preferenceIndex(ms, v), Value: CleanText(v), System: true, Source: "registration report"}
		}
	}
	for i, m := range ms {
		if m.IsDefault {
			return Prompt{Index: i, Value: string(m.Kind)}
		}
	}
	return Prompt{Index: -1}
}

// PreferenceFor is the userPreferredMethodForSecondaryAuthentication value
// that makes m the default ("" when m cannot be the default).
func PreferenceFor(m Method) string {
	switch m.Kind {
	case KindAuthenticator:
		return "push"
	case KindSoftwareOath, KindHardwareOath:
		return "oath"
	case KindPhone:
		switch strings.ToLower(m.PhoneType) {
		case "mobile":
			return "sms"
		case "alternatemobile":
			return "voiceAlternateMobile"
		case "office":
			return "voiceOffice"
		}
	}
	return ""
}

// bestDefault picks the kept method to become the default before a reset
// deletes the current one: an Authenticator, then an OATH token, then a
// phone (mobile first).
func bestDefault(kept []KeptMethod) (Method, bool) {
	rank := map[string]int{"push": 0, "oath": 1, "sms": 2, "voiceAlternateMobile": 3, "voiceOffice": 4}
	best, found := Method{}, false
	for _, k := range kept {
		p := PreferenceFor(k.Method)
		if p == "" {
			continue
		}
		if !found || rank[p] < rank[PreferenceFor(best)] {
			best, found = k.Method, true
		}
	}
	return best, found
}
