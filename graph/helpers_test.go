package graph

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/internal/graphtest"
)

// The canned server, Graph's bodies, the fixed credential and JWTs are
// shared with the other side of the adapter's tests (internal/graphtest).
type (
	recorded   = graphtest.Request
	staticCred = graphtest.StaticCred
)

type canned struct{ *graphtest.Canned }

func newCanned(t *testing.T, h http.HandlerFunc) *canned {
	t.Helper()
	return &canned{graphtest.NewCanned(t, h)}
}

func (c *canned) requests() []recorded { return c.Requests() }
func (c *canned) count() int           { return c.Count() }

var (
	writeJSON = graphtest.WriteJSON
	graphErr  = graphtest.GraphErr
	makeJWT   = graphtest.MakeJWT
)

// waits records the retry waits a client asked for instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

// testClient builds a client on endpoint with retries that never sleep
// and no reports pacing (reports_pacer_test.go tests that).
func testClient(t *testing.T, endpoint string, mod ...func(*ClientOptions)) (MSGraph, *waits) {
	t.Helper()
	w := &waits{}
	opts := ClientOptions{Endpoint: endpoint, ReportsPerTenSeconds: -1, Sleep: func(ctx context.Context, d time.Duration) error {
		w.mu.Lock()
		w.d = append(w.d, d)
		w.mu.Unlock()
		return ctx.Err()
	}}
	for _, m := range mod {
		m(&opts)
	}
	c, err := NewClient(opts)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c, w
}

const (
	aliceID = "11111111-2222-3333-4444-555555555555"
	bobID   = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
)

// errOf and tapOf adapt Apply's answer for tests written against the one
// value they check.
func errOf(_ Result, err error) error { return err }

func tapOf(r Result, err error) (TAP, error) { return r.TAP, err }
