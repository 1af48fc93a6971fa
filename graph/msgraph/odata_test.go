package msgraph

import (
	"strings"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph"
)

// parseFilterLiteral reads one OData string literal that must span all of
// s, as Graph's parser would: quotes doubled inside, one closing quote at
// the very end.
func parseFilterLiteral(s string) (string, bool) {
	if len(s) < 2 || s[0] != '\'' {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] == '\'' {
			if i+1 < len(s) && s[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			return b.String(), i == len(s)-1 // closing quote: nothing may follow
		}
		b.WriteByte(s[i])
	}
	return "", false // never closed
}

// parseSearchTerm reads one "property:value" $search clause spanning all of
// s, honouring backslash escapes.
func parseSearchTerm(s, property string) (string, bool) {
	prefix := `"` + property + ":"
	if !strings.HasPrefix(s, prefix) {
		return "", false
	}
	var b strings.Builder
	for i := len(prefix); i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 >= len(s) {
				return "", false
			}
			i++
			b.WriteByte(s[i])
		case '"':
			return b.String(), i == len(s)-1
		default:
			b.WriteByte(s[i])
		}
	}
	return "", false
}

var hostile = []string{"O'Brien", `a"b`, "x' or 1 eq 1", `x" OR "mail:*`, `back\slash`, `\`, `'`, `''`, `"`, `\"`, "", "d'Artagnan's", "émile 'ü'", "a\x00b", "\xeb"}

func TestFilterLiteral(t *testing.T) {
	want := map[string]string{
		"O'Brien":      "'O''Brien'",
		`a"b`:          `'a"b'`,
		"x' or 1 eq 1": "'x'' or 1 eq 1'",
		"":             "''",
	}
	for in, w := range want {
		if got := graph.FilterLiteral(in); got != w {
			t.Errorf("FilterLiteral(%q) = %q, want %q", in, got, w)
		}
	}
	for _, in := range hostile {
		got, ok := parseFilterLiteral(graph.FilterLiteral(in))
		if !ok || got != in {
			t.Errorf("FilterLiteral(%q) parses back as %q (ok=%v)", in, got, ok)
		}
	}
}

func TestSearchTerm(t *testing.T) {
	want := map[string]string{
		"O'Brien": `"displayName:O'Brien"`,
		`a"b`:     `"displayName:a\"b"`,
		`a\b`:     `"displayName:a\\b"`,
	}
	for in, w := range want {
		if got := graph.SearchTerm("displayName", in); got != w {
			t.Errorf("SearchTerm(%q) = %q, want %q", in, got, w)
		}
	}
	for _, in := range hostile {
		got, ok := parseSearchTerm(graph.SearchTerm("mail", in), "mail")
		if !ok || got != in {
			t.Errorf("SearchTerm(%q) parses back as %q (ok=%v)", in, got, ok)
		}
	}
	if got := graph.UserSearch(`a"b`); got != `"displayName:a\"b" OR "userPrincipalName:a\"b" OR "mail:a\"b"` {
		t.Errorf("userSearch = %s", got)
	}
}

func FuzzFilterLiteral(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		lit := graph.FilterLiteral(in)
		got, ok := parseFilterLiteral(lit)
		if !ok || got != in {
			t.Fatalf("FilterLiteral(%q) = %s parses back as %q (ok=%v)", in, lit, got, ok)
		}
		// Embedded in a filter, the literal is the last token: nothing of
		// the input escapes into the expression.
		expr := "userPrincipalName eq " + lit
		if !strings.HasPrefix(expr, "userPrincipalName eq '") || !strings.HasSuffix(expr, "'") {
			t.Fatalf("expression %q", expr)
		}
	})
}

func FuzzSearchEscape(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		term := graph.SearchTerm("displayName", in)
		got, ok := parseSearchTerm(term, "displayName")
		if !ok || got != in {
			t.Fatalf("SearchTerm(%q) = %s parses back as %q (ok=%v)", in, term, got, ok)
		}
	})
}

func TestIDChecks(t *testing.T) {
	guids := map[string]bool{
		aliceID:                                true,
		"AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE": true,
		"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeee":  false,
		"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeeg": false,
		"aaaaaaaabbbbbccccdddddeeeeeeeeeeeeee": false,
		"":                                     false,
	}
	for s, want := range guids {
		if graph.IsGUID(s) != want {
			t.Errorf("IsGUID(%q) = %v", s, !want)
		}
	}
	upns := map[string]bool{
		"alice@contoso.com":                   true,
		"o'brien@contoso.com":                 true,
		"first.last+x@contoso.co.uk":          true,
		"alice":                               false,
		"@contoso.com":                        false,
		"alice@":                              false,
		"a b@contoso.com":                     false,
		"a@b@c":                               false,
		"../x@contoso.com":                    false,
		"x@contoso.com?$top=1":                false,
		"x@contoso.com#f":                     false,
		"grace_fabrikam.com#EXT#@contoso.com": true,
		"x\n@contoso.com":                     false,
	}
	for s, want := range upns {
		if graph.LooksLikeUPN(s) != want {
			t.Errorf("LooksLikeUPN(%q) = %v", s, !want)
		}
	}
	for _, id := range []string{graph.PasswordMethodID, "-2_GRUg2-HYz6_1YG4YRAQ2", "abc=="} {
		if err := graph.CheckMethodID("op", id); err != nil {
			t.Errorf("checkMethodID(%q): %v", id, err)
		}
	}
	for _, id := range []string{"", "../x", "a/b", "a?b", "a b", "a%2Fb", strings.Repeat("a", 600)} {
		if err := graph.CheckMethodID("op", id); err == nil {
			t.Errorf("checkMethodID(%q) accepted", id)
		}
	}
}

func TestFilters(t *testing.T) {
	since := time.Date(2024, 5, 1, 8, 0, 0, 0, time.FixedZone("x", 2*3600))
	until := since.Add(24 * time.Hour)
	tests := []struct{ got, want string }{
		{signInFilter(aliceID, graph.SignInQuery{Since: since}, graph.SignInInteractive), "userId eq '" + aliceID + "' and createdDateTime ge 2024-05-01T06:00:00Z"},
		// failures are picked out client-side: status/errorCode documents eq only
		{signInFilter(aliceID, graph.SignInQuery{Since: since, Until: until, FailuresOnly: true}, graph.SignInInteractive),
			"userId eq '" + aliceID + "' and createdDateTime ge 2024-05-01T06:00:00Z and createdDateTime le 2024-05-02T06:00:00Z"},
		{signInFilter("o'brien@contoso.com", graph.SignInQuery{}, graph.SignInInteractive), "userPrincipalName eq 'o''brien@contoso.com'"},
		{signInFilter(aliceID, graph.SignInQuery{}, graph.SignInNonInteractive), "userId eq '" + aliceID + "' and signInEventTypes/any(t: t eq 'nonInteractiveUser')"},
		{auditFilter(aliceID, graph.AuditQuery{}), "targetResources/any(t:t/id eq '" + aliceID + "')"},
		{auditFilter(aliceID, graph.AuditQuery{Since: since}), "targetResources/any(t:t/id eq '" + aliceID + "') and activityDateTime ge 2024-05-01T06:00:00Z"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got  %s\nwant %s", tc.got, tc.want)
		}
	}
}

func TestRegistrationFilterExpr(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		f    graph.RegistrationFilter
		want string
	}{
		{graph.RegistrationFilter{}, ""},
		{graph.RegistrationFilter{IsMfaRegistered: &no}, "isMfaRegistered eq false"},
		// isAdmin and userType are not documented as filterable: Keep applies them
		{graph.RegistrationFilter{IsAdmin: &yes, IsMfaRegistered: &no}, "isMfaRegistered eq false"},
		{graph.RegistrationFilter{MethodsRegistered: "mobilePhone", UserType: "Member"}, "methodsRegistered/any(m:m eq 'mobilePhone')"},
		{graph.RegistrationFilter{MethodsRegistered: "x') or (1 eq 1"}, "methodsRegistered/any(m:m eq 'x'') or (1 eq 1')"},
		{graph.RegistrationFilter{IsMfaCapable: &yes, IsSsprRegistered: &no}, "isMfaCapable eq true and isSsprRegistered eq false"},
	}
	for _, tc := range tests {
		if got := graph.RegistrationFilterExpr(tc.f); got != tc.want {
			t.Errorf("RegistrationFilterExpr(%+v) = %q, want %q", tc.f, got, tc.want)
		}
	}
	f := graph.RegistrationFilter{IsAdmin: &yes, UserType: "member"}
	if !f.Keep(graph.Registration{IsAdmin: true, UserType: "member"}) || f.Keep(graph.Registration{IsAdmin: false, UserType: "member"}) ||
		f.Keep(graph.Registration{IsAdmin: true, UserType: "guest"}) {
		t.Error("Keep does not apply isAdmin/userType")
	}
}
