package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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
}

// batchResponse is one answer inside a $batch response.
type batchResponse struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
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
		return nil, &Error{Kind: ErrBadRequest, Op: op, Message: err.Error()}
	}
	ri, err := c.rawRequest(abs.POST, root+"/$batch", nil)
	if err != nil {
		return nil, &Error{Kind: ErrBadRequest, Op: op, Message: err.Error()}
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
		return nil, &Error{Kind: ErrUnavailable, Op: op, Status: info.status, RequestID: info.requestID,
			Message: "unreadable $batch answer from Graph"}
	}
	out := make(map[string]batchResponse, len(env.Responses))
	for _, r := range env.Responses {
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
	e := &Error{Op: op, Status: r.Status, RequestID: CleanText(r.header("request-id"))}
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
		e.Code = CleanText(body.Error.Code)
		e.Message = CleanText(body.Error.Message)
		if id := body.Error.InnerError.RequestID; id != "" {
			e.RequestID = CleanText(id)
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
		e.Kind = ErrUnavailable
		e.Message = "not run: a request it depended on failed"
		return e
	}
	classifyStatus(e, kind)
	if e.Message == "" {
		e.Message = fmt.Sprintf("Graph answered %d %s", r.Status, http.StatusText(r.Status))
	}
	return e
}

// batchOps sends the runner's requests in coalesced $batch requests. A TAP
// (never repeated blindly) and a UPN lookup go as plain calls through the
// outer client. The outer client may wrap the MSGraph (graph.Guard,
// history.Wrap): every change sent in a batch is first checked with its
// ChangePrechecker (or WriteChecker) and afterwards reported to its ChangeRecorder, so guard
// rails and the change history see batched changes as they see direct ones.
type batchOps struct {
	outer    Client
	c        *MSGraph
	v1, beta *coalescer
	pct      atomic.Uint64 // float64 bits: highest limit percentage in the last batch
}

// unwrapMSGraph finds the MSGraph inside wrappers that expose Unwrap.
func unwrapMSGraph(c Client) *MSGraph {
	for range 10 {
		switch v := c.(type) {
		case *MSGraph:
			return v
		case interface{ Unwrap() Client }:
			c = v.Unwrap()
		default:
			return nil
		}
	}
	return nil
}

func newBatchOps(outer Client, c *MSGraph, p *Pacer) *batchOps {
	b := &batchOps{outer: outer, c: c}
	b.v1 = &coalescer{send: func(ctx context.Context, r []batchRequest) (map[string]batchResponse, error) {
		return c.sendBatch(ctx, c.v1, r)
	}, pacer: p, gauge: &b.pct}
	b.beta = &coalescer{send: func(ctx context.Context, r []batchRequest) (map[string]batchResponse, error) {
		return c.sendBatch(ctx, c.beta, r)
	}, pacer: p, gauge: &b.pct}
	return b
}

func (b *batchOps) resolve(ctx context.Context, k string) (User, error) {
	return b.outer.ResolveUser(ctx, k)
}

func (b *batchOps) tap(ctx context.Context, id string, r TAPRequest) (TAP, error) {
	return b.outer.CreateTAP(ctx, id, r)
}

// write sends one change in a batch: checked first, recorded after.
func (b *batchOps) write(ctx context.Context, q *coalescer, kind WriteKind, kindOp opKind, userID, op, detail string, req batchRequest) error {
	if err := PrecheckChange(ctx, b.outer, Change{Kind: kind, UserID: userID, Detail: detail}); err != nil {
		return err
	}
	r, err := q.do(ctx, req)
	if err == nil {
		err = itemError(op, kindOp, r, b.c.now())
	}
	err = b.opErr(op, err)
	if ctx.Err() != nil && err != nil {
		return err // interrupted: whether it was sent is unknown; a resume re-lists
	}
	if rec, ok := b.outer.(ChangeRecorder); ok {
		ch := Change{Kind: kind, UserID: userID, Detail: detail, Err: err, RequestID: CleanText(r.header("request-id"))}
		if rerr := rec.RecordChange(ctx, ch); rerr != nil && err == nil {
			return &Error{Kind: ErrReadOnly, Op: op, Message: "the change was made but could not be recorded in the change history: " + rerr.Error()}
		}
	}
	return err
}

func (b *batchOps) list(ctx context.Context, userID string) ([]Method, error) {
	op := "list methods of " + CleanText(userID)
	if err := checkUserKey(op, userID); err != nil {
		return nil, err
	}
	// Through beta, as ListMethods: v1.0 does not list beta-only kinds.
	r, err := b.beta.do(ctx, batchRequest{Method: http.MethodGet, URL: methodsPath(userID)})
	if err == nil {
		err = itemError(op, opMethodsRead, r, b.c.now())
	}
	if err != nil {
		return nil, b.opErr(op, err)
	}
	pn, err := jsonser.NewJsonParseNode(r.Body)
	if err != nil {
		return nil, &Error{Kind: ErrUnavailable, Op: op, Status: r.Status, Message: "unreadable answer from Graph"}
	}
	v, err := pn.GetObjectValue(models.CreateAuthenticationMethodCollectionResponseFromDiscriminatorValue)
	col, ok := v.(models.AuthenticationMethodCollectionResponseable)
	if err != nil || !ok {
		return nil, &Error{Kind: ErrUnavailable, Op: op, Status: r.Status, Message: "unreadable answer from Graph"}
	}
	if col.GetOdataNextLink() != nil {
		// Paged (rare for a user's methods): let the client page it.
		return b.c.listMethods(ctx, userID, false)
	}
	out := make([]Method, 0, len(col.GetValue()))
	for _, m := range col.GetValue() {
		if m != nil {
			out = append(out, methodFrom(m))
		}
	}
	return out, nil
}

// prefs reads the user's sign-in preferences in the beta batch, best
// effort as in ListMethods: unknown gives zero.
func (b *batchOps) prefs(ctx context.Context, userID string) (SignInPreferences, error) {
	if err := checkUserKey("read sign-in preferences of "+CleanText(userID), userID); err != nil {
		return SignInPreferences{}, err
	}
	r, err := b.beta.do(ctx, batchRequest{Method: http.MethodGet,
		URL: "/users/" + pathSeg(userID) + "/authentication/signInPreferences"})
	if err != nil || r.Status != http.StatusOK {
		return SignInPreferences{}, nil
	}
	var v struct {
		Preferred string `json:"userPreferredMethodForSecondaryAuthentication"`
		On        bool   `json:"isSystemPreferredAuthenticationMethodEnabled"`
		System    string `json:"systemPreferredAuthenticationMethod"`
	}
	if json.Unmarshal(r.Body, &v) != nil {
		return SignInPreferences{}, nil
	}
	return SignInPreferences{UserPreferred: CleanText(v.Preferred), SystemPreferredEnabled: v.On, SystemPreferred: CleanText(v.System)}, nil
}

// setDefault makes m the default in the beta batch: beta PATCH
// signInPreferences, as MSGraph.SetDefaultMethod sends it.
func (b *batchOps) setDefault(ctx context.Context, userID string, m Method) error {
	op := "make " + KindLabel(m.Kind) + " the default method of " + CleanText(userID)
	if err := checkUserKey(op, userID); err != nil {
		return err
	}
	pref := PreferenceFor(m)
	if pref == "" {
		return SetDefaultMethod(ctx, b.outer, userID, m) // refused with the client's words
	}
	body, _ := json.Marshal(map[string]string{"userPreferredMethodForSecondaryAuthentication": pref})
	return b.write(ctx, b.beta, WriteSetDefaultMethod, opMethodsWrite, userID, op,
		fmt.Sprintf("default method -> %s %s (%s)", m.Kind, m.ID, pref),
		batchRequest{Method: http.MethodPatch, URL: "/users/" + pathSeg(userID) + "/authentication/signInPreferences",
			Headers: map[string]string{"Content-Type": "application/json"}, Body: body})
}

func (b *batchOps) del(ctx context.Context, userID string, m Method) error {
	op := fmt.Sprintf("delete %s method %s of %s", KindLabel(m.Kind), CleanText(m.ID), CleanText(userID))
	if err := checkUserKey(op, userID); err != nil {
		return err
	}
	if err := checkMethodID(op, m.ID); err != nil {
		return err
	}
	seg, ok := kindSegment[m.Kind]
	if !ok || !m.Deletable() {
		return b.outer.DeleteMethod(ctx, userID, m) // refused locally, with the client's words
	}
	q := b.v1
	if m.Kind == KindHardwareOath {
		q = b.beta
	}
	detail := fmt.Sprintf("%s method %s", m.Kind, m.ID)
	if d := strings.TrimSpace(m.Detail); d != "" {
		detail += " (" + d + ")"
	}
	if m.IsDefault {
		detail += ", default"
	}
	return b.write(ctx, q, WriteDeleteMethod, opMethodsWrite, userID, op, detail, batchRequest{Method: http.MethodDelete,
		URL: "/users/" + pathSeg(userID) + "/authentication/" + seg + "/" + pathSeg(m.ID)})
}

func (b *batchOps) revoke(ctx context.Context, userID string) error {
	op := "revoke sign-in sessions of " + CleanText(userID)
	if err := checkUserKey(op, userID); err != nil {
		return err
	}
	// A body-less POST inside a batch still needs a Content-Type and {}.
	return b.write(ctx, b.v1, WriteRevokeSessions, opRevoke, userID, op, "", batchRequest{Method: http.MethodPost,
		URL:     "/users/" + pathSeg(userID) + "/revokeSignInSessions",
		Headers: map[string]string{"Content-Type": "application/json"}, Body: json.RawMessage(`{}`)})
}

func (b *batchOps) setMFA(ctx context.Context, userID string, s PerUserMFAState) error {
	op := fmt.Sprintf("set per-user MFA of %s to %s", CleanText(userID), CleanText(string(s)))
	if err := checkUserKey(op, userID); err != nil {
		return err
	}
	if _, err := ParsePerUserMFAState(string(s)); err != nil {
		return &Error{Kind: ErrBadRequest, Op: op, Message: err.Error()}
	}
	body, _ := json.Marshal(map[string]string{"perUserMfaState": string(s)})
	return b.write(ctx, b.beta, WriteSetPerUserMFA, opPerUserMFAWrite, userID, op, "per-user MFA -> "+string(s),
		batchRequest{Method: http.MethodPatch, URL: requirementsPath(userID),
			Headers: map[string]string{"Content-Type": "application/json"}, Body: body})
}

// opErr names the operation in an envelope-level error.
func (b *batchOps) opErr(op string, err error) error {
	if err == nil {
		return nil
	}
	if ge, ok := AsError(err); ok && ge.Op != op {
		cp := *ge
		cp.Op = op
		return &cp
	}
	return err
}

func (b *batchOps) cost(string) int { return 1 }

// paced: the coalescer books the pacer per batch for what it sends; a
// lookup or a TAP goes as a plain call, booked by the runner.
func (b *batchOps) paced(step string) bool { return step != stepResolve && step != stepTAP }

func (b *batchOps) limitPct() float64 {
	return max(b.c.ThrottleLimitPercentage(), math.Float64frombits(b.pct.Load()))
}

func (b *batchOps) close() {}

// coalescer gathers requests from many goroutines into batches of up to
// maxBatch: a batch goes when it is full or batchLinger after its first
// request, so nobody waits long for company.
type coalescer struct {
	send  func(context.Context, []batchRequest) (map[string]batchResponse, error)
	pacer *Pacer
	gauge *atomic.Uint64

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
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(live[0].ctx, cancel)
	defer stop()
	if q.pacer != nil {
		if err := q.pacer.Wait(ctx, len(live)); err != nil {
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
		reqs[i].Headers["x-ms-throttle-priority"] = string(PriorityFrom(it.ctx))
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
			it.reply <- batchReply{err: &Error{Kind: ErrUnavailable, Status: http.StatusOK,
				Message: "Graph's $batch answer left out request " + it.req.ID}}
			continue
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(r.header("x-ms-throttle-limit-percentage")), 64); err == nil && f > maxPct && f < 100 {
			maxPct = f
		}
		it.reply <- batchReply{resp: r}
	}
	if q.gauge != nil {
		q.gauge.Store(math.Float64bits(maxPct))
	}
}
