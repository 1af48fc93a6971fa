package actions

import (
	"context"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
)

// DefaultSubject and DefaultBody are the notification sent after a reset
// when no template is configured. {name} is replaced by the user's display
// name.
const (
	DefaultSubject = "Your sign-in methods were reset"
	DefaultBody    = `Hello {name},

The IT helpdesk has reset your multi-factor authentication methods, as you asked.
At your next sign-in you will be asked to set them up again; you can also do it now at https://aka.ms/mysecurityinfo.
If you did not ask for this, contact the helpdesk at once.`
)

// NotifyMail fills the template for u. The address is the user's mail, or
// their UPN when they have none.
func NotifyMail(u graph.User, from, subject, body string) graph.Mail {
	if subject == "" {
		subject = DefaultSubject
	}
	if body == "" {
		body = DefaultBody
	}
	to := u.Mail
	if to == "" {
		to = u.UserPrincipalName
	}
	name := graph.CleanText(u.DisplayName)
	return graph.Mail{From: from, To: []string{to}, Subject: subject,
		Body: strings.ReplaceAll(body, "{name}", name)}
}

func execNotify(ctx context.Context, c graph.Client, u graph.User, op Op) (Result, error) {
	m := op.Mail
	if len(m.To) == 0 {
		m = NotifyMail(u, op.Mail.From, op.Mail.Subject, op.Mail.Body)
	}
	if err := c.SendMail(ctx, m); err != nil {
		return Result{}, err
	}
	return Result{Detail: "mail sent to " + strings.Join(m.To, ", ")}, nil
}
