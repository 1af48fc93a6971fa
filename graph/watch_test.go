package graph

import (
	"testing"
	"time"
)

func denial(user string, at time.Time, detail string) SignIn {
	return SignIn{ID: user + at.String(), UserID: user, UserPrincipalName: user + "@contoso.com", CreatedDateTime: at,
		Status: Status{ErrorCode: 500121, AdditionalDetails: detail}}
}

// MFA fatigue: three denials (declined or not answered) for one user
// within the window; fewer, spread out, or another code is not; a fraud
// report is flagged alone, from the details or the MFA step.
func TestDetectAlerts(t *testing.T) {
	t0 := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	declined := "MFA denied; user declined the authentication"
	noAnswer := "MFA denied; user did not respond to mobile app notification"
	fs := []SignIn{
		denial("alice", t0, declined), denial("alice", t0.Add(4*time.Minute), noAnswer), denial("alice", t0.Add(9*time.Minute), declined),
		// bob: three, but over more than the window
		denial("bob", t0, declined), denial("bob", t0.Add(10*time.Minute), declined), denial("bob", t0.Add(20*time.Minute), declined),
		// carol: wrong number entered is not fatigue; 50074 is not a denial
		denial("carol", t0, "MFA denied; user did not select the correct number"), denial("carol", t0.Add(time.Minute), "x"),
		{ID: "c3", UserID: "carol", CreatedDateTime: t0.Add(2 * time.Minute), Status: Status{ErrorCode: 50074, AdditionalDetails: noAnswer}},
		// dave: fraud in the step's result detail
		{ID: "d1", UserID: "dave", UserPrincipalName: "dave@contoso.com", CreatedDateTime: t0.Add(30 * time.Minute),
			Status: Status{ErrorCode: 500121}, AuthDetails: []AuthStep{{ResultDetail: "Fraud code entered"}}},
	}
	as := DetectAlerts(fs)
	if len(as) != 2 {
		t.Fatalf("alerts %+v", as)
	}
	if as[0].Kind != AlertFraud || as[0].UserID != "dave" {
		t.Errorf("first %+v", as[0])
	}
	if a := as[1]; a.Kind != AlertFatigue || a.UserID != "alice" || a.Count != 3 || !a.First.Equal(t0) || !a.Last.Equal(t0.Add(9*time.Minute)) {
		t.Errorf("fatigue %+v", a)
	}
	byCode, byUser := GroupFailures(fs)
	if byCode[0].Key != "500121" || byCode[0].Count != 9 || byUser[0].Count != 3 {
		t.Errorf("groups %+v %+v", byCode, byUser)
	}
}
