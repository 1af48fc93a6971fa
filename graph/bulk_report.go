package graph

import (
	"encoding/csv"
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
		cw := csv.NewWriter(w)
		if err := cw.Write(BulkReportColumns); err != nil {
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
			rec := []string{r.User, r.UserID, string(r.State), r.Why, r.RequestID, status,
				strings.Join(r.Deleted, " "), strings.Join(r.Kept, " "),
				strconv.FormatBool(r.SessionsRevoked), strconv.FormatBool(r.TAPIssued), r.PerUserMFA, ts}
			for i := range rec {
				rec[i] = csvSafe(rec[i])
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	}
	return fmt.Errorf("unknown report format %q (csv or json)", format)
}

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
