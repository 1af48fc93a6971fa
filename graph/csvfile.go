package graph

import (
	"encoding/csv"
	"io"
	"strings"
)

// CSVWriter is mfadesk's one CSV writer: the command line's -o csv, the
// TUI's report and result exports and the bulk report all write through
// it, so every file gets the same defences. Every cell is cleaned
// (CleanText: directory text is untrusted) and defused against
// spreadsheet formula injection (csvSafe: a cell starting with = + - @ or
// a control character gets a leading apostrophe, as OWASP advises), and
// every row has the header's width.
type CSVWriter struct {
	w        *csv.Writer
	width    int
	rec      []string
	verbatim map[int]bool
}

// Verbatim marks columns whose cells are cleaned but never defused: a
// value that must survive exactly, such as a Temporary Access Pass (Graph
// generates it; a leading apostrophe added to a pass starting with = + - @
// would make the copied pass fail). Call it before the first row.
func (c *CSVWriter) Verbatim(cols ...int) {
	if c.verbatim == nil {
		c.verbatim = map[int]bool{}
	}
	for _, i := range cols {
		c.verbatim[i] = true
	}
}

// NewCSVWriter writes header to w and returns the writer for the rows.
func NewCSVWriter(w io.Writer, header ...string) (*CSVWriter, error) {
	c := &CSVWriter{w: csv.NewWriter(w), width: len(header), rec: make([]string, len(header))}
	return c, c.Row(header...)
}

// Row writes one row: missing cells are empty, extra cells dropped.
func (c *CSVWriter) Row(cells ...string) error {
	for i := range c.rec {
		c.rec[i] = ""
		switch {
		case i >= len(cells):
		case c.verbatim[i]:
			c.rec[i] = CleanText(cells[i])
		default:
			c.rec[i] = csvSafe(cells[i])
		}
	}
	return c.w.Write(c.rec)
}

// Flush writes out what is buffered and returns the first error of any
// write.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// WriteCSV writes a header and rows with a CSVWriter; the columns listed
// in verbatim are not defused (see CSVWriter.Verbatim).
func WriteCSV(w io.Writer, header []string, rows [][]string, verbatim ...int) error {
	c, err := NewCSVWriter(w, header...)
	if err != nil {
		return err
	}
	c.Verbatim(verbatim...)
	for _, r := range rows {
		if err := c.Row(r...); err != nil {
			return err
		}
	}
	return c.Flush()
}

// CSVSafe is one cell as the CSV writer writes it (cleaned, defused).
func CSVSafe(s string) string { return csvSafe(s) }

// csvSafe keeps a cell from being read as a formula by a spreadsheet (a
// reason from Graph or a UPN starting with = + - @ or a control
// character): it is prefixed with a quote, as OWASP advises.
func csvSafe(s string) string {
	s = CleanText(s)
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
