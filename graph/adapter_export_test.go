package graph

import (
	"context"
	"net/http"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
)

// The msgraph adapter (graph/msgraph) imports this package, so this
// package's internal tests cannot import it. They reach the real client
// through NewClient, which adapter_hook_test.go (package graph_test, linked
// into the same test binary) sets to msgraph.NewClient.

// ClientOptions are the msgraph.ClientOptions these tests set.
type ClientOptions struct {
	Endpoint             string
	Credential           azcore.TokenCredential
	HTTPClient           *http.Client
	MaxRetries           int
	RequestTimeout       time.Duration
	OnThrottle           func(retryAfter time.Duration)
	ReportsPerTenSeconds int
	Sleep                func(ctx context.Context, d time.Duration) error
}

// MSGraph is the real client as these tests use it.
type MSGraph = Client

// NewClient is msgraph.NewClient, set by adapter_hook_test.go.
var NewClient func(ClientOptions) (MSGraph, error)
