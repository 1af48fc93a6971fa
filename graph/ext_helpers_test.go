package graph_test

import "github.com/mfadesk/mfadesk/graph"

// errOf and tapOf adapt Apply's answer for tests written against the one
// value they check.
func errOf(_ graph.Result, err error) error { return err }

func tapOf(r graph.Result, err error) (graph.TAP, error) { return r.TAP, err }
