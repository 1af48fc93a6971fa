package msgraph

import (
	"context"
	"net/url"
	"sort"
	"strconv"

	"github.com/mfadesk/mfadesk/graph"
	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// TenantSignIns implements Client: beta GET /auditLogs/signIns with
// $filter=createdDateTime ge {since} and $top (api-reference/beta/api/
// signin-list.md: createdDateTime supports ge; status/errorCode only eq, so
// "not 0" cannot be asked for and the failures are picked out here). The
// list holds interactive sign-ins unless filtered on signInEventTypes,
// which is what a live view of people failing wants. Each page waits for
// the reports budget like every reports request.
func (c *MSGraph) TenantSignIns(ctx context.Context, q graph.SignInQuery) ([]graph.SignIn, error) {
	const op = "read the tenant's sign-ins"
	top := q.Top
	if top <= 0 || top > 1000 {
		top = 1000
	}
	query := url.Values{"$top": {strconv.Itoa(top)}}
	if !q.Since.IsZero() {
		query.Set("$filter", "createdDateTime ge "+graph.ODataTime(q.Since))
	}
	ri, err := c.betaRequest(abs.GET, "/auditLogs/signIns", query)
	if err != nil {
		return nil, &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: err.Error()}
	}
	var out []graph.SignIn
	for page := 0; ; page++ {
		if err := c.reports.wait(ctx); err != nil {
			return nil, err
		}
		cctx, ci := withCallInfo(ctx)
		res, err := c.adapter.Send(cctx, ri, models.CreateSignInCollectionResponseFromDiscriminatorValue, errorMapping)
		if err != nil {
			return nil, c.classify(cctx, op, opSignIns, ci, err)
		}
		if res == nil {
			return nil, c.emptyAnswer(op, ci)
		}
		col := res.(models.SignInCollectionResponseable)
		if col.GetValue() == nil {
			return nil, c.noValue(op, ci)
		}
		for _, s := range col.GetValue() {
			if s == nil {
				continue
			}
			si := signInFrom(s)
			si.EventType = graph.SignInInteractive
			if !q.FailuresOnly || si.Failed() {
				out = append(out, si)
			}
		}
		next := col.GetOdataNextLink()
		if next == nil || *next == "" || page+1 >= maxLogPages {
			break
		}
		if err := c.checkNextLink(op, *next); err != nil {
			return nil, err
		}
		if ri, err = c.rawRequest(abs.GET, *next, nil); err != nil {
			return nil, &graph.Error{Kind: graph.ErrUnavailable, Op: op, Message: err.Error()}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedDateTime.After(out[j].CreatedDateTime) })
	return out, nil
}
