package cli

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph/fake"
)

// 15.9: the disk fills while a bulk run journals. The run stops before its
// next change, says so and how to finish (not a bare "journal write" error
// with exit 2), and once there is room the resume finishes it: every method
// deleted once, nothing repeated or lost. The full disk is a file size
// limit on the mfadesk process (RLIMIT_FSIZE): its journal cannot grow
// past it, as on a full disk.
func TestJournalFullDiskStopsAndResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs mfadesk as a child process")
	}
	const n = 58
	srv := bigTenant(t, n, fake.Options{})
	var targets []string
	for i := range n {
		targets = append(targets, fmt.Sprintf("big%03d@contoso.com", i+1))
	}
	dir := t.TempDir()
	journal := filepath.Join(dir, "run.jsonl")
	env := map[string]string{
		"MFADESK_HISTORY_FILE": filepath.Join(dir, "history.jsonl"),
		"MFADESK_TEST_FSIZE":   "6000",
	}
	cmd := helperCommand(t, env, append([]string{"--graph-endpoint", srv.URL, "reset", "--yes", "--journal", journal}, targets...)...)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != ExitFailed {
		t.Fatalf("full disk: %v, want exit %d\n%s", err, ExitFailed, out)
	}
	for _, want := range []string{"the journal could not be written", "No change was sent after that", "--resume " + journal} {
		if !strings.Contains(string(out), want) {
			t.Errorf("full disk: output lacks %q:\n%s", want, out)
		}
	}
	if fi, err := os.Stat(journal); err != nil || fi.Size() > 6000 {
		t.Fatalf("journal: %v %v", fi, err)
	}
	deletedBefore := len(srv.Tenant.Audits())
	if deletedBefore == 0 || deletedBefore >= 4*n {
		t.Fatalf("the run should have stopped part way: %d deletions", deletedBefore)
	}

	// Room again: the resume finishes the run.
	delete(env, "MFADESK_TEST_FSIZE")
	cmd = helperCommand(t, env, "--graph-endpoint", srv.URL, "reset", "--resume", journal, "--yes")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	left := 0
	for i := range n {
		for _, m := range srv.Tenant.Methods(fmt.Sprintf("big%03d@contoso.com", i+1)) {
			if m.Kind != fake.KindPassword {
				left++
			}
		}
	}
	if left != 0 {
		t.Errorf("%d methods left after the resume", left)
	}
	// Four methods a user, each deleted once: one delete audit each.
	if got := len(srv.Tenant.Audits()); got != 4*n {
		t.Errorf("%d delete audits for %d methods", got, 4*n)
	}
}
