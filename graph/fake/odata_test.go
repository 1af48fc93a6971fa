package fake

import (
	"strings"
	"testing"
	"time"
)

func TestParseFilterForms(t *testing.T) {
	u := &user{UserData: UserData{ID: "abc", DisplayName: "Bob O'Brien", UserPrincipalName: "bob@contoso.com",
		AccountEnabled: true, CreatedDateTime: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}}
	tests := []struct {
		f    string
		want bool
	}{
		{"displayName eq 'Bob O''Brien'", true},
		{"displayName eq 'bob o''brien'", true}, // directory string compare ignores case
		{"displayName ne 'Bob O''Brien'", false},
		{"not (displayName eq 'x')", true},
		{"startswith(displayName,'bob o')", true},
		{"endswith(userPrincipalName,'@contoso.com')", true},
		{"id in ('x','abc')", true},
		{"id in ('x')", false},
		{"accountEnabled eq true and id eq 'abc'", true},
		{"accountEnabled eq false or id eq 'abc'", true},
		{"accountEnabled eq false or (id eq 'x' and id eq 'abc')", false},
		{"createdDateTime ge 2024-12-31T00:00:00Z", true},
		{"createdDateTime lt 2024-12-31T00:00:00Z", false},
		{"createdDateTime gt 2025-01-01T00:00:00.5Z", false},
		{"mail eq null", true},
		{"ID EQ 'abc'", true},
	}
	for _, tc := range tests {
		n, err := parseFilter(tc.f)
		if err == nil {
			err = n.check(userSchema, nil)
		}
		if err != nil {
			t.Errorf("%s: %v", tc.f, err)
			continue
		}
		if got := n.eval(userEnt{u}, userSchema, nil); got != tc.want {
			t.Errorf("%s = %v", tc.f, got)
		}
	}
	// lambdas over string and object collections
	r := regRow{u: u, methods: []string{"email", "mobilePhone"}}
	for f, want := range map[string]bool{
		"methodsRegistered/any(m:m eq 'mobilePhone')":            true,
		"methodsRegistered/any(m:m eq 'fido2')":                  false,
		"methodsRegistered/all(m:m ne 'fido2')":                  true,
		"methodsRegistered/any(x: x eq 'email') and id eq 'abc'": true,
	} {
		n, err := parseFilter(f)
		if err == nil {
			err = n.check(regSchema, nil)
		}
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if got := n.eval(r, regSchema, nil); got != want {
			t.Errorf("%s = %v", f, got)
		}
	}
	for _, f := range []string{"methodsRegistered eq 'x'", "id/any(m:m eq 'x')", "methodsRegistered/any(m:m/x eq 'y')"} {
		n, err := parseFilter(f)
		if err == nil {
			err = n.check(regSchema, nil)
		}
		if err == nil {
			t.Errorf("%s: accepted", f)
		}
	}
	if v, ok := mustParse(t, "userId eq 'u1' and createdDateTime ge 2026-01-01T00:00:00Z").topEq("userId"); !ok || v != "u1" {
		t.Errorf("topEq %q %v", v, ok)
	}
	if _, ok := mustParse(t, "userId eq 'u1' or userId eq 'u2'").topEq("userId"); ok {
		t.Error("topEq under or")
	}
	if v, ok := mustParse(t, "targetResources/any(t:t/id eq 'x1')").topEq("targetResources/id"); !ok || v != "x1" {
		t.Errorf("topEq lambda %q %v", v, ok)
	}
}

func mustParse(t *testing.T, f string) *node {
	t.Helper()
	n, err := parseFilter(f)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSearchMatch(t *testing.T) {
	tests := []struct {
		value, term string
		want        bool
	}{
		{"Alice Wong", "al", true},
		{"Alice Wong", "wo", true},
		{"Alice Wong", "ong", false},
		{"Bob O'Brien", "o'brien", true},
		{"Bob O'Brien", "brien", true},
		{"Seán McDonald", "mcd", true},
		{"Seán McDonald", "donald", true},
		{"Seán McDonald", "seá", true},
		{"bob.obrien@contoso.com", "obrien", true},
		{"bob.obrien@contoso.com", "contoso", true},
		{"bob.obrien@contoso.com", "bob.ob", true},
		{"Alice Wong", "alice wong", true},
		{"Alice Wong", "wong alice", true},
		{"Alice Wong", "alice x", false},
		{"", "a", false},
		{"Alice", "", true},
		{"Alice", "\"", false},
	}
	for _, tc := range tests {
		if got := searchMatch(tc.value, tc.term); got != tc.want {
			t.Errorf("searchMatch(%q, %q) = %v", tc.value, tc.term, got)
		}
	}
}

// escapeOData quotes a string literal the way a client must.
func escapeOData(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// escapeSearch quotes a $search term the way a client must.
func escapeSearch(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// FuzzFilterLiteral: any value, escaped as OData requires, parses back to
// exactly one comparison with that value: quotes never widen a filter.
func FuzzFilterLiteral(f *testing.F) {
	for _, s := range []string{"O'Brien", `a"b`, "x' or 1 eq 1", "''", "'", ")", "a' or startswith(displayName,'", "\x00\u202E"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		n, err := parseFilter("userPrincipalName eq " + escapeOData(v))
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		if n.op != "eq" || n.lit != v {
			t.Fatalf("%q parsed as %+v", v, n)
		}
	})
}

// FuzzSearchTerm: any term, escaped, stays one clause with that term.
func FuzzSearchTerm(f *testing.F) {
	for _, s := range []string{"O'Brien", `a"b`, `\`, `" OR "mail:x`, "al"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		n, err := parseSearch(`"displayName:`+escapeSearch(v)+`"`, searchableUserProps)
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		if n.op != "term" || n.term != v {
			t.Fatalf("%q parsed as %+v", v, n)
		}
	})
}

// FuzzFilter: hostile filters never panic, whatever they evaluate to.
func FuzzFilter(f *testing.F) {
	for _, s := range []string{"id eq 'a'", "methodsRegistered/any(m:m eq 'x')", "not not (a eq 1)", "startswith(", "((((", "a/b/c/any(x:x/y/z eq 1)", "x in ()", "createdDateTime ge 2026-13-45T99:00:00Z"} {
		f.Add(s)
	}
	u := &user{UserData: UserData{ID: "a", DisplayName: "A"}}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseFilter(s)
		if err != nil {
			return
		}
		for _, sc := range []*schema{userSchema, regSchema, signInSchema, auditSchema} {
			if n.check(sc, nil) == nil {
				switch sc {
				case userSchema:
					n.eval(userEnt{u}, sc, nil)
				case regSchema:
					n.eval(makeReg(u), sc, nil)
				case signInSchema:
					n.eval(signInRow{u, &SignInData{}}, sc, nil)
				case auditSchema:
					n.eval(auditRow{&AuditData{Targets: []TargetData{{ID: "a"}}}}, sc, nil)
				}
			}
		}
	})
}

func FuzzSearch(f *testing.F) {
	for _, s := range []string{`"displayName:al" OR "mail:al"`, `("a:b"`, `"displayName:\"`, `AND`, `"displayName:x" AND ("mail:y" OR "upn:z")`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseSearch(s, searchableUserProps)
		if err != nil {
			return
		}
		n.match(func(string) string { return "Alice Wong" })
	})
}
