package graph

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph/fake"
)

func userIDs(us []User) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.ID)
	}
	return out
}

func TestGroupMembersFake(t *testing.T) {
	srv := startFake(t, fake.Options{})
	c := fakeClient(t, srv, "")
	ctx := context.Background()
	tests := []struct {
		group string
		want  []string
	}{
		{fake.BreakGlassGroupID, []string{fake.CarolID, fake.JudyID}}, // Judy only through the nested Tier 0 group
		{strings.ToUpper(fake.BreakGlassGroupID), []string{fake.CarolID, fake.JudyID}},
		{"Break-glass accounts", []string{fake.CarolID, fake.JudyID}},
		{"  break-glass ACCOUNTS ", []string{fake.CarolID, fake.JudyID}},
		{fake.ProjectGroupName, []string{fake.BobID, fake.AliceID}}, // a quote in the name
		{"Helpdesk", []string{fake.IvanID, fake.LiamID}},
	}
	for _, tc := range tests {
		got, err := c.GroupMembers(ctx, tc.group)
		if err != nil {
			t.Fatalf("%q: %v", tc.group, err)
		}
		if !slices.Equal(userIDs(got), tc.want) {
			t.Errorf("%q: %v, want %v", tc.group, userIDs(got), tc.want)
		}
	}
	bg, _ := c.GroupMembers(ctx, fake.BreakGlassGroupID)
	if bg[0].UserPrincipalName != fake.CarolUPN || bg[0].DisplayName != "Carol Martinez" {
		t.Errorf("carol: %+v", bg[0])
	}

	notFound := []string{"No such group", "Break-glass", "00000000-0000-4000-8000-000000000000"}
	for _, g := range notFound {
		_, err := c.GroupMembers(ctx, g)
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("%q: %v", g, err)
		}
	}
	if _, err := c.GroupMembers(ctx, "No such group"); err == nil || !strings.Contains(err.Error(), "no group named No such group") {
		t.Errorf("message: %v", err)
	}
	if _, err := c.GroupMembers(ctx, " "); !errors.Is(err, ErrBadRequest) {
		t.Errorf("empty: %v", err)
	}
	// an injection attempt is one (odd) name, not a wider filter
	if _, err := c.GroupMembers(ctx, "x' or displayName eq 'Helpdesk"); !errors.Is(err, ErrNotFound) {
		t.Errorf("injection: %v", err)
	}
	st := srv.Tenant.Stats()
	if st.Requests["GET /groups"] == 0 || st.Requests["GET /groups/{id}/transitiveMembers/microsoft.graph.user"] == 0 {
		t.Errorf("requests: %v", st.Requests)
	}
}

func TestGroupMembersAmbiguousAndDenied(t *testing.T) {
	src, err := fake.New(fake.Options{Users: 30})
	if err != nil {
		t.Fatal(err)
	}
	td := src.Export()
	td.Groups = append(td.Groups, fake.GroupData{ID: "0a0b0c0d-1111-4222-8333-444455556666", DisplayName: "helpdesk",
		MemberIDs: []string{fake.AliceID}})
	srv := startFake(t, fake.Options{Data: &td})
	ctx := context.Background()
	c := fakeClient(t, srv, "")
	_, err = c.GroupMembers(ctx, "Helpdesk")
	if !errors.Is(err, ErrBadRequest) || !strings.Contains(err.Error(), "several groups are named Helpdesk; use its object id") {
		t.Errorf("ambiguous: %v", err)
	}
	if got, err := c.GroupMembers(ctx, "0a0b0c0d-1111-4222-8333-444455556666"); err != nil || !slices.Equal(userIDs(got), []string{fake.AliceID}) {
		t.Errorf("by id: %v %v", got, err)
	}

	// no group permission: denied, naming GroupMember.Read.All, both when
	// resolving a name and when listing by id
	denied := fakeClient(t, srv, operatorToken(fake.IvanID, fake.IvanUPN, []string{fake.RoleAuthAdmin}))
	for _, g := range []string{"Helpdesk", fake.BreakGlassGroupID} {
		_, err := denied.GroupMembers(ctx, g)
		var ge *Error
		if !errors.As(err, &ge) || ge.Kind != ErrDenied || ge.Needs != "GroupMember.Read.All" || ge.Status != 403 {
			t.Errorf("%s: %#v", g, err)
		}
	}
	ok := fakeClient(t, srv, makeJWT(map[string]any{"tid": fake.TenantID, "oid": fake.IvanID, "scp": "GroupMember.Read.All"}))
	if got, err := ok.GroupMembers(ctx, fake.BreakGlassGroupName); err != nil || len(got) != 2 {
		t.Errorf("GroupMember.Read.All: %v %v", got, err)
	}
}

// Paging, cleaning and the next-link host guard, against a canned Graph.
func TestGroupMembersPaging(t *testing.T) {
	const gid = "11111111-2222-4333-8444-555555555555"
	var srvURL string
	evilNext := false
	srv := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/v1.0/groups/"+gid+"/transitiveMembers/graph.user" && r.URL.Query().Get("$skiptoken") == "":
			next := srvURL + "/v1.0/groups/" + gid + "/transitiveMembers/microsoft.graph.user?$select=id&$skiptoken=p2"
			if evilNext {
				next = "https://evil.example/v1.0/groups/" + gid + "/transitiveMembers/microsoft.graph.user?$skiptoken=p2"
			}
			writeJSON(w, 200, `{"@odata.context":"x","@odata.nextLink":"`+next+`","value":[
				{"id":"`+aliceID+`","displayName":"Alice \u001b]52;c;ZXZpbA==\u0007Wong","userPrincipalName":"alice@contoso.com"}]}`)
		case r.URL.Query().Get("$skiptoken") == "p2":
			writeJSON(w, 200, `{"value":[{"id":"`+bobID+`","displayName":"Bob","userPrincipalName":"bob@contoso.com"},
				{"id":"`+aliceID+`","displayName":"Alice again","userPrincipalName":"alice@contoso.com"}]}`)
		default:
			graphErr(w, 404, "Request_ResourceNotFound", "no", "r1")
		}
	})
	srvURL = srv.URL
	c, _ := testClient(t, srv.URL)
	got, err := c.GroupMembers(context.Background(), gid)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(userIDs(got), []string{aliceID, bobID}) {
		t.Errorf("members: %+v", got)
	}
	if strings.ContainsRune(got[0].DisplayName, 0x1b) || strings.ContainsRune(got[0].DisplayName, 0x07) {
		t.Errorf("not cleaned: %q", got[0].DisplayName)
	}
	first := srv.requests()[0]
	if first.Query.Get("$select") != "id,displayName,userPrincipalName" || first.Query.Get("$top") != "999" {
		t.Errorf("query: %v", first.Query)
	}

	evilNext = true
	n := srv.count()
	_, err = c.GroupMembers(context.Background(), gid)
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "refusing to follow") {
		t.Errorf("off-host next link: %v", err)
	}
	if srv.count() != n+1 {
		t.Errorf("requests after the first: %d", srv.count()-n-1)
	}
}

// Guard with a protected group named by display name: its members, nested
// ones too, are refused by id and by UPN; others pass.
func TestGroupGuard(t *testing.T) {
	srv := startFake(t, fake.Options{})
	ctx := context.Background()
	c := fakeClient(t, srv, "")
	g := Guard(c, GuardOptions{ProtectedGroups: []string{fake.BreakGlassGroupName}})
	for _, target := range []string{fake.CarolID, fake.CarolUPN, fake.JudyID} {
		err := errOf(g.Apply(ctx, DeleteMethod{UserID: target, Method: Method{ID: "x", Kind: KindFIDO2}}))
		if !errors.Is(err, ErrProtected) || !strings.Contains(err.Error(), "member of protected group") {
			t.Errorf("%s: %v", target, err)
		}
	}
	ms, err := c.ListMethods(ctx, fake.AliceID)
	if err != nil {
		t.Fatal(err)
	}
	var oath Method
	for _, m := range ms {
		if m.Kind == KindSoftwareOath {
			oath = m
		}
	}
	if err := errOf(g.Apply(ctx, DeleteMethod{UserID: fake.AliceID, Method: oath})); err != nil {
		t.Fatalf("alice: %v", err)
	}
	if st := srv.Tenant.Stats(); st.Deletes != 1 {
		t.Errorf("deletes: %d", st.Deletes)
	}

	// a group that cannot be resolved refuses everything (fail closed)
	bad := Guard(c, GuardOptions{ProtectedGroups: []string{"Break-glass acounts"}})
	if err := errOf(bad.Apply(ctx, RevokeSessions{UserID: fake.AliceID})); !errors.Is(err, ErrProtected) || !strings.Contains(err.Error(), "no group named") {
		t.Errorf("unresolvable group: %v", err)
	}
}
