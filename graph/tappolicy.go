package graph

import (
	"context"
	"errors"
	"fmt"
)

// TAPPolicy is the Temporary Access Pass method's configuration in the
// tenant's authentication methods policy: whether a TAP can be issued at
// all, and the lifetimes it allows.
type TAPPolicy struct {
	// State is "enabled" or "disabled".
	State                    string `json:"state"`
	DefaultLifetimeInMinutes int    `json:"defaultLifetimeInMinutes"`
	MinimumLifetimeInMinutes int    `json:"minimumLifetimeInMinutes"`
	MaximumLifetimeInMinutes int    `json:"maximumLifetimeInMinutes"`
	DefaultLength            int    `json:"defaultLength"`
	IsUsableOnce             bool   `json:"isUsableOnce"`
}

// Enabled reports whether TAPs can be issued.
func (p TAPPolicy) Enabled() bool { return p.State == "enabled" }

// ReadTAPPolicy reads the TAP policy through c. ok is false when c cannot
// read it (ErrUnsupported: a test double).
func ReadTAPPolicy(ctx context.Context, c Reader) (p TAPPolicy, ok bool, err error) {
	p, err = c.TAPPolicy(ctx)
	if errors.Is(err, ErrUnsupported) {
		return TAPPolicy{}, false, nil
	}
	return p, true, err
}

// Check fills req's defaults from the policy and refuses what the policy
// would refuse, before anything is sent: the method disabled, a lifetime
// outside minimumLifetimeInMinutes..maximumLifetimeInMinutes, or a
// multi-use pass when isUsableOnce makes every pass one-time
// (api-reference/v1.0/resources/temporaryaccesspassauthenticationmethodconfiguration.md).
// A LifetimeMinutes of 0 takes defaultLifetimeInMinutes; DefaultUse takes
// the policy's isUsableOnce. (includeTargets naming groups is not
// evaluated here: Graph refuses a user outside them.)
func (p TAPPolicy) Check(req TAPRequest) (TAPRequest, error) {
	op := "issue a Temporary Access Pass"
	if !p.Enabled() {
		return req, &Error{Kind: ErrBadRequest, Op: op, Message: "the tenant's Temporary Access Pass policy is off (state " +
			CleanText(p.State) + "): Graph refuses every pass; an Authentication Policy Administrator can turn it on under Entra ID > Authentication methods"}
	}
	if req.LifetimeMinutes == 0 {
		req.LifetimeMinutes = p.DefaultLifetimeInMinutes
	}
	if p.MinimumLifetimeInMinutes > 0 && p.MaximumLifetimeInMinutes > 0 && req.LifetimeMinutes != 0 &&
		(req.LifetimeMinutes < p.MinimumLifetimeInMinutes || req.LifetimeMinutes > p.MaximumLifetimeInMinutes) {
		return req, &Error{Kind: ErrBadRequest, Op: op, Message: fmt.Sprintf(
			"a lifetime of %d minutes is outside the tenant's Temporary Access Pass policy (%d to %d minutes)",
			req.LifetimeMinutes, p.MinimumLifetimeInMinutes, p.MaximumLifetimeInMinutes)}
	}
	if req.DefaultUse {
		req.IsUsableOnce = p.IsUsableOnce
		req.DefaultUse = false
	}
	if p.IsUsableOnce && !req.IsUsableOnce {
		return req, &Error{Kind: ErrBadRequest, Op: op, Message: "the tenant's Temporary Access Pass policy allows one-time passes only"}
	}
	return req, nil
}

// CheckTAP reads the tenant's TAP policy through c and applies it to req
// (see TAPPolicy.Check). When the policy cannot be read (no permission to
// read policies, a test double) req comes back as it is, and Graph applies
// the policy itself when the pass is created.
func CheckTAP(ctx context.Context, c Reader, req TAPRequest) (TAPRequest, error) {
	p, ok, err := ReadTAPPolicy(ctx, c)
	if !ok || err != nil {
		return req, nil
	}
	return p.Check(req)
}
