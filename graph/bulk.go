package graph

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// The bulk runner: one operation applied to many users, as fast as Graph
// allows and no faster, every step journaled so a killed run can be resumed.
//
//	sum, err := graph.RunBulk(ctx, client, graph.Operation{Kind: graph.OpReset},
//		targets, graph.BulkOptions{Journal: path, OnEvent: show})
//	sum, err = graph.ResumeBulk(ctx, client, path, graph.BulkOptions{OnEvent: show})
//
// Users are worked on concurrently (BulkOptions.Concurrency); one user's
// requests go in the order Graph requires (methods listed, then deleted with
// alternate mobile before mobile and the default method last, then sessions
// revoked, then a TAP issued). Every request passes the run's Pacer.
// Retries are only made where repeating is safe; a TAP is never re-issued
// without first checking that the earlier attempt did not create one.

// OpKind names a bulk operation.
type OpKind string

const (
	// OpReset deletes every method but the password (minus Keep).
	OpReset OpKind = "reset"
	// OpReregister is the portal's "Require re-register MFA": reset, then
	// revoke sign-in sessions, then optionally issue a TAP.
	OpReregister OpKind = "reregister"
	// OpRevoke revokes sign-in sessions.
	OpRevoke OpKind = "revoke"
	// OpSetMFA sets the per-user MFA state.
	OpSetMFA OpKind = "mfa-state"
	// OpDeleteMethods deletes the methods of the kinds in Kinds.
	OpDeleteMethods OpKind = "delete-methods"
)

// Operation is what a bulk run does to each user. It is written to the
// journal's header, so a resumed run does exactly the same.
type Operation struct {
	Kind OpKind `json:"kind"`
	// Keep lists kinds a reset / reregister leaves in place (e.g. fido2).
	// For reregister, nil means ReregisterKeep (the portal's behaviour), as
	// for one user; RunBulk writes the resolved list to the journal.
	Keep []MethodKind `json:"keep,omitempty"`
	// Kinds are the kinds delete-methods deletes.
	Kinds []MethodKind `json:"kinds,omitempty"`
	// TAP, for reregister, also issues a Temporary Access Pass.
	TAP *BulkTAP `json:"tap,omitempty"`
	// MFAState is the per-user MFA state mfa-state sets.
	MFAState PerUserMFAState `json:"mfaState,omitempty"`
}

// BulkTAP is the pass a reregister issues (TAPRequest with JSON names, for
// the journal).
type BulkTAP struct {
	LifetimeMinutes int  `json:"lifetimeInMinutes,omitempty"`
	IsUsableOnce    bool `json:"isUsableOnce,omitempty"`
	// DefaultUse: one-time or not as the tenant's TAP policy says.
	DefaultUse bool `json:"defaultUse,omitempty"`
}

// Validate checks op before anything is sent.
func (op Operation) Validate() error {
	known := func(ks []MethodKind) error {
		for _, k := range ks {
			if !slices.Contains(AllKinds, k) || k == KindPassword {
				return fmt.Errorf("unknown or undeletable method kind %q", k)
			}
		}
		return nil
	}
	if err := known(op.Keep); err != nil {
		return err
	}
	if err := known(op.Kinds); err != nil {
		return err
	}
	if len(op.Kinds) > 0 && op.Kind != OpDeleteMethods {
		return errors.New("only delete-methods takes method kinds to delete (use keep)")
	}
	switch op.Kind {
	case OpReset, OpReregister:
	case OpDeleteMethods:
		if len(op.Kinds) == 0 {
			return errors.New("delete-methods needs the kinds to delete")
		}
	case OpRevoke:
	case OpSetMFA:
		if _, err := ParsePerUserMFAState(string(op.MFAState)); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown bulk operation %q", op.Kind)
	}
	if op.TAP != nil {
		if op.Kind != OpReregister {
			return errors.New("a TAP can only be issued by reregister")
		}
		if l := op.TAP.LifetimeMinutes; l != 0 && (l < MinTAPLifetime || l > MaxTAPLifetime) {
			return fmt.Errorf("TAP lifetime %d minutes is outside %d..%d", l, MinTAPLifetime, MaxTAPLifetime)
		}
	}
	return nil
}

func (op Operation) deletes() bool {
	return op.Kind == OpReset || op.Kind == OpReregister || op.Kind == OpDeleteMethods
}

// withDefaults resolves what a zero field means, before it is journaled.
func (op Operation) withDefaults() Operation {
	if op.Kind == OpReregister && op.Keep == nil {
		op.Keep = slices.Clone(ReregisterKeep)
	}
	return op
}

// Defaults for BulkOptions.
const (
	// DefaultConcurrency is how many users are worked on at once: the one
	// default for the runner, the CLI and the TUI, and what `config init`
	// writes (bulk.concurrency, 1-16). The pacer, not the worker count,
	// keeps a run inside Graph's budgets; four users in flight are enough
	// to fill the directory write budget (20 requests/s) at Graph's usual
	// latency.
	DefaultConcurrency = 4
	// DefaultMaxRPS is the ceiling on requests per second (each request
	// inside a $batch counts, as Graph counts it).
	DefaultMaxRPS = 1000
	// DefaultMaxAttempts bounds tries of one request that failed with a
	// dropped connection / 5xx / timeout (where repeating is safe).
	DefaultMaxAttempts = 5
	// DefaultMaxThrottleWait bounds the total Retry-After waited for one
	// request before its user is failed as throttled.
	DefaultMaxThrottleWait = 10 * time.Minute
	// MaxWait caps any single wait of a bulk run (a run-wide pause, one
	// request's Retry-After): however long Graph (or anything answering
	// in its place) asks, nothing waits longer than this at once.
	MaxWait = 10 * time.Minute
	// announceWaitsFrom: waits at least this long are announced
	// (EventWaiting), so a run never goes quiet without saying why.
	announceWaitsFrom = 2 * time.Second
)

// BulkOptions tunes a run. The zero value works (no journal, defaults).
type BulkOptions struct {
	// Journal is the JSONL journal's path. RunBulk creates it (it must not
	// exist); empty keeps the journal in memory only (no resume).
	Journal string
	// Concurrency is how many users are worked on at once.
	Concurrency int
	// MaxRPS is the ceiling on requests per second.
	MaxRPS float64
	// StartRPS is the rate the run begins at: the documented budget of the
	// service its requests count against (DocumentedRPS), which the CLI
	// and the TUI pass. 0 starts at MaxRPS (benchmarks against an
	// unlimited fake).
	StartRPS float64
	// Pacer, when set, is shared (e.g. with the client's OnThrottle, or
	// across runs); MaxRPS is then ignored.
	Pacer *Pacer
	// Batch sends requests in JSON batches ($batch, up to 20 each) when the
	// client supports it (the msgraph client does).
	Batch bool
	// MaxAttempts and MaxThrottleWait: see the defaults.
	MaxAttempts     int
	MaxThrottleWait time.Duration
	// OnEvent receives progress. Calls are serialised (never concurrent)
	// and should return quickly; a slow callback slows the run.
	OnEvent func(Event)
	// Tenant, TenantID, Endpoint, Operator and Reason are recorded in the
	// journal header. On a resume, TenantID, Endpoint and Operator are the
	// signed-in session's, checked against the header (CheckResume).
	Tenant, TenantID, Endpoint, Operator, Reason string
	// Approval (the ticket and the identity-verification lines confirmed
	// with the run) goes with every change into the change history.
	Approval Approval
	// OtherOperator lets a resume finish another operator's run (the
	// tenant must still match).
	OtherOperator bool
	// DeliverTAP, when set, receives each pass as soon as it is issued
	// (bulk_passes.go); its success is journaled as "delivered", its
	// failure stops the run.
	DeliverTAP func(PassDelivery) error
	// ReissuePasses: a resume issues a new pass to every user whose pass
	// was issued and never delivered (needs DeliverTAP).
	ReissuePasses bool

	// now and sleep are replaced in tests.
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
}

// UserState is where a user ended.
type UserState string

const (
	StateDone    UserState = "done"
	StateSkipped UserState = "skipped"
	StateFailed  UserState = "failed"
	// StatePending: not finished (the run was interrupted; resume it).
	StatePending UserState = "pending"
)

// EventKind names a progress event.
type EventKind string

const (
	EventPlanned   EventKind = "planned"   // the run's targets are known (Counts.Total)
	EventStarted   EventKind = "started"   // work on a user began
	EventStep      EventKind = "step"      // one of a user's requests finished
	EventDone      EventKind = "done"      // a user is done
	EventSkipped   EventKind = "skipped"   // a user needed nothing (Why)
	EventFailed    EventKind = "failed"    // a user failed (Why, RequestID)
	EventThrottled EventKind = "throttled" // Graph answered 429 (RetryAfter)
	EventFinished  EventKind = "finished"  // the run ended (or was interrupted)
	// EventWaiting: the run (or a request) waits until Until, for Why
	// (e.g. Graph's Retry-After after a run of 429s). ctrl+c stops
	// cleanly meanwhile; the journal resumes the run.
	EventWaiting EventKind = "waiting"
)

// Event is one progress report. Counts is a snapshot taken as it was sent.
type Event struct {
	Kind      EventKind
	Time      time.Time
	User      string // the target as given
	UserID    string
	Step      string // what was done: "deleted phone method (mobile)", "revoked sessions"
	Why       string
	RequestID string
	// RetryAfter is Graph's Retry-After on a throttled event.
	RetryAfter time.Duration
	// Until is when a waiting event's wait ends.
	Until time.Time
	// TAP is the pass issued for this user, on its final event (done, or
	// failed when a reregister's delete failed but the pass was issued):
	// show it once. It is never written to the journal or the report.
	TAP    *TAP
	Counts Counts
}

// Counts summarises a run's progress.
type Counts struct {
	Total, Done, Skipped, Failed int
	// InFlight is the number of users being worked on.
	InFlight int
	// Requests sent so far (each request inside a $batch counts), and how
	// many of them Graph throttled.
	Requests, Throttled int
	// Rate is the pacer's current request rate (per second).
	Rate float64
}

// Finished is how many users reached a final state.
func (c Counts) Finished() int { return c.Done + c.Skipped + c.Failed }

// UserResult is one row of the final report, derived from the journal.
type UserResult struct {
	User      string    `json:"user"`
	UserID    string    `json:"userId,omitempty"`
	State     UserState `json:"state"`
	Why       string    `json:"why,omitempty"`
	Status    int       `json:"status,omitempty"`
	RequestID string    `json:"requestId,omitempty"`
	// Deleted lists the deleted methods ("phone:<id>").
	Deleted []string `json:"deleted,omitempty"`
	Kept    []string `json:"kept,omitempty"`
	// SessionsRevoked, TAPIssued (never the value), PerUserMFA.
	SessionsRevoked bool      `json:"sessionsRevoked,omitempty"`
	TAPIssued       bool      `json:"tapIssued,omitempty"`
	TAPDelivered    bool      `json:"tapDelivered,omitempty"`
	PerUserMFA      string    `json:"perUserMfaState,omitempty"`
	Time            time.Time `json:"time,omitzero"`
}

// BulkSummary is what a run (or resume) ends with.
type BulkSummary struct {
	Journal string
	Op      Operation
	Counts  Counts
	// Pending users have no final state (the run was interrupted).
	Pending int
	Elapsed time.Duration
	// Results has one row per target, in target order, from the journal.
	Results []UserResult
	// Undelivered lists the passes issued whose value reached nobody.
	Undelivered []UndeliveredPass
}

// ErrBulkInterrupted is returned (wrapped around ctx's error) when a run
// stopped before every user was finished; resume it from its journal.
var ErrBulkInterrupted = errors.New("bulk run interrupted")

// RunBulk applies op to every target (object ids or UPNs; repeated strings
// are dropped, and a user named twice in different ways, by UPN and by id
// or in different case, is worked on once: the other target ends skipped,
// "same user as ..."). It returns when every target is done, skipped or failed, or
// when ctx ends (ErrBulkInterrupted: the journal can be resumed).
func RunBulk(ctx context.Context, c Client, op Operation, targets []string, opts BulkOptions) (*BulkSummary, error) {
	if err := op.Validate(); err != nil {
		return nil, err
	}
	op = op.withDefaults()
	if op.TAP != nil {
		// A pass the tenant's policy refuses would fail for every user
		// after their methods were deleted: refuse the run before it starts.
		req, err := CheckTAP(ctx, c, TAPRequest{LifetimeMinutes: op.TAP.LifetimeMinutes, IsUsableOnce: op.TAP.IsUsableOnce, DefaultUse: op.TAP.DefaultUse})
		if err != nil {
			return nil, fmt.Errorf("refused before any change: %w", err)
		}
		tap := *op.TAP
		tap.LifetimeMinutes, tap.IsUsableOnce, tap.DefaultUse = req.LifetimeMinutes, req.IsUsableOnce, req.DefaultUse
		op.TAP = &tap
	}
	seen := make(map[string]bool, len(targets))
	uniq := make([]string, 0, len(targets))
	for _, t := range targets {
		t = strings.TrimSpace(t)
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		uniq = append(uniq, t)
	}
	hdr := JournalRun{Version: JournalVersion, ID: newRunID(), Op: op, Targets: uniq,
		Tenant: opts.Tenant, TenantID: opts.TenantID, Endpoint: strings.TrimRight(opts.Endpoint, "/"),
		Operator: opts.Operator, Reason: opts.Reason}
	var sink journalSink
	if opts.Journal != "" {
		j, err := CreateJournal(opts.Journal, hdr)
		if err != nil {
			return nil, err
		}
		sink = j
	} else {
		sink = newMemJournal(hdr)
	}
	defer sink.Close()
	st, _, err := parseJournal(mustHeaderLine(hdr))
	if err != nil {
		return nil, err
	}
	return runBulk(ctx, c, st, sink, opts)
}

// ResumeBulk finishes the run recorded in the journal at path: users already
// done, skipped or failed are left alone; the others are worked on again
// from what the journal says (nothing is repeated that must not be: a TAP
// already issued is recorded, not re-issued).
func ResumeBulk(ctx context.Context, c Client, path string, opts BulkOptions) (*BulkSummary, error) {
	j, st, err := OpenJournal(path)
	if err != nil {
		return nil, err
	}
	defer j.Close()
	if err := st.Run.Op.Validate(); err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	// Before anything is sent or written: the run is finished only in
	// the tenant it was started in (and by its operator unless told).
	if err := CheckResume(st.Run, opts); err != nil {
		return nil, err
	}
	if err := j.Append(JournalEntry{Event: evResume}); err != nil {
		return nil, err
	}
	opts.Journal = path
	return runBulk(ctx, c, st, j, opts)
}

// BulkResults derives the report rows from a journal's state.
func BulkResults(st *JournalState) []UserResult {
	out := make([]UserResult, 0, len(st.Users))
	for _, u := range st.Users {
		r := UserResult{User: u.User, UserID: u.UserID, State: StatePending}
		for _, k := range u.Kept {
			r.Kept = append(r.Kept, string(k))
		}
		for _, s := range u.Steps {
			switch s.Do {
			case stepDelete:
				if d := string(s.Kind) + ":" + s.Method; s.Result != "failed" && !slices.Contains(r.Deleted, d) {
					r.Deleted = append(r.Deleted, d)
				}
			case stepRevoke:
				r.SessionsRevoked = true
			case stepTAP:
				r.TAPIssued, r.TAPDelivered = true, false
			case stepDeliver:
				r.TAPDelivered = true
			case stepMFA:
				r.PerUserMFA = s.Result
			}
		}
		if f := u.Final; f != nil {
			r.State = UserState(f.Event)
			r.Why, r.Status, r.RequestID, r.Time = f.Why, f.Status, f.RequestID, f.Time
			if f.Event == evFailed && f.Do == stepTAP && r.TAPDelivered {
				// Failed only for a pass whose value was lost, since
				// re-issued and delivered (bulk_passes.go).
				r.State, r.Why, r.Status, r.RequestID = StateDone, "the lost pass was replaced by a delivered one", 0, ""
			}
		} else {
			r.Why = "not finished: resume the run"
		}
		out = append(out, r)
	}
	return out
}

// Step names (the journal's "do").
const (
	stepResolve = "resolve"
	stepList    = "list"
	stepDelete  = "delete"
	// stepDeleteLast is a delete of the last pass (see deleteStage); it is
	// journaled as a delete.
	stepDeleteLast = "delete-last"
	stepRevoke     = "revoke"
	stepTAP        = "tap"
	stepMFA        = "mfa"
	// stepPrefs reads the sign-in preferences (which method is the
	// default), only for a user where that changes the deletes.
	stepPrefs = "prefs"
	// stepDefault moves the default to a kept method before the deletes,
	// as a reset of one user does (PlanReset's MoveDefaultTo).
	stepDefault = "default"
)

// journalSink is a Journal or its in-memory stand-in.
type journalSink interface {
	Append(JournalEntry) error
	Close() error
	// state reads back everything appended (the report's source).
	state() (*JournalState, error)
}

// memJournal keeps entries in memory (no journal file asked for).
type memJournal struct {
	mu sync.Mutex
	st *JournalState
}

func newMemJournal(hdr JournalRun) *memJournal {
	st, _, _ := parseJournal(mustHeaderLine(hdr))
	return &memJournal{st: st}
}

func (m *memJournal) Append(e JournalEntry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	return m.st.apply(e)
}

func (m *memJournal) Close() error { return nil }

func (m *memJournal) state() (*JournalState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.st, nil
}

func mustHeaderLine(hdr JournalRun) []byte {
	b, err := jsonLine(JournalEntry{Event: evRun, Run: &hdr})
	if err != nil {
		panic(err)
	}
	return b
}

func newRunID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

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
	ctx, cancel := context.WithCancel(WithPriority(ctx, PriorityLow))
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

// append journals e; a journal that cannot be written stops the run (a run
// that cannot record what it did must not go on changing things).
func (r *runner) append(e JournalEntry) error {
	if err := r.j.Append(e); err != nil {
		r.stop(err) // after the requests on their way
		return err
	}
	return nil
}

// userRun carries one user's work.
type userRun struct {
	r     *runner
	u     *UserJournal // the journal's record at the start of this run
	key   string
	id    string
	tap   *TAP
	notes []string

	mu      sync.Mutex
	deleted map[string]bool // method ids deleted (or found gone), this run or before
}

// outcome is a user's final state. A nil outcome means the run was
// interrupted while the user was in progress (no final state is written).
type outcome struct {
	state UserState
	why   string
	err   error
	// step names the step that failed when a later delivered pass
	// makes good on it (stepTAP: a pass issued whose value was lost).
	step string
}

func (r *runner) runUser(ctx context.Context, u *UserJournal) {
	if ctx.Err() != nil {
		return
	}
	r.inFlight.Add(1)
	defer r.inFlight.Add(-1)
	ur := &userRun{r: r, u: u, key: u.User, id: u.UserID, deleted: map[string]bool{}}
	for _, s := range u.Steps {
		if s.Do == stepDelete && s.Result != "failed" {
			ur.deleted[s.Method] = true
		}
	}
	r.emit(Event{Kind: EventStarted, User: u.User, UserID: u.UserID})
	out := ur.run(ctx)
	if out == nil {
		return // interrupted: left pending for a resume
	}
	e := JournalEntry{User: ur.key, UserID: ur.id, Why: out.why, Do: out.step}
	ev := Event{User: ur.key, UserID: ur.id, Why: out.why}
	switch out.state {
	case StateDone:
		e.Event, ev.Kind = evDone, EventDone
	case StateSkipped:
		e.Event, ev.Kind = evSkipped, EventSkipped
	default:
		e.Event, ev.Kind = evFailed, EventFailed
		if ge, ok := AsError(out.err); ok {
			e.Status, e.RequestID = ge.Status, ge.RequestID
			ev.RequestID = ge.RequestID
		}
	}
	// The pass goes with the user's final event, whatever it is: a
	// reregister whose delete failed still issued it.
	ev.TAP = ur.tap
	if r.append(e) != nil {
		return
	}
	r.emit(ev)
}

// run does one user's operation and says how it ended.
func (ur *userRun) run(ctx context.Context) *outcome {
	r := ur.r
	if ur.id == "" {
		if IsGUID(ur.key) {
			ur.id = ur.key
		} else {
			var usr User
			err := r.call(ctx, ur, stepResolve, func(ctx context.Context) error {
				var err error
				usr, err = r.ops.resolve(ctx, ur.key)
				return err
			})
			if err != nil {
				return ur.fail(ctx, err)
			}
			ur.id = usr.ID
		}
	}
	if dup := r.claimUser(ur.key, ur.id); dup != "" {
		return &outcome{state: StateSkipped, why: dup}
	}

	var plan []PlannedStep
	var stages [][]Method
	var kept []MethodKind
	var moveTo *Method
	// On a resume, a user whose later steps had begun finished deleting
	// before the interruption: re-listing now would find the pass this run
	// issued and delete it.
	deletesDone := len(ur.u.Intents) > 0 || slices.ContainsFunc(ur.u.Steps, func(e JournalEntry) bool {
		return e.Do != stepDelete && e.Do != stepDefault || e.Result == "failed"
	})
	if deletesDone {
		kept = ur.u.Kept
	}
	if r.op.deletes() && !deletesDone {
		var methods []Method
		err := r.call(ctx, ur, stepList, func(ctx context.Context) error {
			var err error
			methods, err = r.ops.list(ctx, ur.id)
			return err
		})
		if err != nil {
			return ur.fail(ctx, err)
		}
		// Never delete a pass this run issued (belt and braces: see above).
		methods = slices.DeleteFunc(methods, func(m Method) bool {
			return slices.ContainsFunc(ur.u.Steps, func(e JournalEntry) bool { return e.TAPID != "" && e.TAPID == m.ID })
		})
		// Which method is the default is read only where it changes what
		// happens (the order, or a move to a kept method): not for a user
		// with one method that can be a default, nor for a TAP check.
		if defaultMatters(methods, r.op) {
			var p SignInPreferences
			err := r.call(ctx, ur, stepPrefs, func(ctx context.Context) error {
				var err error
				p, err = r.ops.prefs(ctx, ur.id)
				return err
			})
			if err != nil {
				return ur.fail(ctx, err)
			}
			ApplyPreferences(methods, p)
		}
		var keptMs []Method
		var blocked string
		stages, keptMs, moveTo, blocked = bulkDeleteStages(methods, r.op)
		if blocked != "" {
			// As for one user: refused before any change.
			return ur.fail(ctx, &Error{Kind: ErrConflict, Op: "reset MFA of " + CleanText(ur.key), Message: blocked})
		}
		if moveTo != nil {
			plan = append(plan, PlannedStep{Do: stepDefault, Method: moveTo.ID, Kind: moveTo.Kind})
		}
		for _, s := range stages {
			for _, m := range s {
				plan = append(plan, PlannedStep{Do: stepDelete, Method: m.ID, Kind: m.Kind})
			}
		}
		for _, m := range keptMs {
			if !slices.Contains(kept, m.Kind) {
				kept = append(kept, m.Kind)
			}
		}
	}
	switch r.op.Kind {
	case OpReregister:
		plan = append(plan, PlannedStep{Do: stepRevoke})
		if r.op.TAP != nil {
			plan = append(plan, PlannedStep{Do: stepTAP})
		}
	case OpRevoke:
		plan = append(plan, PlannedStep{Do: stepRevoke})
	case OpSetMFA:
		plan = append(plan, PlannedStep{Do: stepMFA, Detail: string(r.op.MFAState)})
	}
	// Deletions an interrupted run already made (a resume re-lists, so
	// they are no longer in the plan).
	if len(plan) == 0 && len(ur.deleted) > 0 {
		return &outcome{state: StateDone, why: fmt.Sprintf("deleted %d method(s)", len(ur.deleted))}
	}
	if len(plan) == 0 {
		why := "no methods to delete"
		if len(kept) > 0 {
			why = "only kept methods: " + joinKinds(kept)
		}
		return &outcome{state: StateSkipped, why: why}
	}
	if err := r.append(JournalEntry{Event: evPlan, User: ur.key, UserID: ur.id, Steps: plan, Kept: kept}); err != nil {
		return nil
	}

	// A reregister goes on to revoke (and issue the pass) when a delete
	// fails, as it does for one user: both help and harm nothing. The user
	// then ends failed, naming the delete.
	var deleteErr error
	if f, ok := ur.u.failedDelete(); ok {
		deleteErr = &Error{Kind: ErrBadRequest, Status: f.Status, RequestID: f.RequestID, Message: f.Why}
	}
	// A delete Graph refuses for ordering (the default method, a mobile
	// with an alternate) although the plan put it in order, e.g. because
	// the default was not known or Graph's list lagged, is deferred to a
	// last pass after every other stage.
	if moveTo != nil {
		if err := ur.setDefault(ctx, *moveTo); err != nil {
			// The default cannot be deleted now: stop before any delete.
			return ur.fail(ctx, fmt.Errorf("the default method must first move to the kept %s, which failed, so nothing was deleted: %w",
				KindLabel(moveTo.Kind), err))
		}
	}
	var deferred []Method
	for _, stage := range append(stages, nil) {
		final := stage == nil
		if final {
			stage = deferred
		}
		d, err := ur.deleteStage(ctx, stage, final)
		deferred = append(deferred, d...)
		if err != nil {
			if r.op.Kind != OpReregister || ctx.Err() != nil {
				return ur.fail(ctx, err)
			}
			deleteErr = err
			break
		}
	}
	if len(ur.deleted) > 0 {
		ur.notes = append(ur.notes, fmt.Sprintf("deleted %d method(s)", len(ur.deleted)))
	}
	if len(kept) > 0 {
		ur.notes = append(ur.notes, "kept "+joinKinds(kept))
	}

	for _, s := range plan {
		var err error
		switch s.Do {
		case stepRevoke:
			err = ur.revoke(ctx)
		case stepTAP:
			if o, ok := ur.issueTAP(ctx); !ok {
				return o
			}
		case stepMFA:
			err = ur.setMFA(ctx)
		}
		if err != nil {
			return ur.fail(ctx, err)
		}
	}
	if deleteErr != nil {
		o := ur.fail(ctx, deleteErr)
		if o != nil && len(ur.notes) > 0 {
			o.why += " (" + strings.Join(ur.notes, "; ") + ")"
		}
		return o
	}
	return &outcome{state: StateDone, why: strings.Join(ur.notes, "; ")}
}

// fail turns err into the user's failed outcome, or nil when the run is
// being interrupted (the user stays pending).
func (ur *userRun) fail(ctx context.Context, err error) *outcome {
	if ctx.Err() != nil { // interrupted, or the journal failed (it cancels)
		return nil
	}
	// Skipped means "nothing to do". A user mfadesk's own guard refused
	// (protected, or the protected list could not be read) was not done:
	// failed, so the run's exit code says so at any size (issue 15.7).
	return &outcome{state: StateFailed, why: bulkWhy(err), err: err}
}

// bulkWhy says what went wrong in words, without the request-id (the
// report has a column for it).
func bulkWhy(err error) string {
	why := err.Error()
	if ge, ok := AsError(err); ok {
		why = ge.Kind.Error()
		if ge.Message != "" {
			why = ge.Message
		}
		if ge.Op != "" {
			why = ge.Op + ": " + why
		}
		if ge.Needs != "" {
			why += " (needs " + ge.Needs + ")"
		}
	}
	return CleanText(why)
}

// deleteStage deletes methods that do not depend on each other
// concurrently. It returns the ones Graph refused for ordering (deferred,
// unless final) and the first error. The final pass (the deferred ones)
// goes one at a time, in plan order, retrying ordering refusals a few
// times (Graph's lag).
func (ur *userRun) deleteStage(ctx context.Context, ms []Method, final bool) ([]Method, error) {
	r := ur.r
	errs := make([]error, len(ms))
	later := make([]bool, len(ms))
	step := stepDelete
	if final {
		step = stepDeleteLast
	}
	var wg sync.WaitGroup
	for i, m := range ms {
		wg.Add(1)
		work := func() {
			defer wg.Done()
			gone := false
			err := r.call(ctx, ur, step, func(ctx context.Context) error {
				err := r.ops.del(ctx, ur.id, m)
				if errors.Is(err, ErrNotFound) {
					gone = true // deleted by an earlier attempt or run
					return nil
				}
				return err
			})
			if err != nil && !final && errors.Is(err, ErrConflict) {
				later[i] = true
				return
			}
			if err != nil {
				errs[i] = err
				if ctx.Err() == nil && !errors.Is(err, ErrProtected) {
					// Journaled so a resume knows this user cannot end done.
					e := JournalEntry{Event: evStep, User: ur.key, UserID: ur.id, Do: stepDelete,
						Method: m.ID, Kind: m.Kind, Result: "failed", Why: bulkWhy(err)}
					if ge, ok := AsError(err); ok {
						e.Status, e.RequestID = ge.Status, ge.RequestID
					}
					r.append(e)
				}
				return
			}
			res := "deleted"
			if gone {
				res = "gone"
			}
			if err := r.append(JournalEntry{Event: evStep, User: ur.key, UserID: ur.id, Do: stepDelete,
				Method: m.ID, Kind: m.Kind, Result: res}); err != nil {
				errs[i] = err
				return
			}
			ur.mu.Lock()
			ur.deleted[m.ID] = true
			ur.mu.Unlock()
			r.emit(Event{Kind: EventStep, User: ur.key, UserID: ur.id,
				Step: fmt.Sprintf("%s %s method", res, KindLabel(m.Kind))})
		}
		if final {
			work()
			if errs[i] != nil {
				break
			}
		} else {
			go work()
		}
	}
	wg.Wait()
	var first error
	var deferred []Method
	for i, err := range errs {
		switch {
		case later[i]:
			deferred = append(deferred, ms[i])
		case err != nil && first == nil:
			first = err
		}
	}
	return deferred, first
}

// setDefault makes m the user's default method (journaled), so the
// current default can be deleted while m stays.
func (ur *userRun) setDefault(ctx context.Context, m Method) error {
	r := ur.r
	if err := r.call(ctx, ur, stepDefault, func(ctx context.Context) error { return r.ops.setDefault(ctx, ur.id, m) }); err != nil {
		return err
	}
	if err := r.append(JournalEntry{Event: evStep, User: ur.key, UserID: ur.id, Do: stepDefault,
		Method: m.ID, Kind: m.Kind, Result: "default"}); err != nil {
		return err
	}
	r.emit(Event{Kind: EventStep, User: ur.key, UserID: ur.id, Step: "made " + KindLabel(m.Kind) + " the default method"})
	ur.notes = append(ur.notes, "default moved to "+KindLabel(m.Kind))
	return nil
}

func (ur *userRun) revoke(ctx context.Context) error {
	r := ur.r
	if _, ok := ur.u.stepDone(stepRevoke); ok {
		ur.notes = append(ur.notes, "sessions revoked")
		return nil
	}
	if err := r.call(ctx, ur, stepRevoke, func(ctx context.Context) error { return r.ops.revoke(ctx, ur.id) }); err != nil {
		return err
	}
	if err := r.append(JournalEntry{Event: evStep, User: ur.key, UserID: ur.id, Do: stepRevoke, Result: "revoked"}); err != nil {
		return err
	}
	r.emit(Event{Kind: EventStep, User: ur.key, UserID: ur.id, Step: "revoked sessions"})
	ur.notes = append(ur.notes, "sessions revoked")
	return nil
}

func (ur *userRun) setMFA(ctx context.Context) error {
	r := ur.r
	s := r.op.MFAState
	if err := r.call(ctx, ur, stepMFA, func(ctx context.Context) error { return r.ops.setMFA(ctx, ur.id, s) }); err != nil {
		return err
	}
	if err := r.append(JournalEntry{Event: evStep, User: ur.key, UserID: ur.id, Do: stepMFA, Result: string(s)}); err != nil {
		return err
	}
	r.emit(Event{Kind: EventStep, User: ur.key, UserID: ur.id, Step: "per-user MFA set to " + string(s)})
	ur.notes = append(ur.notes, "per-user MFA "+string(s))
	return nil
}

// tapSkew is how much older than the journaled intent a pass may look (the
// operator's clock against Graph's) and still count as ours.
const tapSkew = 2 * time.Minute

// issueTAP issues the pass, never twice: an earlier run that recorded the
// pass as issued is believed; an earlier attempt whose answer was lost
// (intent journaled, no result) is checked against the user's methods
// first. ok is false when the user ends here, with outcome o (nil when the
// run is being interrupted).
func (ur *userRun) issueTAP(ctx context.Context) (o *outcome, ok bool) {
	r := ur.r
	if s, ok := ur.u.stepDone(stepTAP); ok {
		ur.notes = append(ur.notes, fmt.Sprintf("TAP issued by the interrupted run at %s, not re-issued", s.Time.Format(time.RFC3339)))
		return nil, true
	}
	if at, ok := ur.u.Intents[stepTAP]; ok {
		if o := ur.checkTAP(ctx, at, "the interrupted run"); o != nil || ctx.Err() != nil {
			return o, false
		}
	}
	for attempt := 1; ; attempt++ {
		at := r.opts.now().UTC()
		if err := r.append(JournalEntry{Time: at, Event: evIntent, User: ur.key, UserID: ur.id, Do: stepTAP}); err != nil {
			return nil, false
		}
		var tap TAP
		err := r.call(ctx, ur, stepTAP, func(ctx context.Context) error {
			var err error
			tap, err = r.ops.tap(ctx, ur.id, TAPRequest{LifetimeMinutes: r.op.TAP.LifetimeMinutes, IsUsableOnce: r.op.TAP.IsUsableOnce, DefaultUse: r.op.TAP.DefaultUse})
			return err
		})
		if err == nil {
			if err := r.append(JournalEntry{Event: evStep, User: ur.key, UserID: ur.id, Do: stepTAP,
				Result: "issued", TAPID: tap.ID}); err != nil {
				return nil, false
			}
			ur.tap = &tap
			if err := ur.deliver(tap); err != nil {
				return nil, false // the run stops: the resume lists this pass
			}
			ur.notes = append(ur.notes, "TAP issued")
			r.emit(Event{Kind: EventStep, User: ur.key, UserID: ur.id, Step: "issued a Temporary Access Pass"})
			return nil, true
		}
		// Only a lost answer is worth a second look: anything Graph
		// refused outright (policy, guest, denied) is final.
		if !errors.Is(err, ErrUnavailable) || attempt >= r.opts.MaxAttempts || ctx.Err() != nil {
			return ur.fail(ctx, err), false
		}
		if o := ur.checkTAP(ctx, at, "an attempt whose answer was lost"); o != nil || ctx.Err() != nil {
			return o, false
		}
		if err := r.opts.sleep(ctx, faultBackoff(attempt)); err != nil {
			return nil, false
		}
	}
}

// checkTAP looks for a pass created since the intent at: if there is one,
// the earlier attempt went through but its value never reached the operator,
// so the user is failed with that said (a new pass is the operator's call).
func (ur *userRun) checkTAP(ctx context.Context, at time.Time, by string) *outcome {
	r := ur.r
	var methods []Method
	err := r.call(ctx, ur, stepList, func(ctx context.Context) error {
		var err error
		methods, err = r.ops.list(ctx, ur.id)
		return err
	})
	if err != nil {
		return ur.fail(ctx, err)
	}
	for _, m := range methods {
		if m.Kind == KindTAP && !m.Created.Before(at.Add(-tapSkew)) {
			return &outcome{state: StateFailed, step: stepTAP, why: "a Temporary Access Pass was created by " + by +
				" but its value was never shown; it was not re-issued: issue a new one for this user if needed"}
		}
	}
	return nil
}

// call sends one request through the pacer, retrying what is safe to
// retry: 429 always (after its Retry-After, bounded by MaxThrottleWait);
// dropped connections / 5xx / timeouts for every step but a TAP (bounded by
// MaxAttempts); the default-method and alternate-mobile conflicts of a
// delete a few times (Graph's list lags behind its deletes).
func (r *runner) call(ctx context.Context, ur *userRun, step string, f func(context.Context) error) error {
	var throttleWait time.Duration
	faults, conflicts := 0, 0
	for {
		n := r.ops.cost(step)
		// pn is what the run's pacer books: the sign-in preferences are a
		// directory read, counted against that service's budget
		// (thousands per 10 s), not the one the run is paced at, so they
		// take no slot of it (BenchmarkBulkBudget: a fifth of the slots).
		pn := n
		if step == stepPrefs {
			pn = 0
		}
		if h := r.pacer.HoldUntil(); h.After(r.opts.now()) {
			if r.checkStall(h) {
				return context.Cause(ctx)
			}
			r.announceWait(nil, h, "Graph refused every request in a row (429): the whole run pauses as Graph asked")
		}
		if !r.ops.paced(step) && pn > 0 {
			if err := r.pacer.Wait(ctx, pn); err != nil {
				return err
			}
		}
		r.requests.Add(int64(n))
		callCtx := ctx
		// In plain mode the client may retry a 429 itself and answer
		// success: its observer tells the pacer of every 429 (saw keeps the
		// one it gives up on from being counted twice below).
		var saw atomic.Bool
		if r.observe {
			callCtx = WithThrottleObserver(ctx, func(ra time.Duration) {
				saw.Store(true)
				r.throttled.Add(1)
				r.pacer.Throttled(ra)
				r.emit(Event{Kind: EventThrottled, User: ur.key, UserID: ur.id, RetryAfter: ra})
			})
		}
		// Nothing new is sent once the run is stopping (ctrl+c, a signal,
		// a journal that cannot be written: issue 15.9).
		r.sending.RLock()
		err := ctx.Err()
		if err == nil {
			err = f(callCtx)
		}
		r.sending.RUnlock()
		if err == nil {
			r.lastOK.Store(r.opts.now().UnixNano())
			r.pacer.Success(pn, r.ops.limitPct())
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		ge, _ := AsError(err)
		switch {
		case errors.Is(err, ErrThrottled):
			ra := time.Second
			if ge != nil && ge.RetryAfter > 0 {
				ra = ge.RetryAfter
			}
			if !saw.Load() {
				r.throttled.Add(1)
				r.pacer.Throttled(ra)
				r.emit(Event{Kind: EventThrottled, User: ur.key, UserID: ur.id, RetryAfter: ra})
			}
			r.pacer.Success(pn-1, 0) // the other requests of a step that sends several
			if throttleWait+ra > r.opts.MaxThrottleWait {
				return err
			}
			throttleWait += ra
			r.announceWait(ur, r.opts.now().Add(ra), "Graph throttled a request (429) and asked to wait")
			if err := r.opts.sleep(ctx, ra); err != nil {
				return err
			}
		case errors.Is(err, ErrUnavailable) && step != stepTAP:
			r.pacer.Success(pn, 0) // not a throttle: keep the rate
			faults++
			if faults >= r.opts.MaxAttempts {
				return err
			}
			wait := faultBackoff(faults)
			if ge != nil && ge.RetryAfter > 0 {
				// A 503's Retry-After counts against the same limit
				// as a 429's: no single request waits for hours.
				wait = ge.RetryAfter
				if throttleWait+wait > r.opts.MaxThrottleWait {
					return err
				}
				throttleWait += wait
				r.announceWait(ur, r.opts.now().Add(wait), "Graph is unavailable (503) and asked to wait")
			}
			if err := r.opts.sleep(ctx, wait); err != nil {
				return err
			}
		case errors.Is(err, ErrConflict) && step == stepDeleteLast && conflicts < 4:
			r.pacer.Success(pn, 0)
			conflicts++
			if err := r.opts.sleep(ctx, time.Duration(conflicts)*500*time.Millisecond); err != nil {
				return err
			}
		default:
			r.pacer.Success(pn, 0)
			return err
		}
	}
}

// faultBackoff is the wait before retry n (from 1) of a failed request:
// 200ms, 400ms, 800ms ... capped at 10s.
func faultBackoff(n int) time.Duration {
	d := 200 * time.Millisecond << min(n-1, 6)
	return min(d, 10*time.Second)
}

// bulkDeleteStages picks the methods op deletes (PlanReset's choice and
// order, the same as for one user) and groups them into stages: the methods
// in a stage do not depend on each other and are sent together; a stage
// starts when the one before it is done. An alternate mobile goes before
// the mobile number; the default method goes last, once the others are
// gone.
func bulkDeleteStages(methods []Method, op Operation) (stages [][]Method, kept []Method, moveTo *Method, blocked string) {
	plan, del := bulkPlan(methods, op)
	for _, k := range plan.Keep {
		if k.Method.Kind != KindPassword && k.Method.ID != PasswordMethodID {
			kept = append(kept, k.Method)
		}
	}
	hasAlt := slices.ContainsFunc(del, func(m Method) bool {
		return m.Kind == KindPhone && strings.EqualFold(m.PhoneType, "alternateMobile")
	})
	// With the default unknown (not read: see defaultMatters) and one
	// deleted method that can be a default, that one goes last: it is the
	// default if there is one.
	known := slices.ContainsFunc(methods, func(m Method) bool { return m.IsDefault })
	lone := !known && countDefaultCapable(del) == 1
	var first, second, last []Method
	for _, m := range del {
		switch {
		case m.IsDefault, lone && PreferenceFor(m) != "":
			last = append(last, m)
		case hasAlt && m.Kind == KindPhone && strings.EqualFold(m.PhoneType, "mobile"):
			second = append(second, m)
		default:
			first = append(first, m)
		}
	}
	// A default mobile number with an alternate mobile: the alternate goes
	// in the first stage, the default mobile last, which keeps both rules.
	for _, s := range [][]Method{first, second, last} {
		if len(s) > 0 {
			stages = append(stages, s)
		}
	}
	return stages, kept, plan.MoveDefaultTo, plan.Blocked
}

// bulkPlan is PlanReset for a bulk operation: what op deletes of methods
// and what stays (a --kinds run keeps every other kind), with the default
// moved to a kept method, or the user blocked, as for one user.
func bulkPlan(methods []Method, op Operation) (ResetPlan, []Method) {
	keep := slices.Clone(op.Keep)
	if op.Kind == OpDeleteMethods {
		for _, m := range methods {
			if !slices.Contains(op.Kinds, m.Kind) && !slices.Contains(keep, m.Kind) {
				keep = append(keep, m.Kind)
			}
		}
	}
	plan := PlanReset(methods, ResetOptions{Keep: keep})
	return plan, plan.Delete
}

// countDefaultCapable counts the methods that can be a default (an
// Authenticator, an OATH token, a phone).
func countDefaultCapable(ms []Method) int {
	n := 0
	for _, m := range ms {
		if PreferenceFor(m) != "" {
			n++
		}
	}
	return n
}

// defaultMatters reports whether knowing the default changes what a bulk
// delete does for this user: the order (the default goes last) when two or
// more deleted methods could be it, or a move when one could be it while
// other methods stay. Otherwise the sign-in preferences are not read: a
// lone candidate goes last anyway (bulkDeleteStages).
func defaultMatters(methods []Method, op Operation) bool {
	if slices.ContainsFunc(methods, func(m Method) bool { return m.IsDefault }) {
		return false // the client marked it already
	}
	plan, del := bulkPlan(methods, op)
	n := countDefaultCapable(del)
	others := slices.ContainsFunc(plan.Keep, func(k KeptMethod) bool {
		return k.Method.Kind != KindPassword && k.Method.ID != PasswordMethodID
	})
	return n >= 2 || n >= 1 && others
}

func joinKinds(ks []MethodKind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
