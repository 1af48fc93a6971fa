package msgraph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph"
)

func TestBatchItemError(t *testing.T) {
	now := time.Now()
	body := func(code, msg, rid string) json.RawMessage {
		b, _ := json.Marshal(map[string]any{"error": map[string]any{"code": code, "message": msg,
			"innerError": map[string]string{"request-id": rid}}})
		return b
	}
	tests := []struct {
		name string
		r    batchResponse
		kind error
		ra   time.Duration
		rid  string
	}{
		{"ok", batchResponse{Status: 204}, nil, 0, ""},
		{"throttled", batchResponse{Status: 429, Headers: map[string]string{"retry-after": "2.5"}, Body: body("TooManyRequests", "slow down", "r1")}, graph.ErrThrottled, 2500 * time.Millisecond, "r1"},
		{"throttled no body", batchResponse{Status: 429, Headers: map[string]string{"Retry-After": "3", "request-id": "h1"}}, graph.ErrThrottled, 3 * time.Second, "h1"},
		{"gone", batchResponse{Status: 404, Body: body("itemNotFound", "nope", "r2")}, graph.ErrNotFound, 0, "r2"},
		{"default rule", batchResponse{Status: 400, Body: body("badRequest", "Cannot delete default method with other methods configured.", "r3")}, graph.ErrConflict, 0, "r3"},
		{"denied", batchResponse{Status: 403, Body: body("accessDenied", "no", "r4")}, graph.ErrDenied, 0, "r4"},
		{"dependency", batchResponse{Status: 424}, graph.ErrUnavailable, 0, ""},
		{"unavailable", batchResponse{Status: 503, Headers: map[string]string{"Retry-After": "1"}}, graph.ErrUnavailable, time.Second, ""},
		{"hostile text", batchResponse{Status: 400, Body: body("x\x1b[31m", "bad\x1b]52;c;AAAA\x07 request", "r5")}, graph.ErrBadRequest, 0, "r5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := itemError("op", opMethodsWrite, tt.r, now)
			if tt.kind == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			ge, ok := graph.AsError(err)
			if !ok || !errors.Is(err, tt.kind) || ge.RetryAfter != tt.ra || ge.RequestID != tt.rid || ge.Status != tt.r.Status {
				t.Fatalf("%#v", err)
			}
			if strings.ContainsAny(ge.Message+ge.Code, "\x1b\x07") {
				t.Errorf("control characters kept: %q", ge.Message)
			}
		})
	}
}

// TestCoalescer: concurrent requests share batches of at most 20, each gets
// its own answer back although the batch answers in any order.
func TestCoalescer(t *testing.T) {
	var mu sync.Mutex
	var sizes []int
	q := &coalescer{send: func(ctx context.Context, reqs []batchRequest) (map[string]batchResponse, error) {
		mu.Lock()
		sizes = append(sizes, len(reqs))
		mu.Unlock()
		out := map[string]batchResponse{}
		ids := map[string]bool{}
		for _, r := range reqs {
			if ids[r.ID] {
				t.Errorf("duplicate id %s in one batch", r.ID)
			}
			ids[r.ID] = true
			if r.Headers["x-ms-throttle-priority"] != "Low" {
				t.Errorf("priority %q", r.Headers["x-ms-throttle-priority"])
			}
			// Echo the URL back so the caller can check it got its own.
			b, _ := json.Marshal(map[string]string{"url": r.URL})
			out[r.ID] = batchResponse{ID: r.ID, Status: 200, Body: b}
		}
		return out, nil
	}}
	ctx := graph.WithPriority(context.Background(), graph.PriorityLow)
	var wg sync.WaitGroup
	for i := range 45 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			url := fmt.Sprintf("/users/u%d/authentication/methods", i)
			r, err := q.do(ctx, batchRequest{Method: "GET", URL: url})
			if err != nil {
				t.Error(err)
				return
			}
			var got map[string]string
			json.Unmarshal(r.Body, &got)
			if got["url"] != url {
				t.Errorf("asked %s, got the answer for %s", url, got["url"])
			}
		}()
	}
	wg.Wait()
	total := 0
	for _, n := range sizes {
		if n > maxBatch {
			t.Errorf("batch of %d", n)
		}
		total += n
	}
	if total != 45 || len(sizes) < 3 {
		t.Errorf("batches %v", sizes)
	}
}

func TestCoalescerMissingAnswerAndEnvelopeFailure(t *testing.T) {
	fail := false
	q := &coalescer{send: func(ctx context.Context, reqs []batchRequest) (map[string]batchResponse, error) {
		if fail {
			return nil, &graph.Error{Kind: graph.ErrUnavailable, Message: "connection reset"}
		}
		return map[string]batchResponse{}, nil // answers nothing
	}}
	_, err := q.do(context.Background(), batchRequest{Method: "GET", URL: "/x"})
	if !errors.Is(err, graph.ErrUnavailable) {
		t.Fatalf("missing answer: %v", err)
	}
	fail = true
	_, err = q.do(context.Background(), batchRequest{Method: "GET", URL: "/x"})
	if !errors.Is(err, graph.ErrUnavailable) {
		t.Fatalf("envelope failure: %v", err)
	}
}
