package marks

import (
	"testing"

	"github.com/mfadesk/mfadesk/graph"
)

func TestSetKeepsOrderAndIndex(t *testing.T) {
	s := New()
	u := func(id string) graph.User { return graph.User{ID: id} }
	if n := s.Add(u("a"), u("b"), u("a"), u(""), u("c")); n != 3 {
		t.Fatalf("added %d, want 3", n)
	}
	if s.Toggle(u("b")) || s.Has("b") {
		t.Fatal("toggle did not unmark b")
	}
	if !s.Toggle(u("d")) {
		t.Fatal("toggle did not mark d")
	}
	s.Remove("a")
	var ids []string
	for _, x := range s.Users() {
		ids = append(ids, x.ID)
	}
	if len(ids) != 2 || ids[0] != "c" || ids[1] != "d" || s.Len() != 2 {
		t.Fatalf("order %v", ids)
	}
	s.Remove("c")
	if !s.Has("d") || s.Has("c") {
		t.Fatal("index wrong after removal")
	}
	s.Clear()
	if s.Len() != 0 || s.Has("d") {
		t.Fatal("clear")
	}
}
