package cli

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestFormatVersion(t *testing.T) {
	noInfo := func() (*debug.BuildInfo, bool) { return nil, false }
	vcs := func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "fedcba9876543210fedcba9876543210fedcba98"},
			{Key: "vcs.modified", Value: "true"},
		}}, true
	}
	const full = "0123456789abcdef0123456789abcdef01234567"
	for _, c := range []struct {
		version, commit string
		info            func() (*debug.BuildInfo, bool)
		want            string
	}{
		{"v1.2.3", full, noInfo, "v1.2.3 (0123456789ab)"},                  // a release: stamped commit
		{"v1.2.3", full + "-dirty", noInfo, "v1.2.3 (0123456789ab+dirty)"}, // release -allow-dirty
		{"v1.2.3", full, vcs, "v1.2.3 (0123456789ab)"},                     // the stamp wins over VCS info
		{"dev", "", vcs, "dev (fedcba987654+dirty)"},                       // go build in a clone
		{"dev", "", noInfo, "dev"},                                         // go build -buildvcs=false
		{"", "", noInfo, "dev"},
	} {
		if got := formatVersion(c.version, c.commit, c.info); got != c.want {
			t.Errorf("formatVersion(%q, %q) = %q, want %q", c.version, c.commit, got, c.want)
		}
	}
}

// --version prints the stamped version and commit.
func TestVersionFlagPrintsCommit(t *testing.T) {
	oldV, oldC := Version, Commit
	Version, Commit = "v9.8.7", "0123456789abcdef0123456789abcdef01234567"
	t.Cleanup(func() { Version, Commit = oldV, oldC })
	r := runCLI(t, runOpts{}, "--version")
	if r.code != 0 || !strings.Contains(r.stdout, "v9.8.7 (0123456789ab)") {
		t.Fatalf("%s", r)
	}
}
