package graph

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Risky targets: the users among a change's targets that a technician must
// not change by accident. Both front ends name them in the plan before the
// confirmation, by group, with counts and names; changing the signed-in
// operator themself takes an extra acknowledgement (the callers' business).

// RiskKind is one kind of risky target.
type RiskKind string

const (
	RiskSelf      RiskKind = "self"
	RiskAdmin     RiskKind = "admin"
	RiskGuest     RiskKind = "guest"
	RiskDisabled  RiskKind = "disabled"
	RiskProtected RiskKind = "protected"
)

// riskOrder is the order groups are shown in, the gravest first.
var riskOrder = []RiskKind{RiskSelf, RiskProtected, RiskAdmin, RiskGuest, RiskDisabled}

// Describe names the group for a count: "2 admins (hold a directory role)".
func (k RiskKind) Describe(n int) string {
	s := func(one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	}
	switch k {
	case RiskSelf:
		return "yourself (the signed-in operator)"
	case RiskAdmin:
		return s("admin", "admins") + " (holding a directory role)"
	case RiskGuest:
		return s("guest", "guests")
	case RiskDisabled:
		return s("disabled account", "disabled accounts")
	case RiskProtected:
		return s("protected account", "protected accounts") + " (refused by the guard rails: not changed)"
	}
	return s(string(k), string(k)+"s")
}

// RiskGroup is the targets of one kind.
type RiskGroup struct {
	Kind  RiskKind
	Users []User
}

// Risks are a target list's risky users, by kind (only kinds that occur,
// in riskOrder), and what could not be checked.
type Risks struct {
	Groups []RiskGroup
	// Unchecked says what could not be checked and why ("admin roles: ...").
	Unchecked []string
}

// Has reports whether any target is of kind k.
func (r Risks) Has(k RiskKind) bool { return len(r.Users(k)) > 0 }

// Users are the targets of kind k.
func (r Risks) Users(k RiskKind) []User {
	for _, g := range r.Groups {
		if g.Kind == k {
			return g.Users
		}
	}
	return nil
}

// Empty reports whether there is nothing to say.
func (r Risks) Empty() bool { return len(r.Groups) == 0 && len(r.Unchecked) == 0 }

// Lines are the risks as plan lines: each group with its count and up to
// maxNames names ("… and N more"), then what could not be checked.
func (r Risks) Lines(maxNames int) []string {
	var out []string
	for _, g := range r.Groups {
		var names []string
		for i, u := range g.Users {
			if i == maxNames && len(g.Users) > maxNames+1 {
				names = append(names, fmt.Sprintf("… and %d more", len(g.Users)-maxNames))
				break
			}
			n := CleanText(u.UserPrincipalName)
			if n == "" {
				n = CleanText(u.ID)
			}
			names = append(names, n)
		}
		out = append(out, "Includes "+g.Kind.Describe(len(g.Users))+": "+strings.Join(names, ", "))
	}
	for _, u := range r.Unchecked {
		out = append(out, "Not checked: "+u)
	}
	return out
}

// RiskFacts are what AssessRisks needs beyond the users themselves.
type RiskFacts struct {
	// Operator is the signed-in operator (nil or an app: nobody is "self").
	Operator *Operator
	// Admins are the ids (lower case) of users holding a directory role;
	// nil when not known, then AdminsWhy says why.
	Admins    map[string]bool
	AdminsWhy string
	// Write is the change, for the guard rails' protected-account check.
	Write WriteKind
	// Protected, when set, says whether a user is protected instead of
	// asking the client's guard (the TUI knows without a request).
	Protected func(User) bool
}

// AssessRisks sorts users into risk groups. A user can be in several
// (a disabled guest admin). Protected accounts are those c's guard would
// refuse for f.Write.
func AssessRisks(ctx context.Context, c Client, users []User, f RiskFacts) Risks {
	by := map[RiskKind][]User{}
	for _, u := range users {
		if f.Operator != nil && !f.Operator.IsApp && (f.Operator.ID != "" && strings.EqualFold(f.Operator.ID, u.ID) ||
			f.Operator.UserPrincipalName != "" && strings.EqualFold(f.Operator.UserPrincipalName, u.UserPrincipalName)) {
			by[RiskSelf] = append(by[RiskSelf], u)
		}
		if f.Admins != nil && f.Admins[strings.ToLower(u.ID)] {
			by[RiskAdmin] = append(by[RiskAdmin], u)
		}
		if strings.EqualFold(u.UserType, "guest") { // the report says "guest"
			by[RiskGuest] = append(by[RiskGuest], u)
		}
		if u.ID != "" && !u.AccountEnabled {
			by[RiskDisabled] = append(by[RiskDisabled], u)
		}
		switch {
		case f.Protected != nil:
			if f.Protected(u) {
				by[RiskProtected] = append(by[RiskProtected], u)
			}
		case c != nil && f.Write != "" && u.ID != "":
			if err := CheckWrite(ctx, c, f.Write, u.ID); errors.Is(err, ErrProtected) {
				by[RiskProtected] = append(by[RiskProtected], u)
			}
		}
	}
	var r Risks
	for _, k := range riskOrder {
		if len(by[k]) > 0 {
			r.Groups = append(r.Groups, RiskGroup{Kind: k, Users: by[k]})
		}
	}
	if f.Admins == nil && len(users) > 0 {
		why := f.AdminsWhy
		if why == "" {
			why = "not looked up"
		}
		r.Unchecked = append(r.Unchecked, "which targets are admins ("+why+"); treat any of them as possibly one")
	}
	return r
}

// maxAdminPages bounds the pages ListAdmins follows (999 admins a page).
const maxAdminPages = 50

// ListAdmins returns the ids (lower case) of every user the registration
// report marks isAdmin ("whether the user has an admin role in the tenant",
// GET /reports/authenticationMethods/userRegistrationDetails with
// $filter=isAdmin eq true): usually one request for the whole tenant,
// however many targets there are. A next link seen twice, or more than
// maxAdminPages pages, is an error rather than a partial list.
func ListAdmins(ctx context.Context, c Client) (map[string]bool, error) {
	yes := true
	p, err := c.Registrations(ctx, RegistrationFilter{IsAdmin: &yes, PageSize: 999})
	out := map[string]bool{}
	seen := map[string]bool{}
	for page := 1; ; page++ {
		if err != nil {
			return nil, err
		}
		for _, r := range p.Items {
			out[strings.ToLower(r.ID)] = true
		}
		if p.Next == "" {
			return out, nil
		}
		if seen[URLKey(p.Next)] || page >= maxAdminPages {
			return nil, fmt.Errorf("list admins: the report's pages do not end (page %d)", page)
		}
		seen[URLKey(p.Next)] = true
		p, err = c.NextRegistrations(ctx, p.Next)
	}
}
