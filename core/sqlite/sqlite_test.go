package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

var testNow = time.Date(2026, 8, 20, 9, 0, 0, 0, time.UTC)

// MustOpenDB opens a new database in a temporary folder (a real file, so WAL, both pools
// and the pragmas are exercised) with an organization, and closes it when the test ends.
func MustOpenDB(tb testing.TB) *DB {
	tb.Helper()
	return mustOpenPath(tb, filepath.Join(tb.TempDir(), "rosterdesk.db"))
}

func mustOpenPath(tb testing.TB, path string) *DB {
	tb.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("Open(%q): %v", path, err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	if _, err := db.InitOrg(context.Background(), "Springfield School District", testNow); err != nil {
		tb.Fatalf("InitOrg: %v", err)
	}
	return db
}

func mustAddSchool(tb testing.TB, db *DB, name string) core.School {
	tb.Helper()
	s, err := db.AddSchool(context.Background(), name, testNow)
	if err != nil {
		tb.Fatalf("AddSchool(%q): %v", name, err)
	}
	return s
}

func TestOpenMigratesOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "rosterdesk.db")
	db := mustOpenPath(t, path)
	school := mustAddSchool(t, db, "Lincoln Elementary")

	// Open the same file again, twice: migrations must not run again (a second CREATE
	// TABLE would fail) and the data must still be there.
	for i := 0; i < 2; i++ {
		db2, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("Open(%q) again: %v", path, err)
		}
		var n int
		if err := db2.w.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if want := migrationCount(t); n != want {
			t.Errorf("schema_migrations has %d rows after reopening, want %d", n, want)
		}
		got, err := db2.School(ctx, school.ID)
		if err != nil || got.Name != "Lincoln Elementary" {
			t.Errorf("School(%d) after reopening = %+v, %v, want Lincoln Elementary", school.ID, got, err)
		}
		if err := db2.Close(); err != nil {
			t.Fatal(err)
		}
	}
	org, err := db.InitOrg(ctx, "Another Name", testNow)
	if err != nil || org.Name != "Springfield School District" {
		t.Errorf("InitOrg again = %+v, %v, want the existing organization kept", org, err)
	}
}

// firstSchemaDatabase makes a database as the first schema alone made it, with one
// school, Lincoln, and returns its path: opening it runs every later migration.
func firstSchemaDatabase(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "v1.db")
	first, err := migrationFS.ReadFile("migrations/001_schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{
		string(first),
		`CREATE TABLE schema_migrations (name TEXT PRIMARY KEY)`,
		`INSERT INTO schema_migrations VALUES ('migrations/001_schema.sql')`,
		`INSERT INTO schools (guid, name, name_key, created_at) VALUES ('g', 'Lincoln', 'lincoln', '2026-01-01')`,
	} {
		if _, err := raw.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%.40s: %v", q, err)
		}
	}
	return path
}

// migrationCount returns how many migrations there are, .sql and Go.
func migrationCount(t *testing.T) int {
	t.Helper()
	ms, err := allMigrations()
	if err != nil || len(ms) == 0 {
		t.Fatalf("migrations: %v, %d", err, len(ms))
	}
	return len(ms)
}

// TestMigrationFromFirstSchema: a database made by the first schema alone gets the
// later migrations when opened, keeps its data, and loses the dropped index.
func TestMigrationFromFirstSchema(t *testing.T) {
	ctx := context.Background()
	path := firstSchemaDatabase(t)
	db := mustOpenPath(t, path)
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != migrationCount(t) {
		t.Errorf("schema_migrations: %d rows, %v; want %d", n, err, migrationCount(t))
	}
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE name = 'school_users_user'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("index school_users_user: %d, %v; want it dropped", n, err)
	}
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM schools`).Scan(&n); err != nil || n != 1 {
		t.Errorf("schools after migrating: %d, %v; want 1", n, err)
	}
}

func TestFileMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	db := MustOpenDB(t)
	mustAddSchool(t, db, "Lincoln Elementary")
	for _, p := range []string{db.Path, db.Path + "-wal"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Errorf("mode of %s = %v, want 0600", filepath.Base(p), m)
		}
	}
}

// TestPragmas checks the pragmas on several connections of each pool at once: a pragma
// set with db.Exec would hold on one connection only.
func TestPragmas(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	check := func(t *testing.T, pool *sql.DB, n int, readOnly bool) {
		var conns []*sql.Conn
		for i := 0; i < n; i++ {
			c, err := pool.Conn(ctx) // held, so the pool must open a new one each time
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
		}
		for i, c := range conns {
			for _, p := range []struct {
				pragma string
				want   string
			}{
				{"foreign_keys", "1"},
				{"journal_mode", "wal"},
				{"secure_delete", "1"},
				{"busy_timeout", map[bool]string{true: "30000", false: strconv.Itoa(int(busyStep / time.Millisecond))}[readOnly]},
				{"synchronous", "1"},
			} {
				var got string
				if err := c.QueryRowContext(ctx, "PRAGMA "+p.pragma).Scan(&got); err != nil {
					t.Fatalf("conn %d: PRAGMA %s: %v", i, p.pragma, err)
				}
				if got != p.want {
					t.Errorf("conn %d: PRAGMA %s = %s, want %s", i, p.pragma, got, p.want)
				}
			}
			var qo string
			if err := c.QueryRowContext(ctx, "PRAGMA query_only").Scan(&qo); err != nil {
				t.Fatal(err)
			}
			if want := map[bool]string{true: "1", false: "0"}[readOnly]; qo != want {
				t.Errorf("conn %d: PRAGMA query_only = %s, want %s", i, qo, want)
			}
		}
		for _, c := range conns {
			c.Close()
		}
	}
	t.Run("Writer", func(t *testing.T) { check(t, db.w, 1, false) })
	t.Run("Readers", func(t *testing.T) { check(t, db.r, 4, true) })

	// The same file opened with the plain driver and no pragmas still is in WAL mode
	// (journal_mode is persistent), and a foreign key violation through db is refused.
	raw, err := sql.Open("sqlite", "file:"+filepath.ToSlash(db.Path))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var mode string
	if err := raw.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode seen by a plain connection = %q, %v, want wal", mode, err)
	}
	var pageSize int
	if err := raw.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize); err != nil || pageSize != PageSize {
		t.Errorf("page_size of a new database = %d, %v, want %d", pageSize, err, PageSize)
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO school_users (school_id, user_id) VALUES (999, 999)`)
		return err
	})
	if err == nil {
		t.Errorf("insert violating a foreign key succeeded, want an error")
	}
}

// TestOldPageSize: a database made with SQLite's default 4 KiB pages (by an earlier
// Rosterdesk) opens, keeps its page size and works.
func TestOldPageSize(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	first, err := migrationFS.ReadFile("migrations/001_schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		string(first),
		`CREATE TABLE schema_migrations (name TEXT PRIMARY KEY)`,
		`INSERT INTO schema_migrations VALUES ('migrations/001_schema.sql')`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%.40s: %v", q, err)
		}
	}
	raw.Close()

	db := mustOpenPath(t, path)
	mustAddSchool(t, db, "Lincoln Elementary")
	var pageSize int
	if err := db.r.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize); err != nil || pageSize != 4096 {
		t.Errorf("page_size = %d, %v, want 4096 kept", pageSize, err)
	}
}

func TestSchools(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	lincoln := mustAddSchool(t, db, "Lincoln Elementary")
	wash := mustAddSchool(t, db, "Washington Middle")
	if _, ok := core.NormalizeGUID(lincoln.GUID); !ok || lincoln.ID == 0 {
		t.Errorf("AddSchool = %+v, want an id and a GUID", lincoln)
	}

	t.Run("ErrDuplicateName", func(t *testing.T) {
		_, err := db.AddSchool(ctx, "LINCOLN elementary", testNow)
		if core.ErrorKind(err) != core.KindConflict {
			t.Errorf("AddSchool(duplicate) = %v, want KindConflict", err)
		}
	})
	t.Run("Rename", func(t *testing.T) {
		if err := db.RenameSchool(ctx, lincoln.ID, "Lincoln Primary"); err != nil {
			t.Fatal(err)
		}
		got, err := db.SchoolByName(ctx, "lincoln primary")
		if err != nil || got.ID != lincoln.ID || got.Name != "Lincoln Primary" {
			t.Errorf("SchoolByName(lincoln primary) = %+v, %v, want the renamed school", got, err)
		}
		if _, err := db.SchoolByName(ctx, "Lincoln Elementary"); core.ErrorKind(err) != core.KindNotFound {
			t.Errorf("SchoolByName(old name) = %v, want KindNotFound", err)
		}
	})
	t.Run("RenameOwnCase", func(t *testing.T) {
		if err := db.RenameSchool(ctx, lincoln.ID, "LINCOLN PRIMARY"); err != nil {
			t.Errorf("RenameSchool(same name, other case) = %v, want nil", err)
		}
	})
	t.Run("ErrRenameTaken", func(t *testing.T) {
		if err := db.RenameSchool(ctx, lincoln.ID, "washington middle"); core.ErrorKind(err) != core.KindConflict {
			t.Errorf("RenameSchool(taken) = %v, want KindConflict", err)
		}
	})
	t.Run("ErrRenameMissing", func(t *testing.T) {
		if err := db.RenameSchool(ctx, 9999, "Nowhere"); core.ErrorKind(err) != core.KindNotFound {
			t.Errorf("RenameSchool(9999) = %v, want KindNotFound", err)
		}
	})
	t.Run("List", func(t *testing.T) {
		got, err := db.Schools(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != lincoln.ID || got[1].ID != wash.ID {
			t.Errorf("Schools() = %+v, want Lincoln then Washington", got)
		}
	})
	t.Run("ErrNoOrg", func(t *testing.T) {
		db, err := Open(ctx, filepath.Join(t.TempDir(), "empty.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.AddSchool(ctx, "Lincoln", testNow); core.ErrorKind(err) != core.KindNotInitialized {
			t.Errorf("AddSchool without an organization = %v, want KindNotInitialized", err)
		}
		if _, err := db.Org(ctx); core.ErrorKind(err) != core.KindNotInitialized {
			t.Errorf("Org() = %v, want KindNotInitialized", err)
		}
	})
}

func mustInsertUpload(tb testing.TB, db *DB, school core.School, name string) int64 {
	tb.Helper()
	id, err := db.InsertUpload(context.Background(), NewUpload{FileName: name, Format: core.FormatCSV, SchoolID: school.ID,
		UploadedBy: "Pat Office", Original: strings.NewReader("User ID,Role,First Name,Last Name\nS1,Student,Ann,Lee\n")}, testNow)
	if err != nil {
		tb.Fatalf("InsertUpload: %v", err)
	}
	return id
}

func TestClaim(t *testing.T) {
	ctx := context.Background()
	const me, other = "host/1/me", "host/2/other"
	dead := func(string, time.Time) bool { return false }
	live := func(string, time.Time) bool { return true }

	t.Run("OKOldestQueuedFirst", func(t *testing.T) {
		db := MustOpenDB(t)
		s := mustAddSchool(t, db, "Lincoln")
		first := mustInsertUpload(t, db, s, "a.csv")
		mustInsertUpload(t, db, s, "b.csv")
		rec, ok, busy, err := db.Claim(ctx, me, clockAt(testNow), live)
		if err != nil || !ok || busy || rec.ID != first || rec.Status != core.StatusInProgress || rec.Owner != me {
			t.Fatalf("Claim = %+v, %v, %v, %v, want upload %d In Progress for %s", rec, ok, busy, err, first, me)
		}
		got, err := db.Upload(ctx, first)
		if err != nil || got.Status != core.StatusInProgress || got.Owner != me || !got.StartedAt.Equal(testNow) {
			t.Errorf("Upload(%d) after Claim = %+v, %v, want In Progress owned by %s since %v", first, got, err, me, testNow)
		}
	})
	t.Run("OKNothingToDo", func(t *testing.T) {
		db := MustOpenDB(t)
		_, ok, busy, err := db.Claim(ctx, me, clockAt(testNow), live)
		if err != nil || ok || busy {
			t.Errorf("Claim on an empty history = %v, %v, %v, want false, false, nil", ok, busy, err)
		}
	})
	t.Run("ErrBusyWhileOtherLiveOwnerRuns", func(t *testing.T) {
		db := MustOpenDB(t)
		s := mustAddSchool(t, db, "Lincoln")
		running := mustInsertUpload(t, db, s, "a.csv")
		mustInsertUpload(t, db, s, "b.csv")
		if _, ok, _, err := db.Claim(ctx, other, clockAt(testNow), live); err != nil || !ok {
			t.Fatalf("Claim(other) = %v, %v", ok, err)
		}
		_, ok, busy, err := db.Claim(ctx, me, clockAt(testNow), live)
		if err != nil || ok || !busy {
			t.Errorf("Claim(me) while %s runs upload %d = ok %v, busy %v, %v; want not ok, busy", other, running, ok, busy, err)
		}
	})
	t.Run("OKTakesBackDeadOwnersUpload", func(t *testing.T) {
		db := MustOpenDB(t)
		s := mustAddSchool(t, db, "Lincoln")
		id := mustInsertUpload(t, db, s, "a.csv")
		mustInsertUpload(t, db, s, "b.csv")
		if _, ok, _, err := db.Claim(ctx, other, clockAt(testNow), live); err != nil || !ok {
			t.Fatalf("Claim(other) = %v, %v", ok, err)
		}
		var asked string
		rec, ok, busy, err := db.Claim(ctx, me, clockAt(testNow.Add(time.Minute)), func(owner string, _ time.Time) bool {
			asked = owner
			return false
		})
		if err != nil || !ok || busy || rec.ID != id || rec.Owner != me {
			t.Fatalf("Claim(me) after %s died = %+v, %v, %v, %v; want upload %d taken back", other, rec, ok, busy, err, id)
		}
		if asked != other {
			t.Errorf("Claim asked alive(%q), want alive(%q)", asked, other)
		}
		var attempts int
		if err := db.r.QueryRowContext(ctx, `SELECT attempts FROM uploads WHERE id = ?`, id).Scan(&attempts); err != nil || attempts != 2 {
			t.Errorf("attempts = %d, %v, want 2", attempts, err)
		}
	})
	t.Run("OKReclaimsOwnInterruptedUpload", func(t *testing.T) {
		db := MustOpenDB(t)
		s := mustAddSchool(t, db, "Lincoln")
		id := mustInsertUpload(t, db, s, "a.csv")
		if _, ok, _, err := db.Claim(ctx, me, clockAt(testNow), live); err != nil || !ok {
			t.Fatalf("Claim = %v, %v", ok, err)
		}
		// Our own In Progress upload was interrupted (a cancelled run): it is ours to run
		// again, and the liveness of its owner (us) is not even asked.
		rec, ok, busy, err := db.Claim(ctx, me, clockAt(testNow), func(string, time.Time) bool {
			t.Errorf("Claim asked whether its own owner is alive")
			return true
		})
		if err != nil || !ok || busy || rec.ID != id {
			t.Errorf("Claim(me) again = %+v, %v, %v, %v, want upload %d again", rec, ok, busy, err, id)
		}
	})
	t.Run("OKFinishedUploadsIgnored", func(t *testing.T) {
		db := MustOpenDB(t)
		s := mustAddSchool(t, db, "Lincoln")
		id := mustInsertUpload(t, db, s, "a.csv")
		if _, _, _, err := db.Claim(ctx, me, clockAt(testNow), dead); err != nil {
			t.Fatal(err)
		}
		if err := db.FinishUpload(ctx, id, me, Finish{Status: core.StatusFailed, Message: "No."}, testNow); err != nil {
			t.Fatal(err)
		}
		if _, ok, busy, err := db.Claim(ctx, me, clockAt(testNow), dead); err != nil || ok || busy {
			t.Errorf("Claim after the only upload finished = %v, %v, %v, want nothing", ok, busy, err)
		}
		if _, err := db.File(ctx, id, "original"); core.ErrorKind(err) != core.KindNotFound {
			t.Errorf("File(original) after finishing = %v, want KindNotFound (the original may hold passwords)", err)
		}
	})
}

func TestHeartbeat(t *testing.T) {
	ctx := context.Background()
	const me, other = "host/1/me", "host/2/other"
	db := MustOpenDB(t)
	s := mustAddSchool(t, db, "Lincoln")
	id := mustInsertUpload(t, db, s, "a.csv")
	if _, ok, _, err := db.Claim(ctx, me, clockAt(testNow), nil); err != nil || !ok {
		t.Fatalf("Claim = %v, %v", ok, err)
	}
	later := testNow.Add(time.Second)
	if err := db.Heartbeat(ctx, id, me, core.Progress{Phase: core.PhaseChecking, Done: 3, Total: 10, Started: testNow}, later); err != nil {
		t.Fatalf("Heartbeat(owner) = %v", err)
	}
	rec, err := db.Upload(ctx, id)
	if err != nil || rec.Done != 3 || rec.Total != 10 || !rec.Heartbeat.Equal(later) || rec.Phase != core.PhaseChecking || !rec.PhaseStarted.Equal(testNow) {
		t.Errorf("Upload after Heartbeat = %s %d/%d since %v, heartbeat %v, %v; want Checking 3/10 since %v, %v", rec.Phase, rec.Done, rec.Total,
			rec.PhaseStarted, rec.Heartbeat, err, testNow, later)
	}

	// Another process decides we are dead and takes the upload over.
	if _, ok, _, err := db.Claim(ctx, other, clockAt(testNow.Add(time.Hour)), func(string, time.Time) bool { return false }); err != nil || !ok {
		t.Fatalf("Claim(other) = %v, %v", ok, err)
	}
	if err := db.Heartbeat(ctx, id, me, core.Progress{Done: 4, Total: 10}, later); core.ErrorKind(err) != core.KindConflict {
		t.Errorf("Heartbeat(old owner) after takeover = %v, want KindConflict", err)
	}
	if err := db.FinishUpload(ctx, id, me, Finish{Status: core.StatusCompleted}, later); core.ErrorKind(err) != core.KindConflict {
		t.Errorf("FinishUpload(old owner) after takeover = %v, want KindConflict", err)
	}
	if err := db.Heartbeat(ctx, id, other, core.Progress{Done: 1, Total: 10}, later); err != nil {
		t.Errorf("Heartbeat(new owner) = %v, want nil", err)
	}
}

// clockAt returns a clock stopped at t.
func clockAt(t time.Time) func() time.Time { return func() time.Time { return t } }

// TestImportDanglingKeyFailsCommit: the import checks foreign keys at commit (deferred),
// so a write that points at nothing must still fail the whole import, store nothing,
// and leave the writer connection ready for the next import (its stage detached).
func TestImportDanglingKeyFailsCommit(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	school := mustAddSchool(t, db, "Lincoln Elementary")
	countUsers := func() int {
		t.Helper()
		var n int
		if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	addUser := func(tx *ImportTx, id string) {
		t.Helper()
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO main.users (guid, user_id, user_id_key, role, first_name, last_name, username, username_key, created_at, updated_at)
			VALUES (?, ?, ?, 'Student', 'Ana', 'Lima', ?, ?, '', '')`, "guid-"+id, id, id, "ana"+id, "ana"+id); err != nil {
			t.Fatal(err)
		}
	}

	tx, err := db.BeginImport(ctx, mustStage(t), testNow, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	addUser(tx, "s1")
	// Class 999 does not exist: deferred, the statement itself succeeds.
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO main.enrollments (class_id, user_id, role) SELECT 999, id, 'Student' FROM main.users`); err != nil {
		t.Fatalf("an enrollment with a deferred key check: %v", err)
	}
	if err := tx.Commit(ctx); err == nil {
		t.Fatal("Commit of an enrollment into a missing class succeeded")
	}
	if n := countUsers(); n != 0 {
		t.Fatalf("after the failed commit %d users are stored, want 0", n)
	}

	// The writer must not be left inside the failed transaction, nor with a stage.
	tx, err = db.BeginImport(ctx, mustStage(t), testNow, time.Second)
	if err != nil {
		t.Fatalf("BeginImport after a failed commit: %v", err)
	}
	addUser(tx, "s2")
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO main.school_users (school_id, user_id) SELECT ?, id FROM main.users`, school.ID); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatalf("Commit of a valid import: %v", err)
	}
	if n := countUsers(); n != 1 {
		t.Fatalf("%d users stored, want 1", n)
	}
	// Deferral lasts one transaction: an ordinary write is checked at once again.
	if _, err := db.w.ExecContext(ctx, `INSERT INTO school_users (school_id, user_id) VALUES (?, 12345)`, school.ID); err == nil {
		t.Fatal("a school link to a missing user was stored outside the import")
	}
	var n int
	if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM pragma_database_list WHERE name = 'stage'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the stage is still attached to the writer after the import: %d, %v", n, err)
	}
}

// mustStage creates an empty stage in the test's folder and returns its path, closed.
func mustStage(t *testing.T) string {
	t.Helper()
	st, err := CreateStage(context.Background(), filepath.Join(t.TempDir(), "stage.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return st.Path()
}
