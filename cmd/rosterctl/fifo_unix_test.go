//go:build unix

package main

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestImportFIFO: a named pipe given as the file to import is refused at once (exit 2)
// with words saying what it is and what to give instead. rosterctl used to block on
// opening it, deaf to SIGTERM, until something was written to the pipe.
func TestImportFIFO(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	mustRun(t, db, oakSchool...)
	fifo := filepath.Join(dir, "roster.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	type outcome struct {
		code   int
		stderr string
	}
	done := make(chan outcome, 1)
	go func() {
		code, _, stderr := runInProcess(t, "", "import", "--school", "Oak School", "--db", db, fifo)
		done <- outcome{code, stderr}
	}()
	select {
	case o := <-done:
		if o.code != 2 || !strings.Contains(o.stderr, fifo+" is a named pipe (FIFO), not a file") || !strings.Contains(o.stderr, "import that file instead") {
			t.Errorf("rosterctl import FIFO = %d, %q; want 2 and the pipe named, with what to give instead", o.code, o.stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("rosterctl import FIFO blocked")
	}
}
