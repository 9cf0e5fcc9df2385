package main

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lookalikeDatabase makes a database as Rosterdesk left it before migration 007, holding
// S11 and the fullwidth Ｓ１１ as two users of Oak School, and a user whose username
// ｄａｎ (from before usernames were ASCII-only) is the administrator Dan's now, keyed
// as it keyed them (NFC and case folding only: Ｓ１１'s key was ｓ１１). 007 adds no
// table, so a current database that has forgotten running 007 is that older one.
func lookalikeDatabase(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "old.db")
	mustRun(t, db, oakSchool...)
	execSQL(t, db,
		`INSERT INTO users (id, guid, user_id, user_id_key, role, first_name, last_name, username, username_key, created_at, updated_at) VALUES
			(1, '11111111-1111-4111-8111-111111111111', 'S11', 's11', 'Student', 'Ann', 'Lee', 'alee', 'alee', '2026-01-01', '2026-01-01'),
			(2, '22222222-2222-4222-8222-222222222222', 'Ｓ１１', 'ｓ１１', 'Student', 'Bob', 'Lee', 'blee', 'blee', '2026-01-01', '2026-01-01'),
			(3, '33333333-3333-4333-8333-333333333333', 'S3', 's3', 'Student', 'Dan', 'Lee', 'ｄａｎ', 'ｄａｎ', '2026-01-01', '2026-01-01')`,
		`INSERT INTO school_users (school_id, user_id) SELECT s.id, u.id FROM schools s, users u`,
		`INSERT INTO operators (username, username_key, name, role, created_at, updated_at) VALUES
			('Dan', 'dan', 'Dan Admin', 'Organization Administrator', '2026-01-01', '2026-01-01')`,
		`DELETE FROM schema_migrations WHERE name = 'migrations/007_compatibility_keys.go'`)
	return db
}

// execSQL runs stmts in the database at path, as another program would, behind
// Rosterdesk's back.
func execSQL(t *testing.T, path string, stmts ...string) {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range stmts {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
}

// TestUpgradeReportsLookalikeDuplicates: the upgrade that makes S11 and Ｓ１１ one User
// ID, and ｄａｎ the administrator Dan's username, keeps every account; every command
// warns, and "rosterctl duplicates" (and --json) names the pairs and what to do, until
// Ｓ１１'s user has another User ID and ｄａｎ's another username.
func TestUpgradeReportsLookalikeDuplicates(t *testing.T) {
	db := lookalikeDatabase(t)
	code, stdout, stderr := runInProcess(t, "", "history", "--db", db)
	if code != 0 || !strings.Contains(stderr, "warning: 2 records") {
		t.Fatalf("history after the upgrade = %d, %q, %q; want a warning about 2 records", code, stdout, stderr)
	}
	code, stdout, stderr = runInProcess(t, "", "duplicates", "--db", db)
	if code != 0 || !strings.Contains(stdout, `The User ID "Ｓ１１" (Bob Lee) is the same as "S11" (Ann Lee), which keeps it.`) ||
		!strings.Contains(stdout, "22222222-2222-4222-8222-222222222222") ||
		!strings.Contains(stdout, `The username "ｄａｎ" (Dan Lee) is the same as the administrator account "Dan" (Dan Admin), which keeps it. Give Dan Lee another username: upload a row with User GUID 33333333-3333-4333-8333-333333333333 and the new Username.`) {
		t.Errorf("duplicates = %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	code, stdout, _ = runInProcess(t, "", "duplicates", "--json", "--db", db)
	var list []map[string]string
	if err := json.Unmarshal([]byte(stdout), &list); code != 0 || err != nil || len(list) != 2 {
		t.Fatalf("duplicates --json = %d, %q (%v)", code, stdout, err)
	}
	if d := list[0]; d["what"] != "User ID" || d["value"] != "Ｓ１１" || d["kept_value"] != "S11" || d["guid"] != "22222222-2222-4222-8222-222222222222" {
		t.Errorf("duplicates --json = %+v", d)
	}
	out := filepath.Join(t.TempDir(), "users.csv")
	mustRun(t, db, []string{"export", "users", "--school", "Oak School", "-o", out})
	if b, err := os.ReadFile(out); err != nil || !strings.Contains(string(b), "S11") || !strings.Contains(string(b), "Ｓ１１") {
		t.Errorf("export users after the upgrade = %q (%v), want both users kept", b, err)
	}

	if d := list[1]; d["what"] != "username" || d["value"] != "ｄａｎ" || d["kept_value"] != "Dan" || d["kept_name"] != "Dan Admin" {
		t.Errorf("duplicates --json = %+v", d)
	}

	// Given another User ID and another username by their User GUIDs, the users settle
	// the pairs.
	fix := filepath.Join(t.TempDir(), "fix.csv")
	os.WriteFile(fix, []byte("User GUID,User ID,Username,Role,First Name,Last Name\r\n"+
		"22222222-2222-4222-8222-222222222222,S12,,Student,Bob,Lee\r\n"+
		"33333333-3333-4333-8333-333333333333,,danlee,Student,Dan,Lee\r\n"), 0o600)
	mustRun(t, db, []string{"import", "--school", "Oak School", fix})
	if code, stdout, stderr := runInProcess(t, "", "duplicates", "--db", db); code != 0 || !strings.Contains(stdout, "No record shares") {
		t.Errorf("duplicates after the fix = %d, %q, %q", code, stdout, stderr)
	}
}
