package tui

import (
	"io"
	"os"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/signins"
)

// Options configure the console. Only Client is required.
type Options struct {
	// Client is all the console talks to. Wrap it with graph.Guard for
	// read-only mode and protected accounts to be enforced below the UI
	// too; the console asks it (graph.CheckWrite) to grey actions out.
	Client graph.Client
	// ReadOnly shows every change disabled ("read-only mode").
	ReadOnly bool
	// ReadOnlyWhy says where read-only comes from ("--read-only").
	ReadOnlyWhy string
	// Profile and TenantName label the top line.
	Profile    string
	TenantName string
	// Profiles are the config file's profiles: T switches to another
	// (Run returns a *SwitchProfile).
	Profiles []ProfileChoice
	// Endpoint is the Graph service root, recorded in bulk journals (a
	// resume elsewhere is refused).
	Endpoint string
	// KeepKinds are method kinds a reset leaves in place (e.g. fido2).
	KeepKinds []graph.MethodKind
	// BulkConfirmThreshold: bulk runs on more users than this need a typed
	// confirmation (default 10).
	BulkConfirmThreshold int
	// BulkWorkers is how many users a bulk run works on at once (default:
	// the bulk runner's, graph.DefaultConcurrency).
	BulkWorkers int
	// JournalDir, when set, keeps each bulk run's journal there
	// (<time>-<op>.jsonl, resumable with the matching command's --resume);
	// empty keeps it in memory.
	JournalDir string
	// SignInWindow is how far back sign-ins are listed (default 7 days).
	SignInWindow time.Duration
	// Protected are UPNs or object ids no action may touch (break-glass).
	Protected []string
	// ProtectedWhy is shown for them (default "protected account in config").
	ProtectedWhy string
	// Notification mail after a reset or TAP: sender mailbox (empty: the
	// signed-in user), subject and body as Go templates over
	// graph.NotifyData (graph.BuildNotification). Empty uses its defaults.
	NotifyFrom, NotifySubject, NotifyBody string
	// NotifySubjects are per-kind subjects (notify.subjects).
	NotifySubjects map[graph.NotifyKind]string
	// NotifyToManager mails the user's manager instead of the user.
	NotifyToManager bool
	// NotifyEnabled (notify.enabled) mails after every reset,
	// re-registration and TAP, one user or a bulk run, as the CLI does
	// (the catalogue's rule, graph/ops); n sends it by hand otherwise.
	NotifyEnabled bool
	// Input and Output replace the terminal (tests).
	Input  io.Reader
	Output io.Writer
	// Now and Location fix the clock and the time zone shown (tests,
	// golden files). Defaults: time.Now and time.Local.
	Now      func() time.Time
	Location *time.Location
	// Clock is the wall clock a confirmation measures its arm delay with
	// (default time.Now; Now may be fixed for golden frames). Tests inject
	// one they advance per key.
	Clock func() time.Time
	// NoColor draws without colour. Default: the NO_COLOR environment
	// variable is set (to anything).
	NoColor *bool
	// Dark selects the dark palette until the terminal reports its
	// background (default true).
	Dark *bool
	// TicketRequired refuses a change until its confirmation has a ticket
	// number or reason; Checklist lines (identity verification) must each
	// be ticked before a reset, re-registration or TAP. Both are recorded
	// with the change (graph.Approval on every change).
	TicketRequired bool
	Checklist      []string
	// HistoryPath is the change history the last-actions view (H) reads
	// ("" when changes are not recorded: the demo tenant).
	HistoryPath string
	// Welcome shows the first-launch screen (nothing configured yet: how
	// to configure, --demo, doctor) and makes no Graph call; Client may be
	// nil.
	Welcome bool
	// Throttle, when set, lights the top line's throttle indicator on every
	// 429 the client sees (its Notify is the client's OnThrottle).
	Throttle *ThrottleSignal
	// SignIn, when set, draws device code sign-in prompts (code, URL,
	// countdown) in a dialog; its Prompt is the session's device code
	// handler.
	SignIn *SignInSignal
}

func (o *Options) defaults() {
	if o.BulkConfirmThreshold <= 0 {
		o.BulkConfirmThreshold = 10
	}
	if o.SignInWindow <= 0 {
		o.SignInWindow = signins.DefaultWindow
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.ProtectedWhy == "" {
		o.ProtectedWhy = "protected account in config: no action may touch it"
	}
	if o.NoColor == nil {
		_, set := os.LookupEnv("NO_COLOR")
		o.NoColor = &set
	}
	if o.Dark == nil {
		dark := true
		o.Dark = &dark
	}
}
