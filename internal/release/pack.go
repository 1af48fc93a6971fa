package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// pack puts the binary (as mfadesk or mfadesk.exe) and the README into an
// archive beside it: zip for windows, tar.gz elsewhere. Every header carries
// the commit's time and fixed owners and modes, so the archive's bytes
// depend only on its contents.
func pack(bin string, t Target, src Source) (string, error) {
	base := strings.TrimSuffix(bin, t.exe())
	files := []packFile{{name: "mfadesk" + t.exe(), path: bin, mode: 0o755}}
	if _, err := os.Stat("README.md"); err == nil {
		files = append(files, packFile{name: "README.md", path: "README.md", mode: 0o644})
	}
	if t.OS == "windows" {
		return base + ".zip", writeZip(base+".zip", files, src.Time)
	}
	return base + ".tar.gz", writeTarGz(base+".tar.gz", files, src.Time)
}

type packFile struct {
	name, path string
	mode       int64
}

func writeTarGz(dst string, files []packFile, mtime time.Time) (err error) {
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer closeInto(f, &err)
	gz, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		return err
	}
	gz.ModTime = mtime // the gzip header's own time, else zero
	tw := tar.NewWriter(gz)
	for _, pf := range files {
		data, err := os.ReadFile(pf.path)
		if err != nil {
			return err
		}
		h := &tar.Header{
			Typeflag: tar.TypeReg, Name: pf.name, Size: int64(len(data)),
			Mode: pf.mode, ModTime: mtime, Format: tar.FormatUSTAR,
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write(data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeZip(dst string, files []packFile, mtime time.Time) (err error) {
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer closeInto(f, &err)
	zw := zip.NewWriter(f)
	for _, pf := range files {
		data, err := os.ReadFile(pf.path)
		if err != nil {
			return err
		}
		h := &zip.FileHeader{Name: pf.name, Method: zip.Deflate, Modified: mtime}
		h.SetMode(os.FileMode(pf.mode))
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
	}
	return zw.Close()
}

func closeInto(f *os.File, err *error) {
	if cerr := f.Close(); *err == nil {
		*err = cerr
	}
}

// writeChecksums writes dir/checksums.txt: one "<sha256>  <name>" line per
// file, sorted by name, the format sha256sum -c reads.
func writeChecksums(dir string, files []string) (string, error) {
	lines := make([]string, 0, len(files))
	for _, p := range files {
		sum, err := sha256File(p)
		if err != nil {
			return "", err
		}
		lines = append(lines, sum+"  "+filepath.Base(p))
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i][66:] < lines[j][66:] })
	dst := filepath.Join(dir, "checksums.txt")
	return dst, os.WriteFile(dst, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

func sha256File(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
