package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// databaseBefore makes a database as the version before migration n left it (every
// migration numbered below n run, the later ones not), then runs stmts in it.
func databaseBefore(t *testing.T, n int, stmts ...string) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", fileURI(path)+"?_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	ms, err := allMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `CREATE TABLE schema_migrations (name TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.num >= n {
			break
		}
		tx, err := raw.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := runMigration(ctx, tx, m); err != nil {
			tx.Rollback()
			t.Fatalf("%s: %v", m.name, err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range stmts {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	return path
}

// column returns the one column of text query reads.
func column(t *testing.T, db *DB, query string) []string {
	t.Helper()
	rows, err := db.r.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// duplicateLines returns db.KeyDuplicates, one line per pair: its kind, the value and
// GUID that keep the key, then the other record's value, GUID, name and school.
func duplicateLines(t *testing.T, db *DB) []string {
	t.Helper()
	dups, err := db.KeyDuplicates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range dups {
		out = append(out, d.Kind+": "+d.Kept.Value+" ("+d.Kept.GUID+") kept, "+d.Other.Value+" ("+d.Other.GUID+") "+d.Other.Name+" "+d.School)
	}
	return out
}

// keyBefore007 is core.Key as schemas 3 to 6 computed it: NFC, then full case folding.
func keyBefore007(s string) string { return cases.Fold().String(norm.NFC.String(s)) }

// TestCompatibilityKeysMigration: migration 007 recomputes the keys stored by the
// versions whose Key was NFC and case folding only. S11 and the fullwidth Ｓ１１ (or
// S١١ in Arabic-Indic digits), two users until then, are one User ID now: both are
// kept, S11 keeps the key, and the pair is reported; the same for usernames, teacher
// emails, Class IDs and school names, and a user whose username is now an
// administrator's. A pair migration 003 recorded is not recorded again, and the sign-in
// counters follow their keys.
func TestCompatibilityKeysMigration(t *testing.T) {
	path := databaseBefore(t, 7,
		`INSERT INTO schools (id, guid, name, name_key, created_at) VALUES
			(1, 'guid-s1', 'Oak School', 'oak school', '2026-01-01'),
			(2, 'guid-s2', 'Oak`+"\u3000"+`School', '`+keyBefore007("Oak\u3000School")+`', '2026-01-01'),
			(3, 'guid-s3', 'Maple', 'maple', '2026-01-01')`,
		userRow(1, "S11", "s11", "ann", "ann", "Student", "", "", "Ann"),
		userRow(2, "Ｓ１１", keyBefore007("Ｓ１１"), "bob", "bob", "Student", "", "", "Bob"),
		userRow(3, "S١١", keyBefore007("S١١"), "cy", "cy", "Student", "", "", "Cy"),
		// Its new key is nobody's: it only moves.
		userRow(4, "Ｔ７", keyBefore007("Ｔ７"), "dee", "dee", "Student", "", "", "Dee"),
		userRow(5, "T1", "t1", "john", "john", "Teacher", "ann@x.org", "ann@x.org", "John"),
		userRow(6, "T2", "t2", "ｊｏｈｎ", keyBefore007("ｊｏｈｎ"), "Teacher", "ａｎｎ@x.org", keyBefore007("ａｎｎ@x.org"), "Jon"),
		// A student may share a teacher's email: a new key, not a duplicate.
		userRow(7, "S7", "s7", "kid", "kid", "Student", "ａｎｎ@x.org", keyBefore007("ａｎｎ@x.org"), "Kid"),
		// A pair migration 003 found: ÄB1 is marked, äb1 keeps the key.
		userRow(8, "ÄB1", "DUPLICATE 8", "eve", "eve", "Student", "", "", "Eve"),
		userRow(9, "äb1", "äb1", "fay", "fay", "Student", "", "", "Fay"),
		`INSERT INTO key_duplicates (kind, row_id, marker, kept_id, found_at) VALUES ('user_id', 8, 'DUPLICATE 8', 9, '2026-01-01')`,
		// A username from before usernames were ASCII-only, now an administrator's.
		userRow(10, "S10", "s10", "ｄａｎ", keyBefore007("ｄａｎ"), "Student", "", "", "Dan"),
		`INSERT INTO operators (id, username, username_key, name, role, created_at, updated_at) VALUES
			(1, 'Dan', 'dan', 'Dan Admin', 'Organization Administrator', '2026-01-01', '2026-01-01')`,
		`INSERT INTO classes (id, guid, school_id, class_id, class_id_key, name, created_at, updated_at) VALUES
			(1, 'guid-c1', 3, 'ART1', 'art1', 'Art', '2026-01-01', '2026-01-01'),
			(2, 'guid-c2', 3, 'ＡＲＴ１', '`+keyBefore007("ＡＲＴ１")+`', 'Art 2', '2026-01-01', '2026-01-01'),
			(3, 'guid-c3', 1, 'ＡＲＴ１', '`+keyBefore007("ＡＲＴ１")+`', 'Art', '2026-01-01', '2026-01-01')`,
		`INSERT INTO signin_failures (username_key, failures, locked_until, last_failure) VALUES
			('jsmith', 1, '', '2026-08-20T09:00:00.000Z'),
			('`+keyBefore007("ＪＳＭＩＴＨ")+`', 3, '', '2026-08-20T09:01:00.000Z'),
			('`+keyBefore007("ｘｙｚ")+`', 0, '2026-08-20T09:10:00.000Z', '2026-08-20T09:05:00.000Z')`,
	)
	db := mustOpenPath(t, path)

	for _, c := range []struct {
		query string
		want  []string
	}{
		{`SELECT name_key FROM schools ORDER BY id`, []string{"oak school", "DUPLICATE 2", "maple"}},
		{`SELECT user_id_key FROM users ORDER BY id`, []string{"s11", "DUPLICATE 2", "DUPLICATE 3", "t7", "t1", "t2", "s7", "DUPLICATE 8", "äb1", "s10"}},
		{`SELECT username_key FROM users ORDER BY id`, []string{"ann", "bob", "cy", "dee", "john", "DUPLICATE 6", "kid", "eve", "fay", "DUPLICATE 10"}},
		{`SELECT email_key FROM users ORDER BY id`, []string{"", "", "", "", "ann@x.org", "DUPLICATE 6", "ann@x.org", "", "", ""}},
		{`SELECT username_key FROM operators ORDER BY id`, []string{"dan"}},
		{`SELECT class_id_key FROM classes ORDER BY id`, []string{"art1", "DUPLICATE 2", "art1"}},
		{`SELECT username_key || ' ' || failures || ' ' || locked_until || ' ' || last_failure FROM signin_failures ORDER BY username_key`, []string{
			"jsmith 4  2026-08-20T09:01:00.000Z",
			"xyz 0 2026-08-20T09:10:00.000Z 2026-08-20T09:05:00.000Z",
		}},
	} {
		if got := column(t, db, c.query); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s = %q, want %q", c.query, got, c.want)
		}
	}

	// KeyDuplicates lists users, then classes, then schools, each in the order found.
	want := []string{
		"user_id: äb1 (guid-u9) kept, ÄB1 (guid-u8) Eve Lee ",
		"user_id: S11 (guid-u1) kept, Ｓ１１ (guid-u2) Bob Lee ",
		"user_id: S11 (guid-u1) kept, S١١ (guid-u3) Cy Lee ",
		"username: john (guid-u5) kept, ｊｏｈｎ (guid-u6) Jon Lee ",
		"teacher_email: ann@x.org (guid-u5) kept, ａｎｎ@x.org (guid-u6) Jon Lee ",
		"operator_username: Dan () kept, ｄａｎ (guid-u10) Dan Lee ",
		"class_id: ART1 (guid-c1) kept, ＡＲＴ１ (guid-c2) Art 2 Maple",
		"school_name: Oak School (guid-s1) kept, Oak\u3000School (guid-s2)  ",
	}
	if got := duplicateLines(t, db); !reflect.DeepEqual(got, want) {
		t.Errorf("KeyDuplicates =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// The administrator's username reaches the administrator only.
	if l, err := db.LoginByUsername(context.Background(), "ｄａｎ"); err != nil || l.OperatorID != 1 || l.UserID != 0 {
		t.Errorf("LoginByUsername(ｄａｎ) = %+v, %v; want the administrator", l, err)
	}

	// Opening again runs nothing again.
	db.Close()
	db = mustOpenPath(t, path)
	if got := duplicateLines(t, db); !reflect.DeepEqual(got, want) {
		t.Errorf("after reopening, KeyDuplicates =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
