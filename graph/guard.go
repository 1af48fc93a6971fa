package graph

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// WriteKind names a change a Client can make. The guard, the change
// history and the bulk runner share these names.
type WriteKind string

const (
	WriteDeleteMethod   WriteKind = "deleteMethod"
	WriteRevokeSessions WriteKind = "revokeSessions"
	WriteCreateTAP      WriteKind = "createTAP"
	WriteSetPerUserMFA  WriteKind = "setPerUserMFA"
	WriteSendMail       WriteKind = "sendMail"
)

// Describe is the write in words, for refusals and the history table.
func (k WriteKind) Describe() string {
	switch k {
	case WriteDeleteMethod:
		return "delete a sign-in method"
	case WriteRevokeSessions:
		return "revoke sign-in sessions"
	case WriteCreateTAP:
		return "issue a Temporary Access Pass"
	case WriteSetPerUserMFA:
		return "set per-user MFA"
	case WriteSendMail:
		return "send mail"
	}
	return string(k)
}

// WriteChecker is implemented by Guard's client (and by wrappers around it,
// such as history.Wrap): it says whether a change would be refused, without
// sending anything. The TUI uses it to grey out actions and show why; the
// bulk runner must call it for every request it sends outside the Client
// (e.g. inside a $batch).
type WriteChecker interface {
	CheckWrite(ctx context.Context, kind WriteKind, userID string) error
}

// CheckWrite asks c whether a change would be refused. A client with no
// guard refuses nothing.
func CheckWrite(ctx context.Context, c Client, kind WriteKind, userID string) error {
	if wc, ok := c.(WriteChecker); ok {
		return wc.CheckWrite(ctx, kind, userID)
	}
	return nil
}

// GroupMemberLister is implemented by clients that can list a group's
// transitive user members (GET /groups/{id}/transitiveMembers/microsoft.graph.user).
// Guard needs it when protected groups are configured.
type GroupMemberLister interface {
	GroupMembers(ctx context.Context, groupID string) ([]User, error)
}

// Change is one change made to the directory, as the change history
// records it. Bulk work that sends requests outside the Client (a $batch)
// reports its changes through a ChangeRecorder with these.
type Change struct {
	Kind   WriteKind
	UserID string
	// UPN of the target when known (history shows it beside the id).
	UPN string
	// Detail says what exactly: "phone method 3179e48a-... (mobile +1 XXXXXXX890)",
	// "per-user MFA -> enforced", "TAP 60 min, one-time", "mail to x@y".
	// Never a TAP value, a token or a secret.
	Detail string
	// Err is the outcome: nil for success.
	Err error
	// RequestID is Graph's request-id for the call, when known.
	RequestID string
}

// ChangeRecorder records changes; history.Wrap's client implements it.
type ChangeRecorder interface {
	RecordChange(ctx context.Context, c Change) error
}

// ChangePrechecker is asked right before a change is sent outside the
// Client (in a $batch): unlike WriteChecker, which the TUI asks before the
// operator has typed a ticket, it refuses what the Client's own methods
// would refuse at that point (a missing ticket when one is required) and
// records the refusal. history.Wrap's client implements it.
type ChangePrechecker interface {
	PrecheckChange(ctx context.Context, c Change) error
}

// PrecheckChange asks c whether ch may be sent now: its ChangePrechecker
// when it has one, else its WriteChecker (see CheckWrite).
func PrecheckChange(ctx context.Context, c Client, ch Change) error {
	if pc, ok := c.(ChangePrechecker); ok {
		return pc.PrecheckChange(ctx, ch)
	}
	return CheckWrite(ctx, c, ch.Kind, ch.UserID)
}

// GuardOptions are the guard rails from the profile.
type GuardOptions struct {
	// ReadOnly refuses every change.
	ReadOnly bool
	// ReadOnlyWhy says where read-only comes from, shown in the refusal:
	// "--read-only", `profile "prod" is read-only in config`.
	ReadOnlyWhy string
	// ProtectedUsers are UPNs or object ids that are never changed.
	ProtectedUsers []string
	// ProtectedGroups are group object ids or display names whose transitive members are
	// never changed. The client must implement GroupMemberLister.
	ProtectedGroups []string
	// ProtectedWhy is the reason shown for ProtectedUsers (default
	// "break-glass list in config").
	ProtectedWhy string
}

// Guard wraps c so that no change breaks the guard rails: in read-only mode
// every change is refused, and protected accounts are never changed. Reads
// pass straight through. Refusals are *Error values wrapping ErrReadOnly or
// ErrProtected, made before anything is sent.
//
// Protected users are resolved (UPN <-> id) and protected groups expanded
// to their members once, on the first change, so a target given by either
// its id or its UPN is recognised. If that lookup fails the change is
// refused (fail closed) and the lookup is tried again next time.
func Guard(c Client, opts GuardOptions) Client {
	if opts.ProtectedWhy == "" {
		opts.ProtectedWhy = "break-glass list in config"
	}
	return &guarded{Client: c, opts: opts}
}

type guarded struct {
	Client
	opts GuardOptions

	mu        sync.Mutex
	protected map[string]protection // lower-case id or UPN -> why
}

type protection struct {
	label string // what to call the account: its UPN when known
	why   string
}

var _ WriteChecker = (*guarded)(nil)

// Unwrap returns the client inside the guard.
func (g *guarded) Unwrap() Client { return g.Client }

// CheckWrite implements WriteChecker.
func (g *guarded) CheckWrite(ctx context.Context, kind WriteKind, userID string) error {
	op := kind.Describe()
	if userID != "" && kind != WriteSendMail {
		op += " for " + CleanText(userID)
	}
	if g.opts.ReadOnly {
		msg := "mfadesk is in read-only mode; no change is made"
		if g.opts.ReadOnlyWhy != "" {
			msg += " (" + CleanText(g.opts.ReadOnlyWhy) + ")"
		}
		return &Error{Kind: ErrReadOnly, Op: op, Message: msg}
	}
	if kind == WriteSendMail {
		// A notification is not a change to the recipient's account.
		return nil
	}
	if len(g.opts.ProtectedUsers) == 0 && len(g.opts.ProtectedGroups) == 0 {
		return nil
	}
	set, err := g.protectedSet(ctx)
	if err != nil {
		return &Error{Kind: ErrProtected, Op: op, Message: "cannot check the protected accounts, so no change is made: " + err.Error()}
	}
	if p, ok := set[key(userID)]; ok {
		return &Error{Kind: ErrProtected, Op: op,
			Message: fmt.Sprintf("%s is protected (%s); mfadesk never changes it", CleanText(p.label), CleanText(p.why))}
	}
	return nil
}

func key(idOrUPN string) string { return strings.ToLower(strings.TrimSpace(idOrUPN)) }

// protectedSet resolves the protected users and groups once.
func (g *guarded) protectedSet(ctx context.Context) (map[string]protection, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.protected != nil {
		return g.protected, nil
	}
	set := map[string]protection{}
	add := func(u User, why string) {
		p := protection{label: u.UserPrincipalName, why: why}
		if p.label == "" {
			p.label = u.ID
		}
		for _, k := range []string{u.ID, u.UserPrincipalName} {
			if k = key(k); k != "" {
				if _, dup := set[k]; !dup {
					set[k] = p
				}
			}
		}
	}
	for _, entry := range g.opts.ProtectedUsers {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		u, err := g.Client.ResolveUser(ctx, entry)
		switch {
		case err == nil:
			add(u, g.opts.ProtectedWhy)
		case errors.Is(err, ErrNotFound):
			// No such account today: the literal is still protected, so
			// one created later under that UPN cannot be changed either.
			add(User{UserPrincipalName: entry}, g.opts.ProtectedWhy)
		default:
			return nil, fmt.Errorf("looking up protected user %s: %w", CleanText(entry), err)
		}
	}
	if len(g.opts.ProtectedGroups) > 0 {
		lister, ok := g.Client.(GroupMemberLister)
		if !ok {
			return nil, errors.New("protected groups are configured but this client cannot list group members")
		}
		for _, gid := range g.opts.ProtectedGroups {
			gid = strings.TrimSpace(gid)
			if gid == "" {
				continue
			}
			members, err := lister.GroupMembers(ctx, gid)
			if err != nil {
				// A group that cannot be read (deleted, mistyped, no
				// GroupMember.Read.All) would silently protect nobody.
				return nil, fmt.Errorf("listing members of protected group %s (fix protected.groups in config if it no longer exists): %w", CleanText(gid), err)
			}
			for _, m := range members {
				add(m, "member of protected group "+gid+" in config")
			}
		}
	}
	g.protected = set
	return set, nil
}

func (g *guarded) DeleteMethod(ctx context.Context, userID string, m Method) error {
	if err := g.CheckWrite(ctx, WriteDeleteMethod, userID); err != nil {
		return err
	}
	return g.Client.DeleteMethod(ctx, userID, m)
}

func (g *guarded) RevokeSessions(ctx context.Context, userID string) error {
	if err := g.CheckWrite(ctx, WriteRevokeSessions, userID); err != nil {
		return err
	}
	return g.Client.RevokeSessions(ctx, userID)
}

func (g *guarded) CreateTAP(ctx context.Context, userID string, req TAPRequest) (TAP, error) {
	if err := g.CheckWrite(ctx, WriteCreateTAP, userID); err != nil {
		return TAP{}, err
	}
	return g.Client.CreateTAP(ctx, userID, req)
}

func (g *guarded) SetPerUserMFA(ctx context.Context, userID string, s PerUserMFAState) error {
	if err := g.CheckWrite(ctx, WriteSetPerUserMFA, userID); err != nil {
		return err
	}
	return g.Client.SetPerUserMFA(ctx, userID, s)
}

func (g *guarded) SendMail(ctx context.Context, m Mail) error {
	if err := g.CheckWrite(ctx, WriteSendMail, ""); err != nil {
		return err
	}
	return g.Client.SendMail(ctx, m)
}

// GroupMembers passes through to the wrapped client, so guards and other
// wrappers can be stacked.
func (g *guarded) GroupMembers(ctx context.Context, groupID string) ([]User, error) {
	if l, ok := g.Client.(GroupMemberLister); ok {
		return l.GroupMembers(ctx, groupID)
	}
	return nil, &Error{Kind: ErrBadRequest, Op: "list members of group " + CleanText(groupID), Message: "this client cannot list group members"}
}
