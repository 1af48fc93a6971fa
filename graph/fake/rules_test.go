package fake

import (
	"strings"
	"testing"
)

// TestRulesHaveSources is the table of the fake's Graph rules: each names the
// documentation page it comes from. Run with -v to print the table.
func TestRulesHaveSources(t *testing.T) {
	for _, r := range Rules() {
		if strings.TrimSpace(r.What) == "" {
			t.Errorf("rule %s: no description", r.ID)
		}
		src := r.Source
		if !strings.HasPrefix(src, "https://learn.microsoft.com/") &&
			!strings.HasPrefix(src, "api-reference/") && !strings.HasPrefix(src, "concepts/") {
			t.Errorf("rule %s: source %q is not a documentation page (learn.microsoft.com URL or docs-contrib path)", r.ID, src)
		}
		t.Logf("%-44s %s\n    %s", r.ID, r.What, src)
	}
}
