package fake

import (
	"net/http"
	"strings"
	"time"
)

// Password reset (mfadesk's reset-password), as the reference describes it:
//
//	POST /users/{id}/authentication/methods/{passwordMethodId}/resetPassword
//	  -> 202 Accepted, Location: .../users/{id}/authentication/operations/{opId}
//	     (+ a passwordResetResponse body when Graph generated the password)
//	GET  /users/{id}/authentication/operations/{opId}
//	  -> longRunningOperation {status: notStarted|running|succeeded|failed}
//
// The password list is served by the per-kind route (passwordMethods).

const (
	resetPasswordPage  = "api-reference/v1.0/api/authenticationmethod-resetpassword.md"
	operationGetPage   = "api-reference/v1.0/api/longrunningoperation-get.md"
	passwordPolicyPage = "https://learn.microsoft.com/entra/identity/authentication/concept-sspr-policy#microsoft-entra-password-policies"
)

var (
	rulePermResetPassword = docRule("perm.password.reset",
		"resetPassword needs the delegated UserAuthenticationMethod.ReadWrite.All (application permissions: not supported) and Authentication Administrator, "+
			"Privileged Authentication Administrator, or a User, Helpdesk or Password Administrator (which targets: roles.reset-passwords); 403 accessDenied otherwise",
		resetPasswordPage)
	_ = docRule("password.reset.not-self",
		"the reset \"can't be performed on a user's own account\"; the fake answers 403 accessDenied (the page names no error)",
		resetPasswordPage)
	_ = docRule("password.reset.method-id",
		"the password method's id is always 28c10230-6103-485e-b985-444c60001490; another id is 404 itemNotFound",
		resetPasswordPage)
	_ = docRule("password.reset.accepted",
		"a reset answers 202 Accepted with a Location header to /users/{id}/authentication/operations/{id} (and Retry-After when set); "+
			"without newPassword the body is a passwordResetResponse with the generated password, with one there is no body",
		resetPasswordPage)
	_ = docRule("password.reset.complexity",
		"newPassword must meet the cloud password policy (8 to 256 of A-Z, a-z, 0-9 and the listed symbols, three of the four kinds) and pass the banned password list: 400 otherwise",
		passwordPolicyPage)
	_ = docRule("password.operation.status",
		"GET /users/{id}/authentication/operations/{id} is a longRunningOperation whose status is notStarted or running until it ends succeeded or failed (terminal); "+
			"reading it needs UserAuthenticationMethod.Read(Write).All and Global Reader, Authentication or Privileged Authentication Administrator (the operation page names no other role)",
		operationGetPage)
)

// OpResetPassword is POST .../methods/{id}/resetPassword.
const OpResetPassword Op = "password.reset"

// passwordResetters are the columns of "Who can reset passwords" (the page
// names Authentication and Privileged Authentication Administrator, and
// User, Helpdesk and Password Administrator for the targets that table
// gives them).
var passwordResetters = []string{RoleGlobalAdmin, RolePrivilegedAuthAdmin, RoleAuthAdmin, RoleUserAdmin,
	RoleHelpdeskAdmin, RolePasswordAdmin}

func init() {
	Permissions = append(Permissions, Permission{Op: OpResetPassword, Scopes: methodsWrite,
		Roles: passwordResetters, Targets: resetPasswords, Rule: rulePermResetPassword})
}

// bannedPasswordWords stand in for the global banned password list and
// the tenant's custom list: a password containing one is refused.
var bannedPasswordWords = []string{"password", "contoso", "welcome", "qwerty"}

// passwordState is the tenant's password resets (guarded by Tenant.mu).
type passwordState struct {
	ops       map[string]*passwordOperation // by lower-case operation id
	passwords map[string]string             // by lower-case user id: the last password set
	// running is how many polls answer "running" before the end;
	// retryAfter, when set, goes with the 202 and every running answer.
	running    int
	retryAfter time.Duration
	// failNext makes the next reset's operation end "failed" with this
	// statusDetail (the password stays as it was).
	failNext string
}

type passwordOperation struct {
	id, userID    string
	created, last time.Time
	running       int // polls left answering "running"
	status        string
	detail        string
}

// SetPasswordResetProgress makes each following reset's operation answer
// "running" to that many polls before it ends, with Retry-After ra on the
// 202 and on each running answer (0: none).
func (t *Tenant) SetPasswordResetProgress(running int, ra time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pw.running, t.pw.retryAfter = running, ra
}

// FailNextPasswordReset makes the next reset's operation end "failed" with
// detail as its statusDetail.
func (t *Tenant) FailNextPasswordReset(detail string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pw.failNext = detail
}

// Password returns the password last set for a user by a reset (ok false
// when none was).
func (t *Tenant) Password(idOrUPN string) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	u := t.lookup(idOrUPN)
	if u == nil {
		return "", false
	}
	p, ok := t.pw.passwords[strings.ToLower(u.ID)]
	return p, ok
}

// resetPassword answers POST .../methods/{id}/resetPassword.
func (t *Tenant) resetPassword(rc *reqCtx, target func(*reqCtx) (*user, *response), methodID string) response {
	u, bad := t.authorizedTarget(rc, target, OpResetPassword)
	if bad != nil {
		return *bad
	}
	// password.reset.not-self
	if !rc.op.AppOnly && rc.op.ID != "" && strings.EqualFold(rc.op.ID, u.ID) {
		return rc.fail(403, "accessDenied", "The password of the signed-in user cannot be reset with this API.")
	}
	// password.reset.method-id
	if !strings.EqualFold(methodID, PasswordMethodID) || !hasKind(u.Methods, KindPassword) {
		return rc.fail(404, "itemNotFound", "The requested authentication method '"+methodID+"' was not found for the user.")
	}
	var req struct {
		NewPassword *string `json:"newPassword"`
	}
	if len(strings.TrimSpace(string(rc.body))) > 0 {
		if r := readJSON(rc, &req); r != nil {
			return *r
		}
	}
	generated := req.NewPassword == nil || *req.NewPassword == ""
	pw := ""
	if generated {
		pw = t.generatedPassword()
	} else {
		pw = *req.NewPassword
		// password.reset.complexity
		if why := passwordProblem(pw); why != "" {
			return rc.fail(400, "badRequest", why)
		}
	}
	if t.pw.ops == nil {
		t.pw.ops = map[string]*passwordOperation{}
		t.pw.passwords = map[string]string{}
	}
	op := &passwordOperation{id: t.newID(), userID: u.ID, created: rc.now.UTC(), last: rc.now.UTC(),
		running: t.pw.running, status: "notStarted"}
	if t.pw.failNext != "" {
		op.detail, t.pw.failNext = t.pw.failNext, ""
	} else {
		t.pw.passwords[strings.ToLower(u.ID)] = pw
		t.audit(rc, u, "Reset password (by admin)", coreDirectoryService, "Update")
	}
	t.pw.ops[strings.ToLower(op.id)] = op
	// password.reset.accepted
	h := http.Header{"Location": {rc.base + "/" + rc.version + "/users/" + u.ID + "/authentication/operations/" + op.id +
		"?aadgdc=FAKE01&aadgsu=ssprprod-a"}}
	if t.pw.retryAfter > 0 {
		h.Set("Retry-After", formatRetryAfter(t.pw.retryAfter))
	}
	resp := response{status: 202, header: h}
	if generated {
		resp.body = obj{{"@odata.context", rc.context("microsoft.graph.passwordResetResponse")}, {"newPassword", pw}}
	}
	return resp
}

// generatedPassword is the tenant's own temporary password (deterministic
// from the seed: a test double).
func (t *Tenant) generatedPassword() string {
	const upper, lower, digits = "ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789"
	b := []byte{upper[t.rng.IntN(len(upper))]}
	for range 5 {
		b = append(b, lower[t.rng.IntN(len(lower))])
	}
	for range 4 {
		b = append(b, digits[t.rng.IntN(len(digits))])
	}
	return string(b)
}

// passwordProblem is the cloud password policy and the banned list, in
// Graph's words for a refused password ("" when p is accepted).
func passwordProblem(p string) string {
	const symbols = "@#$%^&*-_!+=[]{}|\\:',.?/`~\"();<> "
	const refused = "The password does not comply with the password complexity requirements. Please provide a different password."
	if len(p) < 8 || len(p) > 256 {
		return refused
	}
	kinds := map[int]bool{}
	for _, r := range p {
		switch {
		case r >= 'A' && r <= 'Z':
			kinds[0] = true
		case r >= 'a' && r <= 'z':
			kinds[1] = true
		case r >= '0' && r <= '9':
			kinds[2] = true
		case strings.ContainsRune(symbols, r):
			kinds[3] = true
		default:
			return refused
		}
	}
	if len(kinds) < 3 {
		return refused
	}
	low := strings.ToLower(p)
	for _, w := range bannedPasswordWords {
		if strings.Contains(low, w) {
			return "The password is on the banned password list. Please provide a different password."
		}
	}
	return ""
}

// getPasswordOperation answers GET /users/{id}/authentication/operations/{id}.
func (t *Tenant) getPasswordOperation(rc *reqCtx, target func(*reqCtx) (*user, *response), id string) response {
	// password.operation.status: the operation page's permissions are the
	// methods read row's.
	u, bad := t.authorizedTarget(rc, target, OpReadMethods)
	if bad != nil {
		return *bad
	}
	op := t.pw.ops[strings.ToLower(id)]
	if op == nil || !strings.EqualFold(op.userID, u.ID) {
		return rc.fail(404, "itemNotFound", "The requested operation '"+id+"' was not found.")
	}
	var h http.Header
	switch {
	case op.running > 0:
		op.running--
		op.status = "running"
		if t.pw.retryAfter > 0 {
			h = http.Header{"Retry-After": {formatRetryAfter(t.pw.retryAfter)}}
		}
	case op.detail != "":
		op.status = "failed"
	default:
		op.status = "succeeded"
	}
	op.last = rc.now.UTC()
	body := obj{
		{"@odata.context", rc.context("users('" + u.ID + "')/authentication/operations/$entity")},
		{"id", op.id},
		{"createdDateTime", gtime(op.created)},
		{"lastActionDateTime", gtime(op.last)},
		{"resourceLocation", rc.base + "/" + rc.version + "/users/" + u.ID + "/authentication/passwordMethods/" + PasswordMethodID},
		{"status", op.status},
		{"statusDetail", nullable(op.detail)},
	}
	return response{status: 200, header: h, body: body}
}
