package graph

import (
	"errors"
	"fmt"
	"time"
)

// Classified errors. Every error a Client returns wraps exactly one of these
// (errors.Is works) inside an *Error that carries the detail.
var (
	// ErrDenied: 401/403. Error.Needs names what would allow it.
	ErrDenied = errors.New("access denied")
	// ErrNotFound: unknown user or method.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a precondition Graph enforces, e.g. the default method
	// cannot be deleted while others exist.
	ErrConflict = errors.New("conflict")
	// ErrThrottled: 429 still after the bounded retries.
	ErrThrottled = errors.New("throttled")
	// ErrUnavailable: 5xx, dropped connection, timeout, unreadable answer.
	ErrUnavailable = errors.New("graph unavailable")
	// ErrUnlicensed: the tenant lacks a licence the call needs (sign-in logs
	// need Entra ID P1).
	ErrUnlicensed = errors.New("tenant not licensed")
	// ErrBadRequest: Graph refused the request as malformed or not allowed
	// by policy (e.g. TAP disabled, TAP for a guest).
	ErrBadRequest = errors.New("bad request")
	// ErrSignIn: no usable token (credential failed, consent missing).
	ErrSignIn = errors.New("sign-in failed")
	// ErrReadOnly: a change refused by mfadesk itself because read-only
	// mode is on (flag or profile). Nothing was sent to Graph.
	ErrReadOnly = errors.New("read-only mode")
	// ErrProtected: a change refused by mfadesk itself because the target
	// is a protected account (config protected.users / protected.groups).
	// Nothing was sent to Graph.
	ErrProtected = errors.New("protected account")
	// ErrUnsupported: a read this client cannot make (a test double
	// without managers, roles or the TAP policy). Nothing was sent.
	ErrUnsupported = errors.New("not supported by this client")
)

// Error is a classified Graph error.
type Error struct {
	Kind error // one of the sentinels above
	// Op says what was being done: "delete fido2 method of alice@contoso.com".
	Op     string
	Status int
	// Code is Graph's error.code (Authorization_RequestDenied, badRequest, ...).
	Code string
	// Message is Graph's error.message, stripped of control sequences.
	Message string
	// RequestID is error.innerError.request-id (or the request-id header),
	// for Microsoft support.
	RequestID string
	// Needs names the permission or directory role that would allow a denied
	// call, e.g. "Privileged Authentication Administrator role (the target is
	// an admin)".
	Needs string
	// RetryAfter is Graph's Retry-After on the last 429/503.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	msg := e.Kind.Error()
	if e.Message != "" {
		msg = e.Message
	}
	s := msg
	if e.Op != "" {
		s = e.Op + ": " + msg
	}
	if e.Needs != "" {
		s += " (needs " + e.Needs + ")"
	}
	if e.RequestID != "" {
		s += fmt.Sprintf(" [request-id %s]", e.RequestID)
	}
	return s
}

func (e *Error) Unwrap() error { return e.Kind }

// AsError returns the *Error inside err, if any.
func AsError(err error) (*Error, bool) {
	var ge *Error
	ok := errors.As(err, &ge)
	return ge, ok
}
