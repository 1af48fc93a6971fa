package history

import (
	"context"
	"errors"
	"fmt"
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

type ticketKey struct{}

type ticketInfo struct {
	ticket    string
	checklist []string
}

// WithTicket attaches the ticket (or reason) and the confirmed
// identity-verification checklist lines to every change made with ctx.
func WithTicket(ctx context.Context, ticket string, checklist []string) context.Context {
	return context.WithValue(ctx, ticketKey{}, ticketInfo{ticket: strings.TrimSpace(ticket), checklist: append([]string(nil), checklist...)})
}

// TicketFrom returns what WithTicket attached.
func TicketFrom(ctx context.Context) (ticket string, checklist []string) {
	ti, _ := ctx.Value(ticketKey{}).(ticketInfo)
	return ti.ticket, ti.checklist
}

// Client is a graph.Client whose every change is recorded in a Log.
// It also implements graph.ChangeRecorder (for changes sent outside the
// Client, e.g. inside a $batch) and passes graph.WriteChecker and
// graph.GroupMemberLister through to the client it wraps.
type Client struct {
	graph.Client
	log  *Log
	meta func(context.Context) Meta

	// upns remembers id -> UPN for users seen through this client (search,
	// resolve), so entries name people without an extra Graph call.
	mu   sync.Mutex
	upns map[string]string
}

var (
	_ graph.Client           = (*Client)(nil)
	_ graph.ChangeRecorder   = (*Client)(nil)
	_ graph.ChangePrechecker = (*Client)(nil)
	_ graph.WriteChecker     = (*Client)(nil)
)

// Wrap records every change made through c in log. meta may be nil. Wrap
// outside graph.Guard (history.Wrap(graph.Guard(c, ...), ...)) so refused
// attempts are recorded too.
func Wrap(c graph.Client, log *Log, meta func(context.Context) Meta) *Client {
	if meta == nil {
		meta = func(context.Context) Meta { return Meta{} }
	}
	return &Client{Client: c, log: log, meta: meta, upns: map[string]string{}}
}

// Unwrap returns the wrapped client.
func (h *Client) Unwrap() graph.Client { return h.Client }

// Log is the history the client writes to.
func (h *Client) Log() *Log { return h.log }

const maxRemembered = 50_000

// RememberUsers implements graph.UserRememberer: users looked up around
// this client (batched target lookups) still name their history entries.
func (h *Client) RememberUsers(us ...graph.User) { h.remember(us...) }

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

// RecordChange implements graph.ChangeRecorder.
func (h *Client) RecordChange(ctx context.Context, ch graph.Change) error {
	return h.record(ctx, ch, false)
}

// record appends one entry; refused marks a change mfadesk itself refused
// (guard refusals are recognised by their error kind).
func (h *Client) record(ctx context.Context, ch graph.Change, refused bool) error {
	m := h.meta(ctx)
	ticket, checklist := TicketFrom(ctx)
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
	if err := graph.CheckWrite(ctx, h.Client, kind, userID); err != nil {
		return err
	}
	return h.logWorks(kind)
}

// PrecheckChange implements graph.ChangePrechecker: what do checks before
// a direct call, for a change about to be sent in a $batch: the log works,
// the guard allows it, and a ticket is on ctx when one is required. A
// refusal is recorded, as do records it.
func (h *Client) PrecheckChange(ctx context.Context, ch graph.Change) error {
	if err := h.logWorks(ch.Kind); err != nil {
		return err // a broken log cannot record its own refusal
	}
	err := graph.CheckWrite(ctx, h.Client, ch.Kind, ch.UserID)
	if err == nil {
		err = h.ticketMissing(ctx, ch.Kind)
	}
	if err != nil {
		ch.Err, ch.RequestID = err, ""
		h.record(ctx, ch, true)
	}
	return err
}

// ticketMissing refuses a change without a ticket when Meta requires one.
func (h *Client) ticketMissing(ctx context.Context, kind graph.WriteKind) error {
	if !h.meta(ctx).RequireTicket {
		return nil
	}
	if t, _ := TicketFrom(ctx); t != "" {
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

// do runs one change and records it. A change whose record cannot be
// written still returns its own result (it has happened); the log is then
// broken and refuses the next change.
func (h *Client) do(ctx context.Context, kind graph.WriteKind, userID, detail string, call func(context.Context) (string, error)) error {
	if err := h.logWorks(kind); err != nil {
		return err // a broken log cannot record its own refusal
	}
	if err := h.ticketMissing(ctx, kind); err != nil {
		h.record(ctx, graph.Change{Kind: kind, UserID: userID, Detail: detail, Err: err}, true)
		return err
	}
	ctx, tr := withTrace(ctx)
	extra, err := call(ctx)
	if extra != "" {
		detail = strings.TrimSpace(detail + "; " + extra)
	}
	h.record(ctx, graph.Change{Kind: kind, UserID: userID, Detail: detail, Err: err, RequestID: tr.last()}, false)
	return err
}

func (h *Client) DeleteMethod(ctx context.Context, userID string, m graph.Method) error {
	detail := fmt.Sprintf("%s method %s", m.Kind, m.ID)
	if d := strings.TrimSpace(m.Detail); d != "" {
		detail += " (" + d + ")"
	}
	if m.IsDefault {
		detail += ", default"
	}
	return h.do(ctx, graph.WriteDeleteMethod, userID, detail, func(ctx context.Context) (string, error) {
		return "", h.Client.DeleteMethod(ctx, userID, m)
	})
}

func (h *Client) RevokeSessions(ctx context.Context, userID string) error {
	return h.do(ctx, graph.WriteRevokeSessions, userID, "", func(ctx context.Context) (string, error) {
		return "", h.Client.RevokeSessions(ctx, userID)
	})
}

func (h *Client) CreateTAP(ctx context.Context, userID string, req graph.TAPRequest) (graph.TAP, error) {
	detail := "policy default lifetime"
	if req.LifetimeMinutes > 0 {
		detail = fmt.Sprintf("lifetime %d min", req.LifetimeMinutes)
	}
	if req.IsUsableOnce {
		detail += ", one-time"
	}
	if !req.Start.IsZero() {
		detail += ", from " + req.Start.UTC().Format("2006-01-02 15:04Z")
	}
	var tap graph.TAP
	err := h.do(ctx, graph.WriteCreateTAP, userID, detail, func(ctx context.Context) (string, error) {
		var err error
		tap, err = h.Client.CreateTAP(ctx, userID, req)
		if err != nil && tap.Value != "" {
			// Never let the pass into the record, even via an error text.
			err = redactErr{err: err, secret: tap.Value}
		}
		if err != nil || tap.ID == "" {
			return "", err
		}
		return "TAP method " + tap.ID, nil // its id, never its value
	})
	if re, ok := err.(redactErr); ok {
		err = re.err
	}
	return tap, err
}

// redactErr hides a secret from the text of err (for the record only; the
// caller gets the original error back).
type redactErr struct {
	err    error
	secret string
}

func (r redactErr) Error() string { return strings.ReplaceAll(r.err.Error(), r.secret, "[redacted]") }
func (r redactErr) Unwrap() error { return r.err }

func (h *Client) SetPerUserMFA(ctx context.Context, userID string, s graph.PerUserMFAState) error {
	return h.do(ctx, graph.WriteSetPerUserMFA, userID, "per-user MFA -> "+string(s), func(ctx context.Context) (string, error) {
		return "", h.Client.SetPerUserMFA(ctx, userID, s)
	})
}

func (h *Client) SendMail(ctx context.Context, m graph.Mail) error {
	// Recipients and subject only: a body is the template's business.
	detail := "to " + strings.Join(m.To, ", ") + ": " + m.Subject
	if m.From != "" {
		detail = "from " + m.From + " " + detail
	}
	target := ""
	if len(m.To) == 1 {
		target = m.To[0]
	}
	return h.do(ctx, graph.WriteSendMail, target, detail, func(ctx context.Context) (string, error) {
		return "", h.Client.SendMail(ctx, m)
	})
}

// Reads that name users feed the id -> UPN memory.

func (h *Client) SearchUsers(ctx context.Context, query string, pageSize int) (graph.Page[graph.User], error) {
	p, err := h.Client.SearchUsers(ctx, query, pageSize)
	h.remember(p.Items...)
	return p, err
}

func (h *Client) NextUsers(ctx context.Context, next string) (graph.Page[graph.User], error) {
	p, err := h.Client.NextUsers(ctx, next)
	h.remember(p.Items...)
	return p, err
}

func (h *Client) ResolveUser(ctx context.Context, idOrUPN string) (graph.User, error) {
	u, err := h.Client.ResolveUser(ctx, idOrUPN)
	if err == nil {
		h.remember(u)
	}
	return u, err
}

// GroupMembers passes through, so a Guard outside this wrapper still works.
func (h *Client) GroupMembers(ctx context.Context, groupID string) ([]graph.User, error) {
	if l, ok := h.Client.(graph.GroupMemberLister); ok {
		return l.GroupMembers(ctx, groupID)
	}
	return nil, &graph.Error{Kind: graph.ErrBadRequest, Op: "list members of group " + graph.CleanText(groupID), Message: "this client cannot list group members"}
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
// that caused it. Give it to graph.NewClient:
//
//	graph.ClientOptions{HTTPClient: &http.Client{Transport: history.Transport(nil)}}
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

// SetDefaultMethod records a change of the user's default method.
func (h *Client) SetDefaultMethod(ctx context.Context, userID string, m graph.Method) error {
	detail := fmt.Sprintf("default method -> %s %s (%s)", m.Kind, m.ID, graph.PreferenceFor(m))
	return h.do(ctx, graph.WriteSetDefaultMethod, userID, detail, func(ctx context.Context) (string, error) {
		return "", graph.SetDefaultMethod(ctx, h.Client, userID, m)
	})
}
