package fake

import (
	"encoding/base64"
	"fmt"
	mrand "math/rand/v2"
	"sort"
	"strings"
	"time"
)

// Persona object ids: fixed across seeds so the TUI, CLI and tests can rely
// on them. Every generated tenant starts with these users.
const (
	// AliceID: Alice Wong, Sales. Authenticator (default, push, "iPhone 15")
	// + mobile + alternate mobile + software OATH. Recent 500121 (declined)
	// and 50074.
	AliceID = "4f3a2c1e-8b7d-4a6f-9e5c-1d2b3a4c5e01"
	// BobID: Bob O'Brien (a quote in the name), SMS only (mobile, default
	// sms); 50126 three times then 50053 (locked).
	BobID = "6e1b9a3f-2c4d-4f8e-a7b6-5c3d2e1f0b02"
	// CarolID: Carol Martinez, Global Administrator; Authenticator + FIDO2
	// "YubiKey 5 NFC".
	CarolID = "8c2d4e6f-1a3b-4c5d-9e7f-0a1b2c3d4c03"
	// DaveID: Dave Kim, password only; sign-ins fail 50079 (must register).
	DaveID = "2d4f6a8c-3e5b-4d7f-8a9c-1b3d5f7a9d04"
	// ErinID: Erin Novak, FIDO2 key + Windows Hello + passkey in
	// Authenticator; 53003 from "Require compliant device".
	ErinID = "9e8d7c6b-5a4f-4e3d-b2c1-0f9e8d7c6e05"
	// FrankID: Frank Li, account disabled; 50057.
	FrankID = "1f2e3d4c-5b6a-4978-8695-a4b3c2d1ef06"
	// GraceID: Grace Taylor, B2B guest from fabrikam.com.
	GraceID = "3a5c7e9b-1d2f-4a6c-8e0b-2d4f6a8c9a07"
	// HenryID: Henry Osei, new hire with an active TAP and an email method.
	HenryID = "5b7d9f1a-3c5e-4b7d-9f1a-3c5e7b9d1b08"
	// MalloryID: hostile strings (OSC 52, CSI colours, bidi override,
	// control characters) in displayName, jobTitle and a failureReason.
	MalloryID = "7c9e1b3d-5f7a-4c9e-b1d3-5f7a9c1e3c09"
	// IvanID: Ivan Petrov, helpdesk, Authentication Administrator.
	IvanID = "0d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3d10"
	// JudyID: Judy Alvarez, Privileged Authentication Administrator.
	JudyID = "e1f2a3b4-c5d6-4e7f-8a9b-c0d1e2f3e411"
	// KarenID: Karen Obi, Security Reader + Reports Reader (read-only).
	KarenID = "f2a3b4c5-d6e7-4f8a-9b0c-d1e2f3a4f512"
	// LiamID: Liam Chen, Helpdesk Administrator who never registered MFA
	// (the report's "admins without MFA").
	LiamID = "a7b8c9d0-e1f2-4a3b-8c4d-5e6f7a8b9c14"
	// DemoAdminID: demo.admin@contoso.com, the operator of requests without
	// a token; Privileged Authentication Administrator.
	DemoAdminID = "d3e0ad41-7a2b-4c3d-9e4f-5a6b7c8dde13"
)

// Persona UPNs.
const (
	AliceUPN   = "alice.wong@contoso.com"
	BobUPN     = "bob.obrien@contoso.com"
	CarolUPN   = "carol.martinez@contoso.com"
	DaveUPN    = "dave.kim@contoso.com"
	ErinUPN    = "erin.novak@contoso.com"
	FrankUPN   = "frank.li@contoso.com"
	GraceUPN   = "grace_fabrikam.com#EXT#@contoso.com"
	HenryUPN   = "henry.osei@contoso.com"
	MalloryUPN = "mallory@contoso.com"
	IvanUPN    = "ivan.petrov@contoso.com"
	JudyUPN    = "judy.alvarez@contoso.com"
	KarenUPN   = "karen.obi@contoso.com"
	LiamUPN    = "liam.chen@contoso.com"
)

// MalloryDisplayName carries an OSC 52 clipboard write, CSI colours and a
// bidi override: anything drawing it unclean is a bug.
const MalloryDisplayName = "Mallory \x1b]52;c;ZXZpbA==\x07\x1b[31mRed\x1b[0m \u202Eevil"

// PersonaIDs lists the persona ids in directory order.
var PersonaIDs = []string{AliceID, BobID, CarolID, DaveID, ErinID, FrankID, GraceID, HenryID, MalloryID, IvanID, JudyID, KarenID, LiamID, DemoAdminID}

var firstNames = []string{"James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth",
	"David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Daniel", "Nancy",
	"Matthew", "Lisa", "Anthony", "Betty", "Mark", "Margaret", "Donald", "Sandra", "Steven", "Ashley", "Paul", "Kimberly",
	"Andrew", "Emily", "Joshua", "Donna", "Kenneth", "Michelle", "Kevin", "Carol", "Brian", "Amanda", "George", "Melissa",
	"Timothy", "Deborah", "Ronald", "Stephanie", "Jason", "Rebecca", "Ryan", "Laura", "Jacob", "Sharon", "Gary", "Cynthia",
	"Nicholas", "Kathleen", "Eric", "Amy", "Jonathan", "Shirley", "Priya", "Wei", "Aisha", "Mateo", "Sofia", "Hiroshi",
	"Fatima", "Lars", "Ingrid", "Olusegun", "Chiara", "Rahul", "Mei", "Diego", "Zoe", "Noah", "Liam", "Emma", "Ava",
	"Lucas", "Mia", "Ethan", "Isla", "Omar", "Leila", "Sven", "Anya", "Kwame", "Nia", "Raj", "Yuki", "Ana", "Pedro"}

var lastNames = []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
	"Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
	"Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
	"Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
	"Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Patel", "Singh", "Kumar", "Chen", "Wang", "Zhang", "Tanaka",
	"Sato", "Müller", "Schmidt", "Rossi", "Bianchi", "Dubois", "Lefèvre", "Kowalski", "Nowak", "Johansson", "Larsen",
	"O'Connor", "McDonald", "MacLeod", "Okafor", "Mensah", "Haddad", "Cohen", "Ivanova", "Silva", "Santos", "Costa",
	"van der Berg", "De Luca", "Al-Sayed", "Fitzgerald", "Nakamura", "Kim", "Park", "Choi", "Novak", "Horvat"}

var departments = []struct {
	name   string
	titles []string
}{
	{"Sales", []string{"Account Executive", "Sales Manager", "Sales Representative", "Inside Sales Specialist"}},
	{"Marketing", []string{"Marketing Manager", "Content Strategist", "Brand Specialist", "Marketing Coordinator"}},
	{"Finance", []string{"Accountant", "Financial Analyst", "Controller", "Accounts Payable Clerk"}},
	{"Engineering", []string{"Software Engineer", "Senior Software Engineer", "Engineering Manager", "QA Engineer", "Site Reliability Engineer"}},
	{"IT", []string{"Systems Administrator", "IT Support Specialist", "Network Engineer", "Service Desk Analyst"}},
	{"Human Resources", []string{"HR Generalist", "Recruiter", "HR Business Partner"}},
	{"Operations", []string{"Operations Manager", "Logistics Coordinator", "Facilities Manager"}},
	{"Legal", []string{"Corporate Counsel", "Paralegal", "Compliance Officer"}},
	{"Customer Success", []string{"Customer Success Manager", "Support Engineer", "Onboarding Specialist"}},
	{"Executive", []string{"Chief Executive Officer", "Chief Financial Officer", "Executive Assistant"}},
}

var offices = []string{"Redmond", "Seattle", "New York", "London", "Chicago", "Austin", "Toronto", "Dublin"}

var authenticatorDevices = []struct{ name, version string }{
	{"iPhone 15", "6.8.12"}, {"iPhone 14 Pro", "6.8.9"}, {"iPhone 13", "6.8.4"}, {"Pixel 8", "6.2401.0119"},
	{"Galaxy S23", "6.2402.0987"}, {"Pixel 7a", "6.2311.7755"}, {"iPhone SE", "6.7.21"}, {"Galaxy A54", "6.2403.1209"},
}

var fidoModels = []struct{ model, aaguid string }{
	{"YubiKey 5 NFC", "cb69481e-8ff7-4039-93ec-0a2729a154a8"},
	{"YubiKey 5C NFC", "2fc0579f-8113-47ea-b116-555a8db9202a"},
	{"Feitian ePass FIDO2", "833b721a-ff5f-4d00-bb2e-bdda3ec01e29"},
	{"YubiKey Bio Series", "d8522d9f-575b-4866-88a9-ba99fa02f35b"},
}

const (
	passkeyAuthenticatorIOS     = "Microsoft Authenticator - iOS"
	passkeyAuthenticatorAndroid = "Microsoft Authenticator - Android"
	passkeyAAGUIDIOS            = "90a3ccdf-635c-4729-a248-9b709135078f"
	passkeyAAGUIDAndroid        = "de1e552d-db1d-4423-a619-566b625cdc84"
)

// genCtx generates ids and values from one seeded stream.
type genCtx struct {
	r    *mrand.Rand
	now  time.Time
	upns map[string]bool
}

// rand16 draws 16 bytes from r: two Uint64s, little-endian. Every id
// stream (generated, runtime, sign-in) draws this way, so a seed gives the
// same ids whichever path makes them.
func rand16(r *mrand.Rand) [16]byte {
	var b [16]byte
	v1, v2 := r.Uint64(), r.Uint64()
	for j := 0; j < 8; j++ {
		b[j] = byte(v1 >> (8 * j))
		b[8+j] = byte(v2 >> (8 * j))
	}
	return b
}

func (g *genCtx) id() string { return fmtUUID(rand16(g.r)) }

// fidoID looks like Graph's base64url FIDO2 method ids.
func (g *genCtx) fidoID() string {
	b := rand16(g.r)
	return base64.RawURLEncoding.EncodeToString(b[:]) + "2"
}

func (g *genCtx) ago(maxDays int) time.Time {
	return g.now.Add(-time.Duration(g.r.Int64N(int64(maxDays) * int64(24*time.Hour)))).Truncate(time.Second)
}

func pick[T any](r *mrand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// generate builds the personas and then n-len(personas) random users.
func (t *Tenant) generate(n int, seed int64, now time.Time) {
	// Times are placed relative to now, but no random draw may depend on
	// it: durations drawn below are truncated to whole seconds, so a clock
	// with a fraction of a second made the spans (and then how many draws
	// Int64N's rejection sampling took) differ, and every id after the first
	// difference with them. On a whole-second clock every span is a fixed
	// function of the seed, so one seed is one tenant whenever it runs.
	now = now.Truncate(time.Second)
	t.tenantID, t.displayName, t.domain = TenantID, "Contoso", "contoso.com"
	g := &genCtx{r: mrand.New(mrand.NewPCG(uint64(seed), 0xc0ffee)), now: now, upns: map[string]bool{}}
	for _, u := range personas(g) {
		g.upns[strings.ToLower(u.UserPrincipalName)] = true
		t.addUser(u)
	}
	t.personaAudits(g)
	np := len(t.users)
	for i := len(t.users); i < n; i++ {
		u := t.genUser(g, i)
		t.addUser(u)
		if len(u.Methods) > 1 && g.r.IntN(3) == 0 {
			m := u.Methods[1+g.r.IntN(len(u.Methods)-1)]
			t.audits = append(t.audits, selfAudit(g, u, activityUserRegistered, m.Created, m))
		}
	}
	sort.SliceStable(t.audits, func(i, j int) bool { return t.audits[i].ActivityDateTime.Before(t.audits[j].ActivityDateTime) })
	t.assignManagers(np)
	t.generateGroups(now)
	t.generatePolicies(now)
}

// assignManagers gives generated members a manager: the first member of
// each department heads it and most of the others report to that head;
// every seventh has none (Graph then answers 404). It uses no randomness,
// so the rest of the generated tenant stays as it was.
func (t *Tenant) assignManagers(from int) {
	heads := map[string]string{}
	for i := from; i < len(t.users); i++ {
		u := t.users[i]
		if u.IsGuest() || u.Department == "" {
			continue
		}
		head, ok := heads[u.Department]
		if !ok {
			heads[u.Department] = u.ID
			continue
		}
		if i%7 != 0 {
			u.ManagerID = head
		}
	}
}

func (g *genCtx) password(created time.Time) MethodData {
	return MethodData{Kind: KindPassword, ID: PasswordMethodID, Created: created}
}

func phone(ptype, number string, created time.Time) MethodData {
	id := map[string]string{"mobile": MobilePhoneID, "alternateMobile": AlternateMobilePhoneID, "office": OfficePhoneID}[ptype]
	return MethodData{Kind: KindPhone, ID: id, PhoneType: ptype, PhoneNumber: number, SMSSignInState: "notAllowedByPolicy", Created: created}
}

func (g *genCtx) authenticator(device, version string, created time.Time) MethodData {
	return MethodData{Kind: KindAuthenticator, ID: g.id(), DisplayName: device, DeviceTag: "SoftwareTokenActivated",
		PhoneAppVersion: version, Created: created}
}

func (g *genCtx) fido(model, aaguid, name string, created time.Time) MethodData {
	level := "attested"
	var certs []string
	if strings.Contains(model, "Authenticator") {
		level = "notAttested"
	} else {
		certs = []string{fmt.Sprintf("%016x%016x%08x", g.r.Uint64(), g.r.Uint64(), g.r.Uint32())}
	}
	return MethodData{Kind: KindFIDO2, ID: g.fidoID(), DisplayName: name, Model: model, AAGUID: aaguid,
		AttestationLevel: level, AttestationCertificates: certs, Created: created}
}

func (g *genCtx) phoneNumber() string {
	return fmt.Sprintf("+1 %03d555%04d", 200+g.r.IntN(700), g.r.IntN(10000))
}

func personas(g *genCtx) []*user {
	now := g.now
	d := func(days int) time.Time { return now.Add(-time.Duration(days) * 24 * time.Hour).Truncate(time.Second) }
	mk := func(id, given, sur, upn, dept, title, office string, created time.Time) *user {
		return &user{UserData: UserData{ID: id, DisplayName: given + " " + sur, GivenName: given, Surname: sur,
			UserPrincipalName: upn, Mail: upn, Department: dept, JobTitle: title, OfficeLocation: office,
			AccountEnabled: true, UserType: "Member", CreatedDateTime: created, SignInSessionsValidFrom: created,
			PerUserMFAState: "disabled", PreferredMethod: "none", SystemPreferredEnabled: true}}
	}
	var out []*user

	alice := mk(AliceID, "Alice", "Wong", AliceUPN, "Sales", "Account Executive", "Seattle", d(700))
	alice.MobilePhone = "+1 4255550101"
	alice.Methods = []MethodData{g.password(d(40)),
		{Kind: KindAuthenticator, ID: "a1ce0a17-6f2e-4c3b-9d5a-7e8f9a0b1c2d", DisplayName: "iPhone 15", DeviceTag: "SoftwareTokenActivated", PhoneAppVersion: "6.8.12", Created: d(300)},
		phone("mobile", "+1 4255550101", d(500)),
		phone("alternateMobile", "+1 4255550177", d(450)),
		{Kind: KindSoftwareOath, ID: "a1ce0e7a-5b3c-4d2e-8f1a-0b9c8d7e6f5a", Created: d(200)},
	}
	alice.PreferredMethod = "push"
	alice.ManagerID = CarolID // has a mail: notify.toManager goes there
	alice.SystemPreferredEnabled = false
	out = append(out, alice)

	bob := mk(BobID, "Bob", "O'Brien", BobUPN, "Finance", "Accountant", "Chicago", d(900))
	bob.MobilePhone = "+1 3125550142"
	bob.Methods = []MethodData{g.password(d(95)), phone("mobile", "+1 3125550142", d(880))}
	bob.PreferredMethod = "sms"
	bob.PerUserMFAState = "enabled"
	out = append(out, bob)

	carol := mk(CarolID, "Carol", "Martinez", CarolUPN, "IT", "IT Director", "Redmond", d(1500))
	carol.Roles = []string{RoleGlobalAdmin}
	carol.Methods = []MethodData{g.password(d(60)),
		{Kind: KindAuthenticator, ID: "ca201a17-3e4f-4a5b-8c6d-7e8f9a0b1c2d", DisplayName: "Pixel 8", DeviceTag: "SoftwareTokenActivated", PhoneAppVersion: "6.2401.0119", Created: d(400)},
		{Kind: KindFIDO2, ID: "ca2-YubiKey5NFC-Q2FyM2xNYXJ0aW5leg2", DisplayName: "YubiKey 5 NFC", Model: "YubiKey 5 NFC",
			AAGUID: "cb69481e-8ff7-4039-93ec-0a2729a154a8", AttestationLevel: "attested",
			AttestationCertificates: []string{"dbe793efdf1945e2df25d93653a1e8a3268a9075"}, Created: d(380)},
	}
	carol.PreferredMethod = "push"
	carol.PerUserMFAState = "enforced"
	out = append(out, carol)

	dave := mk(DaveID, "Dave", "Kim", DaveUPN, "Marketing", "Marketing Coordinator", "Austin", d(12))
	dave.Methods = []MethodData{g.password(d(12))}
	out = append(out, dave)

	erin := mk(ErinID, "Erin", "Novak", ErinUPN, "Engineering", "Senior Software Engineer", "Dublin", d(1100))
	erin.Methods = []MethodData{g.password(d(200)),
		{Kind: KindFIDO2, ID: "e21n-YubiKey5C-RXJpbk5vdmFrS2V5MQ2", DisplayName: "Erin's YubiKey", Model: "YubiKey 5C NFC",
			AAGUID: "2fc0579f-8113-47ea-b116-555a8db9202a", AttestationLevel: "attested",
			AttestationCertificates: []string{"5f3b3c0d2a7e4b4f9e1d7c6b5a4f3e2d1c0b9a88"}, Created: d(600)},
		{Kind: KindWindowsHello, ID: "e21e0b11-0f0f-4b5e-8e0b-e21e0b110f0f", DisplayName: "ERIN-SURFACE", KeyStrength: "normal", Created: d(500)},
		{Kind: KindFIDO2, ID: "e21n-Passkey-QXV0aGVudGljYXRvcmlPUw2", DisplayName: "iPhone 15 Pro", Model: passkeyAuthenticatorIOS,
			AAGUID: passkeyAAGUIDIOS, AttestationLevel: "notAttested", Created: d(90)},
	}
	out = append(out, erin)

	frank := mk(FrankID, "Frank", "Li", FrankUPN, "Operations", "Logistics Coordinator", "Toronto", d(1300))
	frank.AccountEnabled = false
	frank.Methods = []MethodData{g.password(d(300)), g.authenticator("Galaxy S21", "6.2206.3971", d(1000))}
	frank.PreferredMethod = "push"
	frank.PerUserMFAState = "enforced"
	out = append(out, frank)

	grace := mk(GraceID, "Grace", "Taylor", GraceUPN, "", "Consultant", "", d(150))
	grace.DisplayName = "Grace Taylor (Fabrikam)"
	grace.Mail = "grace@fabrikam.com"
	grace.UserType = "Guest"
	grace.Methods = []MethodData{}
	out = append(out, grace)

	henry := mk(HenryID, "Henry", "Osei", HenryUPN, "Customer Success", "Onboarding Specialist", "London", d(1))
	henry.Methods = []MethodData{g.password(d(1)),
		{Kind: KindEmail, ID: EmailMethodID, EmailAddress: "henry.osei.home@outlook.com", Created: d(1)},
		{Kind: KindTAP, ID: "4e2c0ad5-7a1b-4c3d-9e8f-6a5b4c3d2e1f", Created: now.Add(-2 * time.Hour).Truncate(time.Second),
			TAPStart: now.Add(-2 * time.Hour).Truncate(time.Second), LifetimeMinutes: 480, IsUsableOnce: false},
	}
	out = append(out, henry)

	mallory := mk(MalloryID, "Mallory", "Evil", MalloryUPN, "Legal\x1b[5m", "Intern\x00\x08\r\n\x1b[2KSysadmin\x07", "Nowhere\u202E", d(30))
	mallory.DisplayName = MalloryDisplayName
	mallory.Methods = []MethodData{g.password(d(30)), phone("mobile", "+1 2065550666", d(29)),
		{Kind: KindAuthenticator, ID: "3a110e41-0bad-4bad-8bad-0bad0bad0bad", DisplayName: "\x1b]0;pwned\x07Phone\u202E", DeviceTag: "SoftwareTokenActivated", PhoneAppVersion: "6.6.6\x1b[31m", Created: d(28)}}
	mallory.PreferredMethod = "sms"
	out = append(out, mallory)

	ivan := mk(IvanID, "Ivan", "Petrov", IvanUPN, "IT", "Service Desk Analyst", "Redmond", d(800))
	ivan.Roles = []string{RoleAuthAdmin}
	ivan.Methods = []MethodData{g.password(d(80)), g.authenticator("iPhone 14 Pro", "6.8.9", d(700))}
	ivan.PreferredMethod = "push"
	ivan.PerUserMFAState = "enforced"
	out = append(out, ivan)

	judy := mk(JudyID, "Judy", "Alvarez", JudyUPN, "IT", "Identity Engineer", "Redmond", d(1000))
	judy.Roles = []string{RolePrivilegedAuthAdmin}
	judy.Methods = []MethodData{g.password(d(70)), g.authenticator("Pixel 8", "6.2401.0119", d(600)),
		g.fido("YubiKey 5 NFC", "cb69481e-8ff7-4039-93ec-0a2729a154a8", "Judy's YubiKey", d(590))}
	judy.PreferredMethod = "push"
	judy.PerUserMFAState = "enforced"
	out = append(out, judy)

	karen := mk(KarenID, "Karen", "Obi", KarenUPN, "IT", "Security Analyst", "New York", d(600))
	karen.Roles = []string{RoleSecurityReader, RoleReportsReader}
	karen.Methods = []MethodData{g.password(d(50)), g.authenticator("iPhone 13", "6.8.4", d(550)), phone("mobile", "+1 2125550199", d(560))}
	karen.PreferredMethod = "push"
	out = append(out, karen)

	liam := mk(LiamID, "Liam", "Chen", LiamUPN, "IT", "IT Support Specialist", "Toronto", d(45))
	liam.Roles = []string{RoleHelpdeskAdmin}
	liam.Methods = []MethodData{g.password(d(45))}
	out = append(out, liam)

	demo := mk(DemoAdminID, "Demo", "Admin", DemoOperatorUPN, "IT", "Helpdesk Lead", "Redmond", d(1200))
	demo.Roles = []string{RolePrivilegedAuthAdmin, RoleReportsReader}
	demo.Methods = []MethodData{g.password(d(90)), g.authenticator("iPhone 15", "6.8.12", d(900))}
	demo.PreferredMethod = "push"
	demo.PerUserMFAState = "enforced"
	out = append(out, demo)

	for _, u := range out {
		u.RegistrationUpdated = latestMethod(u.Methods, u.CreatedDateTime)
		u.SignIns = personaSignIns(g, u)
		personaRisk(u, g.now)
	}
	return out
}

func latestMethod(ms []MethodData, def time.Time) time.Time {
	t := def
	for _, m := range ms {
		if m.Kind != KindPassword && m.Created.After(t) {
			t = m.Created
		}
	}
	return t
}

func (t *Tenant) genUser(g *genCtx, idx int) *user {
	r := g.r
	first, last := pick(r, firstNames), pick(r, lastNames)
	dept := departments[r.IntN(len(departments))]
	created := g.ago(1800)
	u := &user{UserData: UserData{ID: g.id(), GivenName: first, Surname: last, DisplayName: first + " " + last,
		Department: dept.name, JobTitle: pick(r, dept.titles), OfficeLocation: pick(r, offices),
		AccountEnabled: true, UserType: "Member", CreatedDateTime: created, SignInSessionsValidFrom: created,
		PerUserMFAState: "disabled", PreferredMethod: "none", SystemPreferredEnabled: r.IntN(4) != 0}}
	roll := r.IntN(100)
	guest := roll < 3
	if roll >= 3 && roll < 6 {
		u.AccountEnabled = false
	}
	local := strings.ToLower(asciiName(first) + "." + asciiName(last))
	if guest {
		domain := pick(r, []string{"fabrikam.com", "northwindtraders.com", "adatum.com", "tailspintoys.com"})
		base := strings.ToLower(asciiName(first))
		upn := base + "_" + domain + "#EXT#@contoso.com"
		for n := 2; g.upns[strings.ToLower(upn)]; n++ {
			upn = fmt.Sprintf("%s%d_%s#EXT#@contoso.com", base, n, domain)
		}
		u.UserPrincipalName = upn
		u.Mail = strings.Split(upn, "_")[0] + "@" + domain
		u.UserType = "Guest"
		u.Department = ""
		u.DisplayName += " (" + strings.Split(domain, ".")[0] + ")"
	} else {
		upn := local + "@contoso.com"
		for n := 2; g.upns[upn]; n++ {
			upn = fmt.Sprintf("%s%d@contoso.com", local, n)
		}
		u.UserPrincipalName = upn
		u.Mail = upn
	}
	g.upns[strings.ToLower(u.UserPrincipalName)] = true
	if !guest && r.IntN(100) < 5 {
		u.Roles = []string{pick(r, []string{RoleGlobalAdmin, RoleAuthAdmin, RoleHelpdeskAdmin, RoleUserAdmin,
			RoleSecurityReader, RoleGlobalReader, RoleReportsReader, RolePrivilegedAuthAdmin, RoleAuthPolicyAdmin})}
	}
	switch p := r.IntN(10); {
	case p == 0:
		u.PerUserMFAState = "enabled"
	case p == 1:
		u.PerUserMFAState = "enforced"
	}
	if guest {
		u.Methods = []MethodData{}
	} else {
		g.genMethods(u, created)
		if u.IsAdmin() && r.IntN(5) == 0 { // an admin who never registered MFA
			u.Methods = u.Methods[:1]
			u.PreferredMethod = "none"
		}
	}
	u.RegistrationUpdated = latestMethod(u.Methods, created)
	u.signInsPending = true
	u.signInSeed = uint64(t.seed)*0x9E3779B97F4A7C15 ^ uint64(idx)*0xBF58476D1CE4E5B9
	u.signInBase = g.now
	return u
}

// asciiName folds a name into something usable in a UPN.
func asciiName(s string) string { return asciiRepl.Replace(s) }

var asciiRepl = strings.NewReplacer("ü", "u", "è", "e", "é", "e", "'", "", " ", "", "-", "")

// genMethods gives a member a method set from the usual mix.
func (g *genCtx) genMethods(u *user, created time.Time) {
	r := g.r
	since := func() time.Time {
		d := g.now.Sub(created)
		if d <= time.Hour {
			return created
		}
		return created.Add(time.Duration(r.Int64N(int64(d)))).Truncate(time.Second)
	}
	ms := []MethodData{g.password(since())}
	dev := pick(r, authenticatorDevices)
	mobile := g.phoneNumber()
	switch p := r.IntN(100); {
	case p < 10: // password only
	case p < 25: // SMS only
		ms = append(ms, phone("mobile", mobile, since()))
		u.PreferredMethod = pick(r, []string{"sms", "sms", "voiceMobile"})
	case p < 55: // Authenticator (often with a phone)
		ms = append(ms, g.authenticator(dev.name, dev.version, since()))
		if r.IntN(2) == 0 {
			ms = append(ms, phone("mobile", mobile, since()))
		}
		u.PreferredMethod = "push"
	case p < 65: // Authenticator + FIDO2
		ms = append(ms, g.authenticator(dev.name, dev.version, since()))
		f := pick(r, fidoModels)
		ms = append(ms, g.fido(f.model, f.aaguid, f.model, since()))
		if r.IntN(3) == 0 {
			ms = append(ms, g.fido(passkeyAuthenticatorAndroid, passkeyAAGUIDAndroid, dev.name, since()))
		}
		u.PreferredMethod = "push"
	case p < 73: // software OATH + phone
		ms = append(ms, MethodData{Kind: KindSoftwareOath, ID: g.id(), Created: since()}, phone("mobile", mobile, since()))
		u.PreferredMethod = "oath"
	case p < 83: // Windows Hello + Authenticator
		ms = append(ms, MethodData{Kind: KindWindowsHello, ID: g.id(), DisplayName: strings.ToUpper(asciiName(u.GivenName)) + "-LAPTOP",
			KeyStrength: "normal", Created: since()})
		ms = append(ms, g.authenticator(dev.name, dev.version, since()))
		u.PreferredMethod = "push"
	case p < 87: // new hire with a TAP
		start := g.now.Add(-time.Duration(r.IntN(48)) * time.Hour).Truncate(time.Second)
		ms = append(ms, MethodData{Kind: KindTAP, ID: g.id(), Created: start, TAPStart: start,
			LifetimeMinutes: pick(r, []int{60, 480, 1440, 4320}), IsUsableOnce: r.IntN(2) == 0})
	case p < 95: // Authenticator + phones + email
		ms = append(ms, g.authenticator(dev.name, dev.version, since()), phone("mobile", mobile, since()))
		if r.IntN(2) == 0 {
			ms = append(ms, phone("alternateMobile", g.phoneNumber(), since()))
		}
		ms = append(ms, MethodData{Kind: KindEmail, ID: EmailMethodID, EmailAddress: strings.ToLower(asciiName(u.GivenName)) + fmt.Sprintf("%d@outlook.com", r.IntN(1000)), Created: since()})
		u.PreferredMethod = pick(r, []string{"push", "push", "sms"})
	case p < 97: // hardware OATH token + office phone
		ms = append(ms, MethodData{Kind: KindHardwareOath, ID: g.id(), DisplayName: "Token " + fmt.Sprint(100000+r.IntN(900000)),
			SerialNumber: fmt.Sprintf("%d", 10000000+r.IntN(90000000)), Manufacturer: "Token2", Model: "C202", Created: since()},
			phone("office", fmt.Sprintf("+1 425555%04d", r.IntN(10000)), since()))
		u.PreferredMethod = "oath"
	default: // macOS platform credential + Authenticator
		ms = append(ms, MethodData{Kind: KindPlatformCredential, ID: g.id(), DisplayName: u.GivenName + "'s MacBook Pro",
			Platform: "macOS", KeyStrength: "normal", Created: since()}, g.authenticator(dev.name, dev.version, since()))
		u.PreferredMethod = "push"
	}
	u.Methods = ms
	if u.PreferredMethod != "none" && r.IntN(10) == 0 {
		u.SystemPreferredEnabled = false
	}
}

// ---------------------------------------------------------------------------
// audit history

func selfAudit(g *genCtx, u *user, activity string, at time.Time, m MethodData) AuditData {
	return AuditData{ID: "Directory_" + g.id(), ActivityDateTime: at, ActivityDisplayName: activity,
		Category: categoryUserManagement, OperationType: "Add", Result: "success", LoggedByService: authMethodsServiceName,
		CorrelationID: g.id(),
		InitiatedBy:   InitiatorData{UserID: u.ID, UserDisplayName: u.DisplayName, UserPrincipalName: u.UserPrincipalName, IPAddress: "203.0.113." + fmt.Sprint(1+g.r.IntN(250))},
		Targets: []TargetData{{ID: u.ID, DisplayName: u.DisplayName, UserPrincipalName: u.UserPrincipalName, Type: "User",
			ModifiedProperties: []ModifiedProperty{{DisplayName: "StrongAuthenticationMethod", NewValue: `["` + methodLabel(&m) + `"]`}}}},
	}
}

func (t *Tenant) personaAudits(g *genCtx) {
	byID := func(id string) *user { return t.byID[strings.ToLower(id)] }
	ivan := byID(IvanID)
	for _, u := range t.users {
		for _, m := range u.Methods {
			if m.Kind == KindPassword || m.Kind == KindTAP {
				continue
			}
			t.audits = append(t.audits, selfAudit(g, u, activityUserRegistered, m.Created, m))
		}
	}
	henry := byID(HenryID)
	tap := henry.Methods[2]
	t.audits = append(t.audits, AuditData{ID: "Directory_" + g.id(), ActivityDateTime: tap.Created,
		ActivityDisplayName: activityTAPRegistered, Category: categoryUserManagement, OperationType: "Add", Result: "success",
		LoggedByService: authMethodsServiceName, CorrelationID: g.id(),
		InitiatedBy: InitiatorData{UserID: ivan.ID, UserDisplayName: ivan.DisplayName, UserPrincipalName: ivan.UserPrincipalName, IPAddress: "131.107.1.20"},
		Targets: []TargetData{{ID: henry.ID, DisplayName: henry.DisplayName, UserPrincipalName: henry.UserPrincipalName, Type: "User",
			ModifiedProperties: []ModifiedProperty{{DisplayName: "StrongAuthenticationMethod", NewValue: `["TemporaryAccessPass"]`}}}}})
	// Alice once lost her old phone: the helpdesk deleted its Authenticator.
	alice := byID(AliceID)
	t.audits = append(t.audits, AuditData{ID: "Directory_" + g.id(), ActivityDateTime: g.now.Add(-301 * 24 * time.Hour).Truncate(time.Second),
		ActivityDisplayName: "Admin deleted security info", Category: categoryUserManagement, OperationType: "Delete", Result: "success",
		LoggedByService: authMethodsServiceName, CorrelationID: g.id(),
		InitiatedBy: InitiatorData{UserID: ivan.ID, UserDisplayName: ivan.DisplayName, UserPrincipalName: ivan.UserPrincipalName, IPAddress: "131.107.1.20"},
		Targets: []TargetData{{ID: alice.ID, DisplayName: alice.DisplayName, UserPrincipalName: alice.UserPrincipalName, Type: "User",
			ModifiedProperties: []ModifiedProperty{{DisplayName: "StrongAuthenticationMethod", OldValue: `["MicrosoftAuthenticator iPhone 11"]`, NewValue: "[]"}}}}})
	// Bob's account was unlocked by an app (a self-service portal).
	bob := byID(BobID)
	t.audits = append(t.audits, AuditData{ID: "Directory_" + g.id(), ActivityDateTime: g.now.Add(-20 * 24 * time.Hour).Truncate(time.Second),
		ActivityDisplayName: activityUpdateUser, Category: categoryUserManagement, OperationType: "Update", Result: "success",
		LoggedByService: coreDirectoryService, CorrelationID: g.id(),
		InitiatedBy: InitiatorData{AppID: "f8a3c1d2-6b5e-4f7a-9c8d-1e2f3a4b5c6d", AppDisplayName: "Contoso Self-Service Portal", ServicePrincipalID: "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"},
		Targets: []TargetData{{ID: bob.ID, DisplayName: bob.DisplayName, UserPrincipalName: bob.UserPrincipalName, Type: "User",
			ModifiedProperties: []ModifiedProperty{{DisplayName: "AccountEnabled", OldValue: "[false]", NewValue: "[true]"}}}}})
}
