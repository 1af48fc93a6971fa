package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Reset MFA: delete every method but the password, in an order Graph
// accepts, and say per method what happened. Graph's rules that shape the
// order:
//   - the password method cannot be deleted;
//   - the default method cannot be deleted while other methods exist
//     (400 "Cannot delete default method with other methods configured");
//   - a mobile phone cannot be deleted while an alternate mobile exists;
//   - deletes are eventually consistent: a list right after may still show
//     a deleted method.

// ReregisterKeep is what the admin portal's "Require re-register MFA"
// leaves alone. The portal deletes phone numbers, Microsoft Authenticator
// and software OATH tokens, deactivates hardware OATH tokens, and keeps the
// rest: email (the SSPR method), a Temporary Access Pass, FIDO2 keys and
// passkeys, Windows Hello, platform credentials. mfadesk leaves hardware
// OATH tokens as they are: it does not send Graph's beta deactivate (its
// reference page has no description yet), and the plan says so.
var ReregisterKeep = []MethodKind{KindEmail, KindTAP, KindFIDO2, KindWindowsHello, KindPlatformCredential, KindHardwareOath}

// ResetOptions tunes Reset.
type ResetOptions struct {
	// Keep lists kinds not to delete (e.g. keep FIDO2 keys).
	Keep []MethodKind `json:"keep,omitempty"`
	// DryRun returns the plan without deleting anything.
	DryRun bool `json:"dryRun,omitempty"`
	// Approval (ticket, checklist) goes with every change.
	Approval Approval `json:"-"`
}

// KeptMethod is a method a plan leaves in place, and why.
type KeptMethod struct {
	Method Method `json:"method"`
	Reason string `json:"reason"`
	// CannotDelete: left because mfadesk has no delete for it (a beta-only
	// kind such as a QR code PIN), not because it was asked to keep it: a
	// user with one is not fully reset.
	CannotDelete bool `json:"cannotDelete,omitempty"`
}

// ResetPlan is what Reset will do: Delete in order, Keep untouched.
type ResetPlan struct {
	UserID string       `json:"userId,omitempty"`
	Delete []Method     `json:"delete"`
	Keep   []KeptMethod `json:"keep"`
	// MoveDefaultTo is the kept method made the default before anything
	// is deleted: Graph refuses to delete the default while other methods
	// remain, and the kept ones do.
	MoveDefaultTo *Method `json:"moveDefaultTo,omitempty"`
	// Blocked says why the reset would predictably fail (the default must
	// go, kept methods stay, and none of them can be the default): the
	// reset is then refused before any change.
	Blocked string `json:"blocked,omitempty"`
}

// Outcomes of one method in a ResetResult.
const (
	OutcomePlanned = "planned" // dry run: would be deleted
	OutcomeDeleted = "deleted"
	OutcomeKept    = "kept"
	// OutcomeLeft: a method mfadesk cannot delete stays (the reset is not
	// complete; Reason says why).
	OutcomeLeft   = "left"
	OutcomeFailed = "failed"
	// OutcomePending: Graph accepted the delete but a list right after
	// still shows the method (deletes are eventually consistent).
	OutcomePending = "pending"
)

// MethodOutcome is what happened to one method.
type MethodOutcome struct {
	Method  Method `json:"method"`
	Outcome string `json:"outcome"`
	// Reason explains kept and pending methods.
	Reason string `json:"reason,omitempty"`
	// Error is the failure in words; Err the classified error.
	Error string `json:"error,omitempty"`
	Err   error  `json:"-"`
}

// ResetResult reports a Reset.
type ResetResult struct {
	UserID  string          `json:"userId"`
	DryRun  bool            `json:"dryRun,omitempty"`
	Plan    ResetPlan       `json:"plan"`
	Methods []MethodOutcome `json:"methods"`
	// LeftOver are methods the final re-list still shows that the plan
	// meant to delete or that appeared meanwhile (not kept ones).
	LeftOver []Method `json:"leftOver,omitempty"`
	// RelistError is set when the final re-list failed (results are then
	// as Graph answered each delete).
	RelistError string `json:"relistError,omitempty"`
	Deleted     int    `json:"deleted"`
	Pending     int    `json:"pending"`
	Failed      int    `json:"failed"`
	Kept        int    `json:"kept"`
	// Left counts methods mfadesk could not delete (OutcomeLeft).
	Left int `json:"left,omitempty"`
}

// OK reports a reset with no failed method.
func (r ResetResult) OK() bool { return r.Failed == 0 }

// Complete reports a reset after which no method remains but the password
// and the kinds asked to keep: nothing failed, nothing mfadesk could not
// delete, nothing still listed.
func (r ResetResult) Complete() bool {
	return r.Failed == 0 && r.Left == 0 && r.Pending == 0 && len(r.LeftOver) == 0
}

// LeftNote says which methods a reset could not remove ("" when none), for
// the result screens: a user is never reported fully reset while one stays.
func (r ResetResult) LeftNote() string {
	var names []string
	for _, o := range r.Methods {
		if o.Outcome == OutcomeLeft || o.Outcome == OutcomeFailed {
			names = append(names, KindLabel(o.Method.Kind))
		}
	}
	if len(names) == 0 {
		return ""
	}
	return "not fully reset: still registered: " + strings.Join(names, ", ")
}

// deleteRank orders the non-default deletions: loose ends first, phones
// last with the alternate mobile before the mobile (Graph refuses the
// mobile while an alternate exists).
func deleteRank(m Method) int {
	switch m.Kind {
	case KindTAP:
		return 0
	case KindEmail:
		return 1
	case KindSoftwareOath:
		return 2
	case KindHardwareOath:
		return 3
	case KindPlatformCredential:
		return 4
	case KindWindowsHello:
		return 5
	case KindFIDO2:
		return 6
	case KindAuthenticator:
		return 7
	case KindPhone:
		switch strings.ToLower(m.PhoneType) {
		case "office":
			return 8
		case "alternatemobile":
			return 9
		case "mobile":
			return 11
		}
		return 10
	}
	return 12
}

// PlanReset decides what a reset deletes and in which order. It is pure:
// the password, unknown kinds and opts.Keep are kept (with reasons); the
// rest is ordered non-default first, alternate mobile before mobile, and
// the default method last.
func PlanReset(methods []Method, opts ResetOptions) ResetPlan {
	plan := ResetPlan{Delete: []Method{}, Keep: []KeptMethod{}}
	for _, m := range methods {
		switch {
		case m.Kind == KindPassword || m.ID == PasswordMethodID:
			plan.Keep = append(plan.Keep, KeptMethod{Method: m, Reason: "the password cannot be deleted"})
		case !m.Deletable():
			plan.Keep = append(plan.Keep, KeptMethod{Method: m, CannotDelete: true,
				Reason: fmt.Sprintf("mfadesk cannot delete a %s method (no delete it can send); remove it in the Entra admin center", typeName(m))})
		case slices.Contains(opts.Keep, m.Kind) && m.Kind == KindHardwareOath:
			plan.Keep = append(plan.Keep, KeptMethod{Method: m, Reason: "kept, still active (the portal's re-register deactivates hardware OATH tokens; mfadesk does not)"})
		case slices.Contains(opts.Keep, m.Kind):
			plan.Keep = append(plan.Keep, KeptMethod{Method: m, Reason: "kept as asked (" + KindLabel(m.Kind) + ")"})
		default:
			plan.Delete = append(plan.Delete, m)
		}
	}
	sort.SliceStable(plan.Delete, func(i, j int) bool {
		a, b := plan.Delete[i], plan.Delete[j]
		if a.IsDefault != b.IsDefault {
			return !a.IsDefault
		}
		return deleteRank(a) < deleteRank(b)
	})
	planDefault(&plan)
	return plan
}

// planDefault decides what happens to a default method the plan deletes
// while other methods stay: Graph refuses to delete the default "with other
// methods configured", so the default moves to a kept method that can be
// one, or, when none can, the reset is blocked up front.
func planDefault(plan *ResetPlan) {
	var def *Method
	for i := range plan.Delete {
		if plan.Delete[i].IsDefault {
			def = &plan.Delete[i]
		}
	}
	var others []string
	for _, k := range plan.Keep {
		if k.Method.Kind != KindPassword && k.Method.ID != PasswordMethodID {
			others = append(others, KindLabel(k.Method.Kind))
		}
	}
	if def == nil || len(others) == 0 {
		return
	}
	if m, ok := bestDefault(plan.Keep); ok {
		plan.MoveDefaultTo = &m
		return
	}
	plan.Blocked = fmt.Sprintf("the default method (%s) cannot be deleted while %s stay%s, and none of them can be the default "+
		"(Graph offers an Authenticator app, an OATH token or a phone only): nothing was changed; reset without keeping them, "+
		"or have the user change their default method at https://aka.ms/mysecurityinfo first",
		KindLabel(def.Kind), strings.Join(others, ", "), map[bool]string{true: "s", false: ""}[len(others) == 1])
}

func typeName(m Method) string {
	if m.ODataType != "" {
		return strings.TrimPrefix(m.ODataType, ODataPrefix)
	}
	return string(m.Kind)
}

// Reset resets one user's MFA through the bulk runner (RunOne: the one
// engine for one user and for many): list the methods, plan (PlanReset),
// move the default to a kept method where needed, delete in stages (a
// delete refused by the ordering rules is retried after the others), then
// re-list once: a method Graph said it deleted but still lists is
// "pending", not failed. DryRun lists and plans only. The error is nil
// when every planned delete went through; otherwise it is a *Error of the
// first failure's kind summarising the count (the result has the details).
func Reset(ctx context.Context, c Client, userID string, opts ResetOptions) (ResetResult, error) {
	if opts.DryRun {
		return planOnly(ctx, c, userID, opts.Keep)
	}
	one, err := RunOne(ctx, c, Operation{Kind: OpReset, Keep: opts.Keep}, userID, BulkOptions{Approval: opts.Approval})
	res := resetResultOf(userID, one)
	return res, resetErrOf(userID, res, err)
}

// planOnly is a dry run: the methods listed and planned, nothing sent.
func planOnly(ctx context.Context, c Client, userID string, keep []MethodKind) (ResetResult, error) {
	res := ResetResult{UserID: userID, DryRun: true, Methods: []MethodOutcome{}}
	methods, err := c.ListMethods(ctx, userID)
	if err != nil {
		return res, err
	}
	res.Plan = PlanReset(methods, ResetOptions{Keep: keep})
	res.Plan.UserID = userID
	for _, k := range res.Plan.Keep {
		o := MethodOutcome{Method: k.Method, Outcome: OutcomeKept, Reason: k.Reason}
		if k.CannotDelete {
			o.Outcome = OutcomeLeft
			res.Left++
		} else {
			res.Kept++
		}
		res.Methods = append(res.Methods, o)
	}
	for _, m := range res.Plan.Delete {
		res.Methods = append(res.Methods, MethodOutcome{Method: m, Outcome: OutcomePlanned})
	}
	return res, nil
}

// resetResultOf is a one-user run's deletes as a ResetResult.
func resetResultOf(userID string, one OneResult) ResetResult {
	res := ResetResult{UserID: userID, Methods: one.Methods, LeftOver: one.LeftOver, RelistError: one.RelistError}
	if res.Methods == nil {
		res.Methods = []MethodOutcome{}
	}
	if one.Plan != nil {
		res.Plan = *one.Plan
		res.Plan.UserID = userID
	}
	for _, o := range res.Methods {
		switch o.Outcome {
		case OutcomeDeleted:
			res.Deleted++
		case OutcomePending:
			res.Pending++
		case OutcomeFailed:
			res.Failed++
		case OutcomeKept:
			res.Kept++
		case OutcomeLeft:
			res.Left++
		}
	}
	return res
}

// resetErrOf is a reset's error: failed deletes summarised (the first one
// that was sent names the kind), else the run's own error (a list that
// failed, a default that could not move: nothing was sent).
func resetErrOf(userID string, res ResetResult, err error) error {
	var first error
	for _, o := range res.Methods {
		if o.Outcome == OutcomeFailed && !errors.Is(o.Err, errNotAttempted) {
			first = o.Err
			break
		}
	}
	if first == nil && err != nil {
		return err
	}
	if first == nil && res.Failed > 0 {
		first = errNotAttempted
	}
	if first != nil {
		return resetError(userID, res, first)
	}
	return nil
}

// conflictAdvice explains a delete Graph still refuses after the others
// went: the default method while kept methods remain, or a mobile phone
// whose alternate could not go.
func conflictAdvice(m Method, plan ResetPlan) string {
	var kept []string
	for _, k := range plan.Keep {
		if k.Method.Kind != KindPassword {
			kept = append(kept, KindLabel(k.Method.Kind))
		}
	}
	if m.IsDefault && len(kept) > 0 {
		return "this is the user's default method and Graph refuses to delete it while other methods remain (" +
			strings.Join(kept, ", ") + "); the user can change their default method at https://aka.ms/mysecurityinfo, or reset without keeping them"
	}
	if m.IsDefault || len(kept) > 0 {
		return "Graph refuses to delete this method while other methods remain (it is, or backs, the user's default method); the user can change their default method at https://aka.ms/mysecurityinfo"
	}
	return "Graph refused this delete because of another method (e.g. a mobile phone while an alternate mobile exists)"
}

func setFailed(o *MethodOutcome, err error) {
	o.Outcome = OutcomeFailed
	o.Err = err
	o.Error = err.Error()
}

// resetError summarises failed deletes as one classified error.
func resetError(userID string, res ResetResult, first error) error {
	e := &Error{Kind: ErrUnavailable, Op: "reset MFA of " + CleanText(userID),
		Message: fmt.Sprintf("%d of %d methods could not be deleted: %v", res.Failed, len(res.Plan.Delete), first)}
	if ge, ok := AsError(first); ok {
		e.Kind, e.Status, e.Code, e.RequestID, e.Needs, e.RetryAfter = ge.Kind, ge.Status, ge.Code, ge.RequestID, ge.Needs, ge.RetryAfter
		e.Message = fmt.Sprintf("%d of %d methods could not be deleted; first: %s", res.Failed, len(res.Plan.Delete), ge.Message)
	} else if errors.Is(first, context.Canceled) || errors.Is(first, context.DeadlineExceeded) {
		return fmt.Errorf("reset MFA of %s: %w", CleanText(userID), first)
	}
	return e
}

// ReregisterOptions tunes Reregister.
type ReregisterOptions struct {
	// Keep lists kinds not to delete. nil means ReregisterKeep (the
	// portal's behaviour); an empty non-nil slice deletes everything but
	// the password.
	Keep []MethodKind `json:"keep"`
	// DryRun plans without changing anything.
	DryRun bool `json:"dryRun,omitempty"`
	// TAP, when set, issues a Temporary Access Pass for the registration
	// after the sessions are revoked.
	TAP *TAPRequest `json:"-"`
	// Approval (ticket, checklist) goes with every change.
	Approval Approval `json:"-"`
}

// ReregisterResult is one user's "require re-registration".
type ReregisterResult struct {
	UserID string      `json:"userId"`
	DryRun bool        `json:"dryRun,omitempty"`
	Reset  ResetResult `json:"reset"`
	// Revoked: sessions were revoked (false in a dry run or on failure).
	Revoked     bool   `json:"revoked"`
	RevokeError string `json:"revokeError,omitempty"`
	// TAP is the pass issued, shown once; TAPError when issuing failed.
	TAP      *TAP   `json:"tap,omitempty"`
	TAPError string `json:"tapError,omitempty"`
}

// OK reports a re-registration where every step went through.
func (r ReregisterResult) OK() bool {
	return r.Reset.OK() && (r.DryRun || r.Revoked) && r.RevokeError == "" && r.TAPError == ""
}

// Reregister is the portal's "Require re-register MFA" as one operation,
// through the bulk runner (RunOne): the deletes of a Reset (keeping
// ReregisterKeep unless told otherwise), then revoke the sign-in sessions
// so every device must sign in (and register) again, then optionally issue
// a TAP for that registration. The revoke and TAP happen even when some
// deletes failed (they help and harm nothing), but not when the methods
// could not even be listed, nor after a failed revoke (a pass for a user
// still signed in everywhere is not the re-registration asked for). A pass
// the policy refuses stops it before any change. The error is the first
// failure.
func Reregister(ctx context.Context, c Client, userID string, opts ReregisterOptions) (ReregisterResult, error) {
	keep := opts.Keep
	if keep == nil {
		keep = ReregisterKeep
	}
	out := ReregisterResult{UserID: userID, DryRun: opts.DryRun}
	op := Operation{Kind: OpReregister, Keep: keep}
	if opts.TAP != nil {
		op.TAP = BulkTAPOf(*opts.TAP)
	}
	if opts.DryRun {
		if opts.TAP != nil {
			if _, err := CheckTAP(ctx, c, *opts.TAP); err != nil {
				return out, fmt.Errorf("re-register %s: refused before any change, because the Temporary Access Pass would fail: %w", CleanText(userID), err)
			}
		}
		rr, err := planOnly(ctx, c, userID, keep)
		out.Reset = rr
		return out, err
	}
	one, err := RunOne(ctx, c, op, userID, BulkOptions{Approval: opts.Approval})
	out.Reset = resetResultOf(userID, one)
	out.Revoked, out.TAP = one.SessionsRevoked, one.TAP
	if one.RevokeErr != nil {
		out.RevokeError = one.RevokeErr.Error()
	}
	if one.TAPErr != nil {
		out.TAPError = one.TAPErr.Error()
	}
	if err != nil && one.Plan == nil && one.State == StatePending {
		return out, fmt.Errorf("re-register %s: %w", CleanText(userID), err)
	}
	return out, resetErrOf(userID, out.Reset, err)
}
