package graph

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph/fake"
)

func TestE2EManager(t *testing.T) {
	ctx := context.Background()
	srv := startFake(t, fake.Options{})
	c := fakeClient(t, srv, "")

	m, err := c.Manager(ctx, fake.AliceID)
	if err != nil || m.ID != fake.CarolID || m.Mail != fake.CarolUPN || m.DisplayName != "Carol Martinez" {
		t.Fatalf("Alice's manager: %+v, %v", m, err)
	}
	// by UPN, and through the guard (a read: no guard needed)
	m, ok, err := ReadManager(ctx, Guard(c, GuardOptions{ReadOnly: true}), fake.AliceUPN)
	if !ok || err != nil || m.ID != fake.CarolID {
		t.Fatalf("through the guard: %+v %v %v", m, ok, err)
	}
	// no manager: ErrNotFound, said plainly
	_, err = c.Manager(ctx, fake.BobID)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "no manager") {
		t.Fatalf("Bob has no manager: %v", err)
	}
	// a bad key is refused before any request
	if _, err := c.Manager(ctx, "not a user/../x"); !errors.Is(err, ErrBadRequest) {
		t.Fatalf("bad key: %v", err)
	}
	// denied without a users read permission
	tok := makeJWT(map[string]any{"tid": fake.TenantID, "oid": fake.IvanID, "upn": fake.IvanUPN,
		"scp": "UserAuthenticationMethod.ReadWrite.All", "wids": []string{fake.RoleAuthAdmin}, "exp": time.Now().Add(time.Hour).Unix()})
	if _, err := fakeClient(t, srv, tok).Manager(ctx, fake.AliceID); !errors.Is(err, ErrDenied) {
		t.Fatalf("no User.Read.All: %v", err)
	}
}

// noManagers is a client that cannot read managers (a test double).
type noManagers struct{ Client }

func (noManagers) Manager(ctx context.Context, id string) (User, error) {
	return NoOptionalReads{}.Manager(ctx, id)
}

func TestReadManagerWithoutReader(t *testing.T) {
	if _, ok, err := ReadManager(context.Background(), noManagers{}, "x"); ok || err != nil {
		t.Fatalf("ok %v err %v", ok, err)
	}
}
