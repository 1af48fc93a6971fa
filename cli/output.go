package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/mfadesk/mfadesk/graph"
)

// View is one command's output in every --output form.
type View struct {
	// JSON is the document for --output json: a slice for a list, a struct
	// for one item, with Graph's camelCase names.
	JSON any
	// Header and Rows are the table and CSV form. Cells are plain text; the
	// table pads them by display width.
	Header []string
	Rows   [][]string
	// Verbatim lists the columns CSV writes as they are, never defused
	// against formulas: a pass value that an added apostrophe would break.
	Verbatim []int
	// Text, when set, replaces the table for --output table (a record
	// with sections, like show). It writes plain text; use Env.style.
	Text func(w io.Writer)
	// Empty is said (on stderr, table output only) when Rows is empty.
	Empty string
}

// Emit writes v to stdout in the --output format.
func (e *Env) Emit(v View) error {
	switch e.Flags.Output {
	case "json":
		return e.writeJSON(v.JSON)
	case "csv":
		return writeCSV(e.Stdout, v.Header, v.Rows, v.Verbatim...)
	}
	if v.Text != nil {
		v.Text(e.Stdout)
		return nil
	}
	if len(v.Rows) == 0 && v.Empty != "" {
		fmt.Fprintln(e.Stderr, v.Empty)
		return nil
	}
	e.writeTable(e.Stdout, v.Header, v.Rows)
	return nil
}

func (e *Env) writeJSON(doc any) error {
	enc := json.NewEncoder(e.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// writeCSV writes a header and rows with graph's one CSV writer (cells
// cleaned and defused against spreadsheet formulas: directory text is
// untrusted and these files get opened in Excel).
func writeCSV(w io.Writer, header []string, rows [][]string, verbatim ...int) error {
	return graph.WriteCSV(w, header, rows, verbatim...)
}

// writeTable aligns columns by display width (wide and combining characters
// count as they draw), two spaces apart. Cells are cleaned again here: this
// is the last stop before the terminal.
func (e *Env) writeTable(w io.Writer, header []string, rows [][]string) {
	widths := make([]int, len(header))
	clean := make([][]string, len(rows))
	for i, h := range header {
		widths[i] = ansi.StringWidth(h)
	}
	for r, row := range rows {
		clean[r] = make([]string, len(header))
		for i := range header {
			if i < len(row) {
				clean[r][i] = graph.CleanText(row[i])
			}
			widths[i] = max(widths[i], ansi.StringWidth(clean[r][i]))
		}
	}
	line := func(cells []string, style func(col int, s string) string) {
		var b strings.Builder
		for i, c := range cells {
			last := i == len(cells)-1
			pad := ""
			if !last {
				pad = strings.Repeat(" ", widths[i]-ansi.StringWidth(c)+2)
			}
			b.WriteString(style(i, c))
			b.WriteString(pad)
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	line(header, func(_ int, s string) string { return e.style(styleHeader, s) })
	for _, row := range clean {
		line(row, func(_ int, s string) string { return e.style(statusStyle(s), s) })
	}
}

type styleName int

const (
	stylePlain styleName = iota
	styleHeader
	styleGood
	styleBad
	styleWarn
	styleStrong
	styleFaint
)

var styles = map[styleName]lipgloss.Style{
	styleHeader: lipgloss.NewStyle().Bold(true),
	styleGood:   lipgloss.NewStyle().Foreground(lipgloss.Green),
	styleBad:    lipgloss.NewStyle().Foreground(lipgloss.Red),
	styleWarn:   lipgloss.NewStyle().Foreground(lipgloss.Yellow),
	styleStrong: lipgloss.NewStyle().Bold(true).Reverse(true).Padding(0, 1),
	styleFaint:  lipgloss.NewStyle().Faint(true),
}

// colour reports whether stdout gets ANSI styling: a terminal, no
// --no-color, no NO_COLOR, not TERM=dumb.
func (e *Env) colour() bool {
	return e.OutTerminal && !e.Flags.NoColor && e.Getenv("NO_COLOR") == "" && e.Getenv("TERM") != "dumb"
}

// style renders s in a named style when colour is on, else returns it as is.
func (e *Env) style(n styleName, s string) string {
	if n == stylePlain || !e.colour() {
		return s
	}
	return styles[n].Render(s)
}

// statusStyle colours the status words of result tables.
func statusStyle(s string) styleName {
	switch s {
	case "done", "ok", "success", "yes":
		return styleGood
	case "failed", "failure", "denied":
		return styleBad
	case "skipped", "planned", "interrupted":
		return styleWarn
	}
	return stylePlain
}

// cleanLines cleans each line of a multi-line message, keeping the breaks.
func cleanLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = graph.CleanText(l)
	}
	return strings.Join(lines, "\n")
}

// kv writes aligned "label  value" lines (for record views like show).
func (e *Env) kv(w io.Writer, pairs [][2]string) {
	width := 0
	for _, p := range pairs {
		width = max(width, ansi.StringWidth(p[0]))
	}
	for _, p := range pairs {
		fmt.Fprintf(w, "%s%s  %s\n", e.style(styleFaint, p[0]), strings.Repeat(" ", width-ansi.StringWidth(p[0])), graph.CleanText(p[1]))
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
