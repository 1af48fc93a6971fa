package graph

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph/fake"
)

func TestE2ETAPPolicy(t *testing.T) {
	ctx := context.Background()
	on := startFake(t, fake.Options{})
	p, err := fakeClient(t, on, "").TAPPolicy(ctx)
	if err != nil || !p.Enabled() || p.DefaultLifetimeInMinutes != 60 || p.MaximumLifetimeInMinutes != 43200 {
		t.Fatalf("policy %+v, %v", p, err)
	}

	off := startFake(t, fake.Options{TAPDisabled: true})
	if p, err := fakeClient(t, off, "").TAPPolicy(ctx); err != nil || p.Enabled() || p.State != "disabled" {
		t.Fatalf("disabled policy %+v, %v", p, err)
	}

	tok := func(scp string, wids ...string) string {
		return makeJWT(map[string]any{"tid": fake.TenantID, "oid": fake.IvanID, "upn": fake.IvanUPN, "scp": scp,
			"wids": wids, "exp": time.Now().Add(time.Hour).Unix()})
	}
	// a Global Reader with the read scope may read it
	if _, err := fakeClient(t, on, tok("Policy.Read.All", fake.RoleGlobalReader)).TAPPolicy(ctx); err != nil {
		t.Fatalf("global reader: %v", err)
	}
	// an Authentication Administrator with method scopes may not, and is told what would do
	_, err = fakeClient(t, on, tok("UserAuthenticationMethod.ReadWrite.All", fake.RoleAuthAdmin)).TAPPolicy(ctx)
	ge, ok := AsError(err)
	if !errors.Is(err, ErrDenied) || !ok || !strings.Contains(ge.Needs, "Policy.Read.AuthenticationMethod") {
		t.Fatalf("authentication administrator: %v", err)
	}
}
