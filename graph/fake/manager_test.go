package fake

import (
	"testing"
)

func TestManager(t *testing.T) {
	s := start(t, Options{})
	r := get(t, s, "/v1.0/users/"+AliceID+"/manager", nil)
	expect(t, r, 200, "")
	if r.body["@odata.type"] != "#microsoft.graph.user" || r.body["id"] != CarolID || r.body["mail"] != CarolUPN {
		t.Fatalf("Alice's manager: %s", r.raw)
	}
	if ctx, _ := r.body["@odata.context"].(string); ctx == "" || ctx[len(ctx)-len("directoryObjects/$entity"):] != "directoryObjects/$entity" {
		t.Errorf("context %q", ctx)
	}
	// by UPN, with $select
	r = get(t, s, "/v1.0/users/"+AliceUPN+"/manager?$select=id,mail", nil)
	expect(t, r, 200, "")
	if _, has := r.body["displayName"]; has || r.body["mail"] != CarolUPN {
		t.Errorf("$select ignored: %s", r.raw)
	}
	// no manager: Graph's 404
	expect(t, get(t, s, "/v1.0/users/"+BobID+"/manager", nil), 404, "Request_ResourceNotFound")
	// unknown user
	expect(t, get(t, s, "/v1.0/users/00000000-0000-4000-8000-000000000999/manager", nil), 404, "Request_ResourceNotFound")
	// writes are not served
	if r := call(t, s, "DELETE", "/v1.0/users/"+AliceID+"/manager", nil, nil); r.status != 405 {
		t.Errorf("DELETE: %d", r.status)
	}
	// permission: same as reading users
	noUsers := bearer(map[string]any{"oid": JudyID, "upn": JudyUPN, "tid": TenantID, "scp": "AuditLog.Read.All", "wids": []string{RolePrivilegedAuthAdmin}})
	if r := get(t, s, "/v1.0/users/"+AliceID+"/manager", noUsers); r.status != 403 {
		t.Errorf("without User.Read.All: %d %s", r.status, r.raw)
	}
	if r := get(t, s, "/v1.0/users/"+AliceID+"/manager", delegated(JudyID, JudyUPN, RolePrivilegedAuthAdmin)); r.status != 200 {
		t.Errorf("with User.Read.All: %d %s", r.status, r.raw)
	}
}

func TestGeneratedManagers(t *testing.T) {
	s := start(t, Options{Users: 300})
	d := s.Tenant.Export()
	byID := map[string]UserData{}
	for _, u := range d.Users {
		byID[u.ID] = u
	}
	with, without := 0, 0
	for _, u := range d.Users {
		if u.ManagerID == "" {
			without++
			continue
		}
		with++
		m, ok := byID[u.ManagerID]
		if u.ID == AliceID {
			continue // a persona: reports to Carol (IT)
		}
		if !ok || m.Department != u.Department || m.ID == u.ID {
			t.Fatalf("%s reports to %q (%s), not someone in %q", u.UserPrincipalName, u.ManagerID, m.Department, u.Department)
		}
	}
	if with < 150 || without == 0 {
		t.Errorf("%d users with a manager, %d without: want most with, some without", with, without)
	}
	// Export/load keeps the relationship.
	s2 := start(t, Options{Data: &d})
	if u, _ := s2.Tenant.User(AliceID); u.ManagerID != CarolID {
		t.Errorf("reloaded Alice's manager: %q", u.ManagerID)
	}
}
