package cli

import "github.com/mfadesk/mfadesk/graph"

// signInHint returns graph's hint for a sign-in error code and a one-line
// text of it for tables.
func signInHint(code int) (*graph.Hint, string, bool) {
	h, ok := graph.SignInHint(code)
	if !ok {
		return nil, "", false
	}
	return &h, hintText(h), true
}

func hintText(h graph.Hint) string {
	s := h.Meaning
	if h.Next != "" {
		s += " Next: " + h.Next
	}
	return s
}
