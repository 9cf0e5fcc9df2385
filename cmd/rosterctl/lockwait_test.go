package main

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
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
	other, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range []string{"BEGIN IMMEDIATE", "INSERT INTO schools(name) SELECT 'zz' WHERE 0"} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	stderr := &signalWriter{want: "another program has it open for writing", seen: make(chan struct{})}
	code := make(chan int, 1)
	go func() {
		var out bytes.Buffer
		code <- run(ctx, []string{"import", "--school", "Oak School", "--db", db, filepath.Join("..", "..", "testdata", "e2e", "dryrun.csv")}, strings.NewReader(""), &out, stderr)
	}()
	select {
	case <-stderr.seen:
	case <-time.After(time.Minute):
		buf := make([]byte, 1<<20)
		t.Logf("%s", buf[:runtime.Stack(buf, true)])
		t.Fatalf("rosterctl import said nothing of the lock: stderr %q", stderr.String())
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if c := <-code; c > 3 {
		t.Errorf("rosterctl import once the lock was let go = %d, want it to run: %s", c, stderr.String())
	}
	got := stderr.String()
	t.Logf("stderr:\n%s", got)
	for _, want := range []string{"rosterctl: The database is busy: another program has it open for writing", "Close that program", "The database is free again"} {
		if !strings.Contains(got, want) {
			t.Errorf("stderr %q, want %q in it", got, want)
		}
	}
}
