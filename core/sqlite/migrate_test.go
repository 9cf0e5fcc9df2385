package sqlite

import (
	"context"
	"database/sql"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/sqlite/migrations"
)

func TestMigrationsInOrder(t *testing.T) {
	ms, err := allMigrations()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i, m := range ms {
		names = append(names, m.name)
		if i > 0 && m.num <= ms[i-1].num {
			t.Errorf("migration %s runs after %s", m.name, ms[i-1].name)
		}
		if (m.run == nil) == (m.sql == "") {
			t.Errorf("migration %s is neither SQL nor Go", m.name)
		}
	}
	want := []string{"migrations/001_schema.sql", "migrations/002_drop_school_users_user.sql", "migrations/003_unicode_keys.go"}
	if len(names) < 3 || !reflect.DeepEqual(names[:3], want) {
		t.Errorf("migrations = %q, want %q first", names, want)
	}

	// Two migrations with one number are a mistake of the build.
	saved := migrations.Go
	defer func() { migrations.Go = saved }()
	migrations.Go = append(migrations.Go, migrations.Migration{Name: "002_again.go", Run: func(context.Context, *sql.Tx) error { return nil }})
	if _, err := allMigrations(); err == nil || !strings.Contains(err.Error(), "same number") {
		t.Errorf("allMigrations with two 002s = %v, want an error", err)
	}
}

// oldDatabase makes a database as schema 2 left it, with the rows given, keyed the way
// older versions keyed them (strings.ToLower on create, SQLite lower() on update).
func oldDatabase(t *testing.T, stmts ...string) string {
	t.Helper()
	return databaseBefore(t, 3, stmts...)
}

func userRow(id int, userID, userKey, username, usernameKey, role, email, emailKey, first string) string {
	return "INSERT INTO users (id, guid, user_id, user_id_key, role, first_name, last_name, email, email_key, username, username_key, created_at, updated_at) VALUES (" +
		strings.Join([]string{strconv.Itoa(id), q("guid-u" + strconv.Itoa(id)), q(userID), q(userKey), q(role), q(first), q("Lee"), q(email), q(emailKey), q(username), q(usernameKey), q("2026-01-01"), q("2026-01-01")}, ", ") + ")"
}

func q(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// TestUnicodeKeysMigration: the keys older versions stored are recomputed with core.Key;
// records that became the same are kept apart, recorded and reported, not merged.
func TestUnicodeKeysMigration(t *testing.T) {
	ctx := context.Background()
	path := oldDatabase(t,
		`INSERT INTO schools (id, guid, name, name_key, created_at) VALUES
			(1, 'guid-s1', 'Öster School', 'Öster school', '2026-01-01'),
			(2, 'guid-s2', 'öster school', 'öster school', '2026-01-01'),
			(3, 'guid-s3', 'Maple', 'maple', '2026-01-01')`,
		// ÄB1 was set by an update (SQLite's lower() left Ä), äb1 created later: the
		// row whose stored key already is the new key keeps it, here and below.
		userRow(1, "ÄB1", "Äb1", "ann", "ann", "Student", "", "", "Ann"),
		userRow(2, "äb1", "äb1", "bob", "bob", "Student", "", "", "Bob"),
		// Straße (created, key straße) and STRASSE: "strasse" is STRASSE's already.
		userRow(3, "S3", "s3", "Straße", "straße", "Teacher", "ÉVA@X.ORG", "Éva@x.org", "Eva"),
		userRow(4, "S4", "s4", "STRASSE", "strasse", "Teacher", "éva@x.org", "éva@x.org", "Evan"),
		// A student may share a teacher's email: not a duplicate, just a new key.
		userRow(5, "S5", "s5", "kid", "kid", "Student", "ÉVA@X.ORG", "Éva@x.org", "Kid"),
		// Keys that were simply stale move without meeting each other: B's old key is
		// A's new one.
		userRow(6, "B", "a", "six", "six", "Student", "", "", "Six"),
		userRow(7, "C", "b", "seven", "seven", "Student", "", "", "Seven"),
		// Neither holds the new key "äx" (one is decomposed, NFD): the older keeps it.
		userRow(8, "A\u0308X", "a\u0308x", "eight", "eight", "Student", "", "", "Eight"),
		userRow(9, "ÄX", "Äx", "nine", "nine", "Student", "", "", "Nine"),
		`INSERT INTO classes (id, guid, school_id, class_id, class_id_key, name, created_at, updated_at) VALUES
			(1, 'guid-c1', 3, 'ÇA1', 'Ça1', 'Art', '2026-01-01', '2026-01-01'),
			(2, 'guid-c2', 3, 'ça1', 'ça1', 'Art 2', '2026-01-01', '2026-01-01'),
			(3, 'guid-c3', 1, 'ÇA1', 'Ça1', 'Art', '2026-01-01', '2026-01-01')`,
	)
	db := mustOpenPath(t, path)

	for _, c := range []struct {
		query string
		want  []string
	}{
		{`SELECT name_key FROM schools ORDER BY id`, []string{"DUPLICATE 1", "öster school", "maple"}},
		{`SELECT user_id_key FROM users ORDER BY id`, []string{"DUPLICATE 1", "äb1", "s3", "s4", "s5", "b", "c", "äx", "DUPLICATE 9"}},
		{`SELECT username_key FROM users ORDER BY id`, []string{"ann", "bob", "DUPLICATE 3", "strasse", "kid", "six", "seven", "eight", "nine"}},
		{`SELECT email_key FROM users ORDER BY id`, []string{"", "", "DUPLICATE 3", "éva@x.org", "éva@x.org", "", "", "", ""}},
		{`SELECT class_id_key FROM classes ORDER BY id`, []string{"DUPLICATE 1", "ça1", "ça1"}},
	} {
		if got := column(t, db, c.query); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s = %q, want %q", c.query, got, c.want)
		}
	}

	got := duplicateLines(t, db)
	want := []string{
		"school_name: öster school (guid-s2) kept, Öster School (guid-s1)  ",
		"user_id: äb1 (guid-u2) kept, ÄB1 (guid-u1) Ann Lee ",
		"user_id: A\u0308X (guid-u8) kept, ÄX (guid-u9) Nine Lee ",
		"username: STRASSE (guid-u4) kept, Straße (guid-u3) Eva Lee ",
		"teacher_email: éva@x.org (guid-u4) kept, ÉVA@X.ORG (guid-u3) Eva Lee ",
		"class_id: ça1 (guid-c2) kept, ÇA1 (guid-c1) Art Maple",
	}
	// KeyDuplicates lists users, then classes, then schools.
	wantOrder := append(want[1:], want[0])
	if !reflect.DeepEqual(got, wantOrder) {
		t.Errorf("KeyDuplicates =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantOrder, "\n"))
	}

	// Giving the marked user another User ID settles that pair; the others stay.
	if _, err := db.w.ExecContext(ctx, `UPDATE users SET user_id = 'ÄB2', user_id_key = ? WHERE id = 1`, core.Key("ÄB2")); err != nil {
		t.Fatal(err)
	}
	// Renaming the marked school does too (RenameSchool computes the key).
	if err := db.RenameSchool(ctx, 1, "Öster North"); err != nil {
		t.Fatal(err)
	}
	if dups, err := db.KeyDuplicates(ctx); err != nil || len(dups) != 4 {
		t.Errorf("after settling two pairs, KeyDuplicates = %+v, %v; want 4 left", dups, err)
	}

	// Opening again runs nothing again.
	db2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if again, _ := db2.KeyDuplicates(ctx); len(again) != 4 {
		t.Errorf("after reopening, %d duplicates, want 4", len(again))
	}
}

// TestKeyDuplicatesBeforeMigration: a database that has not run the key migration (read
// before it could) reports none instead of failing.
func TestKeyDuplicatesNone(t *testing.T) {
	db := MustOpenDB(t)
	if dups, err := db.KeyDuplicates(context.Background()); err != nil || len(dups) != 0 {
		t.Errorf("KeyDuplicates on a new database = %v, %v; want none", dups, err)
	}
}
