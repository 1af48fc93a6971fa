package graph

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// passBox is a DeliverTAP that keeps what it is handed; fail makes the
// delivery of one user fail (a full disk where the passes go).
type passBox struct {
	mu     sync.Mutex
	got    map[string]TAP // user -> last pass delivered
	n      int
	failAt int // the n-th delivery fails (0: never)
}

func (b *passBox) deliver(p PassDelivery) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n++
	if b.failAt != 0 && b.n == b.failAt {
		return errors.New("write passes.csv: no space left on device")
	}
	if b.got == nil {
		b.got = map[string]TAP{}
	}
	b.got[p.User] = p.TAP
	return nil
}

// 15.2: each pass is delivered as it is issued and the journal says so
// ("issued", then "delivered", never the value); a delivery that fails
// stops the run (no more passes issued), and the resume lists the pass
// that reached nobody and, asked to, replaces it with a delivered one.
func TestBulkPassesDeliveredAndReissued(t *testing.T) {
	ten, targets := mixedTenant(24)
	path := filepath.Join(t.TempDir(), "j.jsonl")
	op := Operation{Kind: OpReregister, Keep: []MethodKind{}, TAP: &BulkTAP{LifetimeMinutes: 60}}
	box := &passBox{failAt: 5}
	opts := fastOpts(path)
	opts.Concurrency = 1
	opts.DeliverTAP = box.deliver
	sum, err := RunBulk(context.Background(), ten, op, targets, opts)
	if !errors.Is(err, ErrPassDelivery) {
		t.Fatalf("a failed delivery did not stop the run: %v", err)
	}
	if len(sum.Undelivered) != 1 || len(box.got) != 4 {
		t.Fatalf("undelivered %+v, delivered %d", sum.Undelivered, len(box.got))
	}
	lost := sum.Undelivered[0]
	issued := 0
	for k, n := range ten.applied {
		if strings.HasPrefix(k, "tap ") {
			issued += n
		}
	}
	if issued != 5 {
		t.Fatalf("%d passes issued: the run went on after the failed delivery", issued)
	}
	data, _ := os.ReadFile(path)
	if bytes.Contains(data, []byte("SECRET")) {
		t.Fatal("a pass value is in the journal")
	}
	if n := bytes.Count(data, []byte(`"do":"deliver","result":"delivered"`)); n != 4 {
		t.Fatalf("%d deliveries journaled, want 4", n)
	}

	// The resume without ReissuePasses finishes the others and lists the lost one.
	box.failAt = 0
	opts = fastOpts("")
	opts.DeliverTAP = box.deliver
	sum, err = ResumeBulk(context.Background(), ten, path, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Undelivered) != 1 || sum.Undelivered[0].User != lost.User || sum.Undelivered[0].TAPID == "" {
		t.Fatalf("resume: undelivered %+v, want %s", sum.Undelivered, lost.User)
	}
	if _, ok := box.got[lost.User]; ok {
		t.Fatal("the lost pass was delivered without a re-issue")
	}
	// With ReissuePasses: a new pass, delivered, replacing the lost one.
	opts.ReissuePasses = true
	sum, err = ResumeBulk(context.Background(), ten, path, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Undelivered) != 0 {
		t.Fatalf("after the re-issue: %+v", sum.Undelivered)
	}
	got, ok := box.got[lost.User]
	if !ok || got.ID == lost.TAPID {
		t.Fatalf("re-issue: delivered %+v (lost %s)", got, lost.TAPID)
	}
	for _, m := range ten.users[lost.UserID].methods {
		if m.Kind == KindTAP && m.ID != got.ID {
			t.Errorf("the undelivered pass %s is still there", m.ID)
		}
	}
	if len(box.got) != 24 {
		t.Errorf("%d users have a delivered pass, want 24", len(box.got))
	}
	for _, r := range sum.Results {
		if !r.TAPIssued || !r.TAPDelivered {
			t.Errorf("%s: issued %v delivered %v", r.User, r.TAPIssued, r.TAPDelivered)
		}
	}
}

// A pass Graph refused outright (a guest, the policy) was never issued:
// its user is failed, not listed as holding an undelivered pass.
func TestBulkRefusedPassIsNotUndelivered(t *testing.T) {
	ten := newMemTenant()
	id := ten.addUser(1, "microsoftAuthenticator")
	ten.fault = func(call, _ string, after bool) error {
		if call == "tap" && !after {
			return &Error{Kind: ErrBadRequest, Status: 400, Message: "Temporary Access Pass cannot be added to an external (guest) user."}
		}
		return nil
	}
	box := &passBox{}
	opts := fastOpts(filepath.Join(t.TempDir(), "j.jsonl"))
	opts.DeliverTAP = box.deliver
	sum, err := RunBulk(context.Background(), ten, Operation{Kind: OpReregister, TAP: &BulkTAP{}}, []string{id}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Results[0].State != StateFailed || len(sum.Undelivered) != 0 {
		t.Fatalf("state %s, undelivered %+v", sum.Results[0].State, sum.Undelivered)
	}
}
