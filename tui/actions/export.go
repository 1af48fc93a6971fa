package actions

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mfadesk/mfadesk/graph"
)

// ReportRow is one exported result. TAP values are never part of it.
type ReportRow struct {
	UserPrincipalName string    `json:"userPrincipalName"`
	ID                string    `json:"id"`
	DisplayName       string    `json:"displayName"`
	Operation         string    `json:"operation"`
	Status            string    `json:"status"`
	Detail            string    `json:"detail,omitempty"`
	RequestID         string    `json:"requestId,omitempty"`
	Time              time.Time `json:"time,omitzero"`
}

// Rows converts results for export.
func Rows(rs []Result) []ReportRow {
	out := make([]ReportRow, 0, len(rs))
	for _, r := range rs {
		out = append(out, ReportRow{
			UserPrincipalName: graph.CleanText(r.Target.UserPrincipalName),
			ID:                r.Target.ID,
			DisplayName:       graph.CleanText(r.Target.DisplayName),
			Operation:         string(r.Kind),
			Status:            string(r.Status),
			Detail:            r.Detail,
			RequestID:         r.RequestID,
			Time:              r.At.UTC(),
		})
	}
	return out
}

// WriteReport writes results to path: JSON when it ends in .json, CSV
// otherwise. It refuses to overwrite an existing file.
func WriteReport(path string, rs []Result) error {
	rows := Rows(rs)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if strings.EqualFold(filepath.Ext(path), ".json") {
		enc := json.NewEncoder(f)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	w, err := graph.NewCSVWriter(f, "userPrincipalName", "id", "displayName", "operation", "status", "detail", "requestId", "time")
	for _, r := range rows {
		if err != nil {
			break
		}
		t := ""
		if !r.Time.IsZero() {
			t = r.Time.Format(time.RFC3339)
		}
		err = w.Row(r.UserPrincipalName, r.ID, r.DisplayName, r.Operation, r.Status, r.Detail, r.RequestID, t)
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
