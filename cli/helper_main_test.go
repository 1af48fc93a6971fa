package cli

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
)

// The test binary doubles as mfadesk, so a test can run it as a real
// process (its own stdin, terminal, signals, kill -9) without building the
// binary: helperCommand starts this test binary running only
// TestHelperMain, which calls Main as main.go does and exits with its code.

const helperArgsEnv = "MFADESK_TEST_MAIN_ARGS"

func TestHelperMain(t *testing.T) {
	raw := os.Getenv(helperArgsEnv)
	if raw == "" {
		t.Skip("runs only as a helper process")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		os.Exit(99)
	}
	applyHelperLimits()
	ctx, stop := SignalContext(context.Background())
	code := Main(ctx, args, nil)
	stop()
	os.Exit(code)
}

// helperCommand is mfadesk ARGS as a child process, with env added to the
// test's environment. TestMain clears MFADESK_GRAPH_ENDPOINT in the child
// too: pass --graph-endpoint.
func helperCommand(t *testing.T, env map[string]string, args ...string) *exec.Cmd {
	t.Helper()
	raw, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperMain$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperArgsEnv+"="+string(raw))
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}
