// Package ops is mfadesk's operation catalogue: every change a technician
// can make to a user, declared once and shared by the command line and the
// TUI. An Operation says what it is called (the CLI verb, a label, a TUI
// key), to whom it applies (one user, many, both), which row of the
// permission table it needs (graph.Requirement: delegated and application
// permissions, Entra roles and the pages they come from), which changes it
// makes (the guard and the change history see exactly those), what its
// plan says, who is mailed afterwards, and how it runs for one target.
//
// A new action is one entry here plus its change in graph, its Graph call
// in the adapter and its rule in the fake tenant: the CLI verbs, the TUI
// keys, the action bar and the help read the catalogue (ARCHITECTURE.md).
//
// The package is SDK-free: it imports graph (domain types and the Client
// interface) and nothing of msgraph-sdk-go.
package ops

import (
	"context"
	"slices"

	"github.com/mfadesk/mfadesk/graph"
)

// Name is an operation's name: its CLI verb, the TUI's kind, the word in a
// bulk run's journal file name and in a large run's typed phrase.
type Name string

const (
	Reset        Name = "reset"
	Reregister   Name = "reregister"
	Revoke       Name = "revoke"
	DeleteMethod Name = "delete-method"
	IssueTAP     Name = "tap"
	SetMFA       Name = "mfa-state"
	Block        Name = "block"
	Unblock      Name = "unblock"
	Notify       Name = "notify"
	Audit        Name = "audit"
	// Methods, not only their removal (issue 13.3).
	SetDefault Name = "set-default"
	AddPhone   Name = "add-phone"
	AddEmail   Name = "add-email"
	// Identity Protection (catalogue entries in idrisk.go).
	DismissRisk        Name = "dismiss-risk"
	ConfirmCompromised Name = "confirm-compromised"
	// ResetPassword resets the user's password to a temporary one shown
	// once (run.go's runResetPassword).
	ResetPassword Name = "reset-password"
)

// Scope says to whom an operation applies.
type Scope int

const (
	// One: the highlighted user (TUI) or one USER argument (CLI).
	One Scope = 1 << iota
	// Bulk: marked users / a CSV, through the journaled bulk runner.
	Bulk
	// Both one user and many.
	Both = One | Bulk
)

// Operation is one entry of the catalogue.
type Operation struct {
	Name Name
	// Label is the operation for people, as a title ("Reset MFA").
	Label string
	// Key is the TUI key on the highlighted user; BulkKey its key in the
	// bulk menu ("" when it has none there).
	Key, BulkKey string
	// Help is the short description beside the key in the ? help; Bar
	// the shorter one in the action bar.
	Help, Bar string
	// Short and Long are the CLI command's help.
	Short, Long string
	Scope       Scope
	// Action is the operation's row in the permission table
	// (graph.RequirementFor): delegated and application permissions,
	// directory roles, which targets each role may change, and the
	// documentation each comes from. Also-rows (re-registration also
	// revokes) are part of the row.
	Action graph.Action
	// Changes are the kinds of change the operation makes, in order. The
	// guard is asked about each before a plan is shown; the history
	// records each.
	Changes []graph.WriteKind
	// Bulk is the bulk runner's name for it ("" when it has no bulk form).
	Bulk graph.OpKind
	// Notify is the mail sent afterwards when notification is on (""
	// none): the same rule for both front ends (notify.go).
	Notify graph.NotifyKind
	// Checklist: the profile's identity-verification checklist is asked
	// before it, for one user and for many (it takes away or hands out a
	// way to sign in).
	Checklist bool
	// NotSelf: the operator cannot apply it to their own account (it
	// would lock them out mid-session).
	NotSelf bool
	// NotGuest is why guests are refused ("" when they are not).
	NotGuest string
	// When, if set, says why the operation does not apply to u as it is
	// now ("" when it does): blocking a blocked account.
	When func(u graph.User) string
	// Prepare, if set, reads what When needs that a user lookup does not
	// carry (the user's identity risk), for a front end that has not read
	// it already (the CLI). A read that fails leaves u as it was: When
	// then lets Graph decide.
	Prepare func(ctx context.Context, r graph.Reader, u graph.User) graph.User
	// Plan, if set, is the operation's plan for targets in words; the
	// front ends show it before the confirmation (operations whose plan
	// needs the user's methods write their own from graph.PlanReset).
	Plan func(targets []graph.User) Plan
	// Change is the change the operation makes to one user, for the
	// operations that are one change (nil for the composite ones, which
	// Run carries out step by step).
	Change func(u graph.User, a graph.Approval) graph.Change
	// Done is the result line for one user ("sign-in blocked").
	Done string
	// After is the user as the change leaves them (Result.Target), so a
	// front end shows the new state without reading it back.
	After func(u graph.User) graph.User
}

// Plan is an operation's plan in words: the steps in the order they run,
// what stays as it is, and what the operator should know first.
type Plan struct {
	Steps, Keeps, Warnings []string
}

// Writes reports an operation that changes the directory or sends mail.
func (o Operation) Writes() bool { return len(o.Changes) > 0 }

// Requirement is the operation's row of the permission table.
func (o Operation) Requirement() graph.Requirement {
	r, _ := graph.RequirementFor(o.Action)
	return r
}

// catalogue is every operation, in the order menus and help list them.
var catalogue = []Operation{
	{
		Name: Reset, Label: "Reset MFA", Key: "r", BulkKey: "r", Help: "reset MFA", Bar: "reset MFA", Scope: Both,
		Short: "Reset MFA: delete every method but the password, so users register again",
		Long: "Delete every authentication method of each user except the password (and the kinds " +
			"named in --keep), in an order Graph accepts: the default method last, an alternate " +
			"mobile before the mobile. The plan is printed and confirmed first; --dry-run prints it " +
			"and changes nothing. Users are object ids or UPNs, or a CSV (header ObjectId, Id or " +
			"UserPrincipalName); a CSV with any bad row is rejected whole.",
		Action: graph.ActionReset, Changes: []graph.WriteKind{graph.WriteDeleteMethod},
		Bulk: graph.OpReset, Notify: graph.NotifyReset, Checklist: true,
	},
	{
		Name: Reregister, Label: "Require re-registration", Key: "e", BulkKey: "e", Help: "re-register", Bar: "re-register", Scope: Both,
		Short: "Require users to register MFA again (the portal's \"Require re-register MFA\")",
		Long: "Do what the admin portal's \"Require re-register MFA\" does, which Graph has no single " +
			"call for: delete phone numbers, Authenticator apps and software OATH tokens (email, a " +
			"Temporary Access Pass, FIDO2 keys and passkeys, Windows Hello, platform credentials and " +
			"hardware OATH tokens stay; the portal deactivates hardware tokens, mfadesk leaves them " +
			"active), then revoke sign-in sessions so the user registers again at the " +
			"very next sign-in on every device. With --tap, also issue a Temporary Access Pass for " +
			"that registration (printed once).",
		Action:  graph.ActionReregister,
		Changes: []graph.WriteKind{graph.WriteDeleteMethod, graph.WriteRevokeSessions, graph.WriteCreateTAP},
		Bulk:    graph.OpReregister, Notify: graph.NotifyReregister, Checklist: true,
	},
	{
		Name: Revoke, Label: "Revoke sessions", Key: "o", BulkKey: "o", Help: "revoke sessions", Bar: "revoke", Scope: Both,
		Short: "Revoke users' sign-in sessions (they must sign in again everywhere)",
		Long: "Invalidate the refresh tokens and session cookies of one or more users, so every " +
			"app and device asks them to sign in again (within minutes). Does nothing for guests.",
		Action: graph.ActionRevoke, Changes: []graph.WriteKind{graph.WriteRevokeSessions}, Bulk: graph.OpRevoke,
	},
	{
		Name: DeleteMethod, Label: "Delete method", Key: "d", Help: "delete method", Bar: "delete method", Scope: One,
		Action: graph.ActionDeleteMethod, Changes: []graph.WriteKind{graph.WriteDeleteMethod},
	},
	{
		Name: IssueTAP, Label: "Issue Temporary Access Pass", Key: "t", Help: "TAP", Bar: "TAP", Scope: One,
		Short: "Issue a Temporary Access Pass (shown once)",
		Long: "Create a Temporary Access Pass so the user can sign in and register new methods. " +
			"The pass is printed once and never stored or logged by mfadesk. A new pass " +
			"replaces any pass the user already has.",
		Action: graph.ActionTAP, Changes: []graph.WriteKind{graph.WriteCreateTAP},
		Notify: graph.NotifyTAP, Checklist: true, NotGuest: "guests cannot get a Temporary Access Pass",
	},
	{
		Name: SetMFA, Label: "Set per-user MFA", Key: "m", BulkKey: "m", Help: "per-user MFA", Bar: "MFA state", Scope: Both,
		Short: "Show or set a user's legacy per-user MFA state",
		Long: "Without a state, print the user's per-user MFA state. With one, set it (after " +
			"showing the change and asking). As Graph documents, \"enabled\" becomes \"enforced\" at once " +
			"for a user who already has an MFA method registered; a user with none stays \"enabled\" and " +
			"Entra moves them to \"enforced\" when they complete registration. The state read back " +
			"after the change is shown.",
		Action: graph.ActionPerUserMFA, Changes: []graph.WriteKind{graph.WriteSetPerUserMFA}, Bulk: graph.OpSetMFA,
		// Mailed only when the state changed (a user already in it is
		// skipped, so ShouldNotify's "done" holds only for a change).
		Notify: graph.NotifyMFAState,
	},
	{
		Name: Block, Label: "Block sign-in", Key: "x", Help: "block sign-in", Bar: "block", Scope: One,
		Short: "Block users' sign-in (accountEnabled false); they keep every method",
		Long: "Set accountEnabled to false, as the admin center's \"Block sign-in\": new sign-ins are refused " +
			"(error 50057) until the account is unblocked; methods, group memberships and licences stay. " +
			"Sessions already open last until their tokens expire: revoke them too (mfadesk revoke) to sign " +
			"the user out now. Graph lets mfadesk change only accounts without a privileged admin role.",
		Action: graph.ActionAccountEnabled, Changes: []graph.WriteKind{graph.WriteAccountEnabled},
		NotSelf: true,
		When: func(u graph.User) string {
			if !u.AccountEnabled {
				return "sign-in is already blocked (u unblocks)"
			}
			return ""
		},
		Plan: func(targets []graph.User) Plan {
			p := Plan{Steps: []string{"set accountEnabled to false: every new sign-in is refused (error 50057)"},
				Keeps:    []string{"methods, sessions already open (until their tokens expire), groups, licences, mailbox"},
				Warnings: []string{"Open sessions are not ended: revoke sessions as well to sign the user out now."}}
			return p
		},
		Change: func(u graph.User, a graph.Approval) graph.Change {
			return graph.SetAccountEnabled{UserID: u.ID, Enabled: false, Approval: a}
		},
		Done:  "sign-in blocked",
		After: func(u graph.User) graph.User { u.AccountEnabled = false; return u },
	},
	{
		Name: Unblock, Label: "Unblock sign-in", Key: "u", Help: "unblock sign-in", Bar: "unblock", Scope: One,
		Short: "Unblock users' sign-in (accountEnabled true)",
		Long: "Set accountEnabled to true, as the admin center's \"Allow sign-in\": the user can sign in " +
			"again with the methods they have. Graph lets mfadesk change only accounts without a privileged admin role.",
		Action: graph.ActionAccountEnabled, Changes: []graph.WriteKind{graph.WriteAccountEnabled},
		When: func(u graph.User) string {
			if u.AccountEnabled {
				return "sign-in is not blocked"
			}
			return ""
		},
		Plan: func(targets []graph.User) Plan {
			return Plan{Steps: []string{"set accountEnabled to true: the user can sign in again"},
				Keeps: []string{"methods, groups, licences, mailbox"}}
		},
		Change: func(u graph.User, a graph.Approval) graph.Change {
			return graph.SetAccountEnabled{UserID: u.ID, Enabled: true, Approval: a}
		},
		Done:  "sign-in unblocked",
		After: func(u graph.User) graph.User { u.AccountEnabled = true; return u },
	},
	dismissRiskOp,
	confirmCompromisedOp,
	{
		Name: Notify, Label: "Notify by mail", Key: "n", Help: "notify by mail", Bar: "notify", Scope: One,
		Action: graph.ActionSendMail, Changes: []graph.WriteKind{graph.WriteSendMail},
	},
	{
		Name: Audit, Label: "Audit trail", Key: "a", Help: "audit trail", Bar: "audit", Scope: One,
		Action: graph.ActionAudit,
	},
	// Methods, not only their removal (issue 13.3): each needs a method or
	// a value, so its plan is written from the user's methods (methods.go)
	// and its CLI verb is hand-written (cli/methods.go).
	{
		Name: SetDefault, Label: "Make default method", Key: "*", Help: "make method default", Bar: "default", Scope: One,
		Short: "Make one of a user's methods their default sign-in method",
		Long: "Set the user's default second-factor method (beta signInPreferences' " +
			"userPreferredMethodForSecondaryAuthentication). METHOD is a method id from `mfadesk show`, or " +
			"one of Graph's values: push (Authenticator), oath (OATH token), sms or voiceMobile (the mobile " +
			"phone; voice for short), voiceAlternateMobile, voiceOffice. Only those can be the default: not a " +
			"FIDO2 key, Windows Hello, email or a Temporary Access Pass. While system-preferred MFA is on for " +
			"the user, Entra prompts for the strongest method and ignores the default (except through the NPS " +
			"extension or the AD FS adapter).",
		Action: graph.ActionSetDefaultMethod, Changes: []graph.WriteKind{graph.WriteSetDefaultMethod},
	},
	{
		Name: AddPhone, Label: "Add or replace phone", Key: "+", Help: "add phone / email", Bar: "add", Scope: One,
		Short: "Add a phone method to a user, or replace the number of the one of that type",
		Long: "Register a phone number for the user (a user who lost their device): --type mobile, " +
			"alternateMobile or office, --number in Graph's format \"+{country code} {number}x{extension}\" " +
			"(extension optional), e.g. \"+1 2065550123\". A user has one phone of each type: when one of that " +
			"type exists its number is replaced (the plan says which). An alternate mobile needs a mobile " +
			"first; an office phone receives calls only, never SMS. The number is checked before anything is " +
			"sent and is masked in results and the history.",
		Action: graph.ActionSetPhone, Changes: []graph.WriteKind{graph.WriteSetPhone}, Checklist: true,
	},
	{
		Name: AddEmail, Label: "Add or replace email method", Help: "add email method", Bar: "add email", Scope: One,
		Short: "Add the email method (self-service password reset) to a user, or replace its address",
		Long: "Register an email address for self-service password reset. A user has at most one email " +
			"method: when they have one its address is replaced (the plan says which). Email is not an MFA " +
			"method. In the console, + on the methods pane offers it beside the phones.",
		Action: graph.ActionSetEmail, Changes: []graph.WriteKind{graph.WriteSetEmail}, Checklist: true,
	},
	// Last in the bar: at 80 columns it gives way to the older actions.
	{
		Name: ResetPassword, Label: "Reset password", Key: "p", Help: "reset password", Bar: "password", Scope: One,
		Short: "Reset a user's password to a temporary one, shown once; they change it at the next sign-in",
		Long: "Reset the password through Graph's password method (POST .../authentication/methods/{id}/resetPassword) " +
			"to a 16-character temporary password mfadesk generates (crypto/rand, Entra's complexity rules), then follow " +
			"Graph's reset operation until it succeeds. The password is printed once and kept nowhere: not in the history, " +
			"the journal or any log (-o json includes it only with --show-password). Graph makes the user change it at the " +
			"next sign-in and, with password writeback, writes it to on-premises AD. Methods and open sessions stay: " +
			"revoke sessions as well (mfadesk revoke) to sign the user out everywhere now. One user at a time; Graph allows " +
			"it only to a signed-in administrator (no application permission), never on your own account.",
		Action: graph.ActionResetPassword, Changes: []graph.WriteKind{graph.WriteResetPassword},
		Checklist: true, NotSelf: true,
		// Guests have no password in this tenant (they sign in at home);
		// Graph does not say what it answers, so mfadesk does not ask.
		NotGuest: "a guest's password belongs to their home organisation: they reset it there",
		Plan: func(targets []graph.User) Plan {
			return Plan{
				Steps: []string{
					"generate a temporary password (16 characters, random) and reset the user's password to it",
					"follow Graph's reset operation until it succeeds (a few seconds)",
					"show the password once; it is never stored or logged",
				},
				Keeps: []string{"MFA methods, sessions already open (until their tokens expire), groups, licences, mailbox"},
				Warnings: []string{"The user must change the password at the next sign-in (Graph requires it).",
					"Open sessions are not ended: revoke sessions as well to sign the user out now."},
			}
		},
		Done: "password reset",
	},
}

// All returns the catalogue (a copy), in menu order.
func All() []Operation { return slices.Clone(catalogue) }

// Get returns the operation called n.
func Get(n Name) (Operation, bool) {
	for _, o := range catalogue {
		if o.Name == n {
			return o, true
		}
	}
	return Operation{}, false
}

// MustGet is Get for names the caller wrote as constants: an unknown one
// is a programming error.
func MustGet(n Name) Operation {
	o, ok := Get(n)
	if !ok {
		panic("ops: no operation " + string(n))
	}
	return o
}

// ForBulk returns the operation whose bulk form is k.
func ForBulk(k graph.OpKind) (Operation, bool) {
	for _, o := range catalogue {
		if o.Bulk != "" && o.Bulk == k {
			return o, true
		}
	}
	return Operation{}, false
}

// Label is n's label (n itself when unknown).
func (n Name) Label() string {
	if o, ok := Get(n); ok {
		return o.Label
	}
	return string(n)
}

// Writes reports whether n changes the directory or sends mail (an
// unknown name counts as a write: refuse, don't guess).
func (n Name) Writes() bool {
	o, ok := Get(n)
	return !ok || o.Writes()
}

// Action is n's permission-table row name.
func (n Name) Action() graph.Action {
	if o, ok := Get(n); ok {
		return o.Action
	}
	return graph.Action(n)
}

// Change is the first (main) kind of change n makes, for the guard's
// per-user pre-check ("" for reads).
func (n Name) Change() graph.WriteKind {
	if o, ok := Get(n); ok && len(o.Changes) > 0 {
		return o.Changes[0]
	}
	return ""
}
