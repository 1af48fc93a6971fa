// Package bounded reads line-oriented input (a target CSV, a config file)
// with stated limits, so no input can make mfadesk use unbounded memory or
// time: /dev/zero, an endless pipe or a multi-gigabyte file is refused as
// soon as it passes a limit, holding at most one line in memory.
package bounded

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits bound one input. A zero field means no limit of that kind.
type Limits struct {
	// MaxBytes is the most bytes read in all.
	MaxBytes int64
	// MaxLines is the most lines (blank ones included).
	MaxLines int
	// MaxLineLen is the most bytes in one line, without its line end.
	MaxLineLen int
	// Stated, when set, is how the limits are stated to people (when the
	// caller counts something else, such as rows, itself).
	Stated string
}

// String states the limits, for errors and help text.
func (l Limits) String() string {
	if l.Stated != "" {
		return l.Stated
	}
	var parts []string
	if l.MaxBytes > 0 {
		parts = append(parts, Size(l.MaxBytes))
	}
	if l.MaxLines > 0 {
		parts = append(parts, Count(l.MaxLines)+" lines")
	}
	if l.MaxLineLen > 0 {
		parts = append(parts, Size(int64(l.MaxLineLen))+" per line")
	}
	return strings.Join(parts, ", ")
}

// Size is a byte count as people write it: 10 MB, 4 KB.
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Count writes n with thousands separators: 100,000.
func Count(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

var bom = []byte("\xef\xbb\xbf")

// ErrTooLarge is wrapped by every *LimitError.
var ErrTooLarge = errors.New("input too large")

// LimitError says which limit an input passed, and where.
type LimitError struct {
	// Line is the line being read when the limit was passed (from 1).
	Line int
	// What is "bytes", "lines" or "line length".
	What   string
	Limits Limits
}

func (e *LimitError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason()) }

// Reason is the error without the line number.
func (e *LimitError) Reason() string {
	var what string
	switch e.What {
	case "line length":
		what = "longer than " + Size(int64(e.Limits.MaxLineLen))
	case "lines":
		what = "more than " + Count(e.Limits.MaxLines) + " lines"
	default:
		what = "more than " + Size(e.Limits.MaxBytes) + " in all"
	}
	return what + " (the limits are " + e.Limits.String() + "); the whole input is refused"
}

func (e *LimitError) Unwrap() error { return ErrTooLarge }

// Reader hands out one line at a time within its Limits.
type Reader struct {
	br    *bufio.Reader
	lim   Limits
	read  int64
	line  int
	buf   []byte
	done  bool
	first bool
}

// NewReader reads r within lim.
func NewReader(r io.Reader, lim Limits) *Reader {
	size := 4096
	if lim.MaxLineLen > 0 && lim.MaxLineLen+2 > size {
		size = lim.MaxLineLen + 2
	}
	return &Reader{br: bufio.NewReaderSize(r, size), lim: lim, first: true}
}

// LineNumber is the number of the line last returned (or being read).
func (r *Reader) LineNumber() int { return r.line }

// Line returns the next line without its "\n" or "\r\n" (a UTF-8 byte order
// mark at the start of the input is dropped) and its number, from 1. The
// slice is valid until the next call. At the end it returns io.EOF; past a
// limit, a *LimitError; a read error is returned as it is.
func (r *Reader) Line() ([]byte, int, error) {
	if r.done {
		return nil, r.line, io.EOF
	}
	r.buf = r.buf[:0]
	r.line++
	if r.lim.MaxLines > 0 && r.line > r.lim.MaxLines {
		// Only a line that exists counts: peek for one.
		if _, err := r.br.Peek(1); err == io.EOF {
			r.done = true
			return nil, r.line - 1, io.EOF
		}
		return nil, r.line, &LimitError{Line: r.line, What: "lines", Limits: r.lim}
	}
	if r.first {
		r.first = false
		if b, _ := r.br.Peek(3); bytes.Equal(b, bom) {
			r.br.Discard(3)
			r.read += 3
		}
	}
	for {
		chunk, err := r.br.ReadSlice('\n')
		r.read += int64(len(chunk))
		if r.lim.MaxBytes > 0 && r.read > r.lim.MaxBytes {
			return nil, r.line, &LimitError{Line: r.line, What: "bytes", Limits: r.lim}
		}
		r.buf = append(r.buf, chunk...)
		content := len(r.buf)
		if content > 0 && r.buf[content-1] == '\n' {
			content--
			if content > 0 && r.buf[content-1] == '\r' {
				content--
			}
		}
		if r.lim.MaxLineLen > 0 && content > r.lim.MaxLineLen {
			return nil, r.line, &LimitError{Line: r.line, What: "line length", Limits: r.lim}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF:
			r.done = true
			if len(r.buf) == 0 {
				r.line--
				return nil, r.line, io.EOF
			}
		case err != nil:
			return nil, r.line, err
		}
		return r.buf[:content], r.line, nil
	}
}
