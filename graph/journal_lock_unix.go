//go:build unix

package graph

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockJournal takes an exclusive advisory lock on the journal file, so two
// mfadesk processes never append to (or resume) the same run at once. The
// lock goes with the file descriptor when it is closed or the process dies,
// so unlock has nothing left to do.
func lockJournal(f *os.File) (unlock func() error, err error) {
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("journal %s is in use by another mfadesk run", f.Name())
		}
		return nil, fmt.Errorf("lock journal: %w", err)
	}
	return func() error { return nil }, nil
}
