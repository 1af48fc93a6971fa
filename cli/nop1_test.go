package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/mfadesk/mfadesk/graph/fake"
)

// Without Entra ID P1 the registration report is refused (usage and
// insights need P1): `report` says why, `show` still shows the methods and
// says what is missing, and actions work.
func TestNoP1Degrades(t *testing.T) {
	srv, err := fake.Start(fake.Options{Data: testTenant(time.Now()), NoP1: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	o := runOpts{endpoint: srv.URL}

	r := runCLI(t, o, "report")
	if r.code == 0 || !strings.Contains(r.stderr, "registration report needs Microsoft Entra ID P1 or P2") {
		t.Errorf("report without P1: %v", r)
	}
	r = runCLI(t, o, "show", "alice@contoso.com")
	if r.code != 0 || !strings.Contains(r.stdout+r.stderr, "needs Microsoft Entra ID P1 or P2") ||
		!strings.Contains(r.stdout+r.stderr, "every action still works") {
		t.Errorf("show without P1: %v", r)
	}
}
