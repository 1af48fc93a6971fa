// Package cli is mfadesk's command line: the root command (which starts the
// TUI), the global flags, and one plain command per operation, for scripts
// and runbooks.
//
// Adding a command from another file, without touching this one:
//
//	func init() {
//		register(func(env *Env) *cobra.Command {
//			return &cobra.Command{
//				Use:   "doctor",
//				Short: "Check sign-in, permissions and the endpoint",
//				RunE: func(cmd *cobra.Command, args []string) error {
//					s, err := env.Session(cmd.Context()) // client from the global flags
//					...
//					return env.Emit(View{...}) // honours --output
//				},
//			}
//		})
//	}
//
// A command returns errors; Run turns them into the exit code (see exit.go):
// wrap bad input with Usage(...), let graph errors through as they are.
package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"charm.land/fang/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/charmbracelet/x/term"
	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/auth"
	"github.com/spf13/cobra"
)

// annotWrites marks a command that can change the tenant: its session
// records changes in the change history. Set it on registered commands too:
// Annotations: map[string]string{annotWrites: "true"}.
const annotWrites = "mfadesk/writes"

// extraCommands are added to the root by register (see the package comment).
var extraCommands []func(*Env) *cobra.Command

// register adds a command to every root built from now on. Call it from init().
func register(f func(*Env) *cobra.Command) { extraCommands = append(extraCommands, f) }

// TUIFunc starts the full-screen app on a session. main.go passes tui.Run
// wrapped in one; cli itself never imports the TUI.
type TUIFunc func(ctx context.Context, s *Session) error

// GlobalFlags are the flags every command accepts.
type GlobalFlags struct {
	Demo     bool
	Endpoint string
	Auth     string
	Config   string
	Profile  string
	ReadOnly bool
	Output   string
	NoColor  bool
	Timeout  time.Duration
}

// Env is what a command runs in: the process's streams and what is known
// about them, the global flags, and the session, built on first use.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// InTerminal: stdin is an interactive terminal (confirmation prompts
	// are possible). OutTerminal / ErrTerminal: stdout / stderr are.
	InTerminal, OutTerminal, ErrTerminal bool
	// Getenv reads the environment (os.Getenv; tests pass a map).
	Getenv func(string) string
	// TUI starts the app when mfadesk runs without a command.
	TUI TUIFunc
	// Client, when set, is used instead of building one from the flags
	// (tests; embedding). The guard rails still wrap it.
	Client graph.Client

	Flags GlobalFlags

	// command is the running command's name; writing is set for commands
	// that can change the tenant (annotated with annotWrites).
	command string
	writing bool
	session *Session
	// ident is who is signed in where, for bulk journals (read once).
	ident       *runIdent
	closers     []func()
	stdinReader *bufio.Reader
	// shapes, when set, records the shape of every answer the client gets
	// (doctor --capture / --compare).
	shapes *shapeRecorder
	// prompts routes device code prompts (deviceCodes); cred and scopes
	// are what the session signed in with (sessionCredential).
	prompts *auth.Prompts
	// sessionClosers is where the session's closers start in closers
	// (switchProfile closes those, not the command's).
	sessionClosers int
	cred           azcore.TokenCredential
	scopes         []string
}

// Main runs mfadesk with the process's streams and returns the exit code.
func Main(ctx context.Context, args []string, tui TUIFunc) int {
	env := &Env{
		Stdin:       os.Stdin,
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		InTerminal:  term.IsTerminal(os.Stdin.Fd()),
		OutTerminal: term.IsTerminal(os.Stdout.Fd()),
		ErrTerminal: term.IsTerminal(os.Stderr.Fd()),
		Getenv:      os.Getenv,
		TUI:         tui,
	}
	return Run(ctx, env, args)
}

// Run executes one command line in env and returns its exit code.
func Run(ctx context.Context, env *Env, args []string) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	defer env.Close()
	root := NewRoot(env)
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	// A command's error is printed here, not on fang's error path: that
	// path first asks the terminal for its background colour, reading
	// stdin, and after ctrl+c at a prompt the prompt's reader still holds
	// stdin: the answer went to the prompt and the process hung with the
	// terminal raw (issue 15.4). Errors cobra makes before a command runs
	// (unknown flag or command) still go through fang: nothing reads
	// stdin then.
	var cmdErr error
	keepErrors(root, &cmdErr)
	err := fang.Execute(ctx, root,
		fang.WithVersion(versionString()),
		fang.WithoutManpage(), // mfadesk man (man.go) replaces it
		fang.WithErrorHandler(func(w io.Writer, _ fang.Styles, err error) {
			env.printError(err)
		}),
	)
	if err == nil && cmdErr != nil {
		err = cmdErr
		env.printError(err)
	}
	return ExitCode(err)
}

// keepErrors makes every command of the tree hand its error to *dst and
// report success to cobra (and so to fang), see Run.
func keepErrors(c *cobra.Command, dst *error) {
	if run := c.RunE; run != nil {
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if err := run(cmd, args); err != nil {
				*dst = err
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		keepErrors(sub, dst)
	}
}

// NewRoot builds the command tree bound to env.
func NewRoot(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "mfadesk",
		Short: "Find a user, see why they can't sign in, reset their MFA",
		Long: "mfadesk is a terminal app and command line for Entra ID helpdesks: find a user, " +
			"see their authentication methods, MFA registration and recent sign-ins with a hint per " +
			"failure, then reset MFA, revoke sessions, issue a Temporary Access Pass or set per-user MFA, " +
			"for one user or thousands.\n\nWithout a command it starts the full-screen app.",
		Example: "  mfadesk --demo                      # the app, on a built-in demo tenant\n" +
			"  mfadesk --demo users alice            # find users\n" +
			"  mfadesk show alice@contoso.com -o json\n" +
			"  mfadesk reset --csv users.csv --dry-run",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if env.TUI == nil {
				return Usage(errors.New("this build has no full-screen app; run a command (mfadesk --help)"))
			}
			if !env.InTerminal || !env.OutTerminal {
				return Usage(errors.New("the full-screen app needs a terminal; run a command instead (mfadesk --help)"))
			}
			for {
				s, err := env.Session(cmd.Context())
				if err != nil {
					return err
				}
				err = env.TUI(cmd.Context(), s)
				// T in the app chose another profile: a new session
				// (client, guard, history, sign-in) and a new console.
				var sw interface{ ProfileName() string }
				if !errors.As(err, &sw) {
					return err
				}
				env.switchProfile(sw.ProfileName())
			}
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return Usage(err) })

	f := &env.Flags
	pf := root.PersistentFlags()
	pf.BoolVar(&f.Demo, "demo", false, "use a built-in demo tenant (a fake Graph served in-process; nothing real is touched)")
	pf.StringVar(&f.Endpoint, "graph-endpoint", "", "Graph service root without a version, e.g. https://graph.microsoft.us (env MFADESK_GRAPH_ENDPOINT; plain http only on loopback)")
	pf.StringVar(&f.Auth, "auth", "", "how to sign in: "+authModesHelp)
	pf.StringVar(&f.Config, "config", "", "config file (default: the user config directory's mfadesk/config.yaml)")
	pf.StringVarP(&f.Profile, "profile", "p", "", "config profile to use")
	pf.BoolVar(&f.ReadOnly, "read-only", false, "refuse every change (reads still work)")
	pf.StringVarP(&f.Output, "output", "o", "table", "output format: table, json or csv")
	pf.BoolVar(&f.NoColor, "no-color", false, "no colours (also NO_COLOR)")
	pf.DurationVar(&f.Timeout, "timeout", 0, "give up after this long, e.g. 2m (0: no limit)")

	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		env.command = cmd.Name()
		env.writing = cmd == root || cmd.Annotations[annotWrites] == "true"
		switch f.Output {
		case "table", "json", "csv":
		default:
			return Usage(fmt.Errorf("--output %q: use table, json or csv", f.Output))
		}
		if f.Timeout < 0 {
			return Usage(fmt.Errorf("--timeout %s: must not be negative", f.Timeout))
		}
		if f.Timeout > 0 {
			ctx, cancel := context.WithTimeout(cmd.Context(), f.Timeout)
			env.closers = append(env.closers, cancel)
			cmd.SetContext(ctx)
		}
		return nil
	}

	for _, c := range []*cobra.Command{
		usersCmd(env), showCmd(env), signinsCmd(env), resetCmd(env), reregisterCmd(env),
		revokeCmd(env), tapCmd(env), mfaStateCmd(env), auditCmd(env), reportCmd(env),
		mfaRequiredCmd(env), // issue 13.5
		demoServerCmd(env),
	} {
		root.AddCommand(c)
	}
	// The catalogue's one-change operations (block, unblock): verb,
	// help and plan from graph/ops.
	root.AddCommand(catalogueCmds(env)...)
	root.AddCommand(methodCmds(env)...) // issue 13.3
	for _, f := range extraCommands {
		root.AddCommand(f(env))
	}
	addCompletionExamples(root, env)
	return root
}

// Close releases what the session holds (the in-process demo tenant).
func (e *Env) Close() {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
	e.closers = nil
}
