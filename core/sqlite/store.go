package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/rosterdesk/rosterdesk/core"
)

// Org returns the organization, or an error of kind KindNotInitialized.
func (db *DB) Org(ctx context.Context) (core.Org, error) {
	var o core.Org
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		o, err = findOrg(ctx, tx)
		return err
	})
	return o, err
}

func findOrg(ctx context.Context, tx *sql.Tx) (core.Org, error) {
	var o core.Org
	var created string
	err := tx.QueryRowContext(ctx, `SELECT name, created_at FROM org WHERE id = 1`).Scan(&o.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return o, &core.Error{Kind: core.KindNotInitialized, Message: "This database has no organization yet."}
	}
	o.CreatedAt = parseTime(created)
	return o, err
}

// InitOrg creates the organization unless one exists; an existing one keeps its name.
func (db *DB) InitOrg(ctx context.Context, name string, now time.Time) (core.Org, error) {
	var o core.Org
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO org (id, name, created_at) VALUES (1, ?, ?)`, name, fmtTime(now)); err != nil {
			return err
		}
		var err error
		o, err = findOrg(ctx, tx)
		return err
	})
	return o, err
}

// AddSchool adds a school; names are unique case-insensitively.
func (db *DB) AddSchool(ctx context.Context, name string, now time.Time) (core.School, error) {
	var s core.School
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := findOrg(ctx, tx); err != nil {
			return err
		}
		if _, err := findSchool(ctx, tx, `name_key = ?`, core.Key(name)); err == nil {
			return core.Errorf(core.KindConflict, "A school named %q already exists.", name)
		}
		var err error
		s, err = insertSchool(ctx, tx, name, now)
		return err
	})
	return s, err
}

func insertSchool(ctx context.Context, tx *sql.Tx, name string, now time.Time) (core.School, error) {
	s := core.School{GUID: uuid.NewString(), Name: name}
	res, err := tx.ExecContext(ctx, `INSERT INTO schools (guid, name, name_key, created_at) VALUES (?, ?, ?, ?)`, s.GUID, name, core.Key(name), fmtTime(now))
	if err != nil {
		return s, err
	}
	s.ID, err = res.LastInsertId()
	return s, err
}

// RenameSchool renames a school.
func (db *DB) RenameSchool(ctx context.Context, id int64, name string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if other, err := findSchool(ctx, tx, `name_key = ?`, core.Key(name)); err == nil && other.ID != id {
			return core.Errorf(core.KindConflict, "A school named %q already exists.", name)
		}
		res, err := tx.ExecContext(ctx, `UPDATE schools SET name = ?, name_key = ? WHERE id = ?`, name, core.Key(name), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return core.Errorf(core.KindNotFound, "That school no longer exists.")
		}
		return nil
	})
}

// Schools lists the schools by name.
func (db *DB) Schools(ctx context.Context) ([]core.School, error) {
	var out []core.School
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = schoolsWhere(ctx, tx, `1`)
		return err
	})
	return out, err
}

// UserSchools lists the schools user id belongs to, by name: for a teacher, the schools
// they teach in.
func (db *DB) UserSchools(ctx context.Context, userID int64) ([]core.School, error) {
	var out []core.School
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = schoolsWhere(ctx, tx, `id IN (SELECT school_id FROM school_users WHERE user_id = ?)`, userID)
		return err
	})
	return out, err
}

// schoolsWhere lists the schools matching where, by name.
func schoolsWhere(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]core.School, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, guid, name FROM schools WHERE `+where+` ORDER BY name_key`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []core.School
	for rows.Next() {
		var s core.School
		if err := rows.Scan(&s.ID, &s.GUID, &s.Name); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SchoolByName finds a school by name, case-insensitively.
func (db *DB) SchoolByName(ctx context.Context, name string) (core.School, error) {
	var s core.School
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		s, err = findSchool(ctx, tx, `name_key = ?`, core.Key(strings.TrimSpace(name)))
		return err
	})
	return s, err
}

// School finds a school by id.
func (db *DB) School(ctx context.Context, id int64) (core.School, error) {
	var s core.School
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		s, err = findSchool(ctx, tx, `id = ?`, id)
		return err
	})
	return s, err
}

func findSchool(ctx context.Context, tx *sql.Tx, where string, arg any) (core.School, error) {
	var s core.School
	err := tx.QueryRowContext(ctx, `SELECT id, guid, name FROM schools WHERE `+where, arg).Scan(&s.ID, &s.GUID, &s.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return s, core.Errorf(core.KindNotFound, "There is no such school.")
	}
	return s, err
}

const accountCols = `u.id, u.guid, u.user_id, u.role, u.first_name, u.last_name, u.grade, u.email, u.username, u.pw_kind, u.pw_issued_at`

func scanAccount(sc interface{ Scan(...any) error }, a *core.Account) error {
	var role, kind, issued string
	if err := sc.Scan(&a.ID, &a.GUID, &a.UserID, &role, &a.FirstName, &a.LastName, &a.Grade, &a.Email, &a.Username, &kind, &issued); err != nil {
		return err
	}
	a.Role = core.Role(role)
	a.Password = core.PasswordState(kind)
	a.IssuedAt = parseTime(issued)
	return nil
}

// AccountFilter selects accounts.
type AccountFilter struct {
	SchoolID     int64
	StudentsOnly bool
	TeachersOnly bool
	Query        string
	ClassID      int64 // members of one class
	// TeacherID keeps only the students of the classes that teacher teaches (in the
	// school, when SchoolID is set).
	TeacherID int64
	// ids, when not nil, keeps only these accounts (a page's, to look their classes up).
	ids []int64
}

// Accounts lists the accounts of a school (or class) with their Class IDs, teachers
// first, then by last and first name.
func (db *DB) Accounts(ctx context.Context, f AccountFilter) ([]core.Account, error) {
	var out []core.Account
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = findAccounts(ctx, tx, f)
		return err
	})
	return out, err
}

func findAccounts(ctx context.Context, tx *sql.Tx, f AccountFilter) ([]core.Account, error) {
	q := `SELECT ` + accountCols + `,
		COALESCE((SELECT group_concat(c.class_id, ', ') FROM enrollments e JOIN classes c ON c.id = e.class_id
			WHERE e.user_id = u.id AND c.school_id = ?), '')
		FROM users u`
	where, args := accountWhere(f)
	q += where + ` ORDER BY ` + accountOrder
	args = append([]any{f.SchoolID}, args...)
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []core.Account
	for rows.Next() {
		var a core.Account
		var classes string
		var role, kind, issued string
		if err := rows.Scan(&a.ID, &a.GUID, &a.UserID, &role, &a.FirstName, &a.LastName, &a.Grade, &a.Email, &a.Username, &kind, &issued, &classes); err != nil {
			return nil, err
		}
		a.Role, a.Password, a.IssuedAt = core.Role(role), core.PasswordState(kind), parseTime(issued)
		if classes != "" {
			a.Classes = strings.Split(classes, ", ")
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// UserByUsername finds a user by username, compared by core.Key; it returns KindNotFound
// when no user has it.
func (db *DB) UserByUsername(ctx context.Context, username string) (core.Account, error) {
	var a core.Account
	err := db.read(ctx, func(tx *sql.Tx) error {
		err := scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountCols+` FROM users u WHERE u.username_key = ?`, core.Key(strings.TrimSpace(username))), &a)
		if errors.Is(err, sql.ErrNoRows) {
			return core.Errorf(core.KindNotFound, "No user has the username %q.", username)
		}
		return err
	})
	return a, err
}

// UserByID finds a user by id.
func (db *DB) UserByID(ctx context.Context, id int64) (core.Account, error) {
	var a core.Account
	err := db.read(ctx, func(tx *sql.Tx) error {
		err := scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountCols+` FROM users u WHERE u.id = ?`, id), &a)
		if errors.Is(err, sql.ErrNoRows) {
			return core.Errorf(core.KindNotFound, "That user no longer exists.")
		}
		return err
	})
	return a, err
}

// InSchool reports whether user id belongs to school id.
func (db *DB) InSchool(ctx context.Context, userID, schoolID int64) (bool, error) {
	var n int
	err := db.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM school_users WHERE user_id = ? AND school_id = ?`, userID, schoolID).Scan(&n)
	})
	return n > 0, err
}

// TeachesStudent reports whether teacherID teaches a class in which studentID is
// enrolled as a student.
func (db *DB) TeachesStudent(ctx context.Context, teacherID, studentID int64) (bool, error) {
	var n int
	err := db.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM enrollments e
			JOIN enrollments t ON t.class_id = e.class_id AND t.user_id = ? AND t.role = 'Teacher'
			WHERE e.user_id = ? AND e.role = 'Student'`, teacherID, studentID).Scan(&n)
	})
	return n > 0, err
}

// TeachesClass reports whether teacherID is enrolled as a teacher of class classID.
func (db *DB) TeachesClass(ctx context.Context, teacherID, classID int64) (bool, error) {
	var n int
	err := db.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM enrollments WHERE class_id = ? AND user_id = ? AND role = 'Teacher'`,
			classID, teacherID).Scan(&n)
	})
	return n > 0, err
}

// ClassSchool returns the school and Class ID of class id, or KindNotFound.
func (db *DB) ClassSchool(ctx context.Context, id int64) (schoolID int64, classID string, err error) {
	err = db.read(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT school_id, class_id FROM classes WHERE id = ?`, id).Scan(&schoolID, &classID)
		if errors.Is(err, sql.ErrNoRows) {
			return core.Errorf(core.KindNotFound, "That class no longer exists.")
		}
		return err
	})
	return schoolID, classID, err
}

// SetPassword stores a password hash. kind is temporary or permanent; issuedAt is when a
// temporary password was issued. ifHash, when not "", makes the change conditional on the
// stored hash still being ifHash (a sign-in racing a reset must not undo it).
func (db *DB) SetPassword(ctx context.Context, userID int64, kind core.PasswordState, hash string, issuedAt time.Time, ifHash string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		return setPassword(ctx, tx, userID, kind, hash, issuedAt, ifHash)
	})
}

func setPassword(ctx context.Context, tx *sql.Tx, userID int64, kind core.PasswordState, hash string, issuedAt time.Time, ifHash string) error {
	return putPassword(ctx, tx, usersTable, userID, kind, hash, issuedAt, ifHash)
}

// accountTable is a table of accounts with a password: users or operators.
type accountTable string

const (
	usersTable     accountTable = "users"
	operatorsTable accountTable = "operators"
)

// putPassword stores the password hash of account id in table t; ifHash, when not "",
// makes the change conditional on the stored hash still being ifHash (KindConflict
// otherwise). A new password ends any pause of the account's sign-in.
func putPassword(ctx context.Context, tx *sql.Tx, t accountTable, id int64, kind core.PasswordState, hash string, issuedAt time.Time, ifHash string) error {
	q := `UPDATE ` + string(t) + ` SET pw_kind = ?, pw_hash = ?, pw_issued_at = ?, updated_at = ? WHERE id = ?`
	args := []any{string(kind), hash, fmtTime(issuedAt), fmtTime(issuedAt), id}
	if ifHash != "" {
		q += ` AND pw_hash = ?`
		args = append(args, ifHash)
	}
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.Errorf(core.KindConflict, "The password was changed meanwhile; sign in again.")
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE username_key = (SELECT username_key FROM `+string(t)+` WHERE id = ?)`, id)
	return err
}

// SetPasswords stores several temporary password hashes in one transaction.
func (db *DB) SetPasswords(ctx context.Context, ids []int64, hashes []string, issuedAt time.Time) error {
	return db.SetPasswordsThen(ctx, ids, hashes, issuedAt, nil)
}

// SetPasswordsThen is SetPasswords with a step before the commit: then, when not nil,
// runs once every hash is stored, inside the transaction, which commits only if then
// returns nil. When then fails nothing is stored and its error is returned as it is;
// then runs at most once. A caller that learns then ran and yet an error came back knows
// that the commit failed after it.
func (db *DB) SetPasswordsThen(ctx context.Context, ids []int64, hashes []string, issuedAt time.Time, then func() error) error {
	return db.writeThen(ctx, func(tx *sql.Tx) error {
		for i, id := range ids {
			if err := setPassword(ctx, tx, id, core.PasswordTemporary, hashes[i], issuedAt, ""); err != nil {
				return err
			}
		}
		return nil
	}, then)
}

// Classes lists the classes of a school; teacherID, when not 0, keeps only the classes
// that teacher teaches.
func (db *DB) Classes(ctx context.Context, schoolID, teacherID int64) ([]core.Class, error) {
	var out []core.Class
	err := db.read(ctx, func(tx *sql.Tx) error {
		q := `SELECT c.id, c.guid, c.school_id, c.class_id, c.name, c.grade, c.start_date, c.end_date,
			COALESCE((SELECT group_concat(code, ' ') FROM class_codes WHERE class_id = c.id), ''),
			COALESCE((SELECT first_name || ' ' || last_name FROM users WHERE id = c.primary_teacher_id), ''),
			(SELECT COUNT(*) FROM enrollments WHERE class_id = c.id AND role = 'Student'),
			(SELECT COUNT(*) FROM enrollments WHERE class_id = c.id AND role = 'Teacher')
			FROM classes c WHERE c.school_id = ?`
		args := []any{schoolID}
		if teacherID != 0 {
			q += ` AND c.id IN (SELECT class_id FROM enrollments WHERE user_id = ? AND role = 'Teacher')`
			args = append(args, teacherID)
		}
		q += ` ORDER BY c.class_id_key`
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c core.Class
			var codes string
			if err := rows.Scan(&c.ID, &c.GUID, &c.SchoolID, &c.ClassID, &c.Name, &c.Grade, &c.Start, &c.End, &codes, &c.Teacher, &c.Students, &c.Teachers); err != nil {
				return err
			}
			if codes != "" {
				c.MasterCodes = strings.Fields(codes)
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}
