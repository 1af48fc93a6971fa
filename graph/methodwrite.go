package graph

import (
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
)

// Adding and replacing methods: the phone and email rules Graph documents,
// checked before anything is sent (api-reference/v1.0/api/
// authentication-post-phonemethods.md, phoneauthenticationmethod-update.md,
// authentication-post-emailmethods.md, resources/phoneauthenticationmethod.md).

// PhoneType is a phone method's authenticationPhoneType.
type PhoneType string

const (
	PhoneMobile          PhoneType = "mobile"
	PhoneAlternateMobile PhoneType = "alternateMobile"
	PhoneOffice          PhoneType = "office"
)

// PhoneTypes are the documented values, in the order forms offer them.
var PhoneTypes = []PhoneType{PhoneMobile, PhoneAlternateMobile, PhoneOffice}

// Describe says what a phone of this type is for, in the resource page's
// words ("usable only for voice calls").
func (t PhoneType) Describe() string {
	switch t {
	case PhoneMobile:
		return "primary mobile, texts (SMS) and calls"
	case PhoneAlternateMobile:
		return "backup mobile, calls only"
	case PhoneOffice:
		return "office phone or landline, calls only, never SMS"
	}
	return string(t)
}

// ParsePhoneType reads a phone type as typed: Graph's value in any case,
// or "alternate".
func ParsePhoneType(s string) (PhoneType, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	for _, t := range PhoneTypes {
		if v == strings.ToLower(string(t)) {
			return t, nil
		}
	}
	if v == "alternate" {
		return PhoneAlternateMobile, nil
	}
	return "", fmt.Errorf("unknown phone type %q: use mobile, alternateMobile or office", s)
}

// MaxPhoneLen bounds a typed phone number (the format has no stated
// maximum; this only keeps junk out of forms and requests).
const MaxPhoneLen = 32

// phoneFormat is "+{country code} {number}x{extension}", extension optional:
// "+1 5555551234" or "+1 5555551234x123" (the pages' own examples).
var phoneFormat = regexp.MustCompile(`^\+[0-9]{1,3} [0-9]+(x[0-9]+)?$`)

// PhoneFormatHelp is the documented format in words, for errors and forms.
const PhoneFormatHelp = `"+{country code} {number}x{extension}", extension optional, e.g. "+1 5555551234" or "+1 5555551234x123"`

// CheckPhoneNumber refuses a number Graph would reject: "Numbers are
// rejected when creating or updating if they do not match the required
// format". Nothing is normalised: what is sent is what was typed.
func CheckPhoneNumber(s string) error {
	if len(s) > MaxPhoneLen {
		return fmt.Errorf("phone number longer than %d characters", MaxPhoneLen)
	}
	if !phoneFormat.MatchString(s) {
		hint := ""
		switch {
		case s == "":
			return fmt.Errorf("no phone number: write it as %s", PhoneFormatHelp)
		case !strings.HasPrefix(s, "+"):
			hint = " (it must start with + and the country code)"
		case !strings.Contains(s, " "):
			hint = " (one space between the country code and the number)"
		case strings.ContainsAny(s, "-().") || strings.Count(s, " ") > 1:
			hint = " (digits only after the country code: no dashes, brackets or more spaces)"
		}
		return fmt.Errorf("%q is not a phone number as Graph takes it%s: write it as %s", CleanText(s), hint, PhoneFormatHelp)
	}
	return nil
}

// MaxEmailLen bounds a typed address (RFC 5321's limit on a path).
const MaxEmailLen = 254

// CheckEmailAddress refuses what is not a plain address (the reference
// asks only for an "Email address"; a display name or a list would be
// sent as junk).
func CheckEmailAddress(s string) error {
	if s == "" {
		return fmt.Errorf("no email address")
	}
	if len(s) > MaxEmailLen {
		return fmt.Errorf("email address longer than %d characters", MaxEmailLen)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return fmt.Errorf("%q is not an email address (name@example.com)", CleanText(s))
	}
	return nil
}

// PhoneOf is the user's phone of type t, if any (one of each type).
func PhoneOf(ms []Method, t PhoneType) (Method, bool) {
	for _, m := range ms {
		if m.Kind == KindPhone && strings.EqualFold(m.PhoneType, string(t)) {
			return m, true
		}
	}
	return Method{}, false
}

// EmailOf is the user's email method, if any (one at most).
func EmailOf(ms []Method) (Method, bool) {
	for _, m := range ms {
		if m.Kind == KindEmail {
			return m, true
		}
	}
	return Method{}, false
}

// PhoneRefusal is why Graph would refuse adding a phone of type t to a
// user with methods ms ("" when it would not): "a user must always have a
// mobile phone before adding an alternateMobile phone". A phone of the
// same type is not a refusal: it is replaced (PATCH), not added.
func PhoneRefusal(ms []Method, t PhoneType) string {
	if t == PhoneAlternateMobile {
		if _, ok := PhoneOf(ms, PhoneMobile); !ok {
			return "an alternate mobile needs a mobile phone first (Graph refuses it otherwise): add the mobile"
		}
	}
	return ""
}

// Default methods: userPreferredMethodForSecondaryAuthentication's values
// (push, oath, voiceMobile, voiceAlternateMobile, voiceOffice, sms;
// api-reference/beta/resources/signinpreferences.md).

// DefaultRefusal is why m cannot be the default method ("" when it can):
// only an Authenticator app, an OATH token or a phone has a value.
func DefaultRefusal(m Method) string {
	if PreferenceFor(m) != "" {
		return ""
	}
	if m.Kind == KindPhone {
		return "this phone has no type Graph can make the default"
	}
	return "a " + KindLabel(m.Kind) + " cannot be the default method: Graph's default is push (Authenticator), oath (OATH token), sms or a voice call (a phone)"
}

// Preferences m can be the default with: a mobile phone for texts (sms)
// or calls (voiceMobile), the Authenticator for notifications (push) or
// its codes (oath); every other method one value.
func Preferences(m Method) []string {
	p := PreferenceFor(m)
	switch p {
	case "sms":
		return []string{"sms", "voiceMobile"}
	case "push":
		// The app's codes count as oath where no OATH token is
		// registered (preferenceIndex, as the registration report reads it).
		return []string{"push", "oath"}
	}
	if p == "" {
		return nil
	}
	return []string{p}
}

// CheckPreference refuses a preference value m cannot be the default with.
func CheckPreference(m Method, pref string) error {
	if why := DefaultRefusal(m); why != "" {
		return errors.New(why)
	}
	for _, p := range Preferences(m) {
		if p == pref {
			return nil
		}
	}
	return fmt.Errorf("a %s cannot be the default as %q (it can be %s)", KindLabel(m.Kind), CleanText(pref), OrList(Preferences(m)))
}

// PreferenceWords says what a preference value means for the user.
func PreferenceWords(p string) string {
	switch p {
	case "push":
		return "an Authenticator notification (push)"
	case "oath":
		return "a code from an OATH token or app (oath)"
	case "sms":
		return "a text message to the mobile (sms)"
	case "voiceMobile":
		return "a call to the mobile (voiceMobile)"
	case "voiceAlternateMobile":
		return "a call to the alternate mobile (voiceAlternateMobile)"
	case "voiceOffice":
		return "a call to the office phone (voiceOffice)"
	}
	return CleanText(p)
}

// ParsePreference reads a default method as typed on a command line:
// Graph's value in any case, or "voice" (a call to the mobile), "text".
func ParsePreference(s string) (string, bool) {
	v := strings.ToLower(strings.TrimSpace(s))
	for _, p := range []string{"push", "oath", "sms", "voiceMobile", "voiceAlternateMobile", "voiceOffice"} {
		if v == strings.ToLower(p) {
			return p, true
		}
	}
	switch v {
	case "voice", "call":
		return "voiceMobile", true
	case "text":
		return "sms", true
	}
	return "", false
}

// MethodForPreference is the registered method a preference value makes
// the default (ok false when the user has none: Graph refuses it).
func MethodForPreference(ms []Method, p string) (Method, bool) {
	i := preferenceIndex(ms, p)
	if i < 0 {
		return Method{}, false
	}
	return ms[i], true
}

// DeleteRefusal is why Graph refuses to delete m from a user with methods
// ms ("" when it does not): the password (reset it instead), a kind with
// no delete, a mobile while an alternate mobile exists
// (phoneauthenticationmethod-delete.md), and the default method while
// other methods remain (Graph: "Cannot delete default method with other
// methods configured"; which others count is not documented, so every
// method but the password does).
func DeleteRefusal(ms []Method, m Method) string {
	if m.Kind == KindPassword || m.ID == PasswordMethodID {
		return "the password cannot be deleted (reset it instead)"
	}
	if !m.Deletable() {
		return MethodTitle(m) + " cannot be deleted (Graph offers no delete for it)"
	}
	if m.Kind == KindPhone && strings.EqualFold(m.PhoneType, string(PhoneMobile)) {
		if _, ok := PhoneOf(ms, PhoneAlternateMobile); ok {
			return "Graph refuses to delete the mobile while an alternate mobile exists: delete the alternate mobile first"
		}
	}
	if m.IsDefault {
		for _, o := range ms {
			if o.Kind != KindPassword && o.ID != m.ID {
				return "this is the default method: Graph refuses to delete it while other methods exist; make another the default first (set-default, * in the console)"
			}
		}
	}
	return ""
}
