package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// StopSignals end a command cleanly: ctrl+c, a kill (SIGTERM), and a
// closed terminal or SSH session (SIGHUP, whose default action would kill
// the process at once, losing the passes a bulk run had issued but not yet
// delivered and leaving the run for --resume to puzzle out). Each cancels
// the command's context: a prompt ends, a bulk run stops after the step in
// flight with its journal consistent, and the exit code says so.
var StopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// SignalContext is ctx cancelled by the first of StopSignals. A second one
// still lands on the context (nothing is killed half-way through a journal
// entry); stop releases the signals.
func SignalContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, StopSignals...)
}
