package actions

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
	"github.com/mfadesk/mfadesk/tui/internal/explain"
	"github.com/mfadesk/mfadesk/tui/internal/input"
)

// Progress is one event of a bulk run: a target finished (Result), or
// Graph throttled the run (Throttled, its Retry-After).
type Progress struct {
	Result    *Result
	Throttled time.Duration
	// Waiting says what the run waits for and until when (a long pause).
	Waiting string
}

// BulkConfig tunes a run.
type BulkConfig struct {
	// Concurrency is how many users are worked on at once (0: the
	// runner's default).
	Concurrency int
	// Journal is the JSONL journal's path ("": kept in memory, no resume).
	Journal string
	// Tenant, TenantID, Endpoint and Operator are written into the
	// journal's header (a resume in another tenant is refused).
	Tenant, TenantID, Endpoint, Operator string
	// Notify, when set, sends the notification of each target the run
	// finished (the catalogue's rule: only users it was done to) and
	// records its outcome on the result. Mails go out one at a time
	// beside the run, never holding the runner up.
	Notify func(ctx context.Context, r *Result)
}

// StartBulk runs op for every target with graph.RunBulk (bounded
// concurrency, $batch, pacing under throttling, journal) and streams one
// Progress per finished target on the returned channel, closed when every
// target is accounted for: done, failed, or skipped with why. pre is asked
// first for each target and may skip it with a reason the runner cannot
// know (the operator's role against an admin target, the protected list).
// A stopped run (ctx ended) reports the targets it did not finish as
// skipped.
func StartBulk(ctx context.Context, c graph.Client, targets []graph.User, op Op, cfg BulkConfig,
	pre func(graph.User) (string, bool), now func() time.Time) <-chan Progress {
	// Room for every final event and a burst of throttle notes: the
	// runner's callback must never wait on the screen.
	out := make(chan Progress, len(targets)+64)
	ctx = graph.WithPriority(ctx, graph.PriorityLow)
	finish := func(u graph.User, st Status, detail, reqID string) {
		out <- Progress{Result: &Result{Target: u, Kind: op.Kind, Status: st, Detail: detail, RequestID: reqID, At: now()}}
	}
	// mailsSent waits for the last notification (none: at once).
	mailsSent := func() {}
	if cfg.Notify != nil {
		// A finished target is reported once its mail is sent; mails go
		// out one at a time beside the run.
		queue := make(chan *Result, len(targets))
		mailed := make(chan struct{})
		report := finish
		finish = func(u graph.User, st Status, detail, reqID string) {
			if st != Done {
				report(u, st, detail, reqID)
				return
			}
			queue <- &Result{Target: u, Kind: op.Kind, Status: st, Detail: detail, RequestID: reqID}
		}
		go func() {
			defer close(mailed)
			for r := range queue {
				cfg.Notify(ctx, r)
				if r.Mail != nil {
					r.Detail += "; " + r.Mail.String()
				}
				r.At = now()
				out <- Progress{Result: r}
			}
		}()
		mailsSent = func() { close(queue); <-mailed }
	}
	go func() {
		defer close(out)
		defer mailsSent()
		var ids []string
		byID := map[string]graph.User{}
		for _, u := range targets {
			if _, dup := byID[u.ID]; dup || u.ID == "" {
				continue
			}
			if why, skip := pre(u); skip {
				finish(u, Skipped, why, "")
				continue
			}
			ids = append(ids, u.ID)
			byID[u.ID] = u
		}
		if len(ids) == 0 {
			return
		}
		gop, err := graphOp(op)
		if err != nil {
			for _, id := range ids {
				finish(byID[id], Failed, err.Error(), "")
			}
			return
		}
		// Calls to OnEvent are serialised by the runner.
		steps := map[string][]string{}
		final := map[string]bool{}
		opts := graph.BulkOptions{Batch: true, Concurrency: cfg.Concurrency, Journal: cfg.Journal,
			StartRPS: graph.StartRPS(gop.Kind), Approval: op.Approval(),
			Tenant: cfg.Tenant, TenantID: cfg.TenantID, Endpoint: cfg.Endpoint, Operator: cfg.Operator}
		opts.OnEvent = func(ev graph.Event) {
			u, ok := byID[ev.User]
			if !ok {
				u = graph.User{ID: ev.UserID, UserPrincipalName: ev.User}
			}
			switch ev.Kind {
			case graph.EventStep:
				steps[ev.User] = append(steps[ev.User], graph.CleanText(ev.Step))
			case graph.EventWaiting:
				w := fmt.Sprintf("Waiting until %s: %s (x stops; the journal resumes)", ev.Until.Local().Format("15:04:05"), graph.CleanText(ev.Why))
				select {
				case out <- Progress{Throttled: max(ev.Until.Sub(now()), time.Second), Waiting: w}:
				default:
				}
			case graph.EventThrottled:
				select {
				case out <- Progress{Throttled: max(ev.RetryAfter, time.Second)}:
				default: // the indicator is already on
				}
			case graph.EventDone:
				final[ev.User] = true
				d := strings.Join(steps[ev.User], ", ")
				if d == "" {
					d = "nothing to do"
				}
				finish(u, Done, d, "")
			case graph.EventSkipped:
				final[ev.User] = true
				finish(u, Skipped, graph.CleanText(ev.Why), "")
			case graph.EventFailed:
				final[ev.User] = true
				d := graph.CleanText(ev.Why)
				if len(steps[ev.User]) > 0 {
					d = strings.Join(steps[ev.User], ", ") + "; then " + d
				}
				finish(u, Failed, d, graph.CleanText(ev.RequestID))
			}
		}
		_, err = graph.RunBulk(ctx, c, gop, ids, opts)
		// Everyone the runner did not finish is still accounted for.
		for _, id := range ids {
			if final[id] {
				continue
			}
			switch {
			case errors.Is(err, graph.ErrBulkInterrupted) || ctx.Err() != nil:
				d := "stopped before it started"
				if len(steps[id]) > 0 {
					d = "stopped part way: " + strings.Join(steps[id], ", ")
				}
				finish(byID[id], Skipped, d, "")
			case err != nil:
				finish(byID[id], Failed, explain.Short(err), explain.RequestID(err))
			default:
				finish(byID[id], Failed, "no result from the bulk runner", "")
			}
		}
	}()
	return out
}

// graphOp is op in the bulk runner's terms. A reset keeps the configured
// kinds; a re-registration keeps what the portal's "Require re-register
// MFA" keeps (graph.ReregisterKeep), as the single-user action does.
func graphOp(op Op) (graph.Operation, error) {
	switch op.Kind {
	case Reset:
		return graph.Operation{Kind: graph.OpReset, Keep: op.Keep}, nil
	case Reregister:
		return graph.Operation{Kind: graph.OpReregister, Keep: graph.ReregisterKeep}, nil
	case Revoke:
		return graph.Operation{Kind: graph.OpRevoke}, nil
	case SetMFA:
		return graph.Operation{Kind: graph.OpSetMFA, MFAState: op.State}, nil
	}
	return graph.Operation{}, fmt.Errorf("%s is not a bulk action", op.Kind.Label())
}

// BulkEventMsg carries one event of run Run (generation Gen: a retry
// starts a new generation). Closed marks the end of the stream.
type BulkEventMsg struct {
	Run, Gen  int
	Result    Result
	Throttled time.Duration
	Waiting   string
	Closed    bool
}

// waitBulk reads the next event from ch as a message.
func waitBulk(run, gen int, ch <-chan Progress) tea.Cmd {
	return func() tea.Msg {
		p, ok := <-ch
		switch {
		case !ok:
			return BulkEventMsg{Run: run, Gen: gen, Closed: true}
		case p.Result != nil:
			return BulkEventMsg{Run: run, Gen: gen, Result: *p.Result}
		default:
			return BulkEventMsg{Run: run, Gen: gen, Throttled: p.Throttled, Waiting: p.Waiting}
		}
	}
}

// ExportedMsg answers a report export.
type ExportedMsg struct {
	Run  int
	Path string
	Err  error
}

// BulkRun is a bulk run and its view: a live progress bar, per-user
// results streaming in, failures kept with their reason, r to retry just
// the failures (after a confirmation), w to write the report (CSV or JSON).
type BulkRun struct {
	ID     int
	Op     Op
	Title  string
	ctx    context.Context // the console's: a run ends with it
	client graph.Client
	cfg    BulkConfig
	// journal is the current run's journal (a retry writes its own).
	journal string
	// stopped: the technician stopped the run (its journal can finish it).
	stopped bool
	pre     func(graph.User) (string, bool)
	now     func() time.Time

	targets []graph.User
	results []Result       // one per target, in finishing order
	index   map[string]int // user id -> index in results
	gen     int
	ch      <-chan Progress
	running bool
	cancel  context.CancelFunc
	started time.Time
	elapsed time.Duration

	done, failed, skipped int

	cursor, offset int
	follow         bool // keep the newest result in view while running
	w, h           int
	prompt         *input.Model
	note           string
	Throttled      bool
	waiting        string // what a long pause waits for, until when
	// detail is the highlighted result opened whole (enter): its full
	// failure reason wraps instead of being cut to the column.
	detail *Info
}

// NewBulkRun prepares a run; Start begins it. ctx is the console's: quitting
// stops the run as Stop does.
func NewBulkRun(ctx context.Context, id int, c graph.Client, title string, op Op, targets []graph.User, cfg BulkConfig,
	pre func(graph.User) (string, bool), now func() time.Time) *BulkRun {
	return &BulkRun{ctx: ctx, ID: id, Op: op, Title: title, client: c, cfg: cfg, pre: pre, now: now,
		targets: targets, index: map[string]int{}, follow: true}
}

// Start runs every target.
func (b *BulkRun) Start() tea.Cmd { return b.run(b.targets) }

func (b *BulkRun) run(targets []graph.User) tea.Cmd {
	ctx, cancel := context.WithCancel(b.ctx)
	b.cancel = cancel
	b.gen++
	b.running, b.stopped = true, false
	b.started = b.now()
	b.follow = true
	cfg := b.cfg
	if b.gen > 1 && cfg.Journal != "" {
		// A retry is a run of its own: it must not reuse the journal.
		cfg.Journal = strings.TrimSuffix(cfg.Journal, ".jsonl") + fmt.Sprintf("-retry%d.jsonl", b.gen-1)
	}
	b.journal = cfg.Journal
	b.ch = StartBulk(ctx, b.client, targets, b.Op, cfg, b.pre, b.now)
	return waitBulk(b.ID, b.gen, b.ch)
}

// Running reports a run in progress.
func (b *BulkRun) Running() bool { return b.running }

// Counts are total, finished, done, failed, skipped.
func (b *BulkRun) Counts() (total, finished, done, failed, skipped int) {
	return len(b.targets), b.done + b.failed + b.skipped, b.done, b.failed, b.skipped
}

// Results are the per-target results so far.
func (b *BulkRun) Results() []Result { return b.results }

// Stop cancels the run: users not yet started are reported skipped.
func (b *BulkRun) Stop() {
	b.stopped = true
	if b.cancel != nil {
		b.cancel()
	}
}

// Failures are the targets whose last result is a failure.
func (b *BulkRun) Failures() []graph.User {
	var us []graph.User
	for _, r := range b.results {
		if r.Status == Failed {
			us = append(us, r.Target)
		}
	}
	return us
}

// RetryChoice is the answer (a ChoiceMsg) of r on a finished run with
// failures: the root asks through a confirmation before RetryWith.
const RetryChoice = "retry"

// RetryWith runs the failed targets again (only when the run is
// finished), with op's ticket: it is called only with a confirmed op.
func (b *BulkRun) RetryWith(op Op) tea.Cmd {
	if b.running {
		return nil
	}
	if op.Kind == b.Op.Kind {
		b.Op.Ticket, b.Op.Checklist = op.Ticket, op.Checklist
	}
	fails := b.Failures()
	if len(fails) == 0 {
		b.note = "Nothing to retry: no failures."
		return nil
	}
	b.note = fmt.Sprintf("Retrying %d failed users…", len(fails))
	return b.run(fails)
}

// SetSize records the size of the view.
func (b *BulkRun) SetSize(w, h int) { b.w, b.h = w, h }

func (b *BulkRun) listH() int { return max(b.h-10, 1) }

// Update takes results and keys.
func (b *BulkRun) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	switch msg := msg.(type) {
	case BulkEventMsg:
		if msg.Run != b.ID || msg.Gen != b.gen {
			return nil, nil
		}
		if msg.Throttled > 0 {
			b.Throttled = true
			if msg.Waiting != "" {
				b.waiting = msg.Waiting
			}
			return b, waitBulk(b.ID, b.gen, b.ch)
		}
		if msg.Closed {
			b.running = false
			b.Throttled = false // the run is over: nothing is slowed down now
			b.elapsed += b.now().Sub(b.started)
			_, _, done, failed, skipped := b.Counts()
			b.note = fmt.Sprintf("Finished: %d done, %d failed, %d skipped.", done, failed, skipped)
			return nil, nil
		}
		b.record(msg.Result)
		return nil, waitBulk(b.ID, b.gen, b.ch)
	case ExportedMsg:
		if msg.Run != b.ID {
			return nil, nil
		}
		if msg.Err != nil {
			b.note = "Report not written: " + msg.Err.Error()
		} else {
			b.note = "Report written to " + msg.Path
		}
		return nil, nil
	case tea.PasteMsg:
		if b.prompt != nil {
			b.prompt.Update(msg)
		}
		return nil, nil
	case tea.KeyPressMsg:
		return b.key(msg)
	}
	return nil, nil
}

func (b *BulkRun) record(r Result) {
	if i, ok := b.index[r.Target.ID]; ok {
		// A retry: replace the earlier result (and its count).
		switch b.results[i].Status {
		case Done:
			b.done--
		case Failed:
			b.failed--
		case Skipped:
			b.skipped--
		}
		b.results = append(b.results[:i], b.results[i+1:]...)
		for j := i; j < len(b.results); j++ {
			b.index[b.results[j].Target.ID] = j
		}
	}
	b.index[r.Target.ID] = len(b.results)
	b.results = append(b.results, r)
	switch r.Status {
	case Done:
		b.done++
	case Failed:
		b.failed++
	case Skipped:
		b.skipped++
	}
	if b.follow {
		b.cursor = len(b.results) - 1
		b.offset = draw.Scroll(b.cursor, b.offset, b.listH(), len(b.results))
	}
}

func (b *BulkRun) key(k tea.KeyPressMsg) (tea.Msg, tea.Cmd) {
	s := k.String()
	if b.prompt != nil {
		switch s {
		case "esc":
			b.prompt = nil
		case "enter":
			path := strings.TrimSpace(b.prompt.Value())
			b.prompt = nil
			if path == "" {
				return nil, nil
			}
			b.note = "Writing " + path + "…"
			return nil, b.export(path)
		default:
			b.prompt.Update(k)
		}
		return nil, nil
	}
	if b.detail != nil {
		if ans, _ := b.detail.Update(k); ans != nil {
			b.detail = nil
		}
		return nil, nil
	}
	switch s {
	case "esc", "q":
		return CloseMsg{ID: b.ID}, nil
	case "enter":
		if len(b.results) > 0 {
			b.detail = b.resultDetail(b.results[draw.Clamp(b.cursor, 0, len(b.results)-1)])
		}
	case "x":
		if b.running {
			b.Stop()
			b.note = "Stopping: users already started finish, the rest are skipped."
		}
	case "r":
		if b.running {
			b.note = "Wait for the run to finish, then r retries the failures."
			return nil, nil
		}
		if len(b.Failures()) == 0 {
			b.note = "Nothing to retry: no failures."
			return nil, nil
		}
		// A retry changes the tenant again: it asks first, like the run.
		return ChoiceMsg{ID: b.ID, Value: RetryChoice}, nil
	case "w":
		if b.running {
			b.note = "Wait for the run to finish, then w writes the report."
			return nil, nil
		}
		in := &input.Model{Prompt: "Write report to: "}
		in.SetValue(fmt.Sprintf("mfadesk-%s-%s.csv", b.Op.Kind, b.now().Format("20060102-150405")))
		in.Focus()
		b.prompt = in
	case "up", "k":
		b.move(-1)
	case "down", "j":
		b.move(1)
	case "pgup":
		b.move(-b.listH())
	case "pgdown":
		b.move(b.listH())
	case "home", "g":
		b.move(-len(b.results))
	case "end", "G":
		b.move(len(b.results))
		b.follow = true
	}
	return nil, nil
}

func (b *BulkRun) move(d int) {
	if len(b.results) == 0 {
		return
	}
	b.cursor = draw.Clamp(b.cursor+d, 0, len(b.results)-1)
	b.offset = draw.Scroll(b.cursor, b.offset, b.listH(), len(b.results))
	b.follow = b.cursor == len(b.results)-1
}

func (b *BulkRun) export(path string) tea.Cmd {
	rows := append([]Result(nil), b.results...)
	id := b.ID
	return func() tea.Msg {
		if strings.HasPrefix(path, "~/") {
			if h, err := os.UserHomeDir(); err == nil {
				path = filepath.Join(h, path[2:])
			}
		}
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		return ExportedMsg{Run: id, Path: path, Err: WriteReport(path, rows)}
	}
}

// resultDetail is one result in full.
func (b *BulkRun) resultDetail(r Result) *Info {
	inner := max(min(b.w, 96)-4, 20)
	var lines []string
	field := func(label, v string) {
		for i, l := range draw.Wrap(graph.CleanText(v), max(inner-16, 10)) {
			if i > 0 {
				label = ""
			}
			lines = append(lines, draw.Fit(label, 16)+l)
		}
	}
	status := map[Status]string{Done: "done", Failed: "failed", Skipped: "skipped"}[r.Status]
	field("User", r.Target.UserPrincipalName)
	field("Result", status)
	field("Detail", r.Detail)
	if r.Err != nil {
		field("Error", r.Err.Error())
	}
	if r.RequestID != "" {
		field("Request id", r.RequestID)
	}
	if !r.At.IsZero() {
		field("At", r.At.UTC().Format(time.RFC3339))
	}
	return &Info{Title: "Result: " + graph.CleanText(r.Target.UserPrincipalName), Lines: lines, Width: 96, h: b.h}
}

// View draws the run in w x h (it fills the body, not a small dialog).
func (b *BulkRun) View(st Styles, w, h int) []string {
	if b.detail != nil {
		return b.detail.View(st, w, h)
	}
	inner := w - 4
	total, finished, done, failed, skipped := b.Counts()
	var body []string
	state := "running"
	switch {
	case !b.running && finished == total:
		state = "finished"
	case !b.running:
		state = "stopped"
	}
	pct := 0.0
	if total > 0 {
		pct = float64(finished) / float64(total)
	}
	barW := max(inner-16, 10)
	full := int(pct * float64(barW))
	bar := st.Bar.Render(strings.Repeat("█", full)) + st.BarEmpty.Render(strings.Repeat("░", barW-full))
	body = append(body, bar+fmt.Sprintf(" %3.0f%% ", pct*100)+st.Muted.Render(state))
	counts := fmt.Sprintf("%d of %d  ", finished, total) +
		st.OK.Render(fmt.Sprintf("✓ %d done", done)) + "  " +
		st.Bad.Render(fmt.Sprintf("✗ %d failed", failed)) + "  " +
		st.Muted.Render(fmt.Sprintf("– %d skipped", skipped))
	if b.Throttled {
		counts += "  " + st.Warn.Render("Graph is throttling: slowed down")
	}
	body = append(body, counts)
	if b.waiting != "" && b.running {
		for _, l := range draw.Wrap(b.waiting, inner) {
			body = append(body, st.Warn.Render(l))
		}
	}
	if b.journal != "" {
		body = append(body, st.Muted.Render(draw.Trunc("Journal: "+b.journal, inner)))
		if cmd := resumeCommand(b.Op.Kind); cmd != "" && (b.running || b.stopped) {
			// The journal outlives the app: a run cut short (stopped, the
			// app quit, the machine slept) is finished from the shell.
			lead := "Interrupted? Finish it with: "
			if b.stopped && !b.running {
				lead = "Finish it with: "
			}
			for _, l := range draw.Wrap(lead+"mfadesk "+cmd+" --resume "+b.journal, inner) {
				body = append(body, st.Muted.Render(l))
			}
		}
	}
	body = append(body, "")
	cols := []draw.Column{{Title: "", Width: 1}, {Title: "User", Width: 32}, {Title: "Result", Width: 20}}
	if failed > 0 {
		// Graph's request-id is what Microsoft support asks for a failure.
		cols = append(cols, draw.Column{Title: "Request id", Width: 36})
	}
	cols = draw.Layout(cols, []int{0, 1, 2, 3}[:len(cols)], 2, inner)
	body = append(body, st.Section.Render(draw.Header(cols)))
	lh := max(h-4-len(body)-3, 1)
	offset := draw.Scroll(b.cursor, b.offset, lh, len(b.results))
	for i := offset; i < len(b.results) && i < offset+lh; i++ {
		r := b.results[i]
		glyph, gs := "✓", st.OK
		switch r.Status {
		case Failed:
			glyph, gs = "✗", st.Bad
		case Skipped:
			glyph, gs = "–", st.Muted
		}
		cells := []string{glyph, graph.CleanText(r.Target.UserPrincipalName), r.Detail, r.RequestID}
		line := draw.Row(cols, cells[:len(cols)])
		if i == b.cursor && !b.running {
			body = append(body, st.Cursor.Render(draw.Fit(line, inner)))
			continue
		}
		body = append(body, gs.Render(draw.Fit(line, inner)))
	}
	if len(b.results) == 0 {
		body = append(body, st.Muted.Render("Starting…"))
	}
	for len(body) < h-5 {
		body = append(body, "")
	}
	if b.prompt != nil {
		body = append(body, b.prompt.View(st.Input, inner))
	} else if b.note != "" {
		body = append(body, st.Warn.Render(draw.Trunc(b.note, inner)))
	} else {
		body = append(body, "")
	}
	var keys []KeyHelp
	switch {
	case b.prompt != nil:
		keys = []KeyHelp{{"enter", "write (.csv or .json)"}, {"esc", "cancel"}}
	case b.running:
		keys = []KeyHelp{{"x", "stop"}, {"esc", "hide (keeps running)"}}
	default:
		if failed > 0 {
			keys = append(keys, KeyHelp{"r", fmt.Sprintf("retry %d failed", failed)})
		}
		keys = append(keys, KeyHelp{"enter", "detail"}, KeyHelp{"w", "write report"}, KeyHelp{"↑↓", "scroll"}, KeyHelp{"esc", "close"})
	}
	out, _ := frame(st, false, "Bulk: "+b.Title, body, footer(st, keys, inner), 0, w, h)
	return out
}

// resumeCommand is the command whose --resume finishes a journal of kind
// ("" when no command resumes it).
func resumeCommand(k Kind) string {
	switch k {
	case Reset, Reregister, Revoke:
		return string(k)
	}
	return ""
}
