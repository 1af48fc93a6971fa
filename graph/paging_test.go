package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// A hostile server whose next-page link is the URL just fetched: the page
// is refused at once, not followed forever.
func TestNextLinkToSelfRefused(t *testing.T) {
	var srv *canned
	srv = newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		self := srv.URL + r.URL.RequestURI()
		writeJSON(w, 200, fmt.Sprintf(`{"@odata.nextLink":%q,"value":[{"id":"11111111-1111-1111-1111-111111111111","displayName":"A"}]}`, self))
	})
	c, _ := testClient(t, srv.URL)
	_, err := c.SearchUsers(context.Background(), "a", 25)
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "points back") {
		t.Fatalf("err %v", err)
	}
	// The same for a next page.
	_, err = c.NextUsers(context.Background(), srv.URL+"/v1.0/users?$skiptoken=x")
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "points back") {
		t.Fatalf("next: err %v", err)
	}
	if n := len(srv.requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestPagerCycleAndBound(t *testing.T) {
	p := NewPager("list users")
	if err := p.Follow("https://graph.microsoft.com/v1.0/users?$skiptoken=b&$top=5"); err != nil {
		t.Fatal(err)
	}
	if err := p.Follow("https://graph.microsoft.com/v1.0/users?$skiptoken=c"); err != nil {
		t.Fatal(err)
	}
	// b again, its query in another order.
	if err := p.Follow("https://graph.microsoft.com/v1.0/users?$top=5&$skiptoken=b"); err == nil || !strings.Contains(err.Error(), "already fetched") {
		t.Fatalf("cycle: %v", err)
	}
	p = NewPager("list users")
	var err error
	for i := 0; err == nil; i++ {
		err = p.Follow(fmt.Sprintf("https://graph.microsoft.com/v1.0/users?$skiptoken=%d", i))
		if i > MaxListPages+1 {
			t.Fatal("no bound")
		}
	}
	if p.pages != MaxListPages || !strings.Contains(err.Error(), "pages") {
		t.Fatalf("stopped at %d: %v", p.pages, err)
	}
}
