package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core/engine"
	"github.com/rosterdesk/rosterdesk/core/sqlite/sqlitetest"
	"github.com/rosterdesk/rosterdesk/ui"
)

// TestOpenWaitShowsTheWindow: opening a database that needs an upgrade while another
// program holds its write lock (DB Browser for SQLite with unsaved changes) hands run
// the first notice before the open ends, so that the window shows at once with the
// opening screen instead of not at all; later notices reach that screen, and the open
// ends once the lock is let go. The window used to stay away, in silence, meanwhile:
// its notices went nowhere until the window existed.
func TestOpenWaitShowsTheWindow(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "r.db")
	svc, err := engine.Open(ctx, path, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Init(ctx, "Test District"); err != nil {
		t.Fatal(err)
	}
	svc.Close()
	// An older Rosterdesk's database: its last migration (which can run again) not run.
	sqlitetest.ForgetLastMigration(t, path)
	lock := sqlitetest.HoldWriteLock(t, path)

	op := startOpen(ctx, path, engine.Options{BusyNoticeAfter: time.Millisecond})
	defer op.cancel()
	var first engine.Wait
	select {
	case first = <-op.waiting:
	case r := <-op.done:
		t.Fatalf("the open ended (%v) while the lock was held", r.err)
	case <-time.After(time.Minute):
		t.Fatal("no notice that the open waits")
	}
	if msg := first.Message(); !strings.Contains(msg, "another program has it open for writing") {
		t.Errorf("first notice %q, want another program named", msg)
	}

	test.NewTempApp(t)
	screen := ui.NewOpening(path, first)
	w := test.NewTempWindow(t, screen.Content())
	op.opening.Store(screen)
	lock.Release()
	r := <-op.done
	if r.err != nil {
		t.Fatalf("the open once the lock is let go = %v", r.err)
	}
	defer r.svc.Close()
	var said strings.Builder
	for _, obj := range test.LaidOutObjects(w.Canvas().Content()) {
		if l, ok := obj.(*widget.Label); ok && l.Visible() {
			said.WriteString(l.Text + " ")
		}
	}
	if got := said.String(); !strings.Contains(got, "The database is free again") {
		t.Errorf("once the lock is let go the opening screen says %q, want the database free again", got)
	}
}
