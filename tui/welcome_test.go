package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

func welcomeModel(t *testing.T, w, h int) Model {
	t.Helper()
	noColor := true
	m := New(Options{Welcome: true, NoColor: &noColor, Now: func() time.Time { return time.Time{} }, Location: time.UTC})
	if cmd := m.Init(); cmd == nil {
		t.Fatal("Init: want the background colour request")
	}
	nm, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return nm.(Model)
}

// With nothing configured the app explains itself and how to configure,
// and makes no Graph call (its client is nil: any call would panic).
func TestWelcomeScreen(t *testing.T) {
	m := welcomeModel(t, 80, 24)
	// Keys that would search or act elsewhere do nothing here.
	for _, k := range []string{"/", "r", "tab", "v", "?"} {
		nm, cmd := m.Update(keyMsg(k))
		m = nm.(Model)
		if cmd != nil {
			t.Fatalf("key %q started work on the welcome screen", k)
		}
	}
	f := ansi.Strip(m.Render())
	for _, want := range []string{"mfadesk config init", "Sign-in and configuration", "mfadesk --demo", "mfadesk doctor", "q quit"} {
		if !strings.Contains(f, want) {
			t.Errorf("welcome screen lacks %q:\n%s", want, f)
		}
	}
	lines := strings.Split(f, "\n")
	if len(lines) != 24 {
		t.Fatalf("%d lines, want 24", len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != 80 {
			t.Fatalf("line %d is %d wide: %q", i, w, l)
		}
	}
	golden.RequireEqual(t, f)

	_, cmd := m.Update(keyMsg("q"))
	if cmd == nil {
		t.Fatal("q did not quit")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q did not quit")
	}
}

func TestWelcomeSmallTerminals(t *testing.T) {
	for _, sz := range [][2]int{{40, 10}, {60, 16}, {200, 60}} {
		m := welcomeModel(t, sz[0], sz[1])
		lines := strings.Split(ansi.Strip(m.Render()), "\n")
		if len(lines) != sz[1] {
			t.Fatalf("%v: %d lines", sz, len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w != sz[0] {
				t.Fatalf("%v: line %d is %d wide", sz, i, w)
			}
		}
	}
}
