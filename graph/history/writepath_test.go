package history_test

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/graph/history"
	"github.com/mfadesk/mfadesk/graph/msgraph"
)

// changeTypes finds every type in package graph that seals the Change set
// (has an isChange method), by reading the package's source: a change
// type added without an entry in sampleChanges fails the write-path test.
func changeTypes(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join("..", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || fd.Name.Name != "isChange" {
				continue
			}
			typ := fd.Recv.List[0].Type
			if st, ok := typ.(*ast.StarExpr); ok {
				typ = st.X
			}
			if id, ok := typ.(*ast.Ident); ok {
				names = append(names, id.Name)
			}
		}
	}
	slices.Sort(names)
	if len(names) < 6 {
		t.Fatalf("found only %v: the parse went wrong", names)
	}
	return names
}

// writeFixture is what the sample changes act on: Alice of the fake
// tenant and two of her methods.
type writeFixture struct {
	user                 string
	deletable, defaultTo graph.Method
}

// sampleChanges has one change of every type, addressed to f.user, with a
// ticket (ticketRequired is on in these tests).
func sampleChanges(f writeFixture) map[string]graph.Change {
	a := graph.Approval{Ticket: "INC-1", Checklist: []string{"verified the caller by phone callback"}}
	return map[string]graph.Change{
		"DeleteMethod":      graph.DeleteMethod{UserID: f.user, Method: f.deletable, Approval: a},
		"RevokeSessions":    graph.RevokeSessions{UserID: f.user, Approval: a},
		"CreateTAP":         graph.CreateTAP{UserID: f.user, Request: graph.TAPRequest{LifetimeMinutes: 60, IsUsableOnce: true}, Approval: a},
		"SetPerUserMFA":     graph.SetPerUserMFA{UserID: f.user, State: graph.PerUserMFAEnforced, Approval: a},
		"SetDefaultMethod":  graph.SetDefaultMethod{UserID: f.user, Method: f.defaultTo, Approval: a},
		"SetAccountEnabled": graph.SetAccountEnabled{UserID: f.user, Enabled: false, Approval: a},
		// Alice has a mobile and an alternate mobile, no office phone and no email.
		"SetPhone": graph.SetPhone{UserID: f.user, Type: graph.PhoneOffice, Number: "+1 4255550199x12", Approval: a},
		"SetEmail": graph.SetEmail{UserID: f.user, Address: "alice.home@example.com", Approval: a},
		// Identity Protection (graph/idrisk.go): Alice is at risk in the fake.
		"DismissRisk":        graph.DismissRisk{UserID: f.user, Approval: a},
		"ConfirmCompromised": graph.ConfirmCompromised{UserID: f.user, Approval: a},
		"SendMail": graph.SendMail{Mail: graph.Mail{To: []string{fake.AliceUPN}, Subject: "Your sign-in methods changed",
			Body: "body"}, Approval: a},
		"ResetPassword": graph.ResetPassword{UserID: f.user, NewPassword: graph.NewTemporaryPassword(), Approval: a},
	}
}

// writeStack is the stack the TUI and CLI build, history.Wrap(graph.Guard(
// the msgraph adapter)), over a fresh fake tenant.
func writeStack(t *testing.T, opts graph.GuardOptions) (graph.Client, *fake.Server, *history.Log, writeFixture) {
	t.Helper()
	srv, err := fake.Start(fake.Options{Users: 5})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	real, err := msgraph.NewClient(msgraph.ClientOptions{Endpoint: srv.URL, HTTPClient: &http.Client{}})
	if err != nil {
		t.Fatal(err)
	}
	l, _ := openLog(t)
	c := history.Wrap(graph.Guard(real, opts), l, func(context.Context) history.Meta {
		return history.Meta{Via: "test", RequireTicket: true}
	})
	ms, err := c.ListMethods(context.Background(), fake.AliceID)
	if err != nil {
		t.Fatal(err)
	}
	f := writeFixture{user: fake.AliceID}
	for _, m := range ms {
		switch {
		case m.Kind == graph.KindSoftwareOath:
			f.deletable = m
		case m.Kind == graph.KindPhone && strings.EqualFold(m.PhoneType, "mobile"):
			f.defaultTo = m
		}
	}
	if f.deletable.ID == "" || f.defaultTo.ID == "" {
		t.Fatalf("Alice's methods changed in the fake: %+v", ms)
	}
	// The guard resolves its protected accounts once, on the first check:
	// done here, so what follows counts only the changes' own requests.
	graph.CheckWrite(context.Background(), c, graph.WriteRevokeSessions, fake.AliceID)
	srv.Tenant.ResetStats()
	return c, srv, l, f
}

// TestEveryChangeIsGuardedAndRecorded iterates every Change type: under
// read-only mode and for a protected target each is refused before any
// request reaches the tenant, and the refusal is in the history; in normal
// mode each is applied and recorded.
func TestEveryChangeIsGuardedAndRecorded(t *testing.T) {
	types := changeTypes(t)
	samples := sampleChanges(writeFixture{})
	for _, name := range types {
		if _, ok := samples[name]; !ok {
			t.Errorf("change type %s has no sample in sampleChanges: add one (and guard/record it)", name)
		}
	}
	if t.Failed() {
		return
	}
	modes := []struct {
		name string
		opts graph.GuardOptions
		want error
	}{
		{"read-only", graph.GuardOptions{ReadOnly: true, ReadOnlyWhy: "--read-only"}, graph.ErrReadOnly},
		{"protected target", graph.GuardOptions{ProtectedUsers: []string{fake.AliceUPN}}, graph.ErrProtected},
		{"normal", graph.GuardOptions{}, nil},
	}
	for _, mode := range modes {
		for _, name := range types {
			t.Run(mode.name+"/"+name, func(t *testing.T) {
				c, srv, l, f := writeStack(t, mode.opts)
				ch := sampleChanges(f)[name]
				want := mode.want
				if ch.Target() == "" && mode.want == graph.ErrProtected {
					// Mail changes no account: protection does not apply
					// (read-only mode does).
					want = nil
				}
				res, err := c.Apply(context.Background(), ch)
				es, rerr := l.Read(history.Filter{})
				if rerr != nil || len(es) != 1 {
					t.Fatalf("history after one change: %+v, %v", es, rerr)
				}
				e := es[0]
				if e.Op != ch.Kind() || e.Ticket != "INC-1" || len(e.Checklist) != 1 {
					t.Errorf("entry %+v does not name the change and its ticket", e)
				}
				stats := srv.Tenant.Stats()
				if want != nil {
					if !errors.Is(err, want) {
						t.Fatalf("err = %v, want %v", err, want)
					}
					if stats.Total != 0 {
						t.Errorf("a refused change reached the tenant: %v", stats.Requests)
					}
					if e.Result != history.ResultRefused {
						t.Errorf("refusal recorded as %+v", e)
					}
					return
				}
				if err != nil {
					t.Fatalf("applied: %v", err)
				}
				if stats.Total == 0 {
					t.Errorf("nothing reached the tenant")
				}
				if e.Result != history.ResultOK || e.RequestID == "" || e.RequestID != res.RequestID {
					t.Errorf("entry %+v, result request-id %q", e, res.RequestID)
				}
				if name == "CreateTAP" && res.TAP.Value == "" {
					t.Errorf("the pass did not come back")
				}
				if rp, ok := ch.(graph.ResetPassword); ok {
					if !res.Password.Confirmed || res.Password.Password != rp.NewPassword {
						t.Errorf("reset: %+v", res.Password)
					}
					if got, _ := srv.Tenant.Password(f.user); got != rp.NewPassword.Reveal() {
						t.Errorf("the tenant holds %q", got)
					}
					if strings.Contains(e.Detail+e.Error, rp.NewPassword.Reveal()) || !strings.Contains(e.Detail, "succeeded") {
						t.Errorf("history entry %+v", e)
					}
				}
			})
		}
	}
}

// TestBatchedBulkRunIsGuardedAndRecorded: a bulk run that batches still
// goes through the guard and the history for every change: the protected
// user is refused with nothing sent for them, and every change sent in a
// $batch is recorded with its item's request-id.
func TestBatchedBulkRunIsGuardedAndRecorded(t *testing.T) {
	srv, err := fake.Start(fake.Options{Users: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	real, err := msgraph.NewClient(msgraph.ClientOptions{Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	l, _ := openLog(t)
	c := history.Wrap(graph.Guard(real, graph.GuardOptions{ProtectedUsers: []string{fake.CarolUPN}}), l, meta)
	carolBefore := len(srv.Tenant.Methods(fake.CarolID))
	targets := []string{fake.AliceID, fake.BobID, fake.CarolID}
	sum, err := graph.RunBulk(context.Background(), c, graph.Operation{Kind: graph.OpReset}, targets,
		graph.BulkOptions{Batch: true, Approval: graph.Approval{Ticket: "CHG-9"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.Tenant.Stats().BatchItems; got == 0 {
		t.Fatal("nothing was batched")
	}
	for _, r := range sum.Results {
		switch r.UserID {
		case fake.CarolID:
			if r.State == graph.StateDone || !strings.Contains(r.Why, "protected") {
				t.Errorf("protected Carol: %+v", r)
			}
		default:
			if r.State != graph.StateDone {
				t.Errorf("%s: %+v", r.User, r)
			}
		}
	}
	if n := len(srv.Tenant.Methods(fake.CarolID)); n != carolBefore {
		t.Errorf("Carol's methods %d -> %d", carolBefore, n)
	}
	es, _ := l.Read(history.Filter{})
	deletes := 0
	for _, e := range es {
		if e.Ticket != "CHG-9" {
			t.Errorf("entry without the run's ticket: %+v", e)
		}
		switch {
		case e.UserID == fake.CarolID:
			if e.Result != history.ResultRefused {
				t.Errorf("Carol's entry %+v", e)
			}
		case e.Op == graph.WriteDeleteMethod:
			deletes++
			if e.Result != history.ResultOK || e.RequestID == "" {
				t.Errorf("batched delete recorded as %+v", e)
			}
		}
	}
	if want := srv.Tenant.Stats().Deletes; deletes != want || want == 0 {
		t.Errorf("%d deletes recorded, the tenant made %d", deletes, want)
	}
}
