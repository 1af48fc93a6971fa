package msgraph

import (
	"context"
	"fmt"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// Adding and replacing phone and email methods (v1.0):
//
//	POST  /users/{id}/authentication/phoneMethods       (authentication-post-phonemethods.md, 201)
//	PATCH /users/{id}/authentication/phoneMethods/{id}  (phoneauthenticationmethod-update.md, 204)
//	POST  /users/{id}/authentication/emailMethods       (authentication-post-emailmethods.md, 201)
//	PATCH /users/{id}/authentication/emailMethods/{id}  (emailauthenticationmethod-update.md, 204)
//
// The number and address are checked locally first (graph.CheckPhoneNumber,
// graph.CheckEmailAddress): a malformed one is refused before anything is
// sent. Errors name the number masked, as everything mfadesk prints.

var phoneTypes = map[graph.PhoneType]models.AuthenticationPhoneType{
	graph.PhoneMobile:          models.MOBILE_AUTHENTICATIONPHONETYPE,
	graph.PhoneAlternateMobile: models.ALTERNATEMOBILE_AUTHENTICATIONPHONETYPE,
	graph.PhoneOffice:          models.OFFICE_AUTHENTICATIONPHONETYPE,
}

func (c *MSGraph) setPhone(ctx context.Context, ch graph.SetPhone) error {
	op := fmt.Sprintf("add %s phone %s for %s", ch.Type, graph.MaskPhone(ch.Number), graph.CleanText(ch.UserID))
	if ch.Replaces.ID != "" {
		op = fmt.Sprintf("set %s phone of %s to %s", ch.Type, graph.CleanText(ch.UserID), graph.MaskPhone(ch.Number))
	}
	if err := graph.CheckUserKey(op, ch.UserID); err != nil {
		return err
	}
	pt, ok := phoneTypes[ch.Type]
	if !ok {
		return &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: "unknown phone type " + graph.CleanText(string(ch.Type)) + " (mobile, alternateMobile or office)"}
	}
	if err := graph.CheckPhoneNumber(ch.Number); err != nil {
		return &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: "not sent: " + err.Error()}
	}
	body := models.NewPhoneAuthenticationMethod()
	num := ch.Number
	body.SetPhoneNumber(&num)
	body.SetPhoneType(&pt)
	ctx, ci := withCallInfo(ctx)
	phones := c.user(ch.UserID).Authentication().PhoneMethods()
	var err error
	if ch.Replaces.ID == "" {
		var res models.PhoneAuthenticationMethodable
		res, err = phones.Post(ctx, body, nil)
		if err == nil && res == nil {
			return c.emptyAnswer(op, ci)
		}
	} else {
		if err := graph.CheckMethodID(op, ch.Replaces.ID); err != nil {
			return err
		}
		// Graph answers 204 No Content: sent as a request without an
		// answer to parse, as the page documents.
		ri, rerr := phones.ByPhoneAuthenticationMethodId(ch.Replaces.ID).ToPatchRequestInformation(ctx, body, nil)
		err = rerr
		if err == nil {
			err = c.adapter.SendNoContent(ctx, ri, errorMapping)
		}
	}
	return c.classify(ctx, op, opSetPhone, ci, err)
}

func (c *MSGraph) setEmail(ctx context.Context, ch graph.SetEmail) error {
	op := "add email method " + graph.CleanText(ch.Address) + " for " + graph.CleanText(ch.UserID)
	if ch.Replaces.ID != "" {
		op = "set email method of " + graph.CleanText(ch.UserID) + " to " + graph.CleanText(ch.Address)
	}
	if err := graph.CheckUserKey(op, ch.UserID); err != nil {
		return err
	}
	if err := graph.CheckEmailAddress(ch.Address); err != nil {
		return &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: "not sent: " + err.Error()}
	}
	body := models.NewEmailAuthenticationMethod()
	addr := ch.Address
	body.SetEmailAddress(&addr)
	ctx, ci := withCallInfo(ctx)
	emails := c.user(ch.UserID).Authentication().EmailMethods()
	var err error
	if ch.Replaces.ID == "" {
		var res models.EmailAuthenticationMethodable
		res, err = emails.Post(ctx, body, nil)
		if err == nil && res == nil {
			return c.emptyAnswer(op, ci)
		}
	} else {
		if err := graph.CheckMethodID(op, ch.Replaces.ID); err != nil {
			return err
		}
		ri, rerr := emails.ByEmailAuthenticationMethodId(ch.Replaces.ID).ToPatchRequestInformation(ctx, body, nil)
		err = rerr
		if err == nil {
			err = c.adapter.SendNoContent(ctx, ri, errorMapping)
		}
	}
	return c.classify(ctx, op, opSetEmail, ci, err)
}
