package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair: the master is the test's side (it
// plays the terminal emulator), the slave is the child's terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		m.Close()
		t.Skipf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		m.Close()
		t.Skipf("pty number: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("open pty slave: %v", err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// terminalEmulator reads everything the child writes to its terminal and,
// like a real emulator, answers the background colour (OSC 11) and device
// attributes (DA1) queries. When the screen shows prompt it calls atPrompt.
type terminalEmulator struct {
	mu      sync.Mutex
	screen  bytes.Buffer
	queries int
}

func (te *terminalEmulator) run(master *os.File, prompt string, atPrompt func()) {
	typed := false
	buf := make([]byte, 4096)
	for {
		n, err := master.Read(buf)
		if n > 0 {
			te.mu.Lock()
			te.screen.Write(buf[:n])
			s := te.screen.String()
			te.mu.Unlock()
			if strings.Count(s, "\x1b]11;?") > te.queries {
				te.queries = strings.Count(s, "\x1b]11;?")
				master.WriteString("\x1b]11;rgb:0000/0000/0000\x1b\\\x1b[?62;22c")
			}
			if !typed && strings.Contains(s, prompt) {
				typed = true
				atPrompt()
			}
		}
		if err != nil {
			return
		}
	}
}

func (te *terminalEmulator) String() string {
	te.mu.Lock()
	defer te.mu.Unlock()
	return te.screen.String()
}

// 15.4: ctrl+c at any prompt of the command line (the typed confirmation,
// the ticket, the checklist) ends the process at once, with the terminal
// as it was and nothing changed. The old error path asked the terminal for
// its background colour while the prompt's reader still held stdin: the
// answer went to the prompt and the process waited for ever, the terminal
// left in raw mode.
func TestCtrlCAtPromptExits(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes on a pseudo-terminal")
	}
	srv := startTenant(t)
	cfg := t.TempDir() + "/config.yaml"
	if err := os.WriteFile(cfg, []byte(`defaultProfile: lab
profiles:
  lab:
    tenant: contoso.com
    clientId: 11111111-2222-3333-4444-555555555555
    verificationChecklist:
      - Called the user back on the number on file
`), 0o600); err != nil {
		t.Fatal(err)
	}
	users := []string{"bulk01@contoso.com", "bulk02@contoso.com", "bulk03@contoso.com", "bulk04@contoso.com",
		"bulk05@contoso.com", "bulk06@contoso.com", "bulk07@contoso.com", "bulk08@contoso.com",
		"bulk09@contoso.com", "bulk10@contoso.com", "bulk11@contoso.com", "bulk12@contoso.com"}
	for _, tc := range []struct {
		name, prompt string
		args         []string
	}{
		{"typed confirmation", "Type 12 to confirm", append([]string{"revoke", "--ticket", "INC-1"}, users...)},
		{"y/N", "? [y/N]", []string{"revoke", "bob@contoso.com", "--ticket", "INC-1"}},
		{"ticket", "Ticket or reason", []string{"revoke", "bob@contoso.com"}},
		{"checklist", "Done all of the above", []string{"--config", cfg, "reset", "bob@contoso.com"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			master, slave := openPTY(t)
			before, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
			if err != nil {
				t.Fatal(err)
			}
			cmd := helperCommand(t, map[string]string{
				"MFADESK_HISTORY_FILE": t.TempDir() + "/history.jsonl",
				"TERM":                 "xterm-256color",
			}, append([]string{"--graph-endpoint", srv.URL}, tc.args...)...)
			cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
			audits := len(srv.Tenant.Audits())
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			te := &terminalEmulator{}
			drained := make(chan struct{})
			// ctrl+c on a terminal is a SIGINT to the foreground process
			// (sent here directly: as the pty's session leader the child's
			// exit would hang the pty up before its last words are read).
			go func() {
				te.run(master, tc.prompt, func() { cmd.Process.Signal(syscall.SIGINT) })
				close(drained)
			}()
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			var werr error
			select {
			case werr = <-exited:
			case <-time.After(time.Minute): // a hang, not a speed limit
				cmd.Process.Kill()
				<-exited
				t.Fatalf("still running a minute after ctrl+c at %q (hung); screen:\n%q", tc.prompt, te.String())
			}
			after, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
			if err != nil {
				t.Fatal(err)
			}
			slave.Close() // the master reads to the end of what the child wrote
			<-drained
			var ee *exec.ExitError
			if !errors.As(werr, &ee) || ee.ExitCode() != ExitFailed {
				t.Errorf("exit: %v, want %d; screen:\n%q", werr, ExitFailed, te.String())
			}
			if !strings.Contains(te.String(), "nothing was changed") {
				t.Errorf("does not say nothing was changed; screen:\n%q", te.String())
			}
			if te.queries > 0 {
				t.Errorf("queried the terminal %d time(s) after ctrl+c", te.queries)
			}
			if after.Lflag != before.Lflag || after.Iflag != before.Iflag || after.Oflag != before.Oflag {
				t.Errorf("terminal modes not restored: lflag %#x -> %#x, iflag %#x -> %#x", before.Lflag, after.Lflag, before.Iflag, after.Iflag)
			}
			if n := len(srv.Tenant.Audits()) - audits; n != 0 {
				t.Errorf("%d change(s) made in the tenant", n)
			}
		})
	}
}
