package graph_test

import (
	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/msgraph"
)

// The internal tests of package graph run against the real adapter, which
// they cannot import (msgraph imports graph): this external test file,
// linked into the same test binary, hands it to them.
func init() {
	graph.NewClient = func(o graph.ClientOptions) (graph.MSGraph, error) {
		return msgraph.NewClient(msgraph.ClientOptions{
			Endpoint:             o.Endpoint,
			Credential:           o.Credential,
			HTTPClient:           o.HTTPClient,
			MaxRetries:           o.MaxRetries,
			RequestTimeout:       o.RequestTimeout,
			OnThrottle:           o.OnThrottle,
			ReportsPerTenSeconds: o.ReportsPerTenSeconds,
			Sleep:                o.Sleep,
		})
	}
}
