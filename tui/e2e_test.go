package tui

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestE2EDemoTape builds the real binary and replays ../demo.tape in tmux,
// the way VHS would record it: `mfadesk --demo` in a shell, keys as the
// tape types them, and every `Wait+Screen /regex/` an assertion on the
// captured screen. The tape covers search, a failed sign-in's hint, a
// reset with confirmation, the methods pane left with the password, the
// reset in the audit trail, a TAP and a bulk reset of three users.
//
// Without tmux the test is skipped, except in CI (CI set), where it fails.
func TestE2EDemoTape(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: not in -short")
	}
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is required in CI for the end-to-end test (.ci/run installs it)")
		}
		t.Skip("tmux not installed")
	}
	tape, err := os.ReadFile(filepath.Join("..", "demo.tape"))
	if err != nil {
		t.Fatal(err)
	}
	cmds, err := parseTape(string(tape))
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "mfadesk"), "github.com/mfadesk/mfadesk")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}

	// A private tmux server, home and config: nothing of the user's is
	// touched, and only this server is killed afterwards.
	home := filepath.Join(dir, "home")
	os.MkdirAll(home, 0o700)
	sock := fmt.Sprintf("mfadesk-e2e-%d", os.Getpid())
	tm := func(args ...string) ([]byte, error) {
		return exec.Command(tmux, append([]string{"-L", sock, "-f", "/dev/null"}, args...)...).CombinedOutput()
	}
	env := []string{"PATH=" + bin + ":" + os.Getenv("PATH"), "HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_STATE_HOME=" + filepath.Join(home, ".state"), "TZ=UTC", "TERM=xterm-256color", "PS1=$ "}
	shell := "env -i"
	for _, e := range env {
		shell += " '" + e + "'" // temp paths hold no quotes
	}
	shell += " bash --norc --noprofile"
	args := []string{"new-session", "-d", "-s", "demo", "-x", "120", "-y", "40", shell}
	if out, err := tm(args...); err != nil {
		t.Fatalf("tmux: %v\n%s", err, out)
	}
	t.Cleanup(func() { tm("kill-server") })

	screen := func() string {
		out, err := tm("capture-pane", "-p", "-t", "demo")
		if err != nil {
			t.Fatalf("capture-pane: %v\n%s", err, out)
		}
		return string(out)
	}
	for _, c := range cmds {
		switch c.op {
		case "type":
			tm("send-keys", "-t", "demo", "-l", c.arg)
		case "key":
			for i := 0; i < c.n; i++ {
				tm("send-keys", "-t", "demo", c.arg)
				if c.arg == "Escape" {
					// A key right after ESC would read as alt+key.
					time.Sleep(150 * time.Millisecond)
				}
			}
		case "sleep":
			// The tape's pauses are for viewers; the Waits carry the timing.
			time.Sleep(min(c.d, 200*time.Millisecond))
		case "wait":
			// Three times the tape's timeout: a loaded CI machine is slower
			// than a viewer's, and a Wait that is met returns at once.
			deadline := time.Now().Add(3 * c.d)
			for {
				s := screen()
				if c.re.MatchString(s) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("demo.tape line %d: Wait %s not met within %s; screen:\n%s", c.line, c.re, c.d, s)
				}
				time.Sleep(100 * time.Millisecond)
			}
		}
		time.Sleep(60 * time.Millisecond) // typing pace, as VHS would
	}
	// q at the end of the tape quits: the shell prompt is back.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(screen(), "$ ") || strings.Contains(screen(), "mfadesk │") {
		if time.Now().After(deadline) {
			t.Fatalf("mfadesk did not quit; screen:\n%s", screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type tapeCmd struct {
	line int
	op   string // type, key, sleep, wait
	arg  string
	n    int
	d    time.Duration
	re   *regexp.Regexp
}

var tapeKeys = map[string]string{"Enter": "Enter", "Escape": "Escape", "Tab": "Tab", "Space": "Space",
	"Backspace": "BSpace", "Up": "Up", "Down": "Down", "Left": "Left", "Right": "Right",
	"PageUp": "PPage", "PageDown": "NPage"}

// parseTape reads the subset of VHS's tape language demo.tape uses. An
// unknown command is an error, so the tape cannot drift into something the
// test silently ignores.
func parseTape(src string) ([]tapeCmd, error) {
	var out []tapeCmd
	sc := bufio.NewScanner(strings.NewReader(src))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		word, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		name, opt, _ := strings.Cut(word, "@") // Enter@100ms, Wait+Screen@10s
		switch {
		case name == "Output" || name == "Set" || name == "Hide" || name == "Show" || name == "Require" || name == "Screenshot":
		case name == "Type":
			s, err := strconv.Unquote(rest)
			if err != nil {
				return nil, fmt.Errorf("line %d: Type wants a quoted string: %v", n, err)
			}
			out = append(out, tapeCmd{line: n, op: "type", arg: s})
		case tapeKeys[name] != "":
			count := 1
			if rest != "" {
				c, err := strconv.Atoi(rest)
				if err != nil {
					return nil, fmt.Errorf("line %d: %s count: %v", n, name, err)
				}
				count = c
			}
			out = append(out, tapeCmd{line: n, op: "key", arg: tapeKeys[name], n: count})
		case strings.HasPrefix(name, "Ctrl+") && len(name) == len("Ctrl+")+1:
			out = append(out, tapeCmd{line: n, op: "key", arg: "C-" + strings.ToLower(name[len("Ctrl+"):]), n: 1})
		case name == "Sleep":
			d, err := tapeDuration(rest)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", n, err)
			}
			out = append(out, tapeCmd{line: n, op: "sleep", d: d})
		case name == "Wait+Screen":
			if !strings.HasPrefix(rest, "/") || !strings.HasSuffix(rest, "/") || len(rest) < 2 {
				return nil, fmt.Errorf("line %d: Wait+Screen wants /regex/", n)
			}
			re, err := regexp.Compile(rest[1 : len(rest)-1])
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", n, err)
			}
			d := 15 * time.Second // VHS's default wait timeout
			if opt != "" {
				if d, err = tapeDuration(opt); err != nil {
					return nil, fmt.Errorf("line %d: %v", n, err)
				}
			}
			out = append(out, tapeCmd{line: n, op: "wait", re: re, d: d})
		default:
			return nil, fmt.Errorf("line %d: %q is not a command the end-to-end replay knows", n, word)
		}
	}
	return out, sc.Err()
}

// tapeDuration reads VHS durations: 500ms, 2s, or a bare number of seconds.
func tapeDuration(s string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return time.Duration(f * float64(time.Second)), nil
	}
	return time.ParseDuration(s)
}

func TestParseTapeRejectsUnknownCommands(t *testing.T) {
	if _, err := parseTape("Type \"x\"\nFrobnicate 3\n"); err == nil {
		t.Fatal("an unknown command was accepted")
	}
	cmds, err := parseTape("Sleep 1.5\nCtrl+U\nEnter 2\nWait+Screen@3s /a b/\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(cmds) != 4 || cmds[0].d != 1500*time.Millisecond || cmds[1].arg != "C-u" || cmds[2].n != 2 || cmds[3].d != 3*time.Second {
		t.Fatalf("parsed %+v", cmds)
	}
}
