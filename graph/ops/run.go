package ops

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mfadesk/mfadesk/graph"
)

// Request is an operation with its parameters, applied to each target: what
// a confirmation shows and a front end runs.
type Request struct {
	Kind Name
	// Keep lists method kinds a reset leaves in place.
	Keep []graph.MethodKind
	// Method is the method DeleteMethod removes.
	Method graph.Method
	// State is the per-user MFA state SetMFA writes.
	State graph.PerUserMFAState
	// from is the state SetMFA found (Run fills it).
	from graph.PerUserMFAState
	// TAP configures IssueTAP (and Reregister with WithTAP).
	TAP     graph.TAPRequest
	WithTAP bool
	// Preference is SetDefault's value (push, sms, voiceMobile, ...; ""
	// the method's own). Method is the method it makes the default.
	Preference string
	// PhoneType and Number are AddPhone's; Email is AddEmail's address.
	// Replaces is the user's method of that type they replace (zero: add).
	PhoneType graph.PhoneType
	Number    string
	Email     string
	Replaces  graph.Method
	// Mail is Notify's message; To is filled per target.
	Mail graph.Mail
	// MailToManager sends Mail to the target's manager instead (looked up
	// when sending; no manager, no mail).
	MailToManager bool
	// Ticket and Checklist are what the confirmation collected: the
	// ticket number or reason and the verification lines ticked. They go
	// with every change (graph.Approval) into the history.
	Ticket    string
	Checklist []string
}

// Approval is what goes with each of req's changes.
func (req Request) Approval() graph.Approval {
	return graph.Approval{Ticket: req.Ticket, Checklist: req.Checklist}
}

// Status is how one target ended.
type Status string

const (
	Done    Status = "done"
	Failed  Status = "failed"
	Skipped Status = "skipped"
)

// Result is what happened to one target. TAP is set only for a
// single-user run and is never exported or logged.
type Result struct {
	Target    graph.User
	Kind      Name
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
	// Password is a password reset's new password and how far Graph got
	// (nil for every other operation); shown once, never exported or
	// logged (its Secret prints as [redacted]).
	Password *graph.PasswordReset
	// Mail is the notification sent afterwards (nil: none was due).
	Mail *MailOutcome
}

// Run carries out req on one user: the single action of both front ends.
// Every case runs through graph's one engine (graph.RunOne, the bulk
// runner with one target and an in-memory journal): the same retries,
// pacing, 429 handling, guard, history and result row as a bulk run. A
// new case calls oneChange (a change per user) or graph.RunOne, never
// the client's Apply itself. A failure is in Result.Err (Status Failed);
// Detail then says what was done before it.
func Run(ctx context.Context, c graph.Client, u graph.User, req Request, now func() time.Time) Result {
	var (
		r   Result
		err error
	)
	switch req.Kind {
	case Reset:
		r, err = runReset(ctx, c, u, req)
	case Reregister:
		r, err = runReregister(ctx, c, u, req)
	case Revoke:
		r, err = runRevoke(ctx, c, u, req)
	case DeleteMethod:
		m := req.Method
		if _, err = oneChange(ctx, c, u, req, func(a graph.Approval) graph.Change {
			return graph.DeleteMethod{UserID: u.ID, Method: m, Approval: a}
		}); err == nil {
			r = Result{Detail: "deleted " + MethodLabel(req.Method), Deleted: []graph.Method{req.Method}}
		}
	case IssueTAP:
		r, err = runTAP(ctx, c, u, req)
	case SetMFA:
		// The engine reads the state first: a user already in it is
		// skipped, so nothing is written and no mail says it changed
		// (ShouldNotify). As in a bulk run, a state that cannot be read
		// stops the change (nothing is written blind).
		var one graph.OneResult
		if one, err = engine(ctx, c, u, req, graph.Operation{Kind: graph.OpSetMFA, MFAState: req.State}); err == nil && one.State == graph.StateSkipped {
			return Result{Target: u, Kind: req.Kind, At: now(), Status: Skipped, Detail: graph.CleanText(one.Why)}
		}
		req.from = one.MFAFrom
		if err == nil {
			r = Result{Detail: "per-user MFA set to " + string(req.State)}
			if req.from != "" {
				r.Detail = "per-user MFA " + string(req.from) + " -> " + string(req.State)
			}
		}
	case Notify:
		r, err = runNotify(ctx, c, u, req)
	case SetDefault:
		ch := graph.SetDefaultMethod{UserID: u.ID, Method: req.Method, Preference: req.Preference, Approval: req.Approval()}
		if _, err = applyOne(ctx, c, u, req, ch); err == nil {
			r = Result{Detail: "default method is now " + MethodLabel(req.Method) + ": " + graph.PreferenceWords(ch.Value())}
		}
	case AddPhone:
		ch := graph.SetPhone{UserID: u.ID, Type: req.PhoneType, Number: req.Number, Replaces: req.Replaces, Approval: req.Approval()}
		if _, err = applyOne(ctx, c, u, req, ch); err == nil {
			r = Result{Detail: PhoneDone(ch)}
		}
	case AddEmail:
		ch := graph.SetEmail{UserID: u.ID, Address: req.Email, Replaces: req.Replaces, Approval: req.Approval()}
		if _, err = applyOne(ctx, c, u, req, ch); err == nil {
			r = Result{Detail: EmailDone(ch)}
		}
	case ResetPassword:
		r, err = runResetPassword(ctx, c, u, req)
	default:
		// An operation that is one change: the catalogue says which.
		o, ok := Get(req.Kind)
		if !ok || o.Change == nil {
			err = fmt.Errorf("unknown action %q", req.Kind)
			break
		}
		if _, err = oneChange(ctx, c, u, req, func(a graph.Approval) graph.Change { return o.Change(u, a) }); err == nil {
			r = Result{Detail: o.Done}
			if o.After != nil {
				u = o.After(u)
			}
		}
	}
	r.Target, r.Kind, r.At = u, req.Kind, now()
	if err != nil {
		r.Status, r.Err = Failed, err
		if ge, ok := graph.AsError(err); ok {
			r.RequestID = graph.CleanText(ge.RequestID)
		}
		return r
	}
	r.Status = Done
	return r
}

// engine runs op for u through graph's one engine, with req's approval.
func engine(ctx context.Context, c graph.Client, u graph.User, req Request, op graph.Operation) (graph.OneResult, error) {
	if op.Name == "" {
		op.Name = string(req.Kind)
	}
	return graph.RunOne(ctx, c, op, u.ID, graph.BulkOptions{Approval: req.Approval()})
}

// oneChange makes the one change ch builds, through the engine (an
// OpChange: paced, 429s waited out, never repeated after a fault).
func oneChange(ctx context.Context, c graph.Client, u graph.User, req Request, ch func(graph.Approval) graph.Change) (graph.Result, error) {
	one, err := engine(ctx, c, u, req, graph.Operation{Kind: graph.OpChange,
		Change: func(_ string, a graph.Approval) graph.Change { return ch(a) }})
	if err != nil || one.Change == nil {
		return graph.Result{}, err
	}
	return *one.Change, nil
}

// applyOne makes ch, already built with req's approval, through the
// engine (oneChange).
func applyOne(ctx context.Context, c graph.Client, u graph.User, req Request, ch graph.Change) (graph.Result, error) {
	return oneChange(ctx, c, u, req, func(graph.Approval) graph.Change { return ch })
}

// MethodLabel names one method for a plan or a result line: "Phone:
// mobile · +1 XXXXXXX890" (graph's naming table and MethodSummary), the
// same words on the command line and in the console.
func MethodLabel(m graph.Method) string {
	name := graph.MethodTitle(m)
	if d := MethodSummary(m); d != "" && !strings.EqualFold(d, name) {
		return name + ": " + d
	}
	return name
}

func methodNames(ms []graph.Method) string {
	var names []string
	for _, m := range ms {
		names = append(names, MethodLabel(m))
	}
	return strings.Join(names, ", ")
}

// resetDetail summarises a reset's outcome per method.
func resetDetail(r graph.ResetResult) (string, []graph.Method) {
	var deleted []graph.Method
	for _, o := range r.Methods {
		if o.Outcome == graph.OutcomeDeleted || o.Outcome == graph.OutcomePending {
			deleted = append(deleted, o.Method)
		}
	}
	switch {
	case len(r.Plan.Delete) == 0:
		return "nothing to delete", nil
	case r.Pending > 0:
		return fmt.Sprintf("deleted %d (%d still listed, pending): %s", len(deleted), r.Pending, methodNames(deleted)), deleted
	case len(deleted) > 0:
		return fmt.Sprintf("deleted %d: %s", len(deleted), methodNames(deleted)), deleted
	}
	return "", nil
}

func runReset(ctx context.Context, c graph.Client, u graph.User, req Request) (Result, error) {
	res, err := graph.Reset(ctx, c, u.ID, graph.ResetOptions{Keep: req.Keep, Approval: req.Approval()})
	d, deleted := resetDetail(res)
	return Result{Detail: d, Deleted: deleted, Outcomes: res.Methods}, err
}

func runReregister(ctx context.Context, c graph.Client, u graph.User, req Request) (Result, error) {
	opts := graph.ReregisterOptions{Approval: req.Approval()}
	if req.WithTAP {
		t := req.TAP
		opts.TAP = &t
	}
	res, err := graph.Reregister(ctx, c, u.ID, opts)
	d, deleted := resetDetail(res.Reset)
	r := Result{Detail: d, Deleted: deleted, Outcomes: res.Reset.Methods, TAP: res.TAP}
	if res.Revoked {
		r.Detail = joinDetail(r.Detail, "sessions revoked")
	}
	if res.TAP != nil {
		r.Detail = joinDetail(r.Detail, "TAP issued")
	}
	return r, err
}

func runRevoke(ctx context.Context, c graph.Client, u graph.User, req Request) (Result, error) {
	if _, err := engine(ctx, c, u, req, graph.Operation{Kind: graph.OpRevoke}); err != nil {
		return Result{}, err
	}
	d := "sessions revoked: every device signs in again (takes a few minutes to reach every app)"
	if u.IsGuest() {
		d = "revoke sent (it does nothing for guests)"
	}
	return Result{Detail: d}, nil
}

func runTAP(ctx context.Context, c graph.Client, u graph.User, req Request) (Result, error) {
	// The engine checks the tenant's TAP policy first (defaults filled in,
	// out-of-policy refused before anything is sent) and never issues a
	// pass twice. The pass comes back to be shown once: no journal holds it.
	one, err := engine(ctx, c, u, req, graph.Operation{Kind: graph.OpIssueTAP, TAP: graph.BulkTAPOf(req.TAP)})
	if err != nil {
		return Result{}, err
	}
	if one.TAP == nil {
		return Result{}, errors.New("no pass came back")
	}
	tap := *one.TAP
	return Result{TAP: &tap, Detail: "TAP issued, expires " + tap.Expires().UTC().Format("2006-01-02 15:04 UTC")}, nil
}

// runResetPassword resets u's password to a fresh temporary password
// (graph.NewTemporaryPassword: always sent, since Graph generates one only
// for cloud-only users and mfadesk cannot tell) through the engine (an
// OpChange: journaled as applied, never with its content) and returns it
// for showing once.
func runResetPassword(ctx context.Context, c graph.Client, u graph.User, req Request) (Result, error) {
	pw := graph.NewTemporaryPassword()
	res, err := oneChange(ctx, c, u, req, func(a graph.Approval) graph.Change {
		return graph.ResetPassword{UserID: u.ID, NewPassword: pw, Approval: a}
	})
	if err != nil {
		return Result{}, err
	}
	pr := res.Password
	d := "password reset; the user changes it at the next sign-in"
	if !pr.Confirmed {
		d = "password reset " + pr.Status
	}
	return Result{Password: &pr, Detail: d}, nil
}

// runNotify sends the mail the confirmation showed, to the user's manager
// instead with MailToManager. Without a manager (or a manager without a
// mail address) nothing is sent: never to someone else.
func runNotify(ctx context.Context, c graph.Client, u graph.User, req Request) (Result, error) {
	m := req.Mail
	if req.MailToManager {
		to := ManagerRecipient(ctx, c, u)
		if to.Err != nil {
			var skip MailSkip
			if errors.As(to.Err, &skip) {
				// Graph-style, so the result view shows the reason.
				return Result{}, &graph.Error{Kind: graph.ErrNotFound,
					Op: "mail the manager of " + graph.CleanText(u.UserPrincipalName), Message: skip.Why + "; no mail sent"}
			}
			return Result{}, to.Err
		}
		m.To = []string{to.To}
	}
	if len(m.To) == 0 {
		return Result{}, errors.New("notification: no recipient")
	}
	if _, err := oneChange(ctx, c, u, req, func(a graph.Approval) graph.Change { return graph.SendMail{Mail: m, Approval: a} }); err != nil {
		return Result{}, err
	}
	d := "mail sent to " + strings.Join(m.To, ", ")
	if req.MailToManager {
		d += " (the manager)"
	}
	return Result{Detail: d}, nil
}

func joinDetail(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
