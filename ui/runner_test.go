package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// The runner as the status line tells it: which upload the engine runs again after a
// quit or a crash, and why an upload waits for another process's.

// TestResumedIsTheEnginesWord: the window says an upload was resumed when the engine
// marks it so, and only then: one the engine took over after the window had opened is
// named resumed; one merely queued is not.
func TestResumedIsTheEnginesWord(t *testing.T) {
	eng := seeded()
	eng.uploads = []core.Upload{
		{ID: 1, FileName: "taken-over.csv", SchoolID: 1, Status: core.StatusQueued, Resumed: true},
		{ID: 2, FileName: "fresh.csv", SchoolID: 1, Status: core.StatusQueued},
	}
	var seen []string
	running, release := eng.blockRuns()
	h := newHarness(t, eng)
	h.open()
	h.submitSignIn("pat", patPassword)
	h.runUntilClosed("the first runs", running)
	h.runUntil("the marker is read", func() bool { return h.a.status != nil && strings.Contains(h.a.status.Text, "(resumed") })
	seen = append(seen, h.a.status.Text)
	if !strings.HasPrefix(seen[0], "taken-over.csv (resumed") {
		t.Errorf("status line = %q", seen[0])
	}
	close(release)
	h.settle()
	if got := h.a.status.Text; !strings.HasPrefix(got, "fresh.csv: Completed with Errors") {
		t.Errorf("after both ran the status line says %q, want fresh.csv without resumed", got)
	}
}

// TestWaitNoticesReachTheStatusLine: while the engine waits for another process's
// upload it says so (Options.OnWait, from its own goroutine); the status line shows the
// notice, and says when the wait has ended with nothing left to run.
func TestWaitNoticesReachTheStatusLine(t *testing.T) {
	eng := seeded()
	w := engine.Wait{Host: "office-2", PID: 4242}
	noticed, done := make(chan struct{}), make(chan struct{})
	h := newHarness(t, eng)
	eng.waitFn = func(ctx context.Context) error {
		select {
		case <-noticed:
			return nil
		default:
		}
		h.a.ShowWait(w) // from the engine's goroutine, as OnWait is called
		close(noticed)
		select {
		case <-done:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	h.open()
	h.submitSignIn("pat", patPassword)
	h.runUntil("the notice shows", func() bool { return h.a.status != nil && h.a.status.Text == w.Message() })
	if !strings.Contains(h.a.status.Text, "office-2 (process 4242)") {
		t.Errorf("status line = %q", h.a.status.Text)
	}
	close(done)
	h.settle()
	if got := h.a.status.Text; !strings.Contains(got, "has ended") {
		t.Errorf("after the wait the status line says %q", got)
	}
}
