package msgraph

import (
	"context"
	"errors"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// managerSelect is what a notification needs of the manager.
var managerSelect = []string{"id", "displayName", "userPrincipalName", "mail", "userType", "accountEnabled"}

// Manager reads GET /users/{id}/manager. Graph answers 404 when the user
// has none (ErrNotFound, said so in the message); a manager that is not a
// user (an organizational contact) is ErrNotFound too, as it has no
// mailbox mfadesk can vouch for.
func (c *MSGraph) Manager(ctx context.Context, userID string) (graph.User, error) {
	key := strings.TrimSpace(userID)
	op := "read the manager of " + graph.CleanText(key)
	if err := graph.CheckUserKey(op, key); err != nil {
		return graph.User{}, err
	}
	ctx, ci := withCallInfo(ctx)
	obj, err := c.user(key).Manager().Get(ctx, &users.ItemManagerRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemManagerRequestBuilderGetQueryParameters{Select: managerSelect}})
	if err != nil {
		err = c.classify(ctx, op, opRead, ci, err)
		var ge *graph.Error
		if errors.As(err, &ge) && errors.Is(err, graph.ErrNotFound) {
			ge.Message = "the user has no manager in the directory"
		}
		return graph.User{}, err
	}
	if obj == nil {
		return graph.User{}, c.emptyAnswer(op, ci)
	}
	u, isUser := obj.(models.Userable)
	if !isUser {
		return graph.User{}, &graph.Error{Kind: graph.ErrNotFound, Op: op, Message: "the manager is not a user (no mailbox to send to)"}
	}
	if u.GetId() == nil || *u.GetId() == "" {
		return graph.User{}, c.noObject(op, ci, "user")
	}
	return userFrom(u), nil
}
