package msgraph

import (
	"context"
	"errors"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/microsoftgraph/msgraph-sdk-go/identityprotection"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// Identity Protection (graph/idrisk.go): the user's riskyUser record and
// the two actions on it, all v1.0.

func (c *MSGraph) riskyUsers() *identityprotection.RiskyUsersRequestBuilder {
	return identityprotection.NewIdentityProtectionRequestBuilderInternal(map[string]string{}, c.adapter).RiskyUsers()
}

// riskKey checks the user key: a riskyUser's id is the user's object id
// (riskyuser.md), so a UPN is refused before anything is sent.
func riskKey(op, userID string) (string, error) {
	key := strings.TrimSpace(userID)
	if err := graph.CheckUserKey(op, key); err != nil {
		return "", err
	}
	if !graph.IsGUID(key) {
		return "", &graph.Error{Kind: graph.ErrBadRequest, Op: op,
			Message: "Identity Protection names users by object id, not " + graph.CleanText(key)}
	}
	return strings.ToLower(key), nil
}

// UserRisk reads GET /identityProtection/riskyUsers/{id}
// (api-reference/v1.0/api/riskyuser-get.md). A 404 is a user Identity
// Protection holds no record for: no risk (graph.NoIdentityRisk). A 403
// is a missing permission or role, or a tenant without Entra ID P2, which
// Graph does not tell apart; the error names both.
func (c *MSGraph) UserRisk(ctx context.Context, userID string) (graph.IdentityRisk, error) {
	op := "read the identity risk of " + graph.CleanText(userID)
	key, err := riskKey(op, userID)
	if err != nil {
		return graph.IdentityRisk{}, err
	}
	ctx, ci := withCallInfo(ctx)
	ri, err := c.riskyUsers().ByRiskyUserId(key).ToGetRequestInformation(ctx, nil)
	if err != nil {
		return graph.IdentityRisk{}, &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: err.Error()}
	}
	res, err := c.adapter.Send(ctx, ri, models.CreateRiskyUserFromDiscriminatorValue, errorMapping)
	if err != nil {
		err = c.classify(ctx, op, opRiskRead, ci, err)
		if errors.Is(err, graph.ErrNotFound) {
			return graph.NoIdentityRisk(), nil
		}
		return graph.IdentityRisk{}, err
	}
	if res == nil {
		return graph.IdentityRisk{}, c.emptyAnswer(op, ci)
	}
	ru, ok := res.(models.RiskyUserable)
	if !ok {
		return graph.IdentityRisk{}, c.noObject(op, ci, "riskyUser")
	}
	return riskFrom(ru), nil
}

// riskFrom converts a riskyUser, cleaning its text.
func riskFrom(ru models.RiskyUserable) graph.IdentityRisk {
	var r graph.IdentityRisk
	if v := ru.GetRiskLevel(); v != nil {
		r.Level = graph.CleanText(v.String())
	}
	if v := ru.GetRiskState(); v != nil {
		r.State = graph.CleanText(v.String())
	}
	if v := ru.GetRiskDetail(); v != nil {
		r.Detail = graph.CleanText(v.String())
	}
	r.LastUpdated = timev(ru.GetRiskLastUpdatedDateTime())
	r.Processing = boolv(ru.GetIsProcessing())
	if r.Level == "" && r.State == "" {
		// A record without either says nothing: read it as none.
		r.Level, r.State = graph.RiskLevelNone, graph.RiskStateNone
	}
	return r
}

// dismissRisk is POST /identityProtection/riskyUsers/dismiss with one id
// (riskyuser-dismiss.md; 204 No Content).
func (c *MSGraph) dismissRisk(ctx context.Context, userID string) error {
	op := "dismiss the risk of " + graph.CleanText(userID)
	key, err := riskKey(op, userID)
	if err != nil {
		return err
	}
	body := identityprotection.NewRiskyUsersDismissPostRequestBody()
	body.SetUserIds([]string{key})
	ctx, ci := withCallInfo(ctx)
	ri, err := c.riskyUsers().Dismiss().ToPostRequestInformation(ctx, body, nil)
	if err == nil {
		err = c.adapter.SendNoContent(ctx, ri, errorMapping)
	}
	return c.classify(ctx, op, opRiskDismiss, ci, err)
}

// confirmCompromised is POST
// /identityProtection/riskyUsers/confirmCompromised with one id
// (riskyuser-confirmcompromised.md; 204 No Content).
func (c *MSGraph) confirmCompromised(ctx context.Context, userID string) error {
	op := "confirm compromised " + graph.CleanText(userID)
	key, err := riskKey(op, userID)
	if err != nil {
		return err
	}
	body := identityprotection.NewRiskyUsersConfirmCompromisedPostRequestBody()
	body.SetUserIds([]string{key})
	ctx, ci := withCallInfo(ctx)
	ri, err := c.riskyUsers().ConfirmCompromised().ToPostRequestInformation(ctx, body, nil)
	if err == nil {
		err = c.adapter.SendNoContent(ctx, ri, errorMapping)
	}
	return c.classify(ctx, op, opRiskConfirm, ci, err)
}
