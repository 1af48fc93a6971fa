package fake

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// TenantData is the whole tenant as plain JSON: what Export returns and what
// Options.TenantFile (mfadesk demo-server --tenant-file) loads. Tests and bug
// reports can describe exact users with it. Unknown fields are rejected on
// load so typos don't silently vanish.
type TenantData struct {
	TenantID    string `json:"tenantId"`
	DisplayName string `json:"displayName"`
	// Domain is the verified default domain, e.g. "contoso.com".
	Domain   string      `json:"domain"`
	Users    []UserData  `json:"users"`
	Groups   []GroupData `json:"groups,omitempty"`
	Audits   []AuditData `json:"directoryAudits,omitempty"`
	SentMail []SentMail  `json:"sentMail,omitempty"`
	// Policies are the Conditional Access policies (capolicies.go);
	// SecurityDefaults whether security defaults are on.
	Policies         []CAPolicyConfig `json:"conditionalAccessPolicies,omitempty"`
	SecurityDefaults bool             `json:"securityDefaultsEnabled,omitempty"`
}

// GroupData is one security group. Members are user ids or the ids of
// nested groups; /transitiveMembers expands the nesting.
type GroupData struct {
	ID                 string    `json:"id"`
	DisplayName        string    `json:"displayName"`
	Description        string    `json:"description,omitempty"`
	Created            time.Time `json:"createdDateTime,omitzero"`
	IsAssignableToRole bool      `json:"isAssignableToRole,omitempty"`
	MemberIDs          []string  `json:"memberIds"`
}

// UserData is one directory user with everything the fake serves about them.
type UserData struct {
	ID                string `json:"id"`
	DisplayName       string `json:"displayName"`
	GivenName         string `json:"givenName,omitempty"`
	Surname           string `json:"surname,omitempty"`
	UserPrincipalName string `json:"userPrincipalName"`
	Mail              string `json:"mail,omitempty"`
	JobTitle          string `json:"jobTitle,omitempty"`
	Department        string `json:"department,omitempty"`
	OfficeLocation    string `json:"officeLocation,omitempty"`
	MobilePhone       string `json:"mobilePhone,omitempty"`
	AccountEnabled    bool   `json:"accountEnabled"`
	UserType          string `json:"userType"` // Member or Guest
	// ManagerID is the id of the user's manager (GET /users/{id}/manager);
	// empty means none.
	ManagerID       string    `json:"managerId,omitempty"`
	CreatedDateTime time.Time `json:"createdDateTime,omitzero"`
	// SignInSessionsValidFrom moves to "now" on revokeSignInSessions.
	SignInSessionsValidFrom time.Time `json:"signInSessionsValidFromDateTime,omitzero"`
	// Roles are the directory role template ids the user holds (see the
	// Role* constants). Any role makes the user an admin.
	Roles []string `json:"roles,omitempty"`
	// PerUserMFAState is disabled, enabled or enforced (legacy per-user MFA).
	PerUserMFAState string `json:"perUserMfaState"`
	// PreferredMethod is userPreferredMethodForSecondaryAuthentication (push,
	// oath, voiceMobile, voiceAlternateMobile, voiceOffice, sms, fido2, none).
	// The default method is the registered method backing it.
	PreferredMethod        string    `json:"userPreferredMethodForSecondaryAuthentication"`
	SystemPreferredEnabled bool      `json:"isSystemPreferredAuthenticationMethodEnabled"`
	RegistrationUpdated    time.Time `json:"lastUpdatedDateTime,omitzero"`
	// Methods are the registered authentication methods (password included).
	Methods []MethodData `json:"methods"`
	// SignIns are the user's sign-in log entries, newest first. Generated
	// tenants fill them lazily (on first request) and Export includes them.
	SignIns []SignInData `json:"signIns"`
	// Risk is the user's Identity Protection record (idrisk.go); zero:
	// none (GET /identityProtection/riskyUsers/{id} answers 404).
	Risk RiskData `json:"risk,omitzero"`
}

// IsAdmin reports whether the user holds any directory role.
func (u UserData) IsAdmin() bool { return len(u.Roles) > 0 }

// IsGuest reports a B2B guest.
func (u UserData) IsGuest() bool { return strings.EqualFold(u.UserType, "Guest") }

// Method kinds, named after the Graph URL segment stem (as graph.MethodKind).
const (
	KindPassword           = "password"
	KindPhone              = "phone"
	KindAuthenticator      = "microsoftAuthenticator"
	KindFIDO2              = "fido2"
	KindSoftwareOath       = "softwareOath"
	KindHardwareOath       = "hardwareOath"
	KindEmail              = "email"
	KindTAP                = "temporaryAccessPass"
	KindWindowsHello       = "windowsHelloForBusiness"
	KindPlatformCredential = "platformCredential"
)

// Fixed method ids Graph uses.
const (
	PasswordMethodID       = "28c10230-6103-485e-b985-444c60001490"
	MobilePhoneID          = "3179e48a-750b-4051-897c-87b9720928f7"
	AlternateMobilePhoneID = "b6332ec1-7057-4abe-9331-3d72feddfe41"
	OfficePhoneID          = "e37fc753-ff3b-4958-9484-eaa9425c82bc"
	EmailMethodID          = "3ddfcfc8-9383-446f-83cc-3ab9be4be18f"
	microsoftGraphAppID    = "00000003-0000-0000-c000-000000000000"
	graphExplorerAppID     = "de8bc8b5-d9f9-48b1-a8ad-b748da725064"
	defaultOperatorAppID   = "14d82eec-204b-4c2f-b7e8-296a70dab67e" // Microsoft Graph Command Line Tools
	defaultOperatorAppName = "Microsoft Graph Command Line Tools"
	defaultOperatorSPID    = "5d9a3c43-1b52-4e4d-9a53-2f5f0e9a6c11"
	authMethodsServiceName = "Authentication Methods"
	coreDirectoryService   = "Core Directory"
	categoryUserManagement = "UserManagement"
	activityUpdateUser     = "Update user"
	activityRevoke         = "Invalidate all refresh tokens for user"
	activityTAPRegistered  = "Admin registered temporary access pass method for user"
	activityPerUserMFA     = "Update per-user MFA state"
	activityDefaultMethod  = "Admin updated security info"
	activityUserRegistered = "User registered security info"
)

// MethodData is one registered authentication method. Which fields matter
// depends on Kind.
type MethodData struct {
	Kind        string    `json:"kind"`
	ID          string    `json:"id"`
	DisplayName string    `json:"displayName,omitempty"`
	Created     time.Time `json:"createdDateTime,omitzero"`
	// phone: "+1 5555551234", mobile|alternateMobile|office, notAllowedByPolicy|ready|notConfigured
	PhoneNumber    string `json:"phoneNumber,omitempty"`
	PhoneType      string `json:"phoneType,omitempty"`
	SMSSignInState string `json:"smsSignInState,omitempty"`
	// microsoftAuthenticator
	DeviceTag       string `json:"deviceTag,omitempty"`
	PhoneAppVersion string `json:"phoneAppVersion,omitempty"`
	// fido2 (Model also for hardwareOath)
	Model                   string   `json:"model,omitempty"`
	AAGUID                  string   `json:"aaGuid,omitempty"`
	AttestationLevel        string   `json:"attestationLevel,omitempty"`
	AttestationCertificates []string `json:"attestationCertificates,omitempty"`
	// windowsHelloForBusiness / platformCredential: normal|weak|unknown
	KeyStrength string `json:"keyStrength,omitempty"`
	Platform    string `json:"platform,omitempty"` // platformCredential: macOS, windows, ...
	// email
	EmailAddress string `json:"emailAddress,omitempty"`
	// temporaryAccessPass
	TAPStart        time.Time `json:"startDateTime,omitzero"`
	LifetimeMinutes int       `json:"lifetimeInMinutes,omitempty"`
	IsUsableOnce    bool      `json:"isUsableOnce,omitempty"`
	// hardwareOath
	SerialNumber string `json:"serialNumber,omitempty"`
	Manufacturer string `json:"manufacturer,omitempty"`
}

// SignInData is one sign-in log entry. userId, userPrincipalName and
// userDisplayName come from the owning user.
type SignInData struct {
	ID                        string         `json:"id"`
	Created                   time.Time      `json:"createdDateTime"`
	AppDisplayName            string         `json:"appDisplayName"`
	AppID                     string         `json:"appId"`
	ResourceDisplayName       string         `json:"resourceDisplayName"`
	ResourceID                string         `json:"resourceId"`
	ClientAppUsed             string         `json:"clientAppUsed"`
	IPAddress                 string         `json:"ipAddress"`
	CorrelationID             string         `json:"correlationId"`
	IsInteractive             bool           `json:"isInteractive"`
	ErrorCode                 int            `json:"errorCode"`
	FailureReason             string         `json:"failureReason,omitempty"`
	AdditionalDetails         string         `json:"additionalDetails,omitempty"`
	ConditionalAccessStatus   string         `json:"conditionalAccessStatus"`
	Policies                  []CAPolicyData `json:"appliedConditionalAccessPolicies,omitempty"`
	Location                  LocationData   `json:"location"`
	Device                    DeviceData     `json:"deviceDetail"`
	AuthenticationRequirement string         `json:"authenticationRequirement,omitempty"` // beta only
	AuthDetails               []AuthStepData `json:"authenticationDetails,omitempty"`     // beta only
	// Identity Protection's view of the sign-in (signin.md); empty is
	// "none". A tenant without Entra ID P2 is answered "hidden".
	RiskLevelDuringSignIn string   `json:"riskLevelDuringSignIn,omitempty"`
	RiskLevelAggregated   string   `json:"riskLevelAggregated,omitempty"`
	RiskState             string   `json:"riskState,omitempty"`
	RiskDetail            string   `json:"riskDetail,omitempty"`
	RiskEventTypes        []string `json:"riskEventTypes_v2,omitempty"`
}

type CAPolicyData struct {
	ID               string   `json:"id"`
	DisplayName      string   `json:"displayName"`
	Result           string   `json:"result"` // success, failure, notApplied, notEnabled
	EnforcedGrant    []string `json:"enforcedGrantControls,omitempty"`
	EnforcedSessions []string `json:"enforcedSessionControls,omitempty"`
}

type LocationData struct {
	City            string  `json:"city,omitempty"`
	State           string  `json:"state,omitempty"`
	CountryOrRegion string  `json:"countryOrRegion,omitempty"`
	Latitude        float64 `json:"latitude,omitempty"`
	Longitude       float64 `json:"longitude,omitempty"`
}

type DeviceData struct {
	DeviceID        string `json:"deviceId,omitempty"`
	DisplayName     string `json:"displayName,omitempty"`
	OperatingSystem string `json:"operatingSystem,omitempty"`
	Browser         string `json:"browser,omitempty"`
	IsCompliant     bool   `json:"isCompliant,omitempty"`
	IsManaged       bool   `json:"isManaged,omitempty"`
	TrustType       string `json:"trustType,omitempty"`
}

type AuthStepData struct {
	Time         time.Time `json:"authenticationStepDateTime"`
	Method       string    `json:"authenticationMethod"`
	MethodDetail string    `json:"authenticationMethodDetail,omitempty"`
	Succeeded    bool      `json:"succeeded"`
	ResultDetail string    `json:"authenticationStepResultDetail,omitempty"`
	Requirement  string    `json:"authenticationStepRequirement,omitempty"`
}

// AuditData is one directoryAudit entry.
type AuditData struct {
	ID                  string         `json:"id"`
	ActivityDateTime    time.Time      `json:"activityDateTime"`
	ActivityDisplayName string         `json:"activityDisplayName"`
	Category            string         `json:"category"`
	OperationType       string         `json:"operationType"` // Add, Update, Delete
	Result              string         `json:"result"`        // success, failure
	ResultReason        string         `json:"resultReason,omitempty"`
	LoggedByService     string         `json:"loggedByService"`
	CorrelationID       string         `json:"correlationId"`
	InitiatedBy         InitiatorData  `json:"initiatedBy"`
	Targets             []TargetData   `json:"targetResources"`
	AdditionalDetails   []KeyValueData `json:"additionalDetails,omitempty"`
}

// InitiatorData is either a user (UserID set) or an app (AppID set).
type InitiatorData struct {
	UserID             string `json:"userId,omitempty"`
	UserDisplayName    string `json:"userDisplayName,omitempty"`
	UserPrincipalName  string `json:"userPrincipalName,omitempty"`
	IPAddress          string `json:"ipAddress,omitempty"`
	AppID              string `json:"appId,omitempty"`
	AppDisplayName     string `json:"appDisplayName,omitempty"`
	ServicePrincipalID string `json:"servicePrincipalId,omitempty"`
}

type TargetData struct {
	ID                 string             `json:"id"`
	DisplayName        string             `json:"displayName,omitempty"`
	UserPrincipalName  string             `json:"userPrincipalName,omitempty"`
	Type               string             `json:"type"`
	ModifiedProperties []ModifiedProperty `json:"modifiedProperties,omitempty"`
}

type ModifiedProperty struct {
	DisplayName string `json:"displayName"`
	OldValue    string `json:"oldValue,omitempty"`
	NewValue    string `json:"newValue,omitempty"`
}

type KeyValueData struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// SentMail is a message accepted by POST /users/{id}/sendMail or /me/sendMail.
type SentMail struct {
	Time            time.Time `json:"time"`
	From            string    `json:"from"` // the mailbox UPN the message was sent as
	To              []string  `json:"to"`
	Cc              []string  `json:"cc,omitempty"`
	Subject         string    `json:"subject"`
	ContentType     string    `json:"contentType"` // Text or HTML
	Body            string    `json:"body"`
	SaveToSentItems bool      `json:"saveToSentItems"`
}

// LoadTenantFile reads a TenantData JSON file.
func LoadTenantFile(path string) (*TenantData, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseTenant(b)
}

// ParseTenant decodes and validates TenantData JSON.
func ParseTenant(b []byte) (*TenantData, error) {
	var td TenantData
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&td); err != nil {
		return nil, fmt.Errorf("tenant file: %w", err)
	}
	if err := td.validate(); err != nil {
		return nil, fmt.Errorf("tenant file: %w", err)
	}
	return &td, nil
}

func (td *TenantData) validate() error {
	ids := map[string]bool{}
	upns := map[string]bool{}
	for i, u := range td.Users {
		if u.ID == "" || u.UserPrincipalName == "" {
			return fmt.Errorf("user %d: id and userPrincipalName are required", i)
		}
		if ids[strings.ToLower(u.ID)] || upns[strings.ToLower(u.UserPrincipalName)] {
			return fmt.Errorf("user %d (%s): duplicate id or userPrincipalName", i, u.UserPrincipalName)
		}
		ids[strings.ToLower(u.ID)] = true
		upns[strings.ToLower(u.UserPrincipalName)] = true
		switch u.PerUserMFAState {
		case "", "disabled", "enabled", "enforced":
		default:
			return fmt.Errorf("user %s: perUserMfaState %q is not disabled, enabled or enforced", u.UserPrincipalName, u.PerUserMFAState)
		}
		mids := map[string]bool{}
		for j, m := range u.Methods {
			if _, ok := kindInfo[m.Kind]; !ok {
				return fmt.Errorf("user %s method %d: unknown kind %q", u.UserPrincipalName, j, m.Kind)
			}
			if m.ID == "" {
				return fmt.Errorf("user %s method %d: id is required", u.UserPrincipalName, j)
			}
			if mids[m.ID] {
				return fmt.Errorf("user %s: duplicate method id %s", u.UserPrincipalName, m.ID)
			}
			mids[m.ID] = true
			if m.Kind == KindPhone && !slices.Contains([]string{"mobile", "alternateMobile", "office"}, m.PhoneType) {
				return fmt.Errorf("user %s method %s: phoneType must be mobile, alternateMobile or office", u.UserPrincipalName, m.ID)
			}
		}
	}
	return td.validateGroups(ids)
}

func (td TenantData) clone() TenantData {
	b, _ := json.Marshal(td)
	var out TenantData
	_ = json.Unmarshal(b, &out)
	return out
}

// kindInfo maps a kind to its URL segment and @odata.type.
var kindInfo = map[string]struct {
	segment   string
	odataType string
}{
	KindPassword:           {"passwordMethods", "#microsoft.graph.passwordAuthenticationMethod"},
	KindPhone:              {"phoneMethods", "#microsoft.graph.phoneAuthenticationMethod"},
	KindAuthenticator:      {"microsoftAuthenticatorMethods", "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod"},
	KindFIDO2:              {"fido2Methods", "#microsoft.graph.fido2AuthenticationMethod"},
	KindSoftwareOath:       {"softwareOathMethods", "#microsoft.graph.softwareOathAuthenticationMethod"},
	KindHardwareOath:       {"hardwareOathMethods", "#microsoft.graph.hardwareOathAuthenticationMethod"},
	KindEmail:              {"emailMethods", "#microsoft.graph.emailAuthenticationMethod"},
	KindTAP:                {"temporaryAccessPassMethods", "#microsoft.graph.temporaryAccessPassAuthenticationMethod"},
	KindWindowsHello:       {"windowsHelloForBusinessMethods", "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod"},
	KindPlatformCredential: {"platformCredentialMethods", "#microsoft.graph.platformCredentialAuthenticationMethod"},
}

func kindForSegment(seg string) (string, bool) {
	for k, v := range kindInfo {
		if v.segment == seg {
			return k, true
		}
	}
	return "", false
}
