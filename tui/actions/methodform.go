package actions

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
	"github.com/mfadesk/mfadesk/tui/internal/input"
)

// MethodForm asks what to add for a user who lost their device: a phone
// (mobile, alternate mobile, office) and its number, or the email method's
// address. Enter only checks what was typed and asks for the plan (a
// FormMsg): the change itself is confirmed in the plan that follows, with
// ctrl+y after its arm delay, never here. Everything typed stays in the
// form's field.
type MethodForm struct {
	ID    int
	Title string
	// Check says what is wrong with a choice (nil: the plan can be shown),
	// before the form lets it go: the number's format, an alternate
	// mobile without a mobile, the same address again.
	Check func(choice FormChoice) error

	choice int
	in     input.Model
	err    string
	// current are the user's methods of each choice, for the hint line
	// ("replaces +1 XXXXXXX890"); "" none.
	current map[string]string
}

// FormChoices are what the form offers, in order: Graph's phone types,
// then the email method.
var FormChoices = []string{string(graph.PhoneMobile), string(graph.PhoneAlternateMobile), string(graph.PhoneOffice), "email"}

// FormChoice is the form's answer: a phone type or "email", and the
// number or address as typed.
type FormChoice struct {
	Type, Value string
}

// IsEmail reports the email method was chosen.
func (c FormChoice) IsEmail() bool { return c.Type == "email" }

// FormMsg is the form's answer: the technician asked for the plan of
// Choice (nothing has changed yet).
type FormMsg struct {
	ID     int
	Choice FormChoice
}

// NewMethodForm opens the form for a user with methods ms (their current
// phones and email are named beside each choice).
func NewMethodForm(id int, title string, ms []graph.Method) *MethodForm {
	f := &MethodForm{ID: id, Title: title, current: map[string]string{}}
	for _, t := range graph.PhoneTypes {
		if p, ok := graph.PhoneOf(ms, t); ok {
			f.current[string(t)] = graph.MaskPhone(p.PhoneNumber)
		}
	}
	if e, ok := graph.EmailOf(ms); ok {
		f.current["email"] = graph.CleanText(e.Email)
	}
	f.in = input.Model{Prompt: "number: ", Limit: graph.MaxPhoneLen, Placeholder: "+1 2065550123"}
	f.in.Focus()
	return f
}

// Choice is what the form holds now.
func (f *MethodForm) Choice() FormChoice {
	return FormChoice{Type: FormChoices[f.choice], Value: f.in.Value()}
}

func (f *MethodForm) setChoice(i int) {
	f.choice = (i + len(FormChoices)) % len(FormChoices)
	f.err = ""
	if FormChoices[f.choice] == "email" {
		f.in.Prompt, f.in.Limit, f.in.Placeholder = "address: ", graph.MaxEmailLen, "name@example.com"
	} else {
		f.in.Prompt, f.in.Limit, f.in.Placeholder = "number: ", graph.MaxPhoneLen, "+1 2065550123"
	}
	if len([]rune(f.in.Value())) > f.in.Limit {
		f.in.SetValue(string([]rune(f.in.Value())[:f.in.Limit]))
	}
}

// Update: ↑/↓ and tab choose the type (keys that type nothing), text goes
// to the field, enter asks for the plan, esc closes.
func (f *MethodForm) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "esc":
			return CloseMsg{ID: f.ID}, nil
		case "up", "shift+tab":
			f.setChoice(f.choice - 1)
			return nil, nil
		case "down", "tab":
			f.setChoice(f.choice + 1)
			return nil, nil
		case "enter":
			c := f.Choice()
			if f.Check != nil {
				if err := f.Check(c); err != nil {
					f.err = err.Error()
					return nil, nil
				}
			}
			return FormMsg{ID: f.ID, Choice: c}, nil
		}
	}
	if f.in.Update(msg) {
		f.err = ""
	}
	return nil, nil
}

// View draws the form.
func (f *MethodForm) View(st Styles, w, h int) []string {
	bw := min(w, 76)
	inner := bw - 4
	body := []string{st.Section.Render("Add or replace")}
	for i, c := range FormChoices {
		mark, style := "  ", st.Text
		if i == f.choice {
			mark, style = "> ", st.Cursor
		}
		words := "email · self-service password reset only"
		if c != "email" {
			words = c + " · " + graph.PhoneType(c).Describe()
		}
		if cur := f.current[c]; cur != "" {
			words += "; replaces " + cur
		}
		for j, l := range draw.Wrap(words, inner-2) {
			pre := mark
			if j > 0 {
				pre = "  "
			}
			b := pre + l
			if i == f.choice {
				b = style.Render(draw.Fit(b, inner))
			} else {
				b = style.Render(b)
			}
			body = append(body, b)
		}
	}
	body = append(body, "", f.in.View(st.Input, inner))
	if FormChoices[f.choice] != "email" {
		body = append(body, draw.Wrap("Format: "+graph.PhoneFormatHelp+".", inner)...)
	}
	if f.err != "" {
		// The format is shown above: the error need not repeat it.
		msg, _, _ := strings.Cut(f.err, ": write it as ")
		body = append(body, "")
		for _, l := range draw.Wrap(msg, inner) {
			body = append(body, st.Bad.Render(l))
		}
	}
	out, _ := frame(st, false, f.Title, body, footer(st, []KeyHelp{{"↑↓", "type"}, {"enter", "show the plan"}, {"esc", "cancel"}}, inner), 0, bw, h)
	return out
}
