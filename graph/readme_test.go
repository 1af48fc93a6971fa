package graph

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// The README's two permission tables are rendered from the requirement
// table (permissions.go) and the target tables (roles.go), so the README
// says exactly what doctor and the TUI check. After changing either:
//
//	go test ./graph -run TestREADMEPermissions -readme
var rewriteREADME = flag.Bool("readme", false, "rewrite the README's generated permission tables")

const readmePath = "../README.md"

func TestREADMEPermissions(t *testing.T) {
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Skip("no README")
	}
	readme := string(data)
	blocks := map[string]string{
		"permissions-by-action": permissionsByAction(),
		"permissions-by-role":   permissionsByRole(),
	}
	for _, name := range []string{"permissions-by-action", "permissions-by-role"} {
		begin := "<!-- begin " + name + " (generated: go test ./graph -run TestREADMEPermissions -readme) -->\n"
		end := "<!-- end " + name + " -->"
		i := strings.Index(readme, begin)
		j := strings.Index(readme, end)
		if i < 0 || j < i {
			t.Errorf("README lacks the %q block (%q ... %q)", name, begin, end)
			continue
		}
		got := readme[i+len(begin) : j]
		if got == blocks[name] {
			continue
		}
		if *rewriteREADME {
			readme = readme[:i+len(begin)] + blocks[name] + readme[j:]
			continue
		}
		t.Errorf("README's %s table differs from permissions.go; rerun with -readme. Want:\n%s", name, blocks[name])
	}
	if *rewriteREADME {
		if err := os.WriteFile(readmePath, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Global Administrator is in every row that names roles, which is what
// lets the README leave it out of the tables and say so once.
func TestGlobalAdminInEveryRoleRow(t *testing.T) {
	for _, r := range Requirements() {
		if len(r.Roles) > 0 && !slices.Contains(r.Roles, RoleGlobalAdmin) {
			t.Errorf("%s: roles lack Global Administrator, but the README says it may do everything", r.Action)
		}
	}
}

func code(xs []string) string {
	if len(xs) == 0 {
		return "not supported"
	}
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = "`" + x + "`"
	}
	return strings.Join(out, ", ")
}

func roleNames(ids []string) string {
	var out []string
	for _, id := range ids {
		if id != RoleGlobalAdmin {
			out = append(out, RoleName(id))
		}
	}
	return strings.Join(out, ", ")
}

var targetText = map[TargetRule]string{
	TargetAny:           "every user",
	TargetSensitive:     "[Who can perform sensitive actions](" + SourcePrivilegedRoles + "#who-can-perform-sensitive-actions)",
	TargetPasswordReset: "[Who can reset passwords](" + SourcePrivilegedRoles + "#who-can-reset-passwords)",
}

func permissionsByAction() string {
	var b strings.Builder
	b.WriteString("| Action | Delegated permission | Application permission | Directory role (delegated) | Whom the role may change |\n")
	b.WriteString("|---|---|---|---|---|\n")
	var notes []string
	for _, r := range Requirements() {
		roles := roleNames(r.Roles)
		if roles == "" {
			roles = "none (any member)"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.Label, code(r.Delegated), code(r.Application), roles, targetText[r.Target])
		var n []string
		if r.Note != "" {
			n = append(n, r.Note)
		}
		for _, a := range r.Also {
			n = append(n, "also needs what *"+a.Label()+"* needs")
		}
		if len(n) > 0 {
			notes = append(notes, "- *"+r.Label+"*: "+strings.Join(n, "; ")+".")
		}
	}
	var writes []string
	for _, r := range Requirements() {
		if r.Write {
			writes = append(writes, r.Label)
		}
	}
	b.WriteString("\nChanges, refused in read-only mode (whose scopes it does not ask for): " + strings.Join(writes, ", ") + ".\n\n")
	for _, n := range notes {
		b.WriteString(n + "\n")
	}
	return b.String()
}

// readmeRoles are the roles the by-role table describes, in the order a
// helpdesk meets them.
var readmeRoles = []string{RoleAuthAdmin, RolePrivilegedAuthAdmin, RoleAuthPolicyAdmin, RoleHelpdeskAdmin,
	RolePasswordAdmin, RoleUserAdmin, RoleGlobalReader, RoleReportsReader, RoleSecurityReader,
	RoleSecurityOperator, RoleSecurityAdmin}

// permissionsByRole: what a technician holding one role (and every
// delegated permission consented) may do, as Operator.Allows decides it,
// beyond what any member may; and which of those it may not do to an admin
// of any role.
func permissionsByRole() string {
	var all []string
	for _, r := range Requirements() {
		all = append(all, r.Delegated...)
	}
	allowed := func(ids []string, target *TargetRoles) []string {
		op := Operator{Scopes: all, RoleTemplateIDs: ids}
		var out []string
		for _, r := range Requirements() {
			if ok, _ := op.Allows(r.Action, target); ok {
				out = append(out, r.Label)
			}
		}
		return out
	}
	anyone := allowed(nil, nil)
	var b strings.Builder
	b.WriteString("| Role held | May do, beyond what any member may (" + strings.Join(anyone, ", ") + ") | Of that, not to admins |\n")
	b.WriteString("|---|---|---|\n")
	for _, id := range readmeRoles {
		var may, notAdmins []string
		toAdmins := allowed([]string{id}, AnyAdminTarget())
		for _, l := range allowed([]string{id}, nil) {
			if slices.Contains(anyone, l) {
				continue
			}
			may = append(may, l)
			if !slices.Contains(toAdmins, l) {
				notAdmins = append(notAdmins, l)
			}
		}
		na := "none"
		if len(notAdmins) > 0 {
			na = strings.Join(notAdmins, ", ")
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", RoleName(id), strings.Join(may, ", "), na)
	}
	return b.String()
}
