package cli

import (
	"regexp"
	"strings"

	"github.com/mfadesk/mfadesk/config"
	"github.com/mfadesk/mfadesk/graph/appreg"
)

// After `mfadesk setup`, the usual thing missing is the admin's consent:
// the first sign-in fails with AADSTS65001 (or 90094/90095: an admin must
// consent), or, after consent to only some permissions, the token's scp
// lacks some of what mfadesk asks for. doctor says which, and where an
// admin grants it.

// consentRE finds the AADSTS codes that mean "not consented" in a
// sign-in error's text (the classified error keeps Entra's text, not the
// credential's error value).
var consentRE = regexp.MustCompile(`AADSTS(65001|90094|90095)\b`)

// consentURL is the admin-consent URL of the profile's app ("" when the
// profile names no app).
func consentURL(l *config.Loaded) string {
	if l == nil || l.Profile.ClientID == "" || l.Profile.Tenant == "" {
		return ""
	}
	return appreg.ConsentURL(l.Profile.Endpoints().AuthorityHost, l.Profile.Tenant, l.Profile.ClientID)
}

// consentForSignIn adds the consent URL to a sign-in error that is about
// consent ("" otherwise).
func consentForSignIn(l *config.Loaded, err error) string {
	if err == nil || !consentRE.MatchString(err.Error()) {
		return ""
	}
	if u := consentURL(l); u != "" {
		return "an admin grants consent for this app at " + u + " (then run doctor again)"
	}
	return ""
}

// missingConsent names the delegated permissions mfadesk asked for that
// the token does not carry (requested: the scopes as asked, qualified or
// not; scp: the token's claim). Empty when nothing is missing or nothing
// is known (no token, or app-only).
func missingConsent(requested, scp []string) []string {
	if len(scp) == 0 {
		return nil
	}
	var out []string
	for _, r := range requested {
		name := r
		if i := strings.LastIndex(r, "/"); i >= 0 && strings.Contains(r, "://") {
			name = r[i+1:]
		}
		if name == ".default" || name == "" {
			continue
		}
		found := false
		for _, s := range scp {
			if strings.EqualFold(s, name) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, name)
		}
	}
	return out
}

// consentNote is doctor's note for missing, "" when nothing is missing.
func consentNote(l *config.Loaded, missing []string) string {
	if len(missing) == 0 {
		return ""
	}
	n := "the token lacks " + strings.Join(missing, ", ") + ", which mfadesk asks for: admin consent is not granted for them"
	if u := consentURL(l); u != "" {
		n += "; an admin grants it at " + u
	} else {
		n += "; an admin grants it in Entra (App registrations, API permissions, Grant admin consent)"
	}
	return n
}
