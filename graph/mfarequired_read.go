package graph

import (
	"context"
	"errors"
	"strings"
	"sync"
)

// MFAPolicies are the tenant-wide inputs of EvaluateMFA, read once: the
// Conditional Access policies and security defaults (errors kept, so a
// 403 becomes "unknown" rather than a failure).
type MFAPolicies struct {
	Policies    []ConditionalAccessPolicy
	PoliciesErr error
	Defaults    *SecurityDefaults
	DefaultsErr error
}

// ReadMFAPolicies reads the policies and security defaults (two requests,
// concurrently). It never fails: each error is kept for EvaluateMFA.
func ReadMFAPolicies(ctx context.Context, c Reader) MFAPolicies {
	var out MFAPolicies
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		out.Policies, out.PoliciesErr = c.ConditionalAccessPolicies(ctx)
	}()
	d, err := c.SecurityDefaults(ctx)
	if err == nil {
		out.Defaults = &d
	} else {
		out.DefaultsErr = err
	}
	wg.Wait()
	return out
}

// UserMFA is one user's groups and MFA requirement, as the detail,
// `show` and `mfa-required` present them.
type UserMFA struct {
	Groups    []UserGroup    `json:"groups"`
	GroupsErr error          `json:"-"`
	Required  MFARequirement `json:"mfaRequired"`
}

// ReadUserMFA reads what EvaluateMFA needs about u (groups, directory
// roles; the per-user state when perUser is nil) and evaluates it against
// pol. A read that fails is kept: the answer says what it could not tell.
func ReadUserMFA(ctx context.Context, c Reader, u User, pol MFAPolicies, perUser *PerUserMFAState) UserMFA {
	var out UserMFA
	in := MFAInputs{Policies: pol.Policies, PoliciesErr: pol.PoliciesErr, Defaults: pol.Defaults, DefaultsErr: pol.DefaultsErr}
	var mem UserMembership
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		out.Groups, out.GroupsErr = c.UserGroups(ctx, u.ID)
		mem.GroupsKnown = out.GroupsErr == nil
		if mem.GroupsKnown {
			// Groups without names came back as bare ids (limited
			// information): membership is still known.
			mem.Groups = out.Groups
		}
	}()
	go func() {
		defer wg.Done()
		r, ok, err := ReadTargetRoles(ctx, c, u.ID)
		mem.Roles, mem.RolesKnown = r.Roles, ok && err == nil
	}()
	if perUser != nil {
		in.PerUser = *perUser
	} else {
		in.PerUser, in.PerUserErr = c.PerUserMFA(ctx, u.ID)
	}
	wg.Wait()
	in.Membership = mem
	if out.Groups == nil {
		out.Groups = []UserGroup{}
	}
	MarkCATargets(out.Groups, pol.Policies)
	out.Required = EvaluateMFA(u, in)
	return out
}

// GroupsNote explains a groups read that failed, in a line.
func GroupsNote(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, ErrDenied) {
		r, _ := RequirementFor(ActionReadGroups)
		return "groups unavailable: needs " + r.Delegated[0]
	}
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return "groups unavailable: " + CleanText(e.Message)
	}
	return "groups unavailable: " + CleanText(err.Error())
}

// GroupMarks are a group's marks for a list: "role-assignable",
// "nested", "CA: Require MFA for all users (excluded)".
func GroupMarks(g UserGroup) []string {
	var out []string
	if g.DirectKnown && !g.Direct {
		out = append(out, "nested")
	}
	if g.IsAssignableToRole {
		out = append(out, "role-assignable")
	}
	for _, p := range g.CAPolicies {
		out = append(out, "CA: "+p)
	}
	return out
}

// GroupLine is a group in one line: its name and marks.
func GroupLine(g UserGroup) string {
	name := CleanText(g.DisplayName)
	if name == "" {
		name = CleanText(g.ID) + " (name not readable)"
	}
	if m := GroupMarks(g); len(m) > 0 {
		return name + " (" + strings.Join(m, "; ") + ")"
	}
	return name
}
