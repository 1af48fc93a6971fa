package msgraph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	khttp "github.com/microsoft/kiota-http-go"
)

// The transport middleware every Graph request goes through, outermost
// first. It replaces kiota's retry and redirect handlers (they are not
// installed, so nothing is retried twice or followed blindly):
//
//   - requests only ever go to the endpoint's scheme and host: a nextLink or
//     a caller pointing elsewhere is refused before a token is attached to
//     the wire (the token provider also only mints tokens for that host);
//   - x-ms-throttle-priority from PriorityFrom(ctx);
//   - 429 and 503 are retried honouring Retry-After, at most MaxRetries
//     times and MaxRetryWait of waiting per call; OnThrottle, and the
//     context's WithThrottleObserver, see every 429;
//   - a dropped connection (or an attempt that hangs past RequestTimeout) is
//     retried for idempotent methods only;
//   - the response body is read here, so a connection dropped mid-body is a
//     retriable transport error rather than a truncated JSON document later;
//   - what happened is written to the call's callInfo for error
//     classification (status, request-id, Retry-After, content type).

// callInfo records what the transport saw for one Client call. The
// operation puts it on the context; the middleware fills it in.
type callInfo struct {
	mu          sync.Mutex
	status      int
	contentType string
	requestID   string
	retryAfter  time.Duration
	location    string
	attempts    int
	// pollAfter is the last answer's Retry-After whatever its status (a
	// 202 of a long-running operation sends one); hasPollAfter, whether
	// it sent one.
	pollAfter    time.Duration
	hasPollAfter bool
	// droppedRetry: an attempt failed at the transport level and was
	// retried, so the server may have acted on an earlier attempt.
	droppedRetry bool
	// refusedHost is set when a request to another host was refused.
	refusedHost string
	// timedOut: an attempt hit RequestTimeout.
	timedOut bool
	// transportErr is the last transport-level failure.
	transportErr error
	// url is the request's URL (a next-page link naming it is refused).
	url string
}

type callInfoKey struct{}

func withCallInfo(ctx context.Context) (context.Context, *callInfo) {
	ci := &callInfo{}
	return context.WithValue(ctx, callInfoKey{}, ci), ci
}

func callInfoFrom(ctx context.Context) *callInfo {
	ci, _ := ctx.Value(callInfoKey{}).(*callInfo)
	if ci == nil {
		ci = &callInfo{} // a request made outside an operation: record nowhere
	}
	return ci
}

func (ci *callInfo) snapshot() callInfo {
	ci.mu.Lock()
	defer ci.mu.Unlock()
	return callInfo{status: ci.status, contentType: ci.contentType, requestID: ci.requestID,
		retryAfter: ci.retryAfter, location: ci.location, attempts: ci.attempts,
		pollAfter: ci.pollAfter, hasPollAfter: ci.hasPollAfter,
		droppedRetry: ci.droppedRetry, refusedHost: ci.refusedHost, timedOut: ci.timedOut,
		transportErr: ci.transportErr}
}

// errRefusedHost is returned by the transport for a request to a host other
// than the endpoint.
var errRefusedHost = errors.New("refused to send a request to another host")

// errRedirect is returned by the transport for a 3xx answer; classify turns
// it into ErrUnavailable naming the Location.
var errRedirect = errors.New("graph answered with a redirect")

// maxBody bounds how much of one response is buffered.
const maxBody = 64 << 20

type retryMiddleware struct {
	c *MSGraph
}

var _ khttp.Middleware = (*retryMiddleware)(nil)

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodDelete, http.MethodPut, http.MethodOptions:
		return true
	}
	return false
}

func (m *retryMiddleware) Intercept(p khttp.Pipeline, idx int, req *http.Request) (*http.Response, error) {
	c := m.c
	ci := callInfoFrom(req.Context())
	if !c.sameOrigin(req.URL.Scheme, req.URL.Host) {
		ci.mu.Lock()
		ci.refusedHost = req.URL.Host
		ci.mu.Unlock()
		return nil, fmt.Errorf("%w %q", errRefusedHost, req.URL.Host)
	}
	req.Header.Set("x-ms-throttle-priority", string(graph.PriorityFrom(req.Context())))
	ci.mu.Lock()
	ci.url = req.URL.String()
	ci.mu.Unlock()

	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}

	ctx := req.Context()
	var waited time.Duration
	for attempt := 0; ; attempt++ {
		r := req.Clone(ctx)
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
			r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		}
		resp, err := m.attempt(p, idx, r)
		ci.mu.Lock()
		ci.attempts = attempt + 1
		ci.mu.Unlock()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err != nil {
			ci.mu.Lock()
			ci.transportErr = err
			if errors.Is(err, context.DeadlineExceeded) {
				ci.timedOut = true
			}
			ci.mu.Unlock()
			if !idempotent(req.Method) || attempt >= c.maxRetries {
				return nil, err
			}
			wait := backoff(attempt)
			if waited+wait > c.maxRetryWait {
				return nil, err
			}
			ci.mu.Lock()
			ci.droppedRetry = true
			ci.mu.Unlock()
			if err := c.sleep(ctx, wait); err != nil {
				return nil, err
			}
			waited += wait
			continue
		}

		ra, hasRA := retryAfter(resp.Header, c.now())
		ci.mu.Lock()
		ci.status = resp.StatusCode
		ci.contentType = resp.Header.Get("Content-Type")
		ci.location = resp.Header.Get("Location")
		ci.pollAfter, ci.hasPollAfter = ra, hasRA
		if id := resp.Header.Get("request-id"); id != "" {
			ci.requestID = id
			noteRequestID(ctx, id)
		}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			ci.retryAfter = ra
		}
		ci.mu.Unlock()
		if v := resp.Header.Get("x-ms-throttle-limit-percentage"); v != "" {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 && !math.IsInf(f, 0) {
				c.throttlePct.Store(math.Float64bits(f))
			}
		}
		if resp.StatusCode == http.StatusTooManyRequests {
			if c.onThrottle != nil {
				c.onThrottle(ra)
			}
			if fn := graph.ThrottleObserver(ctx); fn != nil {
				fn(ra)
			}
		}
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			// Redirects are not followed (the token would go along), and a
			// write answered with one changed nothing: never success.
			return nil, errRedirect
		}
		if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
			return resp, nil
		}
		if attempt >= c.maxRetries {
			return resp, nil
		}
		wait := ra
		if !hasRA {
			wait = backoff(attempt)
		}
		if waited+wait > c.maxRetryWait {
			return resp, nil
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, err
		}
		waited += wait
	}
}

// attempt sends one try with its own timeout and buffers the body, so the
// attempt's context can be released and a body cut short is an error here.
func (m *retryMiddleware) attempt(p khttp.Pipeline, idx int, r *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(r.Context(), m.c.requestTimeout)
	defer cancel()
	resp, err := p.Next(r.WithContext(ctx), idx)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxBody {
		return nil, fmt.Errorf("response larger than %d bytes", maxBody)
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	resp.Header.Del("Content-Length")
	resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
	resp.Request = r
	return resp, nil
}

// backoff is the wait before retry attempt+1 when Graph gave no Retry-After:
// 1s, 2s, 4s, ... capped at 30s.
func backoff(attempt int) time.Duration {
	if attempt > 5 {
		return 30 * time.Second
	}
	return min(time.Second<<attempt, 30*time.Second)
}

// retryAfter parses Retry-After: seconds, possibly fractional ("2.128", as
// older Graph responses sent), or an HTTP date. ok is false when the header
// is absent or unreadable.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		if math.IsNaN(f) || f < 0 {
			return 0, true
		}
		if f > 24*3600 {
			f = 24 * 3600
		}
		return time.Duration(f * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}
