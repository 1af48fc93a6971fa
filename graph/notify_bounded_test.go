package graph

import (
	"strings"
	"testing"
)

// Templates are bounded in size, and so is what they render: a loop cannot
// build a mail of gigabytes.
func TestNotifyTemplatesBounded(t *testing.T) {
	for name, tc := range map[string]struct {
		subject, body, want string
		html                bool
	}{
		"looping body":       {body: "{{range 1000000000}}xxxxxxxxxxxxxxxx{{end}}", want: "larger than 256 KB"},
		"looping html body":  {body: "{{range 1000000000}}<p>x</p>{{end}}", want: "larger than 256 KB", html: true},
		"huge body template": {body: strings.Repeat("x", MaxNotifyBody+1), want: "limit is 64 KB"},
		"huge subject":       {subject: strings.Repeat("x", MaxNotifySubject+1), want: "notify.subject"},
	} {
		t.Run(name, func(t *testing.T) {
			err := CheckNotifyTemplates(tc.subject, tc.body, tc.html)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if err := CheckNotifyTemplates(strings.Repeat("x", MaxNotifySubject), strings.Repeat("y", MaxNotifyBody), false); err != nil {
		t.Fatalf("at the limits: %v", err)
	}
}
