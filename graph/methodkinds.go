package graph

import (
	"fmt"
	"strings"
)

// The one naming table for method kinds. Each kind has three spellings,
// all here: Graph's (the MethodKind value, as in URLs, JSON and --keep),
// a phrase for sentences ("Authenticator app": errors, plans, mail) and a
// short title for tables and lists ("Authenticator": the TUI's panes, the
// CLI's tables). Aliases are what people type for it in --keep.
type kindName struct {
	kind    MethodKind
	phrase  string
	title   string
	aliases []string
}

var kindNames = []kindName{
	{KindPassword, "password", "Password", nil},
	{KindAuthenticator, "Authenticator app", "Authenticator", []string{"authenticator", "app"}},
	{KindPhone, "phone", "Phone", []string{"sms", "phone", "voice"}},
	{KindFIDO2, "FIDO2 key / passkey", "FIDO2 key", []string{"passkey", "fido", "key"}},
	{KindSoftwareOath, "software OATH token", "OATH (app)", []string{"oath", "totp"}},
	{KindHardwareOath, "hardware OATH token", "OATH token", []string{"hardwaretoken"}},
	{KindEmail, "email", "Email", nil},
	{KindTAP, "Temporary Access Pass", "TAP", []string{"tap"}},
	{KindWindowsHello, "Windows Hello for Business", "Windows Hello", []string{"whfb", "hello", "windowshello"}},
	{KindPlatformCredential, "platform credential", "Platform cred.", []string{"platform", "macos"}},
	{KindQRCodePin, "QR code PIN", "QR code PIN", nil},
	{KindExternal, "external authentication method", "External MFA", nil},
}

func kindNameOf(k MethodKind) (kindName, bool) {
	for _, n := range kindNames {
		if n.kind == k {
			return n, true
		}
	}
	return kindName{}, false
}

// KindLabel is a kind as a phrase in a sentence ("Authenticator app").
func KindLabel(k MethodKind) string {
	if n, ok := kindNameOf(k); ok {
		return n.phrase
	}
	return "other method"
}

// MethodTitle is a method's kind as a short title for tables and lists
// ("Authenticator", "Passkey"). A passkey in Microsoft Authenticator is a
// FIDO2 method whose model names the app; an unknown kind is its
// @odata.type's name.
func MethodTitle(m Method) string {
	if m.Kind == KindFIDO2 {
		md := strings.ToLower(m.Model + " " + m.DisplayName)
		if strings.Contains(md, "passkey") || strings.Contains(md, "authenticator") {
			return "Passkey"
		}
	}
	if n, ok := kindNameOf(m.Kind); ok {
		return n.title
	}
	t := strings.TrimSuffix(strings.TrimPrefix(m.ODataType, odataTypePrefix), "AuthenticationMethod")
	if t == "" {
		t = "Other"
	}
	return CleanText(t)
}

// MethodKindName is a method's kind as Graph spells it; an unknown kind
// shows its @odata.type, never nothing.
func MethodKindName(m Method) string {
	if m.Kind == KindOther || m.Kind == "" {
		return strings.TrimPrefix(m.ODataType, odataTypePrefix)
	}
	return string(m.Kind)
}

// odataTypePrefix starts every @odata.type of a method.
const odataTypePrefix = "#microsoft.graph."

// ParseMethodKinds reads a comma-separated list of kinds as people type
// them: Graph's names or the aliases above, any case ("fido2,whfb").
func ParseMethodKinds(s string) ([]MethodKind, error) {
	var out []MethodKind
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		k, ok := parseMethodKind(f)
		if !ok {
			names := make([]string, 0, len(AllKinds))
			for _, k := range AllKinds[1:] {
				names = append(names, string(k))
			}
			return nil, fmt.Errorf("unknown method kind %q; use %s (or sms, authenticator, passkey, whfb)", f, strings.Join(names, ", "))
		}
		out = append(out, k)
	}
	return out, nil
}

func parseMethodKind(f string) (MethodKind, bool) {
	lf := strings.ToLower(f)
	for _, n := range kindNames {
		for _, a := range n.aliases {
			if a == lf {
				return n.kind, true
			}
		}
	}
	for _, k := range AllKinds {
		if strings.EqualFold(string(k), f) {
			return k, true
		}
	}
	return "", false
}

// The method kinds by their Graph names: @odata.type and the per-kind URL
// segment (SDK-free: the plan, the runner and the adapter share them).

const ODataPrefix = "#microsoft.graph."

// KindByType maps @odata.type to a kind. hardwareOath has no v1.0 model in
// the SDK; it is recognised by its type name all the same.
var KindByType = map[string]MethodKind{
	ODataPrefix + "passwordAuthenticationMethod":                KindPassword,
	ODataPrefix + "phoneAuthenticationMethod":                   KindPhone,
	ODataPrefix + "microsoftAuthenticatorAuthenticationMethod":  KindAuthenticator,
	ODataPrefix + "fido2AuthenticationMethod":                   KindFIDO2,
	ODataPrefix + "softwareOathAuthenticationMethod":            KindSoftwareOath,
	ODataPrefix + "hardwareOathAuthenticationMethod":            KindHardwareOath,
	ODataPrefix + "emailAuthenticationMethod":                   KindEmail,
	ODataPrefix + "temporaryAccessPassAuthenticationMethod":     KindTAP,
	ODataPrefix + "windowsHelloForBusinessAuthenticationMethod": KindWindowsHello,
	ODataPrefix + "platformCredentialAuthenticationMethod":      KindPlatformCredential,
	ODataPrefix + "qrCodePinAuthenticationMethod":               KindQRCodePin,
	ODataPrefix + "externalAuthenticationMethod":                KindExternal,
}

// KindSegment is each deletable kind's URL segment under
// /users/{id}/authentication/. Hardware OATH is beta only.
var KindSegment = map[MethodKind]string{
	KindPhone:              "phoneMethods",
	KindAuthenticator:      "microsoftAuthenticatorMethods",
	KindFIDO2:              "fido2Methods",
	KindSoftwareOath:       "softwareOathMethods",
	KindHardwareOath:       "hardwareOathMethods",
	KindEmail:              "emailMethods",
	KindTAP:                "temporaryAccessPassMethods",
	KindWindowsHello:       "windowsHelloForBusinessMethods",
	KindPlatformCredential: "platformCredentialMethods",
}

// MaskPhone hides all but the last digits of a phone number, keeping the
// country code: "+1 2065551234" -> "+1 XXXXXXX234". Numbers Graph already
// masked (as it does for Authentication Administrators) stay as they are.
func MaskPhone(p string) string {
	p = strings.TrimSpace(p)
	if p == "" {
		return ""
	}
	prefix, rest := "", p
	if strings.HasPrefix(p, "+") {
		if i := strings.IndexByte(p, ' '); i > 0 {
			prefix, rest = p[:i+1], p[i+1:]
		}
	}
	if strings.ContainsAny(rest, "X*") {
		return p // already masked by Graph
	}
	digits := 0
	for _, r := range rest {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	keep := 3
	switch {
	case digits <= 3:
		keep = 0
	case digits <= 6:
		keep = 2
	}
	var b strings.Builder
	b.WriteString(prefix)
	seen := 0
	for _, r := range rest {
		if r >= '0' && r <= '9' {
			seen++
			if seen <= digits-keep {
				b.WriteByte('X')
				continue
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}
