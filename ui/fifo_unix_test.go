//go:build unix

package ui

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestPickFIFO: a named pipe chosen as the roster is refused at once with words saying
// what it is and what to choose instead; reading it would have waited, with the Import
// page busy, until something wrote to the pipe.
func TestPickFIFO(t *testing.T) {
	h := started(t)
	h.selectSchool("Lincoln Elementary")
	imp := h.a.imp
	fifo := filepath.Join(t.TempDir(), "roster.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	h.picker.openPath = fifo
	test.Tap(imp.pickBtn)
	h.settle()
	shown := strings.Join(strings.Fields(overlayText(h.win)), " ")
	for _, want := range []string{"is a named pipe (FIFO), not a file", "Save the roster as a .csv, .xlsx or OneRoster .zip file"} {
		if !strings.Contains(shown, want) {
			t.Errorf("choosing a named pipe shows %q, want %q in it", shown, want)
		}
	}
	if imp.file != nil || imp.busy || imp.pickBtn.Disabled() {
		t.Errorf("after the refusal: file %v, busy %v, Choose File disabled %v; want no file and the page ready", imp.file, imp.busy, imp.pickBtn.Disabled())
	}
}
