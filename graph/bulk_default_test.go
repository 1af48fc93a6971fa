package graph

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph/fake"
)

// TestBulkFakeDefaultMethod: a bulk reset reads the sign-in preferences
// only for users where the default changes what happens, moves the default
// to a kept method before deleting it (as a reset of one user does), and
// refuses, before any change, a user whose default cannot move.
func TestBulkFakeDefaultMethod(t *testing.T) {
	const (
		moves   = "d0000000-0000-4000-8000-000000000001" // Authenticator (default) + software OATH, OATH kept
		lone    = "d0000000-0000-4000-8000-000000000002" // mobile phone only
		blocked = "d0000000-0000-4000-8000-000000000003" // Authenticator (default) + FIDO2, FIDO2 kept
		plain   = "d0000000-0000-4000-8000-000000000004" // phone + Authenticator (default), all go
	)
	user := func(id, pref string, ms ...fake.MethodData) fake.UserData {
		return fake.UserData{ID: id, DisplayName: "User " + id[len(id)-1:], UserPrincipalName: "u" + id[len(id)-1:] + "@contoso.com",
			AccountEnabled: true, UserType: "Member", PerUserMFAState: "disabled", PreferredMethod: pref,
			Methods: append([]fake.MethodData{{Kind: fake.KindPassword, ID: fake.PasswordMethodID}}, ms...)}
	}
	app := func(n int) fake.MethodData {
		return fake.MethodData{Kind: fake.KindAuthenticator, ID: fmt.Sprintf("0b000000-0000-4000-8000-%012d", n), DisplayName: "Pixel 8"}
	}
	phone := fake.MethodData{Kind: fake.KindPhone, ID: "3179e48a-750b-4051-897c-87b9720928f7", PhoneNumber: "+1 5555550100", PhoneType: "mobile"}
	for _, batch := range []bool{false, true} {
		t.Run(fmt.Sprint("batch=", batch), func(t *testing.T) {
			td := &fake.TenantData{TenantID: fake.TenantID, DisplayName: "Contoso", Domain: "contoso.com", Users: []fake.UserData{
				user(moves, "push", app(1), fake.MethodData{Kind: fake.KindSoftwareOath, ID: "0a000000-0000-4000-8000-000000000001"}),
				user(lone, "sms", phone),
				user(blocked, "push", app(3), fake.MethodData{Kind: fake.KindFIDO2, ID: "0f000000-0000-4000-8000-000000000003", DisplayName: "YubiKey"}),
				user(plain, "push", phone, app(4)),
			}}
			srv, err := fake.Start(fake.Options{Data: td})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			op := Operation{Kind: OpReset, Keep: []MethodKind{KindSoftwareOath, KindFIDO2}}
			sum, err := RunBulk(context.Background(), bulkClient(t, srv), op, []string{moves, lone, blocked, plain},
				BulkOptions{Journal: filepath.Join(t.TempDir(), "j.jsonl"), Batch: batch})
			if err != nil {
				t.Fatal(err)
			}
			res := map[string]UserResult{}
			for _, r := range sum.Results {
				res[r.UserID] = r
			}
			if r := res[moves]; r.State != StateDone || !strings.Contains(r.Why, "default moved to") {
				t.Errorf("moves: %+v", r)
			}
			if k := kinds(methodsOf(srv, moves)); fmt.Sprint(k) != "[password softwareOath]" {
				t.Errorf("moves left %v", k)
			}
			if id := srv.Tenant.DefaultMethodID(moves); id != "0a000000-0000-4000-8000-000000000001" {
				t.Errorf("moves: default is %q, want the kept OATH token", id)
			}
			if r := res[lone]; r.State != StateDone {
				t.Errorf("lone: %+v", r)
			}
			if r := res[blocked]; r.State != StateFailed || !strings.Contains(r.Why, "cannot be deleted while") {
				t.Errorf("blocked: %+v", r)
			}
			if n := len(srv.Tenant.Methods(blocked)); n != 3 {
				t.Errorf("blocked: %d methods left, want all 3 (nothing changed)", n)
			}
			if r := res[plain]; r.State != StateDone || len(methodsOf(srv, plain)) != 1 {
				t.Errorf("plain: %+v", r)
			}
			// read for moves, blocked and plain; not for lone (one method)
			if n := srv.Tenant.Stats().Requests["GET /users/{id}/authentication/signInPreferences"]; n != 3 {
				t.Errorf("%d sign-in preference reads, want 3 (%v)", n, srv.Tenant.Stats().Requests)
			}
		})
	}
}

func methodsOf(srv *fake.Server, id string) []Method {
	var out []Method
	for _, m := range srv.Tenant.Methods(id) {
		out = append(out, Method{ID: m.ID, Kind: MethodKind(m.Kind)})
	}
	return out
}
