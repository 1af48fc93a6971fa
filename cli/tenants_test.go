package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mfadesk/mfadesk/graph/fake"
)

type switchTo string

func (s switchTo) Error() string       { return "switch to " + string(s) }
func (s switchTo) ProfileName() string { return string(s) }

// The app's tenant picker: the session lists the file's profiles, and a
// switch answered by the app starts it again on the profile chosen, with a
// new client on that profile's tenant, the previous session closed.
func TestAppSwitchesProfile(t *testing.T) {
	var urls []string
	for range 2 {
		srv, err := fake.Start(fake.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(srv.Close)
		urls = append(urls, srv.URL)
	}
	cfgDir := t.TempDir()
	cfg := filepath.Join(cfgDir, "config.yaml")
	content := fmt.Sprintf(`defaultProfile: contoso
profiles:
  contoso:
    tenant: contoso.onmicrosoft.com
    graphEndpoint: %s
  fabrikam:
    tenant: fabrikam.onmicrosoft.com
    graphEndpoint: %s
    readOnly: true
`, urls[0], urls[1])
	if err := os.WriteFile(cfg, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	var sessions []*Session
	r := runApp(t, map[string]string{"MFADESK_HISTORY_FILE": filepath.Join(t.TempDir(), "h.jsonl")},
		func(ctx context.Context, s *Session) error {
			sessions = append(sessions, s)
			if len(sessions) == 1 {
				return switchTo("fabrikam")
			}
			return nil
		}, "--config", cfg)
	if r.code != 0 || len(sessions) != 2 {
		t.Fatalf("%d sessions: %s", len(sessions), r)
	}
	a, b := sessions[0], sessions[1]
	if len(a.Profiles) != 2 || a.Profiles[1].Name != "fabrikam" || a.Profiles[1].Tenant != "fabrikam.onmicrosoft.com" || !a.Profiles[1].ReadOnly {
		t.Fatalf("profiles listed: %+v", a.Profiles)
	}
	if a.Profile != "contoso" || a.Endpoint != urls[0] || a.ReadOnly {
		t.Fatalf("first session %s %s read-only %v", a.Profile, a.Endpoint, a.ReadOnly)
	}
	if b.Profile != "fabrikam" || b.Endpoint != urls[1] || !b.ReadOnly || b.Client == a.Client {
		t.Fatalf("after the switch: %s %s read-only %v", b.Profile, b.Endpoint, b.ReadOnly)
	}
	if _, err := b.Client.Me(context.Background()); err != nil {
		t.Fatalf("the new session's client does not work: %v", err)
	}
}
