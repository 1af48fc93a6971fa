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

// A verbatim column (a pass value) is cleaned but never defused: an
// apostrophe in front of "=Kq7#" would make the copied pass fail.
func TestCSVWriterVerbatimColumn(t *testing.T) {
	var b strings.Builder
	err := graph.WriteCSV(&b, []string{"user", "pass"}, [][]string{
		{"=evil", "=Kq7#Lp2!"},
		{"@x", "+\x1b[31mAb"},
	}, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := "user,pass\n'=evil,=Kq7#Lp2!\n'@x,+Ab\n"
	if b.String() != want {
		t.Fatalf("got\n%q\nwant\n%q", b.String(), want)
	}
}
