package sqlitetest

import (
	"database/sql"
	"testing"
)

// ForgetLastMigration makes the database at path one an older Rosterdesk left: the
// record of its last migration, which can run again, is gone, so opening it writes
// (the upgrade) before anything else.
func ForgetLastMigration(t testing.TB, path string) {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	res, err := raw.Exec(`DELETE FROM schema_migrations WHERE name = 'migrations/007_compatibility_keys.go'`)
	if err != nil {
		t.Fatalf("forget migration 007: %v", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("forget migration 007: %d rows", n)
	}
}
