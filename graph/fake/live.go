package fake

import (
	mrand "math/rand/v2"
	"time"
)

// Live sign-in failures (Options.LiveSignIns, on in demo mode): as the
// fake's clock moves on, new failed sign-ins appear in /auditLogs/signIns,
// so a live failures view has something to show. Each step of liveStep
// adds one failure of a random user (bad password, MFA not answered,
// blocked by policy, locked out); every seventh step starts a burst of
// MFA denials for one user (MFA fatigue: a prompt declined or unanswered
// every minute, four times), every eleventh a prompt reported as fraud.
// The texts are Graph's (500121's additional details; "Fraud code entered"
// is the authenticationDetail page's example of a step's result detail).
// Driven by the request's clock, so tests move it without sleeping.

var ruleSignInCreatedGe = docRule("signins.created-ge-newest-first",
	"signIns lists newest first and filters on createdDateTime with ge / le (a tenant-wide list without a user filter is allowed); new sign-ins appear as they happen",
	"api-reference/beta/api/signin-list.md")

// liveStep is the fake time between two live failures.
const liveStep = 30 * time.Second

// liveState is the feed's position.
type liveState struct {
	on    bool
	next  time.Time
	steps int
	rng   *mrand.Rand
	burst []time.Time // pending fatigue denials for burstUser
	bu    *user
}

// advanceLive adds the live failures due by now. Called with t.mu held.
func (t *Tenant) advanceLive(now time.Time) {
	l := &t.live
	if !l.on || len(t.users) == 0 {
		return
	}
	if l.next.IsZero() {
		l.next = now.Add(liveStep)
		l.rng = mrand.New(mrand.NewPCG(uint64(t.seed), 0x11fe))
		return
	}
	// At most a day of steps at once (a clock moved far ahead).
	if now.Sub(l.next) > 24*time.Hour {
		l.next = now.Add(-24 * time.Hour)
	}
	for !l.next.After(now) {
		at := l.next
		l.next = l.next.Add(liveStep)
		l.steps++
		r := l.rng
		u := t.users[r.IntN(len(t.users))]
		switch {
		case l.steps%11 == 0:
			t.liveEvent(u, at, 500121, "MFA denied; Phone App Reported Fraud", "Fraud code entered")
		case l.steps%7 == 0:
			l.bu = u
			for i := range 4 {
				l.burst = append(l.burst, at.Add(time.Duration(i)*time.Minute))
			}
		default:
			code := pick(r, []int{50126, 50126, 500121, 53003, 50053, 50074})
			extra := ""
			if code == 500121 {
				extra = "MFA denied; user did not respond to mobile app notification"
			}
			t.liveEvent(u, at, code, extra, "")
		}
		for len(l.burst) > 0 && !l.burst[0].After(at) {
			detail := pick(r, []string{"MFA denied; user declined the authentication", "MFA denied; user did not respond to mobile app notification"})
			t.liveEvent(l.bu, l.burst[0], 500121, detail, "")
			l.burst = l.burst[1:]
		}
	}
}

// liveEvent adds one failed interactive sign-in of u at at.
func (t *Tenant) liveEvent(u *user, at time.Time, code int, detail, stepDetail string) {
	ss := t.signInsOf(u)
	g := newSIGen(t.live.rng, &u.UserData, t.newID)
	si := g.event(at, appOffice, code, detail)
	si.IsInteractive = true
	if stepDetail != "" && len(si.AuthDetails) > 1 {
		si.AuthDetails[len(si.AuthDetails)-1].ResultDetail = stepDetail
	}
	u.SignIns = append([]SignInData{si}, ss...)
}
