package msgraph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
)

// opKind says which family an operation belongs to, so a 403 can name the
// permission and directory role that would allow it.
type opKind int

const (
	opRead opKind = iota // users
	opMethodsRead
	opMethodsWrite
	opReports // registration report
	opSignIns
	opAudit
	opRevoke
	opPerUserMFARead
	opPerUserMFAWrite
	opMail
	opMe
	opPolicyRead
	opAccountEnabled
	opSetPhone
	opSetEmail
	// Identity Protection (idrisk.go)
	opRiskRead
	opRiskDismiss
	opRiskConfirm
	opResetPassword
)

// kindActions maps the operation families to the permission table's rows
// (permissions.go), so a refusal names what the table says allows it.
var kindActions = map[opKind]graph.Action{
	opRead:            graph.ActionReadUsers,
	opMethodsRead:     graph.ActionReadMethods,
	opMethodsWrite:    graph.ActionDeleteMethod,
	opReports:         graph.ActionReport,
	opSignIns:         graph.ActionSignIns,
	opAudit:           graph.ActionAudit,
	opRevoke:          graph.ActionRevoke,
	opPerUserMFARead:  graph.ActionReadPerUser,
	opPerUserMFAWrite: graph.ActionPerUserMFA,
	opMail:            graph.ActionSendMail,
	opAccountEnabled:  graph.ActionAccountEnabled,
	opSetPhone:        graph.ActionSetPhone,
	opSetEmail:        graph.ActionSetEmail,
	opRiskRead:        graph.ActionReadRisk,
	opRiskDismiss:     graph.ActionDismissRisk,
	opRiskConfirm:     graph.ActionConfirmCompromised,
	opResetPassword:   graph.ActionResetPassword,
}

// targetTables' names, as a refusal explains them.
var targetRuleNames = map[graph.TargetRule]string{
	graph.TargetSensitive:     "Entra's \"Who can perform sensitive actions\" table",
	graph.TargetPasswordReset: "Entra's \"Who can reset passwords\" table",
}

// needs names what would allow a denied call of this kind, from the
// permission table: the least privileged delegated permission and the roles
// (and, when the target's roles matter, which table decides whom each role
// may change).
func (k opKind) needs() string {
	switch k {
	case opMe:
		return "User.Read"
	case opPolicyRead:
		return "Policy.Read.AuthenticationMethod (or Policy.Read.All) and, for a user, the Global Reader or Authentication Policy Administrator role"
	}
	a, ok := kindActions[k]
	if !ok {
		return ""
	}
	r, _ := graph.RequirementFor(a)
	out := r.Delegated[0]
	if len(r.Roles) > 0 {
		names := make([]string, len(r.Roles))
		for i, id := range r.Roles {
			names[i] = graph.RoleName(id)
		}
		out += " and the " + graph.OrList(names) + " role"
	}
	if n := targetRuleNames[r.Target]; n != "" {
		out += " (which users each role may change: " + n + ")"
	}
	return out
}

// classify turns whatever a call returned into a *Error. ctx is the call's
// context: when the caller cancelled, the cancellation is returned as such
// (errors.Is(err, context.Canceled)), not dressed up as a Graph failure.
func (c *MSGraph) classify(ctx context.Context, op string, kind opKind, ci *callInfo, err error) error {
	if err == nil {
		return nil
	}
	out := c.classifyErr(ctx, op, kind, ci, err)
	if e, ok := out.(*graph.Error); ok {
		// A gateway may reflect the request's Authorization header in its
		// error text: never let a token reach a screen or a log.
		e.Message = redactTokens(e.Message)
	}
	return out
}

var (
	bearerRE = regexp.MustCompile(`(?i)bearer\s+[A-Za-z0-9\-._~+/]+=*`)
	jwtRE    = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`)
)

// redactTokens replaces bearer tokens and JWT-shaped strings with a marker.
func redactTokens(s string) string {
	if !strings.Contains(s, "eyJ") && !strings.Contains(strings.ToLower(s), "bearer") {
		return s
	}
	s = bearerRE.ReplaceAllString(s, "Bearer [redacted]")
	return jwtRE.ReplaceAllString(s, "[redacted token]")
}

func (c *MSGraph) classifyErr(ctx context.Context, op string, kind opKind, ci *callInfo, err error) error {
	if ge, ok := graph.AsError(err); ok {
		return ge
	}
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", op, ctx.Err())
	}
	info := ci.snapshot()
	e := &graph.Error{Op: op, Status: info.status, RequestID: info.requestID, RetryAfter: info.retryAfter}

	var te *tokenError
	if errors.As(err, &te) {
		e.Kind = graph.ErrSignIn
		e.Status = 0
		e.Message = "could not get an access token: " + graph.CleanText(firstLine(te.err.Error()))
		if errors.Is(te.err, context.DeadlineExceeded) {
			// A device-code or browser sign-in still waiting for the person.
			e.Message = "sign-in not finished in time: complete the sign-in, then try again"
		}
		return e
	}
	if info.refusedHost != "" || errors.Is(err, errRefusedHost) {
		e.Kind = graph.ErrUnavailable
		e.Message = fmt.Sprintf("refused to send a request to %q: mfadesk only talks to %s", graph.CleanText(info.refusedHost), c.endpoint.Host)
		return e
	}

	var oe *odataerrors.ODataError
	if errors.As(err, &oe) {
		if st := oe.GetStatusCode(); st != 0 {
			e.Status = st
		}
		if me := oe.GetErrorEscaped(); me != nil {
			e.Code = str(me.GetCode())
			e.Message = str(me.GetMessage())
			if in := me.GetInnerError(); in != nil {
				if id := str(in.GetRequestId()); id != "" {
					e.RequestID = id
				}
			}
		}
		if e.RequestID == "" {
			e.RequestID = headerValue(oe.GetResponseHeaders(), "request-id")
		}
		classifyStatus(e, kind)
		return e
	}
	var ae *abs.ApiError
	if errors.As(err, &ae) && ae.ResponseStatusCode != 0 {
		e.Status = ae.ResponseStatusCode
		if e.RequestID == "" {
			e.RequestID = headerValue(ae.ResponseHeaders, "request-id")
		}
		classifyStatus(e, kind)
		if e.Message == "" || e.Kind == graph.ErrUnavailable {
			e.Message = fmt.Sprintf("Graph answered %d %s without a readable error body", e.Status, http.StatusText(e.Status))
		}
		return e
	}

	switch {
	case info.status == 0 && info.timedOut:
		e.Kind = graph.ErrUnavailable
		e.Message = fmt.Sprintf("Graph did not answer within %s", c.requestTimeout)
	case info.status == 0:
		e.Kind = graph.ErrUnavailable
		msg := err.Error()
		if info.transportErr != nil {
			msg = info.transportErr.Error()
		}
		e.Message = fmt.Sprintf("could not reach Graph at %s: %s", c.endpoint.Host, graph.CleanText(firstLine(msg)))
	case info.status >= 300 && info.status < 400:
		e.Kind = graph.ErrUnavailable
		e.Message = fmt.Sprintf("Graph answered with a redirect (%d) to %q; mfadesk does not follow redirects", info.status, graph.CleanText(info.location))
	case info.status >= 400:
		// An error status whose body kiota could not read (HTML from a
		// proxy, truncated JSON): classify by status alone.
		classifyStatus(e, kind)
		e.Message = fmt.Sprintf("Graph answered %d %s with an unreadable body (%s)", info.status, http.StatusText(info.status), describeType(info.contentType))
	default:
		e.Kind = graph.ErrUnavailable
		e.Message = fmt.Sprintf("unreadable answer from Graph (%d, %s): %s", info.status, describeType(info.contentType), graph.CleanText(firstLine(err.Error())))
	}
	return e
}

// emptyAnswer is the error for a 2xx with no body where one was expected.
func (c *MSGraph) emptyAnswer(op string, ci *callInfo) error {
	info := ci.snapshot()
	if info.status >= 300 && info.status < 400 {
		return &graph.Error{Kind: graph.ErrUnavailable, Op: op, Status: info.status, RequestID: info.requestID,
			Message: fmt.Sprintf("Graph answered with a redirect (%d) to %q; mfadesk does not follow redirects", info.status, graph.CleanText(info.location))}
	}
	return &graph.Error{Kind: graph.ErrUnavailable, Op: op, Status: info.status, RequestID: info.requestID,
		Message: fmt.Sprintf("Graph answered %d with an empty body", info.status)}
}

// noObject is the error for a 2xx whose body is not the object asked for.
func (c *MSGraph) noObject(op string, ci *callInfo, what string) error {
	info := ci.snapshot()
	return &graph.Error{Kind: graph.ErrUnavailable, Op: op, Status: info.status, RequestID: info.requestID,
		Message: fmt.Sprintf("unreadable answer from Graph (%d, %s): no %s in it", info.status, describeType(info.contentType), what)}
}

// noValue is the error for a collection answer without its "value" list
// (Graph always sends one, empty or not): not a Graph answer.
func (c *MSGraph) noValue(op string, ci *callInfo) error {
	info := ci.snapshot()
	return &graph.Error{Kind: graph.ErrUnavailable, Op: op, Status: info.status, RequestID: info.requestID,
		Message: fmt.Sprintf("unreadable answer from Graph (%d, %s): no \"value\" list", info.status, describeType(info.contentType))}
}

// classifyStatus sets Kind (and Needs / Message) from status and code.
// Codes are matched, never messages, except for the default-method rule,
// which Graph reports only as a 400 badRequest with a message.
func classifyStatus(e *graph.Error, kind opKind) {
	switch {
	case e.Status == http.StatusUnauthorized:
		e.Kind = graph.ErrDenied
		if e.Needs == "" {
			e.Needs = "a valid sign-in (Graph rejected the access token)"
		}
	case e.Status == http.StatusForbidden:
		if strings.EqualFold(e.Code, "Authentication_RequestFromNonPremiumTenantOrB2CTenant") {
			e.Kind = graph.ErrUnlicensed
			e.Message = "sign-in logs need Microsoft Entra ID P1 or P2 in this tenant"
			if kind == opReports {
				e.Message = "the MFA registration report needs Microsoft Entra ID P1 or P2 in this tenant"
			}
			return
		}
		e.Kind = graph.ErrDenied
		e.Needs = kind.needs()
		if kind == opRiskRead || kind == opRiskDismiss || kind == opRiskConfirm {
			// Graph answers a tenant without Entra ID P2 with the same
			// 403 as a missing permission: name both.
			e.Needs += ", and Microsoft Entra ID P2 in the tenant"
		}
	case e.Status == http.StatusNotFound:
		e.Kind = graph.ErrNotFound
	case e.Status == http.StatusConflict || e.Status == http.StatusPreconditionFailed:
		e.Kind = graph.ErrConflict
	case e.Status == http.StatusTooManyRequests:
		e.Kind = graph.ErrThrottled
		if e.Message == "" {
			e.Message = "Graph is throttling this app; try again later"
		}
	case e.Status == http.StatusBadRequest && isDefaultMethodRule(e.Message):
		e.Kind = graph.ErrConflict
	case e.Status >= 500:
		e.Kind = graph.ErrUnavailable
	case e.Status >= 400:
		e.Kind = graph.ErrBadRequest
	default:
		e.Kind = graph.ErrUnavailable
	}
}

// isDefaultMethodRule recognises Graph's refusals to delete a method that
// others depend on: the default method while others exist ("Cannot delete
// default method with other methods configured...", "...matches the user's
// current default authentication method...") and a mobile phone while an
// alternate mobile exists.
func isDefaultMethodRule(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "default method") ||
		strings.Contains(m, "default authentication method") ||
		strings.Contains(m, "alternatemobile") || strings.Contains(m, "alternate mobile")
}

func headerValue(h *abs.ResponseHeaders, key string) string {
	if h == nil {
		return ""
	}
	for _, k := range h.ListKeys() {
		if strings.EqualFold(k, key) {
			if v := h.Get(k); len(v) > 0 {
				return graph.CleanText(v[0])
			}
		}
	}
	return ""
}

func describeType(ct string) string {
	if ct == "" {
		return "no content type"
	}
	ct = strings.TrimSpace(strings.SplitN(ct, ";", 2)[0])
	if strings.EqualFold(ct, "text/html") {
		return "an HTML page, perhaps from a proxy"
	}
	return graph.CleanText(ct)
}

func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}
