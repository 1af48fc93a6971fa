package msgraph

import (
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	abs "github.com/microsoft/kiota-abstractions-go"
	absser "github.com/microsoft/kiota-abstractions-go/serialization"
)

// Beta calls (per-user MFA requirements, sign-in preferences, beta sign-ins,
// hardware OATH deletes) go through the same request adapter, middleware and
// token as v1.0, with request information built by hand against
// <endpoint>/beta. Their answers decode into v1.0 models (beta-only fields
// land in AdditionalData) or into rawObject below. No second SDK.

// betaRequest builds a request for <endpoint>/beta<path>. path must already
// be escaped (see pathSeg); query values are encoded here.
func (c *MSGraph) betaRequest(method abs.HttpMethod, path string, query url.Values) (*abs.RequestInformation, error) {
	return c.rawRequest(method, c.beta+path, query)
}

func (c *MSGraph) rawRequest(method abs.HttpMethod, rawURL string, query url.Values) (*abs.RequestInformation, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	if len(query) > 0 {
		u.RawQuery = encodeQuery(query)
	}
	ri := abs.NewRequestInformation()
	ri.Method = method
	ri.SetUri(*u)
	ri.Headers.TryAdd("Accept", "application/json")
	return ri, nil
}

// encodeQuery encodes OData query options: %20 for spaces (not '+', which
// some servers keep literally) and '$' left readable.
func encodeQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range q[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(strings.ReplaceAll(url.QueryEscape(k), "%24", "$"))
			b.WriteByte('=')
			b.WriteString(strings.ReplaceAll(url.QueryEscape(v), "+", "%20"))
		}
	}
	return b.String()
}

// pathSeg escapes one URL path segment (a user id or UPN, a method id).
func pathSeg(s string) string { return url.PathEscape(s) }

// rawObject is a Parsable that keeps every field as kiota's raw value
// (*string, *bool, *int64, *float64, []any, map[string]any), for small beta
// resources without a v1.0 model. Set fields with Set to send one.
type rawObject struct {
	data map[string]any
}

func newRawObject(absser.ParseNode) (absser.Parsable, error) { return &rawObject{}, nil }

func (r *rawObject) GetFieldDeserializers() map[string]func(absser.ParseNode) error {
	return map[string]func(absser.ParseNode) error{}
}

func (r *rawObject) GetAdditionalData() map[string]any  { return r.data }
func (r *rawObject) SetAdditionalData(m map[string]any) { r.data = m }

// Set records a string field to serialize.
func (r *rawObject) Set(key, value string) {
	if r.data == nil {
		r.data = map[string]any{}
	}
	r.data[key] = value
}

func (r *rawObject) Serialize(w absser.SerializationWriter) error {
	keys := make([]string, 0, len(r.data))
	for k := range r.data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch v := r.data[k].(type) {
		case string:
			if err := w.WriteStringValue(k, &v); err != nil {
				return err
			}
		case bool:
			if err := w.WriteBoolValue(k, &v); err != nil {
				return err
			}
		}
	}
	return nil
}

// rawString reads a string field from kiota AdditionalData-style values.
func rawString(m map[string]any, key string) string {
	switch v := m[key].(type) {
	case *string:
		if v != nil {
			return graph.CleanText(*v)
		}
	case string:
		return graph.CleanText(v)
	}
	return ""
}

func rawBool(m map[string]any, key string) (bool, bool) {
	switch v := m[key].(type) {
	case *bool:
		if v != nil {
			return *v, true
		}
	case bool:
		return v, true
	}
	return false, false
}

func rawTime(m map[string]any, key string) time.Time {
	s := rawString(m, key)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

func rawList(m map[string]any, key string) []any {
	l, _ := m[key].([]any)
	return l
}

func rawMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
