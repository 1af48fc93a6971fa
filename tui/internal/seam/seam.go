// Package seam is where the TUI meets graph functions that other people own
// and that were still being written when the TUI was: the sign-in hint
// table, the reset plan and its execution, re-registration. Each function
// here has the shape of its graph counterpart, so switching is a one-line
// change per function and nothing else in tui/ has to move.
package seam

import (
	"context"
	"fmt"
	"sort"

	"github.com/mfadesk/mfadesk/graph"
)

// Hint is a plain-language explanation of a sign-in error code.
type Hint struct {
	Code    int
	Meaning string
	Next    string
	Benign  bool
}

// SignInHint explains code (graph.SignInHint once it lands).
func SignInHint(code int) (Hint, bool) {
	h, ok := hints[code]
	if ok {
		h.Code = code
	}
	return h, ok
}

var hints = map[int]Hint{
	50074:  {Meaning: "MFA was required and the user did not complete it (no usable method offered).", Next: "Check the registration status and methods: reset and issue a TAP if the user lost their device."},
	50076:  {Meaning: "MFA is required by policy or because of a new location.", Next: "Usually benign: the user is asked for MFA. If they cannot complete it, check their methods."},
	50079:  {Meaning: "The user must register MFA before signing in.", Next: "Issue a Temporary Access Pass so they can register at https://aka.ms/mysecurityinfo."},
	50072:  {Meaning: "The user must register MFA before signing in.", Next: "Issue a Temporary Access Pass so they can register at https://aka.ms/mysecurityinfo."},
	500121: {Meaning: "Strong authentication failed: the MFA prompt was denied or timed out.", Next: "Check the Authenticator device (notifications, time); if lost, reset MFA and issue a TAP."},
	50126:  {Meaning: "Wrong user name or password.", Next: "Not an MFA problem: the password is wrong; reset the password if the user forgot it."},
	50053:  {Meaning: "The account is locked (too many attempts) or the sign-in came from a malicious IP.", Next: "Wait for the lockout to expire; check the IP; consider revoking sessions."},
	50055:  {Meaning: "The password has expired.", Next: "The user must change their password."},
	50057:  {Meaning: "The account is disabled.", Next: "Enable the account if the user should have access."},
	53003:  {Meaning: "Blocked by a Conditional Access policy.", Next: "Open the named policy and check its conditions (location, device, app)."},
	53000:  {Meaning: "The device is not compliant.", Next: "Check the device in Intune."},
	50158:  {Meaning: "An external security challenge was not satisfied.", Next: "Check the external MFA provider."},
	50173:  {Meaning: "The session or grant was revoked (expected after a revoke or password change).", Next: "Nothing to do: the user signs in again.", Benign: true},
	50140:  {Meaning: "Keep me signed in interrupt.", Next: "Nothing to do.", Benign: true},
	50058:  {Meaning: "Silent sign-in interrupt.", Next: "Nothing to do.", Benign: true},
}

// PlanReset orders the deletions a reset needs (graph.PlanReset once it
// lands): every deletable method not of a kept kind, alternate phones before
// the mobile, the default method last.
func PlanReset(methods []graph.Method, keep []graph.MethodKind) (del, kept []graph.Method) {
	keepSet := map[graph.MethodKind]bool{}
	for _, k := range keep {
		keepSet[k] = true
	}
	for _, m := range methods {
		if !m.Deletable() || keepSet[m.Kind] {
			kept = append(kept, m)
			continue
		}
		del = append(del, m)
	}
	rank := func(m graph.Method) int {
		switch {
		case m.IsDefault:
			return 3
		case m.Kind == graph.KindPhone && m.PhoneType == "mobile":
			return 2
		default:
			return 1
		}
	}
	sort.SliceStable(del, func(i, j int) bool { return rank(del[i]) < rank(del[j]) })
	return del, kept
}

// MethodResult is what happened to one method.
type MethodResult struct {
	Method graph.Method
	Err    error
}

// ResetResult is one user's reset.
type ResetResult struct {
	Deleted []graph.Method
	Kept    []graph.Method
	Failed  []MethodResult
}

// Reset deletes every method but the password (and kept kinds), in plan
// order (graph.Reset once it lands).
func Reset(ctx context.Context, c graph.Client, userID string, keep []graph.MethodKind) (ResetResult, error) {
	ms, err := c.ListMethods(ctx, userID)
	if err != nil {
		return ResetResult{}, err
	}
	del, kept := PlanReset(ms, keep)
	res := ResetResult{Kept: kept}
	for _, m := range del {
		if err := c.DeleteMethod(ctx, userID, m); err != nil {
			res.Failed = append(res.Failed, MethodResult{Method: m, Err: err})
			continue
		}
		res.Deleted = append(res.Deleted, m)
	}
	if len(res.Failed) > 0 {
		return res, fmt.Errorf("%d of %d methods not deleted: %w", len(res.Failed), len(del), res.Failed[0].Err)
	}
	return res, nil
}

// ReregisterKinds are the kinds the portal's "Require re-register MFA"
// removes; FIDO2, Windows Hello and passkeys stay.
var ReregisterKinds = []graph.MethodKind{graph.KindPhone, graph.KindAuthenticator, graph.KindSoftwareOath, graph.KindHardwareOath}

// Reregister deletes phones, Authenticator and OATH, then revokes sessions
// (graph.Reregister once it lands).
func Reregister(ctx context.Context, c graph.Client, userID string) (ResetResult, error) {
	var keep []graph.MethodKind
	for _, k := range graph.AllKinds {
		if !contains(ReregisterKinds, k) {
			keep = append(keep, k)
		}
	}
	res, err := Reset(ctx, c, userID, keep)
	if err != nil {
		return res, err
	}
	if err := c.RevokeSessions(ctx, userID); err != nil {
		return res, fmt.Errorf("methods removed, but revoking sessions failed: %w", err)
	}
	return res, nil
}

func contains(ks []graph.MethodKind, k graph.MethodKind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}
