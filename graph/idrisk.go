package graph

import (
	"strings"
	"time"
)

// Identity risk: a user's risk in Microsoft Entra ID Protection (the
// riskyUser resource, api-reference/v1.0/resources/riskyuser.md), and the
// two changes a helpdesk makes to it. Not to be confused with risks.go,
// which names the risky *targets* of a change (admins, yourself, guests).
//
// Why a helpdesk cares: after a compromised account is reset, a high user
// risk keeps blocking its sign-in under a risk-based Conditional Access
// policy (or the Identity Protection user risk policy) until an
// administrator dismisses the risk or the user completes a secure password
// change; technicians otherwise switch to the portal for it.

// Risk levels (riskLevel) and states (riskState) as Graph spells them.
const (
	RiskLevelNone   = "none"
	RiskLevelLow    = "low"
	RiskLevelMedium = "medium"
	RiskLevelHigh   = "high"
	// RiskLevelHidden: the tenant is not licensed for Identity Protection
	// (Entra ID P2), so Graph hides the level (signin.md).
	RiskLevelHidden = "hidden"

	RiskStateNone                 = "none"
	RiskStateConfirmedSafe        = "confirmedSafe"
	RiskStateRemediated           = "remediated"
	RiskStateDismissed            = "dismissed"
	RiskStateAtRisk               = "atRisk"
	RiskStateConfirmedCompromised = "confirmedCompromised"
)

// IdentityRisk is one user's riskyUser record. The zero value is unknown;
// NoRecord marks a user Identity Protection holds no record for (Graph
// answers 404), whose risk is none.
type IdentityRisk struct {
	Level       string    `json:"riskLevel"`
	State       string    `json:"riskState"`
	Detail      string    `json:"riskDetail,omitempty"`
	LastUpdated time.Time `json:"riskLastUpdatedDateTime,omitzero"`
	// Processing: Identity Protection is still working on the user's
	// state (isProcessing); a change just made may not show yet.
	Processing bool `json:"isProcessing,omitempty"`
	NoRecord   bool `json:"-"`
}

// NoIdentityRisk is the risk of a user without a riskyUser record.
func NoIdentityRisk() IdentityRisk {
	return IdentityRisk{Level: RiskLevelNone, State: RiskStateNone, NoRecord: true}
}

// Known reports a risk that was read (a record or its absence).
func (r IdentityRisk) Known() bool { return r.NoRecord || r.Level != "" || r.State != "" }

// AtRisk reports a user Identity Protection currently holds at risk: the
// state a risk-based policy acts on.
func (r IdentityRisk) AtRisk() bool {
	return r.State == RiskStateAtRisk || r.State == RiskStateConfirmedCompromised
}

// DismissRefusal says why there is nothing to dismiss ("" when there is):
// no risk, or a risk already dismissed, remediated or confirmed safe. An
// unknown risk is not refused: Graph decides.
func (r IdentityRisk) DismissRefusal() string {
	if !r.Known() {
		return ""
	}
	switch r.State {
	case RiskStateDismissed:
		return "the user's risk is already dismissed"
	case RiskStateRemediated:
		return "the user's risk was already remediated (" + RiskDetailText(r.Detail) + ")"
	case RiskStateConfirmedSafe:
		return "the user was confirmed safe: there is no risk to dismiss"
	}
	if !r.AtRisk() && (r.Level == RiskLevelNone || r.Level == "") {
		return "the user has no risk to dismiss (risk level none)"
	}
	return ""
}

// RiskStateText is a riskState for people.
func RiskStateText(s string) string {
	switch s {
	case RiskStateNone, "":
		return "none"
	case RiskStateConfirmedSafe:
		return "confirmed safe"
	case RiskStateRemediated:
		return "remediated"
	case RiskStateDismissed:
		return "dismissed"
	case RiskStateAtRisk:
		return "at risk"
	case RiskStateConfirmedCompromised:
		return "confirmed compromised"
	}
	return CleanText(s)
}

// RiskDetailText is a riskDetail (why the risk is in its state) for
// people; "" for none.
func RiskDetailText(d string) string {
	switch d {
	case "", "none":
		return ""
	case "adminGeneratedTemporaryPassword":
		return "an admin reset the password"
	case "userPerformedSecuredPasswordChange":
		return "the user changed their password securely"
	case "userPerformedSecuredPasswordReset":
		return "the user reset their password securely"
	case "adminConfirmedSigninSafe":
		return "an admin confirmed the sign-in safe"
	case "aiConfirmedSigninSafe":
		return "AI confirmed the sign-in safe"
	case "userPassedMFADrivenByRiskBasedPolicy":
		return "the user passed MFA under a risk-based policy"
	case "adminDismissedAllRiskForUser":
		return "an admin dismissed the risk"
	case "adminConfirmedSigninCompromised":
		return "an admin confirmed a sign-in compromised"
	case "adminConfirmedUserCompromised":
		return "an admin confirmed the user compromised"
	case "hidden":
		return "hidden (needs Entra ID P2)"
	}
	return CleanText(d)
}

// Summary is the risk in a few words: "high · at risk", "none",
// "none · dismissed (an admin dismissed the risk)".
func (r IdentityRisk) Summary() string {
	if !r.Known() {
		return "unknown"
	}
	if r.NoRecord {
		return "none"
	}
	level := CleanText(r.Level)
	if level == "" {
		level = "none"
	}
	out := level
	if r.State != "" && r.State != RiskStateNone {
		out += " · " + RiskStateText(r.State)
	}
	if d := RiskDetailText(r.Detail); d != "" {
		out += " (" + d + ")"
	}
	return out
}

// SignInRisky reports a sign-in whose risk is worth showing: a level
// other than none or hidden, or a risk state other than none.
func SignInRisky(s SignIn) bool {
	switch strings.ToLower(s.RiskLevelDuringSignIn) {
	case "", RiskLevelNone, RiskLevelHidden:
	default:
		return true
	}
	switch strings.ToLower(s.RiskLevelAggregated) {
	case "", RiskLevelNone, RiskLevelHidden:
	default:
		return true
	}
	return s.RiskState != "" && s.RiskState != RiskStateNone
}

// Identity risk changes. Each names one user: Graph's actions take a list
// (userIds), mfadesk sends one id per change so the guard and the history
// see every user.
const (
	WriteDismissRisk         WriteKind = "dismissRisk"
	WriteConfirmCompromised  WriteKind = "confirmCompromised"
	riskDescribeDismiss                = "dismiss the user's risk (Identity Protection)"
	riskDescribeConfirmCompr           = "confirm the user compromised (Identity Protection)"
)

// DismissRisk dismisses the user's risk: POST
// /identityProtection/riskyUsers/dismiss {"userIds": [id]}
// (riskyuser-dismiss.md: "sets the targeted user's risk level to none").
type DismissRisk struct {
	UserID string
	Approval
}

// ConfirmCompromised confirms the user compromised: POST
// /identityProtection/riskyUsers/confirmCompromised {"userIds": [id]}
// (riskyuser-confirmcompromised.md: "sets the targeted user's risk level
// to high"). Only a dismissal (or the user's secure password change)
// lowers it again.
type ConfirmCompromised struct {
	UserID string
	Approval
}

func (DismissRisk) isChange()              {}
func (DismissRisk) Kind() WriteKind        { return WriteDismissRisk }
func (c DismissRisk) Target() string       { return c.UserID }
func (DismissRisk) Describe() string       { return "user risk -> dismissed (risk level none)" }
func (ConfirmCompromised) isChange()       {}
func (ConfirmCompromised) Kind() WriteKind { return WriteConfirmCompromised }
func (c ConfirmCompromised) Target() string {
	return c.UserID
}
func (ConfirmCompromised) Describe() string {
	return "user risk -> confirmed compromised (risk level high)"
}
