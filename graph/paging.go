package graph

import (
	"fmt"
)

// Paging guards. A server (Graph misbehaving, or anything answering in its
// place) can send an @odata.nextLink that never ends: one pointing back at
// the page just fetched, a cycle of pages, or simply no last page. A
// listing that follows next-page links stops on any of these with a clear
// error instead of fetching forever.

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
	k := urlKey(next)
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

// selfLink reports a next-page link that names the page it came in (fetched
// at url): following it would fetch the same page forever.
func (c *MSGraph) selfLink(op string, ci *callInfo, next string) error {
	ci.mu.Lock()
	fetched := ci.url
	ci.mu.Unlock()
	if fetched == "" || urlKey(fetched) != urlKey(next) {
		return nil
	}
	return &Error{Kind: ErrUnavailable, Op: op, Message: "Graph's next-page link points back to the page just fetched; not followed (the listing would never end)"}
}
