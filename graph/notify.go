package graph

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"strings"
	"text/template"
	"time"
)

// The notification mail sent to a user (or their manager) after a reset, a
// "require re-register" or a Temporary Access Pass. Subject and body are Go
// templates from the profile (notify.subject / notify.body); the data they
// see is NotifyData, which has no field for a TAP value, so no template can
// put one in a mail.

// NotifyKind is what happened to the user.
type NotifyKind string

const (
	NotifyReset      NotifyKind = "reset"      // methods deleted
	NotifyReregister NotifyKind = "reregister" // methods deleted, sessions revoked: register again
	NotifyTAP        NotifyKind = "tap"        // a Temporary Access Pass was issued
	// NotifyMFAState: the user's per-user MFA state was changed (mailed
	// only when it changed: a user already in the state is skipped).
	NotifyMFAState NotifyKind = "mfa-state"
)

// ReregisterURL is where users register their sign-in methods.
const ReregisterURL = "https://aka.ms/mysecurityinfo"

// NotifyData is what a notification template can use:
//
//	{{.DisplayName}} {{.UPN}} {{.Kind}} {{.Action}} {{.Operator}} {{.Ticket}}
//	{{.When}} {{.Time}} {{.ReregisterURL}} {{.TAPExpires}} {{.TAPOneTime}}
type NotifyData struct {
	DisplayName string
	UPN         string
	Kind        NotifyKind
	// Action is one sentence saying what happened, filled in from Kind
	// when empty: "Your sign-in methods for multi-factor authentication were reset."
	Action string
	// Operator is who did it (a display name or UPN); "the helpdesk" when empty.
	Operator string
	// Ticket is the ticket number or reason given at confirmation.
	Ticket string
	// Time is when it happened; When is Time formatted for people
	// ("Mon 2 Mar 2026 14:05 UTC", in Location).
	Time time.Time
	When string
	// ReregisterURL is https://aka.ms/mysecurityinfo.
	ReregisterURL string
	// TAPExpires (for a TAP) is when the pass stops working, formatted like
	// When; TAPOneTime whether it works once. Never the pass itself.
	TAPExpires string
	TAPOneTime bool
}

// Notification is the profile's notification settings.
type Notification struct {
	// From is the sender mailbox; empty sends as the signed-in operator.
	From string
	// To overrides the recipients (e.g. the user's manager); empty means
	// the user's mail address, or their UPN when they have none.
	To []string
	// Subject and Body are templates; empty means DefaultNotifySubject and
	// DefaultNotifyBody (or DefaultNotifyHTMLBody when HTML).
	Subject string
	Body    string
	// Subjects are per-kind subject templates: the one for a mail's kind
	// wins over Subject, so a custom "Your MFA was reset" is not sent with
	// a Temporary Access Pass.
	Subjects map[NotifyKind]string
	// HTML sends an HTML body: values are HTML-escaped by html/template.
	HTML bool
	// Location formats When and TAPExpires (default UTC).
	Location *time.Location
}

// NotifyEvent is what BuildNotification is told about the change.
type NotifyEvent struct {
	User     User
	Kind     NotifyKind
	Operator string
	Ticket   string
	Time     time.Time // zero: now
	// TAP, for NotifyTAP: its lifetime and expiry are mentioned. Its value
	// is never read.
	TAP *TAP
}

// DefaultNotifySubject is the subject template used when none is configured.
const DefaultNotifySubject = `{{if eq .Kind "tap"}}A Temporary Access Pass was issued for your account` +
	`{{else if eq .Kind "reregister"}}Please register your sign-in methods again` +
	`{{else if eq .Kind "mfa-state"}}Your multi-factor authentication setting was changed` +
	`{{else}}Your sign-in methods were reset{{end}}`

// DefaultNotifyBody is the plain-text body template used when none is configured.
const DefaultNotifyBody = `Hello {{.DisplayName}},

{{.Action}}
This was done by {{.Operator}} on {{.When}}{{if .Ticket}} (ticket {{.Ticket}}){{end}}.
{{if eq .Kind "tap"}}
The helpdesk gives you the pass directly; it is never sent by mail. It works until {{.TAPExpires}}{{if .TAPOneTime}}, once{{end}}. Use it to sign in, then set up your sign-in methods at {{.ReregisterURL}}
{{else if eq .Kind "mfa-state"}}
If you are asked for a second sign-in method at your next sign-in and have none yet, you can set one up at {{.ReregisterURL}}
{{else}}
The next time you sign in you will be asked to set up your sign-in methods again. You can do it now at {{.ReregisterURL}}
{{end}}
If you did not ask for this, contact the helpdesk right away.
`

// DefaultNotifyHTMLBody is the HTML body template used when none is configured.
const DefaultNotifyHTMLBody = `<p>Hello {{.DisplayName}},</p>
<p>{{.Action}}<br>This was done by {{.Operator}} on {{.When}}{{if .Ticket}} (ticket {{.Ticket}}){{end}}.</p>
{{if eq .Kind "tap"}}<p>The helpdesk gives you the pass directly; it is never sent by mail. It works until {{.TAPExpires}}{{if .TAPOneTime}}, once{{end}}. Use it to sign in, then set up your sign-in methods at <a href="{{.ReregisterURL}}">{{.ReregisterURL}}</a>.</p>
{{else if eq .Kind "mfa-state"}}<p>If you are asked for a second sign-in method at your next sign-in and have none yet, you can set one up at <a href="{{.ReregisterURL}}">{{.ReregisterURL}}</a>.</p>
{{else}}<p>The next time you sign in you will be asked to set up your sign-in methods again. You can do it now at <a href="{{.ReregisterURL}}">{{.ReregisterURL}}</a>.</p>
{{end}}<p>If you did not ask for this, contact the helpdesk right away.</p>
`

func (k NotifyKind) action() string {
	switch k {
	case NotifyReset:
		return "Your sign-in methods for multi-factor authentication were reset."
	case NotifyReregister:
		return "Your sign-in methods for multi-factor authentication were removed and you were signed out everywhere, so that you can register them again."
	case NotifyTAP:
		return "A Temporary Access Pass was issued for your account."
	case NotifyMFAState:
		return "The multi-factor authentication requirement on your account (per-user MFA) was changed."
	}
	return ""
}

// BuildNotification renders the mail for ev with n's templates. Template
// errors name the template (subject or body) and say what is wrong.
func BuildNotification(n Notification, ev NotifyEvent) (Mail, error) {
	switch ev.Kind {
	case NotifyReset, NotifyReregister, NotifyTAP:
	case NotifyMFAState:
	default:
		return Mail{}, fmt.Errorf("notification: unknown kind %q (reset, reregister, tap or mfa-state)", ev.Kind)
	}
	to := n.To
	if len(to) == 0 {
		addr := strings.TrimSpace(ev.User.Mail)
		if addr == "" {
			addr = strings.TrimSpace(ev.User.UserPrincipalName)
		}
		if addr == "" {
			return Mail{}, errors.New("notification: the user has neither a mail address nor a UPN to send to")
		}
		to = []string{addr}
	}
	d := notifyData(n, ev)
	subject, err := render("subject", n.SubjectFor(ev.Kind), d, false)
	if err != nil {
		return Mail{}, err
	}
	// A subject is one line: a template with line breaks, or data with
	// controls, cannot add headers or lines.
	subject = strings.TrimSpace(CleanText(subject))
	if subject == "" {
		return Mail{}, errors.New("notification: the subject template produced an empty subject")
	}
	def := DefaultNotifyBody
	if n.HTML {
		def = DefaultNotifyHTMLBody
	}
	body, err := render("body", orDefault(n.Body, def), d, n.HTML)
	if err != nil {
		return Mail{}, err
	}
	return Mail{From: strings.TrimSpace(n.From), To: append([]string(nil), to...), Subject: subject, Body: body, HTML: n.HTML}, nil
}

// SubjectFor is the subject template for a mail of kind k: the per-kind
// subject, else the common one, else DefaultNotifySubject (which says
// what was done for each kind).
func (n Notification) SubjectFor(k NotifyKind) string {
	if s := n.Subjects[k]; strings.TrimSpace(s) != "" {
		return s
	}
	return orDefault(n.Subject, DefaultNotifySubject)
}

// NotifyKinds are the kinds of notification mail, for config validation.
var NotifyKinds = []NotifyKind{NotifyReset, NotifyReregister, NotifyTAP,
	NotifyMFAState}

// CheckNotifyTemplates parses and trial-renders subject and body (empty
// means the default), for config validation and `mfadesk doctor`.
func CheckNotifyTemplates(subject, body string, html bool) error {
	_, err := BuildNotification(Notification{Subject: subject, Body: body, HTML: html},
		NotifyEvent{User: User{DisplayName: "Test User", UserPrincipalName: "test@example.com"},
			Kind: NotifyTAP, Operator: "Helpdesk", Ticket: "T-1", TAP: &TAP{LifetimeMinutes: 60}})
	return err
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

func notifyData(n Notification, ev NotifyEvent) NotifyData {
	loc := n.Location
	if loc == nil {
		loc = time.UTC
	}
	at := ev.Time
	if at.IsZero() {
		at = time.Now()
	}
	at = at.In(loc)
	format := func(t time.Time) string { return t.In(loc).Format("Mon 2 Jan 2006 15:04 MST") }
	// Every value is cleaned: directory text may carry escape sequences
	// that a mail client in a terminal, or a ticket system, would act on.
	d := NotifyData{
		DisplayName:   CleanText(orDefault(ev.User.DisplayName, ev.User.UserPrincipalName)),
		UPN:           CleanText(ev.User.UserPrincipalName),
		Kind:          ev.Kind,
		Action:        ev.Kind.action(),
		Operator:      CleanText(orDefault(ev.Operator, "the helpdesk")),
		Ticket:        CleanText(strings.TrimSpace(ev.Ticket)),
		Time:          at,
		When:          format(at),
		ReregisterURL: ReregisterURL,
	}
	if ev.TAP != nil {
		exp := ev.TAP.Expires()
		if ev.TAP.Start.IsZero() && ev.TAP.Created.IsZero() {
			exp = at.Add(time.Duration(ev.TAP.LifetimeMinutes) * time.Minute)
		}
		d.TAPExpires = format(exp)
		d.TAPOneTime = ev.TAP.IsUsableOnce
	}
	return d
}

// Limits on notification templates (README, "Many users from a CSV"): a
// subject is one line, a body a page or two. The rendered mail is bounded
// too, since a template can loop ({{range 1000000000}}).
const (
	MaxNotifySubject = 1 << 10
	MaxNotifyBody    = 64 << 10
	MaxNotifyMail    = 256 << 10
)

// errMailTooLarge stops a template whose output passes MaxNotifyMail.
var errMailTooLarge = fmt.Errorf("the rendered mail is larger than %d KB", MaxNotifyMail>>10)

// capWriter fails once more than max bytes are written.
type capWriter struct {
	buf bytes.Buffer
	max int
}

func (w *capWriter) Write(p []byte) (int, error) {
	if w.buf.Len()+len(p) > w.max {
		return 0, errMailTooLarge
	}
	return w.buf.Write(p)
}

// render executes one template. HTML bodies use html/template, so every
// value is escaped for where it lands (text, attribute, URL).
func render(name, src string, d NotifyData, html bool) (string, error) {
	limit := MaxNotifyBody
	if name == "subject" {
		limit = MaxNotifySubject
	}
	if len(src) > limit {
		return "", templateErr(name, fmt.Errorf("the template is %d bytes; the limit is %d KB", len(src), limit>>10))
	}
	buf := &capWriter{max: MaxNotifyMail}
	if html {
		t, err := htmltemplate.New(name).Option("missingkey=error").Parse(src)
		if err != nil {
			return "", templateErr(name, err)
		}
		if err := t.Execute(buf, d); err != nil {
			return "", templateErr(name, err)
		}
		return buf.buf.String(), nil
	}
	t, err := template.New(name).Option("missingkey=error").Parse(src)
	if err != nil {
		return "", templateErr(name, err)
	}
	if err := t.Execute(buf, d); err != nil {
		return "", templateErr(name, err)
	}
	return buf.buf.String(), nil
}

func templateErr(name string, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "can't evaluate field") {
		msg += " (available: .DisplayName .UPN .Kind .Action .Operator .Ticket .When .Time .ReregisterURL .TAPExpires .TAPOneTime)"
	}
	return fmt.Errorf("notification %s template (notify.%s in config): %s", name, name, msg)
}
