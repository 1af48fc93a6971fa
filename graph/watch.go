package graph

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Live failures: the tenant's sign-in failures as they arrive, for triage
// before the phone rings. A Watch polls GET /auditLogs/signIns with
// $filter=createdDateTime ge (the newest seen, less the logs' lag) within
// the reports budget (5 requests per 10 s: one poll every WatchInterval
// leaves the rest to the technician), backs off on errors and 429s, drops
// what it has seen (by id: the overlap repeats some), and keeps the
// failures of the last WatchWindow, grouped by error code and by user, with
// MFA fatigue (repeated 500121 declined / not answered for one user) and
// fraud reports flagged.

const (
	// WatchInterval is the normal time between polls: a fifth of the
	// reports budget's 5 requests per 10 s.
	WatchInterval = 10 * time.Second
	// WatchMaxBackoff caps the wait after failed polls.
	WatchMaxBackoff = 5 * time.Minute
	// WatchLag is how far before the newest seen sign-in each poll starts:
	// sign-ins reach the log 2-5 minutes late, not in order.
	WatchLag = 5 * time.Minute
	// WatchWindow is how long failures are kept for the groups.
	WatchWindow = time.Hour
	// FatigueWindow and FatigueThreshold: this many 500121 denials or
	// unanswered prompts for one user within the window is MFA fatigue
	// (someone with the password pushing prompts until one is accepted).
	FatigueWindow    = 15 * time.Minute
	FatigueThreshold = 3
)

// Watch is one live failures view's state. Not safe for concurrent use.
type Watch struct {
	c   Reader
	now func() time.Time

	since    time.Time            // the next poll's createdDateTime ge
	seen     map[string]time.Time // ids seen, by createdDateTime (pruned)
	failures []SignIn             // within WatchWindow, newest first
	fails    int                  // polls failed in a row
}

// NewWatch starts a watch at now (failures from lookback before now).
func NewWatch(c Reader, now func() time.Time, lookback time.Duration) *Watch {
	if now == nil {
		now = time.Now
	}
	return &Watch{c: c, now: now, since: now().Add(-lookback), seen: map[string]time.Time{}}
}

// Poll reads the failures since the last poll and returns those not seen
// before, oldest first. After an error the caller waits NextPoll.
func (w *Watch) Poll(ctx context.Context) ([]SignIn, error) {
	got, err := w.c.TenantSignIns(WithPriority(ctx, PriorityLow), SignInQuery{Since: w.since, FailuresOnly: true, Top: 1000})
	if err != nil {
		w.fails++
		return nil, err
	}
	w.fails = 0
	var fresh []SignIn
	newest := w.since
	for _, s := range got {
		if s.CreatedDateTime.After(newest) {
			newest = s.CreatedDateTime
		}
		if _, dup := w.seen[s.ID]; dup || s.ID == "" {
			continue
		}
		w.seen[s.ID] = s.CreatedDateTime
		fresh = append(fresh, s)
	}
	sort.SliceStable(fresh, func(i, j int) bool { return fresh[i].CreatedDateTime.Before(fresh[j].CreatedDateTime) })
	// The next poll overlaps by the logs' lag; ids seen are kept as long.
	if since := newest.Add(-WatchLag); since.After(w.since) {
		w.since = since
	}
	for id, t := range w.seen {
		if t.Before(w.since.Add(-WatchLag)) {
			delete(w.seen, id)
		}
	}
	for i := len(fresh) - 1; i >= 0; i-- {
		w.failures = append([]SignIn{fresh[i]}, w.failures...)
	}
	sort.SliceStable(w.failures, func(i, j int) bool { return w.failures[i].CreatedDateTime.After(w.failures[j].CreatedDateTime) })
	cut := w.now().Add(-WatchWindow)
	for len(w.failures) > 0 && w.failures[len(w.failures)-1].CreatedDateTime.Before(cut) {
		w.failures = w.failures[:len(w.failures)-1]
	}
	return fresh, nil
}

// NextPoll is how long to wait before the next poll: WatchInterval, and
// after failed polls twice as long each time (Retry-After when Graph
// said more), up to WatchMaxBackoff.
func (w *Watch) NextPoll(err error) time.Duration {
	d := WatchInterval
	if w.fails > 0 {
		d = min(WatchInterval<<min(w.fails, 8), WatchMaxBackoff)
	}
	if ge, ok := AsError(err); ok && ge.RetryAfter > d {
		d = min(ge.RetryAfter, WatchMaxBackoff)
	}
	return d
}

// Failures are the failures of the last WatchWindow, newest first.
func (w *Watch) Failures() []SignIn { return w.failures }

// FailureGroup is a count of failures under one key (an error code or a
// user), with the newest.
type FailureGroup struct {
	Key    string // the code ("500121") or the user's UPN
	UserID string // for a user group
	Name   string // the user's display name, or the code's failure reason
	Count  int
	Last   SignIn
}

// GroupFailures groups failures by error code and by user, largest first.
func GroupFailures(fs []SignIn) (byCode, byUser []FailureGroup) {
	codes := map[string]*FailureGroup{}
	users := map[string]*FailureGroup{}
	add := func(m map[string]*FailureGroup, key string, s SignIn, mk func() FailureGroup) {
		g := m[key]
		if g == nil {
			ng := mk()
			g = &ng
			m[key] = g
		}
		g.Count++
		if s.CreatedDateTime.After(g.Last.CreatedDateTime) {
			g.Last = s
		}
	}
	for _, s := range fs {
		code := strconv.Itoa(s.Status.ErrorCode)
		add(codes, code, s, func() FailureGroup { return FailureGroup{Key: code, Name: s.Status.FailureReason} })
		key := strings.ToLower(firstNonBlank(s.UserID, s.UserPrincipalName))
		add(users, key, s, func() FailureGroup {
			return FailureGroup{Key: s.UserPrincipalName, UserID: s.UserID, Name: s.UserDisplayName}
		})
	}
	flat := func(m map[string]*FailureGroup) []FailureGroup {
		out := make([]FailureGroup, 0, len(m))
		for _, g := range m {
			out = append(out, *g)
		}
		sort.Slice(out, func(i, j int) bool {
			if out[i].Count != out[j].Count {
				return out[i].Count > out[j].Count
			}
			return out[i].Last.CreatedDateTime.After(out[j].Last.CreatedDateTime)
		})
		return out
	}
	return flat(codes), flat(users)
}

// AlertKind names what a live failures alert is about.
type AlertKind string

const (
	// AlertFatigue: repeated MFA prompts declined or not answered.
	AlertFatigue AlertKind = "mfa-fatigue"
	// AlertFraud: the user reported the prompt as fraud.
	AlertFraud AlertKind = "fraud-reported"
)

// Alert is one user flagged from their failures.
type Alert struct {
	Kind   AlertKind
	UserID string
	UPN    string
	Name   string
	Count  int       // the failures behind it
	First  time.Time // the window they fell in
	Last   time.Time
}

// mfaDenial reports a 500121 the user declined or did not answer: the
// additional details Graph gives ("MFA denied; user declined the
// authentication", "MFA denied; user did not respond to mobile app
// notification"), or the MFA step's result detail.
func mfaDenial(s SignIn) bool {
	if s.Status.ErrorCode != 500121 {
		return false
	}
	for _, d := range denialTexts(s) {
		if strings.Contains(d, "declined") || strings.Contains(d, "did not respond") || strings.Contains(d, "timed out") {
			return true
		}
	}
	return false
}

// FraudReported reports a sign-in whose MFA prompt the user reported as
// fraud: "fraud code entered" (the authenticationDetail page's example of
// authenticationStepResultDetail) or "Phone App Reported Fraud" in the
// additional details.
func FraudReported(s SignIn) bool {
	for _, d := range denialTexts(s) {
		if strings.Contains(d, "fraud") {
			return true
		}
	}
	return false
}

func denialTexts(s SignIn) []string {
	out := []string{strings.ToLower(s.Status.AdditionalDetails), strings.ToLower(s.Status.FailureReason)}
	for _, st := range s.AuthDetails {
		out = append(out, strings.ToLower(st.ResultDetail))
	}
	return out
}

// DetectAlerts flags MFA fatigue (FatigueThreshold or more MFA denials for
// one user within FatigueWindow) and fraud reports in fs.
func DetectAlerts(fs []SignIn) []Alert {
	byUser := map[string][]SignIn{}
	var order []string
	var out []Alert
	for _, s := range fs {
		key := strings.ToLower(firstNonBlank(s.UserID, s.UserPrincipalName))
		if FraudReported(s) {
			out = append(out, Alert{Kind: AlertFraud, UserID: s.UserID, UPN: s.UserPrincipalName, Name: s.UserDisplayName,
				Count: 1, First: s.CreatedDateTime, Last: s.CreatedDateTime})
			continue
		}
		if !mfaDenial(s) {
			continue
		}
		if _, ok := byUser[key]; !ok {
			order = append(order, key)
		}
		byUser[key] = append(byUser[key], s)
	}
	for _, key := range order {
		ss := byUser[key]
		sort.Slice(ss, func(i, j int) bool { return ss[i].CreatedDateTime.Before(ss[j].CreatedDateTime) })
		// The largest run inside one window.
		best, bi := 0, 0
		for i, j := 0, 0; j < len(ss); j++ {
			for ss[j].CreatedDateTime.Sub(ss[i].CreatedDateTime) > FatigueWindow {
				i++
			}
			if n := j - i + 1; n > best {
				best, bi = n, i
			}
		}
		if best >= FatigueThreshold {
			s := ss[bi]
			out = append(out, Alert{Kind: AlertFatigue, UserID: s.UserID, UPN: s.UserPrincipalName, Name: s.UserDisplayName,
				Count: best, First: s.CreatedDateTime, Last: ss[bi+best-1].CreatedDateTime})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Last.After(out[j].Last) })
	return out
}

func firstNonBlank(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
