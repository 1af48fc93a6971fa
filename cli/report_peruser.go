package cli

// report --per-user-mfa: the legacy per-user MFA state as a column (and
// --per-user-mfa-state as a filter) of the registration report. Graph has
// no list of it: one beta GET /users/{id}/authentication/requirements per
// row shown (graph.ReadPerUserMFA: 20 to a $batch, paced, 429s waited
// out), made only when asked for and after the report's own pages. A user
// whose state cannot be read keeps their row, marked "?", with the reason
// said once; the report is never withheld for it.

import (
	"context"
	"fmt"
	"sync"

	"github.com/mfadesk/mfadesk/graph"
)

// reportPerUserRow is a report row with its per-user MFA state, for
// --output json (the registration's fields, and perUserMfaState).
type reportPerUserRow struct {
	graph.Registration
	PerUserMfaState graph.PerUserMFAState `json:"perUserMfaState,omitempty"`
	// PerUserMfaError says why the state is unknown.
	PerUserMfaError string `json:"perUserMfaError,omitempty"`
}

// readReportPerUser reads the per-user MFA state of every row, showing
// progress on a terminal, and says once on stderr why any could not be
// read.
func (e *Env) readReportPerUser(ctx context.Context, c graph.Client, rows []graph.Registration) []reportPerUserRow {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	o := graph.PerUserReadOptions{}
	if e.ErrTerminal && len(ids) > 1 {
		var mu sync.Mutex
		o.OnProgress = func(p graph.PerUserProgress) {
			mu.Lock()
			defer mu.Unlock()
			s := fmt.Sprintf("\r\x1b[Kreading per-user MFA %d/%d", p.Done, p.Total)
			if p.Throttled > 0 {
				s += fmt.Sprintf(" · throttled %d×", p.Throttled)
			}
			fmt.Fprint(e.Stderr, s)
			if p.Done == p.Total {
				fmt.Fprintln(e.Stderr)
			}
		}
	}
	res := graph.ReadPerUserMFA(ctx, c, ids, o)
	out := make([]reportPerUserRow, len(rows))
	failed := 0
	var why error
	for i, r := range res {
		out[i] = reportPerUserRow{Registration: rows[i], PerUserMfaState: r.State}
		if r.Err != nil {
			failed++
			why = r.Err
			out[i].PerUserMfaError = oneLine(r.Err)
		}
	}
	if failed > 0 {
		e.note(fmt.Sprintf("warning: the per-user MFA state of %d user(s) could not be read (shown as ?): %s", failed, oneLine(why)))
	}
	return out
}

// perUserCell is the column's cell: the state, or ? when unknown.
func perUserCell(r reportPerUserRow) string {
	if r.PerUserMfaState == "" {
		return "?"
	}
	return string(r.PerUserMfaState)
}

// emitReportPerUser prints the report with the per-user column, keeping
// only rows in state want when one is given.
func (e *Env) emitReportPerUser(rows []reportPerUserRow, want graph.PerUserMFAState, more bool) error {
	if want != "" {
		kept := rows[:0]
		for _, r := range rows {
			if r.PerUserMfaState == want {
				kept = append(kept, r)
			}
		}
		rows = kept
	}
	if rows == nil {
		rows = []reportPerUserRow{}
	}
	v := View{JSON: rows,
		Header: append(reportHeader(), "PER-USER MFA"),
		Empty:  "No users match.",
	}
	for _, r := range rows {
		v.Rows = append(v.Rows, append(reportRow(r.Registration), perUserCell(r)))
	}
	if err := e.Emit(v); err != nil {
		return err
	}
	if more {
		e.note("More rows exist; pass --all for the whole tenant.")
	}
	return nil
}
