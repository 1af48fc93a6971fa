package cli

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// applyHelperLimits sets the helper process's limits from its environment:
// MFADESK_TEST_FSIZE caps the size of any file it writes (a full disk
// stand-in: a write past it fails with EFBIG; Go ignores SIGXFSZ).
func applyHelperLimits() {
	if v := os.Getenv("MFADESK_TEST_FSIZE"); v != "" {
		n, _ := strconv.ParseUint(v, 10, 64)
		unix.Setrlimit(unix.RLIMIT_FSIZE, &unix.Rlimit{Cur: n, Max: n})
	}
}
