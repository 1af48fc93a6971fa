package fake

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// missingKeys lists every key path of sample that got lacks, recursing into
// objects and comparing the first element of arrays of objects.
func missingKeys(sample, got any, path string) []string {
	var out []string
	switch s := sample.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			if got == nil {
				return nil // Graph sends null for an absent complex value too
			}
			return []string{path + " (not an object)"}
		}
		for k, sv := range s {
			gv, ok := g[k]
			if !ok {
				out = append(out, path+"/"+k)
				continue
			}
			out = append(out, missingKeys(sv, gv, path+"/"+k)...)
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{path + " (not an array)"}
		}
		if len(s) > 0 {
			if _, isObj := s[0].(map[string]any); isObj {
				if len(g) == 0 {
					return []string{path + "[0] (empty array, sample has objects)"}
				}
				out = append(out, missingKeys(s[0], g[0], path+"[0]")...)
			}
		}
	}
	return out
}

func loadSample(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	src, err := os.ReadFile(filepath.Join("testdata", strings.TrimSuffix(name, ".json")+".source.txt"))
	if err != nil || len(src) == 0 {
		t.Fatalf("%s: the sample must keep its source line: %v", name, err)
	}
	return m
}

// TestSampleShapes: the fake's responses carry every field of Graph's
// documented examples.
func TestSampleShapes(t *testing.T) {
	s := start(t, Options{})

	t.Run("methods", func(t *testing.T) {
		sample := loadSample(t, "methods-list-fido2-whfb.json")
		r := get(t, s, "/v1.0/users/"+ErinID+"/authentication/methods", nil)
		expect(t, r, 200, "")
		byType := map[string]map[string]any{}
		for _, v := range r.values() {
			if _, ok := byType[v["@odata.type"].(string)]; !ok {
				byType[v["@odata.type"].(string)] = v
			}
		}
		for _, sv := range sample["value"].([]any) {
			sm := sv.(map[string]any)
			typ := sm["@odata.type"].(string)
			got, ok := byType[typ]
			if !ok {
				t.Fatalf("Erin's methods lack a %s", typ)
			}
			if miss := missingKeys(sm, got, typ); len(miss) > 0 {
				t.Errorf("missing %v", miss)
			}
		}
	})

	t.Run("registration", func(t *testing.T) {
		sample := loadSample(t, "userregistrationdetails-list.json")
		r := get(t, s, "/v1.0/reports/authenticationMethods/userRegistrationDetails", nil)
		expect(t, r, 200, "")
		// compare as whole documents: @odata.context and value[0] keys
		var got any
		_ = json.Unmarshal(r.raw, &got)
		if miss := missingKeys(sample, got, ""); len(miss) > 0 {
			t.Errorf("missing %v", miss)
		}
		// and every row, not only the first
		for i, row := range r.values() {
			if miss := missingKeys(sample["value"].([]any)[0], row, "value"); len(miss) > 0 {
				t.Errorf("row %d missing %v", i, miss)
			}
		}
	})

	t.Run("signins", func(t *testing.T) {
		sample := loadSample(t, "signins-list.json")
		for _, ver := range []string{"v1.0", "beta"} {
			// a caller who may read Conditional Access data (signin-list.md)
			r := get(t, s, "/"+ver+"/auditLogs/signIns?$filter="+q("userId eq '"+AliceID+"'")+"&$top=2", caReader())
			expect(t, r, 200, "")
			var got any
			_ = json.Unmarshal(r.raw, &got)
			if miss := missingKeys(sample, got, ver); len(miss) > 0 {
				t.Errorf("missing %v", miss)
			}
		}
	})

	t.Run("tap", func(t *testing.T) {
		sample := loadSample(t, "tap-create.json")
		r := call(t, s, "POST", "/v1.0/users/"+AliceID+"/authentication/temporaryAccessPassMethods",
			nil, map[string]any{"lifetimeInMinutes": 60, "isUsableOnce": false})
		expect(t, r, 201, "")
		if miss := missingKeys(sample, r.body, ""); len(miss) > 0 {
			t.Errorf("missing %v", miss)
		}
		// the list shows the same method without the pass itself
		l := get(t, s, "/v1.0/users/"+AliceID+"/authentication/temporaryAccessPassMethods", nil)
		if len(l.values()) != 1 {
			t.Fatalf("want one TAP, got %s", l.raw)
		}
		if miss := missingKeys(sample, l.values()[0], "list"); len(miss) > 0 {
			t.Errorf("missing %v", miss)
		}
		if l.values()[0]["temporaryAccessPass"] != nil {
			t.Errorf("TAP value shown on list: %v", l.values()[0]["temporaryAccessPass"])
		}
	})
}

func TestMissingKeys(t *testing.T) {
	sample := map[string]any{"a": 1.0, "b": map[string]any{"c": 1.0}, "d": []any{map[string]any{"e": 1.0}}}
	tests := []struct {
		got  any
		want int
	}{
		{map[string]any{"a": 1.0, "b": map[string]any{"c": 2.0}, "d": []any{map[string]any{"e": 2.0, "x": 1}}}, 0},
		{map[string]any{"b": map[string]any{"c": 2.0}, "d": []any{map[string]any{"e": 2.0}}}, 1},
		{map[string]any{"a": 1.0, "b": map[string]any{}, "d": []any{map[string]any{}}}, 2},
		{map[string]any{"a": 1.0, "b": map[string]any{"c": 1.0}, "d": []any{}}, 1},
	}
	for i, tc := range tests {
		if got := missingKeys(sample, tc.got, ""); len(got) != tc.want {
			t.Errorf("case %d: missing %v, want %d", i, got, tc.want)
		}
	}
}
