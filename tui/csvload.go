package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/tui/actions"
	"github.com/mfadesk/mfadesk/tui/internal/draw"
	"github.com/mfadesk/mfadesk/tui/internal/explain"
)

// Loading targets from a CSV (L): the file is read (bounded, checked whole,
// graph.ParseTargets), then every user is looked up with
// graph.ResolveTargets (batched, paced, 429/503 retried) while a dialog
// shows the progress and any throttling wait; esc stops it. Users Graph
// answered 404 for are "not found"; users that still failed (throttled past
// the limit, unavailable) "could not be looked up", with the reason and a
// key to try them again: never "not found".

// csvLookupOptions tune the lookups (tests shorten the waits).
var csvLookupOptions graph.ResolveOptions

type (
	// csvParsedMsg: the file was read and checked (or not).
	csvParsedMsg struct {
		Path     string
		Targets  []graph.Target
		Warnings []string
		Err      error
	}
	// csvProgressMsg: lookups finished so far.
	csvProgressMsg struct {
		ID       int
		Progress graph.ResolveProgress
		ch       <-chan graph.ResolveProgress
	}
	// csvLoadedMsg: every lookup has ended.
	csvLoadedMsg struct {
		ID       int
		Path     string
		Users    []graph.User
		Warnings []string
		NotFound []string
		Failed   []graph.Resolved
		Err      error
		// Cancelled: stopped with esc (nothing is marked).
		Cancelled bool
	}
)

// readCSV reads and checks the file off the UI goroutine.
func (m Model) readCSV(path string) tea.Cmd {
	return func() tea.Msg {
		path = expandHome(path)
		f, err := os.Open(path)
		if err != nil {
			return csvParsedMsg{Path: path, Err: err}
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil && fi.IsDir() {
			return csvParsedMsg{Path: path, Err: fmt.Errorf("%s is a directory, not a CSV file", path)}
		}
		targets, warns, err := graph.ParseTargets(f)
		out := csvParsedMsg{Path: path, Targets: targets, Err: err}
		for _, w := range warns {
			out.Warnings = append(out.Warnings, w.String())
		}
		return out
	}
}

func (m Model) onCSVParsed(msg csvParsedMsg) (tea.Model, tea.Cmd) {
	if msg.Err != nil {
		return m.onCSVLoaded(csvLoadedMsg{Path: msg.Path, Err: msg.Err})
	}
	return m.lookUpCSV(msg.Path, msg.Targets, msg.Warnings)
}

// lookUpCSV looks targets up, showing progress in a dialog.
func (m Model) lookUpCSV(path string, targets []graph.Target, warnings []string) (tea.Model, tea.Cmd) {
	ctx, cancel := context.WithCancel(m.ctx)
	id := m.newID()
	info := &actions.Info{ID: id, Title: "Loading targets", Lines: csvProgressLines(path, graph.ResolveProgress{Total: len(targets)}, m)}
	m.setModal(id, info, answers{progress: path, closed: func(m Model) (tea.Model, tea.Cmd) {
		cancel() // esc stops the lookups; nothing is marked
		return m, m.setFlash("Loading "+filepath.Base(path)+" stopped: nothing was marked.", false)
	}})
	ch := make(chan graph.ResolveProgress, 1)
	c := m.client
	run := func() tea.Msg {
		defer cancel()
		o := csvLookupOptions
		o.OnProgress = func(p graph.ResolveProgress) {
			// Only the latest matters: a slow screen skips updates.
			select {
			case <-ch:
			default:
			}
			select {
			case ch <- p:
			default:
			}
		}
		res := graph.ResolveTargets(ctx, c, targets, o)
		close(ch)
		out := csvLoadedMsg{ID: id, Path: path, Warnings: warnings, Cancelled: ctx.Err() != nil}
		for _, r := range res {
			switch {
			case r.Found():
				out.Users = append(out.Users, r.User)
			case r.NotFound:
				out.NotFound = append(out.NotFound, fmt.Sprintf("line %d: %s", r.Target.Line, r.Target.Value))
			default:
				out.Failed = append(out.Failed, r)
			}
		}
		return out
	}
	return m, tea.Batch(run, listenCSV(id, ch))
}

func listenCSV(id int, ch <-chan graph.ResolveProgress) tea.Cmd {
	return func() tea.Msg {
		p, ok := <-ch
		if !ok {
			return nil
		}
		return csvProgressMsg{ID: id, Progress: p, ch: ch}
	}
}

func (m Model) onCSVProgress(msg csvProgressMsg) (tea.Model, tea.Cmd) {
	if msg.ID != m.modalID {
		return m, listenCSV(msg.ID, msg.ch) // drain; the dialog has gone
	}
	if info, ok := m.modal.(*actions.Info); ok {
		if path := m.then.progress; path != "" {
			info.Lines = csvProgressLines(path, msg.Progress, m)
		}
	}
	return m, listenCSV(msg.ID, msg.ch)
}

func csvProgressLines(path string, p graph.ResolveProgress, m Model) []string {
	lines := []string{fmt.Sprintf("Looking up the users of %s: %d of %d done.", filepath.Base(path), p.Done, p.Total)}
	if p.Total > 0 {
		w := 40
		n := p.Done * w / p.Total
		lines = append(lines, "["+strings.Repeat("█", n)+strings.Repeat("·", w-n)+"]")
	}
	if p.NotFound > 0 {
		lines = append(lines, plural(p.NotFound, "user")+" not found so far.")
	}
	if p.Failed > 0 {
		lines = append(lines, plural(p.Failed, "user")+" could not be looked up so far.")
	}
	if p.Throttled > 0 {
		s := fmt.Sprintf("Graph is throttling (%d× so far): slowing down and retrying", p.Throttled)
		if !p.WaitingUntil.IsZero() {
			s += " at " + p.WaitingUntil.In(m.loc).Format("15:04:05")
		}
		lines = append(lines, s+".")
	}
	return append(lines, "", "Nothing is marked until every user is looked up; esc stops.")
}

func (m Model) onCSVLoaded(msg csvLoadedMsg) (tea.Model, tea.Cmd) {
	if msg.ID != 0 && msg.ID != m.modalID {
		return m, nil // stopped with esc (said so then), or replaced
	}
	if msg.Cancelled {
		m.closeModal()
		return m, m.setFlash("Loading "+filepath.Base(msg.Path)+" stopped: nothing was marked.", false)
	}
	var lines []string
	title := "Targets loaded"
	danger := false
	var retry []graph.Target
	if msg.Err != nil {
		title, danger = "Targets not loaded", true
		lines = append(lines, "Nothing was marked: fix the file and load it again.", "")
		for _, l := range strings.Split(graph.CleanText(strings.ReplaceAll(msg.Err.Error(), "\n", "\x00")), "\x00") {
			lines = append(lines, draw.Wrap(strings.TrimSpace(l), 66)...)
		}
	} else {
		n := m.marks.Add(msg.Users...)
		lines = append(lines, fmt.Sprintf("%s found in %s; %s newly marked (%s in all).",
			plural(len(msg.Users), "user"), filepath.Base(msg.Path), plural(n, "user"), plural(m.marks.Len(), "mark")))
		list := func(items []string) {
			for _, s := range items {
				for i, l := range draw.Wrap(graph.CleanText(s), 64) {
					if i == 0 {
						lines = append(lines, "  "+l)
					} else {
						lines = append(lines, "    "+l)
					}
				}
			}
		}
		if len(msg.NotFound) > 0 {
			danger = true
			lines = append(lines, "", fmt.Sprintf("%s not found in this tenant (not marked):", plural(len(msg.NotFound), "row")))
			list(msg.NotFound)
		}
		if len(msg.Failed) > 0 {
			danger = true
			lines = append(lines, "", fmt.Sprintf("%s could not be looked up (not marked; they may exist):", plural(len(msg.Failed), "row")))
			var items []string
			for _, r := range msg.Failed {
				items = append(items, fmt.Sprintf("line %d: %s: %s", r.Target.Line, r.Target.Value, explain.Short(r.Err)))
				retry = append(retry, r.Target)
			}
			list(items)
			lines = append(lines, "Press r to look them up again.")
		}
		for _, w := range msg.Warnings {
			lines = append(lines, "! "+graph.CleanText(w))
		}
		lines = append(lines, "", "Press b for a bulk action on the marked users.")
	}
	id := m.newID()
	info := &actions.Info{ID: id, Title: title, Lines: lines, Danger: danger}
	var then answers
	if len(retry) > 0 {
		info.Choices = []actions.KeyHelp{{Key: "r", Desc: "retry the lookups"}}
		path := msg.Path
		then.chosen = func(m Model, v string) (tea.Model, tea.Cmd) {
			if v != "r" {
				return m, nil
			}
			return m.lookUpCSV(path, retry, nil)
		}
	}
	m.setModal(id, info, then)
	return m, nil
}
