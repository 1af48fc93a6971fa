package cli

// mfa-state for many users: named on the command line, a --csv list of
// users with one state for all, or the legacy per-user MFA bulk file
// (Username,MFA Status: a state per row). Without a state it prints the
// users' states (graph.ReadPerUserMFA: 20 to a $batch); with states it
// runs on the journaled bulk runner, each job carrying its own state, a
// user already in it skipped, and --notify mails those whose state changed.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
)

// mfaTargets are the users of an mfa-state run and what each is set to
// (by lower-cased target value; empty: show only).
type mfaTargets struct {
	targets []graph.Target
	states  map[string]graph.PerUserMFAState
	// perRow: the states came from the legacy file, a state per row.
	perRow bool
}

// readMFATargets reads the users: the arguments, a list of users, or the
// legacy bulk file. A bad file is rejected whole before anything is asked
// of Graph.
func (e *Env) readMFATargets(users []string, csvPath string, want graph.PerUserMFAState) (mfaTargets, error) {
	out := mfaTargets{states: map[string]graph.PerUserMFAState{}}
	if csvPath == "" {
		ts, err := e.readTargets(users, "")
		if err != nil {
			return out, err
		}
		out.targets = ts
		for _, t := range ts {
			out.states[strings.ToLower(t.Value)] = want
		}
		return out, nil
	}
	if len(users) > 0 {
		return out, Usagef("give the users as arguments or with --csv, not both")
	}
	r := e.Stdin
	name := "stdin"
	if csvPath != "-" {
		f, err := os.Open(csvPath)
		if err != nil {
			return out, Usage(err)
		}
		defer f.Close()
		r, name = f, csvPath
	}
	// Held once in memory (within the target limits) to be read as
	// either kind of file.
	data, err := io.ReadAll(io.LimitReader(r, graph.MaxTargetBytes+1))
	if err != nil {
		return out, Usagef("%s: %w", name, err)
	}
	rows, warns, err := graph.ParseMFAStateFile(bytes.NewReader(data))
	switch {
	case errors.Is(err, graph.ErrNotMFAStateFile):
		ts, warns, err := graph.ParseTargets(bytes.NewReader(data))
		if err != nil {
			return out, Usagef("%s: %w\nNothing was changed.", name, err)
		}
		for _, w := range warns {
			fmt.Fprintf(e.Stderr, "warning: %s: %s\n", name, w.Message)
		}
		out.targets = ts
		for _, t := range ts {
			out.states[strings.ToLower(t.Value)] = want
		}
		return out, nil
	case err != nil:
		return out, Usagef("%s (a per-user MFA bulk file): %w\nNothing was changed.", name, err)
	}
	if want != "" {
		return out, Usagef("%s gives a state per row (MFA Status): give no state on the command line", name)
	}
	for _, w := range warns {
		fmt.Fprintf(e.Stderr, "warning: %s: %s\n", name, w.Message)
	}
	out.perRow = true
	for _, r := range rows {
		out.targets = append(out.targets, r.Target)
		out.states[strings.ToLower(r.Target.Value)] = r.State
	}
	return out, nil
}

// mfaStateMany shows or sets the state of many users.
func (e *Env) mfaStateMany(ctx context.Context, users []string, want graph.PerUserMFAState, o targetOptions, nf notifyFlag) error {
	const verb = "Set per-user MFA"
	mt, err := e.readMFATargets(users, o.CSV, want)
	if err != nil {
		return err
	}
	setting := want != "" || mt.perRow
	s, err := e.Session(ctx)
	if err != nil {
		return err
	}
	if setting && !o.DryRun {
		if err := e.requireWrite(s, "mfa-state"); err != nil {
			return err
		}
		if err := e.canApprove(s, o.approval, verb); err != nil {
			return err
		}
	}
	jobs, err := e.resolveJobs(ctx, s.Client, mt.targets, o)
	if err != nil {
		return err
	}
	for _, j := range jobs {
		j.MFAState = mt.states[strings.ToLower(j.Target.Value)]
	}
	if !setting {
		return e.showMFAStates(ctx, s, jobs)
	}
	for _, j := range jobs {
		if err := graph.CheckWrite(ctx, s.Client, graph.WriteSetPerUserMFA, j.User.ID); err != nil &&
			!(o.DryRun && errors.Is(err, graph.ErrReadOnly)) {
			j.Err = err
		}
	}
	// The plan says where each user starts when it is short enough to
	// read (and always for a dry run): one batched read per user.
	planned := 0
	for _, j := range jobs {
		if j.Err == nil {
			planned++
		}
	}
	if o.DryRun || planned <= planFullUpTo {
		e.readCurrentMFA(ctx, s, jobs)
	}
	plan := func(j *job) string { p, _ := j.Plan.(string); return p }
	if o.DryRun || planned == 0 {
		return e.emitResults(verb, jobs, o.DryRun, plan)
	}
	n := notifierFor(s, nf, graph.NotifyMFAState)
	e.note(fmt.Sprintf("Plan: set the per-user MFA state of %d user(s):", planned))
	e.listPlanned(jobs, plan)
	if n != nil {
		e.note("Afterwards, mail each user whose state changed (or their manager, notify.toManager).")
	}
	if ctx, err = e.approve(ctx, s, o.approval, planned, verb); err != nil {
		return err
	}
	op := graph.Operation{Kind: graph.OpSetMFA, MFAState: want}
	if mt.perRow {
		op = graph.Operation{Kind: graph.OpSetMFA, MFAStatePerUser: true}
	}
	ticket := approvalFrom(ctx).Ticket
	res := e.runBulk(ctx, s, verb, op, jobs, o.bulkOptions)
	if n != nil && e.notifyDone(ctx, s, n, jobs, ticket) && res == nil {
		return silentExit(ExitFailed)
	}
	return res
}

// readCurrentMFA reads every planned user's state for the plan: "from
// X to Y", or "already Y" (the run will skip them).
func (e *Env) readCurrentMFA(ctx context.Context, s *Session, jobs []*job) {
	var todo []*job
	var ids []string
	for _, j := range jobs {
		if j.Err == nil {
			todo = append(todo, j)
			ids = append(ids, j.User.ID)
			j.Plan = "set per-user MFA to " + string(j.MFAState)
		}
	}
	for i, r := range graph.ReadPerUserMFA(ctx, s.Client, ids, graph.PerUserReadOptions{}) {
		j := todo[i]
		switch {
		case r.Err != nil:
			j.Plan = fmt.Sprintf("set per-user MFA to %s (now unknown: %s)", j.MFAState, oneLine(r.Err))
		case r.State == j.MFAState:
			j.Plan = "already " + string(r.State) + ": nothing to do"
		default:
			j.Plan = fmt.Sprintf("per-user MFA %s -> %s", r.State, j.MFAState)
		}
	}
}

// showMFAStates prints each user's state (read 20 to a $batch).
func (e *Env) showMFAStates(ctx context.Context, s *Session, jobs []*job) error {
	var ok []*job
	var ids []string
	for _, j := range jobs {
		if j.Err == nil {
			ok = append(ok, j)
			ids = append(ids, j.User.ID)
		}
	}
	res := graph.ReadPerUserMFA(ctx, s.Client, ids, graph.PerUserReadOptions{})
	v := View{Header: []string{"USER", "PER-USER MFA"}}
	docs := make([]mfaStateJSON, 0, len(ok))
	var failed error
	for i, r := range res {
		j := ok[i]
		cell := string(r.State)
		if r.Err != nil {
			cell, failed = "? "+oneLine(r.Err), r.Err
		}
		v.Rows = append(v.Rows, []string{j.User.UserPrincipalName, cell})
		docs = append(docs, mfaStateJSON{ID: j.User.ID, UserPrincipalName: j.User.UserPrincipalName, PerUserMfaState: r.State})
	}
	v.JSON = docs
	if err := e.Emit(v); err != nil {
		return err
	}
	if failed != nil {
		return Failed(fmt.Errorf("some states could not be read: %w", failed))
	}
	return nil
}
