package graph

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
)

const (
	guidA = "a1b2c3d4-e5f6-7890-abcd-1234567890ef"
	guidB = "b2c3d4e5-f678-9012-bcde-2345678901fa"
)

func TestParseTargets(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     []Target
		warnings []string // substrings, one per warning, in order
		errLines []int    // lines a *TargetError must name
		errHas   string
	}{
		{
			name: "powershell object ids",
			in:   "ObjectId\n" + guidA + "\n" + guidB + "\n",
			want: []Target{{2, guidA, true}, {3, guidB, true}},
		},
		{
			name: "BOM, CRLF, quotes, blank lines, upper-case GUID",
			in:   "\xef\xbb\xbf\"objectid\"\r\n\r\n\"" + strings.ToUpper(guidA) + "\"\r\n   \r\n" + guidB + "\r\n",
			want: []Target{{3, guidA, true}, {5, guidB, true}},
		},
		{
			name: "UPN column with unusual but valid characters",
			in:   "UserPrincipalName\nsean.o'brien@contoso.com\nbob_fabrikam.com#EXT#@contoso.onmicrosoft.com\nx!y^z~w-1@sub.contoso.com\n",
			want: []Target{{2, "sean.o'brien@contoso.com", false}, {3, "bob_fabrikam.com#EXT#@contoso.onmicrosoft.com", false}, {4, "x!y^z~w-1@sub.contoso.com", false}},
		},
		{
			name:     "Get-MgUser export: Id + UPN + other columns, #TYPE line",
			in:       "#TYPE Microsoft.Graph.PowerShell.Models.MicrosoftGraphUser\n\"DisplayName\",\"Id\",\"UserPrincipalName\"\n\"Alice, A.\",\"" + guidA + "\",\"alice@contoso.com\"\n\"Bob\",\"\",\"bob@contoso.com\"\n",
			want:     []Target{{3, guidA, true}, {4, "bob@contoso.com", false}},
			warnings: []string{`line 2: ignoring column(s) "DisplayName"`},
		},
		{
			name: "semicolon separated",
			in:   "DisplayName;UserPrincipalName\nAlice;alice@contoso.com\n",
			want: []Target{{2, "alice@contoso.com", false}},
			warnings: []string{
				`ignoring column(s) "DisplayName"`,
			},
		},
		{
			name:     "duplicates removed and named",
			in:       "UserPrincipalName\nalice@contoso.com\nbob@contoso.com\nALICE@contoso.com\nalice@contoso.com\n",
			want:     []Target{{2, "alice@contoso.com", false}, {3, "bob@contoso.com", false}},
			warnings: []string{`"alice@contoso.com" appears on lines 2, 4, 5; using it once`},
		},
		{
			name:     "every bad line listed",
			in:       "ObjectId\n" + guidA + "\nnot-a-guid\n" + guidB + "\nalice@contoso.com\n" + guidA[:35] + "\n",
			errLines: []int{3, 5, 6},
			errHas:   "put user principal names under a UserPrincipalName header",
		},
		{
			name:     "bad UPNs",
			in:       "UserPrincipalName\nalice@contoso.com\nx' or 1 eq 1@contoso.com\n.alice@contoso.com\nalice@localhost\nal..ice@contoso.com\nalice@contoso.com/../../x\n",
			errLines: []int{3, 4, 5, 6, 7},
		},
		{
			name:     "row with empty id column and no UPN column",
			in:       "ObjectId,Note\n" + guidA + ",x\n,hello\n",
			errLines: []int{3},
			errHas:   `no value in the "ObjectId" column`,
		},
		{
			name:     "headerless list of ids",
			in:       guidA + "\n" + guidB + "\n",
			errLines: []int{1},
			errHas:   "ObjectId, Id or UserPrincipalName",
		},
		{
			name:     "empty file",
			in:       "",
			errLines: []int{1},
			errHas:   "empty",
		},
		{
			name:     "BOM only",
			in:       "\xef\xbb\xbf\r\n",
			errLines: []int{1},
		},
		{
			name:     "header only",
			in:       "ObjectId\r\n",
			errLines: []int{1},
			errHas:   "not followed by any user",
		},
		{
			name:     "unterminated quote",
			in:       "ObjectId\n\"" + guidA + "\n" + guidB + "\n",
			errLines: []int{2},
		},
		{
			name:     "terminal escape in a value is quoted, not passed through",
			in:       "UserPrincipalName\n\x1b]52;c;aGk=\x07@contoso.com\n",
			errLines: []int{2},
			errHas:   `\x1b]52`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warns, err := ParseTargets(strings.NewReader(tt.in))
			if tt.errLines != nil {
				var te *TargetError
				if !errors.As(err, &te) {
					t.Fatalf("err = %v, want *TargetError", err)
				}
				var lines []int
				for _, b := range te.Bad {
					lines = append(lines, b.Line)
				}
				if fmt.Sprint(lines) != fmt.Sprint(tt.errLines) {
					t.Errorf("bad lines = %v, want %v\n%v", lines, tt.errLines, err)
				}
				for _, l := range tt.errLines {
					if !strings.Contains(err.Error(), fmt.Sprintf("line %d", l)) {
						t.Errorf("error does not name line %d: %v", l, err)
					}
				}
				if !strings.Contains(err.Error(), tt.errHas) {
					t.Errorf("error %q does not contain %q", err, tt.errHas)
				}
				if strings.ContainsRune(err.Error(), 0x1b) {
					t.Errorf("error carries a raw escape: %q", err)
				}
				if got != nil {
					t.Errorf("targets returned with an error: %v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("targets = %v\nwant      %v", got, tt.want)
			}
			if len(warns) != len(tt.warnings) {
				t.Fatalf("warnings = %v, want %d", warns, len(tt.warnings))
			}
			for i, w := range tt.warnings {
				if !strings.Contains(warns[i].Message, w) {
					t.Errorf("warning %d = %q, want it to contain %q", i, warns[i].Message, w)
				}
			}
		})
	}
}

func TestParseTargetArgs(t *testing.T) {
	got, err := ParseTargetArgs([]string{"alice@contoso.com", strings.ToUpper(guidA), "Alice@Contoso.com", guidA})
	if err != nil {
		t.Fatal(err)
	}
	want := []Target{{1, "alice@contoso.com", false}, {2, guidA, true}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}

	_, err = ParseTargetArgs([]string{"alice@contoso.com", "alice", "x' or 1 eq 1", guidB})
	var te *TargetError
	if !errors.As(err, &te) || len(te.Bad) != 2 || te.Bad[0].Line != 2 || te.Bad[1].Line != 3 {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "argument 2") || !strings.Contains(err.Error(), "argument 3") {
		t.Errorf("error does not name the arguments: %v", err)
	}
	if _, err := ParseTargetArgs(nil); err == nil {
		t.Error("no arguments accepted")
	}
}

func TestTargetShapes(t *testing.T) {
	for s, want := range map[string]bool{
		guidA: true, strings.ToUpper(guidB): true, guidA[:35] + "g": false, guidA + "0": false,
		"a1b2c3d4e5f6-7890-abcd-1234567890ef-": false,
	} {
		if got := IsGUID(s); got != want {
			t.Errorf("IsGUID(%q) = %v", s, got)
		}
	}
	for s, want := range map[string]bool{
		"alice@contoso.com": true, "o'brien@contoso.com": true, "a@b.c": true,
		"alice@": false, "@contoso.com": false, "alice@contoso": false, "alice@-contoso.com": false,
		"al ice@contoso.com": false, "alice@contoso..com": false, "alice.@contoso.com": false,
		"a\"b@contoso.com": false, "ålice@contoso.com": false, strings.Repeat("a", 65) + "@contoso.com": false,
		"alice@contoso.com\n": false, "alice@contoso.com?x": false,
	} {
		if got := targetIsUPN(s); got != want {
			t.Errorf("targetIsUPN(%q) = %v", s, got)
		}
	}
}

func TestParseTargetsLarge(t *testing.T) {
	in := bigTargetCSV(100_000)
	got, warns, err := ParseTargets(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 100_000 || len(warns) != 0 {
		t.Fatalf("got %d targets, %d warnings", len(got), len(warns))
	}
	if got[99_999].Line != 100_001 {
		t.Errorf("last line = %d", got[99_999].Line)
	}
}

func bigTargetCSV(n int) string {
	var b strings.Builder
	b.WriteString("ObjectId,UserPrincipalName\r\n")
	for i := range n {
		if i%2 == 0 {
			fmt.Fprintf(&b, "%08x-0000-4000-8000-%012x,\r\n", i, i)
		} else {
			fmt.Fprintf(&b, ",user%d@contoso.com\r\n", i)
		}
	}
	return b.String()
}

func BenchmarkParseTargets100k(b *testing.B) {
	in := bigTargetCSV(100_000)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, _, err := ParseTargets(strings.NewReader(in)); err != nil {
			b.Fatal(err)
		}
	}
}

var lineRef = regexp.MustCompile(`line \d+`)

func FuzzParseTargets(f *testing.F) {
	for _, s := range []string{
		"ObjectId\n" + guidA + "\n",
		"\xef\xbb\xbfUserPrincipalName\r\nalice@contoso.com\r\n\r\nALICE@contoso.com\r\n",
		"#TYPE x\n\"Id\",\"UserPrincipalName\",\"X\"\n\"\",\"o'brien@contoso.com\",\"\"\"\"\n",
		"Id;UserPrincipalName\n;a@b.c\n",
		"ObjectId\n\"unterminated\n",
		"UserPrincipalName\nx' or 1 eq 1@contoso.com\n",
		"",
		",,,\n,,\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, _, err := ParseTargets(strings.NewReader(in))
		if err != nil {
			if !lineRef.MatchString(err.Error()) {
				t.Fatalf("error without a line number: %v", err)
			}
			if got != nil {
				t.Fatal("targets returned with an error")
			}
			return
		}
		if len(got) == 0 {
			t.Fatal("no targets and no error")
		}
		seen := map[string]bool{}
		for _, tg := range got {
			if tg.IsID != IsGUID(tg.Value) || !tg.IsID && !targetIsUPN(tg.Value) {
				t.Fatalf("accepted %q (IsID %v)", tg.Value, tg.IsID)
			}
			if tg.Line < 1 {
				t.Fatalf("line %d", tg.Line)
			}
			k := strings.ToLower(tg.Value)
			if seen[k] {
				t.Fatalf("duplicate %q", tg.Value)
			}
			seen[k] = true
		}
	})
}

// An unclosed quote in another column must not swallow the users after it:
// a CSV reader reads on to the next quote, so this file was once read as one
// user (alice) instead of four.
func TestParseTargetsUnclosedQuoteIsReported(t *testing.T) {
	in := "UserPrincipalName,DisplayName\n" +
		"alice@contoso.com,\"Smith, John\n" +
		"bob@contoso.com,Bob\n" +
		"carol@contoso.com,Carol\n" +
		"dan@contoso.com,\"Dan, \"\"D\"\"\"\n"
	got, _, err := ParseTargets(strings.NewReader(in))
	var te *TargetError
	if !errors.As(err, &te) || len(te.Bad) != 1 || te.Bad[0].Line != 2 {
		t.Fatalf("got %v, err %v; want line 2 rejected", got, err)
	}
	if !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "not closed") {
		t.Errorf("error = %v", err)
	}
	// A quoted field that spans lines is the same thing to us.
	_, _, err = ParseTargets(strings.NewReader("UserPrincipalName,Note\nalice@contoso.com,\"two\nlines\"\nbob@contoso.com,x\n"))
	if !errors.As(err, &te) || te.Bad[0].Line != 2 {
		t.Fatalf("err = %v", err)
	}
	// Every row is one line: four lines, four users.
	got, _, err = ParseTargets(strings.NewReader(strings.Replace(in, "\"Smith, John\n", "\"Smith, John\"\n", 1)))
	if err != nil || len(got) != 4 || got[3].Line != 5 {
		t.Fatalf("got %v, %v", got, err)
	}
	// A quote inside an unquoted field is read as it stands.
	got, _, err = ParseTargets(strings.NewReader("UserPrincipalName,Name\nalice@contoso.com,O\"Brien\n"))
	if err != nil || len(got) != 1 {
		t.Fatalf("got %v, %v", got, err)
	}
}

// endlessReader never ends, like /dev/zero or a pipe nobody closes.
type endlessReader struct{ pattern string }

func (e *endlessReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.pattern[i%len(e.pattern)]
	}
	return len(p), nil
}

func TestParseTargetsBounded(t *testing.T) {
	row := ",user@contoso.com\n" // 18 bytes; repeats are fine, the limit comes first
	for name, tc := range map[string]struct {
		r    io.Reader
		want string
	}{
		"/dev/zero": {&endlessReader{"\x00"}, "line 1: longer than 4 KB"},
		"endless rows": {io.MultiReader(strings.NewReader("ObjectId,UserPrincipalName\n"), &endlessReader{row}),
			"line 100002: more than 100,000 users"},
		"endless blank lines": {io.MultiReader(strings.NewReader("ObjectId\n"), &endlessReader{"\n"}),
			"more than 10 MB in all"},
		"one long line": {strings.NewReader("UserPrincipalName\n" + strings.Repeat("a", 5000) + "@contoso.com\n"),
			"line 2: longer than 4 KB"},
	} {
		t.Run(name, func(t *testing.T) {
			got, _, err := ParseTargets(tc.r)
			var te *TargetError
			if !errors.As(err, &te) || got != nil {
				t.Fatalf("got %d targets, err %v", len(got), err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
