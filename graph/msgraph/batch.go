package msgraph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	abs "github.com/microsoft/kiota-abstractions-go"
	jsonser "github.com/microsoft/kiota-serialization-json-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// JSON batching (POST /$batch) for the bulk runner, through the client's own
// request adapter (same middleware, token, host check and envelope retries).
//
// Graph runs a batch either fully in parallel or fully in sequence (a batch
// mixing dependsOn chains with independent requests is refused: "Batch
// should be either fully sequential or fully parallel"), and a dependsOn
// chain makes one user's failure fail whatever depends on it. So requests
// of many users are coalesced into parallel batches (no dependsOn), and a
// user's ordering is kept by the runner, which sends the next stage of a
// user only when the previous one has answered. Per-item statuses are read
// one by one (the envelope is 200 even when items fail), items may come back
// in any order (matched by id), and a per-item 429 comes back to the runner
// as ErrThrottled with that item's Retry-After, which the SDK would not
// retry.

// maxBatch is Graph's limit of requests in one $batch.
const maxBatch = 20

// batchLinger is how long a partly filled batch waits for more requests.
const batchLinger = 3 * time.Millisecond

// batchRequest is one request inside a $batch.
type batchRequest struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	DependsOn []string          `json:"dependsOn,omitempty"`
	Headers   map[string]string `json:"headers,omitempty"`
	Body      json.RawMessage   `json:"body,omitempty"`
	// unbooked: the request counts against another service's budget than
	// the one the pacer keeps (a directory read in a run paced at the
	// reports budget), so its batch books no slot for it.
	unbooked bool
}

// batchResponse is one answer inside a $batch response.
type batchResponse struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`

	// envelopeID is the request-id of the $batch request that carried the
	// item: the item's own id when Graph gives none.
	envelopeID string
}

// header returns an item header, matched case-insensitively.
func (r batchResponse) header(k string) string {
	for hk, v := range r.Headers {
		if strings.EqualFold(hk, k) {
			return v
		}
	}
	return ""
}

// sendBatch posts one $batch to root (the client's v1.0 or beta URL) and
// returns the responses by request id. Every request must get an answer;
// a missing one is reported as an unreadable answer for that id.
func (c *MSGraph) sendBatch(ctx context.Context, root string, reqs []batchRequest) (map[string]batchResponse, error) {
	op := fmt.Sprintf("send a batch of %d requests", len(reqs))
	body, err := json.Marshal(struct {
		Requests []batchRequest `json:"requests"`
	}{reqs})
	if err != nil {
		return nil, &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: err.Error()}
	}
	ri, err := c.rawRequest(abs.POST, root+"/$batch", nil)
	if err != nil {
		return nil, &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: err.Error()}
	}
	ri.SetStreamContentAndContentType(body, "application/json")
	ctx, ci := withCallInfo(ctx)
	res, err := c.adapter.SendPrimitive(ctx, ri, "[]byte", errorMapping)
	if err != nil {
		return nil, c.classify(ctx, op, opMethodsWrite, ci, err)
	}
	raw, _ := res.([]byte)
	var env struct {
		Responses []batchResponse `json:"responses"`
	}
	if err := json.Unmarshal(raw, &env); err != nil || env.Responses == nil {
		info := ci.snapshot()
		return nil, &graph.Error{Kind: graph.ErrUnavailable, Op: op, Status: info.status, RequestID: info.requestID,
			Message: "unreadable $batch answer from Graph"}
	}
	out := make(map[string]batchResponse, len(env.Responses))
	for _, r := range env.Responses {
		r.envelopeID = ci.snapshot().requestID
		out[r.ID] = r
	}
	return out, nil
}

// itemError classifies a failed batch item like the client classifies a
// failed call: Graph's error body, the item's request-id and Retry-After.
func itemError(op string, kind opKind, r batchResponse, now time.Time) error {
	if r.Status >= 200 && r.Status < 300 {
		return nil
	}
	e := &graph.Error{Op: op, Status: r.Status, RequestID: graph.CleanText(r.header("request-id"))}
	var body struct {
		Error struct {
			Code       string `json:"code"`
			Message    string `json:"message"`
			InnerError struct {
				RequestID string `json:"request-id"`
			} `json:"innerError"`
		} `json:"error"`
	}
	if len(r.Body) > 0 && json.Unmarshal(r.Body, &body) == nil {
		e.Code = graph.CleanText(body.Error.Code)
		e.Message = graph.CleanText(body.Error.Message)
		if id := body.Error.InnerError.RequestID; id != "" {
			e.RequestID = graph.CleanText(id)
		}
	}
	if r.Status == http.StatusTooManyRequests || r.Status == http.StatusServiceUnavailable {
		h := http.Header{}
		h.Set("Retry-After", r.header("Retry-After"))
		if ra, ok := retryAfter(h, now); ok {
			e.RetryAfter = ra
		}
	}
	if r.Status == http.StatusFailedDependency {
		// A dependency failed; this request itself was never run.
		e.Kind = graph.ErrUnavailable
		e.Message = "not run: a request it depended on failed"
		return e
	}
	classifyStatus(e, kind)
	if e.Message == "" {
		e.Message = fmt.Sprintf("Graph answered %d %s", r.Status, http.StatusText(r.Status))
	}
	return e
}

// batchQueues are one batch scope's coalescers for one MSGraph: requests
// made with a WithBatching context go into them instead of out as plain
// calls. They sit under Apply, so the guard and the change history around
// the client see a batched change exactly as a direct one. A TAP (never
// repeated blindly), a default-method change and mail always go as plain
// calls.
type batchQueues struct {
	c        *MSGraph
	v1, beta *coalescer
}

// batchQueues returns ctx's batch scope's queues for c, nil when ctx is not
// marked for batching.
func (c *MSGraph) batchQueues(ctx context.Context) *batchQueues {
	s := graph.BatchScopeFrom(ctx)
	if s == nil {
		return nil
	}
	return s.Shared(c, func() any {
		q := &batchQueues{c: c}
		q.v1 = &coalescer{send: func(ctx context.Context, r []batchRequest) (map[string]batchResponse, error) {
			return c.sendBatch(ctx, c.v1, r)
		}, pacer: s.Pacer(), gauge: s.NoteLimitPercentage}
		q.beta = &coalescer{send: func(ctx context.Context, r []batchRequest) (map[string]batchResponse, error) {
			return c.sendBatch(ctx, c.beta, r)
		}, pacer: s.Pacer(), gauge: s.NoteLimitPercentage}
		return q
	}).(*batchQueues)
}

// write sends one change in a batch and classifies its item's answer; the
// item's request-id goes to the call's trace (Result.RequestID).
func (b *batchQueues) write(ctx context.Context, q *coalescer, kindOp opKind, op string, req batchRequest) error {
	r, err := q.do(ctx, req)
	if err == nil {
		err = itemError(op, kindOp, r, b.c.now())
	}
	if id := r.header("request-id"); id != "" {
		noteRequestID(ctx, id)
	} else if r.envelopeID != "" {
		noteRequestID(ctx, r.envelopeID)
	}
	return b.opErr(op, err)
}

func (b *batchQueues) list(ctx context.Context, userID string, withPref bool) ([]graph.Method, error) {
	op := "list methods of " + graph.CleanText(userID)
	if err := graph.CheckUserKey(op, userID); err != nil {
		return nil, err
	}
	// The default method comes from beta signInPreferences, best effort as
	// in ListMethods: sent alongside, in the beta batch, unless the caller
	// reads it itself (WithoutPreferences).
	prefCh := make(chan graph.SignInPreferences, 1)
	if withPref {
		go func() {
			p, _ := b.prefs(ctx, userID)
			prefCh <- p
		}()
	} else {
		prefCh <- graph.SignInPreferences{}
	}
	// Through beta, as ListMethods: v1.0 does not list beta-only kinds.
	r, err := b.beta.do(ctx, batchRequest{Method: http.MethodGet, URL: methodsPath(userID)})
	if err == nil {
		err = itemError(op, opMethodsRead, r, b.c.now())
	}
	if err != nil {
		<-prefCh
		return nil, b.opErr(op, err)
	}
	pn, err := jsonser.NewJsonParseNode(r.Body)
	if err != nil {
		return nil, &graph.Error{Kind: graph.ErrUnavailable, Op: op, Status: r.Status, Message: "unreadable answer from Graph"}
	}
	v, err := pn.GetObjectValue(models.CreateAuthenticationMethodCollectionResponseFromDiscriminatorValue)
	col, ok := v.(models.AuthenticationMethodCollectionResponseable)
	if err != nil || !ok {
		return nil, &graph.Error{Kind: graph.ErrUnavailable, Op: op, Status: r.Status, Message: "unreadable answer from Graph"}
	}
	if col.GetOdataNextLink() != nil {
		// Paged (rare for a user's methods): let the client page it.
		<-prefCh
		return b.c.listMethods(ctx, userID, withPref)
	}
	out := make([]graph.Method, 0, len(col.GetValue()))
	for _, m := range col.GetValue() {
		if m != nil {
			out = append(out, methodFrom(m))
		}
	}
	graph.ApplyPreferences(out, <-prefCh)
	return out, nil
}

// prefs reads the user's sign-in preferences in the beta batch, best
// effort as in ListMethods: unknown gives zero.
func (b *batchQueues) prefs(ctx context.Context, userID string) (graph.SignInPreferences, error) {
	if err := graph.CheckUserKey("read sign-in preferences of "+graph.CleanText(userID), userID); err != nil {
		return graph.SignInPreferences{}, err
	}
	r, err := b.beta.do(ctx, batchRequest{Method: http.MethodGet, unbooked: true,
		URL: "/users/" + pathSeg(userID) + "/authentication/signInPreferences"})
	if err != nil || r.Status != http.StatusOK {
		return graph.SignInPreferences{}, nil
	}
	var v struct {
		Preferred string `json:"userPreferredMethodForSecondaryAuthentication"`
		On        bool   `json:"isSystemPreferredAuthenticationMethodEnabled"`
		System    string `json:"systemPreferredAuthenticationMethod"`
	}
	if json.Unmarshal(r.Body, &v) != nil {
		return graph.SignInPreferences{}, nil
	}
	return graph.SignInPreferences{UserPreferred: graph.CleanText(v.Preferred), SystemPreferredEnabled: v.On, SystemPreferred: graph.CleanText(v.System)}, nil
}

// setDefault makes m the default in the beta batch: beta PATCH
// signInPreferences, as setDefaultMethod sends it.
func (b *batchQueues) setDefault(ctx context.Context, userID string, m graph.Method, pref string) error {
	op := "make " + graph.KindLabel(m.Kind) + " the default method of " + graph.CleanText(userID)
	if err := graph.CheckUserKey(op, userID); err != nil {
		return err
	}
	if graph.CheckPreference(m, pref) != nil {
		return b.c.setDefaultMethod(ctx, userID, m, pref) // refused locally, with the client's words
	}
	body, _ := json.Marshal(map[string]string{"userPreferredMethodForSecondaryAuthentication": pref})
	return b.write(ctx, b.beta, opMethodsWrite, op,
		batchRequest{Method: http.MethodPatch, URL: "/users/" + pathSeg(userID) + "/authentication/signInPreferences",
			Headers: map[string]string{"Content-Type": "application/json"}, Body: body})
}

func (b *batchQueues) del(ctx context.Context, userID string, m graph.Method) error {
	op := fmt.Sprintf("delete %s method %s of %s", graph.KindLabel(m.Kind), graph.CleanText(m.ID), graph.CleanText(userID))
	if err := graph.CheckUserKey(op, userID); err != nil {
		return err
	}
	if err := graph.CheckMethodID(op, m.ID); err != nil {
		return err
	}
	seg, ok := graph.KindSegment[m.Kind]
	if !ok || !m.Deletable() {
		return b.c.deleteMethod(ctx, userID, m) // refused locally, with the client's words
	}
	q := b.v1
	if m.Kind == graph.KindHardwareOath {
		q = b.beta
	}
	return b.write(ctx, q, opMethodsWrite, op, batchRequest{Method: http.MethodDelete,
		URL: "/users/" + pathSeg(userID) + "/authentication/" + seg + "/" + pathSeg(m.ID)})
}

func (b *batchQueues) revoke(ctx context.Context, userID string) error {
	op := "revoke sign-in sessions of " + graph.CleanText(userID)
	if err := graph.CheckUserKey(op, userID); err != nil {
		return err
	}
	// A body-less POST inside a batch still needs a Content-Type and {}.
	return b.write(ctx, b.v1, opRevoke, op, batchRequest{Method: http.MethodPost,
		URL:     "/users/" + pathSeg(userID) + "/revokeSignInSessions",
		Headers: map[string]string{"Content-Type": "application/json"}, Body: json.RawMessage(`{}`)})
}

func (b *batchQueues) setMFA(ctx context.Context, userID string, s graph.PerUserMFAState) error {
	op := fmt.Sprintf("set per-user MFA of %s to %s", graph.CleanText(userID), graph.CleanText(string(s)))
	if err := graph.CheckUserKey(op, userID); err != nil {
		return err
	}
	if _, err := graph.ParsePerUserMFAState(string(s)); err != nil {
		return &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: err.Error()}
	}
	body, _ := json.Marshal(map[string]string{"perUserMfaState": string(s)})
	return b.write(ctx, b.beta, opPerUserMFAWrite, op,
		batchRequest{Method: http.MethodPatch, URL: requirementsPath(userID),
			Headers: map[string]string{"Content-Type": "application/json"}, Body: body})
}

// perUserMFA reads the user's per-user MFA state as one item of the beta
// batch: GET /users/{id}/authentication/requirements
// (api-reference/beta/api/authentication-get.md), the item's own status
// classified as the plain call's would be (ReadPerUserMFA waits out its
// 429 with the item's Retry-After).
func (b *batchQueues) perUserMFA(ctx context.Context, op, userID string) (graph.PerUserMFAState, error) {
	r, err := b.beta.do(ctx, batchRequest{Method: http.MethodGet, URL: requirementsPath(userID), unbooked: graph.Unbooked(ctx)})
	if err == nil {
		err = itemError(op, opPerUserMFARead, r, b.c.now())
	}
	if err != nil {
		return "", b.opErr(op, err)
	}
	var v struct {
		State string `json:"perUserMfaState"`
	}
	if json.Unmarshal(r.Body, &v) != nil {
		return "", &graph.Error{Kind: graph.ErrUnavailable, Op: op, Status: r.Status, Message: "unreadable answer from Graph"}
	}
	st, perr := graph.ParsePerUserMFAState(v.State)
	if perr != nil {
		return "", &graph.Error{Kind: graph.ErrUnavailable, Op: op, Status: r.Status, RequestID: graph.CleanText(r.header("request-id")),
			Message: fmt.Sprintf("Graph answered an unknown per-user MFA state %q", graph.CleanText(v.State))}
	}
	return st, nil
}

// opErr names the operation in an envelope-level error.
func (b *batchQueues) opErr(op string, err error) error {
	if err == nil {
		return nil
	}
	if ge, ok := graph.AsError(err); ok && ge.Op != op {
		cp := *ge
		cp.Op = op
		return &cp
	}
	return err
}

// coalescer gathers requests from many goroutines into batches of up to
// maxBatch: a batch goes when it is full or batchLinger after its first
// request, so nobody waits long for company.
type coalescer struct {
	send  func(context.Context, []batchRequest) (map[string]batchResponse, error)
	pacer *graph.Pacer
	gauge func(float64) // hears the highest limit percentage of each batch

	mu      sync.Mutex
	pending []*pendingItem
	timer   *time.Timer
	seq     uint64
}

type pendingItem struct {
	ctx   context.Context
	req   batchRequest
	reply chan batchReply
}

type batchReply struct {
	resp batchResponse
	err  error
}

// do sends req in the next batch and waits for its answer.
func (q *coalescer) do(ctx context.Context, req batchRequest) (batchResponse, error) {
	it := &pendingItem{ctx: ctx, req: req, reply: make(chan batchReply, 1)}
	q.mu.Lock()
	q.seq++
	it.req.ID = strconv.FormatUint(q.seq, 10)
	q.pending = append(q.pending, it)
	var full []*pendingItem
	if len(q.pending) >= maxBatch {
		full = q.pending[:maxBatch:maxBatch]
		q.pending = q.pending[maxBatch:]
	} else if q.timer == nil {
		q.timer = time.AfterFunc(batchLinger, q.flush)
	}
	q.mu.Unlock()
	if full != nil {
		go q.run(full)
	}
	select {
	case r := <-it.reply:
		return r.resp, r.err
	case <-ctx.Done():
		return batchResponse{}, ctx.Err()
	}
}

// flush sends whatever is pending (the linger timer fired).
func (q *coalescer) flush() {
	q.mu.Lock()
	q.timer = nil
	var items []*pendingItem
	for len(q.pending) > 0 {
		n := min(len(q.pending), maxBatch)
		items = q.pending[:n:n]
		q.pending = q.pending[n:]
		go q.run(items)
	}
	q.mu.Unlock()
}

// run sends one batch and hands every item its answer.
func (q *coalescer) run(items []*pendingItem) {
	// Requests whose caller has gone (run interrupted) are not sent.
	live := items[:0:0]
	for _, it := range items {
		if it.ctx.Err() != nil {
			it.reply <- batchReply{err: it.ctx.Err()}
			continue
		}
		live = append(live, it)
	}
	if len(live) == 0 {
		return
	}
	// The batch carries the priority of its (bulk) requests.
	ctx := context.WithoutCancel(live[0].ctx)
	// The envelope's request-id is no item's: each item notes its own.
	ctx = context.WithValue(ctx, requestTraceKey{}, (*requestTrace)(nil))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(live[0].ctx, cancel)
	defer stop()
	booked := 0
	for _, it := range live {
		if !it.req.unbooked {
			booked++
		}
	}
	if q.pacer != nil && booked > 0 {
		if err := q.pacer.Wait(ctx, booked); err != nil {
			for _, it := range live {
				it.reply <- batchReply{err: err}
			}
			return
		}
	}
	reqs := make([]batchRequest, len(live))
	for i, it := range live {
		reqs[i] = it.req
		if reqs[i].Headers == nil {
			reqs[i].Headers = map[string]string{}
		}
		reqs[i].Headers["x-ms-throttle-priority"] = string(graph.PriorityFrom(it.ctx))
	}
	resps, err := q.send(ctx, reqs)
	maxPct := 0.0
	for _, it := range live {
		if err != nil {
			it.reply <- batchReply{err: err}
			continue
		}
		r, ok := resps[it.req.ID]
		if !ok {
			it.reply <- batchReply{err: &graph.Error{Kind: graph.ErrUnavailable, Status: http.StatusOK,
				Message: "Graph's $batch answer left out request " + it.req.ID}}
			continue
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(r.header("x-ms-throttle-limit-percentage")), 64); err == nil && f > maxPct && f < 100 {
			maxPct = f
		}
		it.reply <- batchReply{resp: r}
	}
	if q.gauge != nil {
		q.gauge(maxPct)
	}
}

// batchLookup is ResolveUser as one item of a coalesced $batch:
// GET /users/{id | userPrincipalName}?$select=... (user-get.md), the item's
// own status classified as a plain call's would be.
func (c *MSGraph) batchLookup(ctx context.Context, q *coalescer, key string) (graph.User, error) {
	key = strings.TrimSpace(key)
	op := "look up user " + graph.CleanText(key)
	if err := graph.CheckUserKey(op, key); err != nil {
		return graph.User{}, err
	}
	r, err := q.do(ctx, batchRequest{Method: http.MethodGet,
		URL: "/users/" + pathSeg(key) + "?$select=" + strings.Join(userDetailSelect, ",")})
	if err == nil {
		err = itemError(op, opRead, r, c.now())
	}
	if err != nil {
		if ge, ok := graph.AsError(err); ok && ge.Op == "" {
			cp := *ge
			cp.Op = op
			return graph.User{}, &cp
		}
		return graph.User{}, err
	}
	unreadable := &graph.Error{Kind: graph.ErrUnavailable, Op: op, Status: r.Status, Message: "unreadable answer from Graph"}
	pn, err := jsonser.NewJsonParseNode(r.Body)
	if err != nil {
		return graph.User{}, unreadable
	}
	v, err := pn.GetObjectValue(models.CreateUserFromDiscriminatorValue)
	u, ok := v.(models.Userable)
	if err != nil || !ok || u.GetId() == nil || *u.GetId() == "" {
		return graph.User{}, unreadable
	}
	return userFrom(u), nil
}
