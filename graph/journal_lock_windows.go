//go:build windows

package graph

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"weak"

	"golang.org/x/sys/windows"
)

// On Windows the journal is locked with LockFileEx, which differs from
// flock in three ways that shape this file:
//
//   - LockFileEx needs a handle opened with GENERIC_READ or GENERIC_WRITE;
//     an O_APPEND handle from os.OpenFile has neither (Go maps O_APPEND to
//     FILE_APPEND_DATA), and locking it fails with ERROR_ACCESS_DENIED. So
//     the lock is taken on a second, read-only handle to the same file.
//   - The lock is mandatory for the locked byte range: even this process's
//     own reads through another handle (OpenJournal reads the file with
//     os.ReadFile after locking) would fail. So the lock covers one byte far
//     beyond any journal's end (locking past end of file is allowed), which
//     no read or append ever touches, the way SQLite places its lock bytes.
//   - The lock lives as long as that second handle, not the journal's. The
//     journal only closes its own file, so the lock handle is released by
//     the next lockJournal in this process once the journal's file is
//     closed, or when the file is garbage collected, or at exit.
const (
	lockOffsetHigh = 0x7fffffff // byte 0x7fffffff_00000000: never data
	lockOffsetLow  = 0
)

var journalLocks struct {
	sync.Mutex
	held map[weak.Pointer[os.File]]*os.File // journal file -> its lock handle
}

func lockJournal(f *os.File) error {
	releaseClosedJournalLocks()
	lf, err := os.Open(f.Name())
	if err != nil {
		return fmt.Errorf("lock journal: %w", err)
	}
	ol := &windows.Overlapped{Offset: lockOffsetLow, OffsetHigh: lockOffsetHigh}
	err = windows.LockFileEx(windows.Handle(lf.Fd()),
		windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if err != nil {
		lf.Close()
		if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
			return fmt.Errorf("journal %s is in use by another mfadesk run", f.Name())
		}
		return fmt.Errorf("lock journal: %w", err)
	}
	journalLocks.Lock()
	if journalLocks.held == nil {
		journalLocks.held = map[weak.Pointer[os.File]]*os.File{}
	}
	journalLocks.held[weak.Make(f)] = lf
	journalLocks.Unlock()
	// A journal that is dropped without Close still lets go of its lock.
	runtime.AddCleanup(f, func(lf *os.File) { lf.Close() }, lf)
	return nil
}

// releaseClosedJournalLocks closes the lock handles of journals whose file
// has been closed (or collected).
func releaseClosedJournalLocks() {
	journalLocks.Lock()
	defer journalLocks.Unlock()
	for wp, lf := range journalLocks.held {
		if f := wp.Value(); f == nil || fileClosed(f) {
			lf.Close() // closing the handle releases its lock
			delete(journalLocks.held, wp)
		}
	}
}

// fileClosed reports whether f has been closed.
func fileClosed(f *os.File) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return true
	}
	return rc.Control(func(uintptr) {}) != nil
}
