package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

// NewOperator is an administrator account to add, with its password already hashed.
type NewOperator struct {
	Username  string
	Name      string
	Email     string
	Role      core.OperatorRole
	SchoolIDs []int64 // a School Organization Administrator's schools
	TeacherID int64   // the teacher account the administrator also is, or 0
	PwKind    core.PasswordState
	PwHash    string
}

// AddOperator adds an administrator account. It returns an error of kind KindConflict
// (ADMIN_USERNAME_TAKEN) when an operator or a user already has the username,
// KindNotFound when a school is missing, and KindInvalid (ADMIN_NOT_TEACHER,
// ADMIN_TEACHER_LINKED) for a teacher link that cannot be made.
func (db *DB) AddOperator(ctx context.Context, o NewOperator, now time.Time) (core.Operator, error) {
	var out core.Operator
	err := db.write(ctx, func(tx *sql.Tx) error {
		id, err := addOperator(ctx, tx, o, now)
		if err != nil {
			return err
		}
		out, err = findOperator(ctx, tx, `o.id = ?`, id)
		return err
	})
	return out, err
}

// Setup creates, in one transaction, the organization (unless one exists), the school
// named school (unless a school of that name exists; "" adds none) and the first
// administrator. It returns an error of kind KindConflict (ACCESS_SETUP_DONE) when the
// database already has an administrator, and KindInvalid when the organization would
// be left without a school.
func (db *DB) Setup(ctx context.Context, org, school string, o NewOperator, now time.Time) (core.Operator, error) {
	var out core.Operator
	err := db.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM operators`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return core.Refusal(core.KindConflict, core.AccessSetupDone, "", "")
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO org (id, name, created_at) VALUES (1, ?, ?)`, org, fmtTime(now)); err != nil {
			return err
		}
		if school != "" {
			if _, err := findSchool(ctx, tx, `name_key = ?`, core.Key(school)); core.ErrorKind(err) == core.KindNotFound {
				if _, err := insertSchool(ctx, tx, school, now); err != nil {
					return err
				}
			} else if err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schools`).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return core.Errorf(core.KindInvalid, "Type the name of the organization's first school.")
		}
		id, err := addOperator(ctx, tx, o, now)
		if err != nil {
			return err
		}
		out, err = findOperator(ctx, tx, `o.id = ?`, id)
		return err
	})
	return out, err
}

func addOperator(ctx context.Context, tx *sql.Tx, o NewOperator, now time.Time) (int64, error) {
	key := core.Key(o.Username)
	if err := usernameFree(ctx, tx, key, o.Username); err != nil {
		return 0, err
	}
	if err := checkTeacherLink(ctx, tx, 0, o.TeacherID); err != nil {
		return 0, err
	}
	var teacher any
	if o.TeacherID != 0 {
		teacher = o.TeacherID
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO operators (
			username,
			username_key,
			name,
			email,
			role,
			teacher_id,
			pw_kind,
			pw_hash,
			pw_issued_at,
			created_at,
			updated_at
		) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.Username, key, o.Name, o.Email, string(o.Role), teacher,
		string(o.PwKind), o.PwHash, fmtTime(now), fmtTime(now), fmtTime(now))
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	if err := setOperatorSchools(ctx, tx, id, o.SchoolIDs); err != nil {
		return 0, err
	}
	// A username that was probed before the account existed starts with a clean slate.
	_, err = tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE username_key = ?`, key)
	return id, err
}

// usernameFree returns ADMIN_USERNAME_TAKEN (KindConflict) when an operator or a user
// has the username key.
func usernameFree(ctx context.Context, tx *sql.Tx, key, username string) error {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM operators WHERE username_key = ?1) +
			(SELECT COUNT(*) FROM users WHERE username_key = ?1)`, key).Scan(&n)
	if err != nil {
		return err
	}
	if n > 0 {
		return core.Refusal(core.KindConflict, core.AdminUsernameTaken, username, "")
	}
	return nil
}

// checkTeacherLink checks that teacherID (when not 0) is a teacher account that no
// operator other than operatorID is linked to.
func checkTeacherLink(ctx context.Context, tx *sql.Tx, operatorID, teacherID int64) error {
	if teacherID == 0 {
		return nil
	}
	var a core.Account
	err := scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountCols+` FROM users u WHERE u.id = ?`, teacherID), &a)
	if errors.Is(err, sql.ErrNoRows) {
		return core.Errorf(core.KindNotFound, "That teacher account no longer exists.")
	}
	if err != nil {
		return err
	}
	if a.Role != core.RoleTeacher {
		return core.Refusal(core.KindInvalid, core.AdminNotTeacher, a.Username, "")
	}
	var other int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM operators WHERE teacher_id = ? AND id <> ?`, teacherID, operatorID).Scan(&other)
	if err == nil {
		return core.Refusal(core.KindInvalid, core.AdminTeacherLinked, a.Username, "")
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	return nil
}

// setOperatorSchools replaces an operator's schools; a missing school is KindNotFound.
func setOperatorSchools(ctx context.Context, tx *sql.Tx, id int64, schoolIDs []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM operator_schools WHERE operator_id = ?`, id); err != nil {
		return err
	}
	for _, s := range schoolIDs {
		if _, err := findSchool(ctx, tx, `id = ?`, s); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO operator_schools (operator_id, school_id) VALUES (?, ?)`, id, s); err != nil {
			return err
		}
	}
	return nil
}

const operatorCols = `o.id,
	o.username,
	o.name,
	o.email,
	o.role,
	COALESCE(o.teacher_id, 0),
	o.pw_kind,
	o.pw_issued_at,
	o.created_at,
	COALESCE((SELECT locked_until FROM signin_failures f WHERE f.username_key = o.username_key), '')`

// findOperators returns the operators matching where (over operators o), by name, with
// their schools and linked teacher accounts.
func findOperators(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]core.Operator, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+operatorCols+` FROM operators o WHERE `+where+` ORDER BY o.id`, args...)
	if err != nil {
		return nil, err
	}
	var out []core.Operator
	for rows.Next() {
		var o core.Operator
		var role, kind, issued, created, locked string
		if err := rows.Scan(&o.ID, &o.Username, &o.Name, &o.Email, &role, &o.Teacher.ID, &kind, &issued, &created, &locked); err != nil {
			rows.Close()
			return nil, err
		}
		o.Role, o.Password = core.OperatorRole(role), core.PasswordState(kind)
		o.IssuedAt, o.CreatedAt, o.LockedUntil = parseTime(issued), parseTime(created), parseTime(locked)
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b core.Operator) int { return cmp.Compare(core.Key(a.Name), core.Key(b.Name)) })
	for i := range out {
		o := &out[i]
		if o.Schools, err = schoolsWhere(ctx, tx, `id IN (SELECT school_id FROM operator_schools WHERE operator_id = ?)`, o.ID); err != nil {
			return nil, err
		}
		if o.Teacher.ID != 0 {
			if err := scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountCols+` FROM users u WHERE u.id = ?`, o.Teacher.ID), &o.Teacher); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// findOperator returns the one operator matching where, or ADMIN_NOT_FOUND (KindNotFound).
func findOperator(ctx context.Context, tx *sql.Tx, where string, arg any) (core.Operator, error) {
	ops, err := findOperators(ctx, tx, where, arg)
	if err != nil {
		return core.Operator{}, err
	}
	if len(ops) == 0 {
		return core.Operator{}, core.Refusal(core.KindNotFound, core.AdminNotFound, "", "")
	}
	return ops[0], nil
}

// Operators lists the administrator accounts by name.
func (db *DB) Operators(ctx context.Context) ([]core.Operator, error) {
	var out []core.Operator
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = findOperators(ctx, tx, `1`)
		return err
	})
	return out, err
}

// Operator returns the administrator account id, or ADMIN_NOT_FOUND (KindNotFound).
func (db *DB) Operator(ctx context.Context, id int64) (core.Operator, error) {
	return db.readOperator(ctx, `o.id = ?`, id, "")
}

// OperatorByUsername returns the administrator account with the username (compared by
// core.Key), or ADMIN_NOT_FOUND (KindNotFound).
func (db *DB) OperatorByUsername(ctx context.Context, username string) (core.Operator, error) {
	return db.readOperator(ctx, `o.username_key = ?`, core.Key(strings.TrimSpace(username)), username)
}

// readOperator reads the one operator matching where; name fills the message when there
// is none.
func (db *DB) readOperator(ctx context.Context, where string, arg any, name string) (core.Operator, error) {
	var out core.Operator
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = findOperator(ctx, tx, where, arg)
		if core.ErrorCode(err) == core.AdminNotFound {
			err = core.Refusal(core.KindNotFound, core.AdminNotFound, name, "")
		}
		return err
	})
	return out, err
}

// HasOperators reports whether the database has any administrator account, that is
// whether the window must ask someone to sign in.
func (db *DB) HasOperators(ctx context.Context) (bool, error) {
	var n int
	err := db.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM operators`).Scan(&n)
	})
	return n > 0, err
}

// SetOperatorSchools replaces the schools of administrator id. It returns KindNotFound
// for a missing operator or school.
func (db *DB) SetOperatorSchools(ctx context.Context, id int64, schoolIDs []int64, now time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := touchOperator(ctx, tx, id, now); err != nil {
			return err
		}
		return setOperatorSchools(ctx, tx, id, schoolIDs)
	})
}

// SetOperatorRole changes the role of administrator id. Making the last Organization
// Administrator anything else is refused with ACCESS_LAST_ORG_ADMIN (KindConflict).
func (db *DB) SetOperatorRole(ctx context.Context, id int64, role core.OperatorRole, now time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		o, err := findOperator(ctx, tx, `o.id = ?`, id)
		if err != nil {
			return err
		}
		if role != core.OperatorOrgAdmin {
			if err := keepOneOrgAdmin(ctx, tx, o); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE operators SET role = ?, updated_at = ? WHERE id = ?`, string(role), fmtTime(now), id)
		return err
	})
}

// SetOperatorTeacher links administrator id to the teacher account teacherID (0
// unlinks). It returns ADMIN_NOT_TEACHER or ADMIN_TEACHER_LINKED (KindInvalid) for a
// link that cannot be made and KindNotFound for a missing account.
func (db *DB) SetOperatorTeacher(ctx context.Context, id, teacherID int64, now time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := touchOperator(ctx, tx, id, now); err != nil {
			return err
		}
		if err := checkTeacherLink(ctx, tx, id, teacherID); err != nil {
			return err
		}
		var teacher any
		if teacherID != 0 {
			teacher = teacherID
		}
		_, err := tx.ExecContext(ctx, `UPDATE operators SET teacher_id = ? WHERE id = ?`, teacher, id)
		return err
	})
}

// RemoveOperator removes administrator id; their uploads keep the name they were made
// under. Removing the last Organization Administrator is refused with
// ACCESS_LAST_ORG_ADMIN (KindConflict).
func (db *DB) RemoveOperator(ctx context.Context, id int64) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		o, err := findOperator(ctx, tx, `o.id = ?`, id)
		if err != nil {
			return err
		}
		if err := keepOneOrgAdmin(ctx, tx, o); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM operators WHERE id = ?`, id)
		return err
	})
}

// keepOneOrgAdmin refuses to take o's role away when o is the last Organization
// Administrator.
func keepOneOrgAdmin(ctx context.Context, tx *sql.Tx, o core.Operator) error {
	if o.Role != core.OperatorOrgAdmin {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM operators WHERE role = ? AND id <> ?`, string(core.OperatorOrgAdmin), o.ID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return core.Refusal(core.KindConflict, core.AccessLastOrgAdmin, o.Name, "")
	}
	return nil
}

// touchOperator marks operator id as changed, or returns ADMIN_NOT_FOUND.
func touchOperator(ctx context.Context, tx *sql.Tx, id int64, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE operators SET updated_at = ? WHERE id = ?`, fmtTime(now), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.Refusal(core.KindNotFound, core.AdminNotFound, "", "")
	}
	return nil
}

// SetOperatorPassword stores the password hash of administrator id, as SetPassword does
// for users (ifHash, when not "", makes the change conditional on the stored hash), and
// ends any pause of the account's sign-in.
func (db *DB) SetOperatorPassword(ctx context.Context, id int64, kind core.PasswordState, hash string, issuedAt time.Time, ifHash string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		return putPassword(ctx, tx, operatorsTable, id, kind, hash, issuedAt, ifHash)
	})
}

// Login is the account a username names, as sign-in sees it: an administrator account
// (OperatorID set), a user account (UserID set), or nothing (Found false).
type Login struct {
	Found      bool
	OperatorID int64
	UserID     int64
	UserRole   core.Role // a user's role: Teacher or Student
	Username   string
	Email      string
	Password   core.PasswordState
	Hash       string
	IssuedAt   time.Time
}

// LoginByUsername finds the account with the username (compared by core.Key) among the
// administrators and the users. Both tables are searched whether or not the first
// holds it, so a known and an unknown username cost the same queries; an unknown one is
// not an error (Found is false).
func (db *DB) LoginByUsername(ctx context.Context, username string) (Login, error) {
	var l Login
	err := db.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT
				id,
				0,
				'',
				username,
				email,
				pw_kind,
				pw_hash,
				pw_issued_at
			FROM operators WHERE username_key = ?1
			UNION ALL SELECT
				0,
				id,
				role,
				username,
				email,
				pw_kind,
				pw_hash,
				pw_issued_at
			FROM users WHERE username_key = ?1`, core.Key(strings.TrimSpace(username)))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var role, kind, issued string
			if err := rows.Scan(&l.OperatorID, &l.UserID, &role, &l.Username, &l.Email, &kind, &l.Hash, &issued); err != nil {
				return err
			}
			// The triggers of migration 004 keep a username in one table only.
			l.Found, l.UserRole, l.Password, l.IssuedAt = true, core.Role(role), core.PasswordState(kind), parseTime(issued)
		}
		return rows.Err()
	})
	return l, err
}

// BeginSignIn records a sign-in attempt for the username key before its password is
// checked, so that attempts made at once cannot get past the limit together. It counts
// the attempt as a failure until EndSignIn says otherwise. When the key's sign-in is
// paused it returns the end of the pause and records nothing; when limit attempts are
// already counted it starts a pause of length pause and returns its end.
func (db *DB) BeginSignIn(ctx context.Context, key string, now time.Time, limit int, pause time.Duration) (lockedUntil time.Time, err error) {
	err = db.write(ctx, func(tx *sql.Tx) error {
		// Old slates of usernames nobody tried since yesterday are wiped, so probing
		// random names cannot grow the table without bound.
		if _, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE last_failure < ? AND locked_until < ?`,
			fmtTime(now.Add(-24*time.Hour)), fmtTime(now)); err != nil {
			return err
		}
		failures, until, err := signInFailures(ctx, tx, key)
		if err != nil {
			return err
		}
		if now.Before(until) {
			lockedUntil = until
			return nil
		}
		if !until.IsZero() {
			failures = 0 // the pause is over: a new series begins
		}
		if failures >= limit {
			lockedUntil = now.Add(pause)
			return putSignInFailures(ctx, tx, key, 0, lockedUntil, now)
		}
		return putSignInFailures(ctx, tx, key, failures+1, time.Time{}, now)
	})
	return lockedUntil, err
}

// EndSignIn records the outcome of an attempt BeginSignIn counted: a right password
// clears the key's failures; a wrong one that makes limit in a row pauses the key's
// sign-in for pause and returns the end of the pause.
func (db *DB) EndSignIn(ctx context.Context, key string, ok bool, now time.Time, limit int, pause time.Duration) (lockedUntil time.Time, err error) {
	err = db.write(ctx, func(tx *sql.Tx) error {
		if ok {
			_, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE username_key = ?`, key)
			return err
		}
		failures, until, err := signInFailures(ctx, tx, key)
		if err != nil {
			return err
		}
		if now.Before(until) {
			lockedUntil = until
			return nil
		}
		if failures >= limit {
			lockedUntil = now.Add(pause)
			return putSignInFailures(ctx, tx, key, 0, lockedUntil, now)
		}
		return nil
	})
	return lockedUntil, err
}

func signInFailures(ctx context.Context, tx *sql.Tx, key string) (int, time.Time, error) {
	var n int
	var until string
	err := tx.QueryRowContext(ctx, `SELECT failures, locked_until FROM signin_failures WHERE username_key = ?`, key).Scan(&n, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	return n, parseTime(until), err
}

func putSignInFailures(ctx context.Context, tx *sql.Tx, key string, failures int, until, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO signin_failures (username_key, failures, locked_until, last_failure) VALUES (?, ?, ?, ?)
		ON CONFLICT (username_key) DO UPDATE SET
			failures = excluded.failures,
			locked_until = excluded.locked_until,
			last_failure = excluded.last_failure`,
		key, failures, fmtTime(until), fmtTime(now))
	return err
}

// ClearSignInFailures ends any pause of the username key's sign-in (an administrator
// issued a new password).
func (db *DB) ClearSignInFailures(ctx context.Context, key string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE username_key = ?`, key)
		return err
	})
}
