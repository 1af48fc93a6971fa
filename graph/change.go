package graph

import (
	"fmt"
	"strings"
)

// The write path. Every change mfadesk makes is one value of the closed set
// of Change types below, handed to Writer.Apply. Guard and history.Wrap
// wrap a Writer and check or record Apply, so they check and record every
// change there is: a new change type is a new type here (and a case in the
// adapter's Apply, which refuses what it does not know), never a new method
// a wrapper could forget to override. TestEveryChangeIsGuardedAndRecorded
// finds the types by reading this package's source.

// WriteKind names a kind of change. The guard, the change history, the
// bulk runner and the TUI share these names (history entries store them).
type WriteKind string

const (
	WriteDeleteMethod     WriteKind = "deleteMethod"
	WriteRevokeSessions   WriteKind = "revokeSessions"
	WriteCreateTAP        WriteKind = "createTAP"
	WriteSetPerUserMFA    WriteKind = "setPerUserMFA"
	WriteSetDefaultMethod WriteKind = "setDefaultMethod"
	WriteAccountEnabled   WriteKind = "setAccountEnabled"
	WriteSendMail         WriteKind = "sendMail"
	// Methods added or replaced by the technician (issue 13.3).
	WriteSetPhone WriteKind = "setPhone"
	WriteSetEmail WriteKind = "setEmail"
	// WriteResetPassword: an admin's password reset (password.go).
	WriteResetPassword WriteKind = "resetPassword"
)

// Describe is the write in words, for refusals and the history table.
func (k WriteKind) Describe() string {
	switch k {
	case WriteDeleteMethod:
		return "delete a sign-in method"
	case WriteRevokeSessions:
		return "revoke sign-in sessions"
	case WriteCreateTAP:
		return "issue a Temporary Access Pass"
	case WriteSetPerUserMFA:
		return "set per-user MFA"
	case WriteSetDefaultMethod:
		return "change the default sign-in method"
	case WriteAccountEnabled:
		return "block or unblock sign-in"
	case WriteSendMail:
		return "send mail"
	case WriteSetPhone:
		return "add or replace a phone method"
	case WriteSetEmail:
		return "add or replace the email method"
	case WriteDismissRisk:
		return riskDescribeDismiss
	case WriteConfirmCompromised:
		return riskDescribeConfirmCompr
	case WriteResetPassword:
		return "reset the password"
	}
	return string(k)
}

// Change is one change to the directory (or one mail). The set is closed:
// only the types in this file implement it.
type Change interface {
	// Kind names the change.
	Kind() WriteKind
	// Target is the user (object id or UPN) whose account the change
	// touches; empty for mail, which changes no account.
	Target() string
	// Describe says what exactly, for the change history: never a TAP
	// value, a token or a secret.
	Describe() string
	// Reason is the ticket and checklist the change was confirmed with.
	Reason() Approval

	isChange() // seals the set
}

// Approval is what the confirmation collected for a change: the ticket
// number or reason, and the identity-verification lines the operator
// ticked. Every Change embeds one; the change history records it.
type Approval struct {
	Ticket    string
	Checklist []string
}

// Reason implements Change (promoted to every change type).
func (a Approval) Reason() Approval {
	return Approval{Ticket: strings.TrimSpace(a.Ticket), Checklist: append([]string(nil), a.Checklist...)}
}

// Result is what Apply returns besides an error.
type Result struct {
	// TAP is the pass a CreateTAP made (its Value is shown once, never
	// recorded); zero for every other change.
	TAP TAP
	// RequestID is Graph's request-id for the call (or the $batch item),
	// when one was seen.
	RequestID string
	// Password is what a ResetPassword did: the new password (shown once,
	// never recorded) and whether Graph confirmed it; zero otherwise.
	Password PasswordReset
}

// DeleteMethod deletes one authentication method through its per-kind URL.
type DeleteMethod struct {
	UserID string
	Method Method
	Approval
}

// RevokeSessions invalidates the user's refresh tokens and session cookies
// (POST /users/{id}/revokeSignInSessions).
type RevokeSessions struct {
	UserID string
	Approval
}

// CreateTAP issues a Temporary Access Pass (replacing any existing one);
// Result.TAP carries it.
type CreateTAP struct {
	UserID  string
	Request TAPRequest
	Approval
}

// SetPerUserMFA writes beta /users/{id}/authentication/requirements.
type SetPerUserMFA struct {
	UserID string
	State  PerUserMFAState
	Approval
}

// SetDefaultMethod makes Method the user's default MFA method (beta
// signInPreferences, see defaultmethod.go).
type SetDefaultMethod struct {
	UserID string
	Method Method
	// Preference is the userPreferredMethodForSecondaryAuthentication
	// value to send ("" : PreferenceFor(Method)); a mobile phone may be
	// the default for texts (sms) or calls (voiceMobile).
	Preference string
	Approval
}

// Value is the preference value the change sends.
func (c SetDefaultMethod) Value() string {
	if c.Preference != "" {
		return c.Preference
	}
	return PreferenceFor(c.Method)
}

// SendMail sends a message (POST /users/{from}/sendMail, or /me/sendMail).
type SendMail struct {
	Mail Mail
	Approval
}

// SetAccountEnabled blocks (false) or unblocks (true) the user's sign-in:
// PATCH /users/{id} {"accountEnabled": ...} (user-update.md).
type SetAccountEnabled struct {
	UserID  string
	Enabled bool
	Approval
}

func (SetAccountEnabled) isChange()        {}
func (SetAccountEnabled) Kind() WriteKind  { return WriteAccountEnabled }
func (c SetAccountEnabled) Target() string { return c.UserID }
func (c SetAccountEnabled) Describe() string {
	if c.Enabled {
		return "accountEnabled -> true (sign-in unblocked)"
	}
	return "accountEnabled -> false (sign-in blocked)"
}

func (DeleteMethod) isChange()     {}
func (RevokeSessions) isChange()   {}
func (CreateTAP) isChange()        {}
func (SetPerUserMFA) isChange()    {}
func (SetDefaultMethod) isChange() {}
func (SendMail) isChange()         {}

func (DeleteMethod) Kind() WriteKind     { return WriteDeleteMethod }
func (RevokeSessions) Kind() WriteKind   { return WriteRevokeSessions }
func (CreateTAP) Kind() WriteKind        { return WriteCreateTAP }
func (SetPerUserMFA) Kind() WriteKind    { return WriteSetPerUserMFA }
func (SetDefaultMethod) Kind() WriteKind { return WriteSetDefaultMethod }
func (SendMail) Kind() WriteKind         { return WriteSendMail }

func (c DeleteMethod) Target() string     { return c.UserID }
func (c RevokeSessions) Target() string   { return c.UserID }
func (c CreateTAP) Target() string        { return c.UserID }
func (c SetPerUserMFA) Target() string    { return c.UserID }
func (c SetDefaultMethod) Target() string { return c.UserID }
func (SendMail) Target() string           { return "" }

func (c DeleteMethod) Describe() string {
	m := c.Method
	detail := fmt.Sprintf("%s method %s", m.Kind, m.ID)
	if d := strings.TrimSpace(m.Detail); d != "" {
		detail += " (" + d + ")"
	}
	if m.IsDefault {
		detail += ", default"
	}
	return detail
}

func (RevokeSessions) Describe() string { return "" }

func (c CreateTAP) Describe() string {
	req := c.Request
	detail := "policy default lifetime"
	if req.LifetimeMinutes > 0 {
		detail = fmt.Sprintf("lifetime %d min", req.LifetimeMinutes)
	}
	if req.IsUsableOnce {
		detail += ", one-time"
	}
	if !req.Start.IsZero() {
		detail += ", from " + req.Start.UTC().Format("2006-01-02 15:04Z")
	}
	return detail
}

func (c SetPerUserMFA) Describe() string { return "per-user MFA -> " + string(c.State) }

func (c SetDefaultMethod) Describe() string {
	return fmt.Sprintf("default method -> %s %s (%s)", c.Method.Kind, c.Method.ID, c.Value())
}

func (c SendMail) Describe() string {
	// Recipients and subject only: a body is the template's business.
	detail := "to " + strings.Join(c.Mail.To, ", ") + ": " + c.Mail.Subject
	if c.Mail.From != "" {
		detail = "from " + c.Mail.From + " " + detail
	}
	return detail
}

// ResetPassword resets the user's password (POST
// /users/{id}/authentication/methods/{passwordMethodId}/resetPassword, a
// long-running operation the adapter follows to its end). NewPassword is
// sent as newPassword; empty lets Graph generate one (cloud-only users
// only). Result.Password carries the password; neither it nor NewPassword
// is ever described, recorded or logged (Secret prints as [redacted]).
type ResetPassword struct {
	UserID      string
	NewPassword Secret
	Approval
}

func (ResetPassword) isChange()        {}
func (ResetPassword) Kind() WriteKind  { return WriteResetPassword }
func (c ResetPassword) Target() string { return c.UserID }

// Describe says that a reset happened and who chose the password, never
// the password.
func (c ResetPassword) Describe() string {
	if c.NewPassword == "" {
		return "password reset (Graph-generated temporary password; change at next sign-in)"
	}
	return "password reset (temporary password generated by mfadesk; change at next sign-in)"
}

// ChangeRecord is one change made to the directory, as the change history
// records it.
type ChangeRecord struct {
	Kind   WriteKind
	UserID string
	// UPN of the target when known (history shows it beside the id).
	UPN string
	// Detail says what exactly: "phone method 3179e48a-... (mobile +1 XXXXXXX890)",
	// "per-user MFA -> enforced", "TAP 60 min, one-time", "mail to x@y".
	// Never a TAP value, a token or a secret.
	Detail string
	// Err is the outcome: nil for success.
	Err error
	// RequestID is Graph's request-id for the call, when known.
	RequestID string
}

// UnknownChange is the refusal of a client that does not know how to make
// ch: nothing is sent.
func UnknownChange(ch Change) error {
	return &Error{Kind: ErrBadRequest, Op: ch.Kind().Describe(),
		Message: "this client does not know how to make this change; nothing was sent"}
}

// SetPhone adds a phone method (POST /users/{id}/authentication/phoneMethods)
// or, when Replaces is the user's phone of that type, changes its number
// (PATCH .../phoneMethods/{id}): a user has at most one phone of each type
// (authentication-post-phonemethods.md, phoneauthenticationmethod-update.md).
// Number is sent as typed, after CheckPhoneNumber; the history and results
// show it masked (MaskPhone), as every phone number mfadesk prints.
type SetPhone struct {
	UserID string
	Type   PhoneType
	Number string
	// Replaces is the phone of Type the user has (zero: none, add one).
	Replaces Method
	Approval
}

func (SetPhone) isChange()        {}
func (SetPhone) Kind() WriteKind  { return WriteSetPhone }
func (c SetPhone) Target() string { return c.UserID }
func (c SetPhone) Describe() string {
	d := fmt.Sprintf("%s phone %s", c.Type, MaskPhone(c.Number))
	if c.Replaces.ID != "" {
		return d + " replaces " + MaskPhone(c.Replaces.PhoneNumber) + " (method " + c.Replaces.ID + ")"
	}
	return d + " added"
}

// SetEmail adds the email method (POST /users/{id}/authentication/emailMethods)
// or, when Replaces is the user's email method, changes its address (PATCH
// .../emailMethods/{id}): "a user may only have one email authentication
// method" (authentication-post-emailmethods.md, emailauthenticationmethod-update.md).
type SetEmail struct {
	UserID  string
	Address string
	// Replaces is the user's email method (zero: none, add one).
	Replaces Method
	Approval
}

func (SetEmail) isChange()        {}
func (SetEmail) Kind() WriteKind  { return WriteSetEmail }
func (c SetEmail) Target() string { return c.UserID }
func (c SetEmail) Describe() string {
	if c.Replaces.ID != "" {
		return "email method " + CleanText(c.Address) + " replaces " + CleanText(c.Replaces.Email) + " (method " + c.Replaces.ID + ")"
	}
	return "email method " + CleanText(c.Address) + " added"
}
