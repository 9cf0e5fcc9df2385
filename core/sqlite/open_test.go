package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/internal/tmpfs"
)

// TestOpenPlainPath: the path is the file's name, whatever it holds. Spliced into a
// file: URI, "School #5/roster.db" made the database "School " (shared with School #6),
// a%41b.db opened aAb.db, and the pragmas after a '#' or '?' were lost.
func TestOpenPlainPath(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"School #5/roster.db", "a%41b.db", "a?b.db", "two  spaces.db", "école&co=1.db"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, name)
			db := mustOpenPath(t, path)
			if db.Path != path {
				t.Errorf("Path = %q, want %q", db.Path, path)
			}
			var file string
			var fk int
			if err := db.w.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file); err != nil || file != path {
				t.Errorf("SQLite's main file = %q, %v; want %q", file, err, path)
			}
			if err := db.w.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
				t.Errorf("foreign_keys = %d, %v; want 1 (the pragmas after the path were lost)", fk, err)
			}
			// Only the database and its -wal and -shm exist, in the folder named.
			var got []string
			filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(dir, p)
					got = append(got, strings.TrimSuffix(strings.TrimSuffix(rel, "-wal"), "-shm"))
				}
				return nil
			})
			slices.Sort(got)
			if got = slices.Compact(got); len(got) != 1 || got[0] != filepath.FromSlash(name) {
				t.Errorf("files made: %q, want only %q (and its -wal, -shm)", got, name)
			}
			if fi, err := os.Stat(path); runtime.GOOS != "windows" && (err != nil || fi.Mode().Perm() != 0o600) {
				t.Errorf("database mode %v, %v; want -rw-------", fi.Mode().Perm(), err)
			}
		})
	}
}

// foreignFiles returns files that Rosterdesk must refuse and leave as they were: other
// programs' SQLite databases (rollback journal, WAL, their own application_id) and a
// file that is not a database at all.
func foreignFiles(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{}
	for name, pragmas := range map[string][]string{
		"photos.db":  {`PRAGMA journal_mode = DELETE`},
		"notes.db":   {`PRAGMA journal_mode = WAL`},
		"branded.db": {`PRAGMA application_id = 1234`, `PRAGMA journal_mode = DELETE`},
		// A look-alike: WAL, like Rosterdesk's, with an org table but no migrations.
		"lookalike.db": {`PRAGMA journal_mode = WAL`, `CREATE TABLE org (id INTEGER PRIMARY KEY)`},
	} {
		path := filepath.Join(dir, name)
		raw, err := sql.Open("sqlite", fileURI(path))
		if err != nil {
			t.Fatal(err)
		}
		conn, err := raw.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range append(pragmas, `CREATE TABLE pictures (id INTEGER PRIMARY KEY, name TEXT)`, `INSERT INTO pictures (name) VALUES ('beach')`) {
			if _, err := conn.ExecContext(context.Background(), q); err != nil {
				t.Fatalf("%s: %s: %v", name, q, err)
			}
		}
		conn.Close()
		raw.Close()
		files[name] = path
	}
	text := filepath.Join(dir, "roster.csv")
	os.WriteFile(text, []byte("User ID,Role\r\nS1,Student\r\n"), 0o644)
	files["roster.csv"] = text
	for _, p := range files {
		os.Chmod(p, 0o644)
	}
	return files
}

// snapshotDir returns every file of dir with its mode and bytes.
func snapshotDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		fi, _ := e.Info()
		var b []byte
		if fi.Mode().IsRegular() { // reading a pipe would wait for a writer
			b, _ = os.ReadFile(filepath.Join(dir, e.Name()))
		}
		out[e.Name()] = fi.Mode().String() + " " + string(b)
	}
	return out
}

// TestOpenRefusesForeignFiles: another program's SQLite file used to gain Rosterdesk's
// tables and WAL mode and lose its mode bits, even from a read-only command. It is
// refused, and nothing of it (or beside it) changes.
func TestOpenRefusesForeignFiles(t *testing.T) {
	ctx := context.Background()
	for name, path := range foreignFiles(t) {
		for _, open := range []struct {
			name string
			fn   func(context.Context, string) (*DB, error)
		}{{"Open", Open}, {"OpenReadOnly", OpenReadOnly}} {
			t.Run(name+"/"+open.name, func(t *testing.T) {
				before := snapshotDir(t, filepath.Dir(path))
				db, err := open.fn(ctx, path)
				if err == nil {
					db.Close()
				}
				if !errors.Is(err, ErrNotRosterdesk) || core.ErrorKind(err) != core.KindInvalid || !strings.Contains(core.ErrorMessage(err), "not a Rosterdesk database") {
					t.Errorf("%s(%s) = %v, want ErrNotRosterdesk saying it is not a Rosterdesk database", open.name, name, err)
				}
				if after := snapshotDir(t, filepath.Dir(path)); !maps.Equal(after, before) {
					t.Errorf("%s(%s) changed the folder: files %q, want %q", open.name, name, keys(after), keys(before))
				}
			})
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+" "+v[:10])
	}
	slices.Sort(out)
	return out
}

// TestOpenRefusesNonFiles: a folder, a device, a pipe or no name at all is not a
// database; nothing is created or changed. (As root, "--db /dev/null history" used to
// chmod /dev/null to 0600; the device here is a private copy of it.)
func TestOpenRefusesNonFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cases := specialFiles(dir)
	cases["Empty"], cases["Folder"] = "", dir
	for name, path := range cases {
		for _, open := range []func(context.Context, string) (*DB, error){Open, OpenReadOnly} {
			t.Run(name, func(t *testing.T) {
				before := snapshotDir(t, dir)
				db, err := open(ctx, path)
				if err == nil {
					db.Close()
				}
				if !errors.Is(err, ErrNotAFile) || core.ErrorKind(err) != core.KindInvalid {
					t.Errorf("open(%q) = %v, want ErrNotAFile", path, err)
				}
				if name == "Folder" && !strings.Contains(core.ErrorMessage(err), "is a folder") {
					t.Errorf("open(a folder) says %q, want it to say it is a folder", core.ErrorMessage(err))
				}
				if after := snapshotDir(t, dir); !maps.Equal(after, before) {
					t.Errorf("open(%q) changed the folder: %q, want %q", path, keys(after), keys(before))
				}
			})
		}
	}
}

// TestOpenRefusesNewerSchema: a database that has run a migration this program does
// not know was made by a newer Rosterdesk, whose data this one could damage.
func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "future.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES ('migrations/099_future.sql')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := snapshotDir(t, filepath.Dir(path))
	for _, open := range []func(context.Context, string) (*DB, error){Open, OpenReadOnly} {
		db, err := open(ctx, path)
		if err == nil {
			db.Close()
		}
		want := "made by a newer version of Rosterdesk (schema 99); install that version"
		if !errors.Is(err, ErrNewerSchema) || !strings.Contains(core.ErrorMessage(err), want) {
			t.Errorf("open(a newer database) = %v, want ErrNewerSchema saying %q", err, want)
		}
	}
	// A read-only connection may leave SQLite's empty -wal and -shm files behind; the
	// database itself is as it was.
	after := snapshotDir(t, filepath.Dir(path))
	if after["future.db"] != before["future.db"] {
		t.Errorf("opening a newer database changed it")
	}
}

// TestOpenReadOnly: read-only commands read a database they may not (or cannot) write.
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	t.Run("ErrNoDatabase", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "missing.db")
		if _, err := OpenReadOnly(ctx, path); !errors.Is(err, ErrNoDatabase) || core.ErrorKind(err) != core.KindNotInitialized {
			t.Errorf("OpenReadOnly(missing) = %v, want ErrNoDatabase", err)
		}
		if exists(path) {
			t.Errorf("OpenReadOnly created %s", path)
		}
	})
	t.Run("ReadOnlyDisk", func(t *testing.T) {
		dir := tmpfs.Mount(t, "8m")
		path := filepath.Join(dir, "r.db")
		db := mustOpenPath(t, path)
		mustAddSchool(t, db, "Lincoln Elementary")
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		tmpfs.Remount(t, dir, "ro")
		defer tmpfs.Remount(t, dir, "rw")
		ro, err := OpenReadOnly(ctx, path)
		if err != nil {
			t.Fatalf("OpenReadOnly on a read-only disk: %v", err)
		}
		defer ro.Close()
		if s, err := ro.Schools(ctx); err != nil || len(s) != 1 {
			t.Errorf("Schools() = %v, %v; want Lincoln Elementary", s, err)
		}
		if _, err := ro.AddSchool(ctx, "Washington", testNow); !errors.Is(err, ErrReadOnly) {
			t.Errorf("AddSchool on a read-only database = %v, want ErrReadOnly", err)
		}
		if _, err := Open(ctx, path); !errors.Is(err, ErrReadOnly) || !strings.Contains(core.ErrorMessage(err), "cannot be written") {
			t.Errorf("Open on a read-only disk = %v, want ErrReadOnly", err)
		}
	})
	t.Run("WritesRefused", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "r.db")
		db := mustOpenPath(t, path)
		mustAddSchool(t, db, "Lincoln Elementary")
		ro, err := OpenReadOnly(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer ro.Close()
		if _, err := ro.AddSchool(ctx, "Washington", testNow); !errors.Is(err, ErrReadOnly) {
			t.Errorf("AddSchool through OpenReadOnly = %v, want ErrReadOnly", err)
		}
		if s, err := db.Schools(ctx); err != nil || len(s) != 1 {
			t.Errorf("Schools() = %v, %v; want Lincoln Elementary only", s, err)
		}
	})
}
