package graph

import (
	"context"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph/fake"
)

// BenchmarkPerUserColumn reads the per-user MFA state of 1,000 users (the
// report's column) against the fake enforcing Graph's documented budgets
// at their real rate (a 1,001-user tenant: 8,000 resource units per 10 s
// for directory reads) with 2 ms of latency per request, and reports the
// requests made at the fake (batches and the reads inside them) and the
// 429s. Wall time per read of all 1,000 is the ns/op.
func BenchmarkPerUserColumn(b *testing.B) {
	for _, batch := range []bool{true, false} {
		name := "batched"
		if !batch {
			name = "plain"
		}
		b.Run(name, func(b *testing.B) {
			td := perUserTenant(1000)
			srv, err := fake.Start(fake.Options{Data: td, DocumentedBudgets: 1, Latency: 2 * time.Millisecond})
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			c := bulkClient(b, srv)
			var cl Client = c
			if !batch {
				cl = noBatching{c}
			}
			ids := bulkTargets(td)
			before := srv.Tenant.Stats()
			b.ResetTimer()
			for range b.N {
				res := ReadPerUserMFA(context.Background(), cl, ids, PerUserReadOptions{})
				for _, r := range res {
					if r.Err != nil {
						b.Fatal(r.Err)
					}
				}
			}
			b.StopTimer()
			st := srv.Tenant.Stats()
			n := float64(b.N)
			// Total counts every batch item and every envelope.
			b.ReportMetric(float64(st.Total-st.BatchItems-before.Total+before.BatchItems)/n, "http-requests/op")
			b.ReportMetric(float64(st.Requests["POST /$batch"]-before.Requests["POST /$batch"])/n, "batches/op")
			b.ReportMetric(float64(st.Requests["GET /users/{id}/authentication/requirements"]-before.Requests["GET /users/{id}/authentication/requirements"])/n, "reads/op")
			b.ReportMetric(float64(st.Injected429()+st.BudgetThrottled-before.Injected429()-before.BudgetThrottled)/n, "429s/op")
		})
	}
}

// noBatching hides the adapter's batching: every read a plain call.
type noBatching struct{ Client }

func (n noBatching) Traits() Traits { t := n.Client.Traits(); t.Batches = false; return t }
