package fake

import "sort"

// Rule is one behaviour the fake tenant enforces because Graph does, with
// the documentation page that says so. Every rule the fake enforces is
// registered here (with docRule, from the file that enforces it) so that
// the table in rules_test.go lists them all with their sources, and a rule
// without a source fails the build's tests.
type Rule struct {
	ID     string // short stable name, e.g. "methods.v1-lists-v1-kinds"
	What   string // the rule in one sentence
	Source string // the documentation page: a learn.microsoft.com URL or a docs-contrib path
}

var rules = map[string]Rule{}

// docRule registers a rule and returns its ID, so a file can write
//
//	var ruleDefaultLast = docRule("methods.default-last", "...", "https://learn.microsoft.com/...")
//
// beside the code that enforces it. A duplicate ID panics at init.
func docRule(id, what, source string) string {
	if _, dup := rules[id]; dup {
		panic("fake: rule registered twice: " + id)
	}
	rules[id] = Rule{ID: id, What: what, Source: source}
	return id
}

// Rules lists every rule the fake enforces, sorted by ID.
func Rules() []Rule {
	out := make([]Rule, 0, len(rules))
	for _, r := range rules {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
