//go:build linux

package engine_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core/sqlite/sqlitetest"
)

// envHoldLock names the database TestHelperHoldWriteLock holds the write lock of.
const envHoldLock = "ROSTERDESK_TEST_HOLD_LOCK"

// TestHelperHoldWriteLock is another program, run as a process of its own by the tests
// below: it takes the database's write lock (BEGIN IMMEDIATE and a write, as DB Browser
// for SQLite with unsaved changes), says "held", and lets go once its stdin closes.
func TestHelperHoldWriteLock(t *testing.T) {
	path := os.Getenv(envHoldLock)
	if path == "" {
		t.Skip("the other program of TestWaitNamesTheProgramHoldingTheLock")
	}
	lock := sqlitetest.HoldWriteLock(t, path)
	fmt.Println("held")
	io.Copy(io.Discard, os.Stdin)
	lock.Release()
}

// TestWaitNamesTheProgramHoldingTheLock: where the system tells who holds the lock
// (Linux: /proc/locks), the notice names that program and its process, even while a
// live Rosterdesk process has an upload In Progress (which the uploads alone would have
// blamed).
func TestWaitNamesTheProgramHoldingTheLock(t *testing.T) {
	e := newEnv(t)
	e.liveClaim(t)

	holder := sqlitetest.StartProcess(t, envHoldLock+"="+e.path, "held", "-test.run=^TestHelperHoldWriteLock$")

	rec := newWaitRecorder()
	stop := e.importWaiting(t, rec)
	w := rec.next(t)
	want := fmt.Sprintf("another program, engine.test (process %d on this computer), has it open for writing", holder.PID())
	if msg := w.Message(); w.Owner != "" || w.PID != holder.PID() || !strings.Contains(msg, want) || !strings.Contains(msg, "Close that program") {
		t.Errorf("notice = %+v, %q; want %q", w, msg, want)
	}
	// Once the program lets go, the import waits for the other process's upload
	// instead (TestWaitNamesRosterdeskHolder): stop it there.
	holder.Stop()
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Errorf("Import cancelled while it waits = %v, want context.Canceled", err)
	}
}
