// Command mfadesk: find a user, see why they can't sign in, reset their MFA.
// main wires the command line (cli) to the full-screen app (tui); cli
// builds the session (config -> sign-in -> Graph client) for both.
package main

import (
	"context"
	"os"

	"github.com/mfadesk/mfadesk/cli"
	"github.com/mfadesk/mfadesk/tui"
)

func main() {
	ctx, stop := cli.SignalContext(context.Background())
	code := cli.Main(ctx, os.Args[1:], runTUI)
	stop()
	os.Exit(code)
}

// runTUI starts the app on the session the flags and profile describe.
func runTUI(ctx context.Context, s *cli.Session) error {
	// The app owns the terminal: Graph's 429s light its indicator instead
	// of the commands' stderr note.
	th := tui.NewThrottleSignal()
	s.ThrottleTo(th.Notify)
	// ...and a device code sign-in is drawn in it (code, URL, countdown)
	// instead of printed over it.
	si := tui.NewSignInSignal()
	s.SignInTo(si.Prompt, si.Done)
	o := tui.Options{
		Client:      s.Client,
		ReadOnly:    s.ReadOnly,
		ReadOnlyWhy: s.ReadOnlyWhy,
		Profile:     s.Profile,
		TenantName:  s.TenantName,
		Endpoint:    s.Endpoint,
		Throttle:    th,
		SignIn:      si,
		JournalDir:  s.JournalDir,
		Welcome:     s.Welcome,
		HistoryPath: s.HistoryPath,
		// Every change the app makes asks for a ticket (required when
		// configured) and, before a reset or TAP, the runbook's checklist.
		TicketRequired: s.RequireTicket,
	}
	for _, p := range s.Profiles {
		o.Profiles = append(o.Profiles, tui.ProfileChoice{Name: p.Name, Tenant: p.Tenant, ReadOnly: p.ReadOnly})
	}
	if s.NoColor {
		o.NoColor = &s.NoColor
	}
	if p := s.Prof; p != nil {
		o.KeepKinds = p.KeepOnReset
		o.BulkConfirmThreshold = p.Bulk.ConfirmThreshold
		o.BulkWorkers = p.Bulk.Concurrency
		o.SignInWindow = p.SignInWindow.Duration
		o.Protected = p.Protected.Users
		o.Checklist = p.VerificationChecklist
		if p.Notify.Enabled {
			t := p.Notify.Template()
			o.NotifyFrom, o.NotifySubject, o.NotifyBody, o.NotifySubjects = t.From, t.Subject, t.Body, t.Subjects
			o.NotifyToManager = p.Notify.ToManager
			o.NotifyEnabled = !p.ReadOnly
		}
	}
	return tui.Run(ctx, o)
}
