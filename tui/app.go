// Package tui is mfadesk's full-screen console: find a user, see why they
// cannot sign in, fix it. The root model here composes the panes (users/,
// methods/, signins/, report/, behind one pane interface: panes.go),
// routes keys through one table of bindings (bindings.go: the keys, the
// action bar, the footer and the ? help are all read from it), asks one
// question before any change (allowed.go), draws with the one theme
// (theme.go) and runs actions through actions/. Every Graph call is a
// tea.Cmd under the console's context, which quitting cancels; answers are
// typed messages that carry what they answer, so a stale one is dropped;
// Update never blocks.
package tui

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/actions"
	"github.com/mfadesk/mfadesk/tui/internal/marks"
	"github.com/mfadesk/mfadesk/tui/methods"
	"github.com/mfadesk/mfadesk/tui/report"
	"github.com/mfadesk/mfadesk/tui/signins"
	"github.com/mfadesk/mfadesk/tui/users"
)

// Run shows the console until the technician quits or ctx ends.
func Run(ctx context.Context, opts Options) error {
	if opts.Client == nil && !opts.Welcome {
		return errors.New("tui: no Graph client")
	}
	m := newModel(ctx, opts)
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
		if fm.switchTo != "" && err == nil {
			m.shutdown()
			return &SwitchProfile{Profile: fm.switchTo}
		}
	}
	m.shutdown() // the context is the same: whatever the program ended with
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // cancelled from outside: not an error of ours
	}
	return err
}

type viewKind int

const (
	viewMain viewKind = iota
	viewReport
)

// Model is the root model: the panes and the table of bindings, and a few
// small states, each with its own file (state.go): who is signed in, the
// open dialog, the footer's note, the throttle light, what was done here.
type Model struct {
	opts   Options
	client graph.Client
	keys   KeyMap
	binds  []binding // every key of the main views (bindings.go)
	theme  Theme
	now    func() time.Time
	loc    *time.Location
	// ctx is the console's: every command runs under it, and quitting
	// cancels it (stop), so nothing in flight outlives the console.
	ctx  context.Context
	stop context.CancelFunc

	w, h  int
	focus paneID
	view  viewKind
	rects [numPanes]rect

	marks *marks.Set
	regs  map[string]*graph.Registration // the report's rows by user id

	users   users.Model
	methods methods.Model
	signins signins.Model
	report  report.Model

	selID     string // user whose detail is shown
	detailSeq int

	bulk      *actions.BulkRun
	showBulk  bool
	guard     map[string]map[graph.WriteKind]error // the guard's refusals per user
	quitArmed bool
	// switchTo is the profile T chose: Run returns a *SwitchProfile.
	switchTo string

	operatorState
	adminsCache
	dialogs
	changeMemory
	flashState
	throttleState
	signInState
}

// Timings, variables so tests can shorten them.
var (
	// detailDebounce waits for the cursor to rest before loading a user's
	// detail: scrolling through a list must not spend the reports budget.
	detailDebounce = 150 * time.Millisecond
	flashFor       = 4 * time.Second
)

// New returns the root model for opts (Run uses it; tests drive it). Its
// context is the one root of the console's calls.
func New(opts Options) Model { return newModel(context.Background(), opts) }

func newModel(parent context.Context, opts Options) Model {
	opts.defaults()
	ctx, stop := context.WithCancel(parent)
	mk := marks.New()
	regs := map[string]*graph.Registration{}
	m := Model{
		opts: opts, client: opts.Client, keys: DefaultKeyMap(),
		theme: NewTheme(*opts.Dark, *opts.NoColor),
		now:   opts.Now, loc: opts.Location, ctx: ctx, stop: stop,
		marks: mk, regs: regs,
		users:        users.New(ctx, opts.Client, mk, regs),
		methods:      methods.New(ctx, opts.Client, opts.Now, opts.Location),
		signins:      signins.New(ctx, opts.Client, opts.Now, opts.Location, opts.SignInWindow),
		report:       report.New(mk, opts.Now, opts.Location),
		changeMemory: changeMemory{inflight: map[string]bool{}, tickets: map[string]string{}, changes: map[string]userChange{}},
		guard:        map[string]map[graph.WriteKind]error{},
	}
	if opts.Client != nil {
		m.report.SetSource(ctx, opts.Client)
	}
	m.binds = bindings(m.keys)
	return m
}

// Messages of the root model.
type (
	operatorMsg struct {
		Op  graph.Operator
		Err error
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
	return tea.Batch(
		m.users.Init(),
		m.whoAmI(),
		m.report.Load(), m.report.LoadMFA(),
		m.opts.Throttle.wait(),
		m.opts.SignIn.wait(),
		tea.RequestBackgroundColor,
	)
}

func (m Model) whoAmI() tea.Cmd {
	c, ctx := m.client, m.ctx
	return func() tea.Msg {
		op, err := c.Me(ctx)
		return operatorMsg{Op: op, Err: err}
	}
}

// shutdown ends everything in flight: the bulk run (its journal records
// where it stopped) and, through the console's context, every call.
func (m *Model) shutdown() {
	if m.bulk != nil {
		m.bulk.Stop()
	}
	m.report.Stop()
	if m.stop != nil {
		m.stop()
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

// Update routes a message to the model that owns it, then lays the panes
// out again: what arrived may change how tall the methods pane wants to be.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.opts.Welcome {
		return m.updateWelcome(msg)
	}
	nm, cmd := m.update(msg)
	mm := nm.(Model)
	mm.showHeld()
	mm.layout()
	return mm, cmd
}

// busy reports work in flight that will change the screen: tests wait for
// it to end before taking a golden frame.
func (m Model) busy() bool {
	return m.report.Loading() || m.report.MFALoading() || m.users.Loading() || m.methods.Busy() || m.signins.Busy() || len(m.inflight) > 0
}

func (m Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
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
		return m.handlePaste(msg)
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
	case report.PageMsg:
		return m.onReportPage(msg)
	case report.PerUserMsg:
		return m.onPerUser(msg)
	case report.MFAMsg: // the MFA required column (report/mfareq.go)
		return m, m.report.OnMFA(msg)
	case report.AdminRolesMsg:
		m.report.OnAdminRoles(msg)
		return m, nil
	case signInPromptMsg:
		return m, m.onSignInPrompt(msg.p)
	case signInDoneMsg:
		m.signedIn()
		return m, m.opts.SignIn.wait()
	case signInTickMsg:
		return m, m.onSignInTick(msg)
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
	case actions.BulkEventMsg, actions.ExportedMsg:
		return m.onBulkMsg(msg)
	case methods.RegistrationMsg:
		// A fresh registration row (after an action) also updates the
		// report and the users pane's marks; the pane takes it below.
		if msg.Err == nil && msg.Reg.ID != "" {
			r := msg.Reg
			m.regs[r.ID] = &r
			m.report.Replace(&r)
		}
	}
	return m.toPanes(msg)
}

// toPanes gives everything else to the panes and the open dialog; each
// ignores what is not its own.
func (m Model) toPanes(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
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

// onReportPage takes a page of the registration report (the pane loads
// it; the root indexes its rows for the users and methods panes).
func (m Model) onReportPage(msg report.PageMsg) (tea.Model, tea.Cmd) {
	rows, cmd, ok := m.report.OnPage(msg)
	if !ok {
		return m, nil // a page of a load a refresh replaced
	}
	if msg.Err == nil {
		m.signedIn()
	} else if errors.Is(msg.Err, graph.ErrThrottled) {
		cmd = tea.Batch(cmd, m.throttledFor(retryAfter(msg.Err)))
	}
	for _, r := range rows {
		m.regs[r.ID] = r
	}
	return m, tea.Batch(cmd, m.report.AskAdminRoles())
}

func (m *Model) setFlash(s string, isErr bool) tea.Cmd {
	m.flashSeq++
	m.flash, m.flashErr = s, isErr
	seq := m.flashSeq
	return tea.Tick(flashFor, func(time.Time) tea.Msg { return flashDoneMsg{seq: seq} })
}
