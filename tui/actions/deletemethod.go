package actions

import (
	"context"

	"github.com/mfadesk/mfadesk/graph"
)

func execDeleteMethod(ctx context.Context, c graph.Client, u graph.User, op Op) (Result, error) {
	if err := c.DeleteMethod(ctx, u.ID, op.Method); err != nil {
		return Result{}, err
	}
	return Result{Detail: "deleted " + MethodLabel(op.Method), Deleted: []graph.Method{op.Method}}, nil
}
