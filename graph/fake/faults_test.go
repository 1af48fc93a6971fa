package fake

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestThrottleRate(t *testing.T) {
	s := start(t, Options{ThrottleRate: 1, RetryAfter: 2 * time.Second})
	r := get(t, s, "/v1.0/users/"+AliceID, map[string]string{"x-ms-throttle-priority": "Low"})
	expect(t, r, 429, "TooManyRequests")
	if r.header.Get("Retry-After") != "2" || !strings.HasPrefix(r.header.Get("x-ms-throttle-scope"), "Tenant_Application/Read/") || r.header.Get("request-id") == "" {
		t.Errorf("headers %v", r.header)
	}
	s.Tenant.SetFaults(0, 0, 0, 0)
	expect(t, get(t, s, "/v1.0/users/"+AliceID, map[string]string{"x-ms-throttle-priority": "High"}), 200, "")
	st := s.Tenant.Stats()
	if st.Throttled != 1 || st.Priorities["Low"] != 1 || st.Priorities["High"] != 1 || st.Statuses[429] != 1 || st.Requests["GET /users/{id}"] != 2 {
		t.Errorf("stats %+v", st)
	}

	// a fractional Retry-After is written as seconds with a fraction
	if got := formatRetryAfter(1500 * time.Millisecond); got != "1.5" {
		t.Errorf("formatRetryAfter = %q", got)
	}
	if got := formatRetryAfter(200*time.Millisecond + 1); got != "0.201" {
		t.Errorf("formatRetryAfter = %q", got)
	}
}

func TestBudget(t *testing.T) {
	s := start(t, Options{Budget: 5})
	var last reply
	for i := 0; i < 5; i++ {
		last = get(t, s, "/v1.0/users/"+AliceID, nil)
		expect(t, last, 200, "")
		if last.header.Get("x-ms-resource-unit") == "" {
			t.Errorf("no x-ms-resource-unit")
		}
	}
	if p := last.header.Get("x-ms-throttle-limit-percentage"); p == "" {
		t.Errorf("no x-ms-throttle-limit-percentage when the budget is spent")
	}
	r := get(t, s, "/v1.0/users/"+AliceID, nil)
	expect(t, r, 429, "TooManyRequests")
	ra, err := strconv.ParseFloat(r.header.Get("Retry-After"), 64)
	// 5 per 10 s: one token every 2 s
	if err != nil || ra <= 1.5 || ra > 2 {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	if st := s.Tenant.Stats(); st.BudgetThrottled != 1 || st.Injected429() != 1 {
		t.Errorf("stats %+v", st)
	}
	// the bucket refills at budget/10 s: 1000 per 10 s is a token per ms
	s.Tenant.SetBudget(1000)
	s.Tenant.mu.Lock()
	s.Tenant.budget.lim.AllowN(time.Now(), 1000) // spent
	b := s.Tenant.budget
	s.Tenant.mu.Unlock()
	if _, ok := b.take(time.Now(), 1); ok {
		t.Error("a spent bucket gave a token at once")
	}
	if _, ok := b.take(time.Now().Add(20*time.Millisecond), 1); !ok {
		t.Error("no token 20 ms after the bucket was spent")
	}
	s.Tenant.SetBudget(0)
	expect(t, get(t, s, "/v1.0/users/"+AliceID, nil), 200, "")
}

func TestFaultsAndDrops(t *testing.T) {
	s := start(t, Options{FaultRate: 1})
	r := get(t, s, "/v1.0/users/"+AliceID, nil)
	expect(t, r, 503, "serviceNotAvailable")
	if st := s.Tenant.Stats(); st.Faults != 1 {
		t.Errorf("faults %d", st.Faults)
	}

	d := start(t, Options{DropRate: 1})
	_, err := http.Get(d.URL + "/v1.0/users/" + AliceID)
	if err == nil {
		t.Fatal("a dropped connection gave a response")
	}
	if st := d.Tenant.Stats(); st.Drops != 1 {
		t.Errorf("drops %d", st.Drops)
	}
	// nothing changed on a dropped delete
	d.Tenant.SetFaults(0, 0, 0, 1)
	req, _ := http.NewRequest("DELETE", d.URL+"/v1.0/users/"+AliceID+"/authentication/phoneMethods/"+AlternateMobilePhoneID, nil)
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("dropped delete answered")
	}
	if len(d.Tenant.Methods(AliceID)) != 5 {
		t.Error("a dropped request changed state")
	}

	l := start(t, Options{Latency: 30 * time.Millisecond})
	t0 := time.Now()
	expect(t, get(t, l, "/v1.0/me", nil), 200, "")
	if time.Since(t0) < 30*time.Millisecond {
		t.Error("latency not applied")
	}
}

// TestConcurrentDeletes: many clients deleting at once lose nothing and
// delete nothing twice.
func TestConcurrentDeletes(t *testing.T) {
	s := start(t, Options{Users: 200})
	ids := s.Tenant.UserIDs()
	want := 0
	type job struct{ user, kind, id string }
	var jobs []job
	for _, id := range ids {
		for _, m := range s.Tenant.Methods(id) {
			if m.Kind == KindEmail || m.Kind == KindTAP || m.Kind == KindFIDO2 {
				jobs = append(jobs, job{id, m.Kind, m.ID})
				want++
			}
		}
	}
	var wg sync.WaitGroup
	ch := make(chan job)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				req, _ := http.NewRequest("DELETE", s.URL+"/v1.0/users/"+j.user+"/authentication/"+kindInfo[j.kind].segment+"/"+j.id, nil)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					continue
				}
				resp.Body.Close()
			}
		}()
	}
	for _, j := range jobs {
		ch <- j
		ch <- j // every delete twice: the second must 404
	}
	close(ch)
	wg.Wait()
	st := s.Tenant.Stats()
	if want == 0 || st.Deletes+st.Statuses[400] != want || st.Statuses[404] != want {
		t.Errorf("%d jobs: deletes %d, statuses %v", want, st.Deletes, st.Statuses)
	}
}

// TestStaleLists: with replication lag on, a deleted method still shows in
// the next lists, but deleting it again is a 404 and the state is right.
func TestStaleLists(t *testing.T) {
	s := start(t, Options{StaleLists: 2})
	expect(t, call(t, s, "DELETE", methodsPath(AliceID)+"phoneMethods/"+AlternateMobilePhoneID, nil, nil), 204, "")
	for i, want := range []int{5, 5, 4} {
		if n := len(get(t, s, methodsPath(AliceID)+"methods", nil).values()); n != want {
			t.Errorf("list %d: %d methods, want %d", i, n, want)
		}
	}
	expect(t, call(t, s, "DELETE", methodsPath(AliceID)+"phoneMethods/"+AlternateMobilePhoneID, nil, nil), 404, "itemNotFound")
	if len(s.Tenant.Methods(AliceID)) != 4 {
		t.Error("inspection shows the ghost")
	}
}
