package graph

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph/fake"
)

// The bulk runner against the fake tenant over loopback HTTP: the real
// client, the real transport, the fake's faults.

// bulkTenantData is n users with three deletable methods each: a mobile
// phone, a software OATH token and the Authenticator app, which is the
// default (preferred "push") and comes last in the list, so even a naive
// list-then-delete-in-order script needs no retry. shape "alt" gives every
// third user an alternate mobile too (ordering: alternate before mobile).
func bulkTenantData(n int, shape string) *fake.TenantData {
	td := &fake.TenantData{TenantID: fake.TenantID, DisplayName: "Contoso", Domain: "contoso.com"}
	for i := range n {
		id := fmt.Sprintf("b0000000-0000-4000-8000-%012d", i)
		u := fake.UserData{ID: id, DisplayName: fmt.Sprintf("Bulk User %d", i),
			UserPrincipalName: fmt.Sprintf("bulk%d@contoso.com", i), AccountEnabled: true, UserType: "Member",
			PerUserMFAState: "disabled", PreferredMethod: "push",
			Methods: []fake.MethodData{
				{Kind: fake.KindPassword, ID: fake.PasswordMethodID},
				{Kind: fake.KindPhone, ID: "3179e48a-750b-4051-897c-87b9720928f7", PhoneNumber: fmt.Sprintf("+1 555555%04d", i%10000), PhoneType: "mobile"},
				{Kind: fake.KindSoftwareOath, ID: fmt.Sprintf("0a000000-0000-4000-8000-%012d", i)},
				{Kind: fake.KindAuthenticator, ID: fmt.Sprintf("0b000000-0000-4000-8000-%012d", i), DisplayName: "Pixel 8", PhoneAppVersion: "6.2401.0119"},
			}}
		if shape == "alt" && i%3 == 0 {
			u.Methods = append(u.Methods, fake.MethodData{Kind: fake.KindPhone, ID: "b6332ec1-7057-4abe-9331-3d72feddfe41",
				PhoneNumber: "+1 5555550199", PhoneType: "alternateMobile"})
		}
		td.Users = append(td.Users, u)
	}
	return td
}

// bulkClient is the client a bulk command builds for the fake: no retries
// inside the client (the runner owns them: it sees every 429) and a
// connection pool as wide as the run (plain-http loopback has no HTTP/2 to
// multiplex over one connection, as Graph's TLS endpoint does).
func bulkClient(tb testing.TB, srv *fake.Server) MSGraph {
	tb.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 512
	tr.MaxIdleConnsPerHost = 512
	c, err := NewClient(ClientOptions{Endpoint: srv.URL, MaxRetries: -1, RequestTimeout: 30 * time.Second,
		HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func bulkTargets(td *fake.TenantData) []string {
	out := make([]string, len(td.Users))
	for i, u := range td.Users {
		out[i] = u.ID
	}
	return out
}

// checkAllDeleted checks the tenant's final state and its audit log: every
// user has only the password left and exactly one delete audit event per
// method that was there (none lost, none repeated).
func checkAllDeleted(tb testing.TB, ten *fake.Tenant, td *fake.TenantData) {
	tb.Helper()
	deletes := map[string]int{}
	for _, a := range ten.Audits() {
		if a.OperationType == "Delete" && len(a.Targets) > 0 {
			deletes[a.Targets[0].ID]++
		}
	}
	bad := 0
	for _, u := range td.Users {
		want := len(u.Methods) - 1
		left := ten.Methods(u.ID)
		if len(left) != 1 || deletes[u.ID] != want {
			bad++
			if bad <= 5 {
				tb.Errorf("%s: %d methods left, %d delete audits (want 1 and %d)", u.UserPrincipalName, len(left), deletes[u.ID], want)
			}
		}
	}
	if bad > 0 {
		tb.Errorf("%d of %d users wrong", bad, len(td.Users))
	}
}

func TestBulkFakeFaults(t *testing.T) {
	for _, batch := range []bool{false, true} {
		t.Run(fmt.Sprint("batch=", batch), func(t *testing.T) {
			td := bulkTenantData(60, "alt")
			srv, err := fake.Start(fake.Options{Data: td, Latency: 2 * time.Millisecond,
				ThrottleRate: 0.05, RetryAfter: 50 * time.Millisecond, FaultRate: 0.05, DropRate: 0.05, StaleLists: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			path := filepath.Join(t.TempDir(), "j.jsonl")
			opts := BulkOptions{Journal: path, Batch: batch, Concurrency: 16, MaxAttempts: 8}
			sum, err := RunBulk(context.Background(), bulkClient(t, srv), Operation{Kind: OpReset}, bulkTargets(td), opts)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Counts.Done != 60 {
				data, _ := os.ReadFile(path)
				for _, r := range sum.Results {
					if r.State != StateDone {
						t.Errorf("%+v", r)
						for _, l := range strings.Split(string(data), "\n") {
							if strings.Contains(l, `"user":"`+r.User) {
								t.Log(l)
							}
						}
					}
				}
			}
			checkAllDeleted(t, srv.Tenant, td)
			st := srv.Tenant.Stats()
			if st.Injected429() == 0 || st.Faults == 0 {
				t.Errorf("no faults injected: %+v", st)
			}
			if n := st.Priorities["High"] + st.Priorities[""]; n != 0 {
				t.Errorf("%d requests not marked low priority: %v", n, st.Priorities)
			}
			if batch && st.BatchItems == 0 {
				t.Error("batch mode sent no batch")
			}
			t.Logf("requests %d (batch items %d), 429s %d, 503s %d, drops %d, runner counts %+v",
				st.Total, st.BatchItems, st.Injected429(), st.Faults, st.Drops, sum.Counts)
		})
	}
}

func TestBulkFakeReregisterWithTAP(t *testing.T) {
	for _, batch := range []bool{false, true} {
		t.Run(fmt.Sprint("batch=", batch), func(t *testing.T) {
			td := bulkTenantData(25, "")
			srv, err := fake.Start(fake.Options{Data: td, FaultRate: 0.05, ThrottleRate: 0.05, RetryAfter: 20 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			path := filepath.Join(t.TempDir(), "j.jsonl")
			var values []string
			opts := BulkOptions{Journal: path, Batch: batch, MaxAttempts: 8, OnEvent: func(e Event) {
				if e.TAP != nil {
					values = append(values, e.TAP.Value)
				}
			}}
			op := Operation{Kind: OpReregister, Keep: []MethodKind{}, TAP: &BulkTAP{LifetimeMinutes: 60, IsUsableOnce: true}}
			sum, err := RunBulk(context.Background(), bulkClient(t, srv), op, bulkTargets(td), opts)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(path)
			for _, v := range values {
				if v == "" || strings.Contains(string(data), v) {
					t.Fatalf("TAP value %q empty or journaled", v)
				}
			}
			issued := 0
			for _, r := range sum.Results {
				switch {
				case r.State == StateDone && r.TAPIssued && r.SessionsRevoked:
					issued++
				case r.State == StateFailed && strings.Contains(r.Why, "never shown"):
					// a 503 after the pass was made: reported, not re-issued
				default:
					t.Errorf("%+v", r)
				}
			}
			if issued != len(values) {
				t.Errorf("%d passes issued, %d shown", issued, len(values))
			}
			st := srv.Tenant.Stats()
			if st.TAPsCreated > 25 || st.Revokes < 25 {
				t.Errorf("TAPs %d revokes %d", st.TAPsCreated, st.Revokes)
			}
			for _, u := range td.Users {
				ms := srv.Tenant.Methods(u.ID)
				if len(ms) != 2 || ms[1].Kind != fake.KindTAP {
					t.Errorf("%s: %+v", u.UserPrincipalName, ms)
				}
			}
		})
	}
}

// TestBulkFakeResume kills a run against the fake three times and resumes
// it; the final tenant equals an uninterrupted run's.
func TestBulkFakeResume(t *testing.T) {
	for _, batch := range []bool{false, true} {
		t.Run(fmt.Sprint("batch=", batch), func(t *testing.T) {
			td := bulkTenantData(80, "alt")
			srv, err := fake.Start(fake.Options{Data: td, Latency: 5 * time.Millisecond, ThrottleRate: 0.03, RetryAfter: 20 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			c := bulkClient(t, srv)
			path := filepath.Join(t.TempDir(), "j.jsonl")
			opts := BulkOptions{Journal: path, Batch: batch, Concurrency: 8, Endpoint: srv.URL}
			// Kill the run three times at different points (each a cancel
			// mid-flight, requests in the air), resume after each.
			kills := 0
			run := func(resume bool) error {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				finished := 0
				limit := 7 + kills*5
				o := opts
				o.OnEvent = func(e Event) {
					if e.Kind == EventDone {
						finished++
						if kills < 3 && finished == limit {
							cancel()
						}
					}
				}
				var err error
				if resume {
					_, err = ResumeBulk(ctx, c, path, o)
				} else {
					_, err = RunBulk(ctx, c, Operation{Kind: OpReset}, bulkTargets(td), o)
				}
				if err != nil {
					kills++
				}
				return err
			}
			err = run(false)
			for err != nil && kills <= 3 {
				err = run(true)
			}
			if err != nil {
				t.Fatal(err)
			}
			if kills != 3 {
				t.Errorf("killed %d times", kills)
			}
			st, err := ReadJournal(path)
			if err != nil {
				t.Fatal(err)
			}
			if st.Resumes < 3 || len(st.Pending()) != 0 {
				t.Errorf("resumes %d pending %d", st.Resumes, len(st.Pending()))
			}
			checkAllDeleted(t, srv.Tenant, td)
		})
	}
}

// TestBulkFakeSameUserTwice: one user named twice (by id and by UPN, by
// UPNs or ids in different case) is worked on once; the other target ends
// skipped naming the first. With a pass per user, two passes would lock
// the user out of the first one.
func TestBulkFakeSameUserTwice(t *testing.T) {
	for _, batch := range []bool{false, true} {
		t.Run(fmt.Sprint("batch=", batch), func(t *testing.T) {
			td := bulkTenantData(4, "")
			srv, err := fake.Start(fake.Options{Data: td})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			u := td.Users
			targets := []string{u[0].ID, u[0].UserPrincipalName,
				strings.ToUpper(u[1].UserPrincipalName), u[1].UserPrincipalName,
				u[2].ID, strings.ToUpper(u[2].ID),
				u[3].UserPrincipalName}
			op := Operation{Kind: OpReregister, Keep: []MethodKind{}, TAP: &BulkTAP{LifetimeMinutes: 60}}
			sum, err := RunBulk(context.Background(), bulkClient(t, srv), op, targets, BulkOptions{Batch: batch, Concurrency: 8})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Counts.Done != 4 || sum.Counts.Skipped != 3 || len(sum.Results) != 7 {
				t.Fatalf("counts %+v, %d results", sum.Counts, len(sum.Results))
			}
			byID := map[string][]UserResult{}
			for _, r := range sum.Results {
				byID[strings.ToLower(r.UserID)] = append(byID[strings.ToLower(r.UserID)], r)
			}
			for i, ud := range u {
				rs := byID[ud.ID]
				want := 2
				if i == 3 {
					want = 1
				}
				if len(rs) != want {
					t.Fatalf("%s: %d results %+v", ud.UserPrincipalName, len(rs), rs)
				}
				if want == 2 {
					done, skip := rs[0], rs[1]
					if done.State != StateDone {
						done, skip = skip, done
					}
					if done.State != StateDone || skip.State != StateSkipped ||
						skip.Why != fmt.Sprintf("same user as %q (target %d)", done.User, slices.Index(targets, done.User)+1) {
						t.Errorf("%s: %+v / %+v", ud.UserPrincipalName, done, skip)
					}
				}
			}
			st := srv.Tenant.Stats()
			if st.TAPsCreated != 4 || st.Revokes != 4 {
				t.Errorf("TAPs %d revokes %d, want 4 each", st.TAPsCreated, st.Revokes)
			}
			for _, ud := range u {
				if ms := srv.Tenant.Methods(ud.ID); len(ms) != 2 || ms[1].Kind != fake.KindTAP {
					t.Errorf("%s: %+v", ud.UserPrincipalName, ms)
				}
			}
		})
	}
}

// TestBulkFakeClientRetried429s: in plain mode a client that retries 429s
// itself (the CLI's and TUI's clients do) still tells the runner's pacer
// of every one, through the context's throttle observer, and none is
// counted twice (a 429 the client gives up on reaches the runner as an
// error too). Revoke is one request per user: a reset's list also reads the
// sign-in preferences beside the methods, and when the methods answer 429
// first that read is cancelled, so the fake may count a 429 the client
// never saw.
func TestBulkFakeClientRetried429s(t *testing.T) {
	for _, retries := range []int{-1, 3} {
		t.Run(fmt.Sprint("retries=", retries), func(t *testing.T) {
			td := bulkTenantData(40, "")
			srv, err := fake.Start(fake.Options{Data: td, ThrottleRate: 0.3, RetryAfter: 5 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			c, _ := testClient(t, srv.URL, func(o *ClientOptions) { o.MaxRetries = retries })
			p := NewPacer(0)
			var events int
			opts := BulkOptions{Pacer: p, Concurrency: 4, MaxAttempts: 8, OnEvent: func(e Event) {
				if e.Kind == EventThrottled {
					events++
				}
			}}
			opts.sleep = func(context.Context, time.Duration) error { return nil }
			sum, err := RunBulk(context.Background(), c, Operation{Kind: OpRevoke}, bulkTargets(td), opts)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Counts.Done != 40 {
				t.Errorf("counts %+v", sum.Counts)
			}
			n := srv.Tenant.Stats().Injected429()
			if n == 0 {
				t.Fatal("the fake throttled nothing")
			}
			if sum.Counts.Throttled != n || p.Throttles() != n || events != n {
				t.Errorf("fake sent %d 429s; runner counted %d, pacer %d, events %d", n, sum.Counts.Throttled, p.Throttles(), events)
			}
		})
	}
}
