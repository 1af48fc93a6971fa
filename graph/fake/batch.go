package fake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The $batch rules, from the JSON batching page and the known issues it
// links to. The page's current advice ("Batch should be either fully
// sequential or fully parallel") is stricter than the older known-issues
// list, which also named a "same" pattern (every dependent request naming
// one common request); the fake takes the stricter, current reading and
// refuses "same" too, so a client that passes here passes on Graph.
var (
	ruleBatchSize = docRule("batch.1-to-20-requests",
		"a $batch holds 1 to 20 requests; more (or none) is refused whole with 400",
		"https://learn.microsoft.com/graph/json-batching#batch-size-limitations")
	ruleBatchIDs = docRule("batch.ids-unique",
		"every request carries id, method and url; ids are compared without case and a repeated id fails the whole batch with 400",
		"https://learn.microsoft.com/graph/json-batching#creating-a-batch-request")
	ruleBatchRelative = docRule("batch.urls-relative",
		"request urls are relative to the batch's version (/users or users); an absolute url is refused",
		"concepts/known-issues.md#uris-must-be-relative")
	ruleBatchNested = docRule("batch.no-nested",
		"a request inside a batch cannot itself be a $batch",
		"concepts/known-issues.md#no-nested-batch")
	ruleBatchContentType = docRule("batch.body-needs-content-type",
		"a request with a body must carry a Content-Type header; without it that request fails with 400",
		"https://learn.microsoft.com/graph/json-batching#creating-a-batch-request")
	ruleBatchDependsKnown = docRule("batch.dependson-names-a-request",
		"dependsOn names the id of a different request in the same batch, one at most; anything else is refused whole with 400",
		"https://learn.microsoft.com/graph/json-batching#sequencing-requests-with-the-dependson-property")
	ruleBatchPattern = docRule("batch.parallel-or-serial",
		"a batch is fully parallel (no dependsOn) or fully serial (each request after the first depends on the one before it); any other shape is refused whole with 400 'Batch should be either fully sequential or fully parallel'",
		"https://learn.microsoft.com/graph/json-batching#sequencing-requests-with-the-dependson-property")
	ruleBatch424 = docRule("batch.failed-dependency-424",
		"a request whose dependency failed is not run and answers 424 Failed Dependency",
		"https://learn.microsoft.com/graph/json-batching#sequencing-requests-with-the-dependson-property")
	ruleBatchEnvelope = docRule("batch.envelope-200-any-order",
		"a parseable batch answers 200 whatever its requests' statuses, each with its own status and headers (a 429 per request), in any order",
		"https://learn.microsoft.com/graph/json-batching#processing-the-json-batch-response")
)

// batchItemReq is one request of a $batch as the fake reads it.
type batchItemReq struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	Body      json.RawMessage   `json:"body"`
	DependsOn []string          `json:"dependsOn"`
}

// checkBatch applies the batch-wide rules; a non-empty message refuses
// the whole batch with 400.
func checkBatch(reqs []batchItemReq) string {
	if len(reqs) == 0 { // ruleBatchSize
		return "Invalid batch payload format."
	}
	if len(reqs) > 20 { // ruleBatchSize
		return "Too many requests in the batch. The maximum number of requests allowed in a batch is 20."
	}
	ids := map[string]bool{}
	for i, it := range reqs { // ruleBatchIDs
		if it.ID == "" || it.Method == "" || it.URL == "" {
			return "Invalid batch payload format: request " + strconv.Itoa(i) + " needs id, method and url."
		}
		k := strings.ToLower(it.ID)
		if ids[k] {
			return "Invalid batch payload format: duplicate request id '" + it.ID + "'."
		}
		ids[k] = true
		if u, err := url.Parse(it.URL); err != nil || u.IsAbs() || u.Host != "" { // ruleBatchRelative
			return "Invalid batch payload format: request '" + it.ID + "' has an absolute url; batch urls are relative."
		}
	}
	serial, parallel := true, true
	for i, it := range reqs { // ruleBatchDependsKnown, ruleBatchPattern
		if len(it.DependsOn) > 1 {
			return "Invalid batch payload format: request '" + it.ID + "' depends on more than one request."
		}
		for _, d := range it.DependsOn {
			if !ids[strings.ToLower(d)] || strings.EqualFold(d, it.ID) {
				return "Invalid batch payload format: request '" + it.ID + "' depends on unknown request '" + d + "'."
			}
		}
		if len(it.DependsOn) > 0 {
			parallel = false
		}
		if i == 0 {
			serial = serial && len(it.DependsOn) == 0
		} else {
			serial = serial && len(it.DependsOn) == 1 && strings.EqualFold(it.DependsOn[0], reqs[i-1].ID)
		}
	}
	if !serial && !parallel {
		return "Batch should be either fully sequential or fully parallel."
	}
	return ""
}

// batch answers POST /$batch (the rules above): each request through the
// same handlers and the same fault gate (so an item can be throttled on
// its own), a serial batch run in order with 424 after a failure,
// responses in a shuffled order, the envelope 200 even when items fail.
func (t *Tenant) batch(rc *reqCtx) response {
	var req struct {
		Requests []batchItemReq `json:"requests"`
	}
	if r := readJSON(rc, &req); r != nil {
		return *r
	}
	if msg := checkBatch(req.Requests); msg != "" {
		return rc.fail(400, "BadRequest", msg)
	}
	// checkBatch let through only the two documented shapes: parallel (no
	// dependsOn) or serial (each request depends on the one before).
	serial := len(req.Requests) > 1 && len(req.Requests[1].DependsOn) == 1

	// Graph runs a parallel batch's requests concurrently and a serial
	// one's in sequence: the envelope takes one Latency, or one a request.
	levels := 1
	if serial {
		levels = len(req.Requests)
	}
	t.mu.Lock()
	latency := t.latency
	t.mu.Unlock()
	if latency > 0 && rc.ctx != nil && !sleepCtx(rc.ctx, time.Duration(levels)*latency) {
		return rc.fail(499, "requestCancelled", "The client closed the request.")
	}

	var results []obj
	prevOK := true
	for _, it := range req.Requests {
		failedDep := serial && len(it.DependsOn) == 1 && !prevOK // ruleBatch424
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
			if irc.body != nil && irc.h.Get("Content-Type") == "" { // ruleBatchContentType
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
		prevOK = resp.status >= 200 && resp.status <= 299
		hdr := obj{}
		for k, v := range resp.header {
			if strings.HasPrefix(k, "X-Ms-") {
				k = strings.ToLower(k) // as the page's sample writes them
			}
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
	if pattern == "/$batch" { // ruleBatchNested
		return irc.fail(400, "BadRequest", "Nested batch requests are not supported.")
	}
	if injected, ok := t.gate(irc); ok {
		t.mu.Lock()
		t.stats.status(injected.status)
		t.mu.Unlock()
		return injected
	}
	resp := t.run(irc, h)
	if resp.header == nil {
		resp.header = http.Header{}
	}
	limitHeader(resp.header, irc.limitPct)
	resourceUnitHeader(resp.header, irc, resp.status)
	t.mu.Lock()
	t.stats.status(resp.status)
	t.mu.Unlock()
	return resp
}
