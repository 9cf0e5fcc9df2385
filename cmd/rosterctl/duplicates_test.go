package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// oldDatabase makes a database as Rosterdesk's schema 2 left it, with two users whose
// User IDs differ only in case (ÄB1 was set by an update: SQLite's lower() left the Ä)
// and one school.
func oldDatabase(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.db")
	var stmts []string
	for _, name := range []string{"001_schema.sql", "002_drop_school_users_user.sql"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "core", "sqlite", "migrations", name))
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, string(b))
	}
	stmts = append(stmts,
		`PRAGMA journal_mode = WAL`,
		`CREATE TABLE schema_migrations (name TEXT PRIMARY KEY)`,
		`INSERT INTO schema_migrations VALUES ('migrations/001_schema.sql'), ('migrations/002_drop_school_users_user.sql')`,
		`INSERT INTO org (id, name, created_at) VALUES (1, 'District', '2026-01-01')`,
		`INSERT INTO schools (id, guid, name, name_key, created_at) VALUES (1, 'a7c1e0a4-1b2c-4d3e-8f90-0123456789ab', 'Oak School', 'oak school', '2026-01-01')`,
		`INSERT INTO users (id, guid, user_id, user_id_key, role, first_name, last_name, username, username_key, created_at, updated_at) VALUES
			(1, '11111111-1111-4111-8111-111111111111', 'ÄB1', 'Äb1', 'Student', 'Ann', 'Lee', 'alee', 'alee', '2026-01-01', '2026-01-01'),
			(2, '22222222-2222-4222-8222-222222222222', 'äb1', 'äb1', 'Student', 'Bob', 'Lee', 'blee', 'blee', '2026-01-01', '2026-01-01')`,
		`INSERT INTO school_users (school_id, user_id) VALUES (1, 1), (1, 2)`,
	)
	execSQL(t, path, stmts...)
	return path
}

// TestUpgradeReportsDuplicates: the upgrade that makes ÄB1 and äb1 one User ID merges
// nothing and fails nothing; every command says once that records need a new value, and
// "rosterctl duplicates" lists them, until each one has been given another.
func TestUpgradeReportsDuplicates(t *testing.T) {
	db := oldDatabase(t)
	code, stdout, stderr := runInProcess(t, "", "history", "--db", db)
	if code != 0 || !strings.Contains(stdout, "No uploads yet") {
		t.Fatalf("history after the upgrade = %d, %q, %q", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "warning: 1 record") || !strings.Contains(stderr, "rosterctl duplicates") {
		t.Errorf("history's stderr = %q, want one warning pointing to rosterctl duplicates", stderr)
	}

	code, stdout, stderr = runInProcess(t, "", "duplicates", "--db", db)
	if code != 0 || !strings.Contains(stdout, `The User ID "ÄB1" (Ann Lee) is the same as "äb1" (Bob Lee), which keeps it.`) ||
		!strings.Contains(stdout, "11111111-1111-4111-8111-111111111111") || strings.Contains(stderr, "warning") {
		t.Errorf("duplicates = %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	code, stdout, _ = runInProcess(t, "", "duplicates", "--json", "--db", db)
	var list []map[string]string
	if err := json.Unmarshal([]byte(stdout), &list); code != 0 || err != nil || len(list) != 1 {
		t.Fatalf("duplicates --json = %d, %q (%v)", code, stdout, err)
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range list[0] {
			if !yield(k) {
				return
			}
		}
	})
	if want := []string{"guid", "kept_name", "kept_value", "message", "name", "school", "value", "what"}; !slices.Equal(keys, want) {
		t.Errorf("duplicates --json keys = %q, want %q", keys, want)
	}
	if list[0]["what"] != "User ID" || list[0]["value"] != "ÄB1" || list[0]["kept_value"] != "äb1" {
		t.Errorf("duplicates --json = %+v", list[0])
	}

	// An update by User GUID gives Ann another User ID: nothing is left to report.
	fix := filepath.Join(t.TempDir(), "fix.csv")
	os.WriteFile(fix, []byte("User GUID,User ID,Role,First Name,Last Name\r\n11111111-1111-4111-8111-111111111111,AB2,Student,Ann,Lee\r\n"), 0o600)
	if code, stdout, stderr := runInProcess(t, "", "import", "--school", "Oak School", fix, "--db", db); code != 0 {
		t.Fatalf("import of the fix = %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = runInProcess(t, "", "duplicates", "--db", db)
	if code != 0 || !strings.Contains(stdout, "No record shares") {
		t.Errorf("duplicates after the fix = %d, %q, %q", code, stdout, stderr)
	}
	if _, _, stderr := runInProcess(t, "", "history", "--db", db); strings.Contains(stderr, "warning") {
		t.Errorf("history after the fix still warns: %q", stderr)
	}
}
