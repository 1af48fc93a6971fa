package msgraph

import (
	"context"

	"github.com/mfadesk/mfadesk/graph"
	abs "github.com/microsoft/kiota-abstractions-go"
)

// The user's default MFA method is beta signInPreferences'
// userPreferredMethodForSecondaryAuthentication, whose documented values
// are push, oath, voiceMobile, voiceAlternateMobile, voiceOffice and sms
// (api-reference/beta/resources/signinpreferences.md): only an
// Authenticator app, an OATH token or a phone can be the default. It is
// changed with PATCH /users/{id}/authentication/signInPreferences
// (api-reference/beta/api/authentication-update.md).

// setDefaultMethod applies SetDefaultMethod: beta PATCH
// /users/{id}/authentication/signInPreferences.
func (c *MSGraph) setDefaultMethod(ctx context.Context, userID string, m graph.Method, pref string) error {
	op := "make " + graph.KindLabel(m.Kind) + " the default method of " + graph.CleanText(userID)
	if err := graph.CheckUserKey(op, userID); err != nil {
		return err
	}
	if err := graph.CheckPreference(m, pref); err != nil {
		return &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: err.Error()}
	}
	ri, err := c.betaRequest(abs.PATCH, "/users/"+pathSeg(userID)+"/authentication/signInPreferences", nil)
	if err != nil {
		return &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: err.Error()}
	}
	body := &rawObject{}
	body.Set("userPreferredMethodForSecondaryAuthentication", pref)
	if err := ri.SetContentFromParsable(ctx, c.adapter, "application/json", body); err != nil {
		return &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: err.Error()}
	}
	ctx, ci := withCallInfo(ctx)
	err = c.adapter.SendNoContent(ctx, ri, errorMapping)
	return c.classify(ctx, op, opMethodsWrite, ci, err)
}
