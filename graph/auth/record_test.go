package auth

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// slowSignIn is an interactive credential whose sign-in waits for release.
type slowSignIn struct {
	signIns, tokens atomic.Int32
	release         chan struct{}
}

func (s *slowSignIn) Authenticate(ctx context.Context, _ *policy.TokenRequestOptions) (azidentity.AuthenticationRecord, error) {
	s.signIns.Add(1)
	select {
	case <-s.release:
		return azidentity.AuthenticationRecord{}, nil
	case <-ctx.Done():
		return azidentity.AuthenticationRecord{}, ctx.Err()
	}
}

func (s *slowSignIn) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	s.tokens.Add(1)
	return azcore.AccessToken{Token: "t"}, nil
}

// TestRecordedSignsInOnce: concurrent first calls share one sign-in (one
// device code, not one per worker), and a caller whose context ends stops
// waiting without ending the others' sign-in.
func TestRecordedSignsInOnce(t *testing.T) {
	cred := &slowSignIn{release: make(chan struct{})}
	r := newRecorded(cred, filepath.Join(t.TempDir(), "record.json"), false)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = r.GetToken(context.Background(), policy.TokenRequestOptions{})
		}()
	}
	for cred.signIns.Load() == 0 {
		// wait until the sign-in is under way
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.GetToken(cancelled, policy.TokenRequestOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled caller: %v", err)
	}
	close(cred.release)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := cred.signIns.Load(); n != 1 {
		t.Fatalf("%d sign-ins for 8 concurrent first calls", n)
	}
	if _, err := r.GetToken(context.Background(), policy.TokenRequestOptions{}); err != nil || cred.signIns.Load() != 1 {
		t.Fatalf("after sign-in: %v, %d sign-ins", err, cred.signIns.Load())
	}
}
