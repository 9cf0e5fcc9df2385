package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core/sqlite/sqlitetest"
)

// TestImportInterruptedBeforeRecorded: Ctrl+C while an import still waits for another
// program's write lock, before its upload is recorded, says that nothing was changed
// and exits 130. It said "An unfinished upload is run again from the start by rosterctl
// resume ... to drop it, rosterctl cancel --upload ID": there was no upload to resume,
// find or cancel.
func TestImportInterruptedBeforeRecorded(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	mustRun(t, db, oakSchool...)
	ctx := context.Background()
	lock := sqlitetest.HoldWriteLock(t, db)
	args := []string{"import", "--school", "Oak School", "--db", db, filepath.Join("..", "..", "testdata", "e2e", "dryrun.csv")}
	stderr := &signalWriter{want: "another program has it open for writing", seen: make(chan struct{})}
	cctx, cancel := context.WithCancel(ctx)
	code := make(chan int, 1)
	go func() {
		var out bytes.Buffer
		code <- run(cctx, args, strings.NewReader(""), &out, stderr)
	}()
	select {
	case <-stderr.seen:
	case <-time.After(time.Minute):
		t.Fatalf("rosterctl import said nothing of the lock: stderr %q", stderr.String())
	}
	cancel() // Ctrl+C
	c := <-code
	lock.Release()
	got := stderr.String()
	if c != exitInterrupted || !strings.Contains(got, "nothing was changed") || strings.Contains(got, "cancel --upload") {
		t.Errorf("import interrupted = %d, %q; want 130 and that nothing was changed", c, got)
	}
	if _, stdout, _ := runInProcess(t, "", "history", "--db", db); !strings.Contains(stdout, "No uploads") {
		t.Errorf("history = %q, want no upload recorded", stdout)
	}
}
