package graph

import (
	"slices"
	"strconv"
	"strings"
)

// RegistrationFilterExpr is the $filter Graph is sent for a
// RegistrationFilter ("" for none): only the properties
// userRegistrationDetails documents as filterable
// (api-reference/v1.0/resources/userregistrationdetails.md). isAdmin and
// userType are not, so Keep applies them here.
func RegistrationFilterExpr(f RegistrationFilter) string {
	var parts []string
	b := func(name string, v *bool) {
		if v != nil {
			parts = append(parts, name+" eq "+strconv.FormatBool(*v))
		}
	}
	b("isMfaRegistered", f.IsMfaRegistered)
	b("isMfaCapable", f.IsMfaCapable)
	b("isSsprRegistered", f.IsSsprRegistered)
	if f.MethodsRegistered != "" {
		parts = append(parts, "methodsRegistered/any(m:m eq "+FilterLiteral(f.MethodsRegistered)+")")
	}
	return strings.Join(parts, " and ")
}

// Keep reports whether r passes every clause of f, including those Graph
// cannot filter on (isAdmin, userType). Callers following NextRegistrations
// apply it to each page.
func (f RegistrationFilter) Keep(r Registration) bool {
	is := func(want *bool, got bool) bool { return want == nil || *want == got }
	return is(f.IsMfaRegistered, r.IsMfaRegistered) && is(f.IsMfaCapable, r.IsMfaCapable) &&
		is(f.IsSsprRegistered, r.IsSsprRegistered) && is(f.IsAdmin, r.IsAdmin) &&
		(f.MethodsRegistered == "" || slices.Contains(r.MethodsRegistered, f.MethodsRegistered)) &&
		(f.UserType == "" || strings.EqualFold(f.UserType, r.UserType))
}

func CleanAll(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		out = append(out, CleanText(s))
	}
	return out
}
