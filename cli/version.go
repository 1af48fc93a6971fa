package cli

import "runtime/debug"

// Version and Commit are stamped at build time by the release command
// (go run ./internal/release), e.g.
//
//	go build -ldflags "-X github.com/mfadesk/mfadesk/cli.Version=v1.2.3 -X github.com/mfadesk/mfadesk/cli.Commit=0123abcd..."
//
// A plain go build leaves them as they are; then the VCS revision Go
// stamps into the binary (when it does) stands in for Commit.
var (
	Version = "dev"
	Commit  = ""
)

// versionString is what --version prints after "mfadesk version ":
// the version and the commit it was built from, e.g. "v1.2.3 (0123abcd4567)".
func versionString() string { return formatVersion(Version, Commit, readBuildInfo) }

// readBuildInfo is debug.ReadBuildInfo (a variable so tests can replace it).
var readBuildInfo = debug.ReadBuildInfo

func formatVersion(version, commit string, info func() (*debug.BuildInfo, bool)) string {
	if version == "" {
		version = "dev"
	}
	dirty := ""
	if commit == "" {
		if bi, ok := info(); ok {
			for _, s := range bi.Settings {
				switch s.Key {
				case "vcs.revision":
					commit = s.Value
				case "vcs.modified":
					if s.Value == "true" {
						dirty = "+dirty"
					}
				}
			}
		}
	}
	if commit == "" {
		return version
	}
	// A release stamps the full hash, with "-dirty" when built from a
	// modified tree; 12 hex digits are plenty to find it again.
	short, suffix := commit, ""
	if i := len(commit) - len("-dirty"); i > 0 && commit[i:] == "-dirty" {
		short, suffix = commit[:i], "+dirty"
	}
	if len(short) > 12 {
		short = short[:12]
	}
	return version + " (" + short + suffix + dirty + ")"
}
