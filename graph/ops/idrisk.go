package ops

import (
	"context"

	"github.com/mfadesk/mfadesk/graph"
)

// The Identity Protection operations: dismiss a user's risk, confirm a
// user compromised (graph/idrisk.go). After a compromised account is reset
// its high user risk keeps blocking sign-in under a risk-based policy until
// it is dismissed or the user changes their password securely: the reason
// a helpdesk needs the first; the second is its counterpart when the
// technician finds the account taken over.

// riskAfterDismiss and riskAfterConfirm are the user's risk as each action
// leaves it (riskyuser-dismiss.md: "sets the targeted user's risk level to
// none"; riskyuser-confirmcompromised.md: "... to high").
var (
	riskAfterDismiss = graph.IdentityRisk{Level: graph.RiskLevelNone, State: graph.RiskStateDismissed,
		Detail: "adminDismissedAllRiskForUser"}
	riskAfterConfirm = graph.IdentityRisk{Level: graph.RiskLevelHigh, State: graph.RiskStateConfirmedCompromised,
		Detail: "adminConfirmedUserCompromised"}
)

// readRisk is Prepare for both: the user's risk when it can be read.
func readRisk(ctx context.Context, r graph.Reader, u graph.User) graph.User {
	if u.Risk != nil {
		return u
	}
	if risk, err := r.UserRisk(ctx, u.ID); err == nil {
		u.Risk = &risk
	}
	return u
}

// riskPolicyNote is what every plan says about risk-based policies.
const riskPolicyNote = "Under a risk-based Conditional Access policy (or the Identity Protection user risk policy) " +
	"a high user risk blocks sign-in, or demands a secure password change, until the risk is dismissed " +
	"or the user changes their password securely."

var dismissRiskOp = Operation{
	Name: DismissRisk, Label: "Dismiss user risk", Key: "i", Help: "dismiss user risk", Bar: "dismiss risk", Scope: One,
	Short: "Dismiss users' risk in Identity Protection (risk level none), as after a reset of a compromised account",
	Long: "Dismiss each user's risk in Microsoft Entra ID Protection (POST /identityProtection/riskyUsers/dismiss): " +
		"the risk level becomes none and the state dismissed, so a risk-based Conditional Access policy stops " +
		"blocking the user's sign-in. Do it after the account is secured (password reset, sessions revoked, " +
		"methods checked): a high user risk otherwise keeps blocking sign-in until the user makes a secure " +
		"password change. Refused for a user with no risk, or one already dismissed or remediated. Needs " +
		"Entra ID P2, IdentityRiskyUser.ReadWrite.All and the Security Administrator role.",
	Action: graph.ActionDismissRisk, Changes: []graph.WriteKind{graph.WriteDismissRisk},
	// Lifting the block hands a way to sign in back: verify the caller.
	Checklist: true,
	When: func(u graph.User) string {
		if u.Risk == nil {
			return ""
		}
		if why := u.Risk.DismissRefusal(); why != "" {
			return why
		}
		return ""
	},
	Prepare: readRisk,
	Plan: func(targets []graph.User) Plan {
		return Plan{
			Steps: []string{"dismiss the user's risk in Identity Protection: risk level -> none, state -> dismissed"},
			Keeps: []string{"password, methods, sessions, account status, and the risk history and detections in Identity Protection"},
			Warnings: []string{riskPolicyNote,
				"Dismiss only once the account is secured (password reset, sessions revoked, methods checked): " +
					"a dismissed account that is still compromised signs in unchallenged by risk policies.",
				"Identity Protection keeps evaluating: a new detection raises the risk again."},
		}
	},
	Change: func(u graph.User, a graph.Approval) graph.Change {
		return graph.DismissRisk{UserID: u.ID, Approval: a}
	},
	Done:  "user risk dismissed (risk level none)",
	After: func(u graph.User) graph.User { r := riskAfterDismiss; u.Risk = &r; return u },
}

var confirmCompromisedOp = Operation{
	Name: ConfirmCompromised, Label: "Confirm user compromised", Key: "K", Help: "confirm compromised", Bar: "compromised", Scope: One,
	Short: "Confirm users compromised in Identity Protection: sets their risk to HIGH",
	Long: "Confirm each user compromised in Microsoft Entra ID Protection (POST " +
		"/identityProtection/riskyUsers/confirmCompromised): the user's risk level becomes HIGH and the state " +
		"confirmed compromised. Under a risk-based Conditional Access policy (or the user risk policy) a high user " +
		"risk blocks the user's sign-in or demands a secure password change. It is not reversible as such: only " +
		"dismissing the user's risk (mfadesk dismiss-risk) or the user's secure password change lowers it again. " +
		"Needs Entra ID P2, IdentityRiskyUser.ReadWrite.All and the Security Administrator role.",
	Action: graph.ActionConfirmCompromised, Changes: []graph.WriteKind{graph.WriteConfirmCompromised},
	// Your own risk set to high would block your sign-in mid-session.
	NotSelf: true,
	When: func(u graph.User) string {
		if u.Risk != nil && u.Risk.State == graph.RiskStateConfirmedCompromised {
			return "the user is already confirmed compromised"
		}
		return ""
	},
	Prepare: readRisk,
	Plan: func(targets []graph.User) Plan {
		return Plan{
			Steps: []string{"confirm the user compromised in Identity Protection: risk level -> HIGH, state -> confirmed compromised"},
			Keeps: []string{"password, methods, sessions already open (revoke them too), account status"},
			Warnings: []string{"This sets the user's risk to HIGH. " + riskPolicyNote,
				"Not reversible as such: only dismissing the user's risk (dismiss-risk) or the user's secure password change lowers it.",
				"After you reset the account, the high risk keeps blocking sign-in until you dismiss it or the user changes their password securely."},
		}
	},
	Change: func(u graph.User, a graph.Approval) graph.Change {
		return graph.ConfirmCompromised{UserID: u.ID, Approval: a}
	},
	Done:  "user confirmed compromised (risk level high)",
	After: func(u graph.User) graph.User { r := riskAfterConfirm; u.Risk = &r; return u },
}
