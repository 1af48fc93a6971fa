package cli

import (
	"os"
	"testing"
)

// TestMain keeps the tests away from the machine's own mfadesk files: a
// developer's ~/.config/mfadesk/config.yaml or change history must neither
// steer nor receive what the tests do.
func TestMain(m *testing.M) {
	home, err := os.MkdirTemp("", "mfadesk-cli-test-home")
	if err != nil {
		panic(err)
	}
	// Not HOME or XDG_CACHE_HOME: the binary end-to-end test runs
	// `go build`, which must keep the machine's build and module caches.
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_STATE_HOME"} {
		os.Setenv(k, home)
	}
	for _, k := range []string{"MFADESK_CONFIG", "MFADESK_PROFILE", "MFADESK_GRAPH_ENDPOINT", "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"} {
		os.Unsetenv(k)
	}
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}
