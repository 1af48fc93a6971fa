package graph

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"
)

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
	// stepMFARead reads the current per-user MFA state before it is set:
	// a user already there is skipped (no change, no mail).
	stepMFARead = "mfa-read"
	// stepPrefs reads the sign-in preferences (which method is the
	// default), only for a user where that changes the deletes.
	stepPrefs = "prefs"
	// stepDefault moves the default to a kept method before the deletes,
	// as a reset of one user does (PlanReset's MoveDefaultTo).
	stepDefault = "default"
	// stepChange is an OpChange's one change.
	stepChange = "change"
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

// append journals e; a journal that cannot be written stops the run (a run
// that cannot record what it did must not go on changing things).
func (r *runner) append(e JournalEntry) error {
	if err := r.j.Append(e); err != nil {
		r.stop(err) // after the requests on their way
		return err
	}
	return nil
}
