package actions

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
	"github.com/mfadesk/mfadesk/tui/internal/input"
)

// ArmDelay is how long a confirmation ignores its confirm key after it
// opens: a key held down or pressed twice to open the dialog cannot also
// answer it.
var ArmDelay = 400 * time.Millisecond

// ConfirmKey is the only key that confirms a change. No word produces it:
// typing, at any speed, into any view or dialog, never confirms (the
// blocker of issue 10: "kerry" typed into what looked like a search box
// opened a re-registration with "e" and confirmed it with "y").
const ConfirmKey = "ctrl+y"

// typedNote answers y, enter and the like in a confirmation.
const typedNote = "ctrl+y confirms; typing never does."

// Skip is a target the action will not touch, and why.
type Skip struct {
	User graph.User
	Why  string
}

// Plan is what a confirmation shows: exactly who and what.
type Plan struct {
	Title    string
	Targets  []graph.User
	Ops      []string // operations, in the order they run
	Keeps    []string // what stays
	Skips    []Skip
	Warnings []string
	// Phrase, when set, must be typed to confirm (large bulk runs).
	Phrase string
	// PreviewTitle and Preview show text the action sends (a mail body),
	// as it will be sent.
	PreviewTitle string
	Preview      []string
}

// MaxListed is how many targets a confirmation lists before "… and N more".
const MaxListed = 8

// ExpandKey lists every target (and every skipped one) instead of the
// first MaxListed, and back. Not a printable key: it works while a phrase
// is typed too, and it changes only what is shown.
const ExpandKey = "ctrl+e"

// Confirm asks before an action runs. It opens disarmed (ArmDelay, on its
// clock) and then takes only ConfirmKey (not a key repeat). y, enter and
// every printable key never confirm. For large runs a typed phrase
// (pasting is refused) must match first: it enables ctrl+y, it does not
// confirm by itself. It answers at most once.
type Confirm struct {
	ID   int
	Op   Op
	Plan Plan
	// Options, when set, handles extra keys that change Op (TAP lifetime,
	// one-time use) and returns the new plan.
	Options     func(op *Op, key string) (Plan, bool)
	OptionsHelp []KeyHelp
	// Reticket, when set, is told the ticket when the technician leaves
	// its field and may change Op and the plan (a mail that names it).
	Reticket func(op *Op, ticket string) (Plan, bool)

	// clock measures ArmDelay from opened (tests inject one they advance).
	clock  func() time.Time
	opened time.Time
	done   bool
	in     input.Model
	offset int
	w, h   int
	note   string
	// expanded lists every target and skip (ExpandKey).
	expanded bool

	// Ticket or reason and the identity-verification checklist (AskTicket).
	askTicket, ticketRequired bool
	ticket                    input.Model
	checklist                 []string
	ticked                    []bool
}

// AskTicket adds a ticket-or-reason field (required: ctrl+y is refused
// while it is empty) and the verification lines that must each be ticked
// before ctrl+y runs. prefill is a ticket already given for this user.
func (c *Confirm) AskTicket(required bool, prefill string, checklist []string) {
	c.askTicket, c.ticketRequired = true, required
	c.ticket = input.Model{Prompt: "> ", Limit: 200, Placeholder: "ticket number or reason"}
	if !required {
		c.ticket.Placeholder += " (optional)"
	}
	c.ticket.SetValue(prefill)
	c.checklist = checklist
	c.ticked = make([]bool, len(checklist))
	if required && prefill == "" {
		// It must be filled first anyway, before the phrase too (the
		// ticket is read in the plan's order: ticket, then phrase); enter
		// in the ticket moves on to the phrase.
		c.ticket.Focus()
	}
}

// ready says why ctrl+y cannot run yet ("" when it can).
func (c *Confirm) ready() string {
	if c.askTicket && c.ticketRequired && strings.TrimSpace(c.ticket.Value()) == "" {
		return "A ticket number or reason is required: tab, type it, enter."
	}
	for _, t := range c.ticked {
		if !t {
			return fmt.Sprintf("Tick every verification line first (keys 1-%d).", len(c.ticked))
		}
	}
	return ""
}

// confirmed is the answer, with what the dialog collected on the op.
func (c *Confirm) confirmed() tea.Msg {
	c.done = true
	op := c.Op
	if c.askTicket {
		op.Ticket = strings.TrimSpace(c.ticket.Value())
		op.Checklist = append([]string(nil), c.checklist...)
	}
	return ConfirmedMsg{ID: c.ID, Op: op, deliberate: true}
}

// ticketKey handles a key while the ticket field has the focus.
func (c *Confirm) ticketKey(msg tea.KeyPressMsg) {
	switch msg.String() {
	case "enter", "tab", "shift+tab":
		c.ticket.Blur()
		if c.Plan.Phrase != "" {
			c.in.Focus()
		}
		if c.Reticket != nil {
			if p, ok := c.Reticket(&c.Op, strings.TrimSpace(c.ticket.Value())); ok {
				c.Plan = p
			}
		}
	default:
		c.ticket.Update(msg)
	}
	c.note = ""
}

type armMsg struct{ id int }

// NewConfirm returns the dialog on the wall clock and the command that
// redraws it once armed.
func NewConfirm(id int, op Op, p Plan) (*Confirm, tea.Cmd) {
	return NewConfirmClock(id, op, p, nil)
}

// NewConfirmClock is NewConfirm measuring ArmDelay with clock (nil:
// time.Now). The tick it returns only redraws: whether the dialog is armed
// is always read from the clock.
func NewConfirmClock(id int, op Op, p Plan, clock func() time.Time) (*Confirm, tea.Cmd) {
	if clock == nil {
		clock = time.Now
	}
	c := &Confirm{ID: id, Op: op, Plan: p, clock: clock, opened: clock()}
	c.in = input.Model{Prompt: "> ", NoPaste: true, Limit: 64}
	if p.Phrase != "" {
		c.in.Focus()
	}
	return c, tea.Tick(ArmDelay, func(time.Time) tea.Msg { return armMsg{id: id} })
}

// Armed reports whether the confirm key is accepted yet: the dialog has
// been open for ArmDelay.
func (c *Confirm) Armed() bool { return c.clock().Sub(c.opened) >= ArmDelay }

// phraseOK reports the typed phrase matches (true when none is asked).
func (c *Confirm) phraseOK() bool {
	return c.Plan.Phrase == "" || strings.TrimSpace(c.in.Value()) == c.Plan.Phrase
}

// SetSize records the height available (for scrolling long plans).
func (c *Confirm) SetSize(w, h int) { c.w, c.h = w, h }

func (c *Confirm) maxOffset() int {
	n := len(c.Body(Styles{}, min(c.w, 76)-4)) + len(c.asked(Styles{}, min(c.w, 76)-4)) + 4 // + phrase lines
	return max(n-max(c.h-4, 1), 0)
}

// Update handles arming, the confirm key, typing and cancel.
func (c *Confirm) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	switch msg := msg.(type) {
	case armMsg:
		return nil, nil // a redraw: Armed reads the clock
	case tea.PasteMsg:
		if c.ticket.Focused() {
			c.ticket.Update(msg) // a ticket number may well be pasted
			return nil, nil
		}
		if c.Plan.Phrase != "" {
			c.note = "Pasting is not accepted here: type the phrase."
		}
		return nil, nil
	case tea.KeyPressMsg:
		if c.done {
			return nil, nil
		}
		s := msg.String()
		if s == ConfirmKey {
			return c.confirmKey(msg), nil
		}
		if s == "esc" || (c.Plan.Phrase == "" && !c.ticket.Focused() && (s == "n" || s == "q")) {
			c.done = true
			return CloseMsg{ID: c.ID}, nil
		}
		if s == ExpandKey {
			if c.cut() {
				c.expanded = !c.expanded
				c.offset = draw.Clamp(c.offset, 0, c.maxOffset())
			}
			return nil, nil
		}
		if c.ticket.Focused() {
			c.ticketKey(msg)
			return nil, nil
		}
		if c.askTicket && (s == "tab" || s == "shift+tab") {
			c.in.Blur()
			c.ticket.Focus()
			return nil, nil
		}
		if o, ok := scrollBy(msg, c.offset, max(c.h-8, 1)); ok && (c.Plan.Phrase == "" || s == "up" || s == "down" || s == "pgup" || s == "pgdown") {
			c.offset = draw.Clamp(o, 0, c.maxOffset())
			return nil, nil
		}
		if c.Plan.Phrase != "" {
			if s == "enter" {
				// The phrase enables ctrl+y; enter never runs anything.
				if c.phraseOK() {
					c.note = "Phrase matches: ctrl+y runs it."
				} else {
					c.note = fmt.Sprintf("Type exactly %q, then ctrl+y runs it; esc cancels.", c.Plan.Phrase)
				}
				return nil, nil
			}
			c.in.Update(msg)
			c.note = ""
			return nil, nil
		}
		if c.Options != nil {
			if p, ok := c.Options(&c.Op, s); ok {
				c.Plan = p
				return nil, nil
			}
		}
		if len(s) == 1 && s[0] >= '1' && s[0] <= '9' && int(s[0]-'1') < len(c.ticked) {
			i := int(s[0] - '1')
			c.ticked[i] = !c.ticked[i]
			c.note = ""
			return nil, nil
		}
		if s == "y" || s == "Y" || s == "enter" {
			c.note = typedNote
		}
	}
	return nil, nil
}

// confirmKey is ctrl+y: the answer, when the dialog is armed and has what
// it needs; otherwise a note saying what is missing.
func (c *Confirm) confirmKey(msg tea.KeyPressMsg) tea.Msg {
	if msg.IsRepeat {
		return nil // a held key is not a decision
	}
	if !c.Armed() {
		c.note = "Read the plan first: ctrl+y works in a moment."
		return nil
	}
	if c.ticket.Focused() {
		// Leave the field as enter would; what it changes in the plan (a
		// mail naming the ticket) is read before anything runs.
		c.ticketKey(tea.KeyPressMsg{Code: tea.KeyEnter})
		c.note = "Ticket recorded: read the plan again, then ctrl+y."
		return nil
	}
	if !c.phraseOK() {
		c.note = fmt.Sprintf("Type exactly %q first, then ctrl+y; esc cancels.", c.Plan.Phrase)
		return nil
	}
	if why := c.ready(); why != "" {
		c.note = why
		c.offset = c.maxOffset() // the note is last: show it
		if c.askTicket && c.ticketRequired && strings.TrimSpace(c.ticket.Value()) == "" {
			c.in.Blur()
			c.ticket.Focus()
		}
		return nil
	}
	return c.confirmed()
}

// cut reports a list of targets or skips longer than MaxListed (the
// dialog then offers ExpandKey).
func (c *Confirm) cut() bool {
	return len(c.Plan.Targets) > MaxListed+1 || len(c.Plan.Skips) > MaxListed+1
}

// Body is the plan as lines (exported for tests).
func (c *Confirm) Body(st Styles, w int) []string {
	p := c.Plan
	var b []string
	section := func(s string) { b = append(b, st.Section.Render(s)) }
	item := func(style func(...string) string, s string) {
		for i, l := range draw.Wrap(s, w-4) {
			pre := "  "
			if i > 0 {
				pre = "    "
			}
			b = append(b, pre+style(l))
		}
	}
	if len(p.Targets) == 1 {
		section("Target")
	} else {
		section(fmt.Sprintf("Targets (%d)", len(p.Targets)))
	}
	for i, u := range p.Targets {
		if i == MaxListed && len(p.Targets) > MaxListed+1 && !c.expanded {
			item(st.Muted.Render, fmt.Sprintf("… and %d more (%s lists them)", len(p.Targets)-MaxListed, ExpandKey))
			break
		}
		item(st.Text.Render, UserLabel(u))
	}
	if len(p.Ops) > 0 {
		if len(p.Targets) > 1 {
			section("For each user, in this order")
		} else {
			section("Operations, in this order")
		}
		for i, o := range p.Ops {
			item(st.Text.Render, fmt.Sprintf("%d. %s", i+1, o))
		}
	}
	if len(p.Preview) > 0 {
		section(p.PreviewTitle)
		for _, l := range p.Preview {
			if l == "" {
				b = append(b, "")
				continue
			}
			item(st.Muted.Render, l)
		}
	}
	if len(p.Keeps) > 0 {
		section("Stays")
		item(st.Muted.Render, strings.Join(p.Keeps, ", "))
	}
	if len(p.Skips) > 0 {
		section(fmt.Sprintf("Skipped (%d): not touched", len(p.Skips)))
		for i, s := range p.Skips {
			if i == MaxListed && len(p.Skips) > MaxListed+1 && !c.expanded {
				item(st.Muted.Render, fmt.Sprintf("… and %d more (%s lists them)", len(p.Skips)-MaxListed, ExpandKey))
				break
			}
			item(st.Warn.Render, UserLabel(s.User)+": "+s.Why)
		}
	}
	if len(p.Warnings) > 0 {
		b = append(b, "")
	}
	for _, wn := range p.Warnings {
		for i, l := range draw.Wrap(wn, w-2) {
			pre := "! "
			if i > 0 {
				pre = "  "
			}
			b = append(b, st.Warn.Render(pre+l))
		}
	}
	return b
}

// asked is the ticket field and the checklist, as lines.
func (c *Confirm) asked(st Styles, w int) []string {
	if !c.askTicket {
		return nil
	}
	title := "Ticket or reason (recorded with the change)"
	if c.ticketRequired {
		title = "Ticket or reason (required, recorded with the change)"
	}
	b := []string{"", st.Section.Render(title), "  " + c.ticket.View(st.Input, w-2)}
	if len(c.checklist) > 0 {
		b = append(b, st.Section.Render("Verified the caller? Tick each (1-"+fmt.Sprint(len(c.checklist))+")"))
		for i, l := range c.checklist {
			box, style := "[ ]", st.Warn
			if c.ticked[i] {
				box, style = "[x]", st.OK
			}
			for j, wl := range draw.Wrap(l, w-10) {
				pre := fmt.Sprintf("  %s %d ", box, i+1)
				if j > 0 {
					pre = strings.Repeat(" ", 8)
				}
				b = append(b, style.Render(pre)+st.Text.Render(wl))
			}
		}
	}
	return b
}

// View draws the dialog.
func (c *Confirm) View(st Styles, w, h int) []string {
	bw := min(w, 76)
	inner := bw - 4
	body := append(c.Body(st, inner), c.asked(st, inner)...)
	// The typed phrase and any refusal note are pinned under the plan, so
	// a long target list never hides what must be typed or why not.
	var pinned []string
	if c.Plan.Phrase != "" {
		pinned = append(pinned, "", st.Warn.Render(fmt.Sprintf("Type %q, then ctrl+y to run:", c.Plan.Phrase)),
			c.in.View(st.Input, inner))
	}
	var keys []KeyHelp
	switch {
	case c.ticket.Focused():
		keys = []KeyHelp{{"enter", "done"}, {"esc", "cancel"}}
	case c.Plan.Phrase != "":
		keys = []KeyHelp{{"type", "the phrase"}, {ConfirmKey, "run"}, {"esc", "cancel"}}
		if c.askTicket {
			keys = append([]KeyHelp{{"tab", "ticket"}}, keys...)
		}
	default:
		keys = append(keys, c.OptionsHelp...)
		if c.askTicket {
			keys = append(keys, KeyHelp{"tab", "ticket"})
		}
		if len(c.checklist) > 0 {
			keys = append(keys, KeyHelp{fmt.Sprintf("1-%d", len(c.checklist)), "tick"})
		}
		keys = append(keys, KeyHelp{ConfirmKey, "run"}, KeyHelp{"esc", "cancel"})
	}
	if c.note != "" {
		pinned = append(pinned, st.Bad.Render(c.note))
	}
	foot := footer(st, keys, inner)
	if !c.Armed() {
		foot = st.Muted.Render(draw.Trunc("read the plan… (ctrl+y works in a moment)", inner))
	}
	out, _ := framePinned(st, true, c.Plan.Title, body, pinned, foot, c.offset, bw, h)
	return out
}
