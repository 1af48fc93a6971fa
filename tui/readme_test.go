package tui

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every key the README's triage walk-through names is one the app binds
// (the keymap behind the ? help) or one its dialogs offer in their footer.
func TestREADMETriageKeys(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Skip("no README")
	}
	readme := string(data)
	start := strings.Index(readme, "## How to triage")
	if start < 0 {
		t.Fatal("README has no \"How to triage\" section")
	}
	section := readme[start:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}

	bound := map[string]bool{}
	for _, b := range bindings(DefaultKeyMap()) { // the table behind the ? help
		for _, k := range b.key.Keys() {
			bound[k] = true
		}
	}
	// Dialog keys, each checked against the dialogs' own text below.
	dialog := map[string]string{
		"ctrl+y": "ctrl+y run",
		"esc":    "esc cancel",
		"tab":    "tab ticket",
		"c":      "copy it with c",
		"ctrl+d": "ctrl+d",
	}
	var dialogText strings.Builder
	files, _ := filepath.Glob("actions/*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dialogText.Write(b)
	}
	glyph := map[string]string{"↑": "up", "↓": "down", "shift+↑": "shift+up", "shift+↓": "shift+down"}
	keyLike := regexp.MustCompile(`^(ctrl\+\S+|shift\+\S+|enter|esc|tab|space|[a-zA-Z0-9?/]|↑|↓)$`)
	n := 0
	for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(section, -1) {
		tok := m[1]
		if !keyLike.MatchString(tok) {
			continue
		}
		n++
		name := tok
		if g, ok := glyph[tok]; ok {
			name = g
		}
		if bound[name] {
			continue
		}
		if want, ok := dialog[name]; ok {
			if !strings.Contains(dialogText.String(), want) {
				t.Errorf("README names the dialog key `%s`, but no dialog says %q", tok, want)
			}
			continue
		}
		t.Errorf("README's triage walk-through names `%s`, which the app does not bind", tok)
	}
	if n < 20 {
		t.Errorf("found only %d keys in the walk-through; did its format change?", n)
	}
}
