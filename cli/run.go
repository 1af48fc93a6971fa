package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/spf13/cobra"
)

// targetOptions are the flags every multi-user change takes.
type targetOptions struct {
	approval
	bulkOptions
	CSV    string
	DryRun bool
	// SkipUnknown lets a list with users that do not exist go ahead for
	// the others (by default it is refused whole).
	SkipUnknown bool
	// IncludeSelf acknowledges that the signed-in operator is a target
	// (refused otherwise).
	IncludeSelf bool
}

func addTargetFlags(cmd *cobra.Command, o *targetOptions) {
	cmd.Flags().StringVar(&o.CSV, "csv", "", "read the users from a CSV file with an ObjectId, Id or UserPrincipalName column (- for stdin)")
	addApprovalFlags(cmd, &o.approval)
	addBulkFlags(cmd, &o.bulkOptions)
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "print the plan and change nothing")
	cmd.Flags().BoolVar(&o.SkipUnknown, "skip-unknown", false, "go ahead for the others when some users do not exist (default: refuse the list)")
	cmd.Flags().BoolVar(&o.IncludeSelf, "include-self", false, "allow the change to include your own account (refused otherwise)")
}

// readTargets turns the arguments or the --csv file into a checked list of
// users. A bad file is rejected whole, before anything is asked of Graph.
func (e *Env) readTargets(args []string, csvPath string) ([]graph.Target, error) {
	if csvPath != "" && len(args) > 0 {
		return nil, Usagef("give the users as arguments or with --csv, not both")
	}
	if csvPath == "" {
		if len(args) == 0 {
			return nil, Usagef("no users given: name them (object id or UPN) or pass --csv FILE")
		}
		ts, err := graph.ParseTargetArgs(args)
		if err != nil {
			return nil, Usage(err)
		}
		return ts, nil
	}
	r := e.Stdin
	name := "stdin"
	if csvPath != "-" {
		f, err := os.Open(csvPath)
		if err != nil {
			return nil, Usage(err)
		}
		defer f.Close()
		r, name = f, csvPath
	}
	ts, warns, err := graph.ParseTargets(r)
	if err != nil {
		return nil, Usagef("%s: %w\nNothing was changed.", name, err)
	}
	for _, w := range warns {
		fmt.Fprintf(e.Stderr, "warning: %s: %s\n", name, w.Message)
	}
	return ts, nil
}

// job is one user of a multi-user command, carried through its stages
// (resolve, plan, change).
type job struct {
	Target graph.Target
	User   graph.User
	// Err is why this user failed; later stages skip failed jobs.
	Err error
	// Started: the current stage has begun work on this user.
	Started bool
	// Skipped: the user needed nothing (the bulk runner said why).
	Skipped bool
	// Plan and Result are the command's own (a reset plan, a TAP, ...).
	Plan   any
	Result any
	// MFAState is the per-user MFA state mfa-state sets for this user
	// (the same for all, or the legacy bulk file's row).
	MFAState graph.PerUserMFAState
}

// name is how the user is called in messages: the UPN once resolved.
func (j *job) name() string {
	if j.User.UserPrincipalName != "" {
		return graph.CleanText(j.User.UserPrincipalName)
	}
	return j.Target.Value
}

// workers bounds how many users are worked on at once (a profile's
// bulk.concurrency replaces it): the one default, graph.DefaultConcurrency.
const workers = graph.DefaultConcurrency

// forEach runs op for every job that has not failed, a few at a time, and
// records op's error on the job. It is the one place multi-user work runs:
// the seam where the bulk runner plugs in. On a terminal a progress line
// updates in place; otherwise, when logLines is set, one plain line per user.
// A cancelled ctx stops new work; jobs not started get ctx's error.
func (e *Env) forEach(ctx context.Context, verb string, jobs []*job, logLines bool, op func(ctx context.Context, j *job) error) {
	var todo []*job
	for _, j := range jobs {
		if j.Err == nil {
			todo = append(todo, j)
		}
	}
	if len(todo) == 0 {
		return
	}
	for _, j := range todo {
		j.Started = false
	}
	if len(todo) > 1 {
		// A person is not waiting on any single one of these.
		ctx = graph.WithPriority(ctx, graph.PriorityLow)
	}
	var (
		mu         sync.Mutex
		done, fail int
		wg         sync.WaitGroup
		feed       = make(chan *job)
	)
	progress := func(j *job) {
		mu.Lock()
		defer mu.Unlock()
		done++
		if j.Err != nil {
			fail++
		}
		switch {
		case e.ErrTerminal && len(todo) > 1:
			s := fmt.Sprintf("\r\x1b[K%s %d/%d", verb, done, len(todo))
			if fail > 0 {
				s += fmt.Sprintf(" · %d failed", fail)
			}
			fmt.Fprint(e.Stderr, s)
			if done == len(todo) {
				fmt.Fprintln(e.Stderr)
			}
		case logLines && !e.ErrTerminal:
			status := "done"
			if j.Err != nil {
				status = "failed: " + oneLine(j.Err)
			}
			fmt.Fprintf(e.Stderr, "[%d/%d] %s %s: %s\n", done, len(todo), verb, j.name(), status)
		}
	}
	n := workers
	if e.session != nil && e.session.Prof != nil && e.session.Prof.Bulk.Concurrency > 0 {
		n = e.session.Prof.Bulk.Concurrency
	}
	for range min(n, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range feed {
				j.Err = op(ctx, j)
				progress(j)
			}
		}()
	}
	for _, j := range todo {
		if ctx.Err() != nil {
			break
		}
		select {
		case feed <- j:
			j.Started = true
		case <-ctx.Done():
		}
	}
	close(feed)
	wg.Wait()
	for _, j := range todo {
		if !j.Started && j.Err == nil {
			j.Err = fmt.Errorf("%w: %w", errNotStarted, context.Cause(ctx))
		}
	}
}

// resolveJobs looks every target up (object id or UPN), before anything is
// planned, and drops a user named twice (by id and by UPN). The list is
// refused whole, before any change, when a user could not be looked up
// (Graph throttled past the limit, unavailable, denied: such a user may
// exist, so it is never called unknown) or, unless o.SkipUnknown, when a
// user does not exist, naming every line. With o.SkipUnknown the unknown
// users are named and left out.
func (e *Env) resolveJobs(ctx context.Context, c graph.Client, targets []graph.Target, o targetOptions) ([]*job, error) {
	unit, src := "argument", "the arguments"
	if o.CSV != "" {
		unit, src = "line", o.CSV
		if o.CSV == "-" {
			src = "stdin"
		}
	}
	ro := graph.ResolveOptions{}
	if e.ErrTerminal && len(targets) > 1 {
		var mu sync.Mutex
		ro.OnProgress = func(p graph.ResolveProgress) {
			mu.Lock()
			defer mu.Unlock()
			s := fmt.Sprintf("\r\x1b[Klooking up %d/%d", p.Done, p.Total)
			if p.NotFound > 0 {
				s += fmt.Sprintf(" · %d not found", p.NotFound)
			}
			if p.Failed > 0 {
				s += fmt.Sprintf(" · %d could not be looked up", p.Failed)
			}
			if p.Throttled > 0 {
				s += fmt.Sprintf(" · throttled %d×", p.Throttled)
				if !p.WaitingUntil.IsZero() {
					s += " (retrying at " + p.WaitingUntil.Format("15:04:05") + ")"
				}
			}
			fmt.Fprint(e.Stderr, s)
			if p.Done == p.Total {
				fmt.Fprintln(e.Stderr)
			}
		}
	}
	res := graph.ResolveTargets(ctx, c, targets, ro)
	if err := context.Cause(ctx); err != nil {
		return nil, Failed(fmt.Errorf("looking up the users: %w; nothing was changed", err))
	}
	var unknown, failed []string
	list := func(dst *[]string, r graph.Resolved, why string) {
		*dst = append(*dst, fmt.Sprintf("%s %d: %s%s", unit, r.Target.Line, graph.CleanText(r.Target.Value), why))
	}
	for _, r := range res {
		switch {
		case r.NotFound:
			list(&unknown, r, "")
		case r.Err != nil:
			list(&failed, r, ": "+oneLine(r.Err))
		}
	}
	if len(failed) > 0 {
		return nil, Failed(fmt.Errorf("%s: %d user(s) could not be looked up (they may exist; nothing was changed; run it again):\n%s",
			src, len(failed), listLines(failed)))
	}
	if len(unknown) > 0 && !o.SkipUnknown {
		return nil, Usagef("%s: %d user(s) not found in this tenant:\n%s\nNothing was changed. Fix the list, or pass --skip-unknown to act on the others.",
			src, len(unknown), listLines(unknown))
	}
	if len(unknown) > 0 {
		e.note(fmt.Sprintf("warning: skipping %d user(s) not found in this tenant (--skip-unknown):\n%s", len(unknown), listLines(unknown)))
	}
	seen := map[string]*job{}
	var out []*job
	for _, r := range res {
		if r.NotFound {
			continue
		}
		j := &job{Target: r.Target, User: r.User}
		if first, dup := seen[j.User.ID]; dup {
			fmt.Fprintf(e.Stderr, "warning: %s and %s are the same user (%s); once is enough\n",
				first.Target.Value, j.Target.Value, j.name())
			continue
		}
		seen[j.User.ID] = j
		out = append(out, j)
	}
	if len(out) == 0 {
		return nil, Usagef("%s: none of the users exists in this tenant; nothing was changed", src)
	}
	return out, nil
}

// listLines indents a list, at most 20 lines then "… and N more".
func listLines(ls []string) string {
	const most = 20
	var b strings.Builder
	for i, l := range ls {
		if i == most && len(ls) > most+1 {
			fmt.Fprintf(&b, "  … and %d more\n", len(ls)-most)
			break
		}
		b.WriteString("  " + l + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

var errNotStarted = errors.New("not started (interrupted)")

// resolveUser finds one user, saying plainly when there is no such user.
func resolveUser(ctx context.Context, c graph.Client, idOrUPN string) (graph.User, error) {
	u, err := c.ResolveUser(ctx, idOrUPN)
	if errors.Is(err, graph.ErrNotFound) {
		return u, fmt.Errorf("no user %s in this tenant: %w", graph.CleanText(idOrUPN), errNoUser)
	}
	return u, err
}

// oneLine is an error's text for a table cell or a progress line.
func oneLine(err error) string {
	if ge, ok := graph.AsError(err); ok {
		s := graph.CleanText(ge.Message)
		if s == "" {
			s = ge.Kind.Error()
		}
		if ge.Needs != "" {
			s += " (needs " + graph.CleanText(ge.Needs) + ")"
		}
		if ge.RequestID != "" {
			s += " [request-id " + graph.CleanText(ge.RequestID) + "]"
		}
		return s
	}
	return graph.CleanText(err.Error())
}

// status is a job's outcome word.
func (j *job) status(dryRun bool) string {
	switch {
	case errors.Is(j.Err, errNotStarted):
		return "not started"
	case j.Err != nil:
		return "failed"
	case dryRun:
		return "planned"
	case j.Skipped:
		return "skipped"
	}
	return "done"
}

// errorJSON is a failure in --output json.
type errorJSON struct {
	Kind      string `json:"kind"`
	Message   string `json:"message"`
	Code      string `json:"code,omitempty"`
	Status    int    `json:"status,omitempty"`
	RequestID string `json:"requestId,omitempty"`
	Needs     string `json:"needs,omitempty"`
}

func toErrorJSON(err error) *errorJSON {
	if err == nil {
		return nil
	}
	out := &errorJSON{Kind: errorKind(err), Message: graph.CleanText(err.Error())}
	if ge, ok := graph.AsError(err); ok {
		out.Message = graph.CleanText(ge.Message)
		if out.Message == "" {
			out.Message = ge.Kind.Error()
		}
		out.Code, out.Status, out.RequestID, out.Needs = graph.CleanText(ge.Code), ge.Status, graph.CleanText(ge.RequestID), graph.CleanText(ge.Needs)
	}
	return out
}

// errorKind names a classified error for scripts.
func errorKind(err error) string {
	for _, k := range []struct {
		err  error
		name string
	}{
		{graph.ErrDenied, "denied"}, {graph.ErrSignIn, "signIn"}, {graph.ErrNotFound, "notFound"},
		{errNoUser, "notFound"}, {graph.ErrConflict, "conflict"}, {graph.ErrThrottled, "throttled"},
		{graph.ErrUnavailable, "unavailable"}, {graph.ErrUnlicensed, "unlicensed"},
		{graph.ErrBadRequest, "badRequest"}, {graph.ErrReadOnly, "readOnly"}, {graph.ErrProtected, "protected"}, {context.Canceled, "cancelled"},
		{context.DeadlineExceeded, "timeout"},
	} {
		if errors.Is(err, k.err) {
			return k.name
		}
	}
	return "error"
}

// resultJSON is one user's line of a multi-user command's --output json.
type resultJSON struct {
	Target            string     `json:"target"`
	ID                string     `json:"id,omitempty"`
	UserPrincipalName string     `json:"userPrincipalName,omitempty"`
	Status            string     `json:"status"`
	Error             *errorJSON `json:"error,omitempty"`
	Plan              any        `json:"plan,omitempty"`
	Result            any        `json:"result,omitempty"`
}

// emitResults prints the per-user outcome of a multi-user command (table,
// json or csv), then a one-line summary on stderr, and returns the error
// that gives the exit code: nil when every user is done.
func (e *Env) emitResults(verb string, jobs []*job, dryRun bool, detail func(j *job) string) error {
	v := View{Header: []string{"USER", "STATUS", "DETAIL"}}
	docs := make([]resultJSON, 0, len(jobs))
	counts := map[string]int{}
	for _, j := range jobs {
		st := j.status(dryRun)
		counts[st]++
		d := ""
		if detail != nil && (j.Err == nil || j.Result != nil) {
			d = detail(j)
		}
		if j.Err != nil {
			// What failed first, then what did get done.
			d = strings.TrimSuffix(oneLine(j.Err)+"; "+d, "; ")
		}
		v.Rows = append(v.Rows, []string{j.name(), st, d})
		docs = append(docs, resultJSON{Target: j.Target.Value, ID: j.User.ID,
			UserPrincipalName: graph.CleanText(j.User.UserPrincipalName), Status: st,
			Error: toErrorJSON(j.Err), Plan: j.Plan, Result: j.Result})
	}
	v.JSON = docs
	if err := e.Emit(v); err != nil {
		return err
	}
	var parts []string
	for _, st := range []string{"done", "skipped", "planned", "failed", "not started"} {
		if counts[st] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[st], st))
		}
	}
	fmt.Fprintf(e.Stderr, "%s: %s (of %d users)\n", verb, strings.Join(parts, ", "), len(jobs))
	return jobsExit(jobs)
}

// jobsExit is the exit for a finished multi-user command: 0 when all went
// well; 3 when sign-in failed or every failure was a refusal (the operator
// cannot do this at all); 1 when some users failed.
func jobsExit(jobs []*job) error {
	failed, denied := 0, 0
	for _, j := range jobs {
		if j.Err == nil {
			continue
		}
		failed++
		if errors.Is(j.Err, graph.ErrSignIn) {
			return silentExit(ExitDenied)
		}
		if errors.Is(j.Err, graph.ErrDenied) || errors.Is(j.Err, graph.ErrReadOnly) {
			denied++
		}
	}
	switch {
	case failed == 0:
		return nil
	case denied == failed && failed == len(jobs):
		return silentExit(ExitDenied)
	}
	return silentExit(ExitFailed)
}
