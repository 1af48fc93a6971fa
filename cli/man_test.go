package cli

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestManPage(t *testing.T) {
	r := runCLI(t, runOpts{}, "man")
	if r.code != 0 {
		t.Fatal(r)
	}
	page := strings.ReplaceAll(r.stdout, `\&`, "") // roff's zero-width escapes before dots
	for _, want := range []string{
		".TH MFADESK 1", // a roff man page, section 1
		"mfadesk reset --csv users.csv --dry-run", // the root's examples
		"mfadesk tap alice@contoso.com",           // every command's examples
		"Out-String | Invoke-Expression",          // completion powershell
		`%LocalAppData%\emfadesk`,                 // FILES, % not eaten by a format
		"history.jsonl", "MFADESK_CONFIG",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("man page lacks %q", want)
		}
	}
	if len(r.stdout) < 2000 {
		t.Errorf("man page is only %d bytes:\n%s", len(r.stdout), r.stdout)
	}
}

// Every command a user can see has --help examples (the completion
// commands' examples are cobra's per-shell instructions in Long, which
// mfadesk completes with its own Example).
func TestEveryCommandHasExamples(t *testing.T) {
	root := NewRoot(&Env{Getenv: func(string) string { return "" }})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		if c.Runnable() && strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s has no Example", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
