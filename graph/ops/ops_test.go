package ops_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
)

// Every entry is complete and unambiguous: a permission row with sources,
// unique names and keys, a bulk form only where it has a bulk scope.
func TestCatalogueIsConsistent(t *testing.T) {
	names, keys, bulkKeys := map[ops.Name]bool{}, map[string]ops.Name{}, map[string]ops.Name{}
	for _, o := range ops.All() {
		if names[o.Name] {
			t.Errorf("%s twice", o.Name)
		}
		names[o.Name] = true
		if o.Label == "" || o.Help == "" || o.Bar == "" {
			t.Errorf("%s: label, help or bar text missing", o.Name)
		}
		r, ok := graph.RequirementFor(o.Action)
		if !ok || len(r.Source) == 0 {
			t.Errorf("%s: no permission row %q with sources", o.Name, o.Action)
		}
		if r.Write != o.Writes() {
			t.Errorf("%s: permission row write=%v, catalogue writes=%v", o.Name, r.Write, o.Writes())
		}
		if o.Key != "" {
			if other, dup := keys[o.Key]; dup {
				t.Errorf("key %q for %s and %s", o.Key, other, o.Name)
			}
			keys[o.Key] = o.Name
		}
		if o.BulkKey != "" {
			if other, dup := bulkKeys[o.BulkKey]; dup {
				t.Errorf("bulk key %q for %s and %s", o.BulkKey, other, o.Name)
			}
			bulkKeys[o.BulkKey] = o.Name
			if o.Scope&ops.Bulk == 0 {
				t.Errorf("%s has a bulk key but no bulk scope", o.Name)
			}
		}
		if o.Bulk != "" {
			if err := (graph.Operation{Kind: o.Bulk, Kinds: []graph.MethodKind{graph.KindPhone}, MFAState: graph.PerUserMFAEnforced}).Validate(); err != nil &&
				!strings.Contains(err.Error(), "only delete-methods") {
				t.Errorf("%s: bulk kind %q: %v", o.Name, o.Bulk, err)
			}
			if back, ok := ops.ForBulk(o.Bulk); !ok || back.Name != o.Name {
				t.Errorf("ForBulk(%s) = %s", o.Bulk, back.Name)
			}
		}
		if got, ok := ops.ForKey(ops.One, o.Key); o.Key != "" && (!ok || got.Name != o.Name) {
			t.Errorf("ForKey(%q) = %s", o.Key, got.Name)
		}
	}
}

// Available is the one "is this allowed?" rule: each reason, in order.
func TestAvailable(t *testing.T) {
	alice := graph.User{ID: "a1", UserPrincipalName: "alice@contoso.com"}
	guest := graph.User{ID: "g1", UserType: "Guest"}
	reset, tap := ops.MustGet(ops.Reset), ops.MustGet(ops.IssueTAP)
	audit := ops.MustGet(ops.Audit)

	if ok, why := reset.Available(ops.Context{ReadOnly: true, ReadOnlyWhy: "--read-only"}, alice); ok || why != "read-only mode (--read-only)" {
		t.Errorf("read-only: %v %q", ok, why)
	}
	if ok, _ := audit.Available(ops.Context{ReadOnly: true}, alice); !ok {
		t.Error("a read was refused in read-only mode")
	}
	prot := ops.Context{Protected: func(u graph.User) string { return "break-glass" }}
	if ok, why := reset.Available(prot, alice); ok || why != "break-glass" {
		t.Errorf("protected: %v %q", ok, why)
	}
	if ok, _ := ops.MustGet(ops.Notify).Available(prot, alice); !ok {
		t.Error("mail to a protected user refused (it changes nothing of theirs)")
	}
	guard := ops.Context{Guard: func(k graph.WriteKind, id string) error {
		return &graph.Error{Kind: graph.ErrProtected, Message: "member of Break Glass"}
	}}
	if ok, why := reset.Available(guard, alice); ok || why != "member of Break Glass" {
		t.Errorf("guard: %v %q", ok, why)
	}
	helpdesk := ops.Context{OperatorKnown: true, Operator: graph.Operator{ID: "op", RoleTemplateIDs: []string{graph.RoleHelpdeskAdmin}}}
	if ok, why := reset.Available(helpdesk, alice); ok || !strings.Contains(why, "Authentication Administrator") {
		t.Errorf("role: %v %q", ok, why)
	}
	if ok, why := tap.Available(ops.Context{}, guest); ok || !strings.Contains(why, "guests") {
		t.Errorf("guest TAP: %v %q", ok, why)
	}
	items := ops.Menu(ops.One, ops.Context{ReadOnly: true}, alice, true)
	if len(items) == 0 || items[0].Name != ops.Reset || items[0].OK {
		t.Errorf("menu: %+v", items)
	}
	for _, it := range ops.Menu(ops.Bulk, ops.Context{}, graph.User{}, false) {
		if it.BulkKey == "" || !it.OK {
			t.Errorf("bulk menu item %s: %+v", it.Name, it)
		}
	}
}

// ShouldNotify: only users the operation was done to, only for operations
// that notify.
func TestShouldNotify(t *testing.T) {
	done, failed := ops.Result{Status: ops.Done}, ops.Result{Status: ops.Failed}
	if !ops.ShouldNotify(ops.MustGet(ops.Reset), done) || ops.ShouldNotify(ops.MustGet(ops.Reset), failed) ||
		ops.ShouldNotify(ops.MustGet(ops.Revoke), done) {
		t.Error("wrong rule")
	}
}

// The mail about a TAP has the TAP subject even when a custom subject
// is set for resets, and never holds the pass.
func TestNotifierPerKindSubject(t *testing.T) {
	n := ops.Notifier{Template: graph.Notification{Subject: "Your MFA has been reset",
		Subjects: map[graph.NotifyKind]string{graph.NotifyTAP: "A pass for {{.UPN}}"}}, Operator: "Carol"}
	u := graph.User{ID: "a1", UserPrincipalName: "alice@contoso.com", Mail: "alice@contoso.com"}
	m, err := n.Mail(context.Background(), nil, u, graph.NotifyTAP, "alice@contoso.com", "T-1",
		&graph.TAP{Value: "SECRET-PASS", LifetimeMinutes: 60}, fixed)
	if err != nil || m.Subject != "A pass for alice@contoso.com" || strings.Contains(m.Body, "SECRET-PASS") {
		t.Fatalf("%v %q", err, m.Subject)
	}
	m, err = n.Mail(context.Background(), nil, u, graph.NotifyReset, "", "", nil, fixed)
	if err != nil || m.Subject != "Your MFA has been reset" || m.To[0] != "alice@contoso.com" {
		t.Fatalf("%v %+v", err, m)
	}
	if to := n.Recipient(context.Background(), nil, graph.User{UserPrincipalName: "x@contoso.com"}); to.Failed() || to.Err == nil {
		t.Errorf("no address: %+v", to)
	}
	var skip ops.MailSkip
	if to := n.Recipient(context.Background(), nil, graph.User{UserPrincipalName: "x@contoso.com"}); !errors.As(to.Err, &skip) {
		t.Errorf("no address is a skip: %v", to.Err)
	}
}

var fixed = mustTime("2026-03-02T14:05:00Z")
