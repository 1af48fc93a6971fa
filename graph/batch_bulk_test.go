package graph

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// batchRequest and batchResponse are the JSON batching wire shapes
// (api-reference: json-batching), as the fake $batch endpoint below reads
// and writes them.
type batchRequest struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	DependsOn []string          `json:"dependsOn,omitempty"`
	Headers   map[string]string `json:"headers,omitempty"`
	Body      json.RawMessage   `json:"body,omitempty"`
}

type batchResponse struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// TestBatchEnvelope checks what goes on the wire: POST /v1.0/$batch with
// Graph's shape, a body-less POST carrying Content-Type and {}, per-item
// answers read by id in any order, per-item 429 with its Retry-After.
func TestBatchEnvelope(t *testing.T) {
	var mu sync.Mutex
	var seen []batchRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1.0/$batch" {
			graphErr(w, 404, "notFound", "unexpected "+r.Method+" "+r.URL.Path, "x")
			return
		}
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || r.Header.Get("x-ms-throttle-priority") != "Low" {
			graphErr(w, 400, "badRequest", "headers", "x")
			return
		}
		var env struct {
			Requests []batchRequest `json:"requests"`
		}
		if err := json.NewDecoder(r.Body).Decode(&env); err != nil || len(env.Requests) > 20 {
			graphErr(w, 400, "badRequest", "body", "x")
			return
		}
		mu.Lock()
		seen = append(seen, env.Requests...)
		mu.Unlock()
		var out []batchResponse
		for _, it := range env.Requests {
			switch {
			case strings.HasSuffix(it.URL, "revokeSignInSessions"):
				out = append(out, batchResponse{ID: it.ID, Status: 200, Body: json.RawMessage(`{"value":true}`)})
			case strings.Contains(it.URL, "throttled"):
				out = append(out, batchResponse{ID: it.ID, Status: 429, Headers: map[string]string{"Retry-After": "7"},
					Body: json.RawMessage(`{"error":{"code":"TooManyRequests","message":"later"}}`)})
			default:
				out = append(out, batchResponse{ID: it.ID, Status: 204})
			}
		}
		slices.Reverse(out)
		b, _ := json.Marshal(map[string]any{"responses": out})
		writeJSON(w, 200, string(b))
	}))
	defer srv.Close()
	c, _ := testClient(t, srv.URL)
	ops := newBulkOps(c, true, nil, Approval{})
	if ops.batch == nil {
		t.Fatal("the msgraph adapter does not batch")
	}
	ctx := WithPriority(context.Background(), PriorityLow)
	var wg sync.WaitGroup
	errs := make([]error, 3)
	wg.Add(3)
	go func() {
		defer wg.Done()
		errs[0] = ops.revoke(ctx, "alice@contoso.com")
	}()
	go func() {
		defer wg.Done()
		errs[1] = ops.del(ctx, "alice@contoso.com", Method{ID: "3179e48a-750b-4051-897c-87b9720928f7", Kind: KindPhone})
	}()
	go func() {
		defer wg.Done()
		errs[2] = ops.del(ctx, "throttled@contoso.com", Method{ID: "m1", Kind: KindFIDO2})
	}()
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	if ge, ok := AsError(errs[2]); !ok || !errors.Is(errs[2], ErrThrottled) || ge.RetryAfter != 7*time.Second || !strings.Contains(ge.Op, "FIDO2") {
		t.Fatalf("throttled item: %#v", errs[2])
	}
	for _, it := range seen {
		if it.Method == http.MethodPost {
			if it.Headers["Content-Type"] != "application/json" || string(it.Body) != "{}" {
				t.Errorf("body-less POST sent as %+v", it)
			}
		}
		if it.Method == http.MethodDelete && it.URL != "/users/alice@contoso.com/authentication/phoneMethods/3179e48a-750b-4051-897c-87b9720928f7" &&
			it.URL != "/users/throttled@contoso.com/authentication/fido2Methods/m1" {
			t.Errorf("url %s", it.URL)
		}
	}
	if len(seen) != 3 {
		t.Errorf("%d items sent", len(seen))
	}
}

// TestBatchGuardAndHistory: a change sent inside a batch goes through the
// outer client's Apply like a direct one: the guard refuses first (a
// refusal sends nothing) and the recorder around it sees the change with
// its item's request-id.
func TestBatchGuardAndHistory(t *testing.T) {
	batchesSent := 0 // read after the calls return
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet { // the guard looking up its protected user
			writeJSON(w, 200, `{"id":"00000000-0000-0000-0000-0000000000aa","userPrincipalName":"breakglass@contoso.com"}`)
			return
		}
		batchesSent++
		var env struct {
			Requests []batchRequest `json:"requests"`
		}
		json.NewDecoder(r.Body).Decode(&env)
		var out []batchResponse
		for _, it := range env.Requests {
			out = append(out, batchResponse{ID: it.ID, Status: 204, Headers: map[string]string{"request-id": "rid-" + it.ID}})
		}
		b, _ := json.Marshal(map[string]any{"responses": out})
		writeJSON(w, 200, string(b))
	}))
	defer srv.Close()
	c, _ := testClient(t, srv.URL)
	g := Guard(c, GuardOptions{ProtectedUsers: []string{"00000000-0000-0000-0000-0000000000aa"}})
	rec := &recordingClient{Reader: g, w: g}
	ops := newBulkOps(rec, true, nil, Approval{Ticket: "INC-1"})
	if ops.batch == nil {
		t.Fatal("the wrapped msgraph adapter does not batch")
	}
	ctx := context.Background()
	err := ops.revoke(ctx, "00000000-0000-0000-0000-0000000000aa")
	if !errors.Is(err, ErrProtected) {
		t.Fatalf("protected user: %v", err)
	}
	if batchesSent != 0 {
		t.Fatalf("a batch was sent for a protected user")
	}
	if err := ops.del(ctx, "bob@contoso.com", Method{ID: "m2", Kind: KindEmail, Detail: "b***@x.com"}); err != nil {
		t.Fatal(err)
	}
	if len(rec.changes) != 2 || !errors.Is(rec.changes[0].Err, ErrProtected) {
		t.Fatalf("recorded %+v", rec.changes)
	}
	if got := rec.changes[1]; got.Kind != WriteDeleteMethod || got.UserID != "bob@contoso.com" ||
		!strings.HasPrefix(got.RequestID, "rid-") || !strings.Contains(got.Detail, "email method m2") || got.Err != nil {
		t.Fatalf("recorded %+v", rec.changes)
	}
	if rec.tickets[1] != "INC-1" {
		t.Fatalf("ticket %q", rec.tickets[1])
	}
}

// recordingClient stands in for history.Wrap: it wraps a Writer and
// records every change applied through it.
type recordingClient struct {
	Reader
	w       Writer
	mu      sync.Mutex
	changes []ChangeRecord
	tickets []string
}

func (r *recordingClient) Apply(ctx context.Context, ch Change) (Result, error) {
	res, err := r.w.Apply(ctx, ch)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.changes = append(r.changes, ChangeRecord{Kind: ch.Kind(), UserID: ch.Target(), Detail: ch.Describe(), Err: err, RequestID: res.RequestID})
	r.tickets = append(r.tickets, ch.Reason().Ticket)
	return res, err
}
