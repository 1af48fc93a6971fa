package graph

import (
	"slices"
)

// BulkResults derives the report rows from a journal's state.
func BulkResults(st *JournalState) []UserResult {
	out := make([]UserResult, 0, len(st.Users))
	for _, u := range st.Users {
		r := UserResult{User: u.User, UserID: u.UserID, State: StatePending}
		for _, k := range u.Kept {
			r.Kept = append(r.Kept, string(k))
		}
		for _, s := range u.Steps {
			switch s.Do {
			case stepDelete:
				if d := string(s.Kind) + ":" + s.Method; s.Result != "failed" && !slices.Contains(r.Deleted, d) {
					r.Deleted = append(r.Deleted, d)
				}
			case stepRevoke:
				r.SessionsRevoked = true
			case stepTAP:
				r.TAPIssued, r.TAPDelivered = true, false
			case stepDeliver:
				r.TAPDelivered = true
			case stepMFA:
				r.PerUserMFA = s.Result
				if s.From != "" {
					r.PreviousPerUserMFA = s.From
				}
			case stepMFARead:
				r.PreviousPerUserMFA = s.Result
			}
		}
		if f := u.Final; f != nil {
			r.State = UserState(f.Event)
			r.Why, r.Status, r.RequestID, r.Time = f.Why, f.Status, f.RequestID, f.Time
			if f.Event == evFailed && f.Do == stepTAP && r.TAPDelivered {
				// Failed only for a pass whose value was lost, since
				// re-issued and delivered (bulk_passes.go).
				r.State, r.Why, r.Status, r.RequestID = StateDone, "the lost pass was replaced by a delivered one", 0, ""
			}
		} else {
			r.Why = "not finished: resume the run"
		}
		out = append(out, r)
	}
	return out
}
