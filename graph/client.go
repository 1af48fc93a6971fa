package graph

import "context"

// Client is everything mfadesk asks of Microsoft Graph: every read
// (Reader) and one way to write (Writer.Apply). The msgraph-sdk-go
// implementation (NewClient) and any test double satisfy it; the TUI, the
// commands and the bulk runner only ever see this interface.
//
// Guard and history.Wrap wrap a Client; because every change goes through
// Apply with a Change from the closed set in change.go, a wrapper that
// checks or records Apply checks or records every change there is.
type Client interface {
	Reader
	Writer
}

// Writer makes changes. Apply is the only way anything is written to the
// directory (or mail is sent); c is one of the Change types in change.go.
type Writer interface {
	Apply(ctx context.Context, c Change) (Result, error)
}

// Reader is every read mfadesk makes.
//
// userID arguments are object ids; ResolveUser turns a UPN or id into a User.
// Every method honours ctx cancellation. Errors are *Error values classified
// by the sentinels in errors.go (errors.Is(err, ErrDenied), ...). A read a
// client cannot make (a test double) answers ErrUnsupported.
type Reader interface {
	// SearchUsers finds users whose displayName, userPrincipalName or mail
	// match query ($search with ConsistencyLevel: eventual, $count=true).
	// An object id or a UPN is looked up exactly. pageSize 0 means 25.
	SearchUsers(ctx context.Context, query string, pageSize int) (Page[User], error)
	// NextUsers fetches the page after one returned by SearchUsers.
	NextUsers(ctx context.Context, next string) (Page[User], error)
	// ResolveUser gets one user by object id or UPN.
	ResolveUser(ctx context.Context, idOrUPN string) (User, error)

	// ListMethods lists every registered method, the default one marked
	// (none marked when ctx is WithoutPreferences and the adapter reads
	// them separately: see SignInPreferences).
	ListMethods(ctx context.Context, userID string) ([]Method, error)
	// SignInPreferences reads the user's sign-in preferences (which method
	// is the default), best effort: zero when unknown.
	SignInPreferences(ctx context.Context, userID string) (SignInPreferences, error)

	// Registration is one user's userRegistrationDetails row.
	Registration(ctx context.Context, userID string) (Registration, error)
	// Registrations pages through the tenant-wide report.
	Registrations(ctx context.Context, f RegistrationFilter) (Page[Registration], error)
	NextRegistrations(ctx context.Context, next string) (Page[Registration], error)

	// SignIns lists a user's sign-ins, newest first (needs Entra ID P1:
	// ErrUnlicensed otherwise).
	SignIns(ctx context.Context, userID string, q SignInQuery) ([]SignIn, error)
	// TenantSignIns lists the tenant's interactive sign-ins created since
	// q.Since (every user), newest first; q.FailuresOnly keeps the
	// failures (picked out here: status/errorCode filters on eq only).
	TenantSignIns(ctx context.Context, q SignInQuery) ([]SignIn, error)
	// AuditEvents lists directory audit events targeting the user, newest first.
	AuditEvents(ctx context.Context, userID string, q AuditQuery) ([]AuditEvent, error)

	// PerUserMFA reads beta /users/{id}/authentication/requirements.
	PerUserMFA(ctx context.Context, userID string) (PerUserMFAState, error)

	// Me describes the operator: the signed-in user (or the app), their
	// granted scopes or app roles and directory roles.
	Me(ctx context.Context) (Operator, error)

	// GroupMembers lists a group's transitive user members
	// (GET /groups/{id}/transitiveMembers/microsoft.graph.user). Guard
	// needs it when protected groups are configured.
	GroupMembers(ctx context.Context, groupID string) ([]User, error)
	// TAPPolicy reads the tenant's Temporary Access Pass policy (doctor,
	// CheckTAP).
	TAPPolicy(ctx context.Context) (TAPPolicy, error)
	// TargetRoles reads a user's directory roles (see roles_read.go).
	TargetRoles(ctx context.Context, userID string) (TargetRoles, error)
	// Manager reads a user's manager; none is ErrNotFound.
	Manager(ctx context.Context, userID string) (User, error)
	// UserRisk reads the user's Identity Protection risk (GET
	// /identityProtection/riskyUsers/{id}; idrisk.go). A user without a
	// record is NoIdentityRisk(), not an error.
	UserRisk(ctx context.Context, userID string) (IdentityRisk, error)

	// UserGroups lists the groups a user is in, directly or through
	// nesting (mfarequired.go).
	UserGroups(ctx context.Context, userID string) ([]UserGroup, error)
	// ConditionalAccessPolicies lists the tenant's Conditional Access
	// policies; SecurityDefaults reads whether security defaults are on.
	ConditionalAccessPolicies(ctx context.Context) ([]ConditionalAccessPolicy, error)
	SecurityDefaults(ctx context.Context) (SecurityDefaults, error)

	// Traits are facts about the adapter behind the client that the bulk
	// runner paces by. Wrappers pass them through.
	Traits() Traits
}

// Traits describe the adapter behind a Client.
type Traits struct {
	// Batches: calls made with a WithBatching context may be coalesced
	// into JSON $batch requests, which the adapter paces itself (it books
	// the batch scope's pacer per batch).
	Batches bool
	// ThrottleLimitPercentage is the last x-ms-throttle-limit-percentage
	// Graph sent (0 when none was seen).
	ThrottleLimitPercentage float64
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

// NoOptionalReads gives a test double the reads it does not model: each
// answers ErrUnsupported (ReadManager, ReadTargetRoles and ReadTAPPolicy
// then report ok=false), and Traits are zero. Embed it.
type NoOptionalReads struct{}

func unsupported(op string) error {
	return &Error{Kind: ErrUnsupported, Op: op, Message: "this client cannot " + op}
}

func (NoOptionalReads) GroupMembers(_ context.Context, groupID string) ([]User, error) {
	return nil, &Error{Kind: ErrUnsupported, Op: "list members of group " + CleanText(groupID), Message: "this client cannot list group members"}
}
func (NoOptionalReads) TAPPolicy(context.Context) (TAPPolicy, error) {
	return TAPPolicy{}, unsupported("read the Temporary Access Pass policy")
}
func (NoOptionalReads) TargetRoles(_ context.Context, userID string) (TargetRoles, error) {
	return TargetRoles{}, unsupported("read the directory roles of " + CleanText(userID))
}
func (NoOptionalReads) Manager(_ context.Context, userID string) (User, error) {
	return User{}, unsupported("read the manager of " + CleanText(userID))
}
func (NoOptionalReads) Traits() Traits { return Traits{} }
func (NoOptionalReads) UserGroups(_ context.Context, userID string) ([]UserGroup, error) {
	return nil, unsupported("read the groups of " + CleanText(userID))
}
func (NoOptionalReads) ConditionalAccessPolicies(context.Context) ([]ConditionalAccessPolicy, error) {
	return nil, unsupported("read the Conditional Access policies")
}
func (NoOptionalReads) TenantSignIns(context.Context, SignInQuery) ([]SignIn, error) {
	return nil, unsupported("read the tenant's sign-ins")
}
func (NoOptionalReads) SecurityDefaults(context.Context) (SecurityDefaults, error) {
	return SecurityDefaults{}, unsupported("read the security defaults policy")
}
func (NoOptionalReads) UserRisk(_ context.Context, userID string) (IdentityRisk, error) {
	return IdentityRisk{}, unsupported("read the identity risk of " + CleanText(userID))
}
func (NoOptionalReads) SignInPreferences(_ context.Context, userID string) (SignInPreferences, error) {
	return SignInPreferences{}, unsupported("read the sign-in preferences of " + CleanText(userID))
}

type withoutPrefsKey struct{}

// WithoutPreferences marks ctx: ListMethods need not read the sign-in
// preferences alongside (the caller reads them with SignInPreferences
// only where the default matters).
func WithoutPreferences(ctx context.Context) context.Context {
	return context.WithValue(ctx, withoutPrefsKey{}, true)
}

func SkipPreferences(ctx context.Context) bool {
	v, _ := ctx.Value(withoutPrefsKey{}).(bool)
	return v
}
