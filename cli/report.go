package cli

import (
	"slices"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/spf13/cobra"
)

// phoneOnly are methodsRegistered values that are no better than SMS: a user
// with a mobile phone and nothing outside this set is "SMS only".
var phoneOnly = []string{"mobilePhone", "alternateMobilePhone", "officePhone", "email", "securityQuestion"}

func smsOnly(r graph.Registration) bool {
	if !slices.Contains(r.MethodsRegistered, "mobilePhone") {
		return false
	}
	for _, m := range r.MethodsRegistered {
		if !slices.Contains(phoneOnly, m) {
			return false
		}
	}
	return true
}

func reportCmd(env *Env) *cobra.Command {
	var (
		notRegistered, notCapable, admins, sms, ssprNot, all bool
		top                                                  int
		// perUser adds the per-user MFA column (report_peruser.go);
		// perUserState keeps only rows in that state.
		perUser      bool
		perUserState string
		mfa          reportMFAFlags
	)
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Registration report: who has registered MFA and SSPR, tenant-wide",
		Long: "List users' registration status from Graph's userRegistrationDetails report " +
			"(needs Microsoft Entra ID P1 or P2). Filters combine (all must hold). Without --all, only the first --top rows are shown. " +
			"Pages are paced to Graph's reports budget (5 requests per 10 s), so --all on a large tenant takes a while.",
		Example: "  mfadesk report --admins --not-registered\n" +
			"  mfadesk report --sms-only --all -o csv > sms-only.csv",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if top < 1 {
				return Usagef("--top %d: use 1 or more", top)
			}
			var wantState graph.PerUserMFAState
			if perUserState != "" {
				st, err := graph.ParsePerUserMFAState(perUserState)
				if err != nil {
					return Usagef("--per-user-mfa-state: %v", err)
				}
				wantState, perUser = st, true
			}
			ctx := cmd.Context()
			s, err := env.Session(ctx)
			if err != nil {
				return err
			}
			f := graph.RegistrationFilter{}
			no, yes := false, true
			if notRegistered {
				f.IsMfaRegistered = &no
			}
			if notCapable {
				f.IsMfaCapable = &no
			}
			if admins {
				f.IsAdmin = &yes
			}
			if ssprNot {
				f.IsSsprRegistered = &no
			}
			if sms {
				f.MethodsRegistered = "mobilePhone"
			}
			// Graph chooses the page size (the report documents no $top)
			// and the client paces pages to the reports budget; isAdmin and
			// userType are not filterable there, so f.Keep applies them to
			// every page. Without --all, pages are read until --top rows.
			page, err := s.Client.Registrations(ctx, f)
			if err != nil {
				return err
			}
			rows := page.Items
			pager := graph.NewPager("read the MFA registration report")
			for page.Next != "" && (all || len(rows) < top) {
				if err := pager.Follow(page.Next); err != nil {
					return err
				}
				if page, err = s.Client.NextRegistrations(ctx, page.Next); err != nil {
					return err
				}
				rows = append(rows, slices.DeleteFunc(page.Items, func(r graph.Registration) bool { return !f.Keep(r) })...)
			}
			more := page.Next != ""
			if !all && len(rows) > top {
				rows, more = rows[:top], true
			}
			if sms {
				// Graph filters on "has a mobile phone"; "nothing stronger"
				// is ours to check.
				rows = slices.DeleteFunc(rows, func(r graph.Registration) bool { return !smsOnly(r) })
			}
			if rows == nil {
				rows = []graph.Registration{}
			}
			// --mfa-not-required narrows the rows for either output;
			// the column is the plain table's (report_mfa.go).
			verdicts, rows := mfa.apply(ctx, s.Client, rows)
			if perUser {
				return env.emitReportPerUser(env.readReportPerUser(ctx, s.Client, rows), wantState, more && !all)
			}
			v := View{JSON: rows, Header: reportHeader(), Empty: "No users match."}
			for _, r := range rows {
				v.Rows = append(v.Rows, reportRow(r))
			}
			mfa.addColumn(&v, rows, verdicts)
			if err := env.Emit(v); err != nil {
				return err
			}
			if more && !all {
				env.note("More rows exist; pass --all for the whole tenant.")
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&notRegistered, "not-registered", false, "users not registered for MFA")
	fl.BoolVar(&notCapable, "not-capable", false, "users not MFA capable (no strong method registered and enabled)")
	fl.BoolVar(&admins, "admins", false, "users holding an admin role")
	fl.BoolVar(&sms, "sms-only", false, "users whose only MFA method is a phone (SMS / voice)")
	fl.BoolVar(&ssprNot, "sspr-not-registered", false, "users not registered for self-service password reset")
	fl.BoolVar(&all, "all", false, "fetch every page (the whole tenant)")
	fl.IntVar(&top, "top", 100, "rows to show without --all")
	fl.BoolVar(&perUser, "per-user-mfa", false, "add each user's legacy per-user MFA state (one beta request per row, 20 to a $batch)")
	fl.StringVar(&perUserState, "per-user-mfa-state", "", "only users whose per-user MFA state is disabled, enabled or enforced, among the rows read (--all: the whole tenant); implies --per-user-mfa")
	mfa.flags(fl)
	return cmd
}

// reportHeader and reportRow are the report's table, shared by its forms.
func reportHeader() []string {
	return []string{"USER PRINCIPAL NAME", "DISPLAY NAME", "MFA REGISTERED", "MFA CAPABLE", "SSPR REGISTERED", "ADMIN", "DEFAULT METHOD", "METHODS"}
}

func reportRow(r graph.Registration) []string {
	return []string{r.UserPrincipalName, r.UserDisplayName, yesNo(r.IsMfaRegistered), yesNo(r.IsMfaCapable),
		yesNo(r.IsSsprRegistered), yesNo(r.IsAdmin), r.UserPreferredMethodForSecondaryAuthentication, strings.Join(r.MethodsRegistered, ",")}
}
