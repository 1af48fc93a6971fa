package graph

import (
	"errors"
	"fmt"
	"strings"
)

// ErrOtherTenant: a journal is being resumed signed in to a tenant (or an
// endpoint) other than the one its run was started in.
var ErrOtherTenant = errors.New("the journal's run was started in another tenant")

// ErrOtherOperator: a journal is being resumed by someone other than the
// operator who started it (allowed with BulkOptions.OtherOperator).
var ErrOtherOperator = errors.New("the journal's run was started by another operator")

// CheckResume refuses to resume run with a session signed in elsewhere:
// opts' TenantID and Endpoint must be the header's (a journal that does
// not record them cannot be checked and is refused), and its Operator too
// unless opts.OtherOperator. Nothing is sent before this check: a journal
// written against one tenant never changes another.
func CheckResume(run JournalRun, opts BulkOptions) error {
	ep := strings.TrimRight(opts.Endpoint, "/")
	if run.TenantID == "" && run.Endpoint == "" {
		return fmt.Errorf("%w: the journal does not record the tenant it was started in (an older mfadesk wrote it), so it cannot be resumed safely; start a new run for the users it left unfinished", ErrOtherTenant)
	}
	if !strings.EqualFold(run.TenantID, opts.TenantID) || !strings.EqualFold(run.Endpoint, ep) {
		return fmt.Errorf("%w: it was started in tenant %s at %s, and this session is signed in to tenant %s at %s; nothing was changed (sign in to the journal's tenant to finish it)",
			ErrOtherTenant, orUnknown(run.TenantID), orUnknown(run.Endpoint), orUnknown(opts.TenantID), orUnknown(ep))
	}
	if run.Operator != "" && !strings.EqualFold(run.Operator, opts.Operator) && !opts.OtherOperator {
		return fmt.Errorf("%w: %s started it and %s is signed in; nothing was changed (finish it as %s, or pass --other-operator to finish it as yourself)",
			ErrOtherOperator, CleanText(run.Operator), orUnknown(opts.Operator), CleanText(run.Operator))
	}
	return nil
}

func orUnknown(s string) string {
	if s == "" {
		return "(none)"
	}
	return CleanText(s)
}
