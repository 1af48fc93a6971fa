//go:build windows

package graph

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"

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
//   - The lock lives as long as that second handle, not the journal's. So
//     lockJournal returns unlock, which closes it: Journal.Close calls it,
//     and another process may resume the run at once, even while this one
//     (the app) keeps running. A journal dropped without Close lets go when
//     its file is garbage collected, or at exit.
const (
	lockOffsetHigh = 0x7fffffff // byte 0x7fffffff_00000000: never data
	lockOffsetLow  = 0
)

func lockJournal(f *os.File) (unlock func() error, err error) {
	lf, err := os.Open(f.Name())
	if err != nil {
		return nil, fmt.Errorf("lock journal: %w", err)
	}
	ol := &windows.Overlapped{Offset: lockOffsetLow, OffsetHigh: lockOffsetHigh}
	err = windows.LockFileEx(windows.Handle(lf.Fd()),
		windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if err != nil {
		lf.Close()
		if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
			return nil, fmt.Errorf("journal %s is in use by another mfadesk run", f.Name())
		}
		return nil, fmt.Errorf("lock journal: %w", err)
	}
	// Closing the handle releases its lock; once, from Close or the cleanup.
	var once sync.Once
	var closeErr error
	release := func() error {
		once.Do(func() { closeErr = lf.Close() })
		return closeErr
	}
	runtime.AddCleanup(f, func(release func() error) { release() }, release)
	return release, nil
}
