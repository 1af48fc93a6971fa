package cli

// Where the passes of a bulk re-register go: a file the technician names
// with --passes, each pass written and fsynced as soon as Graph issues it,
// so a run that is interrupted (ctrl+c, a closed terminal, kill -9) loses
// none that were delivered, and the journal knows which were (graph:
// "issued", then "delivered"; never the value). Not stdout at the end of
// the run: that is where 200 passes were lost to a closed SSH session.

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/mfadesk/mfadesk/graph"
)

// passesHeader is the first line of a passes file.
var passesHeader = []string{"user", "userId", "temporaryAccessPass", "validFrom", "validUntil", "usableOnce"}

// passesFile is an open --passes output.
type passesFile struct {
	path string
	mu   sync.Mutex
	f    *os.File
	tty  bool // a terminal: nothing to fsync
	n    int  // passes written
}

// openPasses opens path for the passes: a new file (created 0600, never
// one that exists), or a terminal. Anything else is refused with why,
// before any change: a device that is not a terminal (/dev/null) or a
// pipe would swallow passes nobody could get back.
func openPasses(path string) (*passesFile, error) {
	if strings.TrimSpace(path) == "" {
		return nil, errors.New("--passes needs a file name")
	}
	if fi, err := os.Stat(path); err == nil {
		if fi.Mode()&fs.ModeCharDevice != 0 {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				return nil, fmt.Errorf("--passes %s: %w", path, err)
			}
			if !term.IsTerminal(f.Fd()) {
				f.Close()
				return nil, fmt.Errorf("--passes %s is a device but not a terminal: passes written there would be lost; name a new file", path)
			}
			return &passesFile{path: path, f: f, tty: true}, nil
		}
		if fi.Mode().IsRegular() {
			return nil, fmt.Errorf("--passes %s already exists; mfadesk never overwrites a passes file: name a new one", path)
		}
		return nil, fmt.Errorf("--passes %s is not a regular file or a terminal: passes written there could be lost; name a new file", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("--passes %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("--passes: %w", err)
	}
	p := &passesFile{path: path, f: f}
	if err := p.write(passesHeader); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	// The new name is durable too.
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return p, nil
}

// deliver writes one pass and syncs it to disk before returning (the
// runner journals "delivered" only then).
func (p *passesFile) deliver(d graph.PassDelivery) error {
	use := "no"
	if d.TAP.IsUsableOnce {
		use = "yes"
	}
	start := d.TAP.Start
	if start.IsZero() {
		start = d.TAP.Created
	}
	rec := []string{graph.CSVSafe(d.User), graph.CSVSafe(d.UserID),
		// The pass exactly as Graph gave it (an apostrophe would break it).
		graph.CleanText(d.TAP.Value),
		start.UTC().Format(time.RFC3339), d.TAP.Expires().UTC().Format(time.RFC3339), use}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.write(rec); err != nil {
		return err
	}
	p.n++
	return nil
}

// write writes one CSV record and syncs it (p.mu held, or not yet shared).
func (p *passesFile) write(rec []string) error {
	var b strings.Builder
	cw := csv.NewWriter(&b)
	cw.Write(rec)
	cw.Flush()
	if _, err := p.f.WriteString(b.String()); err != nil {
		return fmt.Errorf("--passes %s: %w", p.path, err)
	}
	if !p.tty {
		if err := p.f.Sync(); err != nil {
			return fmt.Errorf("--passes %s: %w", p.path, err)
		}
	}
	return nil
}

func (p *passesFile) Close() error {
	if p == nil || p.f == nil {
		return nil
	}
	return p.f.Close()
}

// count is how many passes were written.
func (p *passesFile) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}
