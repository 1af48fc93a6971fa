package tui

// tenants.go: T switches the config profile (a tenant, for an MSP: one
// profile per customer) without leaving the app, as CIPP's tenant
// selector. The console is built on one session (client, guard, history,
// journal directory), so switching ends this console cleanly and the
// command line starts a new one on the chosen profile (Run returns a
// SwitchProfile); nothing in flight is carried over.

import (
	"fmt"
	"strconv"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/tui/actions"
)

// ProfileChoice is one config profile the picker offers.
type ProfileChoice struct {
	Name   string
	Tenant string
	// ReadOnly: the profile allows no change (shown in the picker).
	ReadOnly bool
}

// SwitchProfile is Run's answer when the technician chose another
// profile: the caller starts the console again on it.
type SwitchProfile struct{ Profile string }

func (s *SwitchProfile) Error() string { return "switch to profile " + s.Profile }

// ProfileName is what the command line asks of it (cli does not import
// the console).
func (s *SwitchProfile) ProfileName() string { return s.Profile }

// The first nine profiles have a digit key; the rest are chosen with the
// arrows and enter (letters typed into the picker do nothing: a name
// typed with the focus in the wrong place never switches tenants).

func (m Model) openTenants(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if len(m.opts.Profiles) < 2 {
		return m, m.setFlash("No other profile to switch to: add one per tenant to the config file (mfadesk config init --profile NAME).", true)
	}
	if m.bulk != nil && m.bulk.Running() {
		return m, m.setFlash("A bulk run is in progress: switch tenants when it has ended (B shows it).", true)
	}
	menu := &actions.Menu{Title: "Switch tenant (config profile)",
		Intro: []string{"The console starts again on the profile chosen: its tenant, sign-in, read-only setting and protected accounts."}}
	for i, p := range m.opts.Profiles {
		label := p.Name
		if p.Tenant != "" && p.Tenant != p.Name {
			label += " — " + p.Tenant
		}
		if p.ReadOnly {
			label += " (read-only)"
		}
		menu.Items = append(menu.Items, actions.MenuItem{Key: strconv.Itoa(i + 1), Label: label, Current: p.Name == m.opts.Profile})
	}
	menu.Start()
	id := m.newID()
	menu.ID = id
	m.setModal(id, menu, answers{chosen: func(m Model, v string) (tea.Model, tea.Cmd) {
		m.closeModal()
		i, err := strconv.Atoi(v)
		if err != nil || i < 1 || i > len(m.opts.Profiles) {
			return m, nil
		}
		p := m.opts.Profiles[i-1]
		if p.Name == m.opts.Profile {
			return m, m.setFlash(fmt.Sprintf("Already on %s.", p.Name), false)
		}
		m.switchTo = p.Name
		m.shutdown()
		return m, tea.Quit
	}})
	return m, nil
}
