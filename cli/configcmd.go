package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/spf13/cobra"

	"github.com/mfadesk/mfadesk/config"
	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/auth"
)

// `mfadesk config init|show`, and the config / sign-in plumbing the session
// uses (applyConfig and credential in session.go call these).

func init() { register(configCmd) }

// LoadConfig loads the effective configuration from --config, --profile,
// the environment and the global flags that are also settings (--auth,
// --graph-endpoint, --read-only). Without a file and a tenant it returns
// the defaults and an error wrapping config.ErrNoConfig (the TUI's welcome
// screen).
func (e *Env) LoadConfig() (*config.Loaded, error) {
	flags := map[string]string{}
	f := e.Flags
	if f.ReadOnly {
		flags["readOnly"] = "true"
	}
	if f.Auth != "" && f.Auth != "none" {
		flags["auth"] = f.Auth
	}
	// An endpoint config would refuse is left to the session's own check,
	// which explains endpoints better.
	if f.Endpoint != "" && config.Check("graphEndpoint", f.Endpoint) == nil {
		flags["graphEndpoint"] = f.Endpoint
	}
	getenv := e.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return config.Load(config.Options{
		Path:    f.Config,
		Profile: f.Profile,
		Flags:   flags,
		LookupEnv: func(k string) (string, bool) {
			v := getenv(k)
			return v, v != ""
		},
	})
}

// signInProfile is the profile a credential is built from, with the sign-in
// mode and read-only state the session settled on, and where its sign-in
// record lives.
func (e *Env) signInProfile(mode string, readOnly bool) (config.Profile, string, error) {
	l, err := e.LoadConfig()
	if err != nil && !errors.Is(err, config.ErrNoConfig) {
		return config.Profile{}, "", err
	}
	p := l.Profile
	p.Auth = config.AuthMode(mode)
	p.ReadOnly = p.ReadOnly || readOnly
	if err := p.Validate(); err != nil {
		return config.Profile{}, "", err
	}
	if p.PartnerTenant != "" {
		// Every customer profile of one partner shares the sign-in.
		return p, config.PartnerRecordPath(l.Path, p.PartnerTenant), nil
	}
	return p, config.AuthRecordPath(l.Path, p.Name), nil
}

// authTestOptions are added to every credential (tests: the fake
// authority's TLS client, an in-memory token cache).
var authTestOptions []auth.Option

// newCredential builds the session's credential (see credential in
// session.go); doctor's direct checks reuse it (Env.cred, Env.scopes).
func (e *Env) newCredential(ctx context.Context, p config.Profile, recordPath string, scopes []string) (azcore.TokenCredential, error) {
	opts := append([]auth.Option{auth.WithRecordPath(recordPath),
		auth.WithWarn(func(s string) { fmt.Fprintln(e.Stderr, "mfadesk: "+s) })}, authTestOptions...)
	cred, err := auth.NewCredential(ctx, p, e.deviceCodes().Show, opts...)
	if err != nil {
		return nil, Usage(err)
	}
	e.cred, e.scopes = cred, scopes
	return cred, nil
}

// sessionCredential is the credential the session signed in with (nil for
// the demo tenant and --auth none).
func (e *Env) sessionCredential() (azcore.TokenCredential, []string) {
	return e.cred, e.scopes
}

// deviceCodes routes this Env's device code prompts: to standard error
// for a command, held for the full-screen app (newSession).
func (e *Env) deviceCodes() *auth.Prompts {
	if e.prompts == nil {
		e.prompts = auth.NewPrompts(func(d auth.DeviceCodePrompt) {
			fmt.Fprintf(e.Stderr, "To sign in, open %s and enter the code %s (valid until %s).\n",
				d.URL, d.Code, d.ExpiresOn.Local().Format("15:04"))
		})
	}
	return e.prompts
}

func configCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "config",
		Short: "Create or inspect the configuration file",
		Long: "mfadesk reads a YAML file of per-tenant profiles (--config, or the user config directory's " +
			"mfadesk/config.yaml), then MFADESK_* and AZURE_TENANT_ID / AZURE_CLIENT_ID from the environment, " +
			"then flags. Secrets never go in the file.",
	}
	c.AddCommand(configInitCmd(env), configShowCmd(env))
	return c
}

func configInitCmd(env *Env) *cobra.Command {
	var o config.StarterOptions
	var auth string
	var force bool
	c := &cobra.Command{
		Use:   "init",
		Short: "Write a commented starter config file",
		Long: "Writes a starter config file (mode 0600) with every setting explained. On a terminal it asks " +
			"for the tenant and the app registration's client id; --tenant and --client-id answer without asking.",
		Example: "  mfadesk config init\n" +
			"  mfadesk config init --tenant contoso.onmicrosoft.com --client-id 11111111-2222-3333-4444-555555555555\n" +
			"  mfadesk --profile lab config init --tenant lab.example.com --client-id ... --auth azcli",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, err := env.configPath()
			if err != nil {
				return err
			}
			if config.Exists(path) && !force {
				return Usagef("%s already exists; edit it, or pass --force to replace it", path)
			}
			o.Profile = env.Flags.Profile
			o.Auth = config.AuthMode(auth)
			if env.InTerminal {
				in := bufio.NewReader(env.Stdin)
				if o.Tenant == "" {
					if o.Tenant, err = env.ask(in, "Tenant (directory id or domain, e.g. contoso.onmicrosoft.com)", "tenant"); err != nil {
						return err
					}
				}
				if o.ClientID == "" {
					if o.ClientID, err = env.ask(in, "Application (client) id of the app registration", "clientId"); err != nil {
						return err
					}
				}
			}
			if err := config.WriteStarter(path, o, force); err != nil {
				return Usage(err)
			}
			fmt.Fprintf(env.Stdout, "Wrote %s\n", path)
			if o.Tenant == "" || o.ClientID == "" {
				fmt.Fprintln(env.Stdout, "Fill in tenant and clientId, then run: mfadesk doctor")
			} else {
				fmt.Fprintln(env.Stdout, "Next: mfadesk doctor   (signs in and shows what this operator may do)")
			}
			return nil
		},
	}
	c.Flags().StringVar(&o.Tenant, "tenant", "", "directory (tenant) id or verified domain")
	c.Flags().StringVar(&o.ClientID, "client-id", "", "application (client) id of the app registration")
	c.Flags().StringVar(&auth, "auth", "devicecode", "sign-in mode to write: devicecode, browser, secret, certificate, azcli, managedidentity, default")
	c.Flags().BoolVar(&force, "force", false, "replace an existing file")
	return c
}

// ask reads one answer, checking it like the config file would; empty
// skips (the file then says to fill it in).
func (e *Env) ask(in *bufio.Reader, question, key string) (string, error) {
	for range 3 {
		fmt.Fprintf(e.Stderr, "%s: ", question)
		line, err := in.ReadString('\n')
		v := strings.TrimSpace(line)
		if err != nil && v == "" {
			if errors.Is(err, io.EOF) {
				fmt.Fprintln(e.Stderr)
				return "", nil
			}
			return "", err
		}
		if v == "" {
			return "", nil
		}
		if _, err := config.Starter(starterWith(key, v)); err != nil {
			fmt.Fprintln(e.Stderr, "  "+graph.CleanText(err.Error()))
			continue
		}
		return v, nil
	}
	return "", Usagef("no valid %s given", key)
}

func starterWith(key, v string) config.StarterOptions {
	if key == "tenant" {
		return config.StarterOptions{Tenant: v}
	}
	return config.StarterOptions{ClientID: v}
}

// configPath is --config, else MFADESK_CONFIG, else the default path.
func (e *Env) configPath() (string, error) {
	if e.Flags.Config != "" {
		return e.Flags.Config, nil
	}
	if e.Getenv != nil {
		if v := e.Getenv("MFADESK_CONFIG"); v != "" {
			return v, nil
		}
	}
	return config.DefaultPath()
}

func configShowCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "show",
		Short: "Print the effective configuration and where each value came from",
		Long: "Prints every setting of the selected profile after the file, the environment and flags are " +
			"applied, with its source (file:line, the environment variable, the flag, or default). " +
			"Secrets show as [redacted].",
		Example: "  mfadesk config show\n  mfadesk --profile fabrikam config show -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l, err := env.LoadConfig()
			if err != nil && !errors.Is(err, config.ErrNoConfig) {
				return Usage(err)
			}
			entries := l.Entries()
			rows := make([][]string, len(entries))
			for i, en := range entries {
				rows[i] = []string{en.Key, en.Value, en.Source.String()}
			}
			return env.Emit(View{
				JSON:   l.Doc(),
				Header: []string{"key", "value", "source"},
				Rows:   rows,
				Text: func(w io.Writer) {
					_ = l.WriteText(w)
					if !l.FileFound {
						fmt.Fprintf(w, "\nNo config file yet: mfadesk config init\n")
					}
				},
			})
		},
	}
}
