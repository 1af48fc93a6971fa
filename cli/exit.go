package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
)

// Exit codes, as the README documents them.
const (
	ExitOK      = 0 // everything done
	ExitFailed  = 1 // some targets (or the one target) failed
	ExitUsage   = 2 // bad input: flags, arguments, CSV, unknown command, no --yes off a terminal
	ExitDenied  = 3 // sign-in or permission problem (also --read-only refusing a change)
	exitUnknown = ExitUsage
)

// exitError carries an exit code chosen by the command.
type exitError struct {
	code int
	err  error
	// quiet: the command already told the user everything (per-target
	// results, summary); print nothing more.
	quiet bool
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// Usage marks err as bad input (exit 2).
func Usage(err error) error { return &exitError{code: ExitUsage, err: err} }

// Usagef is Usage(fmt.Errorf(...)).
func Usagef(format string, a ...any) error { return Usage(fmt.Errorf(format, a...)) }

// Denied marks err as a permission problem (exit 3).
func Denied(err error) error { return &exitError{code: ExitDenied, err: err} }

// Failed marks err as a failed operation (exit 1).
func Failed(err error) error { return &exitError{code: ExitFailed, err: err} }

// silentExit ends a command with code after it has printed its own results.
func silentExit(code int) error {
	return &exitError{code: code, err: fmt.Errorf("exit %d", code), quiet: true}
}

// ExitCode maps an error returned by a command to the process exit code.
// Errors cobra itself makes (unknown command or flag, wrong argument count)
// are bad input.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	switch {
	case errors.Is(err, graph.ErrDenied), errors.Is(err, graph.ErrSignIn), errors.Is(err, graph.ErrReadOnly):
		return ExitDenied
	case errors.Is(err, errNoUser), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return ExitFailed
	}
	var te *graph.TargetError
	if errors.As(err, &te) {
		return ExitUsage
	}
	if _, ok := graph.AsError(err); ok {
		return ExitFailed
	}
	return exitUnknown
}

// printError tells the operator, in words, what failed, why, what to do
// about it, and Graph's request-id for a support case.
func (e *Env) printError(err error) {
	var ee *exitError
	if errors.As(err, &ee) && ee.quiet {
		return
	}
	fmt.Fprintln(e.Stderr, describeError(err))
}

// describeError renders err as a few plain lines: "Error: <what failed>",
// then the reason and the next step when known, then the request-id.
func describeError(err error) string {
	var b strings.Builder
	b.WriteString("Error: ")
	ge, isGraph := graph.AsError(err)
	if !isGraph {
		msg := err.Error()
		if errors.Is(err, context.DeadlineExceeded) {
			msg = "gave up: the --timeout ran out (" + msg + ")"
		}
		b.WriteString(cleanLines(msg))
		if ExitCode(err) == ExitUsage && looksLikeCobraUsage(msg) {
			b.WriteString("\nRun 'mfadesk --help' (or 'mfadesk COMMAND --help') for usage.")
		}
		return b.String()
	}
	what := ge.Op
	if what == "" {
		what = "the Graph request"
	}
	b.WriteString(graph.CleanText(what) + " failed")
	why := graph.CleanText(ge.Message)
	if why == "" {
		why = ge.Kind.Error()
	}
	if ge.Status != 0 {
		why += fmt.Sprintf(" (HTTP %d", ge.Status)
		if ge.Code != "" {
			why += " " + graph.CleanText(ge.Code)
		}
		why += ")"
	}
	b.WriteString("\n  Why:  " + why)
	if next := nextStep(ge); next != "" {
		b.WriteString("\n  Next: " + next)
	}
	if ge.RequestID != "" {
		b.WriteString("\n  Request-id: " + graph.CleanText(ge.RequestID) + " (quote it to Microsoft support)")
	}
	return b.String()
}

// nextStep suggests what the operator can do about a classified error.
func nextStep(ge *graph.Error) string {
	switch {
	case errors.Is(ge, graph.ErrDenied):
		if ge.Needs != "" {
			return "this needs " + graph.CleanText(ge.Needs) + "; ask an administrator to grant it, or hand the task to someone who has it"
		}
		return "your account or app lacks the permission or directory role for this; ask an administrator"
	case errors.Is(ge, graph.ErrSignIn):
		return "sign in again (check --auth and the profile's tenant and client id)"
	case errors.Is(ge, graph.ErrNotFound):
		return "check the user's object id or UPN"
	case errors.Is(ge, graph.ErrConflict):
		return "Graph refused the order of changes; run it again (mfadesk re-plans from the current methods)"
	case errors.Is(ge, graph.ErrThrottled):
		s := "Graph is throttling this app; wait"
		if ge.RetryAfter > 0 {
			s += fmt.Sprintf(" %s", ge.RetryAfter.Round(1e9))
		}
		return s + " and retry (failed targets only)"
	case errors.Is(ge, graph.ErrUnavailable):
		return "Graph did not answer properly; retry in a moment"
	case errors.Is(ge, graph.ErrUnlicensed):
		return "the tenant needs Microsoft Entra ID P1 or P2 for this; other commands still work"
	case errors.Is(ge, graph.ErrReadOnly):
		return "run without --read-only, or with a profile that allows changes"
	case errors.Is(ge, graph.ErrProtected):
		return "this account is protected in the config (break-glass); it is never changed by mfadesk"
	case errors.Is(ge, graph.ErrBadRequest):
		return "Graph refused the request (often a tenant policy); the message above says which"
	}
	return ""
}

func looksLikeCobraUsage(msg string) bool {
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "accepts ", "requires at least"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}
