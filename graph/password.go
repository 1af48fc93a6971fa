package graph

import (
	"crypto/rand"
	"math/big"
	"strings"
)

// Resetting a password (authenticationmethod-resetpassword.md, v1.0):
//
//	POST /users/{id}/authentication/methods/28c10230-6103-485e-b985-444c60001490/resetPassword
//	{"newPassword": "..."}
//
// answers 202 Accepted with a Location to poll
// (/users/{id}/authentication/operations/{id}, a longRunningOperation whose
// status ends succeeded or failed). "The user is prompted to change their
// password on their next sign in": the reset itself forces the change, so
// mfadesk does not also PATCH passwordProfile.forceChangePasswordNextSignIn
// (the page sends only Azure AD B2C there, and it would need a second
// permission, User.ReadWrite.All).
//
// newPassword "is required for tenants with hybrid password scenarios" and
// may be left out only for a cloud-only password, when Graph makes one up.
// mfadesk cannot tell from a user whether their tenant writes passwords back
// on-premises, so it always sends one it generated (the reading that works
// in both cases); the adapter still reads a Graph-generated password back
// should the body carry one.

// Secret is a value shown once and kept nowhere: a temporary password. It
// prints as [redacted] through fmt (%v, %s, %+v, %#v) and JSON, so a
// Change or Result logged or marshalled by mistake leaks nothing; Reveal is
// the one way to read it, for the dialog or the line that shows it.
type Secret string

const redacted = "[redacted]"

// Reveal returns the secret itself.
func (s Secret) Reveal() string { return string(s) }

// String implements fmt.Stringer.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString implements fmt.GoStringer (%#v).
func (s Secret) GoString() string { return s.String() }

// MarshalJSON never writes the value: a document that must carry it (the
// CLI's -o json when asked) copies Reveal into a plain string.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// Password complexity, from "Microsoft Entra password policies"
// (learn.microsoft.com/entra/identity/authentication/concept-sspr-policy):
// 8 to 256 characters of A-Z, a-z, 0-9 and the listed symbols, three of the
// four kinds. The generator uses all four and leaves out look-alikes
// (0/O, 1/l/I) and the symbols that trip up a shell, a CSV cell or reading
// aloud (quotes, backslash, space, ; ` < > |).
const (
	pwUpper   = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	pwLower   = "abcdefghijkmnopqrstuvwxyz"
	pwDigits  = "23456789"
	pwSymbols = "#%+=?!*-"
	// TemporaryPasswordLength is the length of a generated password: well
	// over the policy's 8 and any on-premises minimum a writeback tenant
	// is likely to set.
	TemporaryPasswordLength = 16
)

// NewTemporaryPassword returns a fresh random password (crypto/rand) that
// meets Entra's complexity rules: TemporaryPasswordLength characters, at
// least one of each kind, starting with a letter.
func NewTemporaryPassword() Secret {
	all := pwUpper + pwLower + pwDigits + pwSymbols
	b := make([]byte, TemporaryPasswordLength)
	// One of each kind, the rest from every kind, then shuffled; the first
	// character is swapped for a letter so the password never starts with
	// a symbol (read aloud, pasted after a prompt).
	b[0], b[1], b[2], b[3] = pick(pwUpper), pick(pwLower), pick(pwDigits), pick(pwSymbols)
	for i := 4; i < len(b); i++ {
		b[i] = pick(all)
	}
	for i := len(b) - 1; i > 0; i-- {
		j := randN(i + 1)
		b[i], b[j] = b[j], b[i]
	}
	if !strings.ContainsRune(pwUpper+pwLower, rune(b[0])) {
		for i := 1; i < len(b); i++ {
			if strings.ContainsRune(pwUpper+pwLower, rune(b[i])) {
				b[0], b[i] = b[i], b[0]
				break
			}
		}
	}
	return Secret(b)
}

func pick(set string) byte { return set[randN(len(set))] }

// randN is uniform in [0, n) from crypto/rand (which does not fail: Go
// 1.24 and later crash the program rather than return an error).
func randN(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic("crypto/rand: " + err.Error())
	}
	return int(v.Int64())
}

// PasswordComplexityProblem says why p does not meet Entra's cloud
// password policy ("" when it does): length 8-256, only the allowed
// characters, three of the four kinds.
func PasswordComplexityProblem(p string) string {
	const symbols = "@#$%^&*-_!+=[]{}|\\:',.?/`~\"();<> "
	if n := len(p); n < 8 || n > 256 {
		return "a password has 8 to 256 characters"
	}
	var up, low, dig, sym bool
	for _, r := range p {
		switch {
		case r >= 'A' && r <= 'Z':
			up = true
		case r >= 'a' && r <= 'z':
			low = true
		case r >= '0' && r <= '9':
			dig = true
		case strings.ContainsRune(symbols, r):
			sym = true
		default:
			return "a password may hold only A-Z, a-z, 0-9, the listed symbols and spaces (no other characters)"
		}
	}
	kinds := 0
	for _, k := range []bool{up, low, dig, sym} {
		if k {
			kinds++
		}
	}
	if kinds < 3 {
		return "a password needs three of: upper-case letters, lower-case letters, digits, symbols"
	}
	return ""
}

// PasswordReset is what a reset returns: the new password (shown once)
// and how far Graph got with it.
type PasswordReset struct {
	// Password is the new password, to be shown once.
	Password Secret
	// Confirmed: the reset operation reached "succeeded". When false,
	// Graph accepted the reset (202) but mfadesk could not see it finish
	// (Status says why): the password is shown anyway, since it may
	// already be the user's.
	Confirmed bool
	// Status is the operation's last status in words ("succeeded",
	// "still running after 2m0s", "accepted; Graph gave no status link").
	Status string
}
