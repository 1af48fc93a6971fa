package graph

import (
	"context"
	"errors"
)

// ReadManager reads userID's manager through c. ok is false when c cannot
// read managers (ErrUnsupported: a test double). A user without a manager
// is an error with ErrNotFound.
func ReadManager(ctx context.Context, c Reader, userID string) (m User, ok bool, err error) {
	m, err = c.Manager(ctx, userID)
	if errors.Is(err, ErrUnsupported) {
		return User{}, false, nil
	}
	return m, true, err
}

// ReadTargetRoles reads userID's directory roles through c. ok is false
// when c cannot (ErrUnsupported: a test double): the caller falls back to
// the registration report's isAdmin.
func ReadTargetRoles(ctx context.Context, c Reader, userID string) (t TargetRoles, ok bool, err error) {
	t, err = c.TargetRoles(ctx, userID)
	if errors.Is(err, ErrUnsupported) {
		return TargetRoles{}, false, nil
	}
	return t, true, err
}
