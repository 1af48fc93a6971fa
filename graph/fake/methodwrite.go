package fake

import (
	"encoding/json"
	"regexp"
	"strings"
)

// Adding and changing phone and email methods, with the rules the
// reference states (v1.0 authentication-post-phonemethods.md,
// phoneauthenticationmethod-update.md, resources/phoneauthenticationmethod.md,
// authentication-post-emailmethods.md, emailauthenticationmethod-update.md).
// The pages say a malformed number or a second phone of a type "will fail"
// or is "rejected" without giving Graph's error body; the fake answers 400
// badRequest with a message naming the rule.

var (
	rulePhoneFormat = docRule("methods.phone-format",
		"phoneNumber must match \"+{country code} {number}x{extension}\" (extension optional); other numbers are rejected when creating or updating: 400",
		"api-reference/v1.0/api/authentication-post-phonemethods.md")
	rulePhoneBody = docRule("methods.phone-body",
		"a new phone's JSON must include phoneNumber and phoneType (mobile, alternateMobile or office) but not smsSignInState, which is read-only: 400",
		"api-reference/v1.0/api/authentication-post-phonemethods.md")
	rulePhoneOnePerType = docRule("methods.phone-one-per-type",
		"a user may only have one phone of each type: adding a mobile to a user with a mobile fails (400)",
		"api-reference/v1.0/api/authentication-post-phonemethods.md")
	rulePhoneAlternateNeedsMobile = docRule("methods.alternate-needs-mobile",
		"a user must have a mobile phone before an alternateMobile phone is added: 400",
		"api-reference/v1.0/resources/phoneauthenticationmethod.md")
	rulePhoneTypeFixed = docRule("methods.phone-type-fixed",
		"a phone's type cannot be changed by an update (add one of the new type, then delete the old): 400",
		"api-reference/v1.0/api/phoneauthenticationmethod-update.md")
	rulePhoneIDs = docRule("methods.phone-ids",
		"a phone's id is fixed by its type: 3179e48a-... mobile, b6332ec1-... alternateMobile, e37fc753-... office",
		"api-reference/v1.0/resources/phoneauthenticationmethod.md")
	rulePhoneSMSState = docRule("methods.sms-signin-mobile-only",
		"SMS sign-in is possible only on the primary mobile: an alternate mobile or office phone is notSupported",
		"api-reference/v1.0/resources/phoneauthenticationmethod.md")
	rulePhoneUpdateNotSelf = docRule("methods.phone-update-not-self",
		"updating a phone: self-service operations aren't supported (PATCH /me/... is refused)",
		"api-reference/v1.0/api/phoneauthenticationmethod-update.md")
	ruleEmailOne = docRule("methods.email-one",
		"a user may only have one email authentication method: a second POST fails (400)",
		"api-reference/v1.0/api/authentication-post-emailmethods.md")
	ruleEmailBody = docRule("methods.email-body",
		"an email method's JSON must carry emailAddress: 400 without one",
		"api-reference/v1.0/api/authentication-post-emailmethods.md")
	ruleEmailUpdateNotSelf = docRule("methods.email-update-not-self",
		"users cannot update their own email authentication method (PATCH /me/... is refused)",
		"api-reference/v1.0/api/emailauthenticationmethod-update.md")
)

// phoneFormat is the documented format; the pages' examples are
// "+1 5555551234" and "+1 5555551234x123".
var phoneFormat = regexp.MustCompile(`^\+[0-9]{1,3} [0-9]+(x[0-9]+)?$`)

var phoneIDs = map[string]string{"mobile": MobilePhoneID, "alternateMobile": AlternateMobilePhoneID, "office": OfficePhoneID}

// phoneBody reads a phone method's request body. present says which keys
// were sent.
func phoneBody(rc *reqCtx) (num, typ string, present map[string]bool, bad *response) {
	var raw map[string]json.RawMessage
	if r := readJSON(rc, &raw); r != nil {
		return "", "", nil, r
	}
	present = map[string]bool{}
	str := func(k string) (string, bool) {
		v, ok := raw[k]
		if !ok {
			return "", true
		}
		present[k] = true
		var s string
		return s, json.Unmarshal(v, &s) == nil
	}
	var ok1, ok2 bool
	num, ok1 = str("phoneNumber")
	typ, ok2 = str("phoneType")
	if !ok1 || !ok2 {
		r := rc.fail(400, "badRequest", "Invalid request body: phoneNumber and phoneType must be strings.")
		return "", "", nil, &r
	}
	if _, ok := raw["smsSignInState"]; ok {
		r := rc.fail(400, "badRequest", "smsSignInState is read-only and cannot be set.") // rulePhoneBody
		return "", "", nil, &r
	}
	return num, typ, present, nil
}

func badPhoneNumber(rc *reqCtx) response {
	// rulePhoneFormat
	return rc.fail(400, "badRequest", "Invalid phone number. Phone numbers use the format +{country code} {number}x{extension}, with extension optional.")
}

// addPhone answers POST .../phoneMethods.
func (t *Tenant) addPhone(rc *reqCtx, target func(*reqCtx) (*user, *response)) response {
	u, bad := t.authorizedTarget(rc, target, OpWriteMethods)
	if bad != nil {
		return *bad
	}
	num, typ, present, bad := phoneBody(rc)
	if bad != nil {
		return *bad
	}
	if !present["phoneNumber"] || !present["phoneType"] {
		return rc.fail(400, "badRequest", "phoneNumber and phoneType are required.") // rulePhoneBody
	}
	id, ok := phoneIDs[typ]
	if !ok {
		return rc.fail(400, "badRequest", "Invalid value '"+typ+"' for phoneType. Allowed values are mobile, alternateMobile, office.") // rulePhoneBody
	}
	if !phoneFormat.MatchString(num) {
		return badPhoneNumber(rc)
	}
	if findPhone(u.Methods, typ) != nil {
		return rc.fail(400, "badRequest", "The user already has a "+typ+" phone method. A user may only have one phone of each type.") // rulePhoneOnePerType
	}
	if typ == "alternateMobile" && findPhone(u.Methods, "mobile") == nil {
		return rc.fail(400, "badRequest", "A mobile phone method is required before an alternateMobile phone method can be added.") // rulePhoneAlternateNeedsMobile
	}
	m := phone(typ, num, rc.now.UTC()) // rulePhoneIDs
	m.ID = id
	if typ != "mobile" {
		m.SMSSignInState = "notSupported" // rulePhoneSMSState
	}
	u.Methods = append(u.Methods, m)
	u.RegistrationUpdated = rc.now
	t.stats.MethodsAdded++
	t.audit(rc, u, activityDefaultMethod, authMethodsServiceName, "Add",
		ModifiedProperty{DisplayName: "StrongAuthenticationUserDetails.PhoneNumber", NewValue: `["` + maskPhone(num) + `"]`})
	resp := single(rc, methodsContext(rc, u, "phoneMethods")+"/$entity", methodJSON(&m, false, rc.masksPhones(), rc.now, ""))
	resp.status = 201
	return resp
}

// updatePhone answers PATCH .../phoneMethods/{id}.
func (t *Tenant) updatePhone(rc *reqCtx, target func(*reqCtx) (*user, *response), id string) response {
	u, bad := t.authorizedTarget(rc, target, OpWriteMethods)
	if bad != nil {
		return *bad
	}
	if !rc.op.AppOnly && strings.EqualFold(u.ID, rc.op.ID) {
		return rc.fail(403, "accessDenied", "Self-service operations are not supported for updating a phone method.") // rulePhoneUpdateNotSelf
	}
	var m *MethodData
	for i := range u.Methods {
		if u.Methods[i].Kind == KindPhone && strings.EqualFold(u.Methods[i].ID, id) {
			m = &u.Methods[i]
		}
	}
	if m == nil {
		return methodNotFound(rc, id)
	}
	num, typ, present, bad := phoneBody(rc)
	if bad != nil {
		return *bad
	}
	if present["phoneType"] && typ != m.PhoneType {
		return rc.fail(400, "badRequest", "A phone's type cannot be changed. Add a phone of the new type and delete this one.") // rulePhoneTypeFixed
	}
	if present["phoneNumber"] {
		if !phoneFormat.MatchString(num) {
			return badPhoneNumber(rc)
		}
		old := m.PhoneNumber
		m.PhoneNumber = num
		t.audit(rc, u, activityDefaultMethod, authMethodsServiceName, "Update",
			ModifiedProperty{DisplayName: "StrongAuthenticationUserDetails.PhoneNumber", OldValue: `["` + maskPhone(old) + `"]`, NewValue: `["` + maskPhone(num) + `"]`})
	}
	u.RegistrationUpdated = rc.now
	t.stats.MethodsUpdated++
	return response{status: 204}
}

func emailBody(rc *reqCtx) (string, *response) {
	var req struct {
		EmailAddress *string `json:"emailAddress"`
	}
	if r := readJSON(rc, &req); r != nil {
		return "", r
	}
	if req.EmailAddress == nil || strings.TrimSpace(*req.EmailAddress) == "" {
		r := rc.fail(400, "badRequest", "emailAddress is required.") // ruleEmailBody
		return "", &r
	}
	return *req.EmailAddress, nil
}

// addEmail answers POST .../emailMethods.
func (t *Tenant) addEmail(rc *reqCtx, target func(*reqCtx) (*user, *response)) response {
	u, bad := t.authorizedTarget(rc, target, OpWriteMethods)
	if bad != nil {
		return *bad
	}
	addr, bad := emailBody(rc)
	if bad != nil {
		return *bad
	}
	if hasKind(u.Methods, KindEmail) {
		return rc.fail(400, "badRequest", "The user already has an email authentication method. A user may only have one email authentication method.") // ruleEmailOne
	}
	m := MethodData{Kind: KindEmail, ID: EmailMethodID, EmailAddress: addr, Created: rc.now.UTC()}
	u.Methods = append(u.Methods, m)
	u.RegistrationUpdated = rc.now
	t.stats.MethodsAdded++
	t.audit(rc, u, activityDefaultMethod, authMethodsServiceName, "Add",
		ModifiedProperty{DisplayName: "StrongAuthenticationUserDetails.AlternativeEmail", NewValue: `["email"]`})
	resp := single(rc, methodsContext(rc, u, "emailMethods")+"/$entity", methodJSON(&m, false, false, rc.now, ""))
	resp.status = 201
	return resp
}

// updateEmail answers PATCH .../emailMethods/{id}.
func (t *Tenant) updateEmail(rc *reqCtx, target func(*reqCtx) (*user, *response), id string) response {
	u, bad := t.authorizedTarget(rc, target, OpWriteMethods)
	if bad != nil {
		return *bad
	}
	if !rc.op.AppOnly && strings.EqualFold(u.ID, rc.op.ID) {
		return rc.fail(403, "accessDenied", "Users cannot update their own email authentication method.") // ruleEmailUpdateNotSelf
	}
	m := firstKind(u.Methods, KindEmail)
	if m == nil || !strings.EqualFold(m.ID, id) {
		return methodNotFound(rc, id)
	}
	addr, bad := emailBody(rc)
	if bad != nil {
		return *bad
	}
	m.EmailAddress = addr
	u.RegistrationUpdated = rc.now
	t.stats.MethodsUpdated++
	t.audit(rc, u, activityDefaultMethod, authMethodsServiceName, "Update",
		ModifiedProperty{DisplayName: "StrongAuthenticationUserDetails.AlternativeEmail", NewValue: `["email"]`})
	return response{status: 204}
}
