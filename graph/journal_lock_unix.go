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
// lock goes with the file descriptor when it is closed or the process dies.
func lockJournal(f *os.File) error {
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return fmt.Errorf("journal %s is in use by another mfadesk run", f.Name())
		}
		return fmt.Errorf("lock journal: %w", err)
	}
	return nil
}
