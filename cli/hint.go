package cli

// signInHint returns the hint for a sign-in error code: the JSON form and
// a one-line text. TEMPORARY: returns nothing until graph.SignInHint lands
// (client helper); then this wraps it.
func signInHint(code int) (any, string, bool) {
	_ = code
	return nil, "", false
}
