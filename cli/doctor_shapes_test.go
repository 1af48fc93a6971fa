package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fake tenant's answer shapes, as `doctor --capture` saves them. A
// change to the fake or the client that changes what is read fails
// TestDoctorShapesOfTheFake until they are saved again with
// MFADESK_UPDATE_SHAPES=1 go test ./cli -run TestDoctorShapesOfTheFake.
const fakeShapes = "testdata/shapes"

// TestDoctorCapture: --capture saves one shape file per endpoint mfadesk
// reads, with names and types and never a value.
func TestDoctorCapture(t *testing.T) {
	srv := startTenant(t)
	dir := t.TempDir()
	r := runCLI(t, runOpts{endpoint: srv.URL}, "doctor", "--capture", dir)
	if r.code != 0 || !strings.Contains(r.stdout, "saved the shapes of") {
		t.Fatal(r)
	}
	shapes, err := readShapes(dir)
	if err != nil {
		t.Fatal(err)
	}
	eps := map[string]Shape{}
	for _, s := range shapes {
		eps[s.Endpoint] = s
	}
	for _, ep := range []string{
		"GET /v1.0/me", "GET /beta/users/{id}/authentication/methods", "GET /beta/users/{id}/authentication/signInPreferences",
		"GET /beta/users/{id}/authentication/requirements", "GET /v1.0/reports/authenticationMethods/userRegistrationDetails/{id}",
		"GET /beta/auditLogs/signIns", "GET /v1.0/auditLogs/directoryAudits",
		"GET /v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass",
	} {
		if _, ok := eps[ep]; !ok {
			var got []string
			for k := range eps {
				got = append(got, k)
			}
			t.Errorf("no shape for %s; have %v", ep, got)
		}
	}
	m := eps["GET /beta/users/{id}/authentication/methods"]
	if m.Fields["value[phoneAuthenticationMethod].phoneType"] != "string" || len(m.ODataTypes) < 3 {
		t.Errorf("methods shape: %+v", m)
	}
	// Nothing of the tenant's data: no id, UPN, name, number or query.
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, leak := range []string{aliceID, "contoso.com", "Alice", "+1 ", "Pixel", "$filter", "eq '"} {
			if strings.Contains(string(b), leak) {
				t.Errorf("%s holds %q", filepath.Base(f), leak)
			}
		}
	}
}

// TestDoctorShapesOfTheFake: the fake's answers have the committed shapes
// (so a tenant's capture can be compared with them), and --compare reports
// a field a tenant has and the fake lacks.
func TestDoctorShapesOfTheFake(t *testing.T) {
	srv := startTenant(t)
	o := runOpts{endpoint: srv.URL}
	if os.Getenv("MFADESK_UPDATE_SHAPES") != "" {
		os.RemoveAll(fakeShapes)
		if r := runCLI(t, o, "doctor", "--capture", fakeShapes); r.code != 0 {
			t.Fatal(r)
		}
	}
	r := runCLI(t, o, "doctor", "--compare", fakeShapes, "-o", "json")
	if r.code != 0 {
		t.Fatalf("the fake's answers differ from %s (save them again if the change is meant):\n%s", fakeShapes, r.stdout+r.stderr)
	}

	// A tenant whose methods carry a field the fake does not send, and
	// which lacks one the fake sends.
	tenant := t.TempDir()
	shapes, err := readShapes(fakeShapes)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range shapes {
		if s.Endpoint == "GET /beta/users/{id}/authentication/methods" {
			shapes[i].Fields["value[phoneAuthenticationMethod].tenantOnlyField"] = "string"
			delete(shapes[i].Fields, "value[phoneAuthenticationMethod].phoneType")
		}
	}
	if err := writeShapes(tenant, shapes); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, o, "doctor", "--compare", tenant, "-o", "json")
	if r.code != ExitFailed {
		t.Fatalf("drift not reported: %v", r)
	}
	var out struct {
		Diffs []ShapeDiff `json:"diffs"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err, r.stdout)
	}
	if len(out.Diffs) != 1 || strings.Join(out.Diffs[0].Missing, ",") != "value[phoneAuthenticationMethod].tenantOnlyField" ||
		strings.Join(out.Diffs[0].Extra, ",") != "value[phoneAuthenticationMethod].phoneType" {
		t.Errorf("diffs %+v", out.Diffs)
	}
	if r := runCLI(t, o, "doctor", "--compare", t.TempDir()); r.code != ExitUsage {
		t.Errorf("an empty directory: %v", r)
	}
}

func TestEndpointPattern(t *testing.T) {
	for in, want := range map[string]string{
		"/v1.0/users/alice@contoso.com":                                         "/v1.0/users/{id}",
		"/beta/users/" + aliceID + "/authentication/fido2Methods/-2_GRUg2-HYz6": "/beta/users/{id}/authentication/fido2Methods/{id}",
		"/v1.0/reports/authenticationMethods/userRegistrationDetails/x":         "/v1.0/reports/authenticationMethods/userRegistrationDetails/{id}",
		"/v1.0/groups/g1/transitiveMembers/microsoft.graph.user":                "/v1.0/groups/{id}/transitiveMembers/microsoft.graph.user",
		"/v1.0/me/memberOf": "/v1.0/me/memberOf",
	} {
		if got := endpointPattern(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}
