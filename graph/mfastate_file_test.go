package graph

import (
	"errors"
	"strings"
	"testing"
)

// The legacy bulk file is read as the old page wrote it, and a file with
// any bad row is refused whole, every bad line named.
func TestParseMFAStateFile(t *testing.T) {
	in := "\ufeffUsername,MFA Status\r\n" +
		"alice@contoso.com,Enabled\r\n" +
		"bob@contoso.com,Enforced\r\n" +
		"\r\n" +
		"carol@contoso.com,disabled\r\n" +
		"ALICE@contoso.com,enabled\r\n"
	rows, warns, err := ParseMFAStateFile(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		user  string
		state PerUserMFAState
		line  int
	}{{"alice@contoso.com", PerUserMFAEnabled, 2}, {"bob@contoso.com", PerUserMFAEnforced, 3}, {"carol@contoso.com", PerUserMFADisabled, 5}}
	if len(rows) != len(want) {
		t.Fatalf("rows = %+v", rows)
	}
	for i, w := range want {
		if rows[i].Target.Value != w.user || rows[i].State != w.state || rows[i].Target.Line != w.line {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], w)
		}
	}
	if len(warns) != 1 || !strings.Contains(warns[0].Message, "lines 2, 6") {
		t.Errorf("warnings = %v", warns)
	}
}

func TestParseMFAStateFileRejectsWhole(t *testing.T) {
	in := "Username,MFA Status\n" +
		"alice@contoso.com,Enabled\n" +
		"bob@contoso.com,On\n" +
		"not a user,Enforced\n" +
		"carol@contoso.com,\n" +
		"alice@contoso.com,Disabled\n"
	rows, _, err := ParseMFAStateFile(strings.NewReader(in))
	var te *TargetError
	if !errors.As(err, &te) || rows != nil {
		t.Fatalf("err = %v, rows = %v", err, rows)
	}
	lines := []int{}
	for _, b := range te.Bad {
		lines = append(lines, b.Line)
	}
	if len(lines) != 4 || lines[0] != 3 || lines[1] != 4 || lines[2] != 5 || lines[3] != 6 {
		t.Fatalf("bad lines = %v (%v)", lines, err)
	}
	msg := err.Error()
	for _, s := range []string{`line 3: MFA Status "On": use Enabled, Enforced or Disabled`, "line 4", "no value in the MFA Status column", "already listed on line 2"} {
		if !strings.Contains(msg, s) {
			t.Errorf("error lacks %q:\n%s", s, msg)
		}
	}
}

func TestParseMFAStateFileNotOne(t *testing.T) {
	if _, _, err := ParseMFAStateFile(strings.NewReader("UserPrincipalName\nalice@contoso.com\n")); !errors.Is(err, ErrNotMFAStateFile) {
		t.Fatalf("err = %v", err)
	}
	if _, _, err := ParseMFAStateFile(strings.NewReader("MFA Status\nEnabled\n")); err == nil || errors.Is(err, ErrNotMFAStateFile) {
		t.Fatalf("a state without a user column: err = %v", err)
	}
}
