package tui

import (
	"encoding/csv"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/actions"
	"github.com/mfadesk/mfadesk/tui/signins"
	"github.com/mfadesk/mfadesk/tui/users"
)

func signinsErr(err error) tea.Msg { return signins.LoadedMsg{Err: err} }

func TestStartShowsFirstUserAndDetail(t *testing.T) {
	c := newStub(30)
	d := newDriver(t, c, nil)
	d.mustSee("User 0000")
	d.mustSee("Contoso")
	d.mustSee("harry@contoso.com · Privileged Authentication Administrator")
	if n := c.CountCalls("ListMethods(u0)"); n != 1 {
		t.Fatalf("ListMethods(u0) called %d times, want 1", n)
	}
	if n := c.CountCalls("SignIns(u0)"); n != 1 {
		t.Fatalf("SignIns(u0) called %d times, want 1", n)
	}
	d.mustSee("Authenticator")
	d.mustSee("50074")
}

func TestNavigationMovesSelectionAndLoadsDetailOnce(t *testing.T) {
	c := newStub(30)
	d := newDriver(t, c, nil)
	d.key("down", "down")
	d.settle()
	if u, _ := d.m.users.Selected(); u.ID != "u2" {
		t.Fatalf("selected %s, want u2", u.ID)
	}
	if d.m.methods.User() == nil || d.m.methods.User().ID != "u2" {
		t.Fatal("methods pane does not show u2")
	}
	d.key("up")
	d.settle()
	if u, _ := d.m.users.Selected(); u.ID != "u1" {
		t.Fatalf("selected %s, want u1", u.ID)
	}
	// Focus cycles through the three panes and back.
	if d.m.focus != paneUsers {
		t.Fatal("users pane not focused at start")
	}
	d.key("tab")
	if d.m.focus != paneMethods {
		t.Fatal("tab did not focus methods")
	}
	d.key("tab")
	if d.m.focus != paneSignIns {
		t.Fatal("tab did not focus sign-ins")
	}
	d.key("tab")
	if d.m.focus != paneUsers {
		t.Fatal("tab did not wrap to users")
	}
	d.key("shift+tab")
	if d.m.focus != paneSignIns {
		t.Fatal("shift+tab did not go back to sign-ins")
	}
}

func TestDetailWaitsForTheCursorToRest(t *testing.T) {
	old := detailDebounce
	detailDebounce = 50 * time.Millisecond
	defer func() { detailDebounce = old }()
	c := newStub(30)
	d := newDriver(t, c, nil)
	d.wait = 5 * time.Millisecond // ticks arrive late, like real time
	for i := 0; i < 8; i++ {
		d.key("down")
	}
	d.settleUntil(func() bool { return c.CountCalls("SignIns(u8)") > 0 })
	// Only the user the cursor rested on is fetched: scrolling past
	// users spends nothing of the reports budget.
	for i := 1; i < 8; i++ {
		if n := c.CountCalls("SignIns(u" + string(rune('0'+i)) + ")"); n != 0 {
			t.Fatalf("sign-ins of u%d fetched while scrolling past", i)
		}
	}
	if n := c.CountCalls("SignIns(u8)"); n != 1 {
		t.Fatalf("sign-ins of u8 fetched %d times, want 1", n)
	}
}

func TestSearchDebouncesAndDropsStaleAnswers(t *testing.T) {
	c := newStub(300)
	d := newDriver(t, c, nil)
	d.m.users.Debounce = 40 * time.Millisecond
	d.wait = 5 * time.Millisecond
	d.key("/")
	if !d.m.users.Searching() {
		t.Fatal("/ did not focus the search box")
	}
	before := c.CountCalls("SearchUsers")
	d.typeText("user01")
	d.settle()
	if n := c.CountCalls("SearchUsers") - before; n != 1 {
		t.Fatalf("%d searches for one burst of typing, want 1: %v", n, c.Calls())
	}
	if q := d.m.users.Query(); q != "user01" {
		t.Fatalf("results answer %q, want user01", q)
	}
	d.mustSee("User 0100")

	// An answer to an older query is dropped.
	u := d.m.users
	stale := users.ResultsMsg{Seq: -1, Query: "zzz", Page: graph.Page[graph.User]{Items: []graph.User{{ID: "x", DisplayName: "Stale"}}}}
	d.send(stale)
	if d.m.users.Query() != u.Query() || len(d.m.users.Items()) != len(u.Items()) {
		t.Fatal("a stale answer replaced the results")
	}
	d.mustNotSee("Stale")
	d.key("esc")
	if d.m.users.Searching() {
		t.Fatal("esc did not leave the search box")
	}
}

func TestPagingOnScroll(t *testing.T) {
	c := newStub(120)
	d := newDriver(t, c, nil)
	if n := len(d.m.users.Items()); n != 50 {
		t.Fatalf("first page has %d users, want 50", n)
	}
	for i := 0; i < 45; i++ {
		d.key("down")
	}
	d.settle()
	if n := len(d.m.users.Items()); n != 100 {
		t.Fatalf("after scrolling %d users loaded, want 100", n)
	}
	if n := c.CountCalls("NextUsers"); n != 1 {
		t.Fatalf("NextUsers called %d times, want 1", n)
	}
}

func TestMarksSurviveSearchesAndClear(t *testing.T) {
	c := newStub(30)
	d := newDriver(t, c, nil)
	d.key("space", "space")
	if d.m.marks.Len() != 2 {
		t.Fatalf("%d marked, want 2", d.m.marks.Len())
	}
	d.mustSee("2 marked")
	d.key("/")
	d.typeText("User 0020")
	d.settle()
	d.key("enter")
	if len(d.m.users.Items()) != 1 {
		t.Fatalf("search found %d users", len(d.m.users.Items()))
	}
	if d.m.marks.Len() != 2 {
		t.Fatal("marks lost by a new search")
	}
	d.key("A")
	if d.m.marks.Len() != 3 {
		t.Fatalf("A: %d marked, want 3", d.m.marks.Len())
	}
	d.key("C")
	if d.m.marks.Len() != 0 {
		t.Fatal("C did not clear the marks")
	}
}

func TestResetConfirmFlow(t *testing.T) {
	c := newStub(5)
	d := newDriver(t, c, nil)
	d.key("r")
	conf, ok := d.m.modal.(*actions.Confirm)
	if !ok {
		t.Fatalf("r did not open a confirmation:\n%s", d.screen())
	}
	// The dialog lists the exact target and operations.
	d.mustSee("User 0000 <user0000@contoso.com>")
	d.mustSee("delete Phone")
	d.mustSee("delete Authenticator")
	d.mustSee("Password")
	// Enter and y never confirm; ctrl+y before the dialog is armed does
	// nothing.
	d.key("enter", "y", "ctrl+y")
	if n := c.CountCalls("DeleteMethod"); n != 0 {
		t.Fatalf("a delete ran before the dialog was armed")
	}
	if conf.Armed() {
		t.Fatal("armed at once")
	}
	d.armNow()
	// A key repeat (held key) is not a confirmation.
	d.send(tea.KeyPressMsg{Code: 'y', Mod: tea.ModCtrl, IsRepeat: true})
	if n := c.CountCalls("DeleteMethod"); n != 0 {
		t.Fatalf("a held key confirmed")
	}
	// Armed, y is still typing: it says what confirms.
	d.key("y")
	d.mustSee("ctrl+y confirms; typing never does")
	if n := c.CountCalls("DeleteMethod"); n != 0 {
		t.Fatalf("y confirmed")
	}
	d.key("ctrl+y")
	d.settle()
	if n := c.CountCalls("DeleteMethod"); n != 2 {
		t.Fatalf("%d deletes, want 2: %v", n, c.Calls())
	}
	// Phone (not default) before the default Authenticator.
	calls := strings.Join(c.Calls(), " ")
	if strings.Index(calls, "DeleteMethod(u0,u0-phone)") > strings.Index(calls, "DeleteMethod(u0,u0-auth)") {
		t.Fatalf("default method deleted first: %s", calls)
	}
	d.mustSee("Reset MFA: done")
	d.mustSee("deleted Phone")
	d.mustSee("issue a TAP")
	// The methods pane refreshed: only the password is left.
	if ms := d.m.methods.Methods(); len(ms) != 1 || ms[0].Kind != graph.KindPassword {
		t.Fatalf("methods after reset: %+v", ms)
	}
	d.key("esc")
	if d.m.modal != nil {
		t.Fatal("esc did not close the result")
	}
}

func TestConfirmCancel(t *testing.T) {
	c := newStub(5)
	d := newDriver(t, c, nil)
	d.key("o")
	d.armNow()
	d.key("esc")
	if d.m.modal != nil {
		t.Fatal("esc did not cancel")
	}
	d.key("ctrl+y")
	d.settle()
	if n := c.CountCalls("RevokeSessions"); n != 0 {
		t.Fatalf("revoked after cancel")
	}
}

func TestDoublePressNeverRunsTwice(t *testing.T) {
	c := newStub(5)
	gate := make(chan struct{})
	c.Gate["RevokeSessions"] = gate
	d := newDriver(t, c, nil)
	d.wait = 20 * time.Millisecond
	d.key("o")
	d.armNow()
	d.key("ctrl+y", "ctrl+y", "ctrl+y")
	// While in flight the same action is refused, not opened again.
	d.key("o")
	if d.m.modal != nil {
		t.Fatalf("a second revoke dialog opened while one runs:\n%s", d.screen())
	}
	d.mustSee("already running")
	close(gate)
	d.settle()
	if n := c.CountCalls("RevokeSessions"); n != 1 {
		t.Fatalf("RevokeSessions called %d times, want 1", n)
	}
	d.mustSee("sessions revoked")
	// Once done it can be asked for again.
	d.key("o")
	if _, ok := d.m.modal.(*actions.Confirm); !ok {
		t.Fatal("revoke not offered again after it finished")
	}
}

func TestReadOnlyDisablesWritesWithReason(t *testing.T) {
	c := newStub(5)
	d := newDriver(t, c, func(o *Options) { o.ReadOnly = true })
	d.mustSee("READ-ONLY")
	d.mustSee("⊘ read-only mode")
	for _, k := range []string{"r", "e", "o", "t", "m"} {
		d.key(k)
		if d.m.modal != nil {
			t.Fatalf("%s opened a dialog in read-only mode", k)
		}
	}
	d.mustSee("unavailable: read-only mode")
	// Reads still work.
	d.key("a")
	if _, ok := d.m.modal.(*actions.AuditView); !ok {
		t.Fatal("audit trail not available in read-only mode")
	}
	d.key("esc")
	// Bulk actions are offered disabled, with the reason.
	d.key("space", "b")
	d.mustSee("Reset MFA — read-only mode")
	d.key("r")
	d.settle()
	if _, ok := d.m.modal.(*actions.Confirm); ok {
		t.Fatal("a disabled bulk action opened a confirmation")
	}
	if n := c.CountCalls("DeleteMethod") + c.CountCalls("RevokeSessions") + c.CountCalls("SetPerUserMFA"); n != 0 {
		t.Fatal("a write was sent in read-only mode")
	}
}

func TestProtectedUserRefusedWithReason(t *testing.T) {
	c := newStub(5)
	d := newDriver(t, c, func(o *Options) {
		o.Protected = []string{"USER0000@contoso.com"}
		o.ProtectedWhy = "break-glass account"
	})
	d.mustSee("⊘ break-glass account")
	d.key("r")
	if d.m.modal != nil {
		t.Fatal("reset offered for a protected user")
	}
	d.mustSee("Reset MFA unavailable: break-glass account")
	// In bulk it is listed as skipped, not silently dropped.
	d.key("space", "space", "b", "o")
	d.mustSee("Skipped (1)")
	d.mustSee("user0000@contoso.com>: break-glass account")
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	if c.CountCalls("RevokeSessions(u0)") != 0 || c.CountCalls("RevokeSessions(u1)") != 1 {
		t.Fatalf("calls: %v", c.Calls())
	}
}

func TestAdminTargetNeedsPrivilegedRole(t *testing.T) {
	c := newStub(5) // u0 is an admin in the stub's report
	c.Op.DirectoryRoles = []string{"Authentication Administrator"}
	d := newDriver(t, c, nil)
	d.key("r")
	if d.m.modal != nil {
		t.Fatal("reset of an admin offered to an Authentication Administrator")
	}
	d.mustSee("Privileged Authentication Administrator")
}

func TestBulkFlowStreamsAndRetriesFailures(t *testing.T) {
	c := newStub(8)
	c.Op.DirectoryRoles = []string{"Privileged Authentication Administrator"}
	c.Fail["ListMethods"] = "u2"
	d := newDriver(t, c, nil)
	d.key("space", "space", "space") // u0 u1 u2
	d.key("b")
	d.mustSee("Bulk action on 3 marked users")
	d.key("r")
	d.mustSee("Targets (3)")
	d.mustSee("For each user, in this order")
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	b := d.m.bulk
	if b == nil || b.Running() {
		t.Fatalf("bulk run missing or still running:\n%s", d.screen())
	}
	total, finished, done, failed, _ := b.Counts()
	if total != 3 || finished != 3 || done != 2 || failed != 1 {
		t.Fatalf("counts total=%d finished=%d done=%d failed=%d", total, finished, done, failed)
	}
	d.mustSee("Bulk: Reset MFA")
	d.mustSee("100%")
	d.mustSee("✗ 1 failed")
	d.mustSee("req-u2")
	d.mustSee("r retry 1 failed")

	// r retries just the failure, after a confirmation of its own (a
	// retry changes the tenant again): r and y alone run nothing.
	delete(c.Fail, "ListMethods")
	before := c.CountCalls("ListMethods(u0)")
	calls := len(c.Calls())
	d.key("r")
	d.mustSee("Retry Reset MFA: 1 user failed")
	d.key("y", "enter")
	d.settle()
	if len(c.Calls()) != calls {
		t.Fatalf("retry ran before its confirmation: %v", c.Calls()[calls:])
	}
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	_, finished, done, failed, _ = d.m.bulk.Counts()
	if finished != 3 || done != 3 || failed != 0 {
		t.Fatalf("after retry finished=%d done=%d failed=%d", finished, done, failed)
	}
	if c.CountCalls("ListMethods(u0)") != before {
		t.Fatal("retry touched a user that had succeeded")
	}

}

func TestBulkReportExport(t *testing.T) {
	c := newStub(4)
	d := newDriver(t, c, nil)
	d.key("down", "space", "space", "b", "o")
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	dir := t.TempDir()
	path := filepath.Join(dir, "report.csv")
	d.key("w")
	for range 80 {
		d.key("backspace")
	}
	d.typeText(path)
	d.key("enter")
	d.settle()
	d.mustSee("Report written to")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "userPrincipalName" || rows[1][4] != "done" {
		t.Fatalf("report rows: %v", rows)
	}
	// JSON when the name says so.
	d.key("w")
	for range 80 {
		d.key("backspace")
	}
	d.typeText(filepath.Join(dir, "report.json"))
	d.key("enter")
	d.settle()
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil || !strings.Contains(string(data), `"status": "done"`) {
		t.Fatalf("json report: %v %s", err, data)
	}
}

func TestBulkAboveThresholdNeedsTypedConfirmation(t *testing.T) {
	c := newStub(6)
	c.Op.DirectoryRoles = []string{"Privileged Authentication Administrator"}
	d := newDriver(t, c, func(o *Options) { o.BulkConfirmThreshold = 2 })
	d.key("A", "b", "o")
	d.mustSee(`Type "revoke 6"`)
	d.armNow()
	d.key("y", "ctrl+y")
	d.settle()
	if c.CountCalls("RevokeSessions") != 0 {
		t.Fatal("y or ctrl+y confirmed a run that needs a typed phrase")
	}
	d.key("backspace")
	d.send(tea.PasteMsg{Content: "revoke 6"})
	d.mustSee("Pasting is not accepted")
	d.key("enter")
	d.settle()
	if c.CountCalls("RevokeSessions") != 0 {
		t.Fatal("a pasted phrase confirmed")
	}
	d.typeText("revoke 5")
	d.key("enter")
	if c.CountCalls("RevokeSessions") != 0 {
		t.Fatal("a wrong phrase confirmed")
	}
	for range 8 {
		d.key("backspace")
	}
	d.typeText("revoke 6")
	d.key("enter")
	d.settle()
	if c.CountCalls("RevokeSessions") != 0 {
		t.Fatal("the typed phrase confirmed by itself (it only enables ctrl+y)")
	}
	d.mustSee("ctrl+y runs it")
	d.key("ctrl+y")
	d.settle()
	if n := c.CountCalls("RevokeSessions"); n != 6 {
		t.Fatalf("revoked %d, want 6", n)
	}
}

func TestTAPShownOnceAndCopyable(t *testing.T) {
	c := newStub(3)
	d := newDriver(t, c, nil)
	d.key("down", "t")
	d.settle()
	// The default follows the tenant's TAP policy (as the CLI's does).
	d.mustSee("valid for the TAP policy")
	d.key("right")
	d.mustSee("valid 4h")
	d.key("o")
	d.mustSee("valid 4h, usable once")
	d.key("o")
	d.mustSee("valid 4h, usable many times")
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	d.mustSee("T a p + u 1 ! x 9")
	d.mustSee("Expires")
	// c copies through OSC 52 (a SetClipboard command).
	nm, cmd := d.m.Update(keyMsg("c"))
	d.m = nm.(Model)
	if cmd == nil {
		t.Fatal("c gave no clipboard command")
	}
	d.mustSee("Copied")
	// esc keeps the pass (issue 10.6); ctrl+d twice closes it.
	d.key("esc")
	d.mustSee("T a p + u 1 ! x 9")
	d.key("ctrl+d", "ctrl+d")
	d.mustNotSee("T a p")
	if strings.Contains(d.m.Render(), "Tap+u1") {
		t.Fatal("the TAP value is still drawn after closing")
	}
}

func TestSignInDetailShowsHint(t *testing.T) {
	c := newStub(3)
	d := newDriver(t, c, nil)
	d.key("enter") // users -> sign-ins
	if d.m.focus != paneSignIns {
		t.Fatal("enter on a user did not focus the sign-ins")
	}
	d.key("enter")
	d.mustSee("Sign-in: Office 365")
	d.mustSee("What 50074 means")
	d.mustSee("What to do")
	d.key("esc")
	// f shows failures only.
	d.key("f")
	if d.m.signins.Len() != 1 {
		t.Fatalf("failures only shows %d rows, want 1", d.m.signins.Len())
	}
	d.mustSee("failures only")
	d.key("f")
	if d.m.signins.Len() != 2 {
		t.Fatal("f did not toggle back")
	}
}

func TestReportViewFiltersMarksAndOpens(t *testing.T) {
	c := newStub(30)
	d := newDriver(t, c, nil)
	d.key("v")
	d.mustSee("Registration report")
	d.mustSee("Not MFA registered 10")
	d.key("1")
	if n := len(d.m.report.Visible()); n != 10 {
		t.Fatalf("filter 1 shows %d rows, want 10", n)
	}
	d.key("space", "space")
	if d.m.marks.Len() != 2 {
		t.Fatal("marking from the report did not feed the marks")
	}
	d.key("3") // admins without MFA
	if n := len(d.m.report.Visible()); n != 1 {
		t.Fatalf("admins without MFA: %d rows, want 1", n)
	}
	d.key("s")
	d.key("S")
	d.key("enter")
	d.settle()
	if d.m.view != viewMain {
		t.Fatal("enter did not open the user")
	}
	if len(d.m.users.Items()) != 1 {
		t.Fatalf("open user shows %d results", len(d.m.users.Items()))
	}
}

func TestLoadTargetsFromCSV(t *testing.T) {
	c := newStub(10)
	d := newDriver(t, c, nil)
	dir := t.TempDir()
	path := filepath.Join(dir, "t.csv")
	os.WriteFile(path, []byte("\ufeffUserPrincipalName\r\nuser0003@contoso.com\r\nuser0004@contoso.com\r\nnobody@contoso.com\r\n"), 0o600)
	d.key("L")
	d.typeText(path)
	d.key("enter")
	d.settle()
	d.mustSee("2 users found")
	d.mustSee("1 row not found")
	if d.m.marks.Len() != 2 {
		t.Fatalf("%d marked, want 2", d.m.marks.Len())
	}
	d.key("esc")
	// A file with a bad row marks nothing.
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("UserPrincipalName\nuser0005@contoso.com\nnot an upn\n"), 0o600)
	d.key("L")
	d.typeText(bad)
	d.key("enter")
	d.settle()
	d.mustSee("Targets not loaded")
	d.mustSee("line 3")
	if d.m.marks.Len() != 2 {
		t.Fatal("a bad file marked users")
	}
}

func TestPerUserMFAFlow(t *testing.T) {
	c := newStub(3)
	// Per-user MFA is the Authentication Policy Administrator's: the
	// authentication administrators "Manage per-user MFA: No".
	c.Op.DirectoryRoles = []string{"Authentication Policy Administrator"}
	d := newDriver(t, c, nil)
	d.key("down", "m")
	d.mustSee("disabled (current)")
	d.key("3")
	d.mustSee("set per-user MFA from disabled to enforced")
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	if c.MFA["u1"] != graph.PerUserMFAEnforced {
		t.Fatalf("state %q", c.MFA["u1"])
	}
	d.mustSee("per-user enforced")
}

func TestAuditTrailShowsReset(t *testing.T) {
	c := newStub(3)
	d := newDriver(t, c, nil)
	d.key("down", "r")
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	d.key("esc", "a")
	d.settle()
	d.mustSee("Audit trail: User 0001")
	d.mustSee("Admin deleted security info")
	d.mustSee("harry@contoso.com")
}

func TestNotifyAfterReset(t *testing.T) {
	c := newStub(3)
	d := newDriver(t, c, nil)
	d.key("down", "r")
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	d.key("n")
	d.mustSee("Notify by mail")
	d.mustSee("send this mail to user0001@contoso.com")
	d.armNow()
	d.key("ctrl+y")
	d.settle()
	if len(c.Mails) != 1 || !strings.Contains(c.Mails[0].Body, "User 0001") {
		t.Fatalf("mails: %+v", c.Mails)
	}
}

func TestDeleteMethodNeedsMethodsPane(t *testing.T) {
	c := newStub(3)
	c.Op.DirectoryRoles = []string{"Privileged Authentication Administrator"}
	d := newDriver(t, c, nil)
	d.key("d")
	if d.m.modal != nil {
		t.Fatal("d outside the methods pane opened a dialog")
	}
	d.key("tab") // methods: default Authenticator first
	d.key("d")
	if d.m.modal != nil {
		t.Fatal("the default method was offered for deletion while others remain (Graph refuses it)")
	}
	d.mustSee("default method")
	d.key("down", "down") // the mobile phone
	d.key("d")
	d.mustSee("delete Phone")
	d.key("esc")
	d.key("up") // Password: not deletable
	d.key("d")
	if d.m.modal != nil {
		t.Fatal("the password was offered for deletion")
	}
	d.mustSee("cannot be deleted")
}

func TestQuitAsksTwiceDuringBulk(t *testing.T) {
	c := newStub(3)
	gate := make(chan struct{})
	c.Gate["RevokeSessions"] = gate
	d := newDriver(t, c, nil)
	d.wait = 20 * time.Millisecond
	d.key("down", "space", "b", "o")
	d.armNow()
	d.key("ctrl+y", "esc") // hide the run; it keeps going
	d.mustSee("bulk 0/1")
	nm, cmd := d.m.Update(keyMsg("q"))
	d.m = nm.(Model)
	if isQuit(cmd) {
		t.Fatal("q quit at once during a bulk run")
	}
	d.mustSee("press q again")
	_, cmd = d.m.Update(keyMsg("q"))
	if !isQuit(cmd) {
		t.Fatal("second q did not quit")
	}
	close(gate)
}

// isQuit runs cmd (briefly: a flash's timer never answers in time) and
// reports whether it quits, directly or inside a batch.
func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case msg := <-ch:
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				if isQuit(c) {
					return true
				}
			}
			return false
		}
		_, ok := msg.(tea.QuitMsg)
		return ok
	case <-time.After(100 * time.Millisecond):
		return false
	}
}

// Every frame is exactly the terminal's size, whatever the size and state.
func TestFramesFitEverySize(t *testing.T) {
	c := newStub(40)
	c.Users[3].DisplayName = "Ｗｉｄｅ　名前 ﬁ e\u0301\u0301 \x1b]52;c;ZXZpbA==\x07Mallory\x1b[2J"
	c.Users[4].DisplayName = "Prepend\u0601"
	c.Users[5].UserPrincipalName = "\u202eevil\u202c@contoso.com"
	d := newDriver(t, c, nil)
	check := func(label string) {
		t.Helper()
		out := d.m.Render()
		if strings.Contains(out, "\x1b]") || strings.Contains(out, "\x1b[2J") {
			t.Fatalf("%s: a hostile escape sequence reached the screen", label)
		}
		lines := strings.Split(out, "\n")
		if len(lines) != d.m.h {
			t.Fatalf("%s: %d lines, want %d", label, len(lines), d.m.h)
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w != d.m.w {
				t.Fatalf("%s: line %d is %d wide, want %d:\n%q", label, i, w, d.m.w, ansi.Strip(l))
			}
		}
	}
	sizes := [][2]int{{80, 24}, {140, 40}, {160, 45}, {63, 20}, {40, 10}, {200, 60}, {81, 25}}
	for _, s := range sizes {
		d.send(tea.WindowSizeMsg{Width: s[0], Height: s[1]})
		check("main")
		d.key("down", "down", "down") // the hostile user
		d.settle()
		check("hostile")
		d.key("?")
		check("help")
		d.key("esc", "tab", "tab", "enter")
		check("detail")
		d.key("esc", "tab", "v")
		check("report")
		d.key("v", "r")
		check("confirm")
		d.key("esc", "up", "up", "up")
	}
	// A light terminal gets the light palette; frames still fit.
	d.send(tea.BackgroundColorMsg{Color: color.White})
	if d.m.theme.Dark {
		t.Fatal("a white background kept the dark palette")
	}
	d.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	check("light")
	d.send(tea.WindowSizeMsg{Width: 30, Height: 8})
	if !strings.Contains(d.m.Render(), "needs at least") {
		t.Fatal("tiny terminal not explained")
	}
}

func TestReportHeaderClickSorts(t *testing.T) {
	c := newStub(30)
	d := newDriver(t, c, nil)
	d.key("v")
	hdr, line := -1, ""
	for i, l := range strings.Split(d.screen(), "\n") {
		if strings.Contains(l, "User principal name") {
			hdr, line = i, l
		}
	}
	x := strings.Index(line, "Methods")
	if hdr < 0 || x < 0 {
		t.Fatalf("no header:\n%s", d.screen())
	}
	d.send(tea.MouseClickMsg{X: ansi.StringWidth(line[:x]) + 1, Y: hdr, Button: tea.MouseLeft})
	if !strings.Contains(d.screen(), "Methods▲") {
		t.Fatalf("click did not sort by Methods:\n%s", d.screen())
	}
}

func TestMouseClickFocusesAndSelects(t *testing.T) {
	c := newStub(20)
	d := newDriver(t, c, nil)
	// Row 4 of the screen: status line, border, search box, then users.
	d.send(tea.MouseClickMsg{X: 5, Y: 5, Button: tea.MouseLeft})
	d.settle()
	if u, _ := d.m.users.Selected(); u.ID != "u2" {
		t.Fatalf("click selected %s, want u2", u.ID)
	}
	r := d.m.rects[paneSignIns]
	d.send(tea.MouseClickMsg{X: r.x + 3, Y: r.y + 2, Button: tea.MouseLeft})
	if d.m.focus != paneSignIns {
		t.Fatal("click did not focus the sign-ins")
	}
	d.send(tea.MouseWheelMsg{X: 5, Y: 6, Button: tea.MouseWheelDown})
	d.settle()
	if u, _ := d.m.users.Selected(); u.ID != "u5" {
		t.Fatalf("wheel moved to %s, want u5", u.ID)
	}
}

func TestThrottleIndicator(t *testing.T) {
	c := newStub(3)
	sig := NewThrottleSignal()
	d := newDriver(t, c, func(o *Options) { o.Throttle = sig })
	d.mustNotSee("throttled")
	sig.Notify(2 * time.Second)
	d.settle()
	d.mustSee("⚠ throttled")
	d.send(throttleOverMsg{seq: d.m.throttleSeq})
	d.mustNotSee("throttled")
	// A throttled answer lights it too.
	c.Fail["SignIns"] = ""
	d.send(signinsErr(&graph.Error{Kind: graph.ErrThrottled, RetryAfter: time.Second}))
	d.mustSee("⚠ throttled")
}
