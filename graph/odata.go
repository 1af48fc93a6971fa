package graph

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// OData safety. Everything a person types (a search box, a CSV cell, a
// command-line argument) reaches Graph only through these helpers, so a quote
// in "O'Brien" can neither break a query nor widen it ("x' or 1 eq 1").

// FilterLiteral quotes s as an OData string literal for $filter: the value
// goes between single quotes and every single quote inside is doubled, the
// only escape OData defines for string literals.
func FilterLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// SearchTerm quotes one "property:value" clause for $search. Inside the
// double quotes Graph honours backslash escapes, so a backslash and a double
// quote are escaped; nothing else is special inside a quoted clause.
func SearchTerm(property, value string) string {
	var b strings.Builder
	b.Grow(len(property) + len(value) + 4)
	b.WriteByte('"')
	b.WriteString(property)
	b.WriteByte(':')
	// Bytewise: both specials are ASCII, and the input reaches Graph
	// exactly as typed (invalid UTF-8 included) rather than re-encoded.
	for i := 0; i < len(value); i++ {
		if c := value[i]; c == '"' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(value[i])
	}
	b.WriteByte('"')
	return b.String()
}

// UserSearch is the $search expression for the user search box: the query as
// one term matched against displayName, userPrincipalName and mail.
func UserSearch(q string) string {
	return SearchTerm("displayName", q) + " OR " + SearchTerm("userPrincipalName", q) + " OR " + SearchTerm("mail", q)
}

// IsGUID reports an object id in its canonical 8-4-4-4-12 hex form.
func IsGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// LooksLikeUPN reports a plausible user principal name: one '@' with text on
// both sides, no spaces, controls or URL structure characters ('#' is allowed:
// guests are name_domain#EXT#@tenant, and the path escapes it). It is a guard
// against typos and injection, not a full validation (Graph has the last
// word).
func LooksLikeUPN(s string) bool {
	if len(s) < 3 || len(s) > 1024 || !utf8.ValidString(s) {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.Count(s, "@") != 1 || strings.Contains(s[at:], "#") {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(`/\?%"<>`, r) {
			return false
		}
	}
	return true
}

// CheckUserKey validates a user id argument: an object id or a UPN.
func CheckUserKey(op, s string) error {
	if IsGUID(s) || LooksLikeUPN(s) {
		return nil
	}
	return &Error{Kind: ErrBadRequest, Op: op, Message: fmt.Sprintf("%q is neither an object id nor a user principal name", CleanText(s))}
}

// CheckMethodID validates an authentication method id. Graph's ids are GUIDs
// or base64url strings ("-2_GRUg2-HYz6_1YG4YRAQ2"); anything that could
// change the URL's structure is refused before a request is made.
func CheckMethodID(op, s string) error {
	ok := len(s) > 0 && len(s) <= 512
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.=+~", c) >= 0
	}
	if ok {
		return nil
	}
	return &Error{Kind: ErrBadRequest, Op: op, Message: fmt.Sprintf("%q is not a valid authentication method id", CleanText(s))}
}

// ODataTime formats a time for a $filter comparison (an unquoted
// DateTimeOffset literal).
func ODataTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// URLKey is a URL in a comparable form (query parameters sorted and
// encoded one way), so one page is recognised however its link is spelled.
func URLKey(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	u.RawQuery = u.Query().Encode()
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}
