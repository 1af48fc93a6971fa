package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/history"
)

func runHistory(t *testing.T, path string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(""),
		Getenv: func(k string) string {
			if k == "MFADESK_HISTORY_FILE" {
				return path
			}
			return ""
		}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := Run(ctx, env, append([]string{"history"}, args...))
	return result{code, out.String(), errb.String()}
}

func writeHistory(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "history.jsonl")
	l, err := history.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	now := time.Now()
	for _, e := range []history.Entry{
		{Time: now.Add(-10 * 24 * time.Hour), UserID: "11111111-1111-1111-1111-111111111111", UPN: "alice@contoso.com",
			Op: graph.WriteRevokeSessions, Result: history.ResultOK, Ticket: "INC-1", Operator: "tech@contoso.com", Via: "cli revoke", RequestID: "req-1"},
		{Time: now.Add(-2 * time.Hour), UserID: "11111111-1111-1111-1111-111111111111", UPN: "alice@contoso.com",
			Op: graph.WriteDeleteMethod, Detail: "phone method m1 (mobile +1 XXXXXXX890)", Result: history.ResultOK,
			Ticket: "INC-2", Checklist: []string{"verified the caller by phone callback"}, Operator: "tech@contoso.com", Via: "tui"},
		{Time: now.Add(-1 * time.Hour), UserID: "33333333-3333-3333-3333-333333333333", UPN: "carol.martinez@contoso.com",
			Op: graph.WriteCreateTAP, Result: history.ResultRefused, Error: "carol.martinez@contoso.com is protected (break-glass list in config)", Operator: "tech@contoso.com"},
	} {
		if err := l.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func TestHistoryCommand(t *testing.T) {
	path := writeHistory(t)

	r := runHistory(t, path)
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	for _, want := range []string{"TIME", "REQUEST ID", "alice@contoso.com", "revoke sign-in sessions", "INC-1", "req-1",
		"delete a sign-in method: phone method m1 (mobile +1 XXXXXXX890)", "verified the caller by phone callback",
		"tech@contoso.com (tui)", "refused: carol.martinez@contoso.com is protected"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, r.stdout)
		}
	}
	if lines := strings.Count(r.stdout, "\n"); lines != 4 {
		t.Errorf("table has %d lines, want header + 3:\n%s", lines, r.stdout)
	}

	r = runHistory(t, path, "--user", "alice", "--since", "7d", "-o", "json")
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	es := mustJSON[[]history.Entry](t, r)
	if len(es) != 1 || es[0].Op != graph.WriteDeleteMethod || es[0].Ticket != "INC-2" {
		t.Errorf("--user alice --since 7d = %+v", es)
	}

	r = runHistory(t, path, "--user", "CAROL.MARTINEZ@contoso.com", "-o", "csv")
	recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || len(recs) != 2 || recs[1][3] != "refused: carol.martinez@contoso.com is protected (break-glass list in config)" {
		t.Errorf("csv = %q, %v\n%s", recs, err, r)
	}

	r = runHistory(t, path, "--last", "1", "-o", "json")
	if es := mustJSON[[]history.Entry](t, r); len(es) != 1 || es[0].Op != graph.WriteCreateTAP {
		t.Errorf("--last 1 = %+v", es)
	}

	r = runHistory(t, path, "--user", "nobody@contoso.com")
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "No changes recorded") {
		t.Errorf("no match: %s", r)
	}
	r = runHistory(t, path, "--user", "nobody@contoso.com", "-o", "json")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("no match as JSON must be []: %s", r)
	}

	if r := runHistory(t, path, "--since", "yesterday-ish"); r.code == 0 || !strings.Contains(r.stderr, "--since") {
		t.Errorf("bad --since: %s", r)
	}
}

func TestHistoryCommandMissingAndDamagedFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.jsonl")
	r := runHistory(t, missing)
	if r.code != 0 || !strings.Contains(r.stderr, "No changes recorded") {
		t.Errorf("missing file: %s", r)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("reading the history created the file")
	}

	// An edited file: hostile text and a torn line. The history never
	// writes these itself; the reader must still be safe.
	path := filepath.Join(t.TempDir(), "h.jsonl")
	raw := `{"time":"2026-01-01T10:00:00Z","upn":"Mallory\u001b]52;c;ZXZpbA==\u0007\u202eevil","op":"revokeSessions","result":"ok","ticket":"\u001b[2J"}` + "\n" +
		`{"time":"2026-01-01T11:00:00Z","op":"deleteMe`
	os.WriteFile(path, []byte(raw), 0o600)
	r = runHistory(t, "", "--file", path)
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	if strings.ContainsAny(r.stdout, "\x1b\x07\u202e") {
		t.Errorf("escape sequences printed: %q", r.stdout)
	}
	if !strings.Contains(r.stdout, "Mallory") || !strings.Contains(r.stderr, "1 unreadable line") {
		t.Errorf("damaged file: %s", r)
	}
	r = runHistory(t, "", "--file", path, "-o", "json")
	var es []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &es); err != nil || len(es) != 1 {
		t.Errorf("json: %v %s", err, r)
	}
}
