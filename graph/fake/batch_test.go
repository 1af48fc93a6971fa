package fake

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

type batchItem = map[string]any

func batchResponses(t *testing.T, r reply) map[string]map[string]any {
	t.Helper()
	expect(t, r, 200, "")
	out := map[string]map[string]any{}
	for _, x := range r.body["responses"].([]any) {
		m := x.(map[string]any)
		out[m["id"].(string)] = m
	}
	return out
}

func status(m map[string]any) int { return int(m["status"].(float64)) }

func TestBatch(t *testing.T) {
	s := start(t, Options{})
	oath := methodOf(s.Tenant.Methods(AliceID), KindSoftwareOath).ID
	reqs := []batchItem{
		{"id": "1", "method": "GET", "url": "/users/" + AliceID + "/authentication/methods"},
		{"id": "2", "method": "DELETE", "url": "/users/" + AliceID + "/authentication/softwareOathMethods/" + oath},
		// the default: refused while others exist
		{"id": "3", "method": "DELETE", "url": "/users/" + AliceID + "/authentication/microsoftAuthenticatorMethods/" + methodOf(s.Tenant.Methods(AliceID), KindAuthenticator).ID},
		{"id": "6", "method": "GET", "url": "/users?$search=" + q(`"displayName:bob"`) + "&$select=id", "headers": map[string]string{"ConsistencyLevel": "eventual"}},
		{"id": "7", "method": "GET", "url": "/users/nobody"},
		// a body without Content-Type
		{"id": "8", "method": "POST", "url": "/users/" + DaveID + "/revokeSignInSessions", "body": map[string]any{}},
	}
	res := batchResponses(t, call(t, s, "POST", "/v1.0/$batch", nil, map[string]any{"requests": reqs}))
	want := map[string]int{"1": 200, "2": 204, "3": 400, "6": 200, "7": 404, "8": 400}
	for id, st := range want {
		if got := status(res[id]); got != st {
			t.Errorf("item %s: %d, want %d (%v)", id, got, st, res[id])
		}
	}
	if vals := res["1"]["body"].(map[string]any)["value"].([]any); len(vals) != 5 {
		t.Errorf("item 1: %d methods", len(vals))
	}
	if vals := res["6"]["body"].(map[string]any)["value"].([]any); len(vals) == 0 {
		t.Errorf("item 6: search found nothing")
	}
	if code := res["3"]["body"].(map[string]any)["error"].(map[string]any)["code"]; code != "badRequest" {
		t.Errorf("item 3 code %v", code)
	}
	if _, ok := res["2"]["body"]; ok {
		t.Errorf("204 item has a body")
	}

	// serial: after a failure every later request answers 424 and is not run
	revoke := func(id, user string, deps ...string) batchItem {
		return batchItem{"id": id, "method": "POST", "url": "/users/" + user + "/revokeSignInSessions", "dependsOn": deps,
			"body": map[string]any{}, "headers": map[string]string{"Content-Type": "application/json"}}
	}
	res = batchResponses(t, call(t, s, "POST", "/v1.0/$batch", nil, map[string]any{"requests": []batchItem{
		{"id": "a", "method": "GET", "url": "/users/nobody"},
		revoke("b", AliceID, "a"),
		revoke("c", AliceID, "B"), // ids are not case-sensitive
	}}))
	for id, st := range map[string]int{"a": 404, "b": 424, "c": 424} {
		if got := status(res[id]); got != st {
			t.Errorf("serial item %s: %d, want %d (%v)", id, got, st, res[id])
		}
	}
	// serial and succeeding: each runs
	res = batchResponses(t, call(t, s, "POST", "/v1.0/$batch", nil, map[string]any{"requests": []batchItem{
		revoke("x", BobID), {"id": "y", "method": "GET", "url": "/users/" + BobID, "dependsOn": []string{"x"}},
	}}))
	if status(res["x"]) != 200 || status(res["y"]) != 200 {
		t.Errorf("serial batch: %v", res)
	}

	// the state changed exactly as the items said
	if len(s.Tenant.Methods(AliceID)) != 4 {
		t.Errorf("alice: %+v", s.Tenant.Methods(AliceID))
	}
	if st := s.Tenant.Stats(); st.Deletes != 1 || st.Revokes != 1 || st.BatchItems != 11 {
		t.Errorf("stats %+v", st)
	}

	// beta batch routes to beta handlers
	res = batchResponses(t, call(t, s, "POST", "/beta/$batch", nil, map[string]any{"requests": []batchItem{
		{"id": "a", "method": "GET", "url": "/users/" + AliceID + "/authentication/requirements"},
	}}))
	if status(res["a"]) != 200 {
		t.Errorf("beta item: %v", res["a"])
	}

	// more than 20: refused as a whole
	var many []batchItem
	for i := 0; i < 21; i++ {
		many = append(many, batchItem{"id": strconv.Itoa(i), "method": "GET", "url": "/users/" + AliceID})
	}
	expect(t, call(t, s, "POST", "/v1.0/$batch", nil, map[string]any{"requests": many}), 400, "BadRequest")
	expect(t, call(t, s, "POST", "/v1.0/$batch", nil, map[string]any{"requests": []batchItem{{"id": "1", "method": "GET", "url": "/me"}, {"id": "1", "method": "GET", "url": "/me"}}}), 400, "BadRequest")
	expect(t, call(t, s, "POST", "/v1.0/$batch", nil, map[string]any{"requests": []batchItem{{"id": "1", "method": "GET", "url": "/me", "dependsOn": []string{"9"}}}}), 400, "BadRequest")

	// order: 20 items come back in some other order (deterministic per seed)
	order := func(seed int64) string {
		srv := start(t, Options{Seed: seed, Users: 20})
		r := call(t, srv, "POST", "/v1.0/$batch", nil, map[string]any{"requests": many[:20]})
		got := ""
		for _, x := range r.body["responses"].([]any) {
			got += x.(map[string]any)["id"].(string) + ","
		}
		return got
	}
	inOrder := ""
	for i := 0; i < 20; i++ {
		inOrder += strconv.Itoa(i) + ","
	}
	o1, o2 := order(7), order(7)
	if o1 == inOrder || o1 != o2 {
		t.Errorf("batch order %q / %q", o1, o2)
	}
}

func TestBatchThrottledItems(t *testing.T) {
	s := start(t, Options{ThrottleRate: 1})
	var reqs []batchItem
	for i := 0; i < 3; i++ {
		reqs = append(reqs, batchItem{"id": fmt.Sprint(i), "method": "GET", "url": "/users/" + AliceID})
	}
	// the envelope itself is not throttled; every item is, with its own Retry-After
	res := batchResponses(t, call(t, s, "POST", "/v1.0/$batch", nil, map[string]any{"requests": reqs}))
	for id, item := range res {
		h := item["headers"].(map[string]any)
		if status(item) != 429 || h["Retry-After"] != "1" {
			t.Errorf("item %s: %v", id, item)
		}
		if code := item["body"].(map[string]any)["error"].(map[string]any)["code"]; code != "TooManyRequests" {
			t.Errorf("item %s code %v", id, code)
		}
	}
	if st := s.Tenant.Stats(); st.Throttled != 3 {
		t.Errorf("throttled %d", st.Throttled)
	}
}

// TestBatchLatency: independent items share one latency; each dependsOn
// level adds one.
func TestBatchLatency(t *testing.T) {
	s := start(t, Options{Latency: 40 * time.Millisecond})
	item := func(id string, deps ...string) batchItem {
		return batchItem{"id": id, "method": "GET", "url": "/users/" + AliceID, "dependsOn": deps}
	}
	t0 := time.Now()
	call(t, s, "POST", "/v1.0/$batch", nil, map[string]any{"requests": []batchItem{item("1"), item("2"), item("3")}})
	flat := time.Since(t0)
	t0 = time.Now()
	call(t, s, "POST", "/v1.0/$batch", nil, map[string]any{"requests": []batchItem{item("1"), item("2", "1"), item("3", "2")}})
	chain := time.Since(t0)
	if flat < 40*time.Millisecond || chain < 120*time.Millisecond {
		t.Errorf("flat %v, chain %v", flat, chain)
	}
}

// TestBatchShapes: only the documented shapes pass: parallel, or serial
// with each request depending on the one before; anything else is refused
// whole, before any request runs.
func TestBatchShapes(t *testing.T) {
	s := start(t, Options{})
	me := func(id string, deps ...string) batchItem {
		return batchItem{"id": id, "method": "GET", "url": "/me", "dependsOn": deps}
	}
	del := batchItem{"id": "d", "method": "DELETE", "url": "/users/" + AliceID + "/authentication/softwareOathMethods/" +
		methodOf(s.Tenant.Methods(AliceID), KindSoftwareOath).ID}
	refused := map[string][]batchItem{
		"mixed":             {me("1"), me("2", "1"), me("3"), del},
		"same":              {me("1"), me("2", "1"), me("3", "1"), del},
		"skips one":         {me("1"), me("2", "1"), me("3", "1")},
		"first depends":     {me("1", "2"), me("2")},
		"two dependencies":  {me("1"), me("2", "1"), me("3", "1", "2")},
		"itself":            {me("1", "1")},
		"unknown":           {me("1"), me("2", "9")},
		"duplicate id":      {me("a"), me("A"), del},
		"absolute url":      {{"id": "1", "method": "GET", "url": "https://graph.microsoft.com/v1.0/me"}},
		"no method":         {{"id": "1", "url": "/me"}},
		"no url":            {{"id": "1", "method": "GET"}},
		"none":              {},
		"out of order link": {me("1"), me("3", "2"), me("2", "1")},
	}
	for name, reqs := range refused {
		r := call(t, s, "POST", "/v1.0/$batch", nil, map[string]any{"requests": reqs})
		if r.status != 400 || r.errCode() != "BadRequest" {
			t.Errorf("%s: %d %s, want 400 BadRequest", name, r.status, r.errCode())
		}
	}
	if r := call(t, s, "POST", "/v1.0/$batch", nil, map[string]any{"requests": []batchItem{me("1"), me("2", "1"), me("3")}}); r.errMessage() != "Batch should be either fully sequential or fully parallel." {
		t.Errorf("mixed: %q", r.errMessage())
	}
	if n := len(s.Tenant.Methods(AliceID)); n != 5 {
		t.Errorf("a refused batch ran a request: alice has %d methods", n)
	}
	// the documented shapes pass (urls with or without the leading slash)
	ok := map[string][]batchItem{
		"parallel": {me("1"), {"id": "2", "method": "GET", "url": "me"}},
		"serial":   {me("1"), me("2", "1"), me("3", "2")},
		"one":      {me("1")},
	}
	for name, reqs := range ok {
		res := batchResponses(t, call(t, s, "POST", "/v1.0/$batch", nil, map[string]any{"requests": reqs}))
		for id, item := range res {
			if status(item) != 200 {
				t.Errorf("%s item %s: %v", name, id, item)
			}
		}
	}
	// a nested batch is refused as that request's answer
	res := batchResponses(t, call(t, s, "POST", "/v1.0/$batch", nil, map[string]any{"requests": []batchItem{
		{"id": "1", "method": "POST", "url": "/$batch", "body": map[string]any{"requests": []batchItem{me("x")}},
			"headers": map[string]string{"Content-Type": "application/json"}},
	}}))
	if status(res["1"]) != 400 {
		t.Errorf("nested: %v", res["1"])
	}
}
