//go:build unix

package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/rosterdesk/rosterdesk/core/engine"
	"github.com/rosterdesk/rosterdesk/core/sqlite/sqlitetest"
)

// TestBackupRefusesDatabaseInUse: rosterctl backup -o naming another database that a
// program has open (another organization's Rosterdesk window, an import running on it)
// is refused, and that database is left as it was. The backup was renamed over it: the
// running import still said Completed, but its rows went into the replaced file, the
// database then held the other organization's copy, and the next start paired that copy
// with the old -wal file.
func TestBackupRefusesDatabaseInUse(t *testing.T) {
	dir := t.TempDir()
	db, other := filepath.Join(dir, "r.db"), filepath.Join(dir, "other.db")
	mustRun(t, db, oakSchool...)
	mustRun(t, other, [][]string{{"init", "--org", "Other District"}}...)

	// Another process has other.db open, as a window has.
	holder := sqlitetest.StartProcess(t, "ROSTERCTL_TEST_HOLD="+other, "holding", "-test.short", "-test.run=^TestHelperHoldDatabase$")

	code, _, stderr := runInProcess(t, "", "backup", "-o", other, "--db", db)
	if code != exitUsage || !strings.Contains(stderr, "another program has open") {
		t.Errorf("backup -o a database in use = %d, %q; want 2 and a refusal saying a program has it open", code, stderr)
	}
	if _, stdout, _ := runInProcess(t, "", "school", "list", "--db", other); strings.Contains(stdout, "Oak School") {
		t.Errorf("the database in use was replaced by the backup: it lists %q", stdout)
	}
	if err := holder.Stop(); err != nil {
		t.Fatalf("holding process: %v", err)
	}
	// Closed, the same file is an ordinary target: an old backup is replaced.
	if code, _, stderr := runInProcess(t, "", "backup", "-o", other, "--db", db); code != 0 {
		t.Errorf("backup -o a database nobody has open = %d, %q; want 0", code, stderr)
	}
}

// TestHelperHoldDatabase is not a test: TestBackupRefusesDatabaseInUse runs it in a
// process of its own to keep a database open until its stdin closes.
func TestHelperHoldDatabase(t *testing.T) {
	path := os.Getenv("ROSTERCTL_TEST_HOLD")
	if path == "" {
		t.Skip("run by TestBackupRefusesDatabaseInUse")
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(context.Background(), "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		t.Fatal(err)
	}
	fmt.Println("holding", n)
	bufio.NewReader(os.Stdin).ReadString('\n')
}

// TestBackupHoldsPartialLock: the hidden copy a backup writes stays locked while the
// database is copied into it, as every other file being saved is, so that a save or a
// backup of the same name from another computer (a network folder, where process ids
// mean nothing) does not take it for a killed backup's and remove it midway. The copy
// was closed, so unlocked, before the copying began.
func TestBackupHoldsPartialLock(t *testing.T) {
	out := filepath.Join(t.TempDir(), "b.db")
	locked := false
	_, err := backupTo(context.Background(), func(ctx context.Context, dst string) (engine.BackupInfo, error) {
		f, err := os.Open(dst)
		if err != nil {
			return engine.BackupInfo{}, err
		}
		defer f.Close()
		locked = errors.Is(syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB), syscall.EWOULDBLOCK)
		return engine.BackupInfo{}, os.WriteFile(dst, []byte("copy"), 0o600)
	}, out)
	if err != nil {
		t.Fatal(err)
	}
	if !locked {
		t.Error("the backup's hidden copy was not locked while the database was copied into it")
	}
	if got, _ := os.ReadFile(out); string(got) != "copy" {
		t.Errorf("backup holds %q, want the copy", got)
	}
}
