package ops

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
)

// The plans of the method operations (set-default, add-phone, add-email,
// delete-method), written from the user's methods and shared by the
// command line and the console: the same refusals (those Graph documents,
// checked before anything is sent) and the same words. An error is a
// refusal: nothing is sent.

// ResolveDefault reads a set-default METHOD argument against the user's
// methods: a method id, or a preference value as Graph spells it (push,
// oath, sms, voiceMobile, voiceAlternateMobile, voiceOffice; voice is a
// call to the mobile). pref is "" for an id (the method's own value).
func ResolveDefault(ms []graph.Method, arg string) (m graph.Method, pref string, err error) {
	arg = strings.TrimSpace(arg)
	for _, x := range ms {
		if strings.EqualFold(x.ID, arg) {
			return x, "", nil
		}
	}
	p, ok := graph.ParsePreference(arg)
	if !ok {
		return graph.Method{}, "", fmt.Errorf("%q is neither a method id of this user nor a default Graph knows "+
			"(push, oath, sms, voiceMobile, voiceAlternateMobile, voiceOffice)", graph.CleanText(arg))
	}
	m, ok = graph.MethodForPreference(ms, p)
	if !ok {
		return graph.Method{}, "", fmt.Errorf("the user has no method for %s: register it first", graph.PreferenceWords(p))
	}
	return m, p, nil
}

// PlanSetDefault is the plan to make m the default with pref ("": m's
// own value). current is the user's preference value now ("" unknown);
// systemPreferred says system-preferred MFA is on for the user. It
// returns the value to send.
func PlanSetDefault(m graph.Method, pref, current string, systemPreferred bool) (Plan, string, error) {
	if why := graph.DefaultRefusal(m); why != "" {
		return Plan{}, "", errors.New(why)
	}
	allowed := graph.Preferences(m)
	if pref == "" {
		pref = allowed[0]
	}
	ok := false
	for _, a := range allowed {
		ok = ok || a == pref
	}
	if !ok {
		return Plan{}, "", fmt.Errorf("%s cannot be the default as %s: it can be %s", MethodLabel(m),
			graph.PreferenceWords(pref), graph.OrList(allowed))
	}
	if strings.EqualFold(current, pref) || (current == "" && m.IsDefault && len(allowed) == 1) {
		return Plan{}, "", fmt.Errorf("%s is already the default method", MethodLabel(m))
	}
	p := Plan{
		Steps: []string{"make " + MethodLabel(m) + " the default method: Entra asks for " + graph.PreferenceWords(pref)},
		Keeps: []string{"every method (the previous default stays registered)"},
	}
	if systemPreferred {
		p.Warnings = append(p.Warnings, "System-preferred MFA is on for this user: Entra prompts for the strongest "+
			"registered method and ignores the default, except through the NPS extension or the AD FS adapter.")
	}
	return p, pref, nil
}

// PlanPhone is the plan to give the user a phone of type t with number:
// added, or replacing the number of their phone of that type (returned).
// number is shown in full: the technician typed it.
func PlanPhone(ms []graph.Method, t graph.PhoneType, number string) (Plan, graph.Method, error) {
	if _, err := graph.ParsePhoneType(string(t)); err != nil {
		return Plan{}, graph.Method{}, err
	}
	if err := graph.CheckPhoneNumber(number); err != nil {
		return Plan{}, graph.Method{}, err
	}
	if why := graph.PhoneRefusal(ms, t); why != "" {
		return Plan{}, graph.Method{}, errors.New(why)
	}
	old, replaces := graph.PhoneOf(ms, t)
	if replaces && old.PhoneNumber == number {
		return Plan{}, graph.Method{}, fmt.Errorf("the %s phone is %s already", t, number)
	}
	p := Plan{Keeps: []string{"every other method"}}
	if replaces {
		p.Steps = []string{fmt.Sprintf("set the %s phone to %s (replaces %s)", t, number, graph.MaskPhone(old.PhoneNumber))}
		if old.IsDefault {
			p.Keeps = append(p.Keeps, "the default method (this phone, with the new number)")
		}
	} else {
		p.Steps = []string{fmt.Sprintf("add %s %s phone %s: %s", article(string(t)), t, number, t.Describe())}
		old = graph.Method{}
	}
	switch t {
	case graph.PhoneOffice:
		p.Warnings = append(p.Warnings, "An office phone receives voice calls only, never SMS.")
	case graph.PhoneAlternateMobile:
		p.Warnings = append(p.Warnings, "An alternate mobile receives voice calls only; the mobile stays the main phone.")
	case graph.PhoneMobile:
		p.Warnings = append(p.Warnings, "If SMS sign-in is enabled for the user by policy, Graph also tries to register the number for it.")
	}
	p.Warnings = append(p.Warnings, "Graph does not check that the number reaches the user: read it back to them.")
	return p, old, nil
}

// PlanEmail is the plan to give the user the email method address: added,
// or replacing the address of the one they have (returned).
func PlanEmail(ms []graph.Method, address string) (Plan, graph.Method, error) {
	if err := graph.CheckEmailAddress(address); err != nil {
		return Plan{}, graph.Method{}, err
	}
	old, replaces := graph.EmailOf(ms)
	if replaces && strings.EqualFold(old.Email, address) {
		return Plan{}, graph.Method{}, fmt.Errorf("the email method is %s already", graph.CleanText(address))
	}
	p := Plan{Keeps: []string{"every other method"},
		Warnings: []string{"Email is a self-service password reset method only: it does not satisfy MFA."}}
	if replaces {
		p.Steps = []string{fmt.Sprintf("set the email method to %s (replaces %s)", address, graph.CleanText(old.Email))}
	} else {
		p.Steps = []string{"add the email method " + address + " (self-service password reset)"}
		old = graph.Method{}
	}
	return p, old, nil
}

// PlanDelete is the plan to delete m from a user with methods ms, refused
// as Graph refuses it (graph.DeleteRefusal).
func PlanDelete(ms []graph.Method, m graph.Method) (Plan, error) {
	if why := graph.DeleteRefusal(ms, m); why != "" {
		return Plan{}, errors.New(why)
	}
	p := Plan{Steps: []string{"delete " + MethodLabel(m)}}
	if m.Kind == graph.KindWindowsHello {
		p.Warnings = append(p.Warnings, "Deleting Windows Hello needs an MFA claim in your own sign-in.")
	}
	return p, nil
}

// PhoneDone is a phone change's result line, the number masked as every
// number mfadesk prints.
func PhoneDone(c graph.SetPhone) string {
	if c.Replaces.ID != "" {
		return fmt.Sprintf("%s phone is now %s (was %s)", c.Type, graph.MaskPhone(c.Number), graph.MaskPhone(c.Replaces.PhoneNumber))
	}
	return fmt.Sprintf("%s phone %s added", c.Type, graph.MaskPhone(c.Number))
}

// EmailDone is an email change's result line.
func EmailDone(c graph.SetEmail) string {
	if c.Replaces.ID != "" {
		return "email method is now " + graph.CleanText(c.Address) + " (was " + graph.CleanText(c.Replaces.Email) + ")"
	}
	return "email method " + graph.CleanText(c.Address) + " added"
}

func article(w string) string {
	if w != "" && strings.ContainsRune("aeiouAEIOU", rune(w[0])) {
		return "an"
	}
	return "a"
}
