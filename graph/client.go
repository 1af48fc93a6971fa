package graph

import "context"

// Client is everything mfadesk asks of Microsoft Graph. The msgraph-sdk-go
// implementation (NewClient) and any test double satisfy it; the TUI, the
// commands and the bulk runner only ever see this interface.
//
// userID arguments are object ids; ResolveUser turns a UPN or id into a User.
// Every method honours ctx cancellation. Errors are *Error values classified
// by the sentinels in errors.go (errors.Is(err, ErrDenied), ...).
type Client interface {
	// SearchUsers finds users whose displayName, userPrincipalName or mail
	// match query ($search with ConsistencyLevel: eventual, $count=true).
	// An object id or a UPN is looked up exactly. pageSize 0 means 25.
	SearchUsers(ctx context.Context, query string, pageSize int) (Page[User], error)
	// NextUsers fetches the page after one returned by SearchUsers.
	NextUsers(ctx context.Context, next string) (Page[User], error)
	// ResolveUser gets one user by object id or UPN.
	ResolveUser(ctx context.Context, idOrUPN string) (User, error)

	// ListMethods lists every registered method, the default one marked.
	ListMethods(ctx context.Context, userID string) ([]Method, error)
	// DeleteMethod deletes one method through its per-kind URL.
	DeleteMethod(ctx context.Context, userID string, m Method) error

	// Registration is one user's userRegistrationDetails row.
	Registration(ctx context.Context, userID string) (Registration, error)
	// Registrations pages through the tenant-wide report.
	Registrations(ctx context.Context, f RegistrationFilter) (Page[Registration], error)
	NextRegistrations(ctx context.Context, next string) (Page[Registration], error)

	// SignIns lists a user's sign-ins, newest first (needs Entra ID P1:
	// ErrUnlicensed otherwise).
	SignIns(ctx context.Context, userID string, q SignInQuery) ([]SignIn, error)
	// AuditEvents lists directory audit events targeting the user, newest first.
	AuditEvents(ctx context.Context, userID string, q AuditQuery) ([]AuditEvent, error)

	// RevokeSessions invalidates the user's refresh tokens and session cookies.
	RevokeSessions(ctx context.Context, userID string) error
	// CreateTAP issues a Temporary Access Pass (replacing any existing one).
	CreateTAP(ctx context.Context, userID string, req TAPRequest) (TAP, error)
	// PerUserMFA / SetPerUserMFA read and write beta
	// /users/{id}/authentication/requirements.
	PerUserMFA(ctx context.Context, userID string) (PerUserMFAState, error)
	SetPerUserMFA(ctx context.Context, userID string, s PerUserMFAState) error

	// SendMail sends a message (POST /users/{from}/sendMail, or /me/sendMail).
	SendMail(ctx context.Context, m Mail) error

	// Me describes the operator: the signed-in user (or the app), their
	// granted scopes or app roles and directory roles.
	Me(ctx context.Context) (Operator, error)
}

// Priority is sent as x-ms-throttle-priority so Graph sheds bulk work before
// the request a person is waiting for.
type Priority string

const (
	PriorityHigh Priority = "High"
	PriorityLow  Priority = "Low"
)

type priorityKey struct{}

// WithPriority marks every Graph request made with ctx.
func WithPriority(ctx context.Context, p Priority) context.Context {
	return context.WithValue(ctx, priorityKey{}, p)
}

// PriorityFrom returns the priority set on ctx, High when none was set:
// interactive is the default, bulk work opts into Low.
func PriorityFrom(ctx context.Context) Priority {
	if p, ok := ctx.Value(priorityKey{}).(Priority); ok {
		return p
	}
	return PriorityHigh
}
