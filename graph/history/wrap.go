package history

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"

	"github.com/mfadesk/mfadesk/graph"
)

// Meta is what every entry of a session shares.
type Meta struct {
	Tenant   string
	Operator string // UPN, or app id for app-only auth
	Via      string // "tui", "cli reset", ...
	// RequireTicket refuses every change made without a ticket or reason on
	// its context (config ticketRequired). The TUI and CLI ask for one; this
	// makes sure no path forgets to.
	RequireTicket bool
}

// Client is a graph.Client whose every change is recorded in a Log. It
// holds the client it wraps as a Reader and a Writer, never embedding it:
// every change goes through its Apply, which records it whatever its type.
// It passes graph.WriteChecker through to the client it wraps.
type Client struct {
	graph.Reader
	w    graph.Writer
	log  *Log
	meta func(context.Context) Meta

	// upns remembers id -> UPN for users seen through this client (search,
	// resolve), so entries name people without an extra Graph call.
	mu   sync.Mutex
	upns map[string]string
}

var (
	_ graph.Client       = (*Client)(nil)
	_ graph.WriteChecker = (*Client)(nil)
)

// Wrap records every change made through c in log. meta may be nil. Wrap
// outside graph.Guard (history.Wrap(graph.Guard(c, ...), ...)) so refused
// attempts are recorded too.
func Wrap(c graph.Client, log *Log, meta func(context.Context) Meta) *Client {
	if meta == nil {
		meta = func(context.Context) Meta { return Meta{} }
	}
	return &Client{Reader: c, w: c, log: log, meta: meta, upns: map[string]string{}}
}

// Log is the history the client writes to.
func (h *Client) Log() *Log { return h.log }

const maxRemembered = 50_000

func (h *Client) remember(us ...graph.User) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.upns)+len(us) > maxRemembered {
		clear(h.upns)
	}
	for _, u := range us {
		if u.ID != "" && u.UserPrincipalName != "" {
			h.upns[strings.ToLower(u.ID)] = u.UserPrincipalName
		}
	}
}

// target names a user id (or UPN, Graph accepts both) as id + UPN.
func (h *Client) target(userID string) (id, upn string) {
	if strings.Contains(userID, "@") {
		return "", userID
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return userID, h.upns[strings.ToLower(userID)]
}

// record appends one entry; refused marks a change mfadesk itself refused
// (guard refusals are recognised by their error kind).
func (h *Client) record(ctx context.Context, ch graph.ChangeRecord, a graph.Approval, refused bool) error {
	m := h.meta(ctx)
	ticket, checklist := a.Ticket, a.Checklist
	id, upn := ch.UserID, ch.UPN
	if upn == "" {
		id, upn = h.target(ch.UserID)
	}
	e := Entry{
		Tenant: m.Tenant, Operator: m.Operator, Via: m.Via,
		Ticket: ticket, Checklist: checklist,
		UserID: id, UPN: upn, Op: ch.Kind, Detail: ch.Detail,
		Result: ResultOK, RequestID: ch.RequestID,
	}
	if ch.Err != nil {
		e.Result = ResultError
		if refused || errors.Is(ch.Err, graph.ErrReadOnly) || errors.Is(ch.Err, graph.ErrProtected) {
			e.Result = ResultRefused
		}
		e.Error = ch.Err.Error()
		if ge, ok := graph.AsError(ch.Err); ok && ge.RequestID != "" {
			e.RequestID = ge.RequestID
		}
	}
	return h.log.Append(e)
}

// CheckWrite implements graph.WriteChecker: the wrapped client's guard,
// then whether the change could be recorded. (A missing ticket is not
// checked here: the TUI asks CheckWrite before it asks for the ticket.)
func (h *Client) CheckWrite(ctx context.Context, kind graph.WriteKind, userID string) error {
	if wc, ok := h.w.(graph.WriteChecker); ok {
		if err := wc.CheckWrite(ctx, kind, userID); err != nil {
			return err
		}
	}
	return h.logWorks(kind)
}

// ticketMissing refuses a change without a ticket when Meta requires one.
func (h *Client) ticketMissing(ctx context.Context, kind graph.WriteKind, a graph.Approval) error {
	if !h.meta(ctx).RequireTicket {
		return nil
	}
	if a.Ticket != "" {
		return nil
	}
	return &graph.Error{Kind: graph.ErrBadRequest, Op: kind.Describe(),
		Message: "a ticket number or reason is required for every change (ticketRequired in config); no change was made"}
}

// logWorks refuses a change that could not be recorded.
func (h *Client) logWorks(kind graph.WriteKind) error {
	if err := h.log.Err(); err != nil {
		return &graph.Error{Kind: graph.ErrReadOnly, Op: kind.Describe(),
			Message: "the change history cannot be written, so no change is made: " + err.Error()}
	}
	return nil
}

// Apply implements graph.Writer: it runs one change and records it. A
// change whose record cannot be written still returns its own result (it
// has happened); the log is then broken and refuses the next change.
func (h *Client) Apply(ctx context.Context, ch graph.Change) (graph.Result, error) {
	kind, a := ch.Kind(), ch.Reason()
	if err := h.logWorks(kind); err != nil {
		return graph.Result{}, err // a broken log cannot record its own refusal
	}
	rec := graph.ChangeRecord{Kind: kind, UserID: ch.Target(), Detail: ch.Describe()}
	if m, ok := ch.(graph.SendMail); ok && len(m.Mail.To) == 1 {
		rec.UserID = m.Mail.To[0] // a notification is filed under its one recipient
	}
	if err := h.ticketMissing(ctx, kind, a); err != nil {
		rec.Err = err
		h.record(ctx, rec, a, true)
		return graph.Result{}, err
	}
	ctx, tr := withTrace(ctx)
	res, err := h.w.Apply(ctx, ch)
	// Never let a pass or a password into the record, even via an error
	// text.
	secrets := []string{res.TAP.Value, res.Password.Password.Reveal()}
	if rp, ok := ch.(graph.ResetPassword); ok {
		secrets = append(secrets, rp.NewPassword.Reveal())
	}
	rec.Err = err
	for _, s := range secrets {
		if s != "" && rec.Err != nil {
			rec.Err = redactErr{err: rec.Err, secret: s}
		}
	}
	if err == nil && res.TAP.ID != "" {
		rec.Detail = strings.TrimSpace(rec.Detail + "; TAP method " + res.TAP.ID) // its id, never its value
	}
	if err == nil && res.Password.Status != "" {
		rec.Detail = strings.TrimSpace(rec.Detail + "; " + res.Password.Status) // how far Graph got, never the password
	}
	rec.RequestID = res.RequestID
	if rec.RequestID == "" {
		rec.RequestID = tr.last()
	}
	h.record(ctx, rec, a, false)
	return res, err
}

// redactErr hides a secret from the text of err (for the record only; the
// caller gets the original error back).
type redactErr struct {
	err    error
	secret string
}

func (r redactErr) Error() string { return strings.ReplaceAll(r.err.Error(), r.secret, "[redacted]") }
func (r redactErr) Unwrap() error { return r.err }

// Reads that name users feed the id -> UPN memory.

func (h *Client) SearchUsers(ctx context.Context, query string, pageSize int) (graph.Page[graph.User], error) {
	p, err := h.Reader.SearchUsers(ctx, query, pageSize)
	h.remember(p.Items...)
	return p, err
}

func (h *Client) NextUsers(ctx context.Context, next string) (graph.Page[graph.User], error) {
	p, err := h.Reader.NextUsers(ctx, next)
	h.remember(p.Items...)
	return p, err
}

func (h *Client) ResolveUser(ctx context.Context, idOrUPN string) (graph.User, error) {
	u, err := h.Reader.ResolveUser(ctx, idOrUPN)
	if err == nil {
		h.remember(u)
	}
	return u, err
}

// Request ids of successful calls: Graph sends request-id on every answer,
// but a Client call that succeeds returns no error to carry it. Transport
// notes it on the call's context, where do() finds it.

type traceKey struct{}

type trace struct {
	mu sync.Mutex
	id string
}

func withTrace(ctx context.Context) (context.Context, *trace) {
	t := &trace{}
	return context.WithValue(ctx, traceKey{}, t), t
}

func (t *trace) last() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.id
}

// Transport wraps an HTTP transport (nil: http.DefaultTransport) so the
// request-id of every Graph answer reaches the history entry of the change
// that caused it. Give it to msgraph.NewClient:
//
//	msgraph.ClientOptions{HTTPClient: &http.Client{Transport: history.Transport(nil)}}
func Transport(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return transport{rt}
}

type transport struct{ rt http.RoundTripper }

func (t transport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.rt.RoundTrip(req)
	if resp != nil {
		if tr, ok := req.Context().Value(traceKey{}).(*trace); ok {
			id := resp.Header.Get("request-id")
			if id == "" {
				id = resp.Header.Get("client-request-id")
			}
			if id != "" {
				tr.mu.Lock()
				tr.id = id
				tr.mu.Unlock()
			}
		}
	}
	return resp, err
}
