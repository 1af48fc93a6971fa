package bounded

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// endless is a reader that never ends: what /dev/zero or a stuck pipe gives.
type endless struct{ b byte }

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.b
	}
	return len(p), nil
}

func TestEndlessInputsAreRefused(t *testing.T) {
	lim := Limits{MaxBytes: 1 << 20, MaxLines: 1000, MaxLineLen: 64}
	for name, tc := range map[string]struct {
		r    io.Reader
		what string
	}{
		"zeros (one endless line)": {endless{0}, "line length"},
		"endless short lines":      {endless{'\n'}, "lines"},
		"endless lines, big limit": {io.MultiReader(strings.NewReader("x\n"), endless{'\n'}), "lines"},
	} {
		t.Run(name, func(t *testing.T) {
			r := NewReader(tc.r, lim)
			for i := 0; ; i++ {
				_, _, err := r.Line()
				if err == nil {
					if i > lim.MaxLines+1 {
						t.Fatal("read past the line limit")
					}
					continue
				}
				var le *LimitError
				if !errors.As(err, &le) || le.What != tc.what || !errors.Is(err, ErrTooLarge) {
					t.Fatalf("err = %v, want a %s limit", err, tc.what)
				}
				return
			}
		})
	}
	// Bytes: many lines of allowed length.
	r := NewReader(endless{'a'}, Limits{MaxBytes: 10_000, MaxLineLen: 1 << 20})
	if _, _, err := r.Line(); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Fatalf("err = %v", err)
	}
}

func TestLines(t *testing.T) {
	in := "\xef\xbb\xbfone\r\ntwo\n\nthree"
	r := NewReader(strings.NewReader(in), Limits{MaxBytes: 100, MaxLines: 4, MaxLineLen: 5})
	var got []string
	for {
		l, n, err := r.Line()
		if err == io.EOF {
			if n != 4 {
				t.Errorf("last line number %d", n)
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(l))
		if n != len(got) {
			t.Errorf("line %d numbered %d", len(got), n)
		}
	}
	if strings.Join(got, "|") != "one|two||three" {
		t.Errorf("got %q", got)
	}
	// Exactly at the limits is fine; one byte over is not.
	r = NewReader(strings.NewReader("12345\r\n123456\n"), Limits{MaxLineLen: 5})
	if l, _, err := r.Line(); err != nil || string(l) != "12345" {
		t.Fatalf("%q %v", l, err)
	}
	if _, n, err := r.Line(); err == nil || n != 2 || !strings.Contains(err.Error(), "line 2: longer than 5 bytes") {
		t.Fatalf("line %d: %v", n, err)
	}
}
