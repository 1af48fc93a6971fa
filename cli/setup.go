package cli

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/spf13/cobra"

	"github.com/mfadesk/mfadesk/config"
	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/appreg"
	"github.com/mfadesk/mfadesk/graph/auth"
	"github.com/mfadesk/mfadesk/graph/msgraph"
)

func init() { register(setupCmd) }

// setupCmd creates mfadesk's app registration for an admin who runs it
// once, shows exactly what it will create first, and writes the profile.
func setupCmd(env *Env) *cobra.Command {
	var tenant, name, cloudName string
	var yes, dryRun, force, multi bool
	c := &cobra.Command{
		Use:   "setup",
		Short: "Create mfadesk's app registration in a tenant and write the profile (an admin, once)",
		Long: "Creates a single-tenant app registration for mfadesk through Microsoft Graph: a public client " +
			"(device code, and http://localhost for the browser sign-in), no secret, asking for exactly the " +
			"delegated Microsoft Graph permissions mfadesk uses (with --read-only, only the read permissions), " +
			"and its service principal. It prints the plan and asks first (--yes off a terminal), then prints " +
			"the admin-consent URL and writes the profile (tenant, clientId, auth: devicecode) to the config file.\n\n" +
			"The admin signs in through the Azure CLI (run `az login --tenant TENANT` first) and needs the " +
			"Application Administrator, Cloud Application Administrator or Application Developer role. " +
			"Against a loopback --graph-endpoint (mfadesk demo-server) no sign-in is used. " +
			"Here --read-only means: register a read-only app and write readOnly: true. " +
			"--cloud registers in a national cloud (usgov, usgov-dod, china: run `az cloud set` first); " +
			"--multi-tenant registers an app a partner's technicians use in customers' tenants (partnerTenant in each customer's profile).",
		Example: "  az login --tenant contoso.onmicrosoft.com --allow-no-subscriptions\n" +
			"  mfadesk setup --tenant contoso.onmicrosoft.com\n" +
			"  mfadesk --read-only --profile audit setup --tenant contoso.onmicrosoft.com --name \"mfadesk (read-only)\"\n" +
			"  mfadesk setup --tenant contoso.onmicrosoft.us --cloud usgov\n" +
			"  mfadesk setup --tenant partner.onmicrosoft.com --multi-tenant\n" +
			"  mfadesk --graph-endpoint http://127.0.0.1:8080 setup --tenant contoso.onmicrosoft.com --yes --dry-run",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if env.Flags.Demo {
				return Usagef("setup registers an app in a real tenant or a demo-server (--graph-endpoint); the in-process --demo tenant ends with the command")
			}
			if a := env.Flags.Auth; a != "" && a != "azcli" && a != "none" {
				return Usagef("setup signs in through the Azure CLI (az login); --auth %s is for mfadesk's own app, which setup creates", a)
			}
			if strings.TrimSpace(tenant) == "" {
				return Usagef("setup needs --tenant (directory id or verified domain)")
			}
			readOnly := env.Flags.ReadOnly
			cloud := config.Cloud(cloudName)
			if !slices.Contains(config.Clouds, cloud) {
				return Usagef("--cloud %q: use one of %s", cloudName, cloudList())
			}
			plan := appreg.Plan{DisplayName: name, Scopes: auth.DelegatedPermissions(readOnly, false, false), ReadOnly: readOnly, MultiTenant: multi}
			if err := plan.Validate(); err != nil {
				return Usage(err)
			}
			path, err := env.configPath()
			if err != nil {
				return err
			}
			profile := env.Flags.Profile
			if profile == "" {
				profile = "default"
			}
			starter := config.StarterOptions{Profile: profile, Tenant: tenant, ClientID: "00000000-0000-0000-0000-000000000000", Auth: config.AuthDeviceCode, ReadOnly: readOnly, Cloud: cloud}
			if _, err := config.Starter(starter); err != nil {
				return Usage(err) // a bad tenant or profile name, before anything is created
			}
			writeProfile := !config.Exists(path) || force

			endpoint := env.Flags.Endpoint
			if endpoint == "" && env.Getenv != nil {
				endpoint = env.Getenv("MFADESK_GRAPH_ENDPOINT")
			}
			if endpoint == "" {
				endpoint = cloud.Endpoints().Graph
			}
			loopback := false
			if u, err := url.Parse(endpoint); err == nil && isLoopbackHost(u.Hostname()) {
				loopback = true
			}

			w := env.Stdout
			fmt.Fprintf(w, "Plan: in tenant %s (%s)\n", graph.CleanText(tenant), strings.TrimRight(endpoint, "/"))
			audience := "single tenant (AzureADMyOrg)"
			if multi {
				audience = "multi-tenant (AzureADMultipleOrgs: each customer's admin consents in their tenant)"
			}
			fmt.Fprintf(w, "  1. create the app registration %q: %s, public client\n", plan.DisplayName, audience)
			fmt.Fprintf(w, "     (device code; redirect URI %s for the browser sign-in), no secret or certificate\n", appreg.RedirectURI)
			fmt.Fprintln(w, "     asking for these delegated Microsoft Graph permissions:")
			for _, s := range plan.Scopes {
				fmt.Fprintf(w, "       %s\n", s)
			}
			fmt.Fprintln(w, "  2. create its service principal (the enterprise application), so consent can be granted")
			if writeProfile {
				ro := ""
				if readOnly {
					ro = ", readOnly: true"
				}
				if cloud != config.CloudGlobal {
					ro += ", cloud: " + string(cloud)
				}
				fmt.Fprintf(w, "  3. write profile %q to %s (tenant, the new clientId, auth: devicecode%s)\n", profile, path, ro)
			} else {
				fmt.Fprintf(w, "  3. print the profile to add: %s exists (--force replaces it)\n", path)
			}
			fmt.Fprintln(w, "Nothing is consented: an admin grants consent afterwards at the URL printed.")
			if dryRun {
				fmt.Fprintln(w, "Dry run: nothing created.")
				return nil
			}
			if !yes {
				if !env.InTerminal {
					return Usagef("setup creates an app registration: confirm on a terminal, or pass --yes")
				}
				ans, err := env.prompt(ctx, "Create it? [y/N] ")
				if err != nil {
					return err
				}
				if a := strings.ToLower(strings.TrimSpace(ans)); a != "y" && a != "yes" {
					fmt.Fprintln(w, "Nothing created.")
					return Failed(errCancelled)
				}
			}

			var cred azcore.TokenCredential
			if !loopback {
				cli, err := azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: tenant})
				if err != nil {
					return Failed(fmt.Errorf("sign in through the Azure CLI: %w", err))
				}
				cred = cli
			}
			mc, err := msgraph.NewClient(msgraph.ClientOptions{Endpoint: endpoint, Credential: cred})
			if err != nil {
				return Usage(err)
			}
			res, err := appreg.Create(ctx, mc.RequestAdapter(), mc.V1(), plan)
			if err != nil {
				var ae *appreg.Error
				if errors.As(err, &ae) && (ae.Status == 401 || ae.Status == 403) {
					return Denied(err)
				}
				return Failed(err)
			}
			fmt.Fprintf(w, "Created app registration %q: clientId %s, service principal %s\n", plan.DisplayName, res.AppID, res.ServicePrincipalID)
			starter.ClientID = res.AppID
			if writeProfile {
				if err := config.WriteStarter(path, starter, force); err != nil {
					return Failed(fmt.Errorf("the app %s exists, but the profile was not written: %w", res.AppID, err))
				}
				fmt.Fprintf(w, "Wrote profile %q to %s\n", profile, path)
			} else {
				fmt.Fprintf(w, "Add to %s under profiles:\n  %s:\n    tenant: %s\n    clientId: %s\n    auth: devicecode\n", path, profile, tenant, res.AppID)
				if cloud != config.CloudGlobal {
					fmt.Fprintf(w, "    cloud: %s\n", cloud)
				}
				if readOnly {
					fmt.Fprintln(w, "    readOnly: true")
				}
			}
			// Entra's "Grant tenant-wide admin consent to an application": delegated
			// permissions of any API may be consented by a Cloud Application
			// Administrator, Application Administrator or Privileged Role Administrator.
			fmt.Fprintf(w, "Grant admin consent (a Cloud Application Administrator, Application Administrator or Privileged Role Administrator):\n  %s\n",
				appreg.ConsentURL(cloud.Endpoints().AuthorityHost, tenant, res.AppID))
			fmt.Fprintln(w, "Then give technicians their roles (README: Permissions) and run: mfadesk doctor")
			return nil
		},
	}
	c.Flags().StringVar(&tenant, "tenant", "", "directory (tenant) id or verified domain")
	c.Flags().StringVar(&name, "name", "mfadesk", "display name of the app registration")
	c.Flags().BoolVar(&yes, "yes", false, "create without asking (needed off a terminal)")
	c.Flags().BoolVar(&dryRun, "dry-run", false, "print the plan, create nothing")
	c.Flags().BoolVar(&force, "force", false, "replace an existing config file")
	c.Flags().StringVar(&cloudName, "cloud", string(config.CloudGlobal), "national cloud: "+cloudList()+" (sets the Graph endpoint, the consent URL and the profile's cloud; point az at it first: az cloud set)")
	c.Flags().BoolVar(&multi, "multi-tenant", false, "register for any organisation (AzureADMultipleOrgs), for partners who work in customers' tenants (partnerTenant)")
	return c
}

func cloudList() string {
	names := make([]string, len(config.Clouds))
	for i, c := range config.Clouds {
		names[i] = string(c)
	}
	return strings.Join(names, ", ")
}
