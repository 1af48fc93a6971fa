// Package explain turns a classified graph error into words for a pane's
// error state: what failed, and what the technician can do about it. A Go
// error chain is never shown as is.
package explain

import (
	"context"
	"errors"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
)

// Err returns what (a short line) and todo (what to do next) for err.
// doing names the operation: "Loading sign-ins".
func Err(doing string, err error) (what, todo string) {
	if err == nil {
		return "", ""
	}
	if errors.Is(err, context.Canceled) {
		return doing + " was cancelled", ""
	}
	msg := ""
	needs := ""
	reqID := ""
	if ge, ok := graph.AsError(err); ok {
		msg = graph.CleanText(ge.Message)
		needs = graph.CleanText(ge.Needs)
		reqID = graph.CleanText(ge.RequestID)
	}
	switch {
	case errors.Is(err, graph.ErrReadOnly):
		what = doing + ": refused, read-only mode"
		todo = "Nothing was sent. Start mfadesk without --read-only (or use a profile that is not read-only) to make changes."
		msg = ""
	case errors.Is(err, graph.ErrProtected):
		what = doing + ": refused, protected account"
		todo = "Nothing was sent. Protected accounts (break-glass) are listed in the config and never changed."
	case errors.Is(err, graph.ErrDenied):
		what = doing + ": access denied"
		if needs != "" {
			todo = "Needs " + needs + "."
		} else {
			todo = "Your account lacks the permission or role for this; run `mfadesk doctor` to see which."
		}
	case errors.Is(err, graph.ErrUnlicensed):
		what = doing + ": the tenant is not licensed for this"
		todo = "Sign-in logs need Microsoft Entra ID P1 or P2."
	case errors.Is(err, graph.ErrThrottled):
		what = doing + ": Graph is throttling requests"
		todo = "Wait a few seconds, then press ctrl+r to retry."
	case errors.Is(err, graph.ErrNotFound):
		what = doing + ": not found"
		todo = "Graph has no such object now (changed since it was loaded, or never there); press ctrl+r to refresh."
	case errors.Is(err, graph.ErrConflict):
		what = doing + ": refused by Graph"
		todo = "A precondition failed (e.g. the default method goes last); refresh and try again."
	case errors.Is(err, graph.ErrBadRequest):
		what = doing + ": refused by Graph"
		todo = "The tenant's policy may not allow this (e.g. TAP disabled, guest user)."
	case errors.Is(err, graph.ErrSignIn):
		what = doing + ": sign-in failed"
		todo = "Your token could not be obtained; run `mfadesk doctor`."
	case errors.Is(err, graph.ErrUnavailable):
		what = doing + ": Graph did not answer"
		todo = "Check the network; press ctrl+r to retry."
	default:
		what = doing + " failed"
		todo = "Press ctrl+r to retry."
	}
	if msg != "" && !strings.EqualFold(msg, strings.TrimPrefix(what, doing+": ")) {
		what += ": " + msg
	}
	if reqID != "" {
		todo += " (request-id " + reqID + ")"
	}
	return what, todo
}

// Short is a one-line form of Err for per-target results.
func Short(err error) string {
	if err == nil {
		return ""
	}
	if ge, ok := graph.AsError(err); ok {
		s := graph.CleanText(ge.Message)
		if s == "" {
			s = ge.Kind.Error()
		}
		if ge.Needs != "" {
			s += " (needs " + graph.CleanText(ge.Needs) + ")"
		}
		return s
	}
	return graph.CleanText(err.Error())
}

// RequestID is Graph's request-id inside err, if any.
func RequestID(err error) string {
	if ge, ok := graph.AsError(err); ok {
		return graph.CleanText(ge.RequestID)
	}
	return ""
}
