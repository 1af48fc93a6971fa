// Package tuitest starts the fake tenant behind the real Graph client for
// the TUI's golden and end-to-end tests, on a fixed clock so what is drawn
// is the same on every run.
package tuitest

import (
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
)

// Now is the fixed clock of golden tests (the fake tenant's data is
// generated relative to it).
var Now = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

// Clock returns Now.
func Clock() time.Time { return Now }

// Client starts the demo tenant (250 users, seed 1, clock Now) on loopback
// and returns the real msgraph client pointed at it. Both stop with the
// test.
func Client(tb testing.TB) (graph.Client, *fake.Server) {
	tb.Helper()
	srv, err := fake.Start(fake.Options{Users: 250, Seed: 1, Now: Clock})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(srv.Close)
	c, err := graph.NewClient(graph.ClientOptions{Endpoint: srv.URL})
	if err != nil {
		tb.Fatal(err)
	}
	return c, srv
}

// Alice is the persona with the most to show (Authenticator default,
// phones, OATH; failed sign-ins 500121 and 50074).
const Alice = "alice.wong@contoso.com"
