// Package actions holds what the technician can do to users and the modal
// views around it: the confirmation that lists exact targets and
// operations, the one-time TAP display, the audit trail, the bulk run with
// its progress and per-user results, and the report export. The plans of
// a reset and a re-registration are the catalogue's (ops.ResetPlanText,
// the command line's words too).
package actions

import (
	"context"
	"strings"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
	"github.com/mfadesk/mfadesk/tui/internal/explain"
	"github.com/mfadesk/mfadesk/tui/methods"
)

// Kind names an action: the catalogue's operation name (graph/ops), so
// the TUI's kinds, the CLI's verbs and the permission rows are one list.
type Kind = ops.Name

const (
	Reset        = ops.Reset
	Reregister   = ops.Reregister
	Revoke       = ops.Revoke
	DeleteMethod = ops.DeleteMethod
	IssueTAP     = ops.IssueTAP
	SetMFA       = ops.SetMFA
	Block        = ops.Block
	Unblock      = ops.Unblock
	Notify       = ops.Notify
	Audit        = ops.Audit
	SetDefault   = ops.SetDefault
	AddPhone     = ops.AddPhone
	AddEmail     = ops.AddEmail
)

// Op is one action with its parameters, applied to each target.
type Op = ops.Request

// Status is how one target ended.
type Status = ops.Status

const (
	Done    = ops.Done
	Failed  = ops.Failed
	Skipped = ops.Skipped
)

// Result is what happened to one target. It is what the bulk view streams,
// the report exports and the result view shows. TAP is set only for a
// single-user run and is never exported or logged.
type Result = ops.Result

// Execute runs op for one user (the catalogue's ops.Run) and words a
// failure for the result view.
func Execute(ctx context.Context, c graph.Client, u graph.User, op Op, now func() time.Time) Result {
	r := ops.Run(ctx, c, u, op, now)
	if r.Err != nil {
		r.RequestID = explain.RequestID(r.Err)
		if r.Detail != "" {
			r.Detail += "; "
		}
		r.Detail += explain.Short(r.Err)
	}
	return r
}

// methodNames lists methods for a result line: "Authenticator, Phone".
func methodNames(ms []graph.Method) string {
	var names []string
	for _, m := range ms {
		names = append(names, MethodLabel(m))
	}
	return strings.Join(names, ", ")
}

// MethodLabel names one method with its detail:
// "Phone: mobile · +1 XXXXXXX890", "Authenticator: iPhone 15 · app 6.8.12".
func MethodLabel(m graph.Method) string {
	name := methods.KindLabel(m)
	if d := methods.Summary(m); d != "" && !strings.EqualFold(d, name) {
		return name + ": " + d
	}
	return name
}

// UserLabel is "Alice Wong <alice.wong@contoso.com>".
func UserLabel(u graph.User) string {
	name := graph.CleanText(u.DisplayName)
	upn := graph.CleanText(u.UserPrincipalName)
	switch {
	case name == "":
		return upn
	case upn == "":
		return name
	}
	return name + " <" + upn + ">"
}
