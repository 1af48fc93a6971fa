// Package actions holds what the technician can do to users and the modal
// views around it: the confirmation that lists exact targets and
// operations, the one-time TAP display, the audit trail, the bulk run with
// its progress and per-user results, and the report export. One verb, one
// file: reset.go, reregister.go, revoke.go, deletemethod.go, tap.go,
// mfastate.go, notify.go.
package actions

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/internal/explain"
	"github.com/mfadesk/mfadesk/tui/methods"
)

// Kind names an action.
type Kind string

const (
	Reset        Kind = "reset"
	Reregister   Kind = "reregister"
	Revoke       Kind = "revoke"
	DeleteMethod Kind = "deleteMethod"
	IssueTAP     Kind = "tap"
	SetMFA       Kind = "perUserMfa"
	Notify       Kind = "notify"
	Audit        Kind = "audit"
)

// Action is the graph permission this kind needs (for Operator.Allows).
func (k Kind) Action() graph.Action {
	switch k {
	case Reset:
		return graph.ActionReset
	case Reregister:
		return graph.ActionReregister
	case Revoke:
		return graph.ActionRevoke
	case DeleteMethod:
		return graph.ActionDeleteMethod
	case IssueTAP:
		return graph.ActionTAP
	case SetMFA:
		return graph.ActionPerUserMFA
	case Notify:
		return graph.ActionSendMail
	case Audit:
		return graph.ActionAudit
	}
	return graph.Action(k)
}

// Writes reports a kind that changes the directory or sends mail.
func (k Kind) Writes() bool { return k != Audit }

// Label is the action's name for people.
func (k Kind) Label() string {
	switch k {
	case Reset:
		return "Reset MFA"
	case Reregister:
		return "Require re-registration"
	case Revoke:
		return "Revoke sessions"
	case DeleteMethod:
		return "Delete method"
	case IssueTAP:
		return "Issue Temporary Access Pass"
	case SetMFA:
		return "Set per-user MFA"
	case Notify:
		return "Notify by mail"
	case Audit:
		return "Audit trail"
	}
	return string(k)
}

// Op is one action with its parameters, applied to each target.
type Op struct {
	Kind Kind
	// Keep lists method kinds a reset leaves in place.
	Keep []graph.MethodKind
	// Method is the method DeleteMethod removes.
	Method graph.Method
	// State is the per-user MFA state SetMFA writes.
	State graph.PerUserMFAState
	// TAP configures IssueTAP (and Reregister with WithTAP).
	TAP     graph.TAPRequest
	WithTAP bool
	// Mail is Notify's message; To is filled per target.
	Mail graph.Mail
	// MailToManager sends Mail to the target's manager instead (looked up
	// when sending; no manager, no mail).
	MailToManager bool
	// Ticket and Checklist are what the confirmation collected: the
	// ticket number or reason and the verification lines ticked. They go
	// on the change's context (history.WithTicket) into the history.
	Ticket    string
	Checklist []string
}

// Status is how one target ended.
type Status string

const (
	Done    Status = "done"
	Failed  Status = "failed"
	Skipped Status = "skipped"
)

// Result is what happened to one target. It is what the bulk view streams,
// the report exports and the result view shows. TAP is set only for a
// single-user run and is never exported or logged.
type Result struct {
	Target    graph.User
	Kind      Kind
	Status    Status
	Detail    string
	Err       error
	RequestID string
	At        time.Time
	Deleted   []graph.Method
	// Outcomes are a reset's per-method outcomes (deleted, pending, kept,
	// failed), for the result view.
	Outcomes []graph.MethodOutcome
	TAP      *graph.TAP
}

// Execute runs op for one user: the per-user step shared by single actions
// and the bulk runner.
func Execute(ctx context.Context, c graph.Client, u graph.User, op Op, now func() time.Time) Result {
	r := Result{Target: u, Kind: op.Kind}
	var err error
	switch op.Kind {
	case Reset:
		r, err = execReset(ctx, c, u, op)
	case Reregister:
		r, err = execReregister(ctx, c, u, op)
	case Revoke:
		r, err = execRevoke(ctx, c, u)
	case DeleteMethod:
		r, err = execDeleteMethod(ctx, c, u, op)
	case IssueTAP:
		r, err = execTAP(ctx, c, u, op)
	case SetMFA:
		r, err = execSetMFA(ctx, c, u, op)
	case Notify:
		r, err = execNotify(ctx, c, u, op)
	default:
		err = fmt.Errorf("unknown action %q", op.Kind)
	}
	r.Target, r.Kind, r.At = u, op.Kind, now()
	if err != nil {
		r.Status = Failed
		r.Err = err
		r.RequestID = explain.RequestID(err)
		if r.Detail != "" {
			r.Detail += "; "
		}
		r.Detail += explain.Short(err)
		return r
	}
	r.Status = Done
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
