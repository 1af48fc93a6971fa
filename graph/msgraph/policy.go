package msgraph

import (
	"context"
	"fmt"

	"github.com/mfadesk/mfadesk/graph"
	abs "github.com/microsoft/kiota-abstractions-go"
)

// tapPolicyPath is the TAP method's configuration under
// /policies/authenticationMethodsPolicy.
const tapPolicyPath = "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass"

// TAPPolicy reads GET /policies/authenticationMethodsPolicy/
// authenticationMethodConfigurations/TemporaryAccessPass through the request
// adapter (the policies subpackage would compile thousands of builders for
// this one call).
func (c *MSGraph) TAPPolicy(ctx context.Context) (graph.TAPPolicy, error) {
	op := "read the Temporary Access Pass policy"
	ri, err := c.rawRequest(abs.GET, c.v1+tapPolicyPath, nil)
	if err != nil {
		return graph.TAPPolicy{}, &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: err.Error()}
	}
	ctx, ci := withCallInfo(ctx)
	res, err := c.adapter.Send(ctx, ri, newRawObject, errorMapping)
	if err != nil {
		return graph.TAPPolicy{}, c.classify(ctx, op, opPolicyRead, ci, err)
	}
	if res == nil {
		return graph.TAPPolicy{}, c.emptyAnswer(op, ci)
	}
	d := res.(*rawObject).data
	p := graph.TAPPolicy{
		State:                    rawString(d, "state"),
		DefaultLifetimeInMinutes: rawInt(d, "defaultLifetimeInMinutes"),
		MinimumLifetimeInMinutes: rawInt(d, "minimumLifetimeInMinutes"),
		MaximumLifetimeInMinutes: rawInt(d, "maximumLifetimeInMinutes"),
		DefaultLength:            rawInt(d, "defaultLength"),
	}
	p.IsUsableOnce, _ = rawBool(d, "isUsableOnce")
	if p.State == "" {
		info := ci.snapshot()
		return graph.TAPPolicy{}, &graph.Error{Kind: graph.ErrUnavailable, Op: op, Status: info.status, RequestID: info.requestID,
			Message: fmt.Sprintf("unreadable answer from Graph (%d, %s): no policy state", info.status, describeType(info.contentType))}
	}
	return p, nil
}

// rawInt reads a whole number from kiota raw values (JSON numbers arrive as
// float64 or int64 pointers).
func rawInt(m map[string]any, key string) int {
	switch v := m[key].(type) {
	case *float64:
		if v != nil {
			return int(*v)
		}
	case *int64:
		if v != nil {
			return int(*v)
		}
	case *int32:
		if v != nil {
			return int(*v)
		}
	case float64:
		return int(v)
	case int64:
		return int(v)
	}
	return 0
}
