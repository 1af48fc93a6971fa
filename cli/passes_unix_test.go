//go:build unix

package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
)

// passLines reads a --passes file: its pass rows (header left out).
func passLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "user,") {
		t.Fatalf("%s has no header:\n%s", path, data)
	}
	return lines[1:]
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}

// 15.2: a closed terminal (SIGHUP) mid-way through a bulk re-register with
// passes stops it cleanly: every pass Graph issued is in the --passes
// file, the journal says each was delivered (and holds no value), and the
// resume finishes the rest into a new file: as many passes delivered as
// issued, none lost, none issued twice.
func TestBulkPassesSurviveSIGHUP(t *testing.T) {
	if testing.Short() {
		t.Skip("runs mfadesk as a child process")
	}
	const n = 40
	srv := bigTenant(t, n, fake.Options{Latency: 20 * time.Millisecond})
	noDefaults(srv)
	dir := t.TempDir()
	journal, passes, passes2 := filepath.Join(dir, "run.jsonl"), filepath.Join(dir, "p1.csv"), filepath.Join(dir, "p2.csv")
	env := map[string]string{"MFADESK_HISTORY_FILE": filepath.Join(dir, "history.jsonl")}
	args := []string{"--graph-endpoint", srv.URL, "reregister", "--tap", "--yes", "--journal", journal, "--passes", passes}
	for i := range n {
		args = append(args, fmt.Sprintf("big%03d@contoso.com", i+1))
	}
	cmd := helperCommand(t, env, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Hang up once a few passes are out (polled; a deadline for a hang only).
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		data, _ := os.ReadFile(passes)
		if bytes.Count(data, []byte("\n")) >= 4 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("no passes after a minute:\n%s", out.String())
		}
	}
	cmd.Process.Signal(syscall.SIGHUP)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		<-done
		t.Fatalf("still running a minute after SIGHUP:\n%s", out.String())
	}
	if code := exitCode(t, err); code != ExitFailed || !strings.Contains(out.String(), "Interrupted") {
		t.Fatalf("after SIGHUP: exit %d\n%s", code, out.String())
	}
	issued := srv.Tenant.Stats().TAPsCreated
	first := passLines(t, passes)
	if issued == 0 || issued >= n || len(first) != issued {
		t.Fatalf("SIGHUP: %d passes issued, %d in the passes file\n%s", issued, len(first), out.String())
	}
	st, err := graph.ReadJournal(journal)
	if err != nil {
		t.Fatal(err)
	}
	if u := st.Undelivered(); len(u) != 0 {
		t.Errorf("undelivered after a clean stop: %+v", u)
	}
	data, _ := os.ReadFile(journal)
	for _, l := range first {
		if v := strings.Split(l, ",")[2]; bytes.Contains(data, []byte(v)) || strings.Contains(out.String(), v) {
			t.Errorf("pass %q left the passes file", v)
		}
	}

	// The resume finishes into a new file.
	cmd = helperCommand(t, env, "--graph-endpoint", srv.URL, "reregister", "--resume", journal, "--yes", "--passes", passes2)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, b)
	}
	second := passLines(t, passes2)
	if got := srv.Tenant.Stats().TAPsCreated; got != n || len(first)+len(second) != n {
		t.Errorf("%d passes issued for %d users; %d + %d delivered", got, n, len(first), len(second))
	}
}

// 15.2: kill -9 between a pass's "issued" and "delivered" (the stand-in:
// the journal cut where a kill would leave it, mid-line included). The
// resume names every user whose pass reached nobody and exits 1;
// --reissue-passes gives each a new pass in a new file (the old one is
// replaced, as Graph documents), and then nothing is left to list.
func TestBulkPassesUndeliveredAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("runs mfadesk as a child process")
	}
	const n = 8
	srv := bigTenant(t, n, fake.Options{})
	noDefaults(srv)
	dir := t.TempDir()
	journal := filepath.Join(dir, "run.jsonl")
	env := map[string]string{"MFADESK_HISTORY_FILE": filepath.Join(dir, "history.jsonl")}
	args := []string{"--graph-endpoint", srv.URL, "reregister", "--tap", "--yes", "--journal", journal, "--passes", filepath.Join(dir, "p1.csv")}
	for i := range n {
		args = append(args, fmt.Sprintf("big%03d@contoso.com", i+1))
	}
	if b, err := helperCommand(t, env, args...).CombinedOutput(); err != nil {
		t.Fatalf("run: %v\n%s", err, b)
	}
	// Cut the journal inside the third "delivered" line from the end.
	data, _ := os.ReadFile(journal)
	cut := len(data)
	for range 3 {
		cut = bytes.LastIndex(data[:cut], []byte(`"do":"deliver"`))
	}
	if err := os.WriteFile(journal, data[:cut], 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := helperCommand(t, env, "--graph-endpoint", srv.URL, "reregister", "--resume", journal, "--yes", "--passes", filepath.Join(dir, "p2.csv"))
	b, err := cmd.CombinedOutput()
	// What reached nobody: passes journaled "issued" and not "delivered",
	// and passes whose "issued" the cut also took (the resume finds them
	// created since the journaled intent).
	st, rerr := graph.ReadJournal(journal)
	if rerr != nil {
		t.Fatal(rerr)
	}
	lost := st.Undelivered()
	if len(lost) == 0 {
		t.Fatalf("the stand-in left no undelivered pass:\n%s", b)
	}
	if code := exitCode(t, err); code != ExitFailed || !strings.Contains(string(b), "never delivered") || !strings.Contains(string(b), "--reissue-passes") {
		t.Fatalf("resume after the kill: exit %d\n%s", code, b)
	}
	for _, p := range lost {
		if !strings.Contains(string(b), p.User) {
			t.Errorf("%s is not named:\n%s", p.User, b)
		}
	}
	issued := srv.Tenant.Stats().TAPsCreated

	p3 := filepath.Join(dir, "p3.csv")
	cmd = helperCommand(t, env, "--graph-endpoint", srv.URL, "reregister", "--resume", journal, "--yes", "--reissue-passes", "--passes", p3)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("re-issue: %v\n%s", err, b)
	}
	again := passLines(t, p3)
	if len(again) != len(lost) || srv.Tenant.Stats().TAPsCreated != issued+len(lost) {
		t.Fatalf("re-issue: %d passes written, %d issued, for %d lost", len(again), srv.Tenant.Stats().TAPsCreated-issued, len(lost))
	}
	for _, p := range lost {
		for _, m := range srv.Tenant.Methods(p.UserID) {
			if m.Kind == fake.KindTAP && (m.ID == p.TAPID || m.Created.Before(p.Issued)) {
				t.Errorf("%s still has the undelivered pass %s", p.User, p.TAPID)
			}
		}
	}
	cmd = helperCommand(t, env, "--graph-endpoint", srv.URL, "reregister", "--resume", journal, "--yes", "--passes", filepath.Join(dir, "p4.csv"))
	if b, err := cmd.CombinedOutput(); err != nil || strings.Contains(string(b), "never delivered") {
		t.Fatalf("after the re-issue: %v\n%s", err, b)
	}
}
