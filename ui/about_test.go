package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk"
	"github.com/rosterdesk/rosterdesk/assets"
)

// aboutEngine adds what the About box reads to the fake engine.
type aboutEngine struct {
	*fakeEngine
	path   string
	schema int
}

func (e aboutEngine) DBPath() string                             { return e.path }
func (e aboutEngine) SchemaVersion(context.Context) (int, error) { return e.schema, nil }

// TestAboutVersion opens Profile → About and finds FyneApp.toml's version (the one
// rosterctl --version prints, see its TestVersion), the database's path and schema
// version, and the licence notices.
func TestAboutVersion(t *testing.T) {
	h := started(t)
	h.a.eng = aboutEngine{fakeEngine: h.eng, path: "/office/Rosterdesk/rosterdesk.db", schema: 3}
	top := h.a.top
	top.onProfileMenu()
	menuItem(t, top.menu, "About Rosterdesk").Action()
	h.settle()
	if top.dialog == nil {
		t.Fatal("About did not open a dialog")
	}
	text := overlayText(h.win)
	for _, want := range []string{
		"Version " + rosterdesk.Version() + " (build",
		"/office/Rosterdesk/rosterdesk.db",
		"Schema version", "3",
		rosterdesk.App().Copyright,
		"Rosterdesk is built with the Go programming language",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("About box lacks %q; it shows:\n%s", want, text)
		}
	}
	test.Tap(overlayButton(t, h.win, "Copy"))
	if got := h.app.Clipboard().Content(); got != "/office/Rosterdesk/rosterdesk.db" {
		t.Errorf("Copy put %q on the clipboard, want the database path", got)
	}
}

func TestAboutNotices(t *testing.T) {
	b := newAboutBox("", "unknown", nil)
	if b.notices.Length() != strings.Count(strings.TrimRight(assets.Notices, "\n"), "\n")+1 {
		t.Errorf("the notices list has %d lines, want every line of assets.Notices", b.notices.Length())
	}
	if b.copyBtn.Visible() {
		t.Errorf("Copy is offered with no clipboard and no path")
	}
	for _, mod := range []string{"fyne.io/fyne/v2 ", "modernc.org/sqlite ", "github.com/xuri/excelize/v2 "} {
		if !strings.Contains(assets.Notices, "\n"+mod) {
			t.Errorf("the notices lack %s", mod)
		}
	}
}

// overlayButton finds the button labelled text in what is shown over the window.
func overlayButton(t *testing.T, w fyne.Window, text string) *widget.Button {
	t.Helper()
	for _, o := range w.Canvas().Overlays().List() {
		for _, obj := range test.LaidOutObjects(o) {
			if b, ok := obj.(*widget.Button); ok && b.Text == text {
				return b
			}
		}
	}
	t.Fatalf("no %q button is shown", text)
	return nil
}
