package main

import (
	"bytes"
	"context"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core/sqlite/sqlitetest"
)

// signalWriter is a stderr that tells a channel, once, when what was written contains
// want.
type signalWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
	once sync.Once
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return n, err
}

func (w *signalWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestImportSaysAnotherProgramHoldsTheLock: while another program holds the database's
// write lock (DB Browser for SQLite with unsaved changes), rosterctl import says on
// stderr within seconds that the database is busy because another program has it open
// for writing, and to close it; it goes on waiting and imports once the lock is let
// go. It used to print nothing for minutes.
func TestImportSaysAnotherProgramHoldsTheLock(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	mustRun(t, db, oakSchool...)
	saysLockHeld(t, db, "import", "--school", "Oak School", "--db", db, filepath.Join("..", "..", "testdata", "e2e", "dryrun.csv"))
}

// TestUpgradeSaysAnotherProgramHoldsTheLock: a database made by an older Rosterdesk is
// upgraded when a command opens it, which needs the write lock. While another program
// holds it, rosterctl says so as it does for an import, and that it is free again; it
// used to wait in silence, before the notices were set up.
func TestUpgradeSaysAnotherProgramHoldsTheLock(t *testing.T) {
	for _, cmd := range [][]string{{"school", "add", "Elm School"}, {"school", "list"}} {
		t.Run(cmd[len(cmd)-1], func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "r.db")
			mustRun(t, db, oakSchool...)
			sqlitetest.ForgetLastMigration(t, db)
			saysLockHeld(t, db, append(cmd, "--db", db)...)
		})
	}
}

// saysLockHeld runs rosterctl with args while another program (DB Browser for SQLite
// with unsaved changes) holds the write lock of the database at db, and requires it to
// say so on stderr, to run once the lock is let go, and to say the database is free.
func saysLockHeld(t *testing.T, db string, args ...string) {
	t.Helper()
	ctx := context.Background()
	lock := sqlitetest.HoldWriteLock(t, db)
	stderr := &signalWriter{want: "another program has it open for writing", seen: make(chan struct{})}
	code := make(chan int, 1)
	go func() {
		var out bytes.Buffer
		code <- run(ctx, args, strings.NewReader(""), &out, stderr)
	}()
	select {
	case <-stderr.seen:
	case <-time.After(time.Minute):
		buf := make([]byte, 1<<20)
		t.Logf("%s", buf[:runtime.Stack(buf, true)])
		t.Fatalf("rosterctl %s said nothing of the lock: stderr %q", args[0], stderr.String())
	}
	lock.Release()
	if c := <-code; c > 3 {
		t.Errorf("rosterctl %q once the lock was let go = %d, want it to run: %s", args, c, stderr.String())
	}
	got := stderr.String()
	t.Logf("stderr:\n%s", got)
	for _, want := range []string{"rosterctl: The database is busy: another program has it open for writing", "Close that program", "The database is free again"} {
		if !strings.Contains(got, want) {
			t.Errorf("stderr %q, want %q in it", got, want)
		}
	}
}
