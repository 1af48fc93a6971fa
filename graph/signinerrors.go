package graph

import "sort"

// Hint explains a sign-in error code to a helpdesk technician: what it
// means in plain words and what to do next. Benign codes are part of
// normal sign-in flows (an MFA prompt, "stay signed in?", an account
// picker) and are no sign of trouble on their own.
type Hint struct {
	Code    int    `json:"code"`
	Meaning string `json:"meaning"`
	Next    string `json:"next"`
	Benign  bool   `json:"benign"`
}

// The meanings follow Microsoft's AADSTS error reference; the next steps are
// mfadesk's. failureReason and additionalDetails are shown as Graph gives
// them beside the hint, never parsed, except where a hint says to read them.
var signInHints = map[int]Hint{
	0: {Meaning: "Sign-in succeeded.", Next: "Nothing to fix here; look at the failed sign-ins around it.", Benign: true},

	// MFA prompts and registration.
	50074: {Meaning: "Strong authentication (MFA) was required and the user did not complete it in this step; usually the prompt that follows the password.",
		Next: "Expected once per MFA sign-in. If it repeats without a successful sign-in after it, check the user's methods and the next error (500121).", Benign: true},
	50076: {Meaning: "MFA is required by policy, for example a new location, device or app, or Conditional Access asked for it.",
		Next: "Normal when the user was then prompted. If they cannot complete MFA, check they have a working method (Authenticator, phone); issue a TAP if they lost it.", Benign: true},
	50079: {Meaning: "The user must register for MFA before signing in (registration is required and not done).",
		Next: "Ask the user to sign in and complete registration at https://aka.ms/mfasetup; if they have no usable method, issue a Temporary Access Pass.", Benign: false},
	50072: {Meaning: "The user must enrol a second factor (proof-up) before continuing.",
		Next: "Ask the user to complete registration at https://aka.ms/mfasetup; a Temporary Access Pass lets them register without an existing method.", Benign: false},
	500121: {Meaning: "Strong authentication failed: the MFA request was denied, not answered or the code was wrong. The reason is in additionalDetails.",
		Next: "Read additionalDetails: 'user declined' may be MFA fatigue or phishing: ask the user whether they started this sign-in, and if not revoke sessions (o in the console, mfadesk revoke USER) and reset the password (p in the console, mfadesk reset-password USER). 'did not respond' / timed out: check the Authenticator device, its notifications and battery settings, or use a code. Repeated failures: reset MFA and re-register."},
	50158: {Meaning: "An external security challenge (a third-party MFA provider or a Conditional Access custom control) was not satisfied.",
		Next: "Check the user completed the external provider's step; if the provider is failing for everyone, contact whoever runs it."},

	// Credentials and account state.
	50126: {Meaning: "Invalid user name or password (or an invalid on-premises password for a federated/PTA user).",
		Next: "Confirm the user types the right account and password; many in a row from one IP may be password spraying. Reset the password if the user forgot it (p in the console, mfadesk reset-password USER)."},
	50053: {Meaning: "The account is locked (too many failed attempts), or sign-in came from an IP address with known malicious activity.",
		// Smart lockout (howto-password-smart-lockout): locks after 10
		// failures by default, "one minute at first, and longer in
		// subsequent attempts"; mfadesk has nothing that lifts it early.
		Next: "Smart lockout clears by itself: the lock lasts a minute at first and longer after each further failed attempt, so the user should stop retrying and wait (or use self-service password reset if it is set up); nothing in mfadesk unlocks it sooner. " +
			"Meanwhile check the sign-ins before it: repeated failures from unknown IPs are an attack: reset the password (p in the console, mfadesk reset-password USER) and block sign-in until it is over (x, mfadesk block USER)."},
	50055: {Meaning: "The password has expired.",
		Next: "The user must change the password (self-service password reset, or an admin reset with 'must change at next sign-in')."},
	50144: {Meaning: "The user's Active Directory (on-premises) password has expired.",
		Next: "Reset or change the password on-premises (or via SSPR with password writeback); wait for sync before retrying."},
	50057: {Meaning: "The user account is disabled.",
		Next: "Check whether disabling was intended (leaver, security incident) before enabling it: unblock sign-in (u in the console, mfadesk unblock USER), unless the account is synced from on-premises Active Directory, where it is enabled there."},
	50034: {Meaning: "The user account does not exist in this directory.",
		Next: "Check the UPN the user types (typos, old name, other tenant); guests must sign in with their home account."},
	50125: {Meaning: "Sign-in was interrupted by a password reset or password registration requirement.",
		Next: "Let the user complete the password reset/registration step; expected after an admin password reset.", Benign: true},

	// Devices and Conditional Access.
	50097: {Meaning: "Device authentication is required: the device must prove its identity (joined/registered device) and did not.",
		Next: "Check the device is Entra joined / registered and healthy (dsregcmd /status on Windows); sign in from a managed device."},
	53000: {Meaning: "Conditional Access requires a compliant device and this one is not compliant (or not managed).",
		Next: "Check the device in Intune (compliance state, last check-in); the user may need to enrol or sync the device, or use a compliant one."},
	53001: {Meaning: "Conditional Access requires a hybrid Azure AD joined (domain-joined) device and this one is not.",
		Next: "Sign in from a domain-joined company device, or check the device's hybrid join state."},
	53003: {Meaning: "Access was blocked by Conditional Access.",
		Next: "See the failing policy (the applied policies with result 'failure') and which condition matched: location, platform, app, risk. Fix the cause or ask the Conditional Access owner; do not weaken the policy for one user."},
	530032: {Meaning: "Blocked by a security policy (for example a policy on the sign-in's risk or the tenant's security settings).",
		Next: "Check the user's risk in Identity Protection and any policy named in the sign-in; a security admin may need to confirm the user safe."},
	530034: {Meaning: "Blocked because a delegated admin (partner) session was considered risky.",
		Next: "The partner admin must sign in again from a safe context; check partner relationship policies."},
	530035: {Meaning: "Blocked by security defaults (for example legacy authentication, or MFA required and not possible).",
		Next: "Use a modern-auth client instead of legacy protocols (IMAP/POP/SMTP basic auth); make sure the user registered MFA."},

	// Sessions and tokens.
	50173: {Meaning: "The grant has expired because it was revoked (a password change or reset, or sessions were revoked).",
		Next: "Expected after a revoke or password change: the user signs in again.", Benign: true},
	50133: {Meaning: "The session is invalid because the password changed or expired since it was issued.",
		Next: "Expected after a password change: the user signs in again.", Benign: true},
	50132: {Meaning: "The session is invalid: the password expired or changed, or sessions were revoked.",
		Next: "Expected after a revoke or password change: the user signs in again.", Benign: true},
	70043: {Meaning: "The refresh token or session expired because of a Conditional Access sign-in frequency check.",
		Next: "Expected: the user signs in again; sign-in frequency is working as configured.", Benign: true},
	700082: {Meaning: "The refresh token expired from inactivity (not used for a long time).",
		Next: "Expected: the user signs in again.", Benign: true},

	// Benign interrupts.
	50058: {Meaning: "Silent sign-in was attempted but no signed-in user or session was found.",
		Next: "Normal for apps trying single sign-on first; the user is then prompted.", Benign: true},
	50140: {Meaning: "The 'Stay signed in?' prompt was shown (a keep-me-signed-in interrupt).",
		Next: "Normal; nothing to fix.", Benign: true},
	50199: {Meaning: "A security confirmation prompt was shown (for example 'are you trying to sign in to ...?').",
		Next: "Normal; nothing to fix unless the user never gets past it.", Benign: true},
	16000: {Meaning: "An account picker or account choice interrupt: several accounts are signed in, or the account is not in this tenant.",
		Next: "Normal; if it blocks the user, have them pick (or sign out of) the right account.", Benign: true},

	// Apps, consent and assignment.
	50105: {Meaning: "The user is not assigned to this application (assignment required) or lacks a role in it.",
		Next: "Assign the user (or a group they are in) to the enterprise application, if they should have access."},
	65001: {Meaning: "The user or an admin has not consented to the application's permissions.",
		Next: "An admin grants consent for the app in Enterprise applications, if the app is approved."},
	90094: {Meaning: "The application needs admin consent for the permissions it requests.",
		Next: "An admin reviews and grants consent, or the user requests it through the admin consent workflow."},
	90095: {Meaning: "Admin consent is required and the admin consent workflow is in use; the user may request it.",
		Next: "Review the pending consent request in Enterprise applications > Admin consent requests."},
	7000112: {Meaning: "The application is disabled (its service principal is disabled in this tenant).",
		Next: "Check whether disabling was intended; an application admin re-enables it in Enterprise applications."},

	// Seamless SSO.
	81010: {Meaning: "Seamless single sign-on failed because the user's Kerberos ticket is expired or invalid.",
		Next: "The user signs in with their password once; check the device's clock and the AZUREADSSOACC computer account's Kerberos key rollover."},
}

// SignInHint explains a sign-in error code (ok false for a code mfadesk has
// no hint for: show failureReason alone then).
func SignInHint(code int) (Hint, bool) {
	h, ok := signInHints[code]
	if ok {
		h.Code = code
	}
	return h, ok
}

// SignInHintCodes lists the codes SignInHint knows, ascending.
func SignInHintCodes() []int {
	out := make([]int, 0, len(signInHints))
	for c := range signInHints {
		out = append(out, c)
	}
	sort.Ints(out)
	return out
}

// FailedPolicies are the Conditional Access policies that failed a sign-in
// (result "failure"): what a 53003 hint points at.
func FailedPolicies(s SignIn) []CAPolicy {
	var out []CAPolicy
	for _, p := range s.AppliedPolicies {
		if p.Result == "failure" {
			out = append(out, p)
		}
	}
	return out
}
