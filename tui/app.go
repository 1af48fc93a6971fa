// Package tui is mfadesk's full-screen console: find a user, see why they
// cannot sign in, fix it. The root model here composes the panes (users/,
// methods/, signins/, report/), routes keys through the one keymap
// (keys.go), draws with the one theme (theme.go) and runs actions through
// actions/. Every Graph call is a tea.Cmd with its own cancellable context;
// answers are typed messages that carry what they answer, so a stale one
// is dropped; Update never blocks.
package tui

import (
	"context"
	"errors"
	"io"
	"os"
	"strconv"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/actions"
	"github.com/mfadesk/mfadesk/tui/internal/marks"
	"github.com/mfadesk/mfadesk/tui/methods"
	"github.com/mfadesk/mfadesk/tui/report"
	"github.com/mfadesk/mfadesk/tui/signins"
	"github.com/mfadesk/mfadesk/tui/users"
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
	// NotifyToManager mails the user's manager instead of the user.
	NotifyToManager bool
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
	// with the change (history.WithTicket on its context).
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

// Run shows the console until the technician quits or ctx ends.
func Run(ctx context.Context, opts Options) error {
	if opts.Client == nil && !opts.Welcome {
		return errors.New("tui: no Graph client")
	}
	m := New(opts)
	popts := []tea.ProgramOption{tea.WithContext(ctx)}
	if opts.Input != nil {
		popts = append(popts, tea.WithInput(opts.Input))
	}
	if opts.Output != nil {
		popts = append(popts, tea.WithOutput(opts.Output))
	}
	final, err := tea.NewProgram(m, popts...).Run()
	if fm, ok := final.(Model); ok {
		fm.shutdown()
	}
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // cancelled from outside: not an error of ours
	}
	return err
}

type pane int

const (
	paneUsers pane = iota
	paneMethods
	paneSignIns
	numPanes
)

type viewKind int

const (
	viewMain viewKind = iota
	viewReport
)

// rect is a pane's place on screen (for mouse hits).
type rect struct{ x, y, w, h int }

func (r rect) has(x, y int) bool { return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h }

// Model is the root model.
type Model struct {
	opts   Options
	client graph.Client
	keys   KeyMap
	theme  Theme
	now    func() time.Time
	loc    *time.Location

	w, h  int
	focus pane
	view  viewKind
	rects [numPanes]rect

	operator    graph.Operator
	operatorErr error
	operatorOK  bool
	// admins are the users the registration report marks isAdmin, looked
	// up before a bulk plan (risks.go); adminsAt when, adminsErr why not.
	admins    map[string]bool
	adminsAt  time.Time
	adminsErr error

	marks      *marks.Set
	regs       map[string]*graph.Registration
	regList    []*graph.Registration
	regLoading bool
	regErr     error
	regCancel  context.CancelFunc
	regPager   *graph.Pager // the report's next-page links (no endless paging)

	users   users.Model
	methods methods.Model
	signins signins.Model
	report  report.Model

	selID     string // user whose detail is shown
	detailSeq int

	modal   actions.Modal
	modalID int
	nextID  int
	pending map[int]pending
	// tickets remembers the ticket given per user, offered again for a
	// follow-up (a TAP or mail after a reset).
	tickets map[string]string
	// changes remembers the last reset, re-registration or TAP per user:
	// what a notification mail then tells them.
	changes  map[string]userChange
	inflight map[string]bool
	bulk     *actions.BulkRun
	showBulk bool
	guard    map[string]map[graph.WriteKind]error

	flash     string
	flashErr  bool
	flashSeq  int
	quitArmed bool

	throttled   bool
	throttleSeq int

	// signIn is the device code dialog (nil when no sign-in waits).
	signIn    *signInBox
	signInSeq int
}

// Timings, variables so tests can shorten them.
var (
	// detailDebounce waits for the cursor to rest before loading a user's
	// detail: scrolling through a list must not spend the reports budget.
	detailDebounce = 150 * time.Millisecond
	flashFor       = 4 * time.Second
)

// New returns the root model for opts (Run uses it; tests drive it).
func New(opts Options) Model {
	opts.defaults()
	mk := marks.New()
	regs := map[string]*graph.Registration{}
	m := Model{
		opts: opts, client: opts.Client, keys: DefaultKeyMap(),
		theme: NewTheme(*opts.Dark, *opts.NoColor),
		now:   opts.Now, loc: opts.Location,
		marks: mk, regs: regs,
		users:   users.New(opts.Client, mk, regs),
		methods: methods.New(opts.Client, opts.Now, opts.Location),
		signins: signins.New(opts.Client, opts.Now, opts.Location, opts.SignInWindow),
		report:  report.New(mk, opts.Now, opts.Location),
		pending: map[int]pending{}, inflight: map[string]bool{}, tickets: map[string]string{}, changes: map[string]userChange{},
		guard:      map[string]map[graph.WriteKind]error{},
		regLoading: true,
	}
	return m
}

// Messages of the root model.
type (
	operatorMsg struct {
		Op  graph.Operator
		Err error
	}
	regPageMsg struct {
		Page  graph.Page[graph.Registration]
		Err   error
		Index int // page number, from 0
	}
	regNextMsg struct {
		Next  string
		Index int
	}
	detailMsg struct {
		seq int
		id  string
	}
	guardMsg struct {
		UserID string
		Errs   map[graph.WriteKind]error
	}
	flashDoneMsg struct{ seq int }
)

// Init starts the first search, who-am-I and the registration report.
func (m Model) Init() tea.Cmd {
	if m.opts.Welcome {
		return tea.RequestBackgroundColor
	}
	c := m.client
	return tea.Batch(
		m.users.Init(),
		func() tea.Msg {
			op, err := c.Me(context.Background())
			return operatorMsg{Op: op, Err: err}
		},
		m.firstRegistrations(),
		m.opts.Throttle.wait(),
		m.opts.SignIn.wait(),
		tea.RequestBackgroundColor,
	)
}

// firstRegistrations starts the report from Init (a value receiver: the
// flags it needs are set by New).
func (m Model) firstRegistrations() tea.Cmd {
	c := m.client
	ctx := graph.WithPriority(context.Background(), graph.PriorityLow)
	return func() tea.Msg {
		p, err := c.Registrations(ctx, graph.RegistrationFilter{PageSize: 999})
		return regPageMsg{Page: p, Err: err}
	}
}

func (m *Model) loadRegistrations() tea.Cmd {
	if m.regCancel != nil {
		m.regCancel()
	}
	ctx, cancel := context.WithCancel(graph.WithPriority(context.Background(), graph.PriorityLow))
	m.regCancel = cancel
	m.regLoading, m.regErr = true, nil
	m.regPager = graph.NewPager("read the MFA registration report")
	c := m.client
	return func() tea.Msg {
		p, err := c.Registrations(ctx, graph.RegistrationFilter{PageSize: 999})
		return regPageMsg{Page: p, Err: err}
	}
}

func (m *Model) nextRegistrations(next string, index int) tea.Cmd {
	ctx, cancel := context.WithCancel(graph.WithPriority(context.Background(), graph.PriorityLow))
	m.regCancel = cancel
	c := m.client
	return func() tea.Msg {
		p, err := c.NextRegistrations(ctx, next)
		return regPageMsg{Page: p, Err: err, Index: index}
	}
}

func (m *Model) shutdown() {
	if m.regCancel != nil {
		m.regCancel()
	}
	if m.bulk != nil {
		m.bulk.Stop()
	}
}

// Update routes a message to the model that owns it, then lays the panes
// out again: what arrived may change how tall the methods pane wants to be.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.opts.Welcome {
		return m.updateWelcome(msg)
	}
	nm, cmd := m.update(msg)
	mm := nm.(Model)
	mm.layout()
	return mm, cmd
}

// busy reports work in flight that will change the screen: tests wait for
// it to end before taking a golden frame.
func (m Model) busy() bool {
	return m.regLoading || m.users.Loading() || m.methods.Busy() || m.signins.Busy() || len(m.inflight) > 0
}

func (m Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.layout()
		return m, nil
	case tea.BackgroundColorMsg:
		m.theme = NewTheme(msg.IsDark(), *m.opts.NoColor)
		return m, nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.PasteMsg:
		switch {
		case m.modal != nil:
			return m.toModal(msg)
		case m.showBulk && m.bulk != nil:
			return m.toBulk(msg)
		case m.view == viewReport && m.report.Searching():
			m.report.SearchInput(msg)
		case m.view == viewMain && m.users.Searching():
			return m, m.afterUsers(m.users.SearchInput(msg))
		}
		return m, nil
	case tea.MouseClickMsg:
		return m.handleClick(msg.Mouse())
	case tea.MouseWheelMsg:
		return m.handleWheel(msg.Mouse())
	case operatorMsg:
		m.operator, m.operatorErr, m.operatorOK = msg.Op, msg.Err, msg.Err == nil
		if msg.Err == nil {
			m.signedIn()
		}
		return m, nil
	case regPageMsg:
		if msg.Err == nil {
			m.signedIn()
		}
		return m.onRegPage(msg)
	case signInPromptMsg:
		return m, m.onSignInPrompt(msg.p)
	case signInDoneMsg:
		m.signedIn()
		return m, m.opts.SignIn.wait()
	case signInTickMsg:
		return m, m.onSignInTick(msg)
	case regNextMsg:
		return m, m.nextRegistrations(msg.Next, msg.Index)
	case detailMsg:
		if msg.seq != m.detailSeq || msg.id != m.selID {
			return m, nil
		}
		return m, m.loadDetail()
	case guardMsg:
		m.guard[msg.UserID] = msg.Errs
		return m, nil
	case throttleMsg:
		return m, tea.Batch(m.throttledFor(msg.retryAfter), m.opts.Throttle.wait())
	case throttleOverMsg:
		if msg.seq == m.throttleSeq {
			m.throttled = false
		}
		return m, nil
	case flashDoneMsg:
		if msg.seq == m.flashSeq {
			m.flash = ""
		}
		return m, nil
	case methods.RegistrationMsg:
		// A fresh registration row (after an action) also updates the
		// report and the users pane's marks.
		if msg.Err == nil && msg.Reg.ID != "" {
			r := msg.Reg
			m.regs[r.ID] = &r
			m.replaceReg(&r)
		}
	case users.ResultsMsg:
		if msg.Err == nil {
			m.signedIn()
		}
		var cmd tea.Cmd
		m.users, cmd = m.users.Update(msg)
		if msg.Err != nil && errors.Is(msg.Err, graph.ErrThrottled) {
			cmd = tea.Batch(cmd, m.throttledFor(retryAfter(msg.Err)))
		}
		return m, tea.Batch(cmd, m.selectionChanged())
	case resultMsg:
		return m.onResult(msg)
	case adminsMsg:
		return m.onAdmins(msg)
	case csvParsedMsg:
		return m.onCSVParsed(msg)
	case csvProgressMsg:
		return m.onCSVProgress(msg)
	case csvLoadedMsg:
		return m.onCSVLoaded(msg)
	case exportedMsg:
		if msg.Err != nil {
			return m, m.setFlash("Not written: "+msg.Err.Error(), true)
		}
		return m, m.setFlash("Written to "+msg.Path, false)
	case actions.BulkEventMsg:
		if m.bulk == nil {
			return m, nil
		}
		if msg.Result.Err != nil && errors.Is(msg.Result.Err, graph.ErrThrottled) {
			m.bulk.Throttled = true
		}
		_, cmd := m.bulk.Update(msg) // results never close the view
		cmds = append(cmds, cmd)
		if msg.Closed && !m.bulk.Running() {
			cmds = append(cmds, m.refreshShown())
		}
		return m, tea.Batch(cmds...)
	case actions.ExportedMsg:
		if m.bulk != nil {
			_, cmd := m.bulk.Update(msg)
			return m, cmd
		}
		return m, nil
	}

	// Everything else belongs to a pane or the open dialog; each ignores
	// what is not its own.
	if err := answerErr(msg); err != nil && errors.Is(err, graph.ErrThrottled) {
		cmds = append(cmds, m.throttledFor(retryAfter(err)))
	}
	var cmd tea.Cmd
	m.methods, cmd = m.methods.Update(msg)
	cmds = append(cmds, cmd)
	m.signins, cmd = m.signins.Update(msg)
	cmds = append(cmds, cmd)
	m.users, cmd = m.users.Update(msg)
	cmds = append(cmds, cmd, m.selectionChanged())
	if m.modal != nil {
		nm, cmd := m.toModal(msg)
		return nm, tea.Batch(append(cmds, cmd)...)
	}
	return m, tea.Batch(cmds...)
}

// toModal gives msg to the open dialog and acts on its answer at once, so
// the next key already meets the screen the answer leads to.
func (m Model) toModal(msg tea.Msg) (tea.Model, tea.Cmd) {
	ans, cmd := m.modal.Update(msg)
	if ans == nil {
		return m, cmd
	}
	nm, cmd2 := m.onModalAnswer(ans)
	return nm, tea.Batch(cmd, cmd2)
}

// toBulk gives msg to the bulk run's view; its close answer hides it (the
// run goes on).
func (m Model) toBulk(msg tea.Msg) (tea.Model, tea.Cmd) {
	ans, cmd := m.bulk.Update(msg)
	switch a := ans.(type) {
	case actions.CloseMsg:
		m.showBulk = false
	case actions.ChoiceMsg:
		if a.Value == actions.RetryChoice {
			nm, cmd2 := m.openRetryConfirm()
			return nm, tea.Batch(cmd, cmd2)
		}
	}
	return m, cmd
}

func (m *Model) onRegPage(msg regPageMsg) (tea.Model, tea.Cmd) {
	if msg.Err != nil {
		m.regLoading, m.regErr = false, msg.Err
		var cmd tea.Cmd
		if errors.Is(msg.Err, graph.ErrThrottled) {
			cmd = m.throttledFor(retryAfter(msg.Err))
		}
		m.report.Loaded(msg.Err)
		return *m, cmd
	}
	page := make([]*graph.Registration, len(msg.Page.Items))
	for i := range msg.Page.Items {
		r := &msg.Page.Items[i]
		m.regs[r.ID] = r
		page[i] = r
	}
	m.regList = append(m.regList, page...)
	// Only the page's rows are added: the report merges them in (see
	// report/rows.go), so a 50,000-user load stays linear.
	m.report.Append(page)
	var cmd tea.Cmd
	if msg.Page.Next != "" && m.regPager != nil {
		if err := m.regPager.Follow(msg.Page.Next); err != nil {
			m.regLoading, m.regErr = false, err
			m.report.Loaded(err)
			return *m, nil
		}
	}
	if msg.Page.Next != "" {
		// the client paces report pages to the reports budget (at low
		// priority, yielding to the technician's own reads)
		cmd = m.nextRegistrations(msg.Page.Next, msg.Index+1)
	} else {
		m.regLoading = false
		m.report.Loaded(nil)
	}
	return *m, cmd
}

// replaceReg swaps one user's row in the report list.
func (m *Model) replaceReg(r *graph.Registration) {
	for i, x := range m.regList {
		if x.ID == r.ID {
			m.regList[i] = r
			m.report.Replace(r)
			return
		}
	}
}

// afterUsers runs after anything that may move the users cursor.
func (m *Model) afterUsers(cmd tea.Cmd) tea.Cmd {
	return tea.Batch(cmd, m.selectionChanged())
}

// selectionChanged notices a new highlighted user: the detail panes show
// them at once (loading), and their data is fetched once the cursor rests.
func (m *Model) selectionChanged() tea.Cmd {
	u, ok := m.users.Selected()
	if !ok {
		if m.selID != "" && len(m.users.Items()) == 0 && !m.users.Loading() {
			m.selID = ""
			m.methods.Clear()
			m.signins.Clear()
		}
		return nil
	}
	if u.ID == m.selID {
		return nil
	}
	m.selID = u.ID
	m.detailSeq++
	m.methods.Show(u, m.regs[u.ID])
	m.signins.Show(u)
	seq, id := m.detailSeq, u.ID
	return tea.Tick(detailDebounce, func(time.Time) tea.Msg { return detailMsg{seq: seq, id: id} })
}

// loadDetail fetches the highlighted user's methods, registration,
// per-user MFA state and sign-ins, and what the guard would refuse.
func (m *Model) loadDetail() tea.Cmd {
	u, ok := m.users.Selected()
	if !ok || u.ID != m.selID {
		return nil
	}
	return tea.Batch(m.methods.Load(u, m.regs[u.ID]), m.signins.Load(u), m.checkGuard(u))
}

// refreshShown reloads the detail panes after an action.
func (m *Model) refreshShown() tea.Cmd {
	if m.methods.User() == nil {
		return nil
	}
	u := *m.methods.User()
	return tea.Batch(m.methods.Reload(), m.signins.Load(u))
}

// checkGuard asks the client's guard (if any) which changes it would
// refuse for u, off the UI goroutine: the first check may resolve
// protected groups over the network.
func (m *Model) checkGuard(u graph.User) tea.Cmd {
	if _, ok := m.client.(graph.WriteChecker); !ok {
		return nil
	}
	c := m.client
	return func() tea.Msg {
		errs := map[graph.WriteKind]error{}
		for _, k := range []graph.WriteKind{graph.WriteDeleteMethod, graph.WriteRevokeSessions,
			graph.WriteCreateTAP, graph.WriteSetPerUserMFA, graph.WriteSendMail} {
			if err := graph.CheckWrite(context.Background(), c, k, u.ID); err != nil {
				errs[k] = err
			}
		}
		return guardMsg{UserID: u.ID, Errs: errs}
	}
}

func (m *Model) setFlash(s string, isErr bool) tea.Cmd {
	m.flashSeq++
	m.flash, m.flashErr = s, isErr
	seq := m.flashSeq
	return tea.Tick(flashFor, func(time.Time) tea.Msg { return flashDoneMsg{seq: seq} })
}

// layout sizes the panes for the terminal.
func (m *Model) layout() {
	bodyY, bodyH := 1, max(m.h-3, 3)
	if m.w < 64 {
		// Too narrow for side by side: the focused pane takes the body.
		for p := pane(0); p < numPanes; p++ {
			m.rects[p] = rect{0, bodyY, m.w, bodyH}
		}
	} else {
		leftW := min(max(m.w*19/50, 34), 56)
		rightW := m.w - leftW
		// The methods pane is as tall as its content wants (status lines
		// plus one line per method), within what leaves the sign-ins room.
		methodsH := min(max(m.methods.Wanted(rightW-2)+2, 8), bodyH-8, bodyH*3/5)
		methodsH = max(methodsH, min(8, bodyH/2))
		m.rects[paneUsers] = rect{0, bodyY, leftW, bodyH}
		m.rects[paneMethods] = rect{leftW, bodyY, rightW, methodsH}
		m.rects[paneSignIns] = rect{leftW, bodyY + methodsH, rightW, bodyH - methodsH}
	}
	r := m.rects[paneUsers]
	m.users.SetSize(r.w-2, r.h-2)
	r = m.rects[paneMethods]
	m.methods.SetSize(r.w-2, r.h-2)
	r = m.rects[paneSignIns]
	m.signins.SetSize(r.w-2, r.h-2)
	m.report.SetSize(m.w-2, bodyH-2)
	if s, ok := m.modal.(actions.Sizer); ok {
		s.SetSize(m.modalW(), m.h)
	}
	if m.bulk != nil {
		m.bulk.SetSize(m.w, bodyH)
	}
}

func (m Model) modalW() int { return max(m.w-4, 20) }

// currentUser is the user actions apply to: the highlighted row of the
// users pane, or of the report in the report view.
func (m Model) currentUser() (graph.User, bool) {
	if m.view == viewReport {
		r, ok := m.report.Selected()
		if !ok {
			return graph.User{}, false
		}
		return report.UserOf(r), true
	}
	return m.users.Selected()
}

func (m Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	s := msg.String()

	if s == "ctrl+c" {
		return m.quit()
	}
	m.quitArmed = m.quitArmed && (s == "q")

	if m.signIn != nil {
		return m.signInKey(s)
	}
	if m.modal != nil {
		return m.toModal(msg)
	}
	if m.showBulk && m.bulk != nil {
		return m.toBulk(msg)
	}
	if key.Matches(msg, k.Refresh) {
		return m.refresh() // in every view, searching or not
	}
	if m.view == viewReport && m.report.Searching() {
		return m.reportSearchKey(msg)
	}
	if m.users.Searching() && m.view == viewMain {
		switch s {
		case "esc":
			// As in k9s: esc clears the search (and lists everyone).
			m.users.StopSearch()
			return m, m.afterUsers(m.users.SetQuery(""))
		case "enter", "down":
			m.users.StopSearch()
			return m, nil
		case "tab", "shift+tab":
			m.users.StopSearch()
		default:
			return m, m.afterUsers(m.users.SearchInput(msg))
		}
	}

	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		return m.openHelp()
	case key.Matches(msg, k.SwitchView):
		if m.view == viewMain {
			m.view = viewReport
		} else {
			m.view = viewMain
		}
		return m, nil
	case key.Matches(msg, k.Refresh):
		return m.refresh()
	case key.Matches(msg, k.History):
		id := m.newID()
		v, cmd := actions.NewHistoryView(id, m.opts.HistoryPath, m.loc)
		m.setModal(id, v, pending{kind: pInfo})
		return m, cmd
	case key.Matches(msg, k.ShowBulk):
		if m.bulk == nil {
			return m, m.setFlash("No bulk run yet: mark users and press b.", false)
		}
		m.showBulk = true
		m.bulk.SetSize(m.w, max(m.h-3, 3))
		return m, nil
	case key.Matches(msg, k.Bulk):
		return m.openBulkMenu()
	case key.Matches(msg, k.LoadCSV):
		return m.openCSVPrompt()
	case key.Matches(msg, k.ClearMarks):
		n := m.marks.Len()
		m.marks.Clear()
		return m, m.setFlash(plural(n, "mark")+" cleared.", false)
	}
	if m.view == viewReport {
		return m.reportKey(msg)
	}

	switch {
	case key.Matches(msg, k.NextPane):
		m.focus = (m.focus + 1) % numPanes
		return m, nil
	case key.Matches(msg, k.PrevPane):
		m.focus = (m.focus + numPanes - 1) % numPanes
		return m, nil
	case key.Matches(msg, k.Search):
		m.focus = paneUsers
		m.users.StartSearch()
		return m, nil
	case key.Matches(msg, k.ClearFilter):
		if m.focus == paneUsers && m.users.CancelRange() {
			return m, nil
		}
		if m.focus == paneUsers && m.users.Search.Value() != "" {
			return m, m.afterUsers(m.users.SetQuery(""))
		}
		return m, nil
	case key.Matches(msg, k.RangeSelect):
		if m.focus == paneUsers {
			m.users.RangeStart()
		}
		return m, nil
	case key.Matches(msg, k.RangeUp), key.Matches(msg, k.RangeDown):
		if m.focus == paneUsers {
			d := 1
			if key.Matches(msg, k.RangeUp) {
				d = -1
			}
			return m, m.afterUsers(m.users.RangeExtend(d))
		}
		return m, nil
	case key.Matches(msg, k.Mark):
		if m.focus == paneUsers && m.users.Ranging() {
			n, marked := m.users.MarkRange()
			return m, m.rangeFlash(n, marked)
		}
		if m.focus == paneUsers {
			return m, m.afterUsers(m.users.ToggleMark())
		}
	case key.Matches(msg, k.MarkAll):
		n := m.users.MarkAll()
		msg := plural(n, "user") + " marked (" + plural(m.marks.Len(), "mark") + " in all)."
		if more := m.users.NotLoaded(); more > 0 {
			// A marks what is loaded; the rest of the matches are not, and
			// the technician must know before a bulk run.
			msg = plural(n, "user") + " marked; " + matches(more, "more ") + " not loaded, not marked " +
				"(scroll to the end to load them, or use the report: v, /)."
		}
		return m, m.setFlash(msg, false)
	case key.Matches(msg, k.Reset):
		return m.startAction(actions.Reset)
	case key.Matches(msg, k.Reregister):
		return m.startAction(actions.Reregister)
	case key.Matches(msg, k.Revoke):
		return m.startAction(actions.Revoke)
	case key.Matches(msg, k.TAP):
		return m.startAction(actions.IssueTAP)
	case key.Matches(msg, k.PerUserMFA):
		return m.startAction(actions.SetMFA)
	case key.Matches(msg, k.Notify):
		return m.startAction(actions.Notify)
	case key.Matches(msg, k.Audit):
		return m.startAction(actions.Audit)
	case key.Matches(msg, k.DeleteMethod):
		if m.focus != paneMethods {
			return m, m.setFlash("Focus the methods pane (tab) and highlight a method to delete it.", false)
		}
		return m.startAction(actions.DeleteMethod)
	case key.Matches(msg, k.Failures):
		m.signins.ToggleFailures()
		return m, nil
	}

	// Navigation and enter go to the focused pane.
	switch m.focus {
	case paneUsers:
		switch {
		case key.Matches(msg, k.Up):
			return m, m.afterUsers(m.users.Move(-1))
		case key.Matches(msg, k.Down):
			return m, m.afterUsers(m.users.Move(1))
		case key.Matches(msg, k.PageUp):
			return m, m.afterUsers(m.users.Page(-1))
		case key.Matches(msg, k.PageDown):
			return m, m.afterUsers(m.users.Page(1))
		case key.Matches(msg, k.Top):
			return m, m.afterUsers(m.users.Home())
		case key.Matches(msg, k.Bottom):
			return m, m.afterUsers(m.users.End())
		case key.Matches(msg, k.Open):
			m.focus = paneSignIns
		}
	case paneMethods:
		if lines, pages, ok := listStep(k, msg); ok {
			m.methods.Move(lines + pages*methodsPage)
		}
	case paneSignIns:
		if lines, pages, ok := listStep(k, msg); ok {
			m.signins.Move(lines)
			m.signins.Page(pages)
		} else if key.Matches(msg, k.Detail) {
			return m.openSignIn()
		}
	}
	return m, nil
}

// methodsPage is how far page up/down moves in the methods pane, which is
// sized to its content and rarely scrolls.
const methodsPage = 10

// listStep reads a navigation key as a move in a list: lines (±1, or far
// enough to reach the top or bottom) or pages. ok is false for other keys.
func listStep(k KeyMap, msg tea.KeyPressMsg) (lines, pages int, ok bool) {
	switch {
	case key.Matches(msg, k.Up):
		return -1, 0, true
	case key.Matches(msg, k.Down):
		return 1, 0, true
	case key.Matches(msg, k.PageUp):
		return 0, -1, true
	case key.Matches(msg, k.PageDown):
		return 0, 1, true
	case key.Matches(msg, k.Top):
		return -1 << 30, 0, true
	case key.Matches(msg, k.Bottom):
		return 1 << 30, 0, true
	}
	return 0, 0, false
}

func (m Model) reportKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Filter):
		m.report.SetFilter(report.Filter(msg.Text[0] - '0'))
	case key.Matches(msg, k.Sort):
		m.report.CycleSort()
	case key.Matches(msg, k.SortReverse):
		m.report.Reverse()
	case key.Matches(msg, k.Mark):
		if m.report.Ranging() {
			n, marked := m.report.MarkRange()
			return m, m.rangeFlash(n, marked)
		}
		m.report.ToggleMark()
	case key.Matches(msg, k.RangeSelect):
		m.report.RangeStart()
	case key.Matches(msg, k.RangeUp):
		m.report.RangeExtend(-1)
	case key.Matches(msg, k.RangeDown):
		m.report.RangeExtend(1)
	case key.Matches(msg, k.MarkAll):
		// Every row shown is marked: the report holds all users, so a
		// search's matches are all marked, none left behind.
		n := m.report.MarkAll()
		what := plural(m.report.Shown(), "user") + " shown"
		if q := m.report.Query(); q != "" {
			what = matches(m.report.Shown(), "") + " for \"" + q + "\""
		}
		return m, m.setFlash("All "+what+" marked ("+strconv.Itoa(n)+" new, "+plural(m.marks.Len(), "mark")+" in all).", false)
	case key.Matches(msg, k.Export):
		return m.openExportPrompt()
	case key.Matches(msg, k.Search):
		// Search here, in place: the report filters as you type; nothing
		// jumps to another view with the list focused.
		m.report.StartSearch()
	case key.Matches(msg, k.ClearFilter):
		if !m.report.CancelRange() {
			m.report.ClearSearch()
		}
	case key.Matches(msg, k.Open):
		// Open the highlighted user in the main view.
		r, ok := m.report.Selected()
		if !ok {
			return m, nil
		}
		m.view, m.focus = viewMain, paneUsers
		return m, m.afterUsers(m.users.SetQuery(r.UserPrincipalName))
	case key.Matches(msg, k.Reset):
		return m.startAction(actions.Reset)
	case key.Matches(msg, k.Reregister):
		return m.startAction(actions.Reregister)
	case key.Matches(msg, k.Revoke):
		return m.startAction(actions.Revoke)
	case key.Matches(msg, k.TAP):
		return m.startAction(actions.IssueTAP)
	case key.Matches(msg, k.Audit):
		return m.startAction(actions.Audit)
	default:
		if lines, pages, ok := listStep(k, msg); ok {
			m.report.Move(lines)
			m.report.Page(pages)
		}
	}
	return m, nil
}

// reportSearchKey handles a key while the report's search box has them:
// text filters the rows, enter/down/tab keep the filter and return to the
// list, esc clears it.
func (m Model) reportSearchKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch msg.String() {
	case "esc":
		m.report.ClearSearch()
	case "enter", "down", "tab", "shift+tab":
		m.report.StopSearch()
	default:
		m.report.SearchInput(msg)
	}
	return m, nil
}

func (m *Model) rangeFlash(n int, marked bool) tea.Cmd {
	if marked {
		return m.setFlash(plural(n, "user")+" marked ("+plural(m.marks.Len(), "mark")+" in all).", false)
	}
	return m.setFlash(plural(n, "user")+" unmarked ("+plural(m.marks.Len(), "mark")+" in all).", false)
}

func (m Model) refresh() (tea.Model, tea.Cmd) {
	if m.view == viewReport {
		m.regList = nil
		for k := range m.regs {
			delete(m.regs, k)
		}
		m.report.Reset()
		return m, m.loadRegistrations()
	}
	switch m.focus {
	case paneUsers:
		return m, m.users.Refresh()
	default:
		return m, m.refreshShown()
	}
}

func (m Model) quit() (tea.Model, tea.Cmd) {
	if m.bulk != nil && m.bulk.Running() && !m.quitArmed {
		m.quitArmed = true
		return m, m.setFlash("A bulk run is in progress: press q again to stop it and quit.", true)
	}
	m.shutdown()
	return m, tea.Quit
}

func (m Model) handleClick(ms tea.Mouse) (tea.Model, tea.Cmd) {
	if m.modal != nil || m.signIn != nil || m.showBulk || ms.Button != tea.MouseLeft {
		return m, nil
	}
	if m.view == viewReport {
		// The report's box starts on line 1; its inner lines on line 2.
		if m.report.HeaderAt(ms.Y - 2) {
			if col, ok := m.report.ColumnAt(ms.X - 1); ok {
				m.report.SortBy(col)
			}
			return m, nil
		}
		if i, ok := m.report.RowAt(ms.Y - 2); ok {
			m.report.Select(i)
		}
		return m, nil
	}
	for p := pane(0); p < numPanes; p++ {
		r := m.rects[p]
		if !r.has(ms.X, ms.Y) || (m.w < 64 && p != m.focus) {
			continue
		}
		m.focus = p
		y := ms.Y - r.y - 1
		switch p {
		case paneUsers:
			if y == 0 {
				m.users.StartSearch()
				return m, nil
			}
			if m.users.Searching() {
				m.users.StopSearch()
			}
			if i, ok := m.users.RowAt(y); ok {
				return m, m.afterUsers(m.users.Select(i))
			}
		case paneSignIns:
			if i, ok := m.signins.RowAt(y); ok {
				m.signins.Select(i)
			}
		}
		return m, nil
	}
	return m, nil
}

func (m Model) handleWheel(ms tea.Mouse) (tea.Model, tea.Cmd) {
	d := 0
	switch ms.Button {
	case tea.MouseWheelUp:
		d = -3
	case tea.MouseWheelDown:
		d = 3
	default:
		return m, nil
	}
	if m.modal != nil {
		key := tea.KeyPressMsg{Code: tea.KeyDown}
		if d < 0 {
			key = tea.KeyPressMsg{Code: tea.KeyUp}
		}
		return m.toModal(key)
	}
	if m.showBulk {
		return m, nil
	}
	if m.view == viewReport {
		m.report.Move(d)
		return m, nil
	}
	for p := pane(0); p < numPanes; p++ {
		if !m.rects[p].has(ms.X, ms.Y) {
			continue
		}
		switch p {
		case paneUsers:
			return m, m.afterUsers(m.users.Move(d))
		case paneMethods:
			m.methods.Move(d / 3)
		case paneSignIns:
			m.signins.Move(d)
		}
		return m, nil
	}
	return m, nil
}

// answerErr is the error a pane's answer carries, if any.
func answerErr(msg tea.Msg) error {
	switch msg := msg.(type) {
	case methods.MethodsMsg:
		return msg.Err
	case methods.RegistrationMsg:
		return msg.Err
	case methods.PerUserMsg:
		return msg.Err
	case signins.LoadedMsg:
		return msg.Err
	case actions.AuditMsg:
		return msg.Err
	}
	return nil
}

// retryAfter is Graph's Retry-After inside err (0 when none).
func retryAfter(err error) time.Duration {
	if ge, ok := graph.AsError(err); ok {
		return ge.RetryAfter
	}
	return 0
}

func matches(n int, adj string) string {
	if n == 1 {
		return "1 " + adj + "match"
	}
	return strconv.Itoa(n) + " " + adj + "matches"
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
