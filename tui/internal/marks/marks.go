// Package marks is the bulk selection: the users marked for a bulk action,
// in the order they were marked. One Set is shared by the users pane, the
// registration report and the CSV loader, so marks made anywhere feed the
// same bulk action and survive new searches.
package marks

import "github.com/mfadesk/mfadesk/graph"

// Set is an ordered set of users keyed by object id.
type Set struct {
	idx   map[string]int
	users []graph.User
}

// New returns an empty set.
func New() *Set { return &Set{idx: map[string]int{}} }

// Has reports whether the user with this id is marked.
func (s *Set) Has(id string) bool {
	_, ok := s.idx[id]
	return ok
}

// Len is the number of marked users.
func (s *Set) Len() int { return len(s.users) }

// Toggle marks u, or unmarks it when already marked; it returns the new state.
func (s *Set) Toggle(u graph.User) bool {
	if s.Has(u.ID) {
		s.Remove(u.ID)
		return false
	}
	s.Add(u)
	return true
}

// Add marks users not yet marked and returns how many were new.
func (s *Set) Add(us ...graph.User) int {
	n := 0
	for _, u := range us {
		if u.ID == "" || s.Has(u.ID) {
			continue
		}
		s.idx[u.ID] = len(s.users)
		s.users = append(s.users, u)
		n++
	}
	return n
}

// Remove unmarks the user with this id.
func (s *Set) Remove(id string) {
	i, ok := s.idx[id]
	if !ok {
		return
	}
	delete(s.idx, id)
	s.users = append(s.users[:i], s.users[i+1:]...)
	for j := i; j < len(s.users); j++ {
		s.idx[s.users[j].ID] = j
	}
}

// Clear unmarks everyone.
func (s *Set) Clear() {
	s.idx = map[string]int{}
	s.users = nil
}

// Users returns the marked users in marking order (a copy).
func (s *Set) Users() []graph.User { return append([]graph.User(nil), s.users...) }
