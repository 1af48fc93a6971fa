// Package history is mfadesk's local record of every change it made: an
// append-only JSONL file in the user's state directory, one entry per
// change, each synced to disk before the call that made the change returns.
//
// It answers "what did I (or this workstation) do to alice, and under which
// ticket?" without Graph. The directory audit log remains the authority; this
// file adds what Graph does not know: the ticket or reason, the
// identity-verification checklist the technician confirmed, and which tool
// made the change.
//
// Nothing secret is ever written: an Entry has no field for a token, a
// secret or a Temporary Access Pass value, free text is scrubbed of anything
// token-shaped, and the TAP value is redacted from the entry of the call
// that created it.
package history

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/mfadesk/mfadesk/graph"
)

// Results of a change.
const (
	ResultOK      = "ok"
	ResultError   = "error"   // Graph (or the network) failed it
	ResultRefused = "refused" // mfadesk refused it: read-only, protected, no ticket, ...
)

// Entry is one change, one line of the file.
type Entry struct {
	Time     time.Time `json:"time"`
	Tenant   string    `json:"tenant,omitempty"`
	Operator string    `json:"operator,omitempty"`
	// Via is what made the change: "tui", "cli reset", "bulk run 5f2c...".
	Via string `json:"via,omitempty"`
	// Ticket is the ticket number or free-text reason given at confirmation.
	Ticket string `json:"ticket,omitempty"`
	// Checklist holds the identity-verification lines the technician
	// confirmed before the change.
	Checklist []string        `json:"checklist,omitempty"`
	UserID    string          `json:"userId,omitempty"`
	UPN       string          `json:"upn,omitempty"`
	Op        graph.WriteKind `json:"op"`
	// Detail says exactly what: the method deleted, the MFA state set, the
	// TAP's lifetime and method id, the mail's recipients and subject.
	Detail    string `json:"detail,omitempty"`
	Result    string `json:"result"`
	Error     string `json:"error,omitempty"`
	RequestID string `json:"requestId,omitempty"`
}

// DefaultPath is where the history lives: $MFADESK_HISTORY_FILE when set,
// else $XDG_STATE_HOME/mfadesk/history.jsonl, falling back to
// ~/.local/state/mfadesk/history.jsonl (%LocalAppData%\mfadesk\history.jsonl
// on Windows).
func DefaultPath() (string, error) { return PathFrom(os.Getenv) }

// PathFrom is DefaultPath reading the environment through getenv (tests,
// and the CLI's Env).
func PathFrom(getenv func(string) string) (string, error) {
	if p := getenv("MFADESK_HISTORY_FILE"); p != "" {
		return p, nil
	}
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "mfadesk", "history.jsonl"), nil
	}
	if runtime.GOOS == "windows" {
		if d := getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "mfadesk", "history.jsonl"), nil
		}
	}
	home := getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", fmt.Errorf("finding the state directory for the change history: %w", err)
		}
	}
	return filepath.Join(home, ".local", "state", "mfadesk", "history.jsonl"), nil
}

// Log appends entries to the history file.
type Log struct {
	path string

	mu  sync.Mutex
	f   *os.File
	err error // first failed append: the log refuses further changes

	now func() time.Time
}

// Open opens (creating it and its directory if needed) the history file at
// path for appending. The file is made private to the user (0600).
func Open(path string) (*Log, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("change history: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("change history: %w", err)
	}
	// An older file (or one copied in) may be readable by others: it names
	// people, tickets and operators.
	if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			return nil, fmt.Errorf("change history: making %s private: %w", path, err)
		}
	}
	if err := endCleanly(f, path); err != nil {
		f.Close()
		return nil, err
	}
	return &Log{path: path, f: f, now: time.Now}, nil
}

// endCleanly ends a torn last line (a write cut short by a crash or a full
// disk) with a newline, so the next entry starts on a line of its own.
// Nothing is removed: this is an append-only record.
func endCleanly(f *os.File, path string) error {
	r, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("change history: %w", err)
	}
	defer r.Close()
	fi, err := r.Stat()
	if err != nil || fi.Size() == 0 {
		return nil
	}
	last := make([]byte, 1)
	if _, err := r.ReadAt(last, fi.Size()-1); err != nil {
		return fmt.Errorf("change history: %w", err)
	}
	if last[0] == '\n' {
		return nil
	}
	if _, err := f.Write([]byte{'\n'}); err != nil {
		return fmt.Errorf("change history: %w", err)
	}
	return f.Sync()
}

// Path is the history file's name.
func (l *Log) Path() string { return l.path }

// Err is the error that broke the log (a failed write or sync), or nil.
// Wrap refuses further changes once it is set: a change that cannot be
// recorded is not made.
func (l *Log) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Close closes the file.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	if l.err == nil {
		l.err = errors.New("change history is closed")
	}
	return err
}

// Append writes e (stamped now when its Time is zero) as one line and
// returns once it is synced to disk. Free text is cleaned of control
// sequences and anything token-shaped.
func (l *Log) Append(e Entry) error {
	if e.Time.IsZero() {
		e.Time = l.now()
	}
	e.Time = e.Time.UTC()
	e = sanitize(e)
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("change history: %w", err)
	}
	line = append(line, '\n')

	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return l.err
	}
	// One write per line: with O_APPEND, concurrent mfadesk processes
	// never interleave inside a line.
	if _, err := l.f.Write(line); err != nil {
		l.err = fmt.Errorf("change history %s: %w", l.path, err)
		return l.err
	}
	if err := l.f.Sync(); err != nil {
		l.err = fmt.Errorf("change history %s: %w", l.path, err)
		return l.err
	}
	return nil
}

// Filter selects entries. The zero value selects everything.
type Filter struct {
	// User matches the target's object id or UPN (case-insensitive); a
	// value without "@" also matches the UPN's part before the "@".
	User string
	// Since keeps entries at or after this time.
	Since time.Time
	// Last keeps only the newest Last entries (0: all).
	Last int
}

func (f Filter) match(e Entry) bool {
	if !f.Since.IsZero() && e.Time.Before(f.Since) {
		return false
	}
	if u := strings.TrimSpace(f.User); u != "" {
		if strings.EqualFold(e.UserID, u) || strings.EqualFold(e.UPN, u) {
			return true
		}
		if !strings.Contains(u, "@") {
			local, _, _ := strings.Cut(e.UPN, "@")
			return strings.EqualFold(local, u)
		}
		return false
	}
	return true
}

// Read returns the entries matching f, oldest first. Lines that cannot be
// read (a torn write) are skipped.
func (l *Log) Read(f Filter) ([]Entry, error) {
	es, _, err := ReadFile(l.path, f)
	return es, err
}

// ReadFile reads the history at path without opening it for writing (a
// missing file is an empty history). skipped counts unreadable lines: a
// line torn by a crash, or an edited file.
func ReadFile(path string, f Filter) (entries []Entry, skipped int, err error) {
	file, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("change history: %w", err)
	}
	defer file.Close()
	r := bufio.NewReader(file)
	for {
		line, rerr := r.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var e Entry
			if json.Unmarshal(line, &e) != nil || e.Op == "" {
				skipped++
			} else if f.match(e) {
				entries = append(entries, e)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return entries, skipped, fmt.Errorf("change history: %w", rerr)
		}
	}
	if f.Last > 0 && len(entries) > f.Last {
		entries = entries[len(entries)-f.Last:]
	}
	return entries, skipped, nil
}

// Token-shaped text: JWTs (every Entra access token), bearer headers, and
// secret-looking query or form parameters. The JWT pattern takes the whole
// dotted run around an "eyJ" segment, so text glued to a token cannot make
// it match only part of one.
var (
	jwtRE    = regexp.MustCompile(`[A-Za-z0-9_-]*eyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)+`)
	bearerRE = regexp.MustCompile(`(?i)\bbearer\s+[^\s"',;]+`)
	paramRE  = regexp.MustCompile(`(?i)\b(access_token|refresh_token|id_token|client_secret|client_assertion|password|temporaryAccessPass)(["']?\s*[=:]\s*["']?)[^\s"'&,;}]+`)
)

// Scrub cleans free text for the history: anything token-shaped redacted,
// control sequences out (the file is printed by `mfadesk history`).
// Redaction runs before cleaning too, so an escape sequence glued to a
// token cannot eat its first letters and hide it from the patterns.
func Scrub(s string) string {
	return redact(graph.CleanText(redact(s)))
}

func redact(s string) string {
	s = jwtRE.ReplaceAllString(s, "[redacted token]")
	s = bearerRE.ReplaceAllString(s, "Bearer [redacted]")
	s = paramRE.ReplaceAllString(s, "$1$2[redacted]")
	return s
}

func sanitize(e Entry) Entry {
	e.Tenant = Scrub(e.Tenant)
	e.Operator = Scrub(e.Operator)
	e.Via = Scrub(e.Via)
	e.Ticket = Scrub(e.Ticket)
	if e.Checklist != nil {
		cl := make([]string, len(e.Checklist))
		for i, c := range e.Checklist {
			cl[i] = Scrub(c)
		}
		e.Checklist = cl
	}
	e.UserID = Scrub(e.UserID)
	e.UPN = Scrub(e.UPN)
	e.Op = graph.WriteKind(Scrub(string(e.Op)))
	e.Detail = Scrub(e.Detail)
	e.Result = Scrub(e.Result)
	e.Error = Scrub(e.Error)
	e.RequestID = Scrub(e.RequestID)
	return e
}
