package graph_test

import (
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph"
)

// The one CSV writer defuses formulas, strips control sequences and keeps
// every row at the header's width.
func TestCSVWriter(t *testing.T) {
	var b strings.Builder
	err := graph.WriteCSV(&b, []string{"a", "b", "c"}, [][]string{
		{"=HYPERLINK(\"http://x\")", "+1", "\x1b[31mred"},
		{"only one"},
		{"1", "2", "3", "extra"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "a,b,c\n\"'=HYPERLINK(\"\"http://x\"\")\",'+1,red\nonly one,,\n1,2,3\n"
	if b.String() != want {
		t.Fatalf("got\n%q\nwant\n%q", b.String(), want)
	}
}
