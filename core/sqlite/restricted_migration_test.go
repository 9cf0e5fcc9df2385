package sqlite

import (
	"reflect"
	"testing"
)

// TestRestrictedMigration: uploads left waiting by a version before 006, which did not
// record the uploader's role, run restricted after the upgrade; a School Organization
// Administrator's queued upload used to run with an Organization Administrator's scope.
// Finished uploads are history and keep the default.
func TestRestrictedMigration(t *testing.T) {
	upload := func(id, status string) string {
		return `INSERT INTO uploads (id, file_name, format, school_id, uploaded_by, status, uploaded_at)
			VALUES (` + id + `, 'f.csv', 'csv', 1, 'Sam School-Admin', '` + status + `', '2026-01-01')`
	}
	path := databaseBefore(t, 6,
		`INSERT INTO schools (id, guid, name, name_key, created_at) VALUES (1, 'guid-s1', 'Oak', 'oak', '2026-01-01')`,
		upload("1", "Queued"), upload("2", "In Progress"), upload("3", "Completed"), upload("4", "Failed"))
	db := mustOpenPath(t, path)
	got := column(t, db, `SELECT id || ':' || restricted FROM uploads ORDER BY id`)
	if want := []string{"1:1", "2:1", "3:0", "4:0"}; !reflect.DeepEqual(got, want) {
		t.Errorf("uploads after 006 = %q, want %q (waiting ones restricted)", got, want)
	}
}
