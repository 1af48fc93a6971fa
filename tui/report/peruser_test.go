package report

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/internal/tuitest"
	"github.com/mfadesk/mfadesk/tui/internal/marks"
)

// loadedFrom is the report loaded through its own loader from c.
func loadedFrom(t *testing.T, c graph.Client) Model {
	t.Helper()
	m := New(marks.New(), tuitest.Clock, time.UTC)
	m.SetSource(context.Background(), c)
	cmd := m.Load()
	for cmd != nil {
		msg := cmd().(PageMsg)
		_, cmd, _ = m.OnPage(msg)
	}
	return m
}

// drainPerUser runs the per-user reads to the end, as the console would.
func drainPerUser(m *Model, cmd func() any) {
	for cmd != nil {
		next := m.OnPerUser(cmd().(PerUserMsg))
		if next == nil {
			return
		}
		cmd = func() any { return next() }
	}
}

// M reads every loaded user's per-user MFA state, 20 to a $batch (counted
// at the fake), fills the column, and then cycles a filter on it.
func TestPerUserColumn(t *testing.T) {
	c, srv := tuitest.Client(t)
	m := loadedFrom(t, c)
	n := len(m.regs)
	before := srv.Tenant.Stats()
	if m.PerUserShown() || strings.Contains(render(m, 138, 8), "Per-user") {
		t.Fatal("the column is there before it was asked for")
	}
	cmd, note := m.PerUserKey()
	if cmd == nil || !strings.Contains(note, "Reading the per-user MFA state") {
		t.Fatalf("M: %q", note)
	}
	if !m.PerUserReading() {
		t.Error("not reading")
	}
	drainPerUser(&m, func() any { return cmd() })
	if m.PerUserReading() {
		t.Fatal("still reading")
	}
	st := srv.Tenant.Stats()
	reads := st.Requests["GET /users/{id}/authentication/requirements"] - before.Requests["GET /users/{id}/authentication/requirements"]
	batches := st.Requests["POST /$batch"] - before.Requests["POST /$batch"]
	if reads != n || batches < (n+19)/20 || batches > (n+19)/20+5 {
		t.Errorf("%d users: %d reads in %d batches", n, reads, batches)
	}
	// Every row shows what the tenant holds.
	want := map[puState]int{}
	for i, r := range m.regs {
		got := m.puAt(int32(i))
		if exp := puOf(graph.PerUserMFAState(srv.Tenant.PerUserMFA(r.ID))); got != exp {
			t.Fatalf("%s: %v, want %v", r.UserPrincipalName, got, exp)
		}
		want[got]++
	}
	for _, f := range []PerUserFilter{PerUserDisabled, PerUserEnabled, PerUserEnforced, PerUserAny} {
		m.PerUserKey()
		if m.PerUserFilter() != f {
			t.Fatalf("filter %v, want %v", m.PerUserFilter(), f)
		}
		exp := n
		if f != PerUserAny {
			exp = want[puState(f)]
		}
		if m.Shown() != exp {
			t.Errorf("filter %s shows %d, want %d", f.Label(), m.Shown(), exp)
		}
	}
	m.SortBy(columnPerUser)
	m.SortBy(columnPerUser) // enforced first
	m.PerUserKey()          // disabled ones hidden... cycle to enforced
	m.PerUserKey()
	m.PerUserKey()
	t.Run("enforced", func(t *testing.T) { golden.RequireEqual(t, render(m, 118, 12)) })
	// A refresh drops it.
	m.Reset()
	if m.PerUserShown() || m.PerUserFilter() != PerUserAny {
		t.Error("the column outlived a refresh")
	}
}

// Reads refused for want of a role stop at the first refusal: the rows
// say so, and the report stays.
func TestPerUserColumnDenied(t *testing.T) {
	c, _ := tuitest.Client(t)
	d := &deniedReads{Client: c}
	m := loadedFrom(t, d)
	cmd, _ := m.PerUserKey()
	drainPerUser(&m, func() any { return cmd() })
	out := render(m, 118, 10)
	if !strings.Contains(out, "unread") || m.Shown() != len(m.regs) {
		t.Errorf("no refusal shown, or rows lost:\n%s", out)
	}
	if n := d.calls.Load(); n >= int64(len(m.regs)) {
		t.Errorf("%d reads for %d users: the refusal did not stop them", n, len(m.regs))
	}
}

// deniedReads refuses every per-user read as a role without it is.
type deniedReads struct {
	graph.Client
	calls atomic.Int64
}

func (d *deniedReads) Traits() graph.Traits { return graph.Traits{} }

func (d *deniedReads) PerUserMFA(context.Context, string) (graph.PerUserMFAState, error) {
	d.calls.Add(1)
	return "", &graph.Error{Kind: graph.ErrDenied, Status: 403, Op: "read per-user MFA state", Message: "Insufficient privileges to complete the operation."}
}
