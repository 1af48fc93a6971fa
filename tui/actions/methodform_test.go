package actions

import (
	"errors"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
)

var formMethods = []graph.Method{
	{ID: graph.PasswordMethodID, Kind: graph.KindPassword},
	{ID: "3179e48a-750b-4051-897c-87b9720928f7", Kind: graph.KindPhone, PhoneType: "mobile", PhoneNumber: "+1 XXXXXXX890", Detail: "mobile +1 XXXXXXX890", IsDefault: true},
}

// The form: what each choice is for and what it replaces; enter asks the
// check and answers only when it passes; esc closes.
func TestGoldenMethodForm(t *testing.T) {
	f := NewMethodForm(1, "Add a method: Alice Wong", formMethods)
	checked := 0
	f.Check = func(c FormChoice) error {
		checked++
		_, _, err := ops.PlanPhone(formMethods, graph.PhoneType(c.Type), c.Value)
		return err
	}
	for _, r := range "+1 206-555" {
		f.Update(keyPress(string(r)))
	}
	if ans, _ := f.Update(keyPress("enter")); ans != nil || checked != 1 {
		t.Fatalf("a malformed number went through: %v", ans)
	}
	golden.RequireEqual(t, strings.Join(f.View(plain, 76, 30), "\n"))
}

func TestMethodFormAnswers(t *testing.T) {
	f := NewMethodForm(7, "Add", formMethods)
	f.Check = func(c FormChoice) error {
		if c.Value == "" {
			return errors.New("empty")
		}
		return nil
	}
	f.Update(keyPress("down"))
	for _, r := range "+1 2065550123" {
		if ans, _ := f.Update(keyPress(string(r))); ans != nil {
			t.Fatalf("typing %q answered %v", r, ans)
		}
	}
	ans, _ := f.Update(keyPress("enter"))
	fm, ok := ans.(FormMsg)
	if !ok || fm.ID != 7 || fm.Choice != (FormChoice{Type: "alternateMobile", Value: "+1 2065550123"}) {
		t.Fatalf("answer %#v", ans)
	}
	if ans, _ := NewMethodForm(8, "Add", nil).Update(keyPress("esc")); ans != (CloseMsg{ID: 8}) {
		t.Fatalf("esc: %#v", ans)
	}
}

// The plan of a replaced phone: the typed number in full, the old one masked.
func TestGoldenConfirmAddPhone(t *testing.T) {
	pl, old, err := ops.PlanPhone(formMethods, graph.PhoneMobile, "+1 2065550123")
	if err != nil || old.ID == "" {
		t.Fatal(err)
	}
	p := Plan{Title: "Add or replace phone", Targets: users(1), Ops: pl.Steps, Keeps: pl.Keeps, Warnings: pl.Warnings}
	c, _ := NewConfirm(1, Op{Kind: AddPhone, PhoneType: graph.PhoneMobile, Number: "+1 2065550123", Replaces: old}, p)
	armed(c)
	c.SetSize(76, 30)
	view := strings.Join(c.View(plain, 76, 30), "\n")
	if !strings.Contains(view, "+1 2065550123 (replaces +1 XXXXXXX890)") {
		t.Fatalf("plan:\n%s", view)
	}
	golden.RequireEqual(t, view)
}
