package config

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// secretish finds every secret-shaped run in the input, so the fuzzer can
// check none of them is repeated by an error.
var secretish = regexp.MustCompile(`[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{20,}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_.-]*`)

// FuzzLoad: any file content either loads or fails with a *FileError (or a
// cross-field error) that has a position, never panics, and never echoes a
// secret-looking value.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		twoProfiles,
		"",
		"profiles:\n  a:\n    clientSecret: " + fakeSecret + "\n",
		"profiles:\n  a:\n    tenant: " + fakeSecret + "\n",
		"profiles:\n  a:\n    protected:\n      users: [" + fakeSecret + "]\n",
		"profiles:\n  a:\n    " + fakeSecret + ": x\n",
		"profiles:\n  a:\n    theme: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig\n",
		"defaultProfile: " + fakeSecret + "\nprofiles:\n  b: {}\n",
		"profiles:\n  a:\n    bulk: {concurrency: 99999999999999999999}\n",
		"a: &x [*x]\n",
		"profiles:\n\t a: 1\n",
		"profiles: [1, 2]\n",
		"profiles:\n  a:\n    signInWindow: 99999999999999999999d\n",
		"profiles:\n  a:\n    verificationChecklist:\n      - \"\\x1b]52;c;AAAA\\x07\"\n",
		"\xef\xbb\xbfprofiles:\n  a: {}\n",
		"profiles:\n  a:\n    notify:\n      body: |\n        Hello {{.DisplayName}}\n",
		"profiles:\n  'x: y': {}\n",
	} {
		f.Add(seed)
	}
	dir := f.TempDir()
	path := filepath.Join(dir, "config.yaml")
	f.Fuzz(func(t *testing.T, content string) {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		l, err := Load(Options{Path: path, LookupEnv: env()})
		if err == nil {
			if l == nil {
				t.Fatal("nil config without error")
			}
			// What loaded must be showable, and reload the same.
			var b strings.Builder
			if err := l.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			return
		}
		msg := err.Error()
		if l != nil {
			t.Fatalf("error %q with a config", msg)
		}
		for _, s := range secretish.FindAllString(content, -1) {
			if strings.Contains(msg, s) {
				t.Fatalf("error echoes a secret-looking value %q: %s", s, msg)
			}
		}
		var fe *FileError
		if errors.As(err, &fe) {
			if fe.Line < 1 {
				t.Fatalf("file error without a line: %q", msg)
			}
			if !strings.HasPrefix(msg, "config.yaml:") {
				t.Fatalf("file error without the file name: %q", msg)
			}
		}
		if !utf8.ValidString(msg) && utf8.ValidString(content) {
			t.Fatalf("error is not valid UTF-8: %q", msg)
		}
	})
}
