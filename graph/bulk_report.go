package graph

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// The final report of a bulk run, derived from its journal (BulkResults):
// one row per target, in target order. It never holds a TAP value (the
// journal has none).

// BulkReportColumns are the CSV header.
var BulkReportColumns = []string{"User", "ObjectId", "State", "Reason", "RequestId", "Status",
	"MethodsDeleted", "MethodsKept", "SessionsRevoked", "TapIssued", "PerUserMfa", "Time"}

// WriteBulkReport writes rows as "csv" or "json" (an array).
func WriteBulkReport(w io.Writer, format string, rows []UserResult) error {
	switch format {
	case "json":
		if rows == nil {
			rows = []UserResult{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	case "csv":
		// graph.CSVWriter: every cell cleaned and defused against formula
		// injection (a reason from Graph, a UPN starting with = + - @).
		cw, err := NewCSVWriter(w, BulkReportColumns...)
		if err != nil {
			return err
		}
		for _, r := range rows {
			ts := ""
			if !r.Time.IsZero() {
				ts = r.Time.UTC().Format(time.RFC3339)
			}
			status := ""
			if r.Status != 0 {
				status = strconv.Itoa(r.Status)
			}
			if err := cw.Row(r.User, r.UserID, string(r.State), r.Why, r.RequestID, status,
				strings.Join(r.Deleted, " "), strings.Join(r.Kept, " "),
				strconv.FormatBool(r.SessionsRevoked), strconv.FormatBool(r.TAPIssued), r.PerUserMFA, ts); err != nil {
				return err
			}
		}
		return cw.Flush()
	}
	return fmt.Errorf("unknown report format %q (csv or json)", format)
}
