package msgraph

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
)

func fakeForReset(t *testing.T) *fake.Server {
	t.Helper()
	srv, err := fake.Start(fake.Options{Users: 5})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func resetOf(c *MSGraph, ctx context.Context, user string, pw graph.Secret) (graph.PasswordReset, error) {
	res, err := c.Apply(ctx, graph.ResetPassword{UserID: user, NewPassword: pw})
	return res.Password, err
}

// Through msgraph-sdk-go over HTTP: the POST, then the operation followed
// with Graph's Retry-After (the 202's first) until it succeeds.
func TestResetPasswordFollowsTheOperation(t *testing.T) {
	srv := fakeForReset(t)
	srv.Tenant.SetPasswordResetProgress(2, 3*time.Second)
	c, w := testClient(t, srv.URL)
	pw := graph.NewTemporaryPassword()
	r, err := resetOf(c, context.Background(), fake.BobID, pw)
	if err != nil || !r.Confirmed || r.Password != pw || r.Status != "succeeded" {
		t.Fatalf("reset: %+v, %v", r, err)
	}
	if got := w.all(); !slices.Equal(got, []time.Duration{3 * time.Second, 3 * time.Second, 3 * time.Second}) {
		t.Errorf("waits %v, want Retry-After each time", got)
	}
	if held, _ := srv.Tenant.Password(fake.BobID); held != pw.Reveal() {
		t.Errorf("tenant holds %q", held)
	}
	st := srv.Tenant.Stats().Requests
	if st["POST /users/{id}/authentication/methods/{id}/resetPassword"] != 1 || st["GET /users/{id}/authentication/operations/{id}"] != 3 {
		t.Errorf("requests %v", st)
	}

	// Without Retry-After: the first poll at once, then 1s, 2s, ...
	srv.Tenant.SetPasswordResetProgress(2, 0)
	c, w = testClient(t, srv.URL)
	if r, err := resetOf(c, context.Background(), fake.AliceID, graph.NewTemporaryPassword()); err != nil || !r.Confirmed {
		t.Fatalf("reset: %+v, %v", r, err)
	}
	if got := w.all(); !slices.Equal(got, []time.Duration{time.Second, 2 * time.Second}) {
		t.Errorf("waits %v", got)
	}

	// Left to Graph (a cloud-only user): its password comes back.
	srv.Tenant.SetPasswordResetProgress(0, 0)
	r, err = resetOf(c, context.Background(), fake.DaveID, "")
	if held, _ := srv.Tenant.Password(fake.DaveID); err != nil || !r.Confirmed || held == "" || r.Password.Reveal() != held {
		t.Fatalf("generated: %+v (tenant %q), %v", r, held, err)
	}
}

// The wait is bounded: past PasswordResetWait the reset is reported as
// accepted and the password returned (it may be the user's already), not
// an error. A cancelled context ends it at once.
func TestResetPasswordWaitIsBounded(t *testing.T) {
	srv := fakeForReset(t)
	srv.Tenant.SetPasswordResetProgress(100, 3*time.Second)
	c, w := testClient(t, srv.URL, func(o *ClientOptions) { o.PasswordResetWait = 10 * time.Second })
	pw := graph.NewTemporaryPassword()
	r, err := resetOf(c, context.Background(), fake.BobID, pw)
	if err != nil || r.Confirmed || r.Password != pw || !strings.Contains(r.Status, "still running after 9s") {
		t.Fatalf("reset: %+v, %v", r, err)
	}
	if len(w.all()) != 3 {
		t.Errorf("waits %v", w.all())
	}

	ctx, cancel := context.WithCancel(context.Background())
	c, _ = testClient(t, srv.URL)
	c.sleep = func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	if _, err := resetOf(c, ctx, fake.AliceID, graph.NewTemporaryPassword()); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

// A failed operation is an error that names Graph's reason; a refused
// POST is classified with what would allow it; a password Graph would
// refuse is refused before anything is sent; and the password never
// appears in an error.
func TestResetPasswordFailures(t *testing.T) {
	srv := fakeForReset(t)
	srv.Tenant.FailNextPasswordReset("The password could not be written back to on-premises Active Directory.")
	c, _ := testClient(t, srv.URL)
	pw := graph.NewTemporaryPassword()
	_, err := resetOf(c, context.Background(), fake.BobID, pw)
	if !errors.Is(err, graph.ErrBadRequest) || !strings.Contains(err.Error(), "written back") || !strings.Contains(err.Error(), "not changed") {
		t.Fatalf("failed operation: %v", err)
	}
	if strings.Contains(err.Error(), pw.Reveal()) {
		t.Fatal("the password is in the error")
	}
	srv.Tenant.ResetStats()
	if _, err := resetOf(c, context.Background(), fake.BobID, "short"); !errors.Is(err, graph.ErrBadRequest) || srv.Tenant.Stats().Total != 0 {
		t.Fatalf("weak password: %v, %d requests", err, srv.Tenant.Stats().Total)
	}
	// A Helpdesk Administrator on a Global Administrator: Graph's 403.
	tok := makeJWT(map[string]any{"tid": fake.TenantID, "oid": fake.LiamID, "upn": fake.LiamUPN,
		"scp": "User.Read.All UserAuthenticationMethod.ReadWrite.All", "wids": []string{graph.RoleHelpdeskAdmin},
		"exp": time.Now().Add(time.Hour).Unix()})
	hc, _ := testClient(t, srv.URL, func(o *ClientOptions) { o.Credential = &staticCred{Token: tok} })
	_, err = resetOf(hc, context.Background(), fake.CarolID, graph.NewTemporaryPassword())
	ge, _ := graph.AsError(err)
	if !errors.Is(err, graph.ErrDenied) || ge.Code != "accessDenied" || !strings.Contains(ge.Needs, "Helpdesk Administrator") ||
		!strings.Contains(ge.Needs, "Who can reset passwords") {
		t.Fatalf("helpdesk on an admin: %v", err)
	}
}

// A Location on another host is never followed (the token goes only to
// the endpoint): the reset is reported accepted, unconfirmed.
func TestResetPasswordLocationElsewhere(t *testing.T) {
	cs := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "https://graph.example.net/v1.0/users/x/authentication/operations/1")
		w.WriteHeader(http.StatusAccepted)
	})
	c, _ := testClient(t, cs.URL)
	r, err := resetOf(c, context.Background(), bobID, graph.NewTemporaryPassword())
	if err != nil || r.Confirmed || !strings.Contains(r.Status, "graph.example.net") || cs.count() != 1 {
		t.Fatalf("%+v, %v, %d requests", r, err, cs.count())
	}
	body := cs.requests()[0].Body
	if !strings.Contains(body, `"newPassword":"`+r.Password.Reveal()+`"`) {
		t.Errorf("body %s", body)
	}
}
