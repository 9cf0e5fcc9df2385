package main

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// TestDatabasePathIsPlain: --db is a file name, whatever characters it holds. Spliced
// into a URI, "School #5/roster.db" made the database "School " (world-readable and
// shared with "School #6"), and a%41b.db opened aAb.db.
func TestDatabasePathIsPlain(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"School #5/roster.db", "School #6/roster.db", "a%41b.db", "a?b.db"} {
		db := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(db), 0o700)
		school := "Oak " + strings.NewReplacer("/", "-", "%", "-", "?", "-", "#", "-").Replace(name)
		mustRun(t, db, []string{"init", "--org", "District"}, []string{"school", "add", school})
		if _, stdout, _ := runInProcess(t, "", "school", "list", "--db", db); strings.TrimSpace(stdout) != school {
			t.Errorf("school list --db %q = %q, want only %q (two databases share one file)", db, stdout, school)
		}
	}
	var made []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		// SQLite's -wal and -shm files may stay beside a database a read-only command
		// opened; they are not other databases.
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, "-wal") && !strings.HasSuffix(p, "-shm") {
			rel, _ := filepath.Rel(dir, p)
			made = append(made, filepath.ToSlash(rel))
		}
		return nil
	})
	if want := "School #5/roster.db School #6/roster.db a%41b.db a?b.db"; strings.Join(made, " ") != want {
		t.Errorf("files made: %q, want %q", made, want)
	}
}

// TestDatabaseFileIsOnlyRosterdesks: a file that is not a Rosterdesk database is refused
// and left exactly as it was, by every command; a folder, a device and an empty --db
// are mistakes of the command line.
func TestDatabaseFileIsOnlyRosterdesks(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "photos.db")
	raw, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`CREATE TABLE pictures (name TEXT)`, `INSERT INTO pictures VALUES ('beach')`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	os.Chmod(other, 0o644)
	before, _ := os.ReadFile(other)
	for _, args := range [][]string{{"history"}, {"school", "list"}, {"init", "--org", "District"}, {"school", "add", "Oak"}, {"resume"}} {
		code, _, stderr := runInProcess(t, "", append(args, "--db", other)...)
		if code != 2 || !strings.Contains(stderr, "not a Rosterdesk database") || !strings.Contains(stderr, "--db") {
			t.Errorf("rosterctl %q on another program's database = %d, %q; want 2, \"not a Rosterdesk database\" and a hint about --db", args, code, stderr)
		}
	}
	after, _ := os.ReadFile(other)
	if fi, _ := os.Stat(other); !bytes.Equal(after, before) || fi.Mode().Perm() != 0o644 || exists(other+"-wal") || exists(other+"-journal") {
		t.Errorf("another program's database was changed: mode %v, %d bytes (was %d)", fi.Mode().Perm(), len(after), len(before))
	}

	cases := map[string]string{"Folder": dir}
	if null := privateDevNull(t, dir); null != "" {
		cases["Device"] = null
	}
	for name, path := range cases {
		t.Run(name, func(t *testing.T) {
			fi0, _ := os.Stat(path)
			code, _, stderr := runInProcess(t, "", "history", "--db", path)
			if code != 2 || strings.Contains(stderr, "Check that the folder exists") {
				t.Errorf("history --db %s = %d, %q; want 2 and what is wrong", path, code, stderr)
			}
			if name == "Folder" && !strings.Contains(stderr, "is a folder") {
				t.Errorf("history --db FOLDER says %q, want \"is a folder\"", stderr)
			}
			if fi, _ := os.Stat(path); fi.Mode() != fi0.Mode() {
				t.Errorf("history --db %s changed its mode to %v", path, fi.Mode())
			}
		})
	}
	t.Run("Empty", func(t *testing.T) {
		t.Setenv("ROSTERDESK_DB", filepath.Join(dir, "env.db"))
		code, _, stderr := runInProcess(t, "", "init", "--org", "District", "--db", "")
		if code != 2 || !strings.Contains(stderr, "--db") || exists(filepath.Join(dir, "env.db")) {
			t.Errorf("init --db \"\" = %d, %q; want 2, a usage error, and no database made", code, stderr)
		}
	})
}

// TestNewerDatabaseRefused: a database from a newer Rosterdesk is neither opened nor
// written.
func TestNewerDatabaseRefused(t *testing.T) {
	db := filepath.Join(t.TempDir(), "r.db")
	if code, _, stderr := runInProcess(t, "", "init", "--org", "District", "--db", db); code != 0 {
		t.Fatalf("init = %d: %s", code, stderr)
	}
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO schema_migrations (name) VALUES ('migrations/042_future.sql')`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	for _, args := range [][]string{{"history"}, {"school", "add", "Oak"}} {
		code, _, stderr := runInProcess(t, "", append(args, "--db", db)...)
		if code != 2 || !strings.Contains(stderr, "made by a newer version of Rosterdesk (schema 42); install that version") {
			t.Errorf("rosterctl %q on a newer database = %d, %q", args, code, stderr)
		}
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
