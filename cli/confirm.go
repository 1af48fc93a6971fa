package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// typedConfirmAbove is the number of users above which a y is not enough:
// the operator types the count, so a held-down key or a stray paste cannot
// start a large run.
const typedConfirmAbove = 10

// canConfirm fails early, before anything is read from Graph, when a change
// could not be confirmed: off a terminal only --yes confirms.
func (e *Env) canConfirm(yes bool, what string) error {
	if yes || e.InTerminal {
		return nil
	}
	return Usagef("%s changes the tenant and there is no terminal to confirm on: pass --yes to go ahead (or --dry-run to see the plan)", what)
}

var errCancelled = errors.New("cancelled; nothing was changed")

// confirm asks on the terminal before a change to n users. The plan has
// already been printed. --yes skips the question.
func (e *Env) confirm(ctx context.Context, yes bool, n int, what string) error {
	if yes {
		return nil
	}
	if err := e.canConfirm(false, what); err != nil {
		return err
	}
	if e.stdinReader == nil {
		e.stdinReader = bufio.NewReader(e.Stdin)
	}
	if n > typedConfirmAbove {
		fmt.Fprintf(e.Stderr, "%s for %d users. Type %d to confirm: ", what, n, n)
	} else {
		fmt.Fprintf(e.Stderr, "%s? [y/N] ", what)
	}
	// Read in the background so Ctrl-C (ctx) still ends the wait.
	type answer struct {
		line string
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		line, err := e.stdinReader.ReadString('\n')
		got <- answer{line, err}
	}()
	var line string
	select {
	case <-ctx.Done():
		fmt.Fprintln(e.Stderr)
		return Failed(errCancelled)
	case a := <-got:
		if a.err != nil && a.line == "" {
			fmt.Fprintln(e.Stderr)
			return Failed(errCancelled)
		}
		line = a.line
	}
	typed := strings.TrimSpace(line)
	ok := false
	if n > typedConfirmAbove {
		ok = typed == strconv.Itoa(n)
	} else {
		ok = strings.EqualFold(typed, "y") || strings.EqualFold(typed, "yes")
	}
	if !ok {
		return Failed(errCancelled)
	}
	return nil
}
