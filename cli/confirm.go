package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/spf13/cobra"
)

// typedConfirmAbove is the number of users above which a y is not enough:
// the operator types the count, so a held-down key or a stray paste cannot
// start a large run. A profile's bulk.confirmThreshold replaces it.
const typedConfirmAbove = 10

// approval is what every change command takes to go ahead.
type approval struct {
	Yes    bool
	Ticket string
	// Verified: with --yes, the operator states the profile's
	// identity-verification checklist was done.
	Verified bool
	// checklist: this change needs the profile's verification checklist
	// (reset, re-register, TAP).
	checklist bool
}

func addApprovalFlags(cmd *cobra.Command, a *approval) {
	cmd.Flags().BoolVarP(&a.Yes, "yes", "y", false, "do it without asking (required when not on a terminal)")
	cmd.Flags().StringVar(&a.Ticket, "ticket", "", "ticket number or reason, recorded in the change history with every change")
	cmd.Flags().BoolVar(&a.Verified, "verified", false, "with --yes: the profile's identity-verification checklist was done (recorded)")
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[annotWrites] = "true"
}

// canApprove fails early, before anything is read from Graph, when a change
// could not be approved: off a terminal only --yes confirms, and a required
// ticket must come with --ticket.
func (e *Env) canApprove(s *Session, a approval, what string) error {
	if !a.Yes && !e.InTerminal {
		return Usagef("%s changes the tenant and there is no terminal to confirm on: pass --yes to go ahead (or --dry-run to see the plan)", what)
	}
	if s.RequireTicket && strings.TrimSpace(a.Ticket) == "" && (a.Yes || !e.InTerminal) {
		return Usagef("this profile requires a ticket or reason for every change: pass --ticket")
	}
	if lines := a.checklistLines(s); len(lines) > 0 && a.Yes && !a.Verified {
		return Usagef("this profile asks for an identity check before this change:\n  - %s\nDo it, then pass --verified with --yes (it is recorded)", strings.Join(lines, "\n  - "))
	}
	return nil
}

// checklistLines are the verification lines this change must be preceded by.
func (a approval) checklistLines(s *Session) []string {
	if !a.checklist || s.Prof == nil {
		return nil
	}
	return s.Prof.VerificationChecklist
}

var errCancelled = errors.New("cancelled; nothing was changed")

// approve asks on the terminal before a change to n users (the plan has
// been printed): the ticket or reason, then y/N, or the typed count above
// typedConfirmAbove users. --yes skips the questions. The returned context
// carries the ticket into the change history.
func (e *Env) approve(ctx context.Context, s *Session, a approval, n int, what string) (context.Context, error) {
	if err := e.canApprove(s, a, what); err != nil {
		return ctx, err
	}
	ticket := strings.TrimSpace(a.Ticket)
	checklist := a.checklistLines(s)
	if !a.Yes {
		if len(checklist) > 0 {
			fmt.Fprintln(e.Stderr, "Before this change, check:")
			for _, l := range checklist {
				fmt.Fprintln(e.Stderr, "  - "+cleanLines(l))
			}
			line, err := e.prompt(ctx, "Done all of the above? [y/N] ")
			if err != nil {
				return ctx, err
			}
			if t := strings.TrimSpace(line); !strings.EqualFold(t, "y") && !strings.EqualFold(t, "yes") {
				return ctx, Failed(errCancelled)
			}
		}
		if ticket == "" {
			q := "Ticket or reason (blank for none): "
			if s.RequireTicket {
				q = "Ticket or reason (required): "
			}
			line, err := e.prompt(ctx, q)
			if err != nil {
				return ctx, err
			}
			if ticket = strings.TrimSpace(line); ticket == "" && s.RequireTicket {
				return ctx, Usagef("a ticket or reason is required; nothing was changed")
			}
		}
		above := typedConfirmAbove
		if s.Prof != nil && s.Prof.Bulk.ConfirmThreshold > 0 {
			above = s.Prof.Bulk.ConfirmThreshold
		}
		var q string
		if n > above {
			q = fmt.Sprintf("%s for %d users. Type %d to confirm: ", what, n, n)
		} else {
			q = what + "? [y/N] "
		}
		line, err := e.prompt(ctx, q)
		if err != nil {
			return ctx, err
		}
		typed := strings.TrimSpace(line)
		ok := false
		if n > above {
			ok = typed == strconv.Itoa(n)
		} else {
			ok = strings.EqualFold(typed, "y") || strings.EqualFold(typed, "yes")
		}
		if !ok {
			return ctx, Failed(errCancelled)
		}
	}
	if ticket == "" && len(checklist) == 0 {
		return ctx, nil
	}
	return withApproval(ctx, graph.Approval{Ticket: ticket, Checklist: checklist}), nil
}

// prompt asks a question on stderr and reads one line from stdin. Reading
// happens in the background so Ctrl-C (ctx) still ends the wait.
func (e *Env) prompt(ctx context.Context, question string) (string, error) {
	if e.stdinReader == nil {
		e.stdinReader = bufio.NewReader(e.Stdin)
	}
	fmt.Fprint(e.Stderr, question)
	type answer struct {
		line string
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		line, err := e.stdinReader.ReadString('\n')
		got <- answer{line, err}
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(e.Stderr)
		return "", Failed(errCancelled)
	case a := <-got:
		if a.err != nil && a.line == "" {
			fmt.Fprintln(e.Stderr)
			return "", Failed(errCancelled)
		}
		return a.line, nil
	}
}
