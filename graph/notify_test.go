package graph_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/graph/msgraph"
)

var notifyAt = time.Date(2026, 3, 2, 14, 5, 0, 0, time.UTC)

func TestBuildNotificationDefaults(t *testing.T) {
	user := graph.User{DisplayName: "Alice Smith", UserPrincipalName: "alice@contoso.com", Mail: "alice.smith@contoso.com"}
	tap := &graph.TAP{ID: "tap-id", Value: "SECRET-PASS-123", Start: notifyAt, LifetimeMinutes: 60, IsUsableOnce: true}
	tests := []struct {
		kind        graph.NotifyKind
		subject     string
		bodyHas     []string
		bodyHasNot  []string
		ticket, opr string
	}{
		{graph.NotifyReset, "Your sign-in methods were reset",
			[]string{"Hello Alice Smith,", "were reset.", "done by Tech One on Mon 2 Mar 2026 14:05 UTC (ticket INC-42)", "https://aka.ms/mysecurityinfo", "If you did not ask"},
			[]string{"Temporary Access Pass"}, "INC-42", "Tech One"},
		{graph.NotifyReregister, "Please register your sign-in methods again",
			[]string{"signed out everywhere", "done by the helpdesk on", "https://aka.ms/mysecurityinfo"},
			[]string{"(ticket"}, "", ""},
		{graph.NotifyTAP, "A Temporary Access Pass was issued for your account",
			[]string{"A Temporary Access Pass was issued", "never sent by mail", "works until Mon 2 Mar 2026 15:05 UTC, once", "https://aka.ms/mysecurityinfo"},
			[]string{"SECRET-PASS-123", "tap-id"}, "INC-7", "tech@contoso.com"},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			for _, html := range []bool{false, true} {
				m, err := graph.BuildNotification(graph.Notification{From: "helpdesk@contoso.com", HTML: html},
					graph.NotifyEvent{User: user, Kind: tt.kind, Operator: tt.opr, Ticket: tt.ticket, Time: notifyAt, TAP: tap})
				if err != nil {
					t.Fatal(err)
				}
				if m.Subject != tt.subject {
					t.Errorf("subject = %q, want %q", m.Subject, tt.subject)
				}
				if m.From != "helpdesk@contoso.com" || len(m.To) != 1 || m.To[0] != "alice.smith@contoso.com" || m.HTML != html {
					t.Errorf("mail header = %+v", m)
				}
				for _, s := range tt.bodyHas {
					if !strings.Contains(m.Body, s) {
						t.Errorf("html=%v body lacks %q:\n%s", html, s, m.Body)
					}
				}
				for _, s := range tt.bodyHasNot {
					if strings.Contains(m.Body, s) || strings.Contains(m.Subject, s) {
						t.Errorf("html=%v mail contains %q:\n%s", html, s, m.Body)
					}
				}
			}
		})
	}
}

func TestBuildNotificationTemplates(t *testing.T) {
	user := graph.User{DisplayName: "Bob", UserPrincipalName: "bob@contoso.com"}
	ev := graph.NotifyEvent{User: user, Kind: graph.NotifyReset, Operator: "Tech", Ticket: "T-9", Time: notifyAt}

	m, err := graph.BuildNotification(graph.Notification{
		Subject: "[{{.Ticket}}] MFA reset for {{.UPN}}",
		Body:    "{{.DisplayName}}: {{.Action}} by {{.Operator}} at {{.Time.Format \"15:04\"}}. Go to {{.ReregisterURL}}",
		To:      []string{"manager@contoso.com"},
	}, ev)
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "[T-9] MFA reset for bob@contoso.com" || m.To[0] != "manager@contoso.com" ||
		m.Body != "Bob: Your sign-in methods for multi-factor authentication were reset. by Tech at 14:05. Go to https://aka.ms/mysecurityinfo" {
		t.Errorf("mail = %+v", m)
	}

	errs := []struct {
		n    graph.Notification
		want []string
	}{
		{graph.Notification{Subject: "{{.Nope"}, []string{"notification subject template", "notify.subject"}},
		{graph.Notification{Body: "{{.TAP.Value}}"}, []string{"notification body template", "can't evaluate field TAP", "available: .DisplayName"}},
		{graph.Notification{Body: "{{.Value}}", HTML: true}, []string{"body template", "Value"}},
		{graph.Notification{Subject: "{{if .Ticket}}{{end}}"}, []string{"empty subject"}},
		{graph.Notification{Body: "{{template \"x\"}}"}, []string{"body template", "not defined"}},
	}
	for _, e := range errs {
		_, err := graph.BuildNotification(e.n, ev)
		if err == nil {
			t.Errorf("%+v: no error", e.n)
			continue
		}
		for _, w := range e.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: error %q lacks %q", e.n, err, w)
			}
		}
	}
	if err := graph.CheckNotifyTemplates("", "", false); err != nil {
		t.Errorf("default templates: %v", err)
	}
	if err := graph.CheckNotifyTemplates("", "", true); err != nil {
		t.Errorf("default HTML templates: %v", err)
	}
	if err := graph.CheckNotifyTemplates("{{.Bad}}", "", false); err == nil {
		t.Error("CheckNotifyTemplates accepted a bad field")
	}
	if _, err := graph.BuildNotification(graph.Notification{}, graph.NotifyEvent{User: user, Kind: "wipe"}); err == nil {
		t.Error("unknown kind accepted")
	}
	if _, err := graph.BuildNotification(graph.Notification{}, graph.NotifyEvent{Kind: graph.NotifyReset}); err == nil {
		t.Error("no recipient accepted")
	}
}

func TestBuildNotificationHostileData(t *testing.T) {
	ev := graph.NotifyEvent{
		User:   graph.User{DisplayName: fake.MalloryDisplayName + ` <script>alert(1)</script>`, UserPrincipalName: fake.MalloryUPN},
		Kind:   graph.NotifyReset,
		Ticket: "INC-1\r\nBcc: everyone@contoso.com",
		Time:   notifyAt,
	}
	m, err := graph.BuildNotification(graph.Notification{Subject: "Reset ({{.Ticket}}) {{.DisplayName}}", HTML: true}, ev)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(m.Subject, "\r\n\x1b\u202e") || strings.ContainsAny(m.Body, "\x1b\u202e") {
		t.Errorf("control characters in mail: %q / %q", m.Subject, m.Body)
	}
	if strings.Contains(m.Body, "<script>") || !strings.Contains(m.Body, "&lt;script&gt;") {
		t.Errorf("HTML body not escaped:\n%s", m.Body)
	}
	txt, _ := graph.BuildNotification(graph.Notification{}, ev)
	if !strings.Contains(txt.Body, "<script>") {
		t.Errorf("a text body must not be HTML-escaped:\n%s", txt.Body)
	}
}

// The notification goes out through the real client and the fake tenant
// records it.
func TestNotificationSentThroughFake(t *testing.T) {
	srv, err := fake.Start(fake.Options{Users: 20})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := msgraph.NewClient(msgraph.ClientOptions{Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u, err := c.ResolveUser(ctx, fake.MalloryUPN)
	if err != nil {
		t.Fatal(err)
	}
	m, err := graph.BuildNotification(graph.Notification{}, graph.NotifyEvent{User: u, Kind: graph.NotifyReregister, Operator: "Tech One", Ticket: "INC-99", Time: notifyAt})
	if err != nil {
		t.Fatal(err)
	}
	if err := errOf(c.Apply(ctx, graph.SendMail{Mail: m})); err != nil {
		t.Fatal(err)
	}
	sent := srv.Tenant.SentMail()
	if len(sent) != 1 {
		t.Fatalf("fake recorded %d mails, want 1", len(sent))
	}
	got := sent[0]
	if got.Subject != m.Subject || len(got.To) != 1 || got.To[0] != m.To[0] || got.Body != m.Body || !strings.EqualFold(got.ContentType, "text") {
		t.Errorf("fake recorded %+v, sent %+v", got, m)
	}
	if strings.ContainsAny(got.Body, "\x1b\u202e") {
		t.Errorf("Mallory's escape sequences reached the mail: %q", got.Body)
	}
}
