package ui

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestSaveIsPrivate: a saved file holds children's names, so it is readable by its owner
// only, even when it replaces a file everyone could read.
func TestSaveIsPrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no Unix permission bits")
	}
	h := started(t)
	path := filepath.Join(h.picker.dir, "Import_Users_Rosters_Template.csv")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	test.Tap(h.a.imp.templateCSV)
	h.settle()
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 || readFile(t, path) == "old" {
		t.Errorf("saved template: %v, %v; want a new file, -rw-------", fi.Mode().Perm(), err)
	}
}

// TestSaveErrorNamesTheFile: when the chosen file cannot be written, the message names
// it, never the hidden temporary file it was written through, and says what is wrong.
func TestSaveErrorNamesTheFile(t *testing.T) {
	h := started(t)
	// The chosen name is a folder: the rename at the end fails.
	name := "Import_Users_Rosters_Template.csv"
	if err := os.Mkdir(filepath.Join(h.picker.dir, name), 0o700); err != nil {
		t.Fatal(err)
	}
	test.Tap(h.a.imp.templateCSV)
	h.settle()
	got := overlayText(h.win)
	if !strings.Contains(got, name) || strings.Contains(got, ".rosterdesk-") || strings.Contains(got, "."+name+".") {
		t.Errorf("the error dialog says %q; want it to name %s and not its temporary file", got, name)
	}
	if !strings.Contains(got, "folder") {
		t.Errorf("the error dialog says %q; want it to say the name is a folder", got)
	}
}
