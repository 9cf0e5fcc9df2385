//go:build unix

package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// specialFiles makes a pipe and, where the test may (as root), a private copy of
// /dev/null (device 1,3), so that a broken Open cannot harm the real one.
func specialFiles(dir string) map[string]string {
	out := map[string]string{}
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err == nil {
		out["Pipe"] = fifo
	}
	null := filepath.Join(dir, "null")
	if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, 1<<8|3); err == nil {
		os.Chmod(null, 0o666)
		out["Device"] = null
	}
	return out
}

// TestOpenKeepsLocks: opening a database a second time in the same process must not
// open and close its file behind SQLite's back, which drops every POSIX lock the
// process holds on it (the first connection's among them).
func TestOpenKeepsLocks(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/locks")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "r.db")
	db := mustOpenPath(t, path)
	// A read transaction left open holds a shared lock on the database file.
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schools`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	before := locksOn(t, path)
	if before == 0 {
		t.Fatal("no lock on the database to watch")
	}
	for _, open := range []func(context.Context, string) (*DB, error){Open, OpenReadOnly} {
		again, err := open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		again.Close()
		if after := locksOn(t, path); after < before {
			t.Errorf("after opening the database again, this process holds %d locks on it, want %d", after, before)
		}
	}
}

// locksOn counts the locks this process holds on path's file (in /proc/locks).
func locksOn(t *testing.T, path string) int {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("/proc/locks")
	if err != nil {
		t.Skip(err)
	}
	n := 0
	me := " " + strconv.Itoa(os.Getpid()) + " "
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if strings.Contains(line, me) && len(f) >= 6 && strings.HasSuffix(f[5], ":"+strconv.FormatUint(uint64(st.Ino), 10)) {
			n++
		}
	}
	return n
}
