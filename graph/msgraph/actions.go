package msgraph

import (
	"context"
	"fmt"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// revokeSessions applies RevokeSessions: POST /users/{id}/revokeSignInSessions.
// Graph answers 200 {"value": true} or 204; any 2xx is success. (It does
// nothing for B2B guests; callers warn about that, Graph does not.)
func (c *MSGraph) revokeSessions(ctx context.Context, userID string) error {
	op := "revoke sign-in sessions of " + graph.CleanText(userID)
	if err := graph.CheckUserKey(op, userID); err != nil {
		return err
	}
	ctx, ci := withCallInfo(ctx)
	ri, err := c.user(userID).RevokeSignInSessions().ToPostRequestInformation(ctx, nil)
	if err == nil {
		// SendNoContent: the optional {"value": true} body is not needed
		// and a 204 is as good as a 200.
		err = c.adapter.SendNoContent(ctx, ri, errorMapping)
	}
	return c.classify(ctx, op, opRevoke, ci, err)
}

// createTAP applies CreateTAP: POST
// /users/{id}/authentication/temporaryAccessPassMethods. A valid TAP the
// user already has is replaced by Graph. The returned Value is the only
// time the pass is visible.
func (c *MSGraph) createTAP(ctx context.Context, userID string, req graph.TAPRequest) (graph.TAP, error) {
	op := "create a Temporary Access Pass for " + graph.CleanText(userID)
	if err := graph.CheckUserKey(op, userID); err != nil {
		return graph.TAP{}, err
	}
	if req.LifetimeMinutes != 0 && (req.LifetimeMinutes < graph.MinTAPLifetime || req.LifetimeMinutes > graph.MaxTAPLifetime) {
		return graph.TAP{}, &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: fmt.Sprintf(
			"lifetime %d minutes is outside %d..%d", req.LifetimeMinutes, graph.MinTAPLifetime, graph.MaxTAPLifetime)}
	}
	body := models.NewTemporaryAccessPassAuthenticationMethod()
	if req.LifetimeMinutes != 0 {
		l := int32(req.LifetimeMinutes)
		body.SetLifetimeInMinutes(&l)
	}
	// isUsableOnce is sent only when chosen (or filled in from the
	// policy): left out, Graph follows the tenant's policy.
	if !req.DefaultUse {
		once := req.IsUsableOnce
		body.SetIsUsableOnce(&once)
	}
	if !req.Start.IsZero() {
		s := req.Start.UTC()
		body.SetStartDateTime(&s)
	}
	ctx, ci := withCallInfo(ctx)
	res, err := c.user(userID).Authentication().TemporaryAccessPassMethods().Post(ctx, body, nil)
	if err != nil {
		return graph.TAP{}, c.classify(ctx, op, opMethodsWrite, ci, err)
	}
	if res == nil {
		return graph.TAP{}, c.emptyAnswer(op, ci)
	}
	t := tapFrom(res)
	if t.Value == "" {
		return graph.TAP{}, &graph.Error{Kind: graph.ErrUnavailable, Op: op, Status: ci.snapshot().status,
			Message: "Graph created a pass but did not return its value; delete it and try again"}
	}
	return t, nil
}

func tapFrom(m models.TemporaryAccessPassAuthenticationMethodable) graph.TAP {
	return graph.TAP{
		ID:                    str(m.GetId()),
		Value:                 str(m.GetTemporaryAccessPass()),
		Created:               timev(m.GetCreatedDateTime()),
		Start:                 timev(m.GetStartDateTime()),
		LifetimeMinutes:       int32v(m.GetLifetimeInMinutes()),
		IsUsableOnce:          boolv(m.GetIsUsableOnce()),
		IsUsable:              boolv(m.GetIsUsable()),
		MethodUsabilityReason: str(m.GetMethodUsabilityReason()),
	}
}

func requirementsPath(userID string) string {
	return "/users/" + pathSeg(userID) + "/authentication/requirements"
}

// PerUserMFA implements Client: beta GET /users/{id}/authentication/requirements.
func (c *MSGraph) PerUserMFA(ctx context.Context, userID string) (graph.PerUserMFAState, error) {
	op := "read per-user MFA state of " + graph.CleanText(userID)
	if err := graph.CheckUserKey(op, userID); err != nil {
		return "", err
	}
	if q := c.batchQueues(ctx); q != nil {
		return q.perUserMFA(ctx, op, userID)
	}
	ri, err := c.betaRequest(abs.GET, requirementsPath(userID), nil)
	if err != nil {
		return "", &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: err.Error()}
	}
	ctx, ci := withCallInfo(ctx)
	res, err := c.adapter.Send(ctx, ri, newRawObject, errorMapping)
	if err != nil {
		return "", c.classify(ctx, op, opPerUserMFARead, ci, err)
	}
	if res == nil {
		return "", c.emptyAnswer(op, ci)
	}
	raw := rawString(res.(*rawObject).data, "perUserMfaState")
	st, perr := graph.ParsePerUserMFAState(raw)
	if perr != nil {
		return "", &graph.Error{Kind: graph.ErrUnavailable, Op: op, Status: ci.snapshot().status, RequestID: ci.snapshot().requestID,
			Message: fmt.Sprintf("Graph answered an unknown per-user MFA state %q", raw)}
	}
	return st, nil
}

// setPerUserMFA applies SetPerUserMFA: beta PATCH
// /users/{id}/authentication/requirements {"perUserMfaState": s}. Graph
// turns "enabled" into "enforced" for a user who already has a method.
func (c *MSGraph) setPerUserMFA(ctx context.Context, userID string, s graph.PerUserMFAState) error {
	op := fmt.Sprintf("set per-user MFA of %s to %s", graph.CleanText(userID), graph.CleanText(string(s)))
	if err := graph.CheckUserKey(op, userID); err != nil {
		return err
	}
	if _, err := graph.ParsePerUserMFAState(string(s)); err != nil {
		return &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: err.Error()}
	}
	ri, err := c.betaRequest(abs.PATCH, requirementsPath(userID), nil)
	if err != nil {
		return &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: err.Error()}
	}
	body := &rawObject{}
	body.Set("perUserMfaState", string(s))
	if err := ri.SetContentFromParsable(ctx, c.adapter, "application/json", body); err != nil {
		return &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: err.Error()}
	}
	ctx, ci := withCallInfo(ctx)
	return c.classify(ctx, op, opPerUserMFAWrite, ci, c.adapter.SendNoContent(ctx, ri, errorMapping))
}

// sendMail applies SendMail: POST /users/{from}/sendMail, or /me/sendMail
// when From is empty. Recipients are validated locally (no header tricks).
func (c *MSGraph) sendMail(ctx context.Context, m graph.Mail) error {
	op := "send mail"
	if len(m.To) > 0 {
		op = "send mail to " + graph.CleanText(strings.Join(m.To, ", "))
	}
	if len(m.To) == 0 {
		return &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: "no recipient"}
	}
	var to []models.Recipientable
	for _, addr := range m.To {
		addr = strings.TrimSpace(addr)
		if !graph.LooksLikeUPN(addr) {
			return &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: fmt.Sprintf("%q is not a mail address", graph.CleanText(addr))}
		}
		ea := models.NewEmailAddress()
		ea.SetAddress(&addr)
		r := models.NewRecipient()
		r.SetEmailAddress(ea)
		to = append(to, r)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: "the subject contains a line break"}
	}
	msg := models.NewMessage()
	subject, content := m.Subject, m.Body
	msg.SetSubject(&subject)
	b := models.NewItemBody()
	bt := models.TEXT_BODYTYPE
	if m.HTML {
		bt = models.HTML_BODYTYPE
	}
	b.SetContentType(&bt)
	b.SetContent(&content)
	msg.SetBody(b)
	msg.SetToRecipients(to)
	body := users.NewItemSendMailPostRequestBody()
	body.SetMessage(msg)
	save := true
	body.SetSaveToSentItems(&save)

	var sm *users.ItemSendMailRequestBuilder
	if m.From == "" {
		sm = users.NewItemSendMailRequestBuilder(c.v1+"/me/sendMail", c.adapter)
	} else {
		if err := graph.CheckUserKey(op, m.From); err != nil {
			return err
		}
		sm = c.user(m.From).SendMail()
	}
	ctx, ci := withCallInfo(ctx)
	return c.classify(ctx, op, opMail, ci, sm.Post(ctx, body, nil))
}
