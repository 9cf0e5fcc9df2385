package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

// TestUsernameOneTable: the triggers of migration 004 keep an operator from taking a
// user's username, even through a writer that forgot to check; the import's side is
// TestUsernamesAcrossAccounts in core/engine.
func TestUsernameOneTable(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	if _, err := db.AddOperator(ctx, NewOperator{Username: "jsmith", Name: "Jo Smith", Role: core.OperatorOrgAdmin,
		PwKind: core.PasswordTemporary, PwHash: "$sha256$x$y"}, testNow); err != nil {
		t.Fatal(err)
	}
	insertUser := func(username string) error {
		_, err := db.w.ExecContext(ctx, `INSERT INTO users (guid, user_id, user_id_key, role, first_name, last_name, username, username_key, created_at, updated_at)
			VALUES (?, ?, ?, 'Student', 'A', 'B', ?, ?, '', '')`, "g-"+username, "U"+username, "u"+username, username, core.Key(username))
		return err
	}
	if err := insertUser("ajones"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, `INSERT INTO operators (username, username_key, name, role, created_at, updated_at)
		VALUES ('AJones', 'ajones', 'A J', 'Organization Administrator', '', '')`); err == nil {
		t.Errorf("INSERT of an administrator with a user's username succeeded")
	}
	if _, err := db.w.ExecContext(ctx, `UPDATE operators SET username_key = 'ajones'`); err == nil {
		t.Errorf("UPDATE of an administrator's username to a user's succeeded")
	}
	_, err := db.AddOperator(ctx, NewOperator{Username: "AJones", Name: "A J", Role: core.OperatorOrgAdmin}, testNow)
	if core.ErrorCode(err) != core.AdminUsernameTaken {
		t.Errorf("AddOperator(a user's username, other case) = %v, want ADMIN_USERNAME_TAKEN", err)
	}
	l, err := db.LoginByUsername(ctx, "AJONES")
	if err != nil || !l.Found || l.UserID == 0 || l.OperatorID != 0 || l.UserRole != core.RoleStudent {
		t.Errorf("LoginByUsername(AJONES) = %+v, %v; want the student", l, err)
	}
	l, err = db.LoginByUsername(ctx, "JSmith")
	if err != nil || !l.Found || l.OperatorID == 0 || l.UserID != 0 {
		t.Errorf("LoginByUsername(JSmith) = %+v, %v; want the administrator", l, err)
	}
	if l, err := db.LoginByUsername(ctx, "nobody"); err != nil || l.Found {
		t.Errorf("LoginByUsername(nobody) = %+v, %v; want not found, no error", l, err)
	}
}

// TestSignInFailures: the count behind the pause, as the engine drives it.
func TestSignInFailures(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	const limit, pause = 5, 5 * time.Minute
	now := testNow
	attempt := func(ok bool) time.Time {
		t.Helper()
		until, err := db.BeginSignIn(ctx, "k", now, limit, pause)
		if err != nil {
			t.Fatal(err)
		}
		if !until.IsZero() {
			return until
		}
		until, err = db.EndSignIn(ctx, "k", ok, now, limit, pause)
		if err != nil {
			t.Fatal(err)
		}
		return until
	}
	for i := 1; i <= 4; i++ {
		if until := attempt(false); !until.IsZero() {
			t.Fatalf("wrong attempt %d paused until %v, want no pause", i, until)
		}
	}
	if until := attempt(false); !until.Equal(now.Add(pause)) {
		t.Fatalf("fifth wrong attempt: paused until %v, want %v", until, now.Add(pause))
	}
	if until := attempt(true); !until.Equal(now.Add(pause)) {
		t.Errorf("attempt while paused: %v, want the same pause", until)
	}
	now = now.Add(pause)
	if until := attempt(false); !until.IsZero() {
		t.Errorf("first wrong attempt after the pause: paused until %v, want a new series", until)
	}
	if until := attempt(true); !until.IsZero() {
		t.Errorf("right attempt: %v", until)
	}
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM signin_failures`).Scan(&n); err != nil || n != 0 {
		t.Errorf("rows after a right password: %d, %v; want 0", n, err)
	}
	// Slates nobody touched for a day are wiped.
	attempt(false)
	now = now.Add(25 * time.Hour)
	if _, err := db.BeginSignIn(ctx, "other", now, limit, pause); err != nil {
		t.Fatal(err)
	}
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM signin_failures WHERE username_key = 'k'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("a day-old slate: %d rows, %v; want it wiped", n, err)
	}
}
