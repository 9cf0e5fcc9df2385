package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
)

// testAccount is a user to store directly, without an import.
type testAccount struct {
	userID, role, first, last, email, username string
}

// mustInsertAccounts stores accounts in school, in one transaction.
func mustInsertAccounts(tb testing.TB, db *DB, school core.School, accts ...testAccount) {
	tb.Helper()
	ctx := context.Background()
	err := db.write(ctx, func(tx *sql.Tx) error {
		for i, a := range accts {
			res, err := tx.ExecContext(ctx, `INSERT INTO users (guid, user_id, user_id_key, role, first_name, last_name, email, email_key,
				username, username_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				fmt.Sprintf("guid-%s-%d", a.userID, i), a.userID, core.Key(a.userID), a.role, a.first, a.last, a.email, core.Key(a.email),
				a.username, core.Key(a.username), fmtTime(testNow), fmtTime(testNow))
			if err != nil {
				return err
			}
			id, _ := res.LastInsertId()
			if _, err := tx.ExecContext(ctx, `INSERT INTO school_users (school_id, user_id) VALUES (?, ?)`, school.ID, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("insert accounts: %v", err)
	}
}

func usernames(accts []core.Account) []string {
	out := make([]string, len(accts))
	for i, a := range accts {
		out[i] = a.Username
	}
	return out
}

// TestAccountsSearchFolds: a search ignores accents and case in names, as the window
// promises ("zoe" finds "Zoë Nguyễn"), and case in User IDs, usernames and emails; LIKE's
// wildcards typed in a search are plain characters.
func TestAccountsSearchFolds(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	school := mustAddSchool(t, db, "Lincoln Elementary")
	mustInsertAccounts(t, db, school,
		testAccount{"S1", "Student", "Zoë", "Nguyễn", "", "znguyen"},
		testAccount{"S2", "Student", "Zoe", "Park", "zoe.park@example.org", "zpark"},
		testAccount{"ÉLÈVE7", "Student", "Søren", "Straße", "", "sstrasse"},
		testAccount{"T1", "Teacher", "Ana", "Diaz", "Ana.Diaz@Example.org", "adiaz"},
		testAccount{"S3", "Student", "Per", "Cent", "", "pct_1"},
	)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"zoe", []string{"znguyen", "zpark"}},
		{"ZOË", []string{"znguyen", "zpark"}},
		{"nguyen", []string{"znguyen"}},
		{"Zoë Ngu", []string{"znguyen"}},
		{"élève7", []string{"sstrasse"}},        // User ID, any case (its accents as stored)
		{"strasse", []string{"sstrasse"}},       // ß spelled as in usernames
		{"SOREN", []string{"sstrasse"}},         // ø
		{"ana.diaz@example", []string{"adiaz"}}, // email, any case
		{"PCT_", []string{"pct_1"}},             // _ is a character, not a wildcard
		{"%", nil},                              // and so is %
		{"nobody", nil},
	} {
		got, err := db.Accounts(ctx, AccountFilter{SchoolID: school.ID, Query: tc.query})
		if err != nil {
			t.Fatalf("Accounts(%q): %v", tc.query, err)
		}
		names := usernames(got)
		slices.Sort(names)
		if !slices.Equal(names, tc.want) {
			t.Errorf("Accounts(query %q) = %v, want %v", tc.query, names, tc.want)
		}
	}
}

// TestAccountsPage: pages follow the Accounts order without gaps or repeats, carry
// their classes, and the total counts every match whichever page is asked.
func TestAccountsPage(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	school := mustAddSchool(t, db, "Lincoln Elementary")
	other := mustAddSchool(t, db, "Washington Middle")
	var accts []testAccount
	for i := range 25 {
		accts = append(accts, testAccount{fmt.Sprintf("S%02d", i), "Student", "Kid", fmt.Sprintf("Lee%02d", 24-i), "", fmt.Sprintf("kid%02d", i)})
	}
	accts = append(accts, testAccount{"T1", "Teacher", "Zed", "Zulu", "zed@example.org", "zzulu"})
	mustInsertAccounts(t, db, school, accts...)
	mustInsertAccounts(t, db, other, testAccount{"S99", "Student", "Kid", "Elsewhere", "", "kelse"})
	if err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO classes (guid, school_id, class_id, class_id_key, name, created_at, updated_at)
			VALUES ('c1', ?, 'MATH3', 'math3', 'Math 3', '', '')`, school.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO enrollments (class_id, user_id, role)
			SELECT 1, id, role FROM users WHERE username = 'kid03'`)
		return err
	}); err != nil {
		t.Fatal(err)
	}

	all, err := db.Accounts(ctx, AccountFilter{SchoolID: school.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 26 || all[0].Username != "zzulu" {
		t.Fatalf("Accounts = %d accounts starting %q, want 26 with the teacher first", len(all), all[0].Username)
	}
	var paged []core.Account
	for offset := 0; offset < 40; offset += 10 {
		p, err := db.AccountsPage(ctx, AccountFilter{SchoolID: school.ID}, offset, 10)
		if err != nil {
			t.Fatalf("AccountsPage(offset %d): %v", offset, err)
		}
		if p.Total != 26 {
			t.Errorf("AccountsPage(offset %d).Total = %d, want 26", offset, p.Total)
		}
		paged = append(paged, p.Accounts...)
	}
	if !slices.Equal(usernames(paged), usernames(all)) {
		t.Errorf("the pages read %v, want %v", usernames(paged), usernames(all))
	}
	for _, a := range paged {
		if a.Username == "kid03" && !slices.Equal(a.Classes, []string{"MATH3"}) {
			t.Errorf("kid03's classes on its page = %v, want [MATH3]", a.Classes)
		}
	}

	p, err := db.AccountsPage(ctx, AccountFilter{SchoolID: school.ID, StudentsOnly: true, Query: "LEE0"}, 0, 4)
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != 10 || len(p.Accounts) != 4 || p.Accounts[0].LastName != "Lee00" {
		t.Errorf("a search's first page = %d of %d starting %v, want 4 of 10 starting Lee00", len(p.Accounts), p.Total, usernames(p.Accounts))
	}
	p, err = db.AccountsPage(ctx, AccountFilter{SchoolID: school.ID, Query: "nobody"}, 0, 4)
	if err != nil || p.Total != 0 || len(p.Accounts) != 0 {
		t.Errorf("AccountsPage(no match) = %+v, %v, want nothing", p, err)
	}
}

// TestWatch: a Watch sees the commits of this process's writer and of another
// connection to the same file (as another window or rosterctl makes), each once, and
// reads alone change nothing.
func TestWatch(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	w, err := db.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	changed := func(what string, want bool) {
		t.Helper()
		got, err := w.Changed(ctx)
		if err != nil {
			t.Fatalf("Changed after %s: %v", what, err)
		}
		if got != want {
			t.Errorf("Changed after %s = %v, want %v", what, got, want)
		}
	}
	changed("opening", false)
	changed("nothing", false)
	mustAddSchool(t, db, "Lincoln Elementary")
	changed("this process's write", true)
	changed("nothing again", false)
	if _, err := db.Schools(ctx); err != nil {
		t.Fatal(err)
	}
	changed("a read", false)

	other, err := Open(ctx, db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.AddSchool(ctx, "Washington Middle", testNow); err != nil {
		t.Fatal(err)
	}
	changed("another connection's write", true)

	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
	if _, err := w.Changed(ctx); err == nil {
		t.Error("Changed after Close succeeded")
	}
}

// BenchmarkAccountsPage600k reads pages of a school of 600,000 accounts, as the
// Accounts page does: the first page, a search, and the last page. The figures are in
// docs/performance.md.
func BenchmarkAccountsPage600k(b *testing.B) {
	ctx := context.Background()
	db := MustOpenDB(b)
	school := mustAddSchool(b, db, "Lincoln Elementary")
	const n = 600000
	if err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?)
			INSERT INTO users (guid, user_id, user_id_key, role, first_name, last_name, username, username_key, created_at, updated_at)
			SELECT 'g' || i, 'S' || i, 's' || i, 'Student', CASE WHEN i % 1000 = 0 THEN 'Zoë' ELSE 'Sam' END, 'Lee' || i, 'slee' || i, 'slee' || i, '', ''
			FROM k`, n); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO school_users (school_id, user_id) SELECT ?, id FROM users`, school.ID)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name   string
		query  string
		offset int
	}{
		{"FirstPage", "", 0},
		{"LastPage", "", n - 200},
		{"Search", "zoe", 0},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				p, err := db.AccountsPage(ctx, AccountFilter{SchoolID: school.ID, Query: bc.query}, bc.offset, 200)
				if err != nil || p.Total == 0 || len(p.Accounts) == 0 {
					b.Fatalf("AccountsPage = %d of %d, %v", len(p.Accounts), p.Total, err)
				}
			}
		})
	}
	b.Run("WholeSchool", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.Accounts(ctx, AccountFilter{SchoolID: school.ID}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
