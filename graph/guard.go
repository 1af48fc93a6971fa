package graph

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// WriteChecker is implemented by Guard's client (and by wrappers around it,
// such as history.Wrap): it says whether a change would be refused, without
// sending anything. The TUI uses it to grey out actions and show why.
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
	// never changed (read with Reader.GroupMembers).
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
// The guard holds c as a Reader and a Writer, never embedding it: every
// change goes through its Apply, which checks it whatever its type.
//
// Protected users are resolved (UPN <-> id) and protected groups expanded
// to their members once, on the first change, so a target given by either
// its id or its UPN is recognised. If that lookup fails the change is
// refused (fail closed) and the lookup is tried again next time.
func Guard(c Client, opts GuardOptions) Client {
	if opts.ProtectedWhy == "" {
		opts.ProtectedWhy = "break-glass list in config"
	}
	return &guarded{Reader: c, w: c, opts: opts}
}

type guarded struct {
	Reader // reads need no guard
	w      Writer
	opts   GuardOptions

	mu        sync.Mutex
	protected map[string]protection // lower-case id or UPN -> why
}

type protection struct {
	label string // what to call the account: its UPN when known
	why   string
}

var _ WriteChecker = (*guarded)(nil)

// Apply implements Writer: the change is checked, then passed on.
func (g *guarded) Apply(ctx context.Context, ch Change) (Result, error) {
	if err := g.check(ctx, ch.Kind(), ch.Target(), isMail(ch)); err != nil {
		return Result{}, err
	}
	return g.w.Apply(ctx, ch)
}

// isMail: a notification is not a change to the recipient's account, so
// protection does not apply to it (read-only mode still does).
func isMail(ch Change) bool {
	_, ok := ch.(SendMail)
	return ok
}

// CheckWrite implements WriteChecker.
func (g *guarded) CheckWrite(ctx context.Context, kind WriteKind, userID string) error {
	return g.check(ctx, kind, userID, kind == WriteSendMail)
}

func (g *guarded) check(ctx context.Context, kind WriteKind, userID string, mail bool) error {
	op := kind.Describe()
	if userID != "" && !mail {
		op += " for " + CleanText(userID)
	}
	if g.opts.ReadOnly {
		msg := "mfadesk is in read-only mode; no change is made"
		if g.opts.ReadOnlyWhy != "" {
			msg += " (" + CleanText(g.opts.ReadOnlyWhy) + ")"
		}
		return &Error{Kind: ErrReadOnly, Op: op, Message: msg}
	}
	if mail {
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
	// The guard's own lookups are one-off plain calls, never items of the
	// batch the change it checks may be going into.
	ctx = WithBatching(ctx, nil)
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
		u, err := g.Reader.ResolveUser(ctx, entry)
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
		for _, gid := range g.opts.ProtectedGroups {
			gid = strings.TrimSpace(gid)
			if gid == "" {
				continue
			}
			members, err := g.Reader.GroupMembers(ctx, gid)
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
