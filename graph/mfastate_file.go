package graph

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mfadesk/mfadesk/internal/bounded"
)

// The legacy per-user MFA bulk update file: the old multi-factor
// authentication page's "bulk update" took (and its sample file showed) a
// CSV with the header `Username,MFA Status` and one user per row, the
// state as the page wrote it: Enabled, Enforced or Disabled. Tenants still
// keep such files from before the page went; `mfadesk mfa-state --csv`
// takes one as it is, each row setting that user's state.

// MFAStateRow is one row of the file: a user and the state to set.
type MFAStateRow struct {
	Target Target
	State  PerUserMFAState
}

// Legacy header names (compared without case and surrounding spaces).
const (
	mfaFileUserCol  = "username"
	mfaFileStateCol = "mfa status"
)

// ErrNotMFAStateFile: the file's header has no "MFA Status" column (it is
// a plain list of users: ParseTargets reads it).
var ErrNotMFAStateFile = errors.New("not a per-user MFA bulk file (no MFA Status column)")

// ParseMFAStateFile reads a legacy per-user MFA bulk file. The first
// non-blank line must be the header with Username and MFA Status columns
// (other columns are ignored with a warning); without an MFA Status column
// it answers ErrNotMFAStateFile and reads nothing more. Each row needs a
// user principal name (or an object id) and one of Enabled, Enforced or
// Disabled (any case). Any bad row rejects the whole file with a
// *TargetError naming every bad line, so nothing is changed from a file
// that is partly wrong; a user listed twice with the same state is used
// once (a warning), with two different states is a bad line.
func ParseMFAStateFile(r io.Reader) ([]MFAStateRow, []TargetWarning, error) {
	br := bounded.NewReader(r, TargetLimits)
	bad := func(line int, reason string) error {
		return &TargetError{Source: "CSV", Bad: []BadTarget{{Line: line, Reason: reason}}}
	}
	tooLarge := func(err error) error {
		var le *bounded.LimitError
		if errors.As(err, &le) {
			return bad(le.Line, le.Reason()+": is this a per-user MFA bulk file?")
		}
		return fmt.Errorf("line %d: reading the CSV: %w", br.LineNumber(), err)
	}
	var (
		header     []string
		headerLine int
		sep        rune
	)
	for {
		raw, line, err := br.Line()
		if err == io.EOF {
			return nil, nil, bad(1, "the file is empty")
		}
		if err != nil {
			return nil, nil, tooLarge(err)
		}
		text := strings.TrimSpace(strings.TrimPrefix(string(raw), "\ufeff"))
		if text == "" {
			continue
		}
		sep = targetSeparator(text)
		rec, reason := targetSplit(string(raw), sep)
		if reason != "" {
			return nil, nil, bad(line, reason)
		}
		header, headerLine = rec, line
		break
	}
	userCol, stateCol := -1, -1
	var ignored []string
	for i, h := range header {
		switch name := strings.ToLower(strings.Trim(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), `"`)); {
		case name == mfaFileUserCol && userCol < 0:
			userCol = i
		case name == mfaFileStateCol && stateCol < 0:
			stateCol = i
		default:
			ignored = append(ignored, targetQuote(targetClip(h, 40)))
		}
	}
	if stateCol < 0 {
		return nil, nil, ErrNotMFAStateFile
	}
	if userCol < 0 {
		return nil, nil, bad(headerLine, "an MFA Status column needs a Username column beside it (the header is Username,MFA Status)")
	}
	var warns []TargetWarning
	if len(ignored) > 0 {
		warns = append(warns, TargetWarning{Lines: []int{headerLine},
			Message: fmt.Sprintf("line %d: ignoring column(s) %s", headerLine, strings.Join(ignored, ", "))})
	}
	cell := func(rec []string, col int) string {
		if col >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[col])
	}
	var (
		rows  []MFAStateRow
		bads  []BadTarget
		seen  = map[string]int{} // lowercased user -> index in rows
		dups  = map[int][]int{}
		count int
	)
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
		if count++; count > MaxTargetRows {
			return nil, nil, bad(line, fmt.Sprintf("more than %s users (the limits are %s); the whole file is refused: split it",
				bounded.Count(MaxTargetRows), TargetLimits))
		}
		rec, reason := targetSplit(string(raw), sep)
		if reason != "" {
			bads = append(bads, BadTarget{Line: line, Reason: reason})
			continue
		}
		if targetBlank(rec) {
			continue
		}
		user, state := cell(rec, userCol), cell(rec, stateCol)
		t := Target{Line: line, Value: user}
		switch {
		case user == "":
			bads = append(bads, BadTarget{Line: line, Reason: "no value in the Username column"})
			continue
		case IsGUID(user):
			t.IsID, t.Value = true, strings.ToLower(user)
		case !targetIsUPN(user):
			bads = append(bads, BadTarget{Line: line, Value: user,
				Reason: fmt.Sprintf("%s is not a user principal name (like alice@contoso.com)", targetQuote(user))})
			continue
		}
		st, err := parseLegacyMFAStatus(state)
		if err != nil {
			bads = append(bads, BadTarget{Line: line, Value: user, Reason: err.Error()})
			continue
		}
		key := strings.ToLower(t.Value)
		if i, ok := seen[key]; ok {
			if rows[i].State != st {
				bads = append(bads, BadTarget{Line: line, Value: user, Reason: fmt.Sprintf("%s is already listed on line %d as %s; one state per user",
					targetQuote(user), rows[i].Target.Line, rows[i].State)})
				continue
			}
			dups[i] = append(dups[i], line)
			continue
		}
		seen[key] = len(rows)
		rows = append(rows, MFAStateRow{Target: t, State: st})
	}
	if len(bads) > 0 {
		return nil, nil, &TargetError{Source: "CSV", Bad: bads}
	}
	if len(rows) == 0 {
		return nil, nil, bad(headerLine, "the header is not followed by any user")
	}
	ts := make([]Target, len(rows))
	for i, r := range rows {
		ts[i] = r.Target
	}
	warns = append(warns, targetDuplicates(ts, dups)...)
	return rows, warns, nil
}

// parseLegacyMFAStatus reads an MFA Status cell: Enabled, Enforced or
// Disabled as the old page wrote them, in any case.
func parseLegacyMFAStatus(s string) (PerUserMFAState, error) {
	if s == "" {
		return "", errors.New("no value in the MFA Status column (Enabled, Enforced or Disabled)")
	}
	st, err := ParsePerUserMFAState(s)
	if err != nil {
		return "", fmt.Errorf("MFA Status %s: use Enabled, Enforced or Disabled", targetQuote(s))
	}
	return st, nil
}
