package cli

import (
	"fmt"
	"strings"

	mcobra "github.com/muesli/mango-cobra"
	"github.com/muesli/roff"
	"github.com/spf13/cobra"
)

// The man page is built from the command tree (mango-cobra, as fang's own
// hidden "man" does), plus what --help cannot say in one place: every
// command's examples, the files, the environment and the exit codes. fang's
// version is turned off in Run: it writes to os.Stdout directly, so it
// cannot be tested or redirected by an embedding caller, and it is hidden.
func init() {
	register(func(env *Env) *cobra.Command {
		return &cobra.Command{
			Use:   "man",
			Short: "Print the manual page (roff)",
			Long: "Prints mfadesk(1) as roff, built from the same command tree as --help, with every " +
				"command's examples, the files mfadesk reads and writes, its environment and exit codes.",
			Example: "  mfadesk man > mfadesk.1 && man ./mfadesk.1\n" +
				"  mfadesk man | sudo tee /usr/local/share/man/man1/mfadesk.1 >/dev/null",
			Args:                  cobra.NoArgs,
			DisableFlagsInUseLine: true,
			RunE: func(cmd *cobra.Command, _ []string) error {
				page, err := manPage(cmd.Root())
				if err != nil {
					return err
				}
				_, err = fmt.Fprint(cmd.OutOrStdout(), page)
				return err
			},
		}
	})
}

// manPage renders root's manual page.
func manPage(root *cobra.Command) (string, error) {
	page, err := mcobra.NewManPage(1, root)
	if err != nil {
		return "", err
	}
	// mango formats section text with fmt: a literal % must be doubled.
	esc := func(s string) string { return strings.ReplaceAll(s, "%", "%%") }
	page.WithSection("Examples", esc(manExamples(root))).
		WithSection("Files", esc(manFiles)).
		WithSection("Environment", esc(manEnvironment)).
		WithSection("Exit status", esc(manExitStatus)).
		WithSection("See also", "mfadesk COMMAND --help; the README at https://github.com/mfadesk/mfadesk")
	return page.Build(roff.NewDocument()), nil
}

// manExamples gathers every visible command's examples, each under the
// command's path.
func manExamples(root *cobra.Command) string {
	var b strings.Builder
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		if ex := strings.TrimRight(c.Example, "\n"); ex != "" {
			fmt.Fprintf(&b, "%s:\n", c.CommandPath())
			for _, line := range strings.Split(ex, "\n") {
				b.WriteString("    " + strings.TrimSpace(line) + "\n")
			}
			b.WriteString("\n")
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return strings.TrimRight(b.String(), "\n")
}

const manFiles = `The configuration file is the user config directory's mfadesk/config.yaml ` +
	`(~/.config on Linux, ~/Library/Application Support on macOS, %AppData% on Windows), or --config. ` +
	`The change history is $MFADESK_HISTORY_FILE, else $XDG_STATE_HOME/mfadesk/history.jsonl, else ` +
	`~/.local/state/mfadesk/history.jsonl (%LocalAppData%\mfadesk\history.jsonl on Windows); the ` +
	`full-screen app keeps bulk run journals in runs/ beside it.`

const manEnvironment = `MFADESK_CONFIG, MFADESK_PROFILE, MFADESK_TENANT, MFADESK_CLIENT_ID, MFADESK_AUTH, ` +
	`MFADESK_CLOUD, MFADESK_GRAPH_ENDPOINT, MFADESK_READ_ONLY, MFADESK_PROTECTED_USERS, ` +
	`MFADESK_BULK_CONFIRM_THRESHOLD, MFADESK_VERIFICATION_CHECKLIST and MFADESK_HISTORY_FILE override ` +
	`the profile (flags override them). AZURE_TENANT_ID and AZURE_CLIENT_ID stand in for the tenant and ` +
	`client id; AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH and AZURE_CLIENT_CERTIFICATE_PASSWORD ` +
	`carry the secret or certificate for --auth secret and certificate (never the config file). ` +
	`NO_COLOR turns colours off.`

var manExitStatus = fmt.Sprintf("%d: done. %d: some targets (or the one target) failed. "+
	"%d: bad input (flags, arguments, CSV, no --yes off a terminal). "+
	"%d: a sign-in or permission problem, or --read-only refusing a change.",
	ExitOK, ExitFailed, ExitUsage, ExitDenied)
