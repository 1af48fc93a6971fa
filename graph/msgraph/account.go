package msgraph

import (
	"context"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// setAccountEnabled is the adapter's SetAccountEnabled: PATCH /users/{id}
// {"accountEnabled": enabled}, nothing else in the body (a property left
// out keeps its value). Graph answers 204 No Content
// (api-reference/v1.0/api/user-update.md).
func (c *MSGraph) setAccountEnabled(ctx context.Context, userID string, enabled bool) error {
	op := "unblock sign-in of " + graph.CleanText(userID)
	if !enabled {
		op = "block sign-in of " + graph.CleanText(userID)
	}
	if err := graph.CheckUserKey(op, userID); err != nil {
		return err
	}
	body := models.NewUser()
	body.SetAccountEnabled(&enabled)
	ctx, ci := withCallInfo(ctx)
	ri, err := c.user(userID).ToPatchRequestInformation(ctx, body, nil)
	if err == nil {
		err = c.adapter.SendNoContent(ctx, ri, errorMapping)
	}
	return c.classify(ctx, op, opAccountEnabled, ci, err)
}
