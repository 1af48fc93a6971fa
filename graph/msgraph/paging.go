package msgraph

import "github.com/mfadesk/mfadesk/graph"

// Paging guards. A server (Graph misbehaving, or anything answering in its
// place) can send an @odata.nextLink that never ends: one pointing back at
// the page just fetched, a cycle of pages, or simply no last page. A
// listing that follows next-page links stops on any of these with a clear
// error instead of fetching forever.

// selfLink reports a next-page link that names the page it came in (fetched
// at url): following it would fetch the same page forever.
func (c *MSGraph) selfLink(op string, ci *callInfo, next string) error {
	ci.mu.Lock()
	fetched := ci.url
	ci.mu.Unlock()
	if fetched == "" || graph.URLKey(fetched) != graph.URLKey(next) {
		return nil
	}
	return &graph.Error{Kind: graph.ErrUnavailable, Op: op, Message: "Graph's next-page link points back to the page just fetched; not followed (the listing would never end)"}
}
