package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// The bulk journal: one JSON object per line, appended and fsynced before the
// runner takes the next step, so a run killed at any moment (ctrl+c, a
// crash, a lost network) can be resumed and its report rebuilt from the file
// alone.
//
// A file looks like this (one entry per line):
//
//	{"t":"...","ev":"run","run":{"version":1,"id":"...","op":{"kind":"reset"},"targets":["alice@contoso.com",...]}}
//	{"t":"...","ev":"plan","user":"alice@contoso.com","userId":"...","steps":[{"do":"delete","method":"...","kind":"phone"},...]}
//	{"t":"...","ev":"step","user":"alice@contoso.com","do":"delete","method":"...","kind":"phone","result":"deleted","requestId":"..."}
//	{"t":"...","ev":"intent","user":"alice@contoso.com","do":"tap"}
//	{"t":"...","ev":"step","user":"alice@contoso.com","do":"tap","result":"issued","tapId":"..."}
//	{"t":"...","ev":"done","user":"alice@contoso.com","userId":"..."}
//	{"t":"...","ev":"resume"}
//
// Nothing secret is ever written: there is no field that could hold a token
// or a Temporary Access Pass value (only the pass's method id).

// JournalVersion is the journal format version written in the run header.
const JournalVersion = 1

// Journal entry kinds (the "ev" field).
const (
	evRun     = "run"     // header: the operation and every target
	evPlan    = "plan"    // a user's planned steps, before the first change
	evIntent  = "intent"  // about to send a request that must not be repeated blindly
	evStep    = "step"    // one request finished (result says how)
	evDone    = "done"    // final: the user is done
	evSkipped = "skipped" // final: nothing to do, with why
	evFailed  = "failed"  // final: with why and Graph's request-id
	evResume  = "resume"  // a resumed run starts appending here
	evEnd     = "end"     // the run finished with every user accounted for
)

// JournalRun is the journal's first line: what the run does and to whom.
type JournalRun struct {
	Version int       `json:"version"`
	ID      string    `json:"id"`
	Op      Operation `json:"op"`
	Targets []string  `json:"targets"`
	// States is each target's per-user MFA state for an mfa-state run
	// with Op.MFAStatePerUser (the legacy bulk file's rows).
	States map[string]PerUserMFAState `json:"states,omitempty"`
	// Tenant labels the tenant for the record's reader (a profile's tenant
	// name); optional.
	Tenant string `json:"tenant,omitempty"`
	// TenantID (the signed-in token's tid, "" without a token) and
	// Endpoint (the Graph service root) say which tenant the run changes:
	// a resume signed in anywhere else is refused (CheckResume).
	TenantID string `json:"tenantId,omitempty"`
	Endpoint string `json:"endpoint,omitempty"`
	// Operator is who ran it (UPN, or the app id for app-only sign-in).
	Operator string `json:"operator,omitempty"`
	// Reason is the run's ticket or reason; a resume records its changes
	// under it too.
	Reason string `json:"reason,omitempty"`
}

// PlannedStep is one request a user's plan will send.
type PlannedStep struct {
	Do     string     `json:"do"` // delete, revoke, tap, mfa
	Method string     `json:"method,omitempty"`
	Kind   MethodKind `json:"kind,omitempty"`
	Detail string     `json:"detail,omitempty"`
}

// JournalEntry is one line of the journal.
type JournalEntry struct {
	Time  time.Time   `json:"t"`
	Event string      `json:"ev"`
	Run   *JournalRun `json:"run,omitempty"`
	// User is the target exactly as given in the run header (the key).
	User   string        `json:"user,omitempty"`
	UserID string        `json:"userId,omitempty"`
	Steps  []PlannedStep `json:"steps,omitempty"`
	// Kept lists the methods a reset leaves in place (by kind), for the report.
	Kept []MethodKind `json:"kept,omitempty"`
	// Step fields.
	Do     string     `json:"do,omitempty"`
	Method string     `json:"method,omitempty"`
	Kind   MethodKind `json:"kind,omitempty"`
	Result string     `json:"result,omitempty"`
	// TAPID is the id of an issued pass's method. Never its value.
	TAPID string `json:"tapId,omitempty"`
	// From is what a step changed from (the per-user MFA state before).
	From string `json:"from,omitempty"`
	// Final fields.
	Why       string `json:"why,omitempty"`
	Status    int    `json:"status,omitempty"`
	RequestID string `json:"requestId,omitempty"`
}

// ErrJournal wraps a failed journal write or sync (a full disk, a removed
// volume). A run stops at once: it must not go on changing things it
// cannot record. Requests already on their way when it failed may have
// gone through unrecorded (the change history has them); a resume re-reads
// each unfinished user's methods, so they are neither repeated nor lost.
var ErrJournal = errors.New("the journal could not be written")

// Journal appends entries to a JSONL file, each one on disk before Append
// returns. Concurrent appenders share fsyncs (group commit): a worker waits
// only for the sync that covers its own line.
type Journal struct {
	path string

	mu      sync.Mutex // guards f writes and written
	f       *os.File
	written uint64
	err     error // first write/sync error; the journal is unusable after it

	syncMu sync.Mutex // one fsync at a time
	synced uint64
	sync   func() error // f.Sync; replaced in tests

	now func() time.Time

	// unlock lets go of the journal's lock (lockJournal); Close calls it,
	// so another run may take the journal as soon as this one is done.
	unlock func() error
}

// CreateJournal creates a new journal at path (it must not exist) and
// writes the run header.
func CreateJournal(path string, run JournalRun) (*Journal, error) {
	if run.Version == 0 {
		run.Version = JournalVersion
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create journal: %w", err)
	}
	unlock, err := lockJournal(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	j := &Journal{path: path, f: f, sync: f.Sync, now: time.Now, unlock: unlock}
	if err := j.Append(JournalEntry{Event: evRun, Run: &run}); err != nil {
		closeLocked(f, unlock)
		return nil, err
	}
	// Make the new file's directory entry durable too.
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return j, nil
}

// OpenJournal reopens an existing journal to resume its run: it reads the
// state, cuts off a torn last line (a write interrupted by a crash) so new
// entries start on a clean line, and returns the journal ready to append.
func OpenJournal(path string) (*Journal, *JournalState, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open journal: %w", err)
	}
	// Locked before reading, so what is read is not being appended to.
	unlock, err := lockJournal(f)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		closeLocked(f, unlock)
		return nil, nil, fmt.Errorf("open journal: %w", err)
	}
	st, good, err := parseJournal(data)
	if err != nil {
		closeLocked(f, unlock)
		return nil, nil, fmt.Errorf("journal %s: %w", path, err)
	}
	if good < len(data) {
		if err := f.Truncate(int64(good)); err != nil {
			closeLocked(f, unlock)
			return nil, nil, fmt.Errorf("repair journal: %w", err)
		}
		if err := f.Sync(); err != nil {
			closeLocked(f, unlock)
			return nil, nil, fmt.Errorf("repair journal: %w", err)
		}
	}
	return &Journal{path: path, f: f, sync: f.Sync, now: time.Now, unlock: unlock}, st, nil
}

// closeLocked closes a journal file that could not be used and lets go of
// its lock.
func closeLocked(f *os.File, unlock func() error) {
	f.Close()
	unlock()
}

// ReadJournal reads a journal without changing it (for reports).
func ReadJournal(path string) (*JournalState, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read journal: %w", err)
	}
	st, _, err := parseJournal(data)
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	return st, nil
}

func (j *Journal) state() (*JournalState, error) { return ReadJournal(j.path) }

// Path is the journal's file name.
func (j *Journal) Path() string { return j.path }

// Append writes e (stamped with the time when e.Time is zero) and returns
// once it is synced to disk.
func (j *Journal) Append(e JournalEntry) error {
	if e.Time.IsZero() {
		e.Time = j.now().UTC()
	}
	line, err := jsonLine(e)
	if err != nil {
		return err
	}

	j.mu.Lock()
	if j.err != nil {
		j.mu.Unlock()
		return j.err
	}
	// One write call per line: with O_APPEND a crash leaves at most the
	// last line torn, never two lines interleaved.
	if _, err := j.f.Write(line); err != nil {
		j.err = fmt.Errorf("%w: %w", ErrJournal, err)
		j.mu.Unlock()
		return j.err
	}
	j.written++
	seq := j.written
	j.mu.Unlock()

	j.syncMu.Lock()
	defer j.syncMu.Unlock()
	if j.synced >= seq {
		return nil // another appender's fsync covered this line
	}
	j.mu.Lock()
	upto := j.written
	j.mu.Unlock()
	if err := j.sync(); err != nil {
		j.mu.Lock()
		if j.err == nil {
			j.err = fmt.Errorf("%w (sync): %w", ErrJournal, err)
		}
		err = j.err
		j.mu.Unlock()
		return err
	}
	j.synced = upto
	return nil
}

// jsonLine encodes e as one journal line, newline included.
func jsonLine(e JournalEntry) ([]byte, error) {
	line, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	return append(line, '\n'), nil
}

// Close closes the file. Every Append has already synced.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	err := j.f.Close()
	j.f = nil
	if j.unlock != nil {
		if uerr := j.unlock(); err == nil {
			err = uerr
		}
		j.unlock = nil
	}
	if j.err == nil {
		j.err = errors.New("journal closed")
	}
	return err
}

// JournalState is what a journal says about its run.
type JournalState struct {
	Run JournalRun
	// Users in target order; every target has an entry.
	Users []*UserJournal
	// Resumes counts how many times the run was resumed.
	Resumes int
	// Ended: the run finished with every user accounted for.
	Ended bool
	// Torn: a torn last line was ignored.
	Torn bool

	byKey map[string]*UserJournal
}

// UserJournal is the journal's record of one target.
type UserJournal struct {
	User    string
	UserID  string
	Planned []PlannedStep
	Kept    []MethodKind
	Steps   []JournalEntry // finished steps, in order
	// Intent is the time of an unmatched "intent" entry for Do (a request
	// that must not be repeated blindly may or may not have reached Graph).
	Intents map[string]time.Time
	Final   *JournalEntry
}

// stepDone reports a finished step of kind do with a successful result.
func (u *UserJournal) stepDone(do string) (JournalEntry, bool) {
	for _, s := range u.Steps {
		if s.Do == do && s.Result != "failed" {
			return s, true
		}
	}
	return JournalEntry{}, false
}

// failedDelete returns a journaled failed delete, if any.
func (u *UserJournal) failedDelete() (JournalEntry, bool) {
	for _, s := range u.Steps {
		if s.Do == stepDelete && s.Result == "failed" {
			return s, true
		}
	}
	return JournalEntry{}, false
}

// Pending lists the targets that have no final state yet.
func (st *JournalState) Pending() []*UserJournal {
	var out []*UserJournal
	for _, u := range st.Users {
		if u.Final == nil {
			out = append(out, u)
		}
	}
	return out
}

// User returns the record of one target.
func (st *JournalState) User(key string) *UserJournal { return st.byKey[key] }

// parseJournal reads journal bytes. good is the length of the valid prefix:
// a torn or unreadable tail (after the last valid line) is tolerated and
// excluded; an unreadable line followed by valid ones is corruption.
func parseJournal(data []byte) (st *JournalState, good int, err error) {
	st = &JournalState{byKey: map[string]*UserJournal{}}
	off := 0
	lineNo := 0
	badLine := 0 // first unreadable line not yet followed by a good one
	for off < len(data) {
		nl := bytes.IndexByte(data[off:], '\n')
		if nl < 0 {
			st.Torn = true // no newline: the last write was cut short
			break
		}
		raw := data[off : off+nl]
		next := off + nl + 1
		lineNo++
		if len(bytes.TrimSpace(raw)) == 0 {
			off = next
			if badLine == 0 {
				good = off
			}
			continue
		}
		var e JournalEntry
		if jerr := json.Unmarshal(raw, &e); jerr != nil || e.Event == "" {
			if badLine == 0 {
				badLine = lineNo
			}
			off = next
			continue
		}
		if badLine != 0 {
			return nil, 0, fmt.Errorf("line %d is unreadable but later lines are not: the file is damaged", badLine)
		}
		if lineNo == 1 && e.Event != evRun {
			return nil, 0, errors.New("not a bulk journal (no run header)")
		}
		if err := st.apply(e); err != nil {
			return nil, 0, fmt.Errorf("line %d: %w", lineNo, err)
		}
		off = next
		good = off
	}
	if badLine != 0 {
		st.Torn = true
	}
	if st.Run.Version == 0 {
		return nil, 0, errors.New("not a bulk journal (no run header)")
	}
	return st, good, nil
}

func (st *JournalState) apply(e JournalEntry) error {
	if e.Event == evRun {
		if st.Run.Version != 0 {
			return errors.New("second run header")
		}
		if e.Run == nil || e.Run.Version == 0 {
			return errors.New("run header without a run")
		}
		if e.Run.Version > JournalVersion {
			return fmt.Errorf("journal version %d is newer than this mfadesk (%d)", e.Run.Version, JournalVersion)
		}
		st.Run = *e.Run
		for _, t := range e.Run.Targets {
			if _, dup := st.byKey[t]; dup {
				return fmt.Errorf("target %q listed twice", t)
			}
			u := &UserJournal{User: t, Intents: map[string]time.Time{}}
			st.Users = append(st.Users, u)
			st.byKey[t] = u
		}
		return nil
	}
	switch e.Event {
	case evResume:
		st.Resumes++
		st.Ended = false
		return nil
	case evEnd:
		st.Ended = true
		return nil
	}
	u := st.byKey[e.User]
	if u == nil {
		return fmt.Errorf("entry for %q, which is not a target of this run", e.User)
	}
	if e.UserID != "" {
		u.UserID = e.UserID
	}
	switch e.Event {
	case evPlan:
		u.Planned = e.Steps
		u.Kept = e.Kept
	case evIntent:
		u.Intents[e.Do] = e.Time
	case evStep:
		u.Steps = append(u.Steps, e)
		delete(u.Intents, e.Do)
	case evDone, evSkipped, evFailed:
		if u.Final != nil {
			return fmt.Errorf("%q has two final states", e.User)
		}
		final := e
		u.Final = &final
	default:
		// Unknown entries from a newer minor version are ignored.
	}
	return nil
}
