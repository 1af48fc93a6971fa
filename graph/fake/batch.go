package fake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// batch answers POST /$batch: up to 20 requests, each through the same
// handlers and the same fault gate (so an item can be throttled on its
// own), dependsOn honoured (a failed dependency gives 424), responses in a
// shuffled order, the envelope 200 even when items fail.
func (t *Tenant) batch(rc *reqCtx) response {
	var req struct {
		Requests []struct {
			ID        string            `json:"id"`
			Method    string            `json:"method"`
			URL       string            `json:"url"`
			Headers   map[string]string `json:"headers"`
			Body      json.RawMessage   `json:"body"`
			DependsOn []string          `json:"dependsOn"`
		} `json:"requests"`
	}
	if r := readJSON(rc, &req); r != nil {
		return *r
	}
	if len(req.Requests) == 0 {
		return rc.fail(400, "BadRequest", "Invalid batch payload format.")
	}
	if len(req.Requests) > 20 {
		return rc.fail(400, "BadRequest", "Too many requests in the batch. The maximum number of requests allowed in a batch is 20.")
	}
	ids := map[string]int{}
	for i, it := range req.Requests {
		if it.ID == "" {
			return rc.fail(400, "BadRequest", "Invalid batch payload format: request "+strconv.Itoa(i)+" has no id.")
		}
		if _, dup := ids[it.ID]; dup {
			return rc.fail(400, "BadRequest", "Invalid batch payload format: duplicate request id '"+it.ID+"'.")
		}
		ids[it.ID] = i
	}
	for _, it := range req.Requests {
		for _, d := range it.DependsOn {
			if _, ok := ids[d]; !ok {
				return rc.fail(400, "BadRequest", "Invalid batch payload format: request '"+it.ID+"' depends on unknown request '"+d+"'.")
			}
		}
	}

	// Graph runs independent items concurrently and dependent ones in
	// sequence: the envelope takes one Latency per level of dependsOn.
	memo := map[int]int{}
	var depth func(i int, seen map[int]bool) int
	depth = func(i int, seen map[int]bool) int {
		if seen[i] {
			return 0
		}
		if d, ok := memo[i]; ok {
			return d
		}
		seen[i] = true
		d := 0
		for _, dep := range req.Requests[i].DependsOn {
			d = max(d, depth(ids[dep], seen))
		}
		delete(seen, i)
		memo[i] = d + 1
		return d + 1
	}
	levels := 0
	for i := range req.Requests {
		levels = max(levels, depth(i, map[int]bool{}))
	}
	t.mu.Lock()
	latency := t.latency
	t.mu.Unlock()
	if latency > 0 && rc.ctx != nil && !sleepCtx(rc.ctx, time.Duration(levels)*latency) {
		return rc.fail(499, "requestCancelled", "The client closed the request.")
	}

	status := map[string]int{}
	var results []obj
	done := map[string]bool{}
	var runItem func(i int, stack map[string]bool) int
	runItem = func(i int, stack map[string]bool) int {
		it := req.Requests[i]
		if done[it.ID] {
			return status[it.ID]
		}
		stack[it.ID] = true
		failedDep := false
		for _, d := range it.DependsOn {
			if stack[d] {
				failedDep = true // a cycle can never succeed
				continue
			}
			if st := runItem(ids[d], stack); st < 200 || st > 299 {
				failedDep = true
			}
		}
		delete(stack, it.ID)
		var resp response
		ranItem := false
		irc := &reqCtx{method: strings.ToUpper(it.Method), h: http.Header{}, op: rc.op, base: rc.base,
			reqID: newUUID(), cliID: rc.cliID, ip: rc.ip, now: rc.now, inBatch: true}
		for k, v := range it.Headers {
			irc.h.Set(k, v)
		}
		if rc.h.Get("Authorization") != "" {
			irc.h.Set("Authorization", rc.h.Get("Authorization"))
		}
		if len(it.Body) > 0 && string(it.Body) != "null" {
			irc.body = it.Body
		}
		switch {
		case failedDep:
			resp = irc.fail(424, "FailedDependency", "Request failed because a request it depends on failed.")
		case irc.method == "POST" || irc.method == "PATCH" || irc.method == "PUT":
			if irc.body != nil && irc.h.Get("Content-Type") == "" {
				resp = irc.fail(400, "BadRequest", "Content-Type header is required for requests with a body in a batch.")
				break
			}
			resp, ranItem = t.runBatchItem(rc, irc, it.URL), true
		default:
			resp, ranItem = t.runBatchItem(rc, irc, it.URL), true
		}
		if !ranItem {
			t.mu.Lock()
			t.stats.BatchItems++
			t.stats.status(resp.status)
			t.mu.Unlock()
		}
		done[it.ID] = true
		status[it.ID] = resp.status
		hdr := obj{}
		for k, v := range resp.header {
			hdr = append(hdr, kv{k, strings.Join(v, ",")})
		}
		if resp.body != nil {
			hdr = append(hdr, kv{"Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"})
		}
		item := obj{{"id", it.ID}, {"status", resp.status}, {"headers", hdr}}
		if resp.body != nil {
			item = append(item, kv{"body", resp.body})
		}
		results = append(results, item)
		return resp.status
	}
	for i := range req.Requests {
		runItem(i, map[string]bool{})
	}
	// Graph answers in any order; shuffle (deterministically per seed) so
	// clients that assume request order fail in tests, not in production.
	t.mu.Lock()
	t.rng.Shuffle(len(results), func(i, j int) { results[i], results[j] = results[j], results[i] })
	t.mu.Unlock()
	return response{status: 200, body: obj{{"responses", results}}}
}

func (t *Tenant) runBatchItem(outer, irc *reqCtx, raw string) response {
	if !strings.HasPrefix(raw, "/") {
		raw = "/" + raw
	}
	u, err := url.Parse("/" + outer.version + raw)
	if err != nil {
		return irc.fail(400, "BadRequest", "Invalid request URL '"+raw+"'.")
	}
	pattern, h := t.prepare(irc, u)
	t.mu.Lock()
	t.stats.count(irc.method+" "+pattern, irc.h.Get("x-ms-throttle-priority"))
	t.stats.BatchItems++
	t.mu.Unlock()
	if pattern == "/$batch" {
		return irc.fail(400, "BadRequest", "Nested batch requests are not supported.")
	}
	if injected, ok := t.gate(irc); ok {
		t.mu.Lock()
		t.stats.status(injected.status)
		t.mu.Unlock()
		return injected
	}
	resp := t.run(irc, h)
	if irc.limitPct > 0.8 {
		if resp.header == nil {
			resp.header = http.Header{}
		}
		limitHeader(resp.header, irc.limitPct)
	}
	t.mu.Lock()
	t.stats.status(resp.status)
	t.mu.Unlock()
	return resp
}
