// Command release builds mfadesk's release binaries: stripped, reproducible,
// stamped with the version and commit, for linux, darwin and windows on
// amd64 and arm64, each also packed as an archive (tar.gz, zip for windows),
// with a SHA-256 checksums.txt in the sha256sum format. Run it from the
// repository root:
//
//	go run ./internal/release -version v1.2.3
//
// It needs only Go and git (no goreleaser: that would have to be fetched
// and built first, and the release would depend on it). Two runs from the
// same commit with the same Go give byte-identical files, wherever the
// clone is and whatever is in the build cache: -trimpath drops local paths,
// -buildvcs=false and the stamped commit replace the VCS block, CGO is off,
// the CPU baselines (GOAMD64, GOARM64) are pinned, and the archives carry
// the commit's time instead of the clock's.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// module is mfadesk's import path (for -X).
const module = "github.com/mfadesk/mfadesk"

// Target is one platform a release is built for.
type Target struct{ OS, Arch string }

func (t Target) String() string { return t.OS + "/" + t.Arch }

// exe is the binary's file name suffix on the target.
func (t Target) exe() string {
	if t.OS == "windows" {
		return ".exe"
	}
	return ""
}

// Targets are the release platforms.
var Targets = []Target{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("release", flag.ContinueOnError)
	fs.SetOutput(stderr)
	version := fs.String("version", "", "version to stamp (default: git describe --tags, else 0.0.0-dev)")
	out := fs.String("out", "dist", "output directory")
	only := fs.String("targets", "", "comma-separated OS/ARCH subset, e.g. linux/amd64,windows/amd64 (default: all six)")
	allowDirty := fs.Bool("allow-dirty", false, "build from a tree with uncommitted changes (the commit is stamped with -dirty)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	targets, err := pickTargets(*only)
	if err != nil {
		return err
	}
	src, err := gitSource(ctx, *version)
	if err != nil {
		return err
	}
	if src.Dirty && !*allowDirty {
		return errors.New("the work tree has uncommitted changes: commit them, or pass -allow-dirty for a build that says -dirty")
	}
	if err := cleanOut(*out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "mfadesk %s (%s), commit time %s\n", src.Version, src.commitStamp(), src.Time.Format(time.RFC3339))
	var files []string
	for _, t := range targets {
		start := time.Now()
		bin := filepath.Join(*out, artifactName(src.Version, t)+t.exe())
		if err := build(ctx, t, src, bin, stderr); err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
		arch, err := pack(bin, t, src)
		if err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
		fi, err := os.Stat(bin)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "  %-14s %6.1f MB  %5.1fs  %s\n", t, float64(fi.Size())/1e6, time.Since(start).Seconds(), filepath.Base(arch))
		files = append(files, bin, arch)
	}
	sums, err := writeChecksums(*out, files)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "checksums: %s (check with: cd %s && sha256sum -c checksums.txt)\n", sums, *out)
	return nil
}

// pickTargets parses -targets.
func pickTargets(only string) ([]Target, error) {
	if only == "" {
		return Targets, nil
	}
	var ts []Target
	for _, s := range strings.Split(only, ",") {
		s = strings.TrimSpace(s)
		found := false
		for _, t := range Targets {
			if t.String() == s {
				ts, found = append(ts, t), true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("-targets: %q is not a release target (%v)", s, Targets)
		}
	}
	return ts, nil
}

// artifactName is the goreleaser-style base name, e.g. mfadesk_1.2.3_linux_amd64.
func artifactName(version string, t Target) string {
	return "mfadesk_" + strings.TrimPrefix(version, "v") + "_" + t.OS + "_" + t.Arch
}

// cleanOut creates the output directory and removes what an earlier release
// left in it (only mfadesk_* and checksums.txt: -out may point anywhere).
func cleanOut(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(dir, "mfadesk_*"))
	if err != nil {
		return err
	}
	for _, f := range append(old, filepath.Join(dir, "checksums.txt")) {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// buildEnv is the environment of one target's go build: the caller's,
// minus whatever changes the output, plus the pinned settings.
func buildEnv(environ []string, t Target) []string {
	drop := map[string]bool{
		"GOOS": true, "GOARCH": true, "CGO_ENABLED": true, "GOFLAGS": true,
		"GOAMD64": true, "GOARM64": true, "GOEXPERIMENT": true, "GO_EXTLINK_ENABLED": true,
	}
	var env []string
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			env = append(env, kv)
		}
	}
	return append(env,
		"GOOS="+t.OS, "GOARCH="+t.Arch, "CGO_ENABLED=0",
		"GOAMD64=v1", "GOARM64=v8.0",
		// go.sum and go.mod as committed: a release never edits them.
		"GOFLAGS=-mod=readonly",
	)
}

// buildArgs are go build's arguments for one binary.
func buildArgs(src Source, bin string) []string {
	ldflags := strings.Join([]string{
		"-s", "-w", // no symbol table, no DWARF: about a third smaller
		"-X", module + "/cli.Version=" + src.Version,
		"-X", module + "/cli.Commit=" + src.commitStamp(),
	}, " ")
	return []string{"build", "-trimpath", "-buildvcs=false", "-ldflags=" + ldflags, "-o", bin, "."}
}

func build(ctx context.Context, t Target, src Source, bin string, stderr io.Writer) error {
	cmd := exec.CommandContext(ctx, "go", buildArgs(src, bin)...)
	cmd.Env = buildEnv(os.Environ(), t)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	return cmd.Run()
}
