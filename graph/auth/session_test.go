package auth

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

func TestPromptsFallbackHoldAndHandOver(t *testing.T) {
	var printed, drawn []string
	p := NewPrompts(func(d DeviceCodePrompt) { printed = append(printed, d.Code) })
	p.Show(DeviceCodePrompt{Code: "A"})
	if len(printed) != 1 {
		t.Fatalf("a command's prompt is printed: %v", printed)
	}
	p.Hold()
	p.Show(DeviceCodePrompt{Code: "B"})
	if len(printed) != 1 || !p.Held() {
		t.Fatalf("held prompts are never printed: printed %v, held %v", printed, p.Held())
	}
	done := 0
	p.To(func(d DeviceCodePrompt) { drawn = append(drawn, d.Code) }, func() { done++ })
	if len(drawn) != 1 || drawn[0] != "B" || p.Held() {
		t.Fatalf("the held prompt is handed over once: %v", drawn)
	}
	p.TokenIssued()
	p.TokenIssued() // a second token without a new prompt ends nothing
	if done != 1 {
		t.Fatalf("done called %d times, want 1", done)
	}
}

type slowCred struct {
	calls   atomic.Int32
	release chan struct{}
	cae     atomic.Bool
}

func (c *slowCred) GetToken(ctx context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.calls.Add(1)
	c.cae.Store(o.EnableCAE)
	select {
	case <-c.release:
		return azcore.AccessToken{Token: "t", ExpiresOn: time.Now().Add(time.Hour)}, nil
	case <-ctx.Done():
		return azcore.AccessToken{}, ctx.Err()
	}
}

// Callers asking meanwhile share one sign-in, and a caller that gives up
// does not end it for the others.
func TestSharedOneFlightOutlivesCaller(t *testing.T) {
	inner := &slowCred{release: make(chan struct{})}
	var issued atomic.Int32
	c := Shared(inner, func() { issued.Add(1) })
	o := policy.TokenRequestOptions{Scopes: []string{"s"}}
	short, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := c.GetToken(short, o); errc <- err }()
	for inner.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("the impatient caller gets its own cancellation: %v", err)
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if tok, err := c.GetToken(context.Background(), o); err != nil || tok.Token != "t" {
				t.Errorf("token %v, %v", tok, err)
			}
		}()
	}
	sc := c.(*sharedCredential)
	for {
		sc.mu.Lock()
		j := sc.joins
		sc.mu.Unlock()
		if j == 3 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(inner.release)
	wg.Wait()
	if n := inner.calls.Load(); n != 1 {
		t.Fatalf("%d sign-ins, want 1 shared", n)
	}
	if !inner.cae.Load() {
		t.Fatal("every flight asks for CAE tokens")
	}
	for issued.Load() != 1 {
		time.Sleep(time.Millisecond)
	}
}
