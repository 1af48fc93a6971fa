package ops

import (
	"fmt"
	"strings"
	"time"

	"github.com/mfadesk/mfadesk/graph"
)

// The plan of a reset and of a re-registration in words: one function, so
// the command line and the console print the same steps in the same order
// (graph.PlanReset decides them; this only says them).

// ResetSpec says which of the two resets a plan is for.
type ResetSpec struct {
	// Reregister: the portal's "Require re-register MFA" (keeps
	// graph.ReregisterKeep, then revokes the sessions).
	Reregister bool
	// Keep lists the kinds a reset leaves in place (ignored for a
	// re-registration, which keeps graph.ReregisterKeep).
	Keep []graph.MethodKind
	// TAP is the pass a re-registration issues afterwards (nil: none).
	TAP *graph.TAPRequest
}

// KeepKinds is what spec leaves in place.
func (s ResetSpec) KeepKinds() []graph.MethodKind {
	if s.Reregister {
		return graph.ReregisterKeep
	}
	return s.Keep
}

// ResetPlanText is the plan of spec in words. With the user's methods
// (methods != nil) it is that user's plan: the default moved if it must
// be, each delete in graph.PlanReset's order, the revoke and the pass, and
// every method that stays with why. Without them (not listed yet, or many
// users at once) it says the same in general.
func ResetPlanText(methods []graph.Method, spec ResetSpec) Plan {
	if methods == nil {
		return resetPlanWords(nil, spec)
	}
	plan := graph.PlanReset(methods, graph.ResetOptions{Keep: spec.KeepKinds()})
	return resetPlanWords(&plan, spec)
}

// ResetPlanOf is ResetPlanText for a plan already made (the command line
// plans every user before it prints).
func ResetPlanOf(plan graph.ResetPlan, spec ResetSpec) Plan { return resetPlanWords(&plan, spec) }

// ResetWarning is what a reset (or a re-registration) means for the user,
// the last of its plan's warnings: a front end listing many plans may say
// it once.
func ResetWarning(spec ResetSpec) string {
	if spec.Reregister {
		return "Every device signs out and asks to register again."
	}
	return "The user must register MFA again at the next sign-in (offer a TAP after)."
}

func resetPlanWords(plan *graph.ResetPlan, spec ResetSpec) Plan {
	var p Plan
	if plan == nil {
		p = resetInGeneral(spec)
	} else {
		switch {
		case plan.Blocked != "":
			p.Steps = append(p.Steps, "nothing: refused before any change (see below)")
			p.Warnings = append(p.Warnings, "Refused: "+plan.Blocked+".")
		default:
			if to := plan.MoveDefaultTo; to != nil {
				p.Steps = append(p.Steps, "make "+MethodLabel(*to)+
					" the default method (Graph refuses to delete the default while other methods stay)")
			}
			for _, m := range plan.Delete {
				s := "delete " + MethodLabel(m)
				if m.IsDefault {
					s += " (the default method: goes last)"
				}
				p.Steps = append(p.Steps, s)
			}
			if len(plan.Delete) == 0 {
				p.Steps = append(p.Steps, "nothing to delete: only the password (and kept kinds) registered")
			}
		}
		for _, k := range plan.Keep {
			p.Keeps = append(p.Keeps, MethodLabel(k.Method)+" · "+graph.CleanText(k.Reason))
		}
	}
	if spec.Reregister && (plan == nil || plan.Blocked == "") {
		p.Steps = append(p.Steps, revokeStep)
		if spec.TAP != nil {
			p.Steps = append(p.Steps, "issue a Temporary Access Pass ("+TAPText(*spec.TAP)+") and show it once")
		}
	}
	p.Warnings = append(p.Warnings, ResetWarning(spec))
	return p
}

const revokeStep = "revoke all sign-in sessions: the user signs in again everywhere"

// resetInGeneral is the plan for users whose methods are not listed.
func resetInGeneral(spec ResetSpec) Plan {
	var p Plan
	kept := kindLabels(spec.KeepKinds())
	except := "the password"
	if len(kept) > 0 {
		except += " and " + strings.Join(kept, ", ")
	}
	if spec.Reregister {
		p.Steps = []string{"list the user's methods, then delete every one except " + except +
			" (as the portal's \"Require re-register MFA\"), alternate phone before mobile and the default method last"}
	} else {
		p.Steps = []string{"list the user's methods, then delete every one except " + except +
			", alternate phone before mobile and the default method last"}
	}
	p.Keeps = []string{strings.Join(append([]string{"Password"}, kept...), ", ")}
	return p
}

func kindLabels(ks []graph.MethodKind) []string {
	var out []string
	for _, k := range ks {
		out = append(out, graph.MethodTitle(graph.Method{Kind: k}))
	}
	return out
}

// TAPText describes a pass to be issued: "valid 1 hour from now, one
// sign-in only".
func TAPText(r graph.TAPRequest) string {
	s := "valid " + MinutesText(r.LifetimeMinutes)
	if r.LifetimeMinutes == 0 {
		s = "valid for the TAP policy's default lifetime"
	}
	if r.Start.IsZero() {
		s += " from now"
	} else {
		s += " from " + r.Start.Local().Format("2006-01-02 15:04")
	}
	switch {
	case r.DefaultUse:
		s += ", one-time or reusable as the TAP policy says"
	case r.IsUsableOnce:
		s += ", one sign-in only"
	default:
		s += ", reusable within its lifetime"
	}
	return s
}

// MinutesText is a lifetime in words: "1 hour", "8 days", "90 minutes".
func MinutesText(m int) string {
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case m%(24*60) == 0:
		return plural(m/(24*60), "day")
	case m%60 == 0:
		return plural(m/60, "hour")
	}
	return plural(m, "minute")
}

// MethodSummary describes one method in a line without anything that
// depends on the clock: device and app version, masked phone number, key
// model, a pass's expiry as a date. Plans and results name methods with it.
func MethodSummary(m graph.Method) string {
	var parts []string
	add := func(s string) {
		if s = strings.TrimSpace(graph.CleanText(s)); s != "" {
			parts = append(parts, s)
		}
	}
	switch m.Kind {
	case graph.KindAuthenticator:
		add(firstOf(m.Device, m.DisplayName, m.Detail))
		if m.AppVersion != "" {
			add("app " + m.AppVersion)
		}
	case graph.KindPhone:
		add(m.PhoneType)
		add(m.PhoneNumber)
		if len(parts) == 0 {
			add(m.Detail)
		}
	case graph.KindFIDO2:
		add(firstOf(m.Model, m.DisplayName, m.Detail))
	case graph.KindEmail:
		add(firstOf(m.Email, m.Detail))
	case graph.KindTAP:
		start := m.TAPStart
		if start.IsZero() {
			start = m.Created
		}
		if m.LifetimeMinutes > 0 && !start.IsZero() {
			add("expires " + start.Add(time.Duration(m.LifetimeMinutes)*time.Minute).UTC().Format("Jan 2 15:04 MST"))
		}
		if m.IsUsableOnce {
			add("one-time")
		}
		if len(parts) == 0 {
			add(m.Detail)
		}
	case graph.KindWindowsHello, graph.KindPlatformCredential:
		add(firstOf(m.Device, m.DisplayName, m.Detail))
	case graph.KindPassword:
		add(m.Detail)
		if len(parts) == 1 && strings.EqualFold(parts[0], "password") {
			parts = nil
		}
	default:
		add(firstOf(m.Detail, m.DisplayName))
	}
	return strings.Join(parts, " · ")
}
