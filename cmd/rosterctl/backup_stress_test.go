//go:build linux

package main

import (
	"context"
	"os"
	"testing"

	"github.com/rosterdesk/rosterdesk/core/engine"
)

// TestBackupWhileImporting backs up from one process while rosterctl imports a big roster
// in another, as an IT person would while the office's window runs an upload: the backup
// must not wait for the import and must hold the database of one moment.
func TestBackupWhileImporting(t *testing.T) {
	s := newStress(t, t.TempDir())
	s.setUp()
	data, _ := genRoster(rosterSpec{rows: 50000, prefix: "B"})
	file := s.path("big.csv")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	b := s.start("import", "--school", stressSchool, file)
	db := s.openRO()
	during := s.waitFor(db, b, "the import to start saving", func(us []upload) bool {
		return len(us) == 1 && us[0].Status == "In Progress"
	})
	if !during {
		t.Fatalf("the import ended before the backup could start: %+v", b.wait())
	}
	out := s.path("backup.db")
	code, stdout, stderr := runInProcess(t, "", "backup", "-o", out, "--db", s.db)
	running := !b.finished()
	if code != 0 {
		t.Fatalf("rosterctl backup = %d: %s", code, stderr)
	}
	imp := b.wait()
	if imp.code != 0 && imp.code != exitCompletedErrs {
		t.Fatalf("import = exit %d\n%s", imp.code, imp.stderr)
	}
	info, err := engine.InspectBackup(context.Background(), out)
	if err != nil {
		t.Fatalf("InspectBackup: %v (backup said %s)", err, stdout)
	}
	t.Logf("the import was still running when the backup ended: %v; the backup holds %d users", running, info.Users)
	// The import applies in one transaction: the copy has none of its users, or all.
	final, err := engine.InspectBackup(context.Background(), s.db)
	if err != nil {
		t.Fatal(err)
	}
	if info.Users != 0 && info.Users != final.Users {
		t.Errorf("backup holds %d users, want 0 (before the import) or %d (after)", info.Users, final.Users)
	}
	if info.Uploads != 1 || info.Schools != 1 {
		t.Errorf("backup = %+v, want 1 school and the upload", info)
	}
}
