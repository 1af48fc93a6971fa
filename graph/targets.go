package graph

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/mfadesk/mfadesk/internal/bounded"
)

// Target is one user a bulk command should act on, as the operator gave it:
// an object id (IsID) or a user principal name. Line is the CSV line (or,
// for command-line arguments, the argument's position, counted from 1) so
// messages can point at it.
type Target struct {
	Line  int
	Value string
	IsID  bool
}

// TargetWarning is something about the input that did not stop it being
// used: an ignored column, a duplicate row.
type TargetWarning struct {
	Lines   []int
	Message string
}

func (w TargetWarning) String() string { return w.Message }

// BadTarget is one input row that cannot be used.
type BadTarget struct {
	Line   int
	Value  string
	Reason string
}

// TargetError rejects a whole target list: it names every bad line, so the
// operator fixes the file once, and nothing is changed until they do.
type TargetError struct {
	// Source is "CSV" or "arguments".
	Source string
	Bad    []BadTarget
}

func (e *TargetError) Error() string {
	var b strings.Builder
	unit := "line"
	if e.Source == "arguments" {
		unit = "argument"
	}
	if len(e.Bad) == 1 {
		fmt.Fprintf(&b, "%s %d: %s", unit, e.Bad[0].Line, e.Bad[0].Reason)
		return b.String()
	}
	fmt.Fprintf(&b, "%d bad %ss in the %s:", len(e.Bad), unit, e.Source)
	for _, bt := range e.Bad {
		fmt.Fprintf(&b, "\n  %s %d: %s", unit, bt.Line, bt.Reason)
	}
	return b.String()
}

// AcceptedTargetHeaders are the CSV column names ParseTargets understands
// (case-insensitive), as the common PowerShell scripts write them.
var AcceptedTargetHeaders = []string{"ObjectId", "Id", "UserPrincipalName"}

// Limits on a target CSV (CLI --csv, the TUI's L). A list of users is a few
// megabytes at most: 100,000 users by object id and UPN is about 7 MB. Past
// any limit the whole file is refused, having held at most one line in
// memory, so /dev/zero or an endless pipe cannot exhaust the machine.
const (
	MaxTargetBytes   = 10 << 20
	MaxTargetRows    = 100_000
	MaxTargetLineLen = 4 << 10
)

// TargetLimits are the limits above, as the bounded reader takes them.
var TargetLimits = bounded.Limits{MaxBytes: MaxTargetBytes, MaxLineLen: MaxTargetLineLen,
	Stated: "10 MB, 100,000 users, 4 KB per line"}

// ParseTargets reads a CSV list of users: a header row with an ObjectId or Id
// column (object ids) and/or a UserPrincipalName column, then one user per
// row. It tolerates a UTF-8 BOM, CRLF line ends, quoted fields, blank lines,
// a PowerShell "#TYPE" first line and ';' as the separator (Excel in many
// locales). Other columns are ignored with a warning; repeated users are used
// once, with a warning naming the lines. If any row is malformed the whole
// list is rejected with a *TargetError naming every bad line, so a bulk
// change never starts from a half-valid file.
//
// One line is one row: a quoted field may not span lines. A field that
// does is almost always an unclosed quote ("Smith, John), which a CSV
// reader would otherwise read on to the next quote, silently swallowing the
// users between; so each line is parsed on its own and a quote left open
// at its end rejects the file, naming the line. The file is read streaming
// within TargetLimits and MaxTargetRows.
func ParseTargets(r io.Reader) ([]Target, []TargetWarning, error) {
	br := bounded.NewReader(r, TargetLimits)
	tooLarge := func(err error) error {
		var le *bounded.LimitError
		if errors.As(err, &le) {
			return &TargetError{Source: "CSV", Bad: []BadTarget{{Line: le.Line,
				Reason: le.Reason() + ": is this a list of users?"}}}
		}
		return fmt.Errorf("line %d: reading the CSV: %w", br.LineNumber(), err)
	}

	headerErr := func(line int, format string, args ...any) error {
		return &TargetError{Source: "CSV", Bad: []BadTarget{{Line: line,
			Reason: fmt.Sprintf(format, args...) + "; the first row must be a header naming an " +
				strings.Join(AcceptedTargetHeaders[:2], ", ") + " or " + AcceptedTargetHeaders[2] + " column"}}}
	}

	// Header: the first non-blank line that is not PowerShell's "#TYPE ...".
	var (
		header     []string
		headerLine int
		sep        rune
	)
	for {
		raw, line, err := br.Line()
		if err == io.EOF {
			return nil, nil, headerErr(1, "the file is empty")
		}
		if err != nil {
			return nil, nil, tooLarge(err)
		}
		text := strings.TrimSpace(string(raw))
		if text == "" || strings.HasPrefix(text, "#TYPE") {
			continue
		}
		sep = targetSeparator(text)
		rec, reason := targetSplit(string(raw), sep)
		if reason != "" {
			return nil, nil, &TargetError{Source: "CSV", Bad: []BadTarget{{Line: line, Reason: reason}}}
		}
		header, headerLine = rec, line
		break
	}

	idCol, upnCol := -1, -1
	var ignored []string
	for i, h := range header {
		name := strings.ToLower(strings.Trim(strings.TrimSpace(h), `"`))
		switch {
		case (name == "objectid" || name == "id") && idCol < 0:
			idCol = i
		case name == "userprincipalname" && upnCol < 0:
			upnCol = i
		default:
			ignored = append(ignored, strconv.Quote(targetClip(h, 40)))
		}
	}
	if idCol < 0 && upnCol < 0 {
		return nil, nil, headerErr(headerLine, "no usable header (found %s)", targetClip(strings.Join(targetQuoteAll(header), ", "), 120))
	}

	var warnings []TargetWarning
	if len(ignored) > 0 {
		warnings = append(warnings, TargetWarning{Lines: []int{headerLine},
			Message: fmt.Sprintf("line %d: ignoring column(s) %s", headerLine, strings.Join(ignored, ", "))})
	}

	var (
		targets []Target
		bad     []BadTarget
		rows    int
		seen    = map[string]int{} // lowercased value -> index in targets
		dups    = map[int][]int{}  // index in targets -> lines that repeated it
	)
	cell := func(rec []string, col int) string {
		if col < 0 || col >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[col])
	}
	for {
		raw, line, err := br.Line()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, tooLarge(err)
		}
		if strings.TrimSpace(string(raw)) == "" {
			continue
		}
		if rows++; rows > MaxTargetRows {
			return nil, nil, &TargetError{Source: "CSV", Bad: []BadTarget{{Line: line,
				Reason: fmt.Sprintf("more than %s users (the limits are %s); the whole file is refused: split it",
					bounded.Count(MaxTargetRows), TargetLimits)}}}
		}
		rec, reason := targetSplit(string(raw), sep)
		if reason != "" {
			bad = append(bad, BadTarget{Line: line, Reason: reason})
			continue
		}
		if targetBlank(rec) {
			continue
		}
		var t Target
		t.Line = line
		if v := cell(rec, idCol); v != "" {
			t.Value = v
			if !IsGUID(v) {
				reason := fmt.Sprintf("%s is not an object id (a GUID like 00000000-0000-0000-0000-000000000000)", targetQuote(v))
				if targetIsUPN(v) {
					reason += "; put user principal names under a UserPrincipalName header"
				}
				bad = append(bad, BadTarget{Line: line, Value: v, Reason: reason})
				continue
			}
			t.IsID = true
			t.Value = strings.ToLower(v)
		} else if v := cell(rec, upnCol); v != "" {
			t.Value = v
			switch {
			case IsGUID(v):
				t.IsID = true
				t.Value = strings.ToLower(v)
			case !targetIsUPN(v):
				bad = append(bad, BadTarget{Line: line, Value: v,
					Reason: fmt.Sprintf("%s is not a user principal name (like alice@contoso.com)", targetQuote(v))})
				continue
			}
		} else {
			col := idCol
			if col < 0 {
				col = upnCol
			}
			want := header[col]
			bad = append(bad, BadTarget{Line: line, Reason: fmt.Sprintf("no value in the %s column", targetQuote(strings.TrimSpace(want)))})
			continue
		}
		key := strings.ToLower(t.Value)
		if i, ok := seen[key]; ok {
			dups[i] = append(dups[i], line)
			continue
		}
		seen[key] = len(targets)
		targets = append(targets, t)
	}
	if len(bad) > 0 {
		return nil, nil, &TargetError{Source: "CSV", Bad: bad}
	}
	if len(targets) == 0 {
		return nil, nil, &TargetError{Source: "CSV", Bad: []BadTarget{{Line: headerLine,
			Reason: "the header is not followed by any user"}}}
	}
	warnings = append(warnings, targetDuplicates(targets, dups)...)
	return targets, warnings, nil
}

// targetSplit parses one line as one CSV record. A quote left open at the
// end of the line (a field that would span lines) or a stray quote after a
// quoted field is a reason to reject the line; a quote inside an unquoted
// field (O"Brien in a name column) is read as it stands.
func targetSplit(line string, sep rune) ([]string, string) {
	read := func(lazy bool) ([]string, error) {
		cr := csv.NewReader(strings.NewReader(line))
		cr.Comma = sep
		cr.FieldsPerRecord = -1
		cr.LazyQuotes = lazy
		return cr.Read()
	}
	rec, err := read(false)
	if err == io.EOF {
		return nil, ""
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrBareQuote) {
		rec, err = read(true)
	}
	if err != nil {
		if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrQuote) {
			if targetQuoteOpen(line, sep) {
				return nil, "a quoted field is not closed on this line (an unclosed quote; a field may not span lines), so the users after it would be swallowed: check the quotes"
			}
			return nil, "a stray quote after a quoted field: check the quotes"
		}
		return nil, "unreadable CSV: " + err.Error() + " (check the quotes)"
	}
	return rec, ""
}

// targetQuoteOpen reports whether a quoted field is still open at the end of
// line (a CSV reader would carry on into the next line).
func targetQuoteOpen(line string, sep rune) bool {
	fieldStart, quoted := true, false
	for i := 0; i < len(line); i++ {
		c := rune(line[i])
		switch {
		case quoted && c == '"' && i+1 < len(line) && line[i+1] == '"':
			i++ // an escaped quote
		case quoted && c == '"':
			quoted = false
		case quoted:
		case fieldStart && c == '"':
			quoted = true
		}
		fieldStart = !quoted && c == sep
	}
	return quoted
}

// ParseTargetArgs checks users given as command-line arguments (object ids or
// UPNs). Repeats are dropped. Every bad argument is named in one error.
func ParseTargetArgs(args []string) ([]Target, error) {
	var (
		targets []Target
		bad     []BadTarget
		seen    = map[string]bool{}
	)
	for i, a := range args {
		v := strings.TrimSpace(a)
		t := Target{Line: i + 1, Value: v}
		switch {
		case IsGUID(v):
			t.IsID = true
			t.Value = strings.ToLower(v)
		case targetIsUPN(v):
		default:
			bad = append(bad, BadTarget{Line: i + 1, Value: v,
				Reason: fmt.Sprintf("%s is neither an object id (GUID) nor a user principal name (alice@contoso.com)", targetQuote(v))})
			continue
		}
		if key := strings.ToLower(t.Value); !seen[key] {
			seen[key] = true
			targets = append(targets, t)
		}
	}
	if len(bad) > 0 {
		return nil, &TargetError{Source: "arguments", Bad: bad}
	}
	if len(targets) == 0 {
		return nil, errors.New("no users given")
	}
	return targets, nil
}

// targetIsUPN reports whether s is shaped like an Entra ID user principal name:
// local@domain, the local part of letters, digits and ' . - _ ! # ^ ~ (the
// characters Entra ID allows, '#' covering guests' #EXT#), not starting or
// ending with '.' or holding "..", at most 64 characters; the domain of
// dot-separated labels of letters, digits and hyphens.
func targetIsUPN(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at > 64 || at == len(s)-1 || len(s) > 320 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if targetIsAlnum(c) || strings.IndexByte("'.-_!#^~", c) >= 0 {
			continue
		}
		return false
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			if !targetIsAlnum(l[i]) && l[i] != '-' {
				return false
			}
		}
	}
	return true
}

func targetIsAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// targetSeparator picks ';' when the header line has semicolons and no commas
// (Export-Csv -UseCulture, Excel in many European locales), ',' otherwise.
func targetSeparator(header string) rune {
	if strings.ContainsRune(header, ';') && !strings.ContainsRune(header, ',') {
		return ';'
	}
	return ','
}

func targetBlank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func targetDuplicates(targets []Target, dups map[int][]int) []TargetWarning {
	idx := make([]int, 0, len(dups))
	for i := range dups {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	var out []TargetWarning
	for _, i := range idx {
		lines := append([]int{targets[i].Line}, dups[i]...)
		nums := make([]string, len(lines))
		for j, l := range lines {
			nums[j] = strconv.Itoa(l)
		}
		out = append(out, TargetWarning{Lines: lines,
			Message: fmt.Sprintf("%s appears on lines %s; using it once", targetQuote(targets[i].Value), strings.Join(nums, ", "))})
	}
	return out
}

// targetQuote shows untrusted input safely: quoted, escapes visible, clipped.
func targetQuote(s string) string { return strconv.Quote(targetClip(s, 80)) }

func targetQuoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = targetQuote(s)
	}
	return out
}

func targetClip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
