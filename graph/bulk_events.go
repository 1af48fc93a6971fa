package graph

import (
	"errors"
	"time"
)

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
	SessionsRevoked bool   `json:"sessionsRevoked,omitempty"`
	TAPIssued       bool   `json:"tapIssued,omitempty"`
	TAPDelivered    bool   `json:"tapDelivered,omitempty"`
	PerUserMFA      string `json:"perUserMfaState,omitempty"`
	// PreviousPerUserMFA is the state an mfa-state run found (and, when
	// it set another, changed).
	PreviousPerUserMFA string    `json:"previousPerUserMfaState,omitempty"`
	Time               time.Time `json:"time,omitzero"`
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
