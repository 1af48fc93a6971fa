package cli

import (
	"fmt"
	"net"

	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/spf13/cobra"
)

func demoServerCmd(env *Env) *cobra.Command {
	var (
		listen string
		o      fake.Options
	)
	cmd := &cobra.Command{
		Use:   "demo-server",
		Short: "Serve the fake demo tenant over HTTP for --graph-endpoint",
		Long: "Run the Graph-compatible fake tenant standalone. It prints its service root, then " +
			"serves until interrupted; point any mfadesk command (or the app) at it with " +
			"--graph-endpoint. Nothing real is touched and no token is needed.",
		Example: "  mfadesk demo-server --listen 127.0.0.1:8080 &\n" +
			"  mfadesk --graph-endpoint http://127.0.0.1:8080 users alice",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			host, _, err := net.SplitHostPort(listen)
			if err != nil {
				return Usagef("--listen %q: give host:port, e.g. 127.0.0.1:0", listen)
			}
			if !isLoopbackHost(host) {
				// The fake takes no token and obeys anyone: keep it local.
				return Usagef("--listen %q: the demo tenant only listens on a loopback address (127.0.0.1, ::1, localhost)", listen)
			}
			for _, r := range []struct {
				name string
				v    float64
			}{{"--throttle-rate", o.ThrottleRate}, {"--fault-rate", o.FaultRate}, {"--drop-rate", o.DropRate}} {
				if r.v < 0 || r.v > 1 {
					return Usagef("%s %g: give a fraction from 0 to 1", r.name, r.v)
				}
			}
			if o.Users < 0 || o.Budget < 0 || o.Latency < 0 {
				return Usagef("--users, --budget and --latency must not be negative")
			}
			o.LiveSignIns = true // live failures for `mfadesk watch` and W
			t, err := fake.New(o)
			if err != nil {
				return Usage(fmt.Errorf("demo tenant: %w", err))
			}
			srv, err := fake.Serve(t, listen)
			if err != nil {
				return Usage(fmt.Errorf("listen on %s: %w", listen, err))
			}
			defer srv.Close()
			// The service root, in --graph-endpoint form, first and alone on
			// stdout so a script can read it.
			fmt.Fprintln(env.Stdout, srv.URL)
			env.note(fmt.Sprintf("Demo tenant at %s. Try: mfadesk --graph-endpoint %s users alice\nServing until interrupted (Ctrl-C).", srv.URL, srv.URL))
			<-cmd.Context().Done()
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&listen, "listen", "127.0.0.1:0", "address to listen on (loopback only; port 0 picks a free one)")
	fl.IntVar(&o.Users, "users", 250, "generated users")
	fl.Int64Var(&o.Seed, "seed", 1, "generator seed (same seed, same tenant)")
	fl.StringVar(&o.TenantFile, "tenant-file", "", "load the tenant from a JSON file instead of generating it")
	fl.DurationVar(&o.Latency, "latency", 0, "added to every request, e.g. 150ms")
	fl.Float64Var(&o.ThrottleRate, "throttle-rate", 0, "fraction of requests answered 429 with Retry-After")
	fl.Float64Var(&o.FaultRate, "fault-rate", 0, "fraction of requests answered 503")
	fl.Float64Var(&o.DropRate, "drop-rate", 0, "fraction of connections dropped without an answer")
	fl.IntVar(&o.Budget, "budget", 0, "requests per 10 s before 429s (0: unlimited)")
	fl.BoolVar(&o.NoP1, "no-p1", false, "tenant without Entra ID P1 (sign-in logs refused)")
	fl.BoolVar(&o.TAPDisabled, "tap-disabled", false, "Temporary Access Pass disabled by policy")
	return cmd
}
