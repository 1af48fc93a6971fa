package graph

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// runner is one run (or resume) in progress.
type runner struct {
	c     Client
	ops   bulkOps
	op    Operation
	st    *JournalState // state at start (resume info); read-only during the run
	j     journalSink
	pacer *Pacer
	opts  BulkOptions

	evMu                  sync.Mutex
	done, skipped, failed int
	inFlight              atomic.Int64
	requests              atomic.Int64
	throttled             atomic.Int64

	fatalOnce sync.Once
	fatal     error
	// sending is read-held around every request and write-held while a
	// journal failure stops the run: a request either went out before the
	// stop (and its answer is still journaled if the journal allows) or
	// sees the stopped run and is never sent.
	sending sync.RWMutex
	cancel  context.CancelFunc

	// claims maps a lower-case object id to the target (and its 1-based
	// position) being worked on for it, so that one user listed twice
	// (by UPN and by id, or in different case) is changed once.
	// observe: the client's 429s reach the pacer through
	// WithThrottleObserver (plain mode; $batch ops pace themselves).
	observe bool

	claimMu sync.Mutex
	claims  map[string]claim
	pos     map[string]int

	// announced is the end of the last wait announced (EventWaiting).
	waitMu    sync.Mutex
	announced time.Time
	// lastOK is the last time (unix ns) a request went through (or the
	// start): run-wide pauses longer than maxStall after it stop the run.
	lastOK atomic.Int64
}

// maxStall: a run that has had no request go through for this long, and
// is told to pause again, stops (interrupted, resumable) instead of
// waiting on: two capped pauses in a row, about twenty minutes.
const maxStall = 2 * MaxWait

// ErrGraphRefusing is the cause of a run stopped because Graph refused
// every request for longer than maxStall.
var ErrGraphRefusing = errors.New("Graph refused every request for too long")

// checkStall stops the run when the current run-wide pause would end more
// than maxStall after the last request that went through.
func (r *runner) checkStall(hold time.Time) bool {
	last := time.Unix(0, r.lastOK.Load())
	if hold.Sub(last) <= maxStall {
		return false
	}
	r.fatalOnce.Do(func() {
		r.fatal = fmt.Errorf("%w: %w: nothing went through since %s and Graph asks to wait until %s; stopped (resume later)",
			ErrBulkInterrupted, ErrGraphRefusing, last.Format("15:04:05"), hold.Format("15:04:05"))
		r.cancel()
	})
	return true
}

// announceWait emits EventWaiting for a wait until t, unless one ending at
// about the same time was already announced (many workers wait together).
func (r *runner) announceWait(ur *userRun, t time.Time, why string) {
	if t.Sub(r.opts.now()) < announceWaitsFrom {
		return
	}
	r.waitMu.Lock()
	if !t.After(r.announced.Add(announceWaitsFrom)) {
		r.waitMu.Unlock()
		return
	}
	r.announced = t
	r.waitMu.Unlock()
	ev := Event{Kind: EventWaiting, Until: t, Why: why}
	if ur != nil {
		ev.User, ev.UserID = ur.key, ur.id
	}
	r.emit(ev)
}

type claim struct {
	user string
	pos  int
}

// claimUser reserves id for target key; when another target already has
// it, it says which ("" when key may go on).
func (r *runner) claimUser(key, id string) string {
	id = strings.ToLower(id)
	r.claimMu.Lock()
	defer r.claimMu.Unlock()
	if c, ok := r.claims[id]; ok && c.user != key {
		return fmt.Sprintf("same user as %q (target %d)", c.user, c.pos)
	}
	r.claims[id] = claim{user: key, pos: r.pos[key]}
	return ""
}

func runBulk(ctx context.Context, c Client, st *JournalState, j journalSink, opts BulkOptions) (*BulkSummary, error) {
	start := time.Now()
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.MaxThrottleWait <= 0 {
		opts.MaxThrottleWait = DefaultMaxThrottleWait
	}
	if opts.now == nil {
		opts.now = time.Now
	}
	if opts.sleep == nil {
		opts.sleep = func(ctx context.Context, d time.Duration) error {
			return sleepUntil(ctx, time.Now, time.Now().Add(d))
		}
	}
	p := opts.Pacer
	if p == nil {
		p = NewPacer(opts.MaxRPS)
		p.Start(opts.StartRPS)
	}
	prio := PriorityLow
	if opts.interactive {
		prio = PriorityHigh
	}
	ctx, cancel := context.WithCancel(WithPriority(ctx, prio))
	defer cancel()
	r := &runner{c: c, op: st.Run.Op, st: st, j: j, pacer: p, opts: opts, cancel: cancel,
		claims: map[string]claim{}, pos: make(map[string]int, len(st.Users))}
	r.ops = newBulkOps(c, opts.Batch, p, opts.Approval)
	r.observe = r.ops.batch == nil
	r.lastOK.Store(opts.now().UnixNano())
	for i, u := range st.Users {
		r.pos[u.User] = i + 1
	}
	// On a resume, users a previous run finished (done or failed) keep
	// their claim: their duplicates are not worked on again.
	for _, u := range st.Users {
		if u.Final != nil && u.UserID != "" && (u.Final.Event == evDone || u.Final.Event == evFailed) {
			r.claims[strings.ToLower(u.UserID)] = claim{user: u.User, pos: r.pos[u.User]}
		}
	}

	var todo []*UserJournal
	for _, u := range st.Users {
		if u.Final == nil {
			todo = append(todo, u)
			continue
		}
		switch u.Final.Event {
		case evDone:
			r.done++
		case evSkipped:
			r.skipped++
		case evFailed:
			r.failed++
		}
	}
	r.emit(Event{Kind: EventPlanned})

	// opts.Concurrency users at a time; once the run is interrupted no
	// further user starts (they stay pending in the journal).
	var pool errgroup.Group
	pool.SetLimit(max(opts.Concurrency, 1))
	for _, u := range todo {
		if ctx.Err() != nil {
			break
		}
		pool.Go(func() error {
			r.runUser(ctx, u)
			return nil
		})
	}
	_ = pool.Wait() // each user's outcome is in the journal
	if opts.ReissuePasses && ctx.Err() == nil {
		r.reissuePasses(ctx)
	}

	var runErr error
	switch {
	case r.fatal != nil:
		runErr = r.fatal
	case ctx.Err() != nil:
		runErr = fmt.Errorf("%w: %w", ErrBulkInterrupted, context.Cause(ctx))
	}
	if runErr == nil {
		if err := j.Append(JournalEntry{Event: evEnd}); err != nil {
			runErr = err
		}
	}
	sum := &BulkSummary{Journal: opts.Journal, Op: st.Run.Op, Elapsed: time.Since(start)}
	// The report comes from the journal, not from memory: what it says is
	// what a resume or a later `report` would say.
	final, err := j.state()
	if err != nil {
		if runErr == nil {
			runErr = err
		}
		final = st
	}
	sum.Results = BulkResults(final)
	sum.Undelivered = final.Undelivered()
	for _, res := range sum.Results {
		if res.State == StatePending {
			sum.Pending++
		}
	}
	sum.Counts = r.counts()
	r.emit(Event{Kind: EventFinished})
	return sum, runErr
}

func (r *runner) counts() Counts {
	return Counts{Total: len(r.st.Users), Done: r.done, Skipped: r.skipped, Failed: r.failed,
		InFlight: int(r.inFlight.Load()), Requests: int(r.requests.Load()),
		Throttled: int(r.throttled.Load()), Rate: r.pacer.Rate()}
}

// emit sends ev with fresh counts; final events update the counts first.
func (r *runner) emit(ev Event) {
	r.evMu.Lock()
	defer r.evMu.Unlock()
	switch ev.Kind {
	case EventDone:
		r.done++
	case EventSkipped:
		r.skipped++
	case EventFailed:
		r.failed++
	}
	if r.opts.OnEvent == nil {
		return
	}
	ev.Time = r.opts.now()
	ev.Counts = r.counts()
	r.opts.OnEvent(ev)
}
