package msgraph

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// resetPassword applies ResetPassword (authenticationmethod-resetpassword.md,
// v1.0): POST /users/{id}/authentication/methods/{passwordMethodId}/resetPassword
// with {"newPassword": ...} (left out when pw is empty: Graph then
// generates one for a cloud-only user and returns it in a
// passwordResetResponse). Graph answers 202 Accepted with a Location to the
// reset's longRunningOperation; the reset is followed there to its end.
//
// Once Graph has accepted the reset, the password is returned even when its
// end could not be seen (still running when the wait ran out, the status
// unreadable, no Location): it may already be the user's, and a password
// nobody knows locks them out. Only an answer that says the reset failed
// (an error status to the POST, or the operation's "failed") is an error.
func (c *MSGraph) resetPassword(ctx context.Context, userID string, pw graph.Secret) (graph.PasswordReset, error) {
	op := "reset the password of " + graph.CleanText(userID)
	if err := graph.CheckUserKey(op, userID); err != nil {
		return graph.PasswordReset{}, err
	}
	if pw != "" {
		if why := graph.PasswordComplexityProblem(pw.Reveal()); why != "" {
			return graph.PasswordReset{}, &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: why + "; nothing was sent"}
		}
	}
	body := users.NewItemAuthenticationMethodsItemResetPasswordPostRequestBody()
	if pw != "" {
		p := pw.Reveal()
		body.SetNewPassword(&p)
	}
	pctx, ci := withCallInfo(ctx)
	res, err := c.user(userID).Authentication().Methods().ByAuthenticationMethodId(graph.PasswordMethodID).
		ResetPassword().Post(pctx, body, nil)
	if err != nil {
		return graph.PasswordReset{}, redactSecret(c.classify(pctx, op, opResetPassword, ci, err), pw)
	}
	out := graph.PasswordReset{Password: pw}
	if res != nil && res.GetNewPassword() != nil && pw == "" {
		// Graph's own password (a cloud-only user, none sent): kept as
		// sent, not cleaned, since it must be typed exactly; it is shown
		// through the same cleaning the console and the CLI apply to any
		// Graph text.
		out.Password = graph.Secret(*res.GetNewPassword())
	}
	info := ci.snapshot()
	if out.Password == "" {
		return graph.PasswordReset{}, &graph.Error{Kind: graph.ErrUnavailable, Op: op, Status: info.status, RequestID: info.requestID,
			Message: "Graph accepted the reset but returned no password: reset it again (the user cannot know the one Graph set)"}
	}
	if info.location == "" {
		out.Status = fmt.Sprintf("accepted (%d); Graph gave no status link to follow", info.status)
		return out, nil
	}
	wait := time.Duration(0)
	if info.hasPollAfter {
		wait = info.pollAfter
	}
	out.Confirmed, out.Status, err = c.followPasswordReset(ctx, op, info.location, wait)
	return out, err
}

// opStatus is what one poll of the operation said.
type opStatus struct {
	status, detail string
	retryAfter     time.Duration
	hasRetryAfter  bool
}

// followPasswordReset polls the reset's operation at loc until it is
// succeeded or failed: each wait is the Retry-After Graph sent (the 202's
// first), else 1s, 2s, 4s... up to 10s; the waits together stay within
// PasswordResetWait, and ctx cancels it. It never returns an error except
// for a "failed" operation or a cancelled ctx.
func (c *MSGraph) followPasswordReset(ctx context.Context, op, loc string, wait time.Duration) (bool, string, error) {
	if err := c.checkOperationLink(op, loc); err != nil {
		return false, "accepted; its status link was not followed: " + graph.CleanText(err.Error()), nil
	}
	var waited time.Duration
	for attempt := 0; ; attempt++ {
		if wait > 0 {
			if waited+wait > c.resetWait {
				return false, fmt.Sprintf("accepted; still running after %s (Graph finishes it on its own)", waited.Round(time.Second)), nil
			}
			if err := c.sleep(ctx, wait); err != nil {
				return false, "", fmt.Errorf("%s: %w", op, err)
			}
			waited += wait
		}
		st, err := c.pollOperation(ctx, op, loc)
		if ctx.Err() != nil {
			return false, "", fmt.Errorf("%s: %w", op, ctx.Err())
		}
		if err != nil {
			return false, "accepted; its status could not be read: " + graph.CleanText(err.Error()), nil
		}
		switch strings.ToLower(st.status) {
		case "succeeded":
			return true, "succeeded", nil
		case "failed":
			msg := "Graph's reset operation failed"
			if st.detail != "" {
				msg += ": " + st.detail
			}
			return false, "failed", &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: msg + "; the password was not changed"}
		case "notstarted", "running":
		default:
			return false, fmt.Sprintf("accepted; Graph reports an unknown status %q", st.status), nil
		}
		wait = min(time.Second<<min(attempt, 4), 10*time.Second)
		if st.hasRetryAfter {
			wait = st.retryAfter
		}
	}
}

// pollOperation reads the operation at loc (GET
// /users/{id}/authentication/operations/{id}, a longRunningOperation),
// through the SDK's request builder for that path with Graph's URL as given
// (it carries routing parameters). The status is read as text: Graph's
// pages spell it both "running" and "Running".
func (c *MSGraph) pollOperation(ctx context.Context, op, loc string) (opStatus, error) {
	ctx, ci := withCallInfo(ctx)
	ri, err := users.NewItemAuthenticationOperationsLongRunningOperationItemRequestBuilder(loc, c.adapter).ToGetRequestInformation(ctx, nil)
	if err != nil {
		return opStatus{}, &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: err.Error()}
	}
	res, err := c.adapter.Send(ctx, ri, newRawObject, errorMapping)
	if err != nil {
		return opStatus{}, c.classify(ctx, "read the status of the reset", opMethodsRead, ci, err)
	}
	if res == nil {
		return opStatus{}, c.emptyAnswer("read the status of the reset", ci)
	}
	data := res.(*rawObject).data
	info := ci.snapshot()
	st := opStatus{status: rawString(data, "status"), detail: rawString(data, "statusDetail"),
		retryAfter: info.pollAfter, hasRetryAfter: info.hasPollAfter}
	if st.status == "" {
		return opStatus{}, c.noObject("read the status of the reset", ci, "operation status")
	}
	return st, nil
}

// checkOperationLink vets the Location of a reset before it is followed:
// the configured endpoint (the token goes nowhere else; the transport
// refuses other hosts too) and an authentication operation's path.
func (c *MSGraph) checkOperationLink(op, loc string) error {
	u, err := url.Parse(loc)
	if err != nil || !u.IsAbs() || !c.sameOrigin(u.Scheme, u.Host) {
		host := ""
		if u != nil {
			host = u.Host
		}
		return &graph.Error{Kind: graph.ErrUnavailable, Op: op, Message: fmt.Sprintf(
			"the status link points to %q, not %s", graph.CleanText(host), c.endpoint.Host)}
	}
	p := strings.ToLower(u.Path)
	if !(strings.HasPrefix(p, "/v1.0/users/") || strings.HasPrefix(p, "/beta/users/")) || !strings.Contains(p, "/authentication/operations/") {
		return &graph.Error{Kind: graph.ErrUnavailable, Op: op, Message: "the status link is not an authentication operation: " + graph.CleanText(u.Path)}
	}
	return nil
}

// redactSecret keeps a password out of an error's text (a gateway echoing
// the request body would put it there).
func redactSecret(err error, s graph.Secret) error {
	if err == nil || s == "" {
		return err
	}
	if ge, ok := graph.AsError(err); ok {
		ge.Message = strings.ReplaceAll(ge.Message, s.Reveal(), "[redacted]")
	}
	return err
}
