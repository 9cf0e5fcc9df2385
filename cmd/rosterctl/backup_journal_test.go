package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestBackupRemovesKilledJournal: a backup killed midway (kill -9, a closed console)
// leaves its hidden copy and that copy's rollback journal (VACUUM INTO writes one); the
// next backup to the same file removes both. The journal,
// .NAME.PID.partialN-journal, matched no pattern of a leftover and stayed for good.
// (sqlite's TestBackupDiskFullLeavesNoJournal covers a backup that fails.)
func TestBackupRemovesKilledJournal(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	mustRun(t, db, oakSchool...)

	// What a backup killed with kill -9 leaves.
	out := t.TempDir()
	for _, name := range []string{".b.db.2147483646.partial77", ".b.db.2147483646.partial77-journal"} {
		if err := os.WriteFile(filepath.Join(out, name), []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	mustRun(t, db, []string{"backup", "-o", filepath.Join(out, "b.db")})
	if err := os.Remove(filepath.Join(out, "b.db")); err != nil {
		t.Fatal(err)
	}
	assertEmpty(t, out)
}

func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	if len(names) > 0 {
		t.Errorf("%s holds %q, want nothing", dir, names)
	}
}
