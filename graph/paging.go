package graph

import "fmt"

// MaxListPages bounds the pages one listing (users --all, the registration
// report) follows: 5,000 pages of 999 rows is five million rows, beyond any
// tenant this tool is meant for.
const MaxListPages = 5000

// Pager tracks one listing's next-page links. The zero value is not
// usable; use NewPager.
type Pager struct {
	op    string
	max   int
	pages int
	seen  map[string]bool
}

// NewPager starts a listing described by op ("list users"), whose first
// page was fetched.
func NewPager(op string) *Pager {
	return &Pager{op: op, max: MaxListPages, pages: 1, seen: map[string]bool{}}
}

// Follow says whether next may be fetched: an error when it was already
// fetched in this listing, or when the listing has reached its page limit.
func (p *Pager) Follow(next string) error {
	k := URLKey(next)
	if p.seen[k] {
		return &Error{Kind: ErrUnavailable, Op: p.op, Message: fmt.Sprintf(
			"Graph's next-page link after page %d points back to a page already fetched; stopped (the listing would never end)", p.pages)}
	}
	if p.pages >= p.max {
		return &Error{Kind: ErrUnavailable, Op: p.op, Message: fmt.Sprintf(
			"Graph still sent a next-page link after %d pages; stopped (narrow the listing)", p.pages)}
	}
	p.seen[k] = true
	p.pages++
	return nil
}
