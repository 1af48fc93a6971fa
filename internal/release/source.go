package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Source is what a release is built from.
type Source struct {
	Version string
	Commit  string    // full hash
	Dirty   bool      // uncommitted changes to tracked files
	Time    time.Time // the commit's time: the archives' file times
}

// commitStamp is the commit as stamped into the binary.
func (s Source) commitStamp() string {
	if s.Dirty {
		return s.Commit + "-dirty"
	}
	return s.Commit
}

// versionRe is what may be stamped as a version: it ends up in file names.
var versionRe = regexp.MustCompile(`^v?[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$`)

func gitSource(ctx context.Context, version string) (Source, error) {
	var s Source
	var err error
	if s.Commit, err = git(ctx, "rev-parse", "HEAD"); err != nil {
		return s, fmt.Errorf("not a git clone? %w", err)
	}
	st, err := git(ctx, "status", "--porcelain", "--untracked-files=no")
	if err != nil {
		return s, err
	}
	s.Dirty = st != ""
	ct, err := git(ctx, "log", "-1", "--format=%ct")
	if err != nil {
		return s, err
	}
	sec, err := strconv.ParseInt(ct, 10, 64)
	if err != nil {
		return s, fmt.Errorf("commit time %q: %w", ct, err)
	}
	s.Time = time.Unix(sec, 0).UTC()
	if version == "" {
		// A tag on this very commit, else a development version that
		// names the commit.
		if tag, err := git(ctx, "describe", "--tags", "--exact-match"); err == nil {
			version = tag
		} else {
			version = "0.0.0-dev+" + s.Commit[:12]
		}
	}
	if !versionRe.MatchString(version) {
		return s, fmt.Errorf("-version %q: use letters, digits and . + - only, e.g. v1.2.3", version)
	}
	s.Version = version
	return s, nil
}

func git(ctx context.Context, args ...string) (string, error) {
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return strings.TrimSpace(out.String()), nil
}
