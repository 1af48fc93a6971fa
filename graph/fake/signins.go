package fake

import (
	"fmt"
	mrand "math/rand/v2"
	"sort"
	"strings"
	"time"
)

type app struct {
	name, id, resource, resourceID string
}

var (
	appExchange      = app{"Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000"}
	appTeams         = app{"Microsoft Teams", "1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams Services", "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe"}
	appPortal        = app{"Azure Portal", "c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Windows Azure Service Management API", "797f4846-ba00-4fd7-ba43-dac1f8f63013"}
	appMyApps        = app{"My Apps", "2793995e-0a7d-40d7-bd35-6968ba142197", "Microsoft Graph", microsoftGraphAppID}
	appBroker        = app{"Microsoft Authentication Broker", "29d9ed98-a469-4536-ade2-f981bc1d605e", "Microsoft Graph", microsoftGraphAppID}
	appOffice        = app{"Microsoft Office", "d3590ed6-52b3-4102-aeff-aad2292ab01c", "Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000"}
	appOfficeHome    = app{"OfficeHome", "4765445b-32c6-49b0-83e6-1d93765276ca", "Microsoft Graph", microsoftGraphAppID}
	appSharePoint    = app{"Office 365 SharePoint Online", "00000003-0000-0ff1-ce00-000000000000", "Office 365 SharePoint Online", "00000003-0000-0ff1-ce00-000000000000"}
	appGraphExplorer = app{"Graph Explorer", graphExplorerAppID, "Microsoft Graph", microsoftGraphAppID}
	allApps          = []app{appExchange, appTeams, appTeams, appOffice, appOfficeHome, appSharePoint, appMyApps, appBroker, appPortal, appExchange}
)

type place struct {
	city, state, country string
	lat, lon             float64
	ipPrefix             string
}

var homePlaces = []place{
	{"Redmond", "Washington", "US", 47.6805, -122.1209, "131.107."},
	{"Seattle", "Washington", "US", 47.6062, -122.3321, "174.21."},
	{"New York", "New York", "US", 40.7128, -74.0060, "72.229."},
	{"Chicago", "Illinois", "US", 41.8781, -87.6298, "98.226."},
	{"Austin", "Texas", "US", 30.2672, -97.7431, "70.112."},
	{"London", "England", "GB", 51.5074, -0.1278, "81.2."},
	{"Toronto", "Ontario", "CA", 43.6532, -79.3832, "142.112."},
	{"Dublin", "Dublin", "IE", 53.3498, -6.2603, "86.40."},
}

var travelPlaces = []place{
	{"Lagos", "Lagos", "NG", 6.5244, 3.3792, "102.89."},
	{"Amsterdam", "North Holland", "NL", 52.3676, 4.9041, "185.107."},
	{"Singapore", "Singapore", "SG", 1.3521, 103.8198, "116.86."},
}

type device struct {
	os, browser, client string
}

var devices = []device{
	{"Windows10", "Edge 120.0.0", "Browser"},
	{"Windows10", "Chrome 121.0.0", "Browser"},
	{"Windows10", "Rich Client 16.0.17231", "Mobile Apps and Desktop clients"},
	{"MacOs", "Safari 17.2", "Browser"},
	{"Ios 17.3", "Mobile Safari", "Browser"},
	{"Ios 17.3", "Rich Client 4.2401.1", "Mobile Apps and Desktop clients"},
	{"Android 14", "Chrome Mobile 121.0.6167", "Browser"},
}

// Graph's failureReason texts (resourceID fills '{resource}').
var failureText = map[int]string{
	50074:  "Strong Authentication is required.",
	50076:  "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '{resource}'.",
	50079:  "Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '{resource}'.",
	50072:  "Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '{resource}'.",
	500121: "Authentication failed during strong authentication request.",
	50126:  "Error validating credentials due to invalid username or password.",
	50053:  "Account is locked because user tried to sign in too many times with an incorrect user ID or password.",
	53003:  "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
	50158:  "External security challenge not satisfied.",
	50057:  "User account is disabled. The account has been disabled by an administrator.",
	50055:  "The password is expired.",
	50140:  "This error occurred due to 'Keep me signed in' interrupt when the user was signing in.",
	50173:  "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.",
	50058:  "Session information is not sufficient for single-sign-on.",
}

// Conditional Access policies of the tenant.
var (
	caRequireMFA       = CAPolicyData{ID: "a3d3b1c4-77e2-4f6b-9a8c-2b7e6d5c4f01", DisplayName: "Require MFA for all users", Result: "success", EnforcedGrant: []string{"Mfa"}}
	caCompliantDevice  = CAPolicyData{ID: "c7e5f2a8-3b4d-4e6f-8a9b-1c2d3e4f5a02", DisplayName: "Require compliant device", Result: "notApplied", EnforcedGrant: []string{"RequireCompliantDevice"}}
	caBlockLegacy      = CAPolicyData{ID: "e9f1a3b5-6c7d-4e8f-9a0b-2c3d4e5f6a03", DisplayName: "Block legacy authentication", Result: "notApplied", EnforcedGrant: []string{"Block"}}
	caExternalProvider = CAPolicyData{ID: "f0a2b4c6-8d9e-4f0a-8b1c-3d4e5f6a7b04", DisplayName: "Require Duo for contractors", Result: "notApplied", EnforcedGrant: []string{"Duo-MFA"}}
)

// methodStep is how the user's second factor shows in authenticationDetails.
func methodStep(u *UserData) (method, detail string) {
	switch u.PreferredMethod {
	case "push":
		return "Mobile app notification", ""
	case "oath":
		return "OATH verification code", ""
	case "sms":
		if p := findPhone(u.Methods, "mobile"); p != nil {
			return "Text message", maskPhone(p.PhoneNumber)
		}
		return "Text message", ""
	case "voiceMobile", "voiceAlternateMobile", "voiceOffice":
		return "Phone call", ""
	}
	switch {
	case hasKind(u.Methods, KindFIDO2):
		return "FIDO2 security key", ""
	case hasKind(u.Methods, KindWindowsHello):
		return "Windows Hello for Business", ""
	case hasKind(u.Methods, KindTAP):
		return "Temporary Access Pass", ""
	}
	return "", ""
}

type siGen struct {
	r      *mrand.Rand
	u      *UserData
	home   place
	ip     string
	dev    device
	devID  string
	newID  func() string
	mfa    string // method name of the second factor ("" = none registered)
	detail string
}

func newSIGen(r *mrand.Rand, u *UserData, newID func() string) *siGen {
	s := &siGen{r: r, u: u, newID: newID}
	s.home = homePlaces[r.IntN(len(homePlaces))]
	s.ip = fmt.Sprintf("%s%d.%d", s.home.ipPrefix, r.IntN(256), 1+r.IntN(254))
	s.dev = devices[r.IntN(len(devices))]
	s.devID = ""
	if r.IntN(2) == 0 {
		s.devID = newID()
	}
	s.mfa, s.detail = methodStep(u)
	return s
}

// event builds one sign-in with the given outcome.
func (s *siGen) event(at time.Time, a app, code int, extra string) SignInData {
	r := s.r
	dev := s.dev
	if r.IntN(4) == 0 {
		dev = devices[r.IntN(len(devices))]
	}
	pl, ip := s.home, s.ip
	if code == 50053 || code == 50126 && r.IntN(3) == 0 {
		pl = travelPlaces[r.IntN(len(travelPlaces))]
		ip = fmt.Sprintf("%s%d.%d", pl.ipPrefix, r.IntN(256), 1+r.IntN(254))
	}
	si := SignInData{
		ID: s.newID(), Created: at.UTC().Truncate(time.Millisecond), AppDisplayName: a.name, AppID: a.id,
		ResourceDisplayName: a.resource, ResourceID: a.resourceID, ClientAppUsed: dev.client, IPAddress: ip,
		CorrelationID: s.newID(), IsInteractive: code != 0 || r.IntN(3) != 0, ErrorCode: code,
		FailureReason:           strings.ReplaceAll(failureText[code], "{resource}", a.resourceID),
		ConditionalAccessStatus: "notApplied",
		Location:                LocationData{City: pl.city, State: pl.state, CountryOrRegion: pl.country, Latitude: pl.lat, Longitude: pl.lon},
		Device:                  DeviceData{DeviceID: s.devID, OperatingSystem: dev.os, Browser: dev.browser},
	}
	if s.devID != "" {
		si.Device.DisplayName = strings.ToUpper(asciiName(s.u.GivenName)) + "-" + map[bool]string{true: "PC", false: "PHONE"}[strings.HasPrefix(dev.os, "Windows") || dev.os == "MacOs"]
		si.Device.TrustType = "Azure AD registered"
		if strings.HasPrefix(dev.os, "Windows") {
			si.Device.TrustType = "Azure AD joined"
		}
		si.Device.IsCompliant = true
		si.Device.IsManaged = true
	}
	pw := AuthStepData{Time: si.Created, Method: "Password", MethodDetail: "Password Hash Sync", Succeeded: true,
		ResultDetail: "Correct password", Requirement: "Primary authentication"}
	mfaStep := func(ok bool, detail string) AuthStepData {
		return AuthStepData{Time: si.Created.Add(7 * time.Second), Method: firstNonEmpty(s.mfa, "Mobile app notification"), MethodDetail: s.detail,
			Succeeded: ok, ResultDetail: detail, Requirement: "Multifactor authentication"}
	}
	si.AuthenticationRequirement = "singleFactorAuthentication"
	policies := []CAPolicyData{caRequireMFA, caCompliantDevice, caBlockLegacy}
	policies[0].Result = "notApplied"
	switch code {
	case 0:
		if extra == "mfa" {
			si.AuthenticationRequirement = "multiFactorAuthentication"
			policies[0].Result = "success"
			si.ConditionalAccessStatus = "success"
			switch s.mfa {
			case "FIDO2 security key", "Windows Hello for Business", "Temporary Access Pass":
				pw = AuthStepData{Time: si.Created, Method: s.mfa, Succeeded: true, ResultDetail: "MFA requirement satisfied", Requirement: "Primary authentication"}
				si.AuthDetails = []AuthStepData{pw}
			default:
				si.AuthDetails = []AuthStepData{pw, mfaStep(true, "MFA successfully completed")}
			}
			si.AdditionalDetails = "MFA completed in Azure AD"
		} else if extra == "claim" {
			si.AuthenticationRequirement = "multiFactorAuthentication"
			policies[0].Result = "success"
			si.ConditionalAccessStatus = "success"
			si.AuthDetails = []AuthStepData{{Time: si.Created, Method: "Previously satisfied", Succeeded: true,
				ResultDetail: "MFA requirement satisfied by claim in the token", Requirement: "Primary authentication"}}
			si.AdditionalDetails = "MFA requirement satisfied by claim in the token"
		} else {
			si.AuthDetails = []AuthStepData{pw}
		}
	case 50074, 50076:
		si.AuthenticationRequirement = "multiFactorAuthentication"
		si.AuthDetails = []AuthStepData{pw, mfaStep(false, "MFA required in Azure AD")}
		si.AdditionalDetails = "MFA required in Azure AD"
	case 500121:
		si.AuthenticationRequirement = "multiFactorAuthentication"
		detail := firstNonEmpty(extra, "MFA denied; user did not respond to mobile app notification")
		si.AuthDetails = []AuthStepData{pw, mfaStep(false, detail)}
		si.AdditionalDetails = detail
	case 50079, 50072:
		si.AuthenticationRequirement = "multiFactorAuthentication"
		si.AuthDetails = []AuthStepData{pw, {Time: si.Created, Method: "Multifactor authentication registration", Succeeded: false,
			ResultDetail: "User needs to perform multi-factor authentication registration", Requirement: "Multifactor authentication"}}
		si.AdditionalDetails = "User needs to register for multi-factor authentication."
	case 50126:
		pw.Succeeded = false
		pw.ResultDetail = "Invalid username or password or Invalid on-premise username or password."
		si.AuthDetails = []AuthStepData{pw}
	case 50053:
		pw.Succeeded = false
		pw.ResultDetail = "Account is locked"
		si.AuthDetails = []AuthStepData{pw}
		si.AdditionalDetails = "The account is locked because of too many failed sign-in attempts (Smart Lockout)."
	case 53003:
		si.ConditionalAccessStatus = "failure"
		policies[1].Result = "failure"
		si.AuthDetails = []AuthStepData{pw}
		si.AdditionalDetails = "Sign-in was blocked by Conditional Access policy \"" + policies[1].DisplayName + "\"."
	case 50158:
		si.AuthenticationRequirement = "multiFactorAuthentication"
		ext := caExternalProvider
		ext.Result = "failure"
		policies = append(policies, ext)
		si.ConditionalAccessStatus = "failure"
		si.AuthDetails = []AuthStepData{pw}
		si.AdditionalDetails = "External authentication provider did not complete the challenge."
	case 50057, 50055:
		pw.Succeeded = false
		pw.ResultDetail = si.FailureReason
		si.AuthDetails = []AuthStepData{pw}
	case 50140, 50058:
		si.AuthDetails = []AuthStepData{pw}
		si.AdditionalDetails = "This is an expected part of the login flow, where a user is asked if they want to remain signed into this browser to make further logins easier."
		if code == 50058 {
			si.AdditionalDetails = "Silent sign-in could not find a session; the user is prompted."
		}
	case 50173:
		si.IsInteractive = false
		si.AuthDetails = []AuthStepData{}
		si.AdditionalDetails = "The refresh token was issued before the user's sessions were revoked."
	default:
		si.AuthDetails = []AuthStepData{pw}
	}
	if extra != "" && code != 500121 && extra != "mfa" && extra != "claim" {
		si.FailureReason = extra
	}
	si.Policies = policies
	return si
}

// genSignIns makes 14 days of sign-ins for a generated user, newest first,
// from the user's seed (so it is the same whenever it is first asked for).
func genSignIns(u *user, seed uint64, base time.Time) []SignInData {
	r := mrand.New(mrand.NewPCG(seed, 0x516e))
	newID := func() string { return fmtUUID(rand16(r)) }
	g := newSIGen(r, &u.UserData, newID)
	n := 3 + r.IntN(18)
	if u.IsGuest() {
		n = 1 + r.IntN(4)
	}
	out := make([]SignInData, 0, n)
	hasMFA := isMfaRegistered(u.Methods) || hasKind(u.Methods, KindTAP)
	for i := 0; i < n; i++ {
		at := base.Add(-time.Duration(r.Int64N(int64(14 * 24 * time.Hour))))
		a := allApps[r.IntN(len(allApps))]
		code, extra := 0, ""
		p := r.IntN(1000)
		switch {
		case !u.AccountEnabled:
			code = 50057
			if p < 100 {
				code = 50126
			}
		case u.IsGuest():
			if p < 100 {
				code = 50058
			}
		case !hasMFA:
			switch {
			case p < 180:
				code = pick(r, []int{50079, 50079, 50072})
			case p < 260:
				code = 50126
			case p < 300:
				code = 50140
			}
		default:
			switch {
			case p < 500:
				extra = "mfa"
			case p < 700:
				extra = "claim"
			case p < 770:
				code = 50074
			case p < 820:
				code = 50140
			case p < 870:
				code = 500121
				extra = pick(r, []string{"MFA denied; user declined the authentication", "MFA denied; user did not respond to mobile app notification", "MFA denied; user did not select the correct number"})
			case p < 920:
				code = 50126
			case p < 940:
				code = 50076
			case p < 955:
				code = 53003
			case p < 962:
				code = 50158
			case p < 970:
				code = 50055
			case p < 980:
				code = 50173
			case p < 985:
				code = 50053
			}
		}
		out = append(out, g.event(at, a, code, extra))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out
}

// personaSignIns scripts the personas' recent history.
func personaSignIns(gc *genCtx, u *user) []SignInData {
	g := newSIGen(gc.r, &u.UserData, gc.id)
	now := gc.now
	m := func(ago time.Duration) time.Time { return now.Add(-ago) }
	var out []SignInData
	add := func(ago time.Duration, a app, code int, extra string) {
		out = append(out, g.event(m(ago), a, code, extra))
	}
	background := func(n int, extra string) {
		for i := 0; i < n; i++ {
			ago := time.Duration(6+i*31) * time.Hour
			add(ago+time.Duration(gc.r.IntN(50))*time.Minute, allApps[i%len(allApps)], 0, []string{extra, "claim"}[i%2])
		}
	}
	switch u.ID {
	case AliceID:
		add(25*time.Minute, appTeams, 500121, "MFA denied; user declined the authentication")
		add(41*time.Minute, appExchange, 50074, "")
		add(2*time.Hour, appOffice, 500121, "MFA denied; user did not respond to mobile app notification")
		background(12, "mfa")
	case BobID:
		add(12*time.Minute, appExchange, 50053, "")
		add(14*time.Minute, appExchange, 50126, "")
		add(15*time.Minute, appExchange, 50126, "")
		add(17*time.Minute, appOfficeHome, 50126, "")
		background(8, "mfa")
	case CarolID:
		add(30*time.Minute, appPortal, 0, "mfa")
		background(15, "mfa")
	case DaveID:
		add(8*time.Minute, appOfficeHome, 50079, "")
		add(3*time.Hour, appTeams, 50079, "")
		add(27*time.Hour, appMyApps, 50072, "")
		add(50*time.Hour, appOfficeHome, 0, "")
	case ErinID:
		add(18*time.Minute, appSharePoint, 53003, "")
		add(19*time.Minute, appTeams, 53003, "")
		add(5*time.Hour, appPortal, 0, "mfa")
		background(9, "mfa")
	case FrankID:
		add(2*time.Hour, appExchange, 50057, "")
		add(26*time.Hour, appTeams, 50057, "")
		add(30*24*time.Hour-time.Hour, appExchange, 0, "mfa")
	case GraceID:
		add(3*time.Hour, appSharePoint, 0, "")
		add(50*time.Hour, appTeams, 0, "")
	case HenryID:
		add(90*time.Minute, appMyApps, 0, "mfa")
		add(110*time.Minute, appOfficeHome, 50140, "")
	case MalloryID:
		add(10*time.Minute, appExchange, 50126, "Error validating credentials\x1b[2J\x1b[H\x1b]52;c;cm0gLXJmIH4=\x07 due to invalid username or password.\u202E")
		add(20*time.Minute, appGraphExplorer, 0, "")
	case LiamID:
		add(4*time.Hour, appPortal, 50079, "")
		add(28*time.Hour, appOfficeHome, 0, "")
	case IvanID, JudyID, KarenID, DemoAdminID:
		add(45*time.Minute, appPortal, 0, "mfa")
		background(10, "mfa")
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	// keep persona sign-ins inside the 14-day window except Frank's last good one
	return out
}
