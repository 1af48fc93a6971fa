package msgraph

import (
	"context"
	"sync"

	"github.com/mfadesk/mfadesk/graph"
)

// Apply implements Writer: every change the adapter can make, each as a
// plain call, or as an item of a $batch when ctx is marked WithBatching
// (method deletes, session revokes, per-user MFA and the default method; a
// TAP is never repeated blindly and goes plain, as does mail). A
// change type it does not know is refused before anything is sent.
func (c *MSGraph) Apply(ctx context.Context, ch graph.Change) (graph.Result, error) {
	ctx, tr := withRequestTrace(ctx)
	q := c.batchQueues(ctx)
	var (
		res graph.Result
		err error
	)
	switch ch := ch.(type) {
	case graph.DeleteMethod:
		if q != nil {
			err = q.del(ctx, ch.UserID, ch.Method)
		} else {
			err = c.deleteMethod(ctx, ch.UserID, ch.Method)
		}
	case graph.RevokeSessions:
		if q != nil {
			err = q.revoke(ctx, ch.UserID)
		} else {
			err = c.revokeSessions(ctx, ch.UserID)
		}
	case graph.SetPerUserMFA:
		if q != nil {
			err = q.setMFA(ctx, ch.UserID, ch.State)
		} else {
			err = c.setPerUserMFA(ctx, ch.UserID, ch.State)
		}
	case graph.CreateTAP:
		res.TAP, err = c.createTAP(ctx, ch.UserID, ch.Request)
	case graph.SetDefaultMethod:
		if q != nil {
			err = q.setDefault(ctx, ch.UserID, ch.Method, ch.Value())
		} else {
			err = c.setDefaultMethod(ctx, ch.UserID, ch.Method, ch.Value())
		}
	case graph.SendMail:
		err = c.sendMail(ctx, ch.Mail)
	case graph.SetAccountEnabled:
		err = c.setAccountEnabled(ctx, ch.UserID, ch.Enabled)
	case graph.SetPhone:
		err = c.setPhone(ctx, ch)
	case graph.SetEmail:
		err = c.setEmail(ctx, ch)
	case graph.DismissRisk:
		err = c.dismissRisk(ctx, ch.UserID)
	case graph.ConfirmCompromised:
		err = c.confirmCompromised(ctx, ch.UserID)
	case graph.ResetPassword:
		// Never batched: the Location must be followed, and a reset is
		// not repeated blindly.
		res.Password, err = c.resetPassword(ctx, ch.UserID, ch.NewPassword)
	default:
		return graph.Result{}, graph.UnknownChange(ch)
	}
	res.RequestID = graph.CleanText(tr.last())
	return res, err
}

// Request ids of successful calls: Graph sends request-id on every answer,
// but a call that succeeds returns no error to carry it. The middleware
// (and the batch queues, for an item) note it on the call's context, where
// Apply finds it for Result.RequestID.

type requestTraceKey struct{}

type requestTrace struct {
	mu sync.Mutex
	id string
}

func withRequestTrace(ctx context.Context) (context.Context, *requestTrace) {
	t := &requestTrace{}
	return context.WithValue(ctx, requestTraceKey{}, t), t
}

func noteRequestID(ctx context.Context, id string) {
	if t, ok := ctx.Value(requestTraceKey{}).(*requestTrace); ok && t != nil {
		t.mu.Lock()
		t.id = id
		t.mu.Unlock()
	}
}

func (t *requestTrace) last() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.id
}
