package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPickTargets(t *testing.T) {
	all, err := pickTargets("")
	if err != nil || len(all) != 6 {
		t.Fatalf("all: %v %v", all, err)
	}
	ts, err := pickTargets("windows/arm64, linux/amd64")
	if err != nil || len(ts) != 2 || ts[0] != (Target{"windows", "arm64"}) {
		t.Fatalf("subset: %v %v", ts, err)
	}
	if _, err := pickTargets("plan9/386"); err == nil {
		t.Fatal("plan9/386 accepted")
	}
}

// The build's environment pins what changes the output, whatever the
// caller's environment says.
func TestBuildEnvPinsOutputSettings(t *testing.T) {
	env := buildEnv([]string{"HOME=/h", "GOFLAGS=-race", "CGO_ENABLED=1", "GOAMD64=v3", "GOOS=plan9"}, Target{"windows", "amd64"})
	for _, kv := range []string{"HOME=/h", "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOAMD64=v1", "GOARM64=v8.0", "GOFLAGS=-mod=readonly"} {
		if !slices.Contains(env, kv) {
			t.Errorf("env lacks %s: %v", kv, env)
		}
	}
	for _, kv := range []string{"GOFLAGS=-race", "CGO_ENABLED=1", "GOAMD64=v3", "GOOS=plan9"} {
		if slices.Contains(env, kv) {
			t.Errorf("env keeps %s", kv)
		}
	}
	args := strings.Join(buildArgs(Source{Version: "v1.2.3", Commit: "abc", Dirty: true}, "out"), " ")
	for _, want := range []string{"-trimpath", "-buildvcs=false", "-s -w", "cli.Version=v1.2.3", "cli.Commit=abc-dirty"} {
		if !strings.Contains(args, want) {
			t.Errorf("build args lack %q: %s", want, args)
		}
	}
}

// Archives depend on their contents and the commit time only: written
// twice, at different times, from files with different modification times,
// they are the same bytes.
func TestArchivesAreReproducible(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "mfadesk")
	if err := os.WriteFile(bin, []byte("binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := []packFile{{name: "mfadesk", path: bin, mode: 0o755}}
	commit := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	for _, write := range []func(string, []packFile, time.Time) error{writeTarGz, writeZip} {
		a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		if err := write(a, files, commit); err != nil {
			t.Fatal(err)
		}
		time.Sleep(1100 * time.Millisecond) // a clock-stamped header would differ now
		os.Chtimes(bin, time.Now(), time.Now())
		if err := write(b, files, commit); err != nil {
			t.Fatal(err)
		}
		da, _ := os.ReadFile(a)
		db, _ := os.ReadFile(b)
		if len(da) == 0 || !bytes.Equal(da, db) {
			t.Errorf("two archives of the same files differ (%d and %d bytes)", len(da), len(db))
		}
	}
}

func TestChecksumsFile(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, n := range []string{"mfadesk_1_linux_arm64.tar.gz", "mfadesk_1_darwin_amd64.tar.gz"} {
		p := filepath.Join(dir, n)
		os.WriteFile(p, []byte(n), 0o644)
		files = append(files, p)
	}
	sums, err := writeChecksums(dir, files)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(sums)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	// sha256sum -c format, sorted by name: darwin before linux.
	if len(lines) != 2 || len(lines[0]) != 64+2+len("mfadesk_1_darwin_amd64.tar.gz") ||
		!strings.HasSuffix(lines[0], "  mfadesk_1_darwin_amd64.tar.gz") || !strings.HasSuffix(lines[1], "  mfadesk_1_linux_arm64.tar.gz") {
		t.Fatalf("checksums.txt:\n%s", data)
	}
}

func TestVersionMustBeSafeInFileNames(t *testing.T) {
	for v, ok := range map[string]bool{"v1.2.3": true, "1.0.0-rc.1+build.5": true, "../x": false, "v1 2": false, "a/b": false} {
		if versionRe.MatchString(v) != ok {
			t.Errorf("%q: accepted = %v", v, !ok)
		}
	}
}
