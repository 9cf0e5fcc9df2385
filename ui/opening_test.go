package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core/engine"
)

// TestOpeningScreen: the screen the window shows while its database's upgrade waits for
// the write lock says what is happening and the engine's notice (who holds the lock and
// what to do), then that the lock is free again; an open that fails is said in plain
// words, with nothing left of the notice.
func TestOpeningScreen(t *testing.T) {
	test.NewTempApp(t)
	o := NewOpening("/home/office/rosterdesk.db", engine.Wait{Locked: true, Waited: 3 * time.Second})
	w := test.NewTempWindow(t, o.Content())
	// What the screen says: its fixed words, and the note and message while shown.
	text := func() string {
		var b strings.Builder
		for _, obj := range test.LaidOutObjects(w.Canvas().Content()) {
			if l, ok := obj.(*widget.Label); ok && l.Visible() {
				b.WriteString(l.Text + "\n")
			}
		}
		return strings.Join(strings.Fields(b.String()), " ")
	}
	for _, want := range []string{"Opening the database", "up to date", "/home/office/rosterdesk.db", "another program has it open for writing", "Close that program"} {
		if got := text(); !strings.Contains(got, want) {
			t.Errorf("opening screen says %q, want %q", got, want)
		}
	}
	o.ShowWait(engine.Wait{Owner: "elsewhere/1/x"}) // an upload's wait: not the open's
	if got := text(); !strings.Contains(got, "another program has it open for writing") {
		t.Errorf("after an upload's notice the screen says %q, want the lock's notice kept", got)
	}
	o.ShowWait(engine.Wait{Locked: true, Freed: true})
	if got := text(); !strings.Contains(got, "free again") || strings.Contains(got, "another program") {
		t.Errorf("once the lock is free the screen says %q", got)
	}
	o.ShowError("The database stayed busy for too long.")
	if got := text(); !strings.Contains(got, "could not open its database. The database stayed busy for too long.") || strings.Contains(got, "free again") {
		t.Errorf("after a failed open the screen says %q", got)
	}
}
