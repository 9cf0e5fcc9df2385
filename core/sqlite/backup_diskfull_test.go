package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/rosterdesk/rosterdesk/core/internal/tmpfs"
)

// TestBackupDiskFullLeavesNoJournal: a backup that fills the disk leaves nothing beside
// the file it wrote once the caller removes that file. VACUUM INTO writes the copy with
// a rollback journal beside it, and a failed copy left the journal behind: a hidden
// .NAME.PID.partialN-journal that nothing ever removed.
func TestBackupDiskFullLeavesNoJournal(t *testing.T) {
	ctx := context.Background()
	db := mustOpenPath(t, filepath.Join(t.TempDir(), "r.db"))
	mustAddSchool(t, db, "Lincoln Elementary")
	// A database of some megabytes, larger than the disk below.
	if err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE pad (b BLOB); CREATE INDEX pad_b ON pad (b)`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 60000)
			INSERT INTO pad SELECT randomblob(60) FROM n`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	dir := tmpfs.Mount(t, "1m")
	dst := filepath.Join(dir, ".b.db.42.partial7")
	if err := os.WriteFile(dst, nil, 0o600); err != nil { // the caller creates it empty
		t.Fatal(err)
	}
	if err := db.Backup(ctx, dst); err == nil {
		t.Fatal("Backup onto a 1 MB disk succeeded")
	}
	os.Remove(dst) // what the caller does
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		t.Errorf("the failed backup left %s", e.Name())
	}
}
