//go:build windows

package graph

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// On Windows the lock must (1) work on the journal's append-only handle,
// (2) keep a second opener out, (3) not block reading the file, and (4) be
// released once the journal is closed. Only CI on Windows runs this.
func TestJournalLockWindows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	j, err := CreateJournal(path, testRun("a"))
	if err != nil {
		t.Fatalf("create (lock on an O_APPEND handle): %v", err)
	}
	if _, _, err := OpenJournal(path); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("a second opener got in: %v", err)
	}
	if data, err := os.ReadFile(path); err != nil || len(data) == 0 {
		t.Fatalf("reading a locked journal: %d bytes, %v", len(data), err)
	}
	j.Close()
	j2, st, err := OpenJournal(path)
	if err != nil {
		t.Fatalf("after close: %v", err)
	}
	if st == nil {
		t.Fatal("no state")
	}
	j2.Close()
}
