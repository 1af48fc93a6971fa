package graph

import (
	"context"
	"slices"
	"testing"

	"github.com/mfadesk/mfadesk/graph/fake"
)

// A hardware OATH token is listed (through beta: v1.0 does not list it),
// and a reset deletes it instead of reporting "done" while it stays.
func TestHardwareOathSeenAndReset(t *testing.T) {
	srv := startFake(t, fake.Options{})
	srv.Tenant.Update(fake.BobID, func(u *fake.UserData) {
		u.Methods = append(u.Methods, fake.MethodData{Kind: fake.KindHardwareOath, ID: "0b0b0b0b-0000-4000-8000-00000000000b", SerialNumber: "777"})
	})
	c := fakeClient(t, srv, "")
	ctx := context.Background()
	ms, err := c.ListMethods(ctx, fake.BobID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(kinds(ms), KindHardwareOath) {
		t.Fatalf("hardware OATH token not listed: %v", kinds(ms))
	}
	res, err := Reset(ctx, c, fake.BobID, ResetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Complete() {
		t.Fatalf("reset incomplete: %+v", res)
	}
	for _, m := range srv.Tenant.Methods(fake.BobID) {
		if m.Kind != fake.KindPassword {
			t.Fatalf("left after reset: %s", m.Kind)
		}
	}
}

// A method mfadesk cannot delete is reported as left, never as kept, and
// the reset is not complete.
func TestResetReportsWhatIsLeft(t *testing.T) {
	rc := &ruleClient{user: "u", ms: []Method{
		{ID: PasswordMethodID, Kind: KindPassword},
		{ID: "q", Kind: KindQRCodePin, ODataType: ODataPrefix + "qrCodePinAuthenticationMethod"},
		{ID: "a", Kind: KindAuthenticator},
	}}
	res, err := Reset(context.Background(), rc, "u", ResetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Complete() || res.Left != 1 || res.LeftNote() == "" {
		t.Fatalf("a QR code PIN stays, yet: complete=%v left=%d note=%q", res.Complete(), res.Left, res.LeftNote())
	}
}
