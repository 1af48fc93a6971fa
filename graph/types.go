// Package graph is mfadesk's thin layer over Microsoft Graph. It turns
// msgraph-sdk-go models into the small domain types below and SDK errors into
// the classified errors of errors.go. Nothing outside this package (and its
// subpackages) sees an SDK type.
//
// JSON names on the domain types follow Graph's own names where the concept is
// Graph's, so `mfadesk ... --output json` is jq-friendly for people who know
// Graph.
package graph

import (
	"fmt"
	"strings"
	"time"
)

// PasswordMethodID is the fixed id of every user's password method. It can
// never be deleted.
const PasswordMethodID = "28c10230-6103-485e-b985-444c60001490"

// User is a directory user as the helpdesk sees it.
type User struct {
	ID                string `json:"id"`
	DisplayName       string `json:"displayName"`
	UserPrincipalName string `json:"userPrincipalName"`
	Mail              string `json:"mail,omitempty"`
	JobTitle          string `json:"jobTitle,omitempty"`
	Department        string `json:"department,omitempty"`
	AccountEnabled    bool   `json:"accountEnabled"`
	// UserType is "Member" or "Guest".
	UserType string `json:"userType,omitempty"`
	// SignInSessionsValidFrom moves forward on every session revoke.
	SignInSessionsValidFrom time.Time `json:"signInSessionsValidFromDateTime,omitzero"`
	CreatedDateTime         time.Time `json:"createdDateTime,omitzero"`
	// Risk is the user's Identity Protection risk when it was read (nil:
	// unknown); the catalogue's When rules for the risk actions read it.
	Risk *IdentityRisk `json:"-"`
}

// IsGuest reports a B2B guest (TAP refused, revoke does nothing).
func (u User) IsGuest() bool { return u.UserType == "Guest" }

// Page is one page of a paged Graph collection. Next is opaque: hand it back
// to the matching Next... call; empty means there is no further page.
type Page[T any] struct {
	Items []T    `json:"value"`
	Next  string `json:"-"`
	// Count is @odata.count when Graph sent it (-1 when it did not).
	Count int `json:"-"`
}

// MethodKind names an authentication method kind by its Graph URL segment
// stem (phoneMethods -> "phone").
type MethodKind string

const (
	KindPassword           MethodKind = "password"
	KindPhone              MethodKind = "phone"
	KindAuthenticator      MethodKind = "microsoftAuthenticator"
	KindFIDO2              MethodKind = "fido2"
	KindSoftwareOath       MethodKind = "softwareOath"
	KindHardwareOath       MethodKind = "hardwareOath"
	KindEmail              MethodKind = "email"
	KindTAP                MethodKind = "temporaryAccessPass"
	KindWindowsHello       MethodKind = "windowsHelloForBusiness"
	KindPlatformCredential MethodKind = "platformCredential"
	// Beta-only kinds (api-reference/beta/resources/authenticationmethod.md):
	// listed through beta, shown, but mfadesk has no delete for them.
	KindQRCodePin MethodKind = "qrCodePin"
	KindExternal  MethodKind = "externalAuthenticationMethod"
	// KindOther is any @odata.type mfadesk does not know; Method.ODataType
	// keeps the original so it is shown, never dropped.
	KindOther MethodKind = "other"
)

// AllKinds lists the kinds mfadesk knows, in display order.
var AllKinds = []MethodKind{KindPassword, KindAuthenticator, KindPhone, KindFIDO2,
	KindSoftwareOath, KindHardwareOath, KindEmail, KindTAP, KindWindowsHello, KindPlatformCredential}

// Method is one registered authentication method.
type Method struct {
	ID   string     `json:"id"`
	Kind MethodKind `json:"kind"`
	// ODataType is Graph's discriminator, e.g. "#microsoft.graph.fido2AuthenticationMethod".
	ODataType string `json:"@odata.type"`
	// DisplayName is Graph's displayName (a key's name, a device's name).
	DisplayName string `json:"displayName,omitempty"`
	// Detail is a one-line human summary built by graph: "mobile +1 XXXXXXX890",
	// "YubiKey 5 NFC", "Pixel 8 (Authenticator 6.2401.0119)".
	Detail    string    `json:"detail"`
	Created   time.Time `json:"createdDateTime,omitzero"`
	IsDefault bool      `json:"isDefault"`
	// SystemPreferred: system-preferred MFA is on for the user and Graph
	// says Entra prompts for this method (signinprefs.go).
	SystemPreferred bool `json:"systemPreferred,omitempty"`
	// Device is the Authenticator / Windows Hello / platform credential device.
	Device string `json:"device,omitempty"`
	// Model is a FIDO2 key's model.
	Model string `json:"model,omitempty"`
	// AppVersion is the Authenticator app version (phoneAppVersion).
	AppVersion string `json:"phoneAppVersion,omitempty"`
	// PhoneType is mobile, alternateMobile or office; PhoneNumber is masked
	// except its last digits.
	PhoneType   string `json:"phoneType,omitempty"`
	PhoneNumber string `json:"phoneNumber,omitempty"`
	Email       string `json:"emailAddress,omitempty"`
	// TAP fields, set for KindTAP.
	TAPStart        time.Time `json:"startDateTime,omitzero"`
	LifetimeMinutes int       `json:"lifetimeInMinutes,omitempty"`
	IsUsableOnce    bool      `json:"isUsableOnce,omitempty"`
	IsUsable        bool      `json:"isUsable,omitempty"`
}

// Deletable reports whether Graph offers a per-kind DELETE for this method.
func (m Method) Deletable() bool {
	return m.ID != PasswordMethodID && m.Kind != KindPassword && KindSegment[m.Kind] != ""
}

// Registration is a row of /reports/authenticationMethods/userRegistrationDetails.
type Registration struct {
	ID                                            string    `json:"id"`
	UserPrincipalName                             string    `json:"userPrincipalName"`
	UserDisplayName                               string    `json:"userDisplayName"`
	UserType                                      string    `json:"userType,omitempty"`
	IsAdmin                                       bool      `json:"isAdmin"`
	IsMfaRegistered                               bool      `json:"isMfaRegistered"`
	IsMfaCapable                                  bool      `json:"isMfaCapable"`
	IsSsprRegistered                              bool      `json:"isSsprRegistered"`
	IsSsprEnabled                                 bool      `json:"isSsprEnabled"`
	IsSsprCapable                                 bool      `json:"isSsprCapable"`
	IsPasswordlessCapable                         bool      `json:"isPasswordlessCapable"`
	IsSystemPreferredAuthenticationMethodEnabled  bool      `json:"isSystemPreferredAuthenticationMethodEnabled"`
	MethodsRegistered                             []string  `json:"methodsRegistered"`
	SystemPreferredAuthenticationMethods          []string  `json:"systemPreferredAuthenticationMethods"`
	UserPreferredMethodForSecondaryAuthentication string    `json:"userPreferredMethodForSecondaryAuthentication"`
	LastUpdated                                   time.Time `json:"lastUpdatedDateTime,omitzero"`
}

// RegistrationFilter narrows the tenant-wide registration report. The zero
// value lists everyone. Pointers mean "don't care" when nil.
type RegistrationFilter struct {
	IsMfaRegistered  *bool
	IsMfaCapable     *bool
	IsSsprRegistered *bool
	IsAdmin          *bool
	// MethodsRegistered keeps users having this method (e.g. "mobilePhone").
	MethodsRegistered string
	UserType          string // "member" or "guest"
	PageSize          int
}

// SignIn is one entry of the sign-in log.
type SignIn struct {
	ID                  string    `json:"id"`
	CreatedDateTime     time.Time `json:"createdDateTime"`
	UserID              string    `json:"userId"`
	UserPrincipalName   string    `json:"userPrincipalName"`
	UserDisplayName     string    `json:"userDisplayName"`
	AppDisplayName      string    `json:"appDisplayName"`
	AppID               string    `json:"appId,omitempty"`
	ResourceDisplayName string    `json:"resourceDisplayName,omitempty"`
	ClientAppUsed       string    `json:"clientAppUsed"`
	IPAddress           string    `json:"ipAddress"`
	Location            Location  `json:"location"`
	Device              Device    `json:"deviceDetail"`
	IsInteractive       bool      `json:"isInteractive"`
	Status              Status    `json:"status"`
	CorrelationID       string    `json:"correlationId,omitempty"`
	// ConditionalAccessStatus: success, failure, notApplied, unknownFutureValue.
	ConditionalAccessStatus string     `json:"conditionalAccessStatus"`
	AppliedPolicies         []CAPolicy `json:"appliedConditionalAccessPolicies,omitempty"`
	// PoliciesHidden: Graph left appliedConditionalAccessPolicies out
	// because the caller cannot read Conditional Access data (e.g. Reports
	// Reader): the policies are unknown, not absent.
	PoliciesHidden        bool   `json:"conditionalAccessPoliciesHidden,omitempty"`
	RiskLevelDuringSignIn string `json:"riskLevelDuringSignIn,omitempty"`
	// The sign-in's other Identity Protection fields (signin.md): the
	// aggregated level, the risk state and its reason, and the detections.
	// Without Entra ID P2 the levels and the detail are "hidden".
	RiskLevelAggregated string   `json:"riskLevelAggregated,omitempty"`
	RiskState           string   `json:"riskState,omitempty"`
	RiskDetail          string   `json:"riskDetail,omitempty"`
	RiskEventTypes      []string `json:"riskEventTypes_v2,omitempty"`
	// EventType: interactiveUser or nonInteractiveUser (which of Graph's
	// sign-in lists it came from, as the portal's tabs).
	EventType string `json:"signInEventType,omitempty"`
	// AuthenticationRequirement (beta): singleFactorAuthentication or
	// multiFactorAuthentication. Empty when Graph did not say.
	AuthenticationRequirement string `json:"authenticationRequirement,omitempty"`
	// AuthDetails (beta authenticationDetails): each step and how it went.
	AuthDetails []AuthStep `json:"authenticationDetails,omitempty"`
}

// Failed reports a sign-in that did not succeed (errorCode other than 0).
func (s SignIn) Failed() bool { return s.Status.ErrorCode != 0 }

type Status struct {
	ErrorCode         int    `json:"errorCode"`
	FailureReason     string `json:"failureReason,omitempty"`
	AdditionalDetails string `json:"additionalDetails,omitempty"`
}

type Location struct {
	City            string `json:"city,omitempty"`
	State           string `json:"state,omitempty"`
	CountryOrRegion string `json:"countryOrRegion,omitempty"`
}

type Device struct {
	DeviceID        string `json:"deviceId,omitempty"`
	DisplayName     string `json:"displayName,omitempty"`
	OperatingSystem string `json:"operatingSystem,omitempty"`
	Browser         string `json:"browser,omitempty"`
	IsCompliant     bool   `json:"isCompliant"`
	IsManaged       bool   `json:"isManaged"`
	TrustType       string `json:"trustType,omitempty"`
}

type CAPolicy struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	// Result: success, failure, notApplied, notEnabled, ...
	Result string `json:"result"`
}

// AuthStep is one step of beta authenticationDetails.
type AuthStep struct {
	Time         time.Time `json:"authenticationStepDateTime,omitzero"`
	Method       string    `json:"authenticationMethod"`
	MethodDetail string    `json:"authenticationMethodDetail,omitempty"`
	Succeeded    bool      `json:"succeeded"`
	ResultDetail string    `json:"authenticationStepResultDetail,omitempty"`
	Requirement  string    `json:"authenticationStepRequirement,omitempty"`
}

// SignInQuery selects a user's sign-ins.
type SignInQuery struct {
	Since, Until time.Time // zero Until means now
	FailuresOnly bool
	Top          int // 0 means the client's default
}

// AuditEvent is one directory audit entry about a user.
type AuditEvent struct {
	ID       string    `json:"id"`
	Time     time.Time `json:"activityDateTime"`
	Activity string    `json:"activityDisplayName"`
	Category string    `json:"category,omitempty"`
	// Result: success, failure, timeout, unknownFutureValue.
	Result       string `json:"result"`
	ResultReason string `json:"resultReason,omitempty"`
	// InitiatedBy is the user's UPN or the app's display name.
	InitiatedBy   string `json:"initiatedBy"`
	TargetID      string `json:"targetId,omitempty"`
	Target        string `json:"target,omitempty"`
	Details       string `json:"details,omitempty"`
	CorrelationID string `json:"correlationId,omitempty"`
}

// AuditQuery selects audit events targeting one user.
type AuditQuery struct {
	Since time.Time
	Top   int
}

// PerUserMFAState is the legacy per-user MFA state (beta
// /users/{id}/authentication/requirements perUserMfaState).
type PerUserMFAState string

const (
	PerUserMFADisabled PerUserMFAState = "disabled"
	PerUserMFAEnabled  PerUserMFAState = "enabled"
	PerUserMFAEnforced PerUserMFAState = "enforced"
)

// TAPRequest asks for a Temporary Access Pass.
type TAPRequest struct {
	LifetimeMinutes int // 10..43200; 0 means the policy default
	IsUsableOnce    bool
	// DefaultUse: one-time or multi-use as the tenant's TAP policy says
	// (IsUsableOnce is then ignored and not sent unless CheckTAP filled it
	// in from the policy). The TUI and the CLI both start from this.
	DefaultUse bool
	Start      time.Time // zero means now
}

// TAP is a freshly created Temporary Access Pass. Value is shown once and
// never logged or journaled.
type TAP struct {
	ID                    string    `json:"id"`
	Value                 string    `json:"temporaryAccessPass"`
	Created               time.Time `json:"createdDateTime,omitzero"`
	Start                 time.Time `json:"startDateTime,omitzero"`
	LifetimeMinutes       int       `json:"lifetimeInMinutes"`
	IsUsableOnce          bool      `json:"isUsableOnce"`
	IsUsable              bool      `json:"isUsable"`
	MethodUsabilityReason string    `json:"methodUsabilityReason,omitempty"`
}

// Expires is when the pass stops working.
func (t TAP) Expires() time.Time {
	start := t.Start
	if start.IsZero() {
		start = t.Created
	}
	return start.Add(time.Duration(t.LifetimeMinutes) * time.Minute)
}

// Mail is a message sent on the operator's (or a configured sender's) behalf.
type Mail struct {
	From    string   `json:"from,omitempty"` // UPN of the sender mailbox; empty means the signed-in user
	To      []string `json:"to"`
	Subject string   `json:"subject"`
	Body    string   `json:"body"`
	HTML    bool     `json:"html,omitempty"`
}

// Operator is who mfadesk acts as: a signed-in user (delegated) or an app.
type Operator struct {
	ID                string `json:"id,omitempty"`
	DisplayName       string `json:"displayName,omitempty"`
	UserPrincipalName string `json:"userPrincipalName,omitempty"`
	TenantID          string `json:"tenantId,omitempty"`
	// IsApp is true for app-only (client secret / certificate / managed identity).
	IsApp bool   `json:"isApp"`
	AppID string `json:"appId,omitempty"`
	// Scopes are delegated permissions (scp); AppRoles application
	// permissions (roles).
	Scopes   []string `json:"scopes,omitempty"`
	AppRoles []string `json:"appRoles,omitempty"`
	// RoleTemplateIDs are directory role template ids (wids); DirectoryRoles
	// their display names ("Authentication Administrator").
	RoleTemplateIDs []string `json:"roleTemplateIds,omitempty"`
	DirectoryRoles  []string `json:"directoryRoles,omitempty"`
}

// ParsePerUserMFAState accepts disabled, enabled or enforced (any case).
func ParsePerUserMFAState(s string) (PerUserMFAState, error) {
	switch st := PerUserMFAState(strings.ToLower(strings.TrimSpace(s))); st {
	case PerUserMFADisabled, PerUserMFAEnabled, PerUserMFAEnforced:
		return st, nil
	}
	return "", fmt.Errorf("per-user MFA state %q: want disabled, enabled or enforced", s)
}

// TAP lifetime bounds Graph enforces (minutes).
const (
	MinTAPLifetime = 10
	MaxTAPLifetime = 43200
)

// Sign-in event types as the beta signIn resource names them.
const (
	SignInInteractive    = "interactiveUser"
	SignInNonInteractive = "nonInteractiveUser"
)
