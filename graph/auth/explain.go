package auth

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/mfadesk/mfadesk/graph"
)

// explained puts Entra's reason (AADSTS code and description) and what to
// do about it on the first line of a sign-in error: azidentity's messages
// start with a generic line and bury the reason in a response dump, and
// callers show first lines. The original error stays wrapped.
type explained struct{ azcore.TokenCredential }

func (e explained) GetToken(ctx context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	tok, err := e.TokenCredential.GetToken(ctx, o)
	if err != nil {
		return tok, explain(ctx, err)
	}
	return tok, nil
}

// SignInError is a failed sign-in with Entra's reason first.
type SignInError struct {
	// Code is the AADSTS number ("700016"), empty when Entra gave none.
	Code string
	msg  string
	err  error
}

func (e *SignInError) Error() string { return e.msg }
func (e *SignInError) Unwrap() error { return e.err }

var aadstsRE = regexp.MustCompile(`AADSTS(\d+):\s*([^"\r\n]*)`)

// aadstsHints say what to do about the AADSTS codes a helpdesk meets when
// signing in to an admin tool.
var aadstsHints = map[string]string{
	"700016":  "the app registration (clientId) is not in this tenant: check clientId and tenant",
	"7000215": "the client secret is wrong: use the secret's value, not its id",
	"7000222": "the client secret has expired: create a new one in the app registration",
	"700027":  "the certificate is not one the app registration knows: upload its public key",
	"65001":   "the app has no consent for these permissions: an admin must grant consent (README, \"Sign-in and configuration\")",
	"90002":   "the tenant is not known: check tenant (a directory id or a verified domain)",
	"90023":   "the tenant is not known: check tenant",
	"50020":   "this account is from another tenant: sign in with an account of this tenant",
	"50076":   "multifactor authentication is required: finish it in the browser",
	"50079":   "this account must register for multifactor authentication first",
	"53003":   "Conditional Access blocked this sign-in: ask the identity team which policy applies",
	"50105":   "this account is not assigned to the app: an admin must assign it (or turn off assignment required)",
	"500011":  "the Graph resource is not in this cloud: check cloud (global, usgov, china)",
	"70043":   "the sign-in has expired: sign in again",
	"700082":  "the sign-in has expired after a period of inactivity: sign in again",
	"7000112": "the app is disabled in this tenant",
	"50126":   "wrong user name or password",
	"50053":   "the account is locked",
	"50057":   "the account is disabled",
}

func explain(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return err
	}
	m := aadstsRE.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	desc := m[2]
	if i := strings.Index(desc, " Trace ID:"); i >= 0 {
		desc = desc[:i]
	}
	desc = strings.TrimRight(strings.TrimSpace(desc), "\\")
	if len(desc) > 300 {
		desc = desc[:300] + "..."
	}
	msg := "sign-in failed: AADSTS" + m[1] + ": " + graph.CleanText(desc)
	if h := aadstsHints[m[1]]; h != "" {
		msg += " (" + h + ")"
	}
	var se *SignInError
	if errors.As(err, &se) {
		return err
	}
	return &SignInError{Code: m[1], msg: msg, err: err}
}
