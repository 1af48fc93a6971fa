package cli

// Multi-user changes run on graph.RunBulk: bounded concurrency, $batch,
// pacing under throttling, and a journal synced per step so a run killed at
// any moment is finished with --resume, without repeating or losing a user.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/history"
	"github.com/spf13/cobra"
)

// planFullUpTo is the number of users whose methods are listed for the
// plan shown before a confirmation. Above it the plan is summarised (listing
// thousands of users first would double the run); --dry-run always lists.
const planFullUpTo = 50

// bulkOptions are the flags of the commands that run on the bulk runner.
type bulkOptions struct {
	Journal       string
	Resume        string
	OtherOperator bool
	// Passes is where a run that issues passes writes them, each as it
	// is issued (passes.go); ReissuePasses, on a resume, gives a new pass
	// to every user whose pass was issued and never delivered.
	Passes        string
	ReissuePasses bool
}

func addBulkFlags(cmd *cobra.Command, o *bulkOptions) {
	cmd.Flags().StringVar(&o.Journal, "journal", "", "write the run's journal here (default: a new file in the state directory, printed at the start)")
	cmd.Flags().StringVar(&o.Resume, "resume", "", "finish an interrupted run from its journal (no users or --csv); only in the tenant it was started in")
	cmd.Flags().BoolVar(&o.OtherOperator, "other-operator", false, "with --resume: finish a run another operator started (same tenant only)")
	if cmd.Name() == "reregister" {
		cmd.Flags().StringVar(&o.Passes, "passes", "", "with --tap for several users (or --journal/--resume): write each pass to this new file (0600) as it is issued; required")
		cmd.Flags().BoolVar(&o.ReissuePasses, "reissue-passes", false, "with --resume: issue a new pass to every user whose pass was issued but never delivered (the old one stops working)")
	}
}

// runIdent is who is signed in, where: recorded in a new run's journal,
// checked against it on a resume.
type runIdent struct {
	tenantID, endpoint, operator string
}

// identity reads the signed-in operator and tenant once (a read: nothing
// is changed before a resume is checked against it).
func (e *Env) identity(ctx context.Context, s *Session) runIdent {
	if e.ident != nil {
		return *e.ident
	}
	id := runIdent{endpoint: s.Endpoint}
	if op, err := s.Client.Me(ctx); err == nil {
		id.tenantID, id.operator = op.TenantID, op.UserPrincipalName
		if op.IsApp || id.operator == "" {
			id.operator = op.AppID
		}
	}
	e.ident = &id
	return id
}

func (id runIdent) apply(opts *graph.BulkOptions) {
	opts.TenantID, opts.Endpoint, opts.Operator = id.tenantID, id.endpoint, id.operator
}

// bulkRow is one user's line of a bulk run's --output json result.
type bulkRow struct {
	graph.UserResult
	// TAP is the pass issued to this user (re-register --tap), without its
	// value (for the notification's expiry): the value went to --passes.
	TAP *graph.TAP `json:"-"`
	// PassesFile is where this user's pass was written.
	PassesFile string `json:"passesFile,omitempty"`
}

// journalPath picks where a new run's journal goes: --journal, else beside
// the change history (runs/<time>-<op>.jsonl). The in-process demo tenant
// keeps its journal in memory unless --journal is given.
func (e *Env) journalPath(s *Session, o bulkOptions, op graph.OpKind) (string, error) {
	if o.Journal != "" || s.Demo != nil {
		return o.Journal, nil
	}
	hp, err := history.PathFrom(e.Getenv)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(filepath.Dir(hp), "runs")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("journal directory: %w", err)
	}
	return filepath.Join(dir, time.Now().UTC().Format("20060102T150405.000Z")+"-"+string(op)+".jsonl"), nil
}

// runBulk applies op to the jobs that have not failed (their resolved ids,
// or the targets as given when they were not looked up) and fills each job
// from the run's report. resume, when set, finishes that journal instead.
func (e *Env) runBulk(ctx context.Context, s *Session, verb string, op graph.Operation, jobs []*job, o bulkOptions) error {
	var targets []string
	byTarget := map[string]*job{}
	for _, j := range jobs {
		if j.Err != nil {
			continue
		}
		t := j.Target.Value
		if j.User.ID != "" {
			t = j.User.ID
		}
		targets = append(targets, t)
		byTarget[strings.ToLower(t)] = j
	}
	if o.Resume != "" {
		ctx = resumeTicket(ctx, o.Resume)
		if run, err := graph.ReadJournal(o.Resume); err == nil {
			op = run.Run.Op
		}
	}
	// Passes go to the file named before anything is changed; a run that
	// would issue passes with nowhere to deliver them is refused.
	pf, err := e.passesFor(op, o)
	if err != nil {
		return err
	}
	defer pf.Close()
	a := approvalFrom(ctx)
	opts := graph.BulkOptions{
		Batch:  true,
		Tenant: s.TenantName,
		Reason: a.Ticket, Approval: a,
		// Start inside the documented directory write budget (method
		// work: see graph.StartRPS), then adapt from Graph's answers.
		StartRPS: graph.StartRPS(op.Kind),
	}
	if s.Prof != nil && s.Prof.Bulk.Concurrency > 0 {
		opts.Concurrency = s.Prof.Bulk.Concurrency
	}
	e.identity(ctx, s).apply(&opts)
	opts.OtherOperator = o.OtherOperator
	var (
		mu     sync.Mutex
		passes = map[string]*graph.TAP{}
	)
	if pf != nil {
		opts.DeliverTAP = pf.deliver
		opts.ReissuePasses = o.ReissuePasses
		e.note(fmt.Sprintf("Passes: %s (each written as it is issued; mfadesk keeps no copy)", pf.path))
	}
	opts.OnEvent = func(ev graph.Event) {
		if ev.TAP != nil {
			t := *ev.TAP
			t.Value = "" // delivered to --passes; not kept
			mu.Lock()
			passes[strings.ToLower(ev.User)] = &t
			mu.Unlock()
		}
		e.bulkProgress(verb, ev)
	}

	var sum *graph.BulkSummary
	if o.Resume != "" {
		opts.Journal = o.Resume
		sum, err = graph.ResumeBulk(ctx, s.Client, o.Resume, opts)
	} else {
		if opts.Journal, err = e.journalPath(s, o, op.Kind); err != nil {
			return err
		}
		if opts.Journal != "" {
			e.note(fmt.Sprintf("Journal: %s (if interrupted: mfadesk %s --resume %s)", opts.Journal, e.command, opts.Journal))
		}
		if op.MFAStatePerUser {
			// Each user's own state goes with them (the legacy bulk file).
			bj := make([]graph.BulkJob, 0, len(targets))
			for _, t := range targets {
				bj = append(bj, graph.BulkJob{Target: t, MFAState: byTarget[strings.ToLower(t)].MFAState})
			}
			sum, err = graph.RunBulkJobs(ctx, s.Client, op, bj, opts)
		} else {
			sum, err = graph.RunBulk(ctx, s.Client, op, targets, opts)
		}
	}
	// A journal that could not be written (a full disk) stopped the run
	// part way, like an interruption: the report still comes out.
	journalBroke := errors.Is(err, graph.ErrJournal) && sum != nil
	passesBroke := errors.Is(err, graph.ErrPassDelivery) && sum != nil
	interrupted := errors.Is(err, graph.ErrBulkInterrupted) || journalBroke || passesBroke
	if err != nil && !interrupted {
		return err
	}
	// The report, in target order, from the journal.
	var out []*job
	for _, j := range jobs {
		if j.Err != nil {
			out = append(out, j)
		}
	}
	for _, r := range sum.Results {
		row := &bulkRow{UserResult: r, TAP: passes[strings.ToLower(r.User)]}
		if r.TAPDelivered && pf != nil {
			row.PassesFile = pf.path
		}
		j := byTarget[strings.ToLower(r.User)]
		if j == nil { // a resumed run: the journal names the users
			j = &job{Target: graph.Target{Value: r.User, IsID: true}}
		}
		if j.User.ID == "" {
			j.User.ID = r.UserID
		}
		j.Result = row
		switch r.State {
		case graph.StateFailed:
			j.Err = bulkError(r)
		case graph.StateSkipped:
			j.Skipped = true
		case graph.StatePending:
			j.Err = fmt.Errorf("%w: resume the run with --resume %s", errNotStarted, sum.Journal)
		}
		out = append(out, j)
	}
	res := e.emitResults(verb, out, false, func(j *job) string {
		r, ok := j.Result.(*bulkRow)
		if !ok {
			return ""
		}
		return bulkLine(r.UserResult)
	})
	if sum.Journal != "" {
		e.note(fmt.Sprintf("Journal: %s", sum.Journal))
	}
	if pf != nil {
		e.note(fmt.Sprintf("Passes: %d written to %s", pf.count(), pf.path))
	}
	if len(sum.Undelivered) > 0 {
		e.noteUndelivered(sum)
		if res == nil {
			res = silentExit(ExitFailed)
		}
	}
	if interrupted {
		if errors.Is(err, graph.ErrGraphRefusing) {
			e.note(graph.CleanText(err.Error()))
		}
		if passesBroke {
			e.note("Stopped: " + graph.CleanText(err.Error()) + ".\nNo pass was issued after that.")
		}
		if journalBroke {
			e.note("Stopped: " + graph.CleanText(err.Error()) + ".\n" +
				"No change was sent after that. Changes already on their way may have gone through without being journaled " +
				"(the change history has them); a resume re-reads each unfinished user's methods, so nothing is repeated or lost.\n" +
				"Free some disk space first.")
		}
		finish := fmt.Sprintf("mfadesk %s --resume %s", e.command, sum.Journal)
		if op.TAP != nil {
			finish += " --passes NEWFILE"
		}
		e.note(fmt.Sprintf("Interrupted: %d user(s) not finished. Finish with: %s", sum.Pending, finish))
		return silentExit(ExitFailed)
	}
	return res
}

// bulkError turns a failed report row into a classified error (for the
// exit code and the JSON error object).
func bulkError(r graph.UserResult) error {
	kind := graph.ErrUnavailable
	switch {
	case r.Status == 401 || r.Status == 403:
		kind = graph.ErrDenied
	case r.Status == 404:
		kind = graph.ErrNotFound
	case r.Status == 429:
		kind = graph.ErrThrottled
	case r.Status == 400 || r.Status == 409 || r.Status == 412:
		kind = graph.ErrBadRequest
	case r.Status == 0 && strings.Contains(strings.ToLower(r.Why), "protected"):
		kind = graph.ErrProtected
	case r.Status == 0 && strings.Contains(strings.ToLower(r.Why), "read-only"):
		kind = graph.ErrReadOnly
	}
	return &graph.Error{Kind: kind, Status: r.Status, Message: r.Why, RequestID: r.RequestID}
}

// bulkLine sums up a report row for the table (never a pass value).
func bulkLine(r graph.UserResult) string {
	var parts []string
	if r.State == graph.StateSkipped && r.Why != "" {
		parts = append(parts, "skipped: "+r.Why)
	}
	if len(r.Deleted) > 0 {
		kinds := make([]string, len(r.Deleted))
		for i, d := range r.Deleted {
			kinds[i], _, _ = strings.Cut(d, ":")
		}
		parts = append(parts, "deleted "+strings.Join(kinds, ", "))
	}
	if len(r.Kept) > 0 {
		parts = append(parts, "kept "+strings.Join(r.Kept, ", "))
	}
	if r.SessionsRevoked {
		parts = append(parts, "sessions revoked")
	}
	switch {
	case r.TAPIssued && r.TAPDelivered:
		parts = append(parts, "pass issued and delivered")
	case r.TAPIssued:
		parts = append(parts, "pass issued, NOT delivered (see below)")
	}
	switch {
	case r.PerUserMFA != "" && r.PreviousPerUserMFA != "":
		parts = append(parts, "per-user MFA "+r.PreviousPerUserMFA+" -> "+r.PerUserMFA)
	case r.PerUserMFA != "":
		parts = append(parts, "per-user MFA "+r.PerUserMFA)
	}
	return strings.Join(parts, "; ")
}

// bulkProgress shows the run: a line updated in place on a terminal, one
// plain line per finished user otherwise. Never a pass value.
func (e *Env) bulkProgress(verb string, ev graph.Event) {
	c := ev.Counts
	if ev.Kind == graph.EventWaiting {
		// A long pause is always said, on a terminal or not: what it
		// waits for, until when, and how to stop.
		lead := ""
		if e.ErrTerminal {
			lead = "\r\x1b[K"
		}
		fmt.Fprintf(e.Stderr, "%s%s: waiting until %s (%s): %s; ctrl+c stops cleanly, --resume finishes later\n",
			lead, verb, ev.Until.Local().Format("15:04:05"), ev.Until.Sub(ev.Time).Round(time.Second), graph.CleanText(ev.Why))
		return
	}
	if e.ErrTerminal {
		switch ev.Kind {
		case graph.EventDone, graph.EventSkipped, graph.EventFailed, graph.EventThrottled, graph.EventFinished:
			s := fmt.Sprintf("\r\x1b[K%s %d/%d", verb, c.Finished(), c.Total)
			if c.Failed > 0 {
				s += fmt.Sprintf(" · %d failed", c.Failed)
			}
			if c.Skipped > 0 {
				s += fmt.Sprintf(" · %d skipped", c.Skipped)
			}
			if c.Throttled > 0 {
				s += fmt.Sprintf(" · throttled %d×", c.Throttled)
			}
			if c.Rate > 0 {
				s += fmt.Sprintf(" · %.0f req/s", c.Rate)
			}
			fmt.Fprint(e.Stderr, s)
			if ev.Kind == graph.EventFinished {
				fmt.Fprintln(e.Stderr)
			}
		}
		return
	}
	switch ev.Kind {
	case graph.EventDone:
		fmt.Fprintf(e.Stderr, "[%d/%d] %s %s: done\n", c.Finished(), c.Total, verb, graph.CleanText(ev.User))
	case graph.EventSkipped:
		fmt.Fprintf(e.Stderr, "[%d/%d] %s %s: skipped: %s\n", c.Finished(), c.Total, verb, graph.CleanText(ev.User), graph.CleanText(ev.Why))
	case graph.EventFailed:
		fmt.Fprintf(e.Stderr, "[%d/%d] %s %s: failed: %s\n", c.Finished(), c.Total, verb, graph.CleanText(ev.User), graph.CleanText(ev.Why))
	}
}

// resumeCheck reads a journal before resuming it: it must be a run of this
// command, and it says how many users are left (with reissue, counting the
// users whose pass is to be issued again: that too needs the approval).
func resumeCheck(path string, kind graph.OpKind, reissue bool) (run graph.JournalRun, pending int, err error) {
	j, st, err := graph.OpenJournal(path)
	if err != nil {
		return run, 0, Usage(err)
	}
	run = st.Run
	j.Close()
	if st.Run.Op.Kind != kind {
		return run, 0, Usagef("%s is the journal of a %s run; resume it with mfadesk %s --resume", path, st.Run.Op.Kind, st.Run.Op.Kind)
	}
	for _, u := range st.Users {
		if u.Final == nil {
			pending++
		}
	}
	if reissue {
		for _, p := range st.Undelivered() {
			if u := st.User(p.User); u != nil && u.Final != nil {
				pending++
			}
		}
	}
	return run, pending, nil
}

// resumeTicket carries the run's ticket (in its journal header) into the
// change history of a resume: the resumed changes are recorded under the
// ticket the run was approved for, and under the resume's own ticket too
// when one was given and differs (issue 15.9).
func resumeTicket(ctx context.Context, journal string) context.Context {
	st, err := graph.ReadJournal(journal)
	if err != nil {
		return ctx // ResumeBulk reports it
	}
	orig := strings.TrimSpace(st.Run.Reason)
	a := approvalFrom(ctx)
	cur := a.Ticket
	switch {
	case orig == "" || cur == orig:
		return ctx
	case cur == "":
		a.Ticket = orig
		return withApproval(ctx, a)
	}
	a.Ticket = orig + " (resumed under " + cur + ")"
	return withApproval(ctx, a)
}

// passesFor opens --passes for a run that issues passes. A run that would
// issue passes with nowhere to deliver them is refused, as are --passes
// and --reissue-passes where they mean nothing: before any change.
func (e *Env) passesFor(op graph.Operation, o bulkOptions) (*passesFile, error) {
	if o.ReissuePasses && o.Resume == "" {
		return nil, Usagef("--reissue-passes goes with --resume JOURNAL (the journal says whose passes were never delivered)")
	}
	if op.TAP == nil {
		if o.Passes != "" || o.ReissuePasses {
			return nil, Usagef("--passes and --reissue-passes are for a re-register with --tap; this run issues no pass")
		}
		return nil, nil
	}
	if o.Passes == "" {
		return nil, Usagef("this run issues Temporary Access Passes: name a new file for them with --passes FILE " +
			"(each pass is written there, 0600, as it is issued, so an interrupted run loses none); nothing was changed")
	}
	pf, err := openPasses(o.Passes)
	if err != nil {
		return nil, Usage(fmt.Errorf("%w; nothing was changed", err))
	}
	return pf, nil
}

// noteUndelivered lists the users whose pass was issued and never
// delivered (the value reached nobody), and how to give them new ones.
func (e *Env) noteUndelivered(sum *graph.BulkSummary) {
	var b strings.Builder
	fmt.Fprintf(&b, "%d pass(es) were issued but never delivered; nobody has their value:\n", len(sum.Undelivered))
	for i, p := range sum.Undelivered {
		if i == 20 && len(sum.Undelivered) > 21 {
			fmt.Fprintf(&b, "  … and %d more\n", len(sum.Undelivered)-20)
			break
		}
		fmt.Fprintf(&b, "  %s (issued %s)\n", graph.CleanText(p.User), p.Issued.Local().Format("2006-01-02 15:04:05"))
	}
	fmt.Fprintf(&b, "Issue them new passes (each old one stops working) with:\n  mfadesk %s --resume %s --reissue-passes --passes NEWFILE", e.command, sum.Journal)
	e.note(b.String())
}
