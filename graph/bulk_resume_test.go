package graph

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

// 15.1: a journal is resumed only in its own tenant (and by its operator
// unless told otherwise); a refused resume sends nothing and writes nothing.
func TestResumeRefusesOtherTenant(t *testing.T) {
	ten, targets := mixedTenant(12)
	path := filepath.Join(t.TempDir(), "j.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	opts := fastOpts(path)
	opts.TenantID, opts.Operator = "tenant-a", "op@contoso.com"
	n := 0
	opts.OnEvent = func(e Event) {
		if e.Kind == EventDone || e.Kind == EventSkipped {
			if n++; n == 3 {
				cancel()
			}
		}
	}
	if _, err := RunBulk(ctx, ten, Operation{Kind: OpReset}, targets, opts); !errors.Is(err, ErrBulkInterrupted) {
		t.Fatalf("first run: %v", err)
	}
	st, err := ReadJournal(path)
	if err != nil || st.Run.TenantID != "tenant-a" || st.Run.Endpoint != "https://graph.test" || st.Run.Operator != "op@contoso.com" {
		t.Fatalf("header %+v, %v", st.Run, err)
	}
	calls := func() int { ten.mu.Lock(); defer ten.mu.Unlock(); return ten.calls }
	before := calls()
	for _, c := range []struct {
		name string
		mod  func(*BulkOptions)
		want error
	}{
		{"other tenant", func(o *BulkOptions) { o.TenantID = "tenant-b" }, ErrOtherTenant},
		{"no tenant id", func(o *BulkOptions) { o.TenantID = "" }, ErrOtherTenant},
		{"other endpoint", func(o *BulkOptions) { o.Endpoint = "http://127.0.0.1:9" }, ErrOtherTenant},
		{"other tenant, other operator allowed", func(o *BulkOptions) { o.TenantID, o.OtherOperator = "tenant-b", true }, ErrOtherTenant},
		{"other operator", func(o *BulkOptions) { o.Operator = "eve@contoso.com" }, ErrOtherOperator},
	} {
		o := fastOpts("")
		o.TenantID, o.Operator = "tenant-a", "op@contoso.com"
		c.mod(&o)
		if _, err := ResumeBulk(context.Background(), ten, path, o); !errors.Is(err, c.want) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.want)
		}
	}
	if calls() != before {
		t.Fatalf("a refused resume sent %d request(s)", calls()-before)
	}
	if st2, _ := ReadJournal(path); st2.Resumes != 0 {
		t.Fatal("a refused resume wrote to the journal")
	}
	// The same operator in the same tenant, and another one when told.
	o := fastOpts("")
	o.TenantID, o.Operator, o.OtherOperator = "TENANT-A", "eve@contoso.com", true
	sum, err := ResumeBulk(context.Background(), ten, path, o)
	if err != nil || sum.Pending != 0 {
		t.Fatalf("resume: %v, %+v", err, sum)
	}
}
