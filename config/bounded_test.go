package config

import (
	"os"
	"strings"
	"testing"
)

// A config file is read within ConfigLimits: an endless one (/dev/zero), an
// endless stream of lines or one huge line is refused, not read into memory.
func TestConfigFileBounded(t *testing.T) {
	cases := map[string]string{
		"huge line":  "profiles:\n  a:\n    tenant: " + strings.Repeat("x", 20_000) + "\n",
		"many lines": "profiles:\n" + strings.Repeat("# comment\n", 30_000),
		"big file":   strings.Repeat("# "+strings.Repeat("x", 10_000)+"\n", 120),
	}
	want := map[string]string{"huge line": "line 3: longer than 16 KB", "many lines": "more than 20,000 lines", "big file": "more than 1 MB"}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Load(Options{Path: writeConfig(t, content), LookupEnv: env()})
			if err == nil || !strings.Contains(err.Error(), want[name]) || !strings.Contains(err.Error(), "not a config file") {
				t.Fatalf("err = %v, want %q", err, want[name])
			}
		})
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		_, err := Load(Options{Path: "/dev/zero", LookupEnv: env()})
		if err == nil || !strings.Contains(err.Error(), "longer than") {
			t.Fatalf("/dev/zero: err = %v", err)
		}
	}
	// Within the limits, CRLF and all, a file still loads.
	l, err := Load(Options{Path: writeConfig(t, "profiles:\r\n  a:\r\n    tenant: contoso.com\r\n"), LookupEnv: env()})
	if err != nil || l.Profile.Tenant != "contoso.com" {
		t.Fatalf("%v %+v", err, l)
	}
}
