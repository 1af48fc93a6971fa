package cli

import (
	"context"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph/auth"
	"github.com/mfadesk/mfadesk/graph/auth/authtest"
	"github.com/mfadesk/mfadesk/graph/fake"
)

// In the full-screen app a device code sign-in (azidentity's real
// DeviceCodeCredential against the loopback fake authority, with pending
// polls) goes to the app, never to stderr; done follows the first token.
func TestAppDeviceCodeGoesToTheApp(t *testing.T) {
	s := setupDoctor(t, auth.DelegatedPermissions(true, false, false), nil, true, fake.Options{})
	var (
		mu      sync.Mutex
		prompts []auth.DeviceCodePrompt
		done    int
	)
	r := runApp(t, map[string]string{"MFADESK_HISTORY_FILE": t.TempDir() + "/h.jsonl"},
		func(ctx context.Context, sess *Session) error {
			sess.SignInTo(func(d auth.DeviceCodePrompt) {
				mu.Lock()
				prompts = append(prompts, d)
				mu.Unlock()
			}, func() { mu.Lock(); done++; mu.Unlock() })
			// Concurrent first calls share one sign-in and one prompt.
			var wg sync.WaitGroup
			errs := make(chan error, 3)
			for range 3 {
				wg.Go(func() {
					_, err := sess.Client.Me(ctx)
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					return err
				}
			}
			return nil
		}, "--config", s.cfg)
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(prompts) != 1 {
		t.Fatalf("%d prompts, want 1", len(prompts))
	}
	p := prompts[0]
	if p.Code == "" || p.URL == "" || !p.ExpiresOn.After(time.Now()) {
		t.Fatalf("prompt %+v", p)
	}
	if done != 1 {
		t.Fatalf("done called %d times, want 1", done)
	}
	for _, leak := range []string{p.Code, p.URL, "To sign in"} {
		if strings.Contains(r.stderr, leak) {
			t.Fatalf("stderr shows %q: %q", leak, r.stderr)
		}
	}
}

// A prompt that comes before the app said where to draw it is held (not
// printed) and handed over by SignInTo.
func TestAppDeviceCodeHeldUntilSignInTo(t *testing.T) {
	s := setupDoctor(t, auth.DelegatedPermissions(true, false, false), nil, true, fake.Options{})
	var got []auth.DeviceCodePrompt
	r := runApp(t, map[string]string{"MFADESK_HISTORY_FILE": t.TempDir() + "/h.jsonl"},
		func(ctx context.Context, sess *Session) error {
			errc := make(chan error, 1)
			go func() { _, err := sess.Client.Me(ctx); errc <- err }()
			deadline := time.Now().Add(20 * time.Second)
			for {
				if sess.signIn.Held() {
					break
				}
				if time.Now().After(deadline) {
					t.Error("no prompt held")
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			sess.SignInTo(func(d auth.DeviceCodePrompt) { got = append(got, d) }, nil)
			return <-errc
		}, "--config", s.cfg)
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	if len(got) != 1 || got[0].Code == "" {
		t.Fatalf("prompts handed over: %+v", got)
	}
	if strings.Contains(r.stderr, got[0].Code) || strings.Contains(r.stderr, "To sign in") {
		t.Fatalf("stderr shows the prompt: %q", r.stderr)
	}
}

// Commands keep printing the prompt on stderr.
func TestCommandPrintsDeviceCode(t *testing.T) {
	s := setupDoctor(t, auth.DelegatedPermissions(true, false, false), nil, true, fake.Options{})
	r := runWithEnv(t, nil, "--config", s.cfg, "users", "uma")
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	if !strings.Contains(r.stderr, "To sign in, open https://") || !strings.Contains(r.stderr, "enter the code") {
		t.Fatalf("stderr lacks the device code: %q", r.stderr)
	}
}

// A Graph call that gives up while the person is still typing the code
// does not end the sign-in: the next call waits for the same code instead
// of starting a new one.
func TestAppDeviceCodeOutlivesImpatientCaller(t *testing.T) {
	s := setupDoctor(t, auth.DelegatedPermissions(true, false, false), nil, true, fake.Options{})
	a := authtest.Start(authtest.Options{PendingPolls: 3, User: authtest.Identity{
		OID: docOperatorID, UPN: "tess@contoso.com", Name: "Tess Tech", Scopes: auth.DelegatedPermissions(true, false, false)}})
	t.Cleanup(a.Close)
	cfg, _ := os.ReadFile(s.cfg)
	if err := os.WriteFile(s.cfg, []byte(strings.Replace(string(cfg), s.authority.Host, a.Host, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	authTestOptions = []auth.Option{auth.WithHTTPClient(a.Client), auth.WithMemoryCache()}
	var prompts atomic.Int32
	r := runApp(t, map[string]string{"MFADESK_HISTORY_FILE": t.TempDir() + "/h.jsonl"},
		func(ctx context.Context, sess *Session) error {
			sess.SignInTo(func(auth.DeviceCodePrompt) { prompts.Add(1) }, nil)
			short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			_, err := sess.Client.Me(short)
			cancel()
			if err == nil {
				t.Error("the impatient call got a token before the sign-in finished")
			}
			_, err = sess.Client.Me(ctx)
			return err
		}, "--config", s.cfg)
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	if n := prompts.Load(); n != 1 {
		t.Fatalf("%d device codes shown, want 1 (a new sign-in started after the first caller gave up)", n)
	}
	if g := a.Grants()["device_code"]; g < 1 {
		t.Fatalf("grants %v", a.Grants())
	}
}
