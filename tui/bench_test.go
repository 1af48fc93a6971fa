package tui

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/report"
)

// benchModel is the console with 10,000 users loaded (and their
// registration rows) and a 5,000-row sign-in table for the first user,
// at 160x45. It is built by the real Update path from a stub client.
func benchModel(b *testing.B) (Model, float64) {
	b.Helper()
	c := newStub(10000)
	c.PageSize = 10000
	base := time.Date(2025, 3, 10, 11, 0, 0, 0, time.UTC)
	var sis []graph.SignIn
	for i := 0; i < 5000; i++ {
		s := graph.SignIn{ID: fmt.Sprint("s", i), CreatedDateTime: base.Add(-time.Duration(i) * time.Minute),
			UserID: "u0", AppDisplayName: "Office 365 Exchange Online", ClientAppUsed: "Browser",
			IPAddress: "203.0.113.7", Location: graph.Location{City: "Dublin", CountryOrRegion: "IE"},
			ConditionalAccessStatus: "notApplied", AuthenticationRequirement: "multiFactorAuthentication",
			AuthDetails: []graph.AuthStep{{Method: "Password", Succeeded: true}, {Method: "Mobile app notification", Succeeded: i%3 != 0}}}
		if i%3 == 0 {
			s.Status = graph.Status{ErrorCode: 500121, FailureReason: "Authentication failed during strong authentication request."}
		}
		sis = append(sis, s)
	}
	c.SignInsM["u0"] = sis

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	t := &testing.T{}
	d := &driver{t: t, late: make(chan tea.Msg, 1024), wait: 2 * time.Second}
	noColor, dark := false, true
	d.m = New(Options{Client: c, Now: func() time.Time { return fixedNow }, Location: time.UTC,
		NoColor: &noColor, Dark: &dark})
	d.m.users.Debounce = time.Millisecond
	d.send(tea.WindowSizeMsg{Width: 160, Height: 45})
	d.exec(d.m.Init(), nil)
	deadline := time.Now().Add(10 * time.Second)
	for (d.m.busy() || d.m.signins.Len() < 5000) && time.Now().Before(deadline) {
		select {
		case msg := <-d.late:
			d.send(msg)
		case <-time.After(10 * time.Millisecond):
		}
	}
	if n := len(d.m.users.Items()); n != 10000 {
		b.Fatalf("%d users loaded", n)
	}
	if n := d.m.signins.Len(); n != 5000 {
		b.Fatalf("%d sign-ins loaded", n)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	mb := float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
	return d.m, mb
}

// BenchmarkUpdateView is one keypress (Update) and one frame (View) with
// 10,000 users and 5,000 sign-ins loaded. Target: under 2 ms per frame.
// heap-MB is the live heap the loaded console holds (target: under 60 MB).
func BenchmarkUpdateView(b *testing.B) {
	m, mb := benchModel(b)
	down, up := keyMsg("down"), keyMsg("up")
	run := func(b *testing.B, m Model) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			k := down
			if i%200 >= 100 {
				k = up
			}
			i++
			nm, _ := m.Update(k)
			m = nm.(Model)
			_ = m.View()
		}
		b.ReportMetric(mb, "heap-MB")
	}
	b.Run("signins", func(b *testing.B) {
		mm := m
		mm.focus = paneSignIns
		run(b, mm)
	})
	b.Run("users", func(b *testing.B) { run(b, m) })
	b.Run("report", func(b *testing.B) {
		mm := m
		mm.view = viewReport
		run(b, mm)
	})
}

// BenchmarkReportLoad50k is the console receiving the registration report
// of 50,000 users in pages of 999 (as Graph sends them), a frame drawn
// after each page, in the report view at 160x45. heap-MB is the live heap
// the loaded console holds (the rows included; target: under 100 MB).
func BenchmarkReportLoad50k(b *testing.B) {
	const n, page = 50000, 999
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	mk := func(i int) graph.Registration {
		return graph.Registration{ID: fmt.Sprintf("%08x-1111-4222-8333-%012d", i*2654435761%(1<<32), i),
			UserPrincipalName: fmt.Sprintf("user.%05d.surname@contoso.onmicrosoft.com", (i*7919)%n),
			UserDisplayName:   fmt.Sprintf("User %05d Surname", (i*7919)%n), UserType: "member",
			IsAdmin: i%50 == 0, IsMfaRegistered: i%3 != 0, IsMfaCapable: i%3 != 0, IsSsprRegistered: i%4 != 0,
			IsSsprEnabled: true, IsSsprCapable: i%4 != 0,
			MethodsRegistered:                             []string{"microsoftAuthenticatorPush", "mobilePhone"},
			SystemPreferredAuthenticationMethods:          []string{"push"},
			UserPreferredMethodForSecondaryAuthentication: "push", LastUpdated: base.Add(time.Duration(i) * time.Minute)}
	}
	var mb float64
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		c := newStub(10)
		noColor, dark := false, true
		m := New(Options{Client: c, Now: func() time.Time { return fixedNow }, Location: time.UTC,
			NoColor: &noColor, Dark: &dark})
		nm, _ := m.Update(tea.WindowSizeMsg{Width: 160, Height: 45})
		m = nm.(Model)
		m.view = viewReport
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		var pages []graph.Page[graph.Registration] // as decoded from the wire
		for i := 0; i < n; i += page {
			p := graph.Page[graph.Registration]{}
			for j := i; j < min(i+page, n); j++ {
				p.Items = append(p.Items, mk(j))
			}
			if i+page < n {
				p.Next = fmt.Sprintf("next-%d", i) // each link new, as Graph's are
			}
			pages = append(pages, p)
		}
		b.StartTimer()
		for _, p := range pages {
			nm, _ := m.Update(report.PageMsg{Page: p})
			m = nm.(Model)
			_ = m.View()
		}
		b.StopTimer()
		pages = nil
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		mb = float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
		if m.report.Shown() != n {
			b.Fatalf("%d rows shown", m.report.Shown())
		}
		runtime.KeepAlive(m)
		b.StartTimer()
	}
	b.ReportMetric(mb, "heap-MB")
}
