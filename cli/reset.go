package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
	"github.com/spf13/cobra"
)

// parseKinds reads --keep: comma-separated method kinds (Graph's names or
// the aliases of graph's naming table, any case).
func parseKinds(s string) ([]graph.MethodKind, error) {
	ks, err := graph.ParseMethodKinds(s)
	if err != nil {
		return nil, fmt.Errorf("--keep %q: %w", s, err)
	}
	return ks, nil
}

func joinKinds(ks []graph.MethodKind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func resetCmd(env *Env) *cobra.Command {
	var (
		o      targetOptions
		keep   string
		notify bool
	)
	cmd := &cobra.Command{
		Use:   "reset USER... | --csv FILE",
		Short: ops.MustGet(ops.Reset).Short,
		Long:  ops.MustGet(ops.Reset).Long,
		Example: "  mfadesk reset alice@contoso.com\n" +
			"  mfadesk reset --csv users.csv --keep fido2,windowsHelloForBusiness --dry-run\n" +
			"  mfadesk reset --csv users.csv --yes -o json > results.json",
		RunE: func(cmd *cobra.Command, args []string) error {
			keepKinds, err := parseKinds(keep)
			if err != nil {
				return Usage(err)
			}
			o.checklist = ops.MustGet(ops.Reset).Checklist
			return env.runReset(cmd.Context(), args, o, resetSpec{keep: keepKinds, keepSet: cmd.Flags().Changed("keep"),
				notify: notifyFlagOf(cmd, notify)})
		},
	}
	addTargetFlags(cmd, &o)
	addNotifyFlag(cmd, &notify)
	cmd.Flags().StringVar(&keep, "keep", "", "method kinds to keep, comma-separated (e.g. fido2,windowsHelloForBusiness)")
	return cmd
}

func reregisterCmd(env *Env) *cobra.Command {
	var (
		o        targetOptions
		tap      bool
		lifetime time.Duration
		oneTime  bool
		notify   bool
	)
	cmd := &cobra.Command{
		Use:   "reregister USER... | --csv FILE",
		Short: ops.MustGet(ops.Reregister).Short,
		Long:  ops.MustGet(ops.Reregister).Long,
		Example: "  mfadesk reregister alice@contoso.com --tap --tap-lifetime 2h\n" +
			"  mfadesk reregister --csv users.csv --dry-run",
		RunE: func(cmd *cobra.Command, args []string) error {
			o.checklist = ops.MustGet(ops.Reregister).Checklist
			spec := resetSpec{reregister: true, notify: notifyFlagOf(cmd, notify)}
			if tap {
				req, err := tapRequest(lifetime, cmd.Flags().Changed("tap-lifetime"), oneTime, cmd.Flags().Changed("tap-one-time"), "")
				if err != nil {
					return err
				}
				spec.tap = &req
			}
			return env.runReset(cmd.Context(), args, o, spec)
		},
	}
	addTargetFlags(cmd, &o)
	addNotifyFlag(cmd, &notify)
	cmd.Flags().BoolVar(&tap, "tap", false, "also issue a Temporary Access Pass for the new registration")
	cmd.Flags().DurationVar(&lifetime, "tap-lifetime", time.Hour, "the pass's lifetime (default: the TAP policy's default)")
	cmd.Flags().BoolVar(&oneTime, "tap-one-time", false, "the pass works for one sign-in only (default: as the TAP policy says)")
	return cmd
}

// resetSpec says which of the two reset flavours runs.
type resetSpec struct {
	keep       []graph.MethodKind // reset: kinds to keep
	keepSet    bool               // --keep was given (else the profile's keepOnReset)
	reregister bool               // re-register: portal semantics + revoke
	tap        *graph.TAPRequest  // re-register: issue a pass afterwards
	notify     notifyFlag         // --notify
}

// notifyKind is what the notification mail says happened.
func (r resetSpec) notifyKind() graph.NotifyKind {
	if r.reregister {
		return graph.NotifyReregister
	}
	return graph.NotifyReset
}

func (r resetSpec) verb() string {
	if r.reregister {
		return "Require re-registration"
	}
	return "Reset MFA"
}

// runReset is reset and reregister: check input, plan every user, show the
// plan, confirm, run, report.
func (e *Env) runReset(ctx context.Context, args []string, o targetOptions, spec resetSpec) error {
	verb := spec.verb()
	if o.Resume != "" {
		return e.resumeRun(ctx, args, o, verb, spec.opKind())
	}
	targets, err := e.readTargets(args, o.CSV)
	if err != nil {
		return err
	}
	s, err := e.Session(ctx)
	if err != nil {
		return err
	}
	if !spec.reregister && !spec.keepSet && s.Prof != nil && len(s.Prof.KeepOnReset) > 0 {
		spec.keep = s.Prof.KeepOnReset
		e.note(fmt.Sprintf("Keeping %s (keepOnReset in profile %q; --keep overrides).", joinKinds(spec.keep), s.Prof.Name))
	}
	n := notifierFor(s, spec.notify, spec.notifyKind())
	if !o.DryRun {
		if err := e.requireWrite(s, strings.ToLower(verb)); err != nil {
			return err
		}
		if err := e.canApprove(s, o.approval, verb); err != nil {
			return err
		}
	}

	// Every user is looked up before anything is planned: an unknown one
	// rejects the list (unless --skip-unknown), whatever its size.
	jobs, err := e.resolveJobs(ctx, s.Client, targets, o)
	if err != nil {
		return err
	}
	if err := e.checkRisks(ctx, s, jobs, o, graph.WriteDeleteMethod); err != nil {
		return err
	}
	if len(jobs) <= planFullUpTo || o.DryRun {
		e.forEach(ctx, "planning", jobs, false, func(ctx context.Context, j *job) error {
			// A protected account (config) is refused here, before the
			// confirmation, rather than half-way through.
			// (A dry run in read-only mode still shows its plan.)
			if err := graph.CheckWrite(ctx, s.Client, graph.WriteDeleteMethod, j.User.ID); err != nil &&
				!(o.DryRun && errors.Is(err, graph.ErrReadOnly)) {
				return err
			}
			methods, err := s.Client.ListMethods(ctx, j.User.ID)
			if err != nil {
				return err
			}
			p := spec.plan(methods)
			if n != nil {
				// The plan names the recipient, so the operator sees who gets mail.
				p.setMail(n.recipient(ctx, s.Client, j.User))
			}
			j.Plan = p
			return nil
		})
		if o.DryRun {
			return e.emitPlans(verb, jobs, spec)
		}
	}
	planned := 0
	for _, j := range jobs {
		if j.Err == nil {
			planned++
		}
	}
	if planned == 0 {
		return e.emitResults(verb, jobs, false, nil)
	}
	if len(jobs) <= planFullUpTo {
		e.note(fmt.Sprintf("Plan: %s for %d user(s):", strings.ToLower(verb), planned))
		e.writePlans(e.Stderr, jobs, planPreview, spec)
	} else {
		sum := spec.summary(planned)
		if n != nil {
			sum += "\nAfterwards, mail each user who is done"
			if n.toManager {
				sum += " (their manager; users without one get no mail)"
			}
			sum += "."
		}
		e.note(sum)
	}
	ctx, err = e.approve(ctx, s, o.approval, planned, verb)
	if err != nil {
		return err
	}
	ticket := approvalFrom(ctx).Ticket
	// One engine either way (graph's bulk runner): several users, or a
	// journal asked for, run with a journal file and the bulk report; one
	// user runs with an in-memory journal (graph.Reset / Reregister over
	// graph.RunOne) and gets the single action's per-method outcomes and
	// the pass printed once.
	if planned > 1 || o.Journal != "" {
		res := e.runBulk(ctx, s, verb, spec.operation(), jobs, o.bulkOptions)
		if n != nil && e.notifyDone(ctx, s, n, jobs, ticket) && res == nil {
			return silentExit(ExitFailed)
		}
		return res
	}
	e.forEach(ctx, strings.ToLower(verb), jobs, true, func(ctx context.Context, j *job) error {
		res, err := spec.run(ctx, s.Client, j.User.ID)
		j.Result = res
		return err
	})
	mails := map[*job]mailOutcome{}
	mailFailed := false
	if n != nil {
		for _, j := range jobs {
			if j.Err != nil || j.Result == nil {
				continue
			}
			var planned mailOutcome
			if p, ok := j.Plan.(userPlan); ok {
				planned = p.mail
			}
			var tap *graph.TAP
			if t, ok := passOf(j.Result); ok {
				tap = &t
			}
			mails[j] = n.send(ctx, s.Client, j.User, planned, ticket, tap)
			mailFailed = mailFailed || mails[j].Failed()
			if e.Flags.Output == "json" {
				e.note(j.name() + ": " + mails[j].String())
			}
		}
	}
	if spec.tap != nil && e.Flags.Output == "table" {
		e.printPasses(jobs)
	}
	res := e.emitResults(verb, jobs, false, func(j *job) string {
		line := resultLine(j.Result)
		if m, ok := mails[j]; ok {
			line += "; " + m.String()
		}
		if tap, ok := passOf(j.Result); ok && e.Flags.Output == "csv" {
			// CSV has no other place for it; the table printed it above.
			line += "; pass " + tap.Value
		}
		return line
	})
	if res == nil && mailFailed {
		// The change is made; the mail is not: say so in the exit code.
		return silentExit(ExitFailed)
	}
	return res
}

// resumeRun finishes an interrupted bulk run of this command from its
// journal, after the same approval as a new run.
func (e *Env) resumeRun(ctx context.Context, args []string, o targetOptions, verb string, kind graph.OpKind) error {
	if len(args) > 0 || o.CSV != "" || o.DryRun {
		return Usagef("--resume takes no users, --csv or --dry-run: the journal says what to do")
	}
	run, pending, err := resumeCheck(o.Resume, kind, o.ReissuePasses)
	if err != nil {
		return err
	}
	s, err := e.Session(ctx)
	if err != nil {
		return err
	}
	if err := e.requireWrite(s, strings.ToLower(verb)); err != nil {
		return err
	}
	// The journal's tenant (and operator) before the approval and before
	// anything is sent that changes anything.
	var chk graph.BulkOptions
	e.identity(ctx, s).apply(&chk)
	chk.OtherOperator = o.OtherOperator
	if err := graph.CheckResume(run, chk); err != nil {
		return Denied(err)
	}
	if pending == 0 {
		e.note("Every user of that run is finished; nothing to resume.")
	} else {
		e.note(fmt.Sprintf("Resume: %d user(s) of %s are not finished.", pending, o.Resume))
		if ctx, err = e.approve(ctx, s, o.approval, pending, verb); err != nil {
			return err
		}
	}
	return e.runBulk(ctx, s, verb, graph.Operation{}, nil, o.bulkOptions)
}

// emitPlans is --dry-run's output: every user's plan in the --output format.
func (e *Env) emitPlans(verb string, jobs []*job, spec resetSpec) error {
	v := View{Header: []string{"USER", "STEP", "ACTION", "KIND", "DETAIL", "METHOD ID"}}
	for _, j := range jobs {
		if j.Err != nil {
			v.Rows = append(v.Rows, []string{j.name(), "", "failed", "", oneLine(j.Err), ""})
			continue
		}
		p := j.Plan.(userPlan)
		for i, m := range p.Delete {
			v.Rows = append(v.Rows, []string{j.name(), fmt.Sprint(i + 1), "delete", methodKindName(m), m.Detail, m.ID})
		}
		for _, k := range p.Keep {
			v.Rows = append(v.Rows, []string{j.name(), "", "keep", methodKindName(k.Method), k.Method.Detail + " · " + k.Reason, k.Method.ID})
		}
		if p.Revoke {
			v.Rows = append(v.Rows, []string{j.name(), fmt.Sprint(len(p.Delete) + 1), "revoke sessions", "", "", ""})
		}
		if p.TAP != nil {
			v.Rows = append(v.Rows, []string{j.name(), fmt.Sprint(len(p.Delete) + 2), "issue pass", string(graph.KindTAP), describeTAP(p.TAP.request()), ""})
		}
		if p.MailTo != "" || p.MailNote != "" {
			v.Rows = append(v.Rows, []string{j.name(), "", "notify", "", p.mail.Planned(), ""})
		}
	}
	if e.Flags.Output == "table" {
		e.writePlans(e.Stdout, jobs, len(jobs), spec)
		e.note("Dry run: nothing changed.")
		return e.emitSummaryOnly(verb, jobs)
	}
	if e.Flags.Output == "csv" {
		if err := e.Emit(v); err != nil {
			return err
		}
		return e.emitSummaryOnly(verb, jobs)
	}
	return e.emitResults(verb, jobs, true, nil)
}

// emitSummaryOnly prints the summary line and returns the exit error.
func (e *Env) emitSummaryOnly(verb string, jobs []*job) error {
	failed := 0
	for _, j := range jobs {
		if j.Err != nil {
			failed++
		}
	}
	e.note(fmt.Sprintf("%s: %d planned, %d failed (of %d users)", verb, len(jobs)-failed, failed, len(jobs)))
	return jobsExit(jobs)
}

// writePlans prints up to limit users' plans as numbered steps: the
// catalogue's words (ops.ResetPlanOf), the steps the console shows.
func (e *Env) writePlans(w io.Writer, jobs []*job, limit int, spec resetSpec) {
	n, failed := 0, 0
	for _, j := range jobs {
		if j.Err != nil {
			failed++
			continue
		}
		if n++; n > limit {
			continue
		}
		p := j.Plan.(userPlan)
		pl := ops.ResetPlanOf(p.ResetPlan, spec.ops())
		fmt.Fprintf(w, "%s\n", e.style(styleHeader, j.name()))
		for i, s := range pl.Steps {
			fmt.Fprintf(w, "  %d. %s\n", i+1, s)
		}
		for _, k := range pl.Keeps {
			fmt.Fprintf(w, "  keep: %s\n", k)
		}
		if p.MailTo != "" || p.MailNote != "" {
			fmt.Fprintf(w, "  notify: %s\n", p.mail.Planned())
		}
		for _, x := range pl.Warnings[:len(pl.Warnings)-1] { // the last is said once below
			fmt.Fprintf(w, "  ! %s\n", x)
		}
	}
	if n > limit {
		fmt.Fprintf(w, "… and %d more users (--dry-run lists every user)\n", n-limit)
	}
	if n > 0 {
		fmt.Fprintf(w, "%s\n", ops.ResetWarning(spec.ops()))
	}
	if failed > 0 {
		fmt.Fprintf(w, "%d user(s) cannot be planned and will be reported as failed:\n", failed)
		for _, j := range jobs {
			if j.Err != nil {
				fmt.Fprintf(w, "  %s: %s\n", j.name(), oneLine(j.Err))
			}
		}
	}
}

// writeTableIndented is a headerless table indented by two spaces.
func (e *Env) writeTableIndented(w io.Writer, rows [][]string) {
	var b strings.Builder
	e.writeTable(&b, make([]string, len(rows[0])), rows)
	for _, l := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n")[1:] {
		fmt.Fprintln(w, "  "+l)
	}
}

// printPasses shows the passes re-register issued, once, before the table.
func (e *Env) printPasses(jobs []*job) {
	for _, j := range jobs {
		if tap, ok := passOf(j.Result); ok {
			e.tapText(e.Stdout, j.name(), tap)
			fmt.Fprintln(e.Stdout)
		}
	}
}
