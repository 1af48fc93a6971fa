package auth

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// Prompts routes a session's device code prompts. A command prints them
// (the fallback, standard error); the full-screen app owns the terminal,
// so once Hold is called a prompt is never printed (a stray write would
// corrupt the screen): it is handed to the app once the app says where
// (To), and kept until then.
type Prompts struct {
	mu       sync.Mutex
	fallback func(DeviceCodePrompt)
	hold     bool
	prompt   func(DeviceCodePrompt)
	done     func()
	held     *DeviceCodePrompt
	prompted bool // a prompt was shown and its sign-in has not finished
}

// NewPrompts returns prompts that go to fallback until Hold or To.
func NewPrompts(fallback func(DeviceCodePrompt)) *Prompts {
	return &Prompts{fallback: fallback}
}

// Hold stops prompts from reaching the fallback: they wait for To.
func (p *Prompts) Hold() {
	p.mu.Lock()
	p.hold = true
	p.mu.Unlock()
}

// To sends prompts to prompt from now on, and calls done (may be nil) when
// the sign-in a prompt asked for has finished (the first token issued
// after it). A prompt held until now is handed over at once.
func (p *Prompts) To(prompt func(DeviceCodePrompt), done func()) {
	p.mu.Lock()
	p.prompt, p.done = prompt, done
	held := p.held
	p.held = nil
	p.mu.Unlock()
	if held != nil && prompt != nil {
		prompt(*held)
	}
}

// Show is the credential's prompt callback (called from inside a Graph
// call, on the credential's goroutine).
func (p *Prompts) Show(d DeviceCodePrompt) {
	p.mu.Lock()
	p.prompted = true
	fn := p.prompt
	if fn == nil && p.hold {
		p.held = &d
	} else if fn == nil {
		fn = p.fallback
	}
	p.mu.Unlock()
	if fn != nil {
		fn(d)
	}
}

// Held reports a prompt waiting for To.
func (p *Prompts) Held() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.held != nil
}

// TokenIssued ends a prompted sign-in (Shared calls it).
func (p *Prompts) TokenIssued() {
	p.mu.Lock()
	was := p.prompted
	p.prompted, p.held = false, nil
	done := p.done
	p.mu.Unlock()
	if was && done != nil {
		done()
	}
}

// Shared wraps inner so that there is one token request at a time per kind
// (scopes, claims, tenant), shared by every caller that asks meanwhile and
// not tied to the first caller's context. A device code sign-in takes
// minutes; each Graph call gives up far sooner, and without this the next
// caller would start a new sign-in with a new code while the person is
// still typing the first. issued (may be nil) is called after each token
// is issued (Prompts.TokenIssued).
//
// Hand-made rather than x/sync/singleflight: a flight must outlive the
// caller that started it (WithoutCancel, bounded by signInTimeout) while
// each waiter still gives up on its own context, and azidentity's CAE
// flag is forced for every flight (see GetToken).
func Shared(inner azcore.TokenCredential, issued func()) azcore.TokenCredential {
	return &sharedCredential{inner: inner, issued: issued}
}

type sharedCredential struct {
	inner  azcore.TokenCredential
	issued func()

	mu      sync.Mutex
	flights map[string]*tokenFlight
	joins   int // callers that joined a flight already under way (tests)
}

type tokenFlight struct {
	done chan struct{}
	tok  azcore.AccessToken
	err  error
}

// signInTimeout bounds a sign-in nobody waits for any more (a device code
// lives 15 minutes).
const signInTimeout = 20 * time.Minute

func (c *sharedCredential) GetToken(ctx context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	// azidentity keeps CAE and non-CAE tokens apart (two token caches):
	// Graph's pipeline asks for CAE tokens, the client's own Me asks
	// without, and after an interactive sign-in for one the other would
	// sign in again (a second device code). One kind for all calls.
	o.EnableCAE = true
	key := strings.Join(o.Scopes, " ") + "\x00" + o.Claims + "\x00" + o.TenantID
	c.mu.Lock()
	f := c.flights[key]
	if f == nil {
		f = &tokenFlight{done: make(chan struct{})}
		if c.flights == nil {
			c.flights = map[string]*tokenFlight{}
		}
		c.flights[key] = f
		go func() {
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), signInTimeout)
			f.tok, f.err = c.inner.GetToken(fctx, o)
			cancel()
			c.mu.Lock()
			delete(c.flights, key)
			c.mu.Unlock()
			close(f.done)
			if f.err == nil && c.issued != nil {
				c.issued()
			}
		}()
	} else {
		c.joins++
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.tok, f.err
	case <-ctx.Done():
		return azcore.AccessToken{}, ctx.Err()
	}
}
