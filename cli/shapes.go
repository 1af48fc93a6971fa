package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Response shapes for `mfadesk doctor --capture DIR` and `--compare DIR`:
// what Graph answers to each read mfadesk sends, as property paths and
// JSON types, so a tenant's answers can be checked against the fake
// tenant's (and the fake against a tenant's) without sending anyone a
// value. A shape keeps: the endpoint with every id, UPN and query left out
// ("GET /beta/users/{id}/authentication/methods"), the status codes seen,
// each property path with its JSON types ("value[phoneAuthenticationMethod].phoneType":
// "string"), the @odata.type values and the error codes, which are
// Graph's schema words. Never a value, a name, an id, a header value or a
// query.

// Shape is what was seen of one endpoint's answers.
type Shape struct {
	Endpoint string `json:"endpoint"`
	Statuses []int  `json:"statuses"`
	// Fields maps a property path to its JSON types, "|"-joined when
	// answers differed ("null|string").
	Fields     map[string]string `json:"fields"`
	ODataTypes []string          `json:"odataTypes,omitempty"`
	ErrorCodes []string          `json:"errorCodes,omitempty"`
}

// shapeRecorder is an http.RoundTripper under the client's middleware
// that records the shape of every answer.
type shapeRecorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	seen map[string]*Shape
}

func newShapeRecorder(next http.RoundTripper) *shapeRecorder {
	if next == nil {
		next = http.DefaultTransport
	}
	return &shapeRecorder{next: next, seen: map[string]*Shape{}}
}

func (r *shapeRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil || resp == nil {
		return resp, err
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return resp, nil // a throttled try says nothing of the endpoint
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if rerr != nil {
		return resp, nil
	}
	r.record(req.Method, req.URL.Path, resp.StatusCode, body)
	return resp, nil
}

func (r *shapeRecorder) record(method, path string, status int, body []byte) {
	key := method + " " + endpointPattern(path)
	var v any
	if len(bytes.TrimSpace(body)) > 0 && json.Unmarshal(body, &v) != nil {
		v = nil // not JSON: the status is all there is
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.seen[key]
	if s == nil {
		s = &Shape{Endpoint: key, Fields: map[string]string{}}
		r.seen[key] = s
	}
	if !slices.Contains(s.Statuses, status) {
		s.Statuses = append(s.Statuses, status)
		slices.Sort(s.Statuses)
	}
	if v != nil {
		walkShape(s, "", v)
	}
}

// Shapes returns what was recorded, by endpoint.
func (r *shapeRecorder) Shapes() []Shape {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Shape, 0, len(r.seen))
	for _, s := range r.seen {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Endpoint < out[j].Endpoint })
	return out
}

// walkShape adds v's paths and types under path p to s.
func walkShape(s *Shape, p string, v any) {
	switch x := v.(type) {
	case map[string]any:
		addType(s, p, "object")
		for k, c := range x {
			switch {
			case k == "@odata.type":
				if t, ok := c.(string); ok && !slices.Contains(s.ODataTypes, t) && odataTypeRE.MatchString(t) {
					s.ODataTypes = append(s.ODataTypes, t)
					slices.Sort(s.ODataTypes)
				}
			case k == "code" && strings.HasSuffix(p, "error"):
				if code, ok := c.(string); ok && !slices.Contains(s.ErrorCodes, code) && errorCodeRE.MatchString(code) {
					s.ErrorCodes = append(s.ErrorCodes, code)
					slices.Sort(s.ErrorCodes)
				}
			}
			walkShape(s, join(p, k), c)
		}
	case []any:
		addType(s, p, "array")
		for _, c := range x {
			ip := p + "[]"
			if m, ok := c.(map[string]any); ok {
				// Items of a polymorphic collection (methods, members)
				// are told apart by their type.
				if t, ok := m["@odata.type"].(string); ok && odataTypeRE.MatchString(t) {
					ip = p + "[" + strings.TrimPrefix(t, "#microsoft.graph.") + "]"
				}
			}
			walkShape(s, ip, c)
		}
	case string:
		addType(s, p, "string")
	case float64:
		addType(s, p, "number")
	case bool:
		addType(s, p, "boolean")
	case nil:
		addType(s, p, "null")
	}
}

// Only schema words are kept as values: a type name, an error code.
var (
	odataTypeRE = regexp.MustCompile(`^#?microsoft\.graph\.[A-Za-z0-9_.]+$`)
	errorCodeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.]{0,80}$`)
)

func join(p, k string) string {
	if p == "" {
		return k
	}
	return p + "." + k
}

func addType(s *Shape, p, t string) {
	if p == "" {
		p = "."
	}
	types := strings.Split(s.Fields[p], "|")
	if s.Fields[p] == "" {
		types = nil
	}
	if slices.Contains(types, t) {
		return
	}
	types = append(types, t)
	slices.Sort(types)
	s.Fields[p] = strings.Join(types, "|")
}

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// keyAfter are the collections whose next segment is a key (a user, a
// group, a method, a report row, a log entry).
var keyAfter = map[string]bool{"users": true, "groups": true, "userregistrationdetails": true,
	"signins": true, "directoryaudits": true, "methods": true}

// endpointPattern is the URL path with every key replaced by {id}.
func endpointPattern(path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i, s := range segs {
		prev := ""
		if i > 0 {
			prev = strings.ToLower(segs[i-1])
		}
		switch {
		case guidRE.MatchString(s), strings.Contains(s, "@"), strings.Contains(strings.ToLower(s), "%40"),
			keyAfter[prev], strings.HasSuffix(prev, "methods") && prev != "authenticationmethods":
			segs[i] = "{id}"
		}
	}
	return "/" + strings.Join(segs, "/")
}

// shapeFile is the file an endpoint's shape is kept in.
func shapeFile(endpoint string) string {
	r := strings.NewReplacer(" ", "_", "/", "_", "{", "", "}", "", "$", "", ".", "-")
	return strings.Trim(r.Replace(endpoint), "_") + ".json"
}

// writeShapes writes one file per endpoint into dir.
func writeShapes(dir string, shapes []Shape) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, s := range shapes {
		b, err := json.MarshalIndent(s, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, shapeFile(s.Endpoint)), append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// readShapes reads the shape files of dir.
func readShapes(dir string) ([]Shape, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no shape files (*.json) in %s", dir)
	}
	var out []Shape
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var s Shape
		if err := json.Unmarshal(b, &s); err != nil || s.Endpoint == "" {
			return nil, fmt.Errorf("%s: not a shape file", f)
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Endpoint < out[j].Endpoint })
	return out, nil
}

// ShapeDiff is what differs between recorded shapes and this tenant's.
type ShapeDiff struct {
	Endpoint string `json:"endpoint"`
	// Missing are paths the recorded answers have and this tenant's lack;
	// Extra the reverse; Types paths whose types disagree (null aside).
	Missing []string `json:"missing,omitempty"`
	Extra   []string `json:"extra,omitempty"`
	Types   []string `json:"types,omitempty"`
	// OnlyRecorded / OnlyHere: the endpoint was answered on one side only.
	OnlyRecorded bool `json:"onlyRecorded,omitempty"`
	OnlyHere     bool `json:"onlyHere,omitempty"`
}

// compareShapes compares recorded shapes with this tenant's. Only
// endpoints both sides answered with a success are compared field by
// field: an error's body says nothing of the resource.
func compareShapes(recorded, here []Shape) []ShapeDiff {
	byEP := func(ss []Shape) map[string]Shape {
		m := map[string]Shape{}
		for _, s := range ss {
			m[s.Endpoint] = s
		}
		return m
	}
	rec, cur := byEP(recorded), byEP(here)
	var eps []string
	for ep := range rec {
		eps = append(eps, ep)
	}
	for ep := range cur {
		if _, ok := rec[ep]; !ok {
			eps = append(eps, ep)
		}
	}
	sort.Strings(eps)
	var out []ShapeDiff
	for _, ep := range eps {
		r, inRec := rec[ep]
		c, inCur := cur[ep]
		d := ShapeDiff{Endpoint: ep}
		switch {
		case !inCur:
			d.OnlyRecorded = true
		case !inRec:
			d.OnlyHere = true
		case succeeded(r) && succeeded(c):
			for p, rt := range r.Fields {
				ct, ok := c.Fields[p]
				switch {
				case !ok:
					d.Missing = append(d.Missing, p)
				case !typesAgree(rt, ct):
					d.Types = append(d.Types, fmt.Sprintf("%s: %s here, %s recorded", p, ct, rt))
				}
			}
			for p := range c.Fields {
				if _, ok := r.Fields[p]; !ok {
					d.Extra = append(d.Extra, p)
				}
			}
			sort.Strings(d.Missing)
			sort.Strings(d.Extra)
			sort.Strings(d.Types)
		}
		if d.OnlyRecorded || d.OnlyHere || len(d.Missing)+len(d.Extra)+len(d.Types) > 0 {
			out = append(out, d)
		}
	}
	return out
}

func succeeded(s Shape) bool {
	return slices.ContainsFunc(s.Statuses, func(st int) bool { return st >= 200 && st < 300 })
}

// typesAgree: the type sets share a type, null counting as any (a
// property may be null for one user and set for another).
func typesAgree(a, b string) bool {
	as, bs := strings.Split(a, "|"), strings.Split(b, "|")
	if slices.Contains(as, "null") || slices.Contains(bs, "null") {
		return true
	}
	for _, t := range as {
		if slices.Contains(bs, t) {
			return true
		}
	}
	return false
}
