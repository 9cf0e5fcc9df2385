package ui

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
	"github.com/rosterdesk/rosterdesk/core/sqlite/sqlitetest"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
)

// busyHarness is a window over a real engine, not signed in, that hears the engine's
// wait notices at once (BusyNoticeAfter), as cmd/rosterdesk wires them; path is the
// database's.
func busyHarness(t *testing.T) (h *harness, svc *engine.Service, path string) {
	path = realEngine(t).DBPath()
	var app atomic.Pointer[App]
	svc, err := engine.Open(context.Background(), path, engine.Options{Now: func() time.Time { return realNow }, BusyNoticeAfter: time.Millisecond,
		OnWait: func(w engine.Wait) {
			if a := app.Load(); a != nil {
				a.ShowWait(w)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	h = realHarness(t, svc)
	app.Store(h.a)
	return h, svc, path
}

// TestBusyDatabaseReachesTheStatusLine (real engine): while another program holds the
// database's write lock (DB Browser for SQLite with unsaved changes), an upload the
// window queues says in the status line that the database is busy because another
// program has it open for writing, and to close it; once the lock is let go the upload
// runs. The window used to show nothing: the notices reached it only while its runner
// ran, and queueing the upload is what waited.
func TestBusyDatabaseReachesTheStatusLine(t *testing.T) {
	ctx := context.Background()
	h, svc, path := busyHarness(t)
	h.signInAs("oadmin", "Riverside2026")
	h.settle()

	lock := sqlitetest.HoldWriteLock(t, path)
	h.a.imp.file = &chosenFile{name: "more.csv", data: []byte("User ID,Role,First Name,Last Name,Grade Level\r\nS9,Student,Zoe,King,3\r\n")}
	h.a.imp.updateButtons()
	test.Tap(h.a.imp.uploadBtn)
	h.runUntil("the status line says the database is busy", func() bool {
		return h.a.status != nil && strings.Contains(h.a.status.Text, "another program has it open for writing")
	})
	if got := h.a.status.Text; !strings.Contains(got, "Close that program") || strings.Contains(got, "Rosterdesk window") {
		t.Errorf("status line = %q, want another program named and to close it", got)
	}
	lock.Release()
	h.settle()
	if got := h.a.status.Text; !strings.HasPrefix(got, "more.csv: Completed") {
		t.Errorf("once the lock is let go the status line says %q, want more.csv Completed", got)
	}
	ups, err := svc.History(ctx, h.a.actor(), engine.HistoryFilter{})
	if err != nil || len(ups) == 0 || ups[0].FileName != "more.csv" || ups[0].Status != core.StatusCompleted {
		t.Errorf("history = %+v, %v; want more.csv Completed", ups, err)
	}
}

// TestBusyDatabaseAtSignIn (real engine): signing in writes too (the sign-in is
// recorded), and the sign-in screen has no status line, so while another program holds
// the write lock the screen itself says why "Signing in…" does not end. It used to say
// nothing until the program let go.
func TestBusyDatabaseAtSignIn(t *testing.T) {
	h, _, path := busyHarness(t)

	lock := sqlitetest.HoldWriteLock(t, path)
	// As submitSignIn, without waiting for the engine's answer, which waits for the lock.
	h.a.signIn.username.SetText("oadmin")
	h.a.signIn.password.SetText("Riverside2026")
	h.a.signIn.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.runUntil("the sign-in screen says the database is busy", func() bool {
		return h.a.lockNote.Visible() && strings.Contains(h.a.lockNote.Text, "another program has it open for writing")
	})
	if h.a.shown != h.a.signIn.content || !holds(h.a.signIn.content, h.a.lockNote) {
		t.Errorf("the busy notice is not on the sign-in screen")
	}
	lock.Release()
	h.runUntil("signed in once the lock is let go", h.a.mainShown)
	h.settle()
	if h.a.lockNote.Visible() {
		t.Errorf("the busy notice %q still stands after the lock was let go", h.a.lockNote.Text)
	}
}

// holds reports whether o is within the tree of c.
func holds(c, o fyne.CanvasObject) bool {
	if c == o {
		return true
	}
	switch v := c.(type) {
	case *container.Scroll:
		return holds(v.Content, o)
	case *fyne.Container:
		for _, child := range v.Objects {
			if holds(child, o) {
				return true
			}
		}
	}
	return false
}
