package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

// ImportTx is the one write transaction an import checks and applies in, with the
// import's Stage attached to it (as the schema "stage"). Everything an upload changes
// commits together with its result, so a crash leaves no half-applied row and the
// upload can simply be run again from the start. Its methods read the stage, joined with
// what is stored, a page at a time, record decisions in the stage, and write the
// database in multi-row statements. Its writes classify their errors as DB's methods
// do, so a disk that fills mid-import is reported as full.
type ImportTx struct {
	db        *DB
	conn      *sql.Conn // the writer connection, held until the transaction ends
	tx        *sql.Tx
	b         batcher
	done      bool
	now       string
	nextUser  int64
	nextClass int64
	cacheSize int64 // the connection's cache_size before the import, restored after
	tempStore int64 // the connection's temp_store before the import, restored after

	// What waits for the next multi-row statement of each kind.
	users, gens, links, enrolls, codes batch
	enrolled                           int // enrollments added by the statements run so far
}

// importCacheKiB is the page cache of the import transaction, in KiB. SQLite's default
// (2 MiB) is far smaller than the indexes a large import writes into: once the
// transaction's dirty pages outgrow it they are spilled to the WAL and read back, over
// and over. The cache only grows as pages are touched, so a small import pays nothing,
// and it is shrunk back when the import ends (docs/performance.md has the sizes tried).
const importCacheKiB = 16 << 10

// BeginImport attaches the stage at stagePath and opens the import transaction. It
// waits for another connection's write transaction as every write does (SetBusyWait),
// for up to wait (zero: the DB's limit), then returns an error of kind KindBusy
// (ErrBusy); a full disk or a database that cannot be written is KindStorage.
func (db *DB) BeginImport(ctx context.Context, stagePath string, now time.Time, wait time.Duration) (*ImportTx, error) {
	var t *ImportTx
	err := db.waitUnlocked(ctx, wait, func() error {
		var err error
		t, err = db.beginImport(ctx, stagePath, now)
		return err
	})
	return t, classify(err)
}

func (db *DB) beginImport(ctx context.Context, stagePath string, now time.Time) (_ *ImportTx, err error) {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return nil, err
	}
	t := &ImportTx{db: db, conn: conn, now: fmtTime(now), tempStore: 2}
	t.b.conn = conn
	attached := false
	defer func() {
		if err != nil {
			t.restore(context.WithoutCancel(ctx), attached)
			conn.Close()
		}
	}()
	// Statement journals and anything else SQLite would keep in a temporary file stay in
	// memory: outside the private folder there may be no file at all (SPEC §12), and
	// in-memory they are freed after each statement. SQLite decides where they go when
	// the write transaction begins, so temp_store is set just before, and restored after.
	if conn.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&t.tempStore) == nil && t.tempStore != 2 {
		if _, err := conn.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
			t.tempStore = 2 // unchanged: nothing to restore
		}
	}
	if _, err = conn.ExecContext(ctx, `ATTACH DATABASE ? AS stage`, stagePath); err != nil {
		return nil, err
	}
	attached = true
	for _, p := range []string{
		`PRAGMA stage.journal_mode = OFF`,
		`PRAGMA stage.synchronous = OFF`,
		`PRAGMA stage.secure_delete = OFF`,
		`PRAGMA stage.cache_size = -` + strconv.Itoa(stageCacheKiB),
	} {
		if _, err = conn.ExecContext(ctx, p); err != nil {
			return nil, err
		}
	}
	if t.tx, err = conn.BeginTx(ctx, nil); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			t.tx.Rollback()
		}
	}()
	if err = t.tx.QueryRowContext(ctx, `PRAGMA main.cache_size`).Scan(&t.cacheSize); err != nil {
		return nil, err
	}
	if _, err = t.tx.ExecContext(ctx, `PRAGMA main.cache_size = -`+strconv.Itoa(importCacheKiB)); err != nil {
		return nil, err
	}
	// Foreign keys are checked once, at commit, instead of by every statement: an
	// immediate check makes each multi-row INSERT of enrollments or school links keep a
	// statement journal to undo itself alone should a key be missing. A missing parent
	// still fails the commit, so nothing dangling is ever stored. SQLite switches it off
	// again when the transaction ends.
	if _, err = t.tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
		return nil, err
	}
	// Ids are handed out here rather than read back from multi-row INSERTs: the write
	// lock is ours until commit, so nobody else can take them.
	if err = t.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM main.users`).Scan(&t.nextUser); err != nil {
		return nil, err
	}
	if err = t.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM main.classes`).Scan(&t.nextClass); err != nil {
		return nil, err
	}
	return t, nil
}

// Commit commits the import. A COMMIT that SQLite refuses (a deferred foreign key left
// unresolved) leaves SQLite's transaction open; the driver rolls it back before it gives
// the connection back (TestImportDanglingKeyFailsCommit holds it to that).
func (t *ImportTx) Commit(ctx context.Context) error {
	if t.done {
		return sql.ErrTxDone
	}
	t.b.close()
	err := classify(t.tx.Commit())
	t.end(ctx)
	return err
}

// Rollback abandons the import (a dry run, or an error). After Commit it does nothing.
func (t *ImportTx) Rollback(ctx context.Context) error {
	if t.done {
		return sql.ErrTxDone
	}
	t.b.close()
	err := t.tx.Rollback()
	t.end(ctx)
	return err
}

// end detaches the stage, gives the writer connection its page cache size and
// temp_store back, which frees the pages above the old size (a window left open after
// a big import should not keep the import's cache), and returns the connection to the
// pool.
func (t *ImportTx) end(ctx context.Context) {
	t.done = true
	t.restore(context.WithoutCancel(ctx), true)
	t.conn.Close()
}

func (t *ImportTx) restore(ctx context.Context, attached bool) {
	if t.cacheSize != 0 {
		_, _ = t.conn.ExecContext(ctx, `PRAGMA main.cache_size = `+strconv.FormatInt(t.cacheSize, 10))
	}
	if attached {
		_, _ = t.conn.ExecContext(ctx, `DETACH DATABASE stage`)
	}
	if t.tempStore != 2 {
		_, _ = t.conn.ExecContext(ctx, `PRAGMA temp_store = `+strconv.FormatInt(t.tempStore, 10))
	}
}

// ExistingUser is a stored user as the import's checks see it.
type ExistingUser struct {
	ID                                             int64
	GUID, UserID, Role, FirstName, LastName, Email string
	Username, Grade                                string
	PwKind, PwHash                                 string
}

// String names the user in messages: "Ava Johnson (username ajohnson)".
func (u ExistingUser) String() string {
	return strings.TrimSpace(u.FirstName+" "+u.LastName) + " (username " + u.Username + ")"
}

// UserWithStored is a user of the file with what is stored about them.
type UserWithStored struct {
	StagedUser
	// ByGUID is the stored user the User GUID names, nil when there is none (or no GUID).
	ByGUID *ExistingUser
	// InSchool reports whether ByGUID belongs to the school the upload is for.
	InSchool bool
	// Taught reports whether ByGUID is a student of a class the uploading teacher
	// teaches (false for an administrator's upload).
	Taught bool
	// IDOwner, NameOwner and EmailOwner are the stored users who hold the user's User
	// ID, username and email (a teacher, for the email); nil when nobody does. An
	// administrator holding the username is a NameOwner with ID 0.
	IDOwner, NameOwner, EmailOwner *ExistingUser
}

// usersWithStoredQuery joins a page of the stage's users with the stored users each
// one's GUID and keys name: one index lookup each, in the order of the stage's key. A
// key that is NULL (a new user has no GUID; a student's email is nobody's teacher
// email, unless the user is stored and may be a teacher) is never looked up.
const usersWithStoredQuery = `
	SELECT
		s.ukey,
		s.first_line,
		s.guid,
		s.user_id,
		s.role,
		s.first_name,
		s.last_name,
		s.grade,
		s.email,
		s.username,
		s.password,
		coalesce(s.id_key, ''),
		coalesce(s.name_key, ''),
		coalesce(s.email_key, ''),
		coalesce(s.teacher_email_key, ''),
		s.base,
		coalesce(s.pw_hash, ''),
		s.issues,
		s.failed,
		m.id,
		m.guid,
		m.user_id,
		m.role,
		m.first_name,
		m.last_name,
		m.email,
		m.username,
		m.pw_kind,
		m.pw_hash,
		m.id IS NOT NULL AND EXISTS (SELECT 1 FROM main.school_users su WHERE su.school_id = ?1 AND su.user_id = m.id),
		ti.id,
		ti.first_name,
		ti.last_name,
		ti.username,
		tn.id,
		tn.first_name,
		tn.last_name,
		tn.username,
		te.id,
		te.first_name,
		te.last_name,
		te.username,
		op.username,
		m.grade,
		m.id IS NOT NULL AND ?4 <> 0 AND EXISTS (
			SELECT 1
			FROM main.enrollments AS e
			JOIN main.enrollments AS t ON t.class_id = e.class_id AND t.user_id = ?4 AND t.role = 'Teacher'
			WHERE e.user_id = m.id AND e.role = 'Student')
	FROM stage.users AS s
	LEFT JOIN main.users AS m ON m.guid = nullif(s.guid, '')
	LEFT JOIN main.users AS ti ON ti.user_id_key = s.id_key
	LEFT JOIN main.users AS tn ON tn.username_key = s.name_key
	LEFT JOIN main.operators AS op ON op.username_key = s.name_key
	LEFT JOIN main.users AS te ON te.email_key = (CASE WHEN s.role = 'Teacher' OR s.guid <> '' THEN s.email_key END) AND te.role = 'Teacher' AND te.email_key <> ''
	WHERE s.ukey > ?2
	ORDER BY s.ukey
	LIMIT ?3`

// UsersWithStored returns the next page of the file's users, after user ukey, each
// with what is stored about them: at most limit users, in key order. teacherID is the
// uploading teacher (0: an administrator).
func (t *ImportTx) UsersWithStored(ctx context.Context, schoolID, teacherID int64, ukey string, limit int) ([]UserWithStored, error) {
	out := make([]UserWithStored, 0, limit) // a page: appending from nil allocated it about twice
	err := t.b.query(ctx, usersWithStoredQuery, args(schoolID, ukey, int64(limit), teacherID), func(v []driver.Value) error {
		u := UserWithStored{StagedUser: StagedUser{
			UKey: vString(v[0]), FirstLine: int(vInt(v[1])), GUID: vString(v[2]), UserID: vString(v[3]), Role: vString(v[4]),
			First: vString(v[5]), Last: vString(v[6]), Grade: vString(v[7]), Email: vString(v[8]), Username: vString(v[9]),
			Password: vBytes(v[10]), IDKey: vString(v[11]), NameKey: vString(v[12]), EmailKey: vString(v[13]),
			TeacherEmailKey: vString(v[14]), Base: vString(v[15]), PwHash: vString(v[16]), Issues: vBytes(v[17]),
			Failed: vBool(v[18]), Applied: !vBool(v[18]),
		}}
		if v[19] != nil {
			u.ByGUID = &ExistingUser{ID: vInt(v[19]), GUID: vString(v[20]), UserID: vString(v[21]), Role: vString(v[22]),
				FirstName: vString(v[23]), LastName: vString(v[24]), Email: vString(v[25]), Username: vString(v[26]),
				PwKind: vString(v[27]), PwHash: vString(v[28]), Grade: vString(v[43])}
		}
		u.InSchool, u.Taught = vBool(v[29]), vBool(v[44])
		u.IDOwner, u.NameOwner, u.EmailOwner = owner(v[30:34]), owner(v[34:38]), owner(v[38:42])
		if u.NameOwner == nil && v[42] != nil {
			// A username is unique across users and administrators (ID 0: no user).
			u.NameOwner = &ExistingUser{FirstName: "an administrator account", Username: vString(v[42])}
		}
		out = append(out, u)
		return nil
	})
	return out, classify(err)
}

// owner is the stored holder of a key, whom a message names, from the id, first name,
// last name and username a LEFT JOIN found: nil when it found none.
func owner(v []driver.Value) *ExistingUser {
	if v[0] == nil {
		return nil
	}
	return &ExistingUser{ID: vInt(v[0]), FirstName: vString(v[1]), LastName: vString(v[2]), Username: vString(v[3])}
}

// SetUser records what was decided about a staged user: its values, problems, and
// whether it fails.
func (t *ImportTx) SetUser(ctx context.Context, u *StagedUser) error {
	_, err := t.tx.ExecContext(ctx, `
		UPDATE stage.users SET
			user_id = ?,
			role = ?,
			grade = ?,
			email = ?,
			username = ?,
			password = ?,
			pw_hash = ?,
			issues = ?,
			failed = ?,
			applied = ?
		WHERE ukey = ?`,
		u.UserID, u.Role, u.Grade, u.Email, u.Username, blob(u.Password), nullable(u.PwHash), blob(u.Issues),
		boolInt(u.Failed), boolInt(u.Applied), u.UKey)
	return classify(err)
}

// ExistingClass is a stored class as the import's checks see it.
type ExistingClass struct {
	ID       int64
	GUID     string
	SchoolID int64
	ClassID  string
}

// ClassWithStored is a class of the file with what is stored about it.
type ClassWithStored struct {
	StagedClass
	// ByGUID is the stored class the Class GUID names (in any school), nil when none.
	ByGUID *ExistingClass
	// Teaches reports whether the uploading teacher teaches ByGUID.
	Teaches bool
	// IDOwner is the class of the school that holds the class's Class ID, nil when none.
	IDOwner *ExistingClass
}

// classesWithStoredQuery joins a page of the stage's classes with the stored class each
// one's GUID names and the school's class that holds its Class ID.
const classesWithStoredQuery = `
	SELECT
		c.ckey,
		c.first_line,
		c.guid,
		c.class_id,
		c.typed_id,
		coalesce(c.id_key, ''),
		c.name,
		c.name_given,
		c.grade,
		c.start_date,
		c.end_date,
		c.issues,
		c.failed,
		m.id,
		m.guid,
		m.school_id,
		m.class_id,
		m.id IS NOT NULL AND EXISTS (SELECT 1 FROM main.enrollments e WHERE e.class_id = m.id AND e.user_id = ?2 AND e.role = 'Teacher'),
		o.id,
		o.guid,
		o.school_id,
		o.class_id
	FROM stage.classes AS c
	LEFT JOIN main.classes AS m ON c.guid <> '' AND m.guid = c.guid
	LEFT JOIN main.classes AS o ON o.school_id = ?1 AND o.class_id_key = c.typed_key
	WHERE c.ckey > ?3
	ORDER BY c.ckey
	LIMIT ?4`

// ClassesWithStored returns the next page of the file's classes, after class ckey, each
// with what is stored about it; teacherID is the uploading teacher (0: an
// administrator).
func (t *ImportTx) ClassesWithStored(ctx context.Context, schoolID, teacherID int64, ckey string, limit int) ([]ClassWithStored, error) {
	return scanPage(ctx, t.tx, limit, func(rows *sql.Rows, c *ClassWithStored) error {
		s := &c.StagedClass
		var m, o nullClass
		if err := rows.Scan(&s.CKey, &s.FirstLine, &s.GUID, &s.ClassID, &s.TypedID, &s.IDKey, &s.Name, &s.NameGiven, &s.Grade, &s.Start, &s.End,
			&s.Issues, &s.Failed, &m.id, &m.guid, &m.school, &m.classID, &c.Teaches, &o.id, &o.guid, &o.school, &o.classID); err != nil {
			return err
		}
		s.Applied = !s.Failed
		c.ByGUID, c.IDOwner = m.class(), o.class()
		return nil
	}, classesWithStoredQuery, schoolID, teacherID, ckey, limit)
}

type nullClass struct {
	id, school    sql.NullInt64
	guid, classID sql.NullString
}

func (n nullClass) class() *ExistingClass {
	if !n.id.Valid {
		return nil
	}
	return &ExistingClass{ID: n.id.Int64, GUID: n.guid.String, SchoolID: n.school.Int64, ClassID: n.classID.String}
}

// SetClass records what was decided about a staged class; CID is the stored class it
// updates (0 for a new class).
func (t *ImportTx) SetClass(ctx context.Context, c *StagedClass) error {
	var cid any
	if c.CID != 0 {
		cid = c.CID
	}
	_, err := t.tx.ExecContext(ctx, `
		UPDATE stage.classes SET
			class_id = ?,
			name = ?,
			grade = ?,
			start_date = ?,
			end_date = ?,
			issues = ?,
			failed = ?,
			applied = ?,
			cid = ?
		WHERE ckey = ?`,
		c.ClassID, c.Name, c.Grade, c.Start, c.End, blob(c.Issues), boolInt(c.Failed), boolInt(c.Applied), cid, c.CKey)
	return classify(err)
}

// newClassesWithoutTeacherQuery finds the new classes none of whose rows is a teacher's
// that can be applied: its own cells and its user pass.
const newClassesWithoutTeacherQuery = `
	SELECT
		c.ckey,
		c.class_id,
		c.issues
	FROM stage.classes AS c
	WHERE c.ckey > ? AND c.guid = '' AND c.failed = 0 AND NOT EXISTS (
		SELECT 1
		FROM stage.rows AS r
		JOIN stage.users AS u ON u.ukey = r.ukey
		WHERE r.ckey = c.ckey
			AND u.failed = 0
			AND u.role = 'Teacher'
			AND r.own = 0)
	ORDER BY c.ckey
	LIMIT ?`

// NewClassesWithoutTeacher returns the next page of new classes, after class ckey, that
// no teacher row can be applied to (an administrator's upload needs one).
func (t *ImportTx) NewClassesWithoutTeacher(ctx context.Context, ckey string, limit int) ([]StagedClass, error) {
	return scanPage(ctx, t.tx, limit, func(rows *sql.Rows, c *StagedClass) error {
		return rows.Scan(&c.CKey, &c.ClassID, &c.Issues)
	}, newClassesWithoutTeacherQuery, ckey, limit)
}

// FailClass records that class ckey fails, with its problems.
func (t *ImportTx) FailClass(ctx context.Context, ckey string, issues []byte) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE stage.classes SET issues = ?, failed = 1, applied = 0 WHERE ckey = ?`, issues, ckey)
	return classify(err)
}

// RowState is a row with whether it fails on its own and whether the other group it
// belongs to (its class, in a pass by user; its user, in a pass by class) fails.
type RowState struct {
	StagedRow
	OtherFailed bool
}

// rowStateQueries read the rows of the users (or classes) that do not fail, by user (or
// class) and line, with whether each fails on its own and whether its class (or user)
// fails; rowCellsQueries add the cells, for the rows of one user (or class).
var (
	rowStateQueries = [2]string{`
		SELECT
			r.line,
			r.ukey,
			coalesce(r.ckey, ''),
			r.own,
			coalesce((SELECT c.failed FROM stage.classes AS c WHERE c.ckey = r.ckey), 0)
		FROM stage.rows AS r
		JOIN stage.users AS u ON u.ukey = r.ukey
		WHERE (r.ukey, r.line) > (?, ?) AND u.failed = 0
		ORDER BY r.ukey, r.line
		LIMIT ?`, `
		SELECT
			r.line,
			r.ukey,
			r.ckey,
			r.own,
			(SELECT u.failed FROM stage.users AS u WHERE u.ukey = r.ukey)
		FROM stage.rows AS r
		JOIN stage.classes AS c ON c.ckey = r.ckey
		WHERE r.ckey IS NOT NULL AND (r.ckey, r.line) > (?, ?) AND c.failed = 0
		ORDER BY r.ckey, r.line
		LIMIT ?`}
	rowCellsQueries = [2]string{`
		SELECT
			r.line,
			r.ukey,
			coalesce(r.ckey, ''),
			coalesce(r.code, ''),
			r.cells,
			r.own,
			coalesce((SELECT c.failed FROM stage.classes AS c WHERE c.ckey = r.ckey), 0)
		FROM stage.rows AS r
		WHERE r.ukey = ?
		ORDER BY r.line`, `
		SELECT
			r.line,
			r.ukey,
			r.ckey,
			coalesce(r.code, ''),
			r.cells,
			r.own,
			(SELECT u.failed FROM stage.users AS u WHERE u.ukey = r.ukey)
		FROM stage.rows AS r
		WHERE r.ckey = ?
		ORDER BY r.line`}
)

// ByUser and ByClass say which group RowStates and GroupRows read rows by.
const (
	ByUser  = 0
	ByClass = 1
)

// RowStates returns the next page of rows of the users (by ByUser) or classes (ByClass)
// that do not fail, after the row of group key on line, by group and line, without
// their cells.
func (t *ImportTx) RowStates(ctx context.Context, by int, key string, line, limit int) ([]RowState, error) {
	return scanPage(ctx, t.tx, limit, func(rows *sql.Rows, r *RowState) error {
		return rows.Scan(&r.Line, &r.UKey, &r.CKey, &r.Own, &r.OtherFailed)
	}, rowStateQueries[by], key, line, limit)
}

// GroupRows returns every row of user (ByUser) or class (ByClass) key, with its cells.
func (t *ImportTx) GroupRows(ctx context.Context, by int, key string) ([]RowState, error) {
	rows, err := t.tx.QueryContext(ctx, rowCellsQueries[by], key)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []RowState
	for rows.Next() {
		var r RowState
		if err := rows.Scan(&r.Line, &r.UKey, &r.CKey, &r.Code, &r.Cells, &r.Own, &r.OtherFailed); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, classify(rows.Err())
}

// StagedUserByKey returns the staged user ukey.
func (t *ImportTx) StagedUserByKey(ctx context.Context, ukey string) (*StagedUser, error) {
	var s StagedUser
	err := t.tx.QueryRowContext(ctx, `
		SELECT
			ukey,
			first_line,
			guid,
			user_id,
			role,
			first_name,
			last_name,
			grade,
			email,
			username,
			password,
			coalesce(id_key, ''),
			coalesce(name_key, ''),
			coalesce(email_key, ''),
			coalesce(teacher_email_key, ''),
			base,
			coalesce(pw_hash, ''),
			issues,
			failed,
			applied
		FROM stage.users
		WHERE ukey = ?`, ukey).Scan(&s.UKey, &s.FirstLine, &s.GUID, &s.UserID, &s.Role, &s.First, &s.Last, &s.Grade, &s.Email, &s.Username,
		&s.Password, &s.IDKey, &s.NameKey, &s.EmailKey, &s.TeacherEmailKey, &s.Base, &s.PwHash, &s.Issues, &s.Failed, &s.Applied)
	return &s, classify(err)
}

// StagedClassByKey returns the staged class ckey.
func (t *ImportTx) StagedClassByKey(ctx context.Context, ckey string) (*StagedClass, error) {
	var c StagedClass
	var cid sql.NullInt64
	err := t.tx.QueryRowContext(ctx, `
		SELECT
			ckey,
			first_line,
			guid,
			class_id,
			typed_id,
			coalesce(id_key, ''),
			name,
			name_given,
			grade,
			start_date,
			end_date,
			issues,
			failed,
			applied,
			cid
		FROM stage.classes
		WHERE ckey = ?`, ckey).Scan(&c.CKey, &c.FirstLine, &c.GUID, &c.ClassID, &c.TypedID, &c.IDKey, &c.Name, &c.NameGiven, &c.Grade,
		&c.Start, &c.End, &c.Issues, &c.Failed, &c.Applied, &cid)
	c.CID = cid.Int64
	return &c, classify(err)
}

// NewUser is a user the import creates, with their merged cells.
type NewUser struct {
	UKey                                                     string
	FirstLine                                                int
	Username                                                 string // typed, or "" to make one from Base
	Base                                                     string
	UserID, IDKey, Role, First, Last, Grade, Email, EmailKey string
	Password                                                 []byte // the typed password (sealed), nil for none
	PwHash                                                   string // its hash
}

// newUsersQuery reads the users the import creates, in the order it creates them: the
// stage's, by key.
const newUsersQuery = `
	SELECT
		ukey,
		first_line,
		username,
		base,
		user_id,
		coalesce(id_key, ''),
		role,
		first_name,
		last_name,
		grade,
		email,
		coalesce(email_key, ''),
		password,
		coalesce(pw_hash, '')
	FROM stage.users
	WHERE ukey > ? AND guid = '' AND applied = 1
	ORDER BY ukey
	LIMIT ?`

// NewUsers returns the next page of the users the import creates, after user ukey.
func (t *ImportTx) NewUsers(ctx context.Context, ukey string, limit int) ([]NewUser, error) {
	out := make([]NewUser, 0, limit) // a page: appending from nil allocated it about twice
	err := t.b.query(ctx, newUsersQuery, args(ukey, int64(limit)), func(v []driver.Value) error {
		out = append(out, NewUser{UKey: vString(v[0]), FirstLine: int(vInt(v[1])), Username: vString(v[2]), Base: vString(v[3]),
			UserID: vString(v[4]), IDKey: vString(v[5]), Role: vString(v[6]), First: vString(v[7]), Last: vString(v[8]),
			Grade: vString(v[9]), Email: vString(v[10]), EmailKey: vString(v[11]), Password: vBytes(v[12]), PwHash: vString(v[13])})
		return nil
	})
	return out, classify(err)
}

// CountNewUsers returns how many users the import creates.
func (t *ImportTx) CountNewUsers(ctx context.Context) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, `SELECT count(*) FROM stage.users WHERE guid = '' AND applied = 1`).Scan(&n)
	return n, classify(err)
}

// takenQueries find the usernames a username made from any of a batch of bases could
// collide with: every key from base up to base followed by ":", which holds the base
// itself and the base followed by digits (base2, base3, …), among the stored users
// (with those the import has created so far), the usernames typed anywhere in the file,
// and the administrators' (a username is unique across users and administrators).
var takenQueries = [...]string{
	`SELECT u.username_key FROM (VALUES %s) AS r JOIN main.users AS u ON u.username_key >= r.column1 AND u.username_key < r.column2`,
	`SELECT u.name_key FROM (VALUES %s) AS r JOIN stage.users AS u ON u.name_key >= r.column1 AND u.name_key < r.column2`,
	`SELECT o.username_key FROM (VALUES %s) AS r JOIN main.operators AS o ON o.username_key >= r.column1 AND o.username_key < r.column2`,
}

// lookupBatch bounds the keys of one lookup, well under SQLite's parameter limit.
const lookupBatch = 500

// TakenUsernames returns every username (in lower case) that a username made from any
// of bases could collide with. Call FlushNewUsers first: the users it has not created
// yet are not seen.
func (t *ImportTx) TakenUsernames(ctx context.Context, bases []string) (map[string]struct{}, error) {
	out := make(map[string]struct{})
	for start := 0; start < len(bases); start += lookupBatch {
		b := bases[start:min(start+lookupBatch, len(bases))]
		args := make([]any, 0, 2*len(b))
		for _, base := range b {
			args = append(args, base, base+":")
		}
		for _, q := range takenQueries {
			rows, err := t.tx.QueryContext(ctx, strings.Replace(q, "%s", placeholders(len(b), 2), 1), args...)
			if err != nil {
				return nil, classify(err)
			}
			for rows.Next() {
				var k string
				if err := rows.Scan(&k); err != nil {
					rows.Close()
					return nil, err
				}
				out[k] = struct{}{}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, classify(err)
			}
		}
	}
	return out, nil
}

// Created is what the import makes for a user it creates.
type Created struct {
	GUID     string
	Username string
	PwKind   core.PasswordState
	PwHash   string
	Temp     []byte // the temporary password, sealed, for the Completed File; nil for none
}

// The rows one multi-row statement of each kind writes.
const (
	userBatch = 120 // 17 values a user
	rowsBatch = 600 // links, enrollments, codes: 2 or 3 values a row
)

// AddNewUser creates user u with what the import made for them, hands them the next
// user id, which it returns, and records it in the stage. Users are written a batch at
// a time: call FlushNewUsers after the last, and before asking which usernames are
// taken.
func (t *ImportTx) AddNewUser(ctx context.Context, u *NewUser, c Created) (int64, error) {
	id := t.nextUser
	t.nextUser++
	t.users.add(id, c.GUID, u.UserID, u.IDKey, u.Role, u.First, u.Last, u.Grade, u.Email, u.EmailKey,
		c.Username, core.Key(c.Username), string(c.PwKind), c.PwHash, t.now, t.now, t.now)
	t.gens.add(u.UKey, id, c.GUID, c.Username, blob(c.Temp), u.Role)
	if t.users.rows == userBatch {
		return id, t.FlushNewUsers(ctx)
	}
	return id, nil
}

// FlushNewUsers writes the users AddNewUser holds.
func (t *ImportTx) FlushNewUsers(ctx context.Context) error {
	if t.users.rows == 0 {
		return nil
	}
	// OR FAIL: a failing statement ends the whole import (its transaction is rolled
	// back), so it need not undo itself alone, and SQLite then keeps no statement
	// journal for it (users has no foreign keys that would need one).
	if _, err := t.b.exec(ctx, &t.users, `
		INSERT OR FAIL INTO main.users (
			id,
			guid,
			user_id,
			user_id_key,
			role,
			first_name,
			last_name,
			grade,
			email,
			email_key,
			username,
			username_key,
			pw_kind,
			pw_hash,
			pw_issued_at,
			created_at,
			updated_at
		) VALUES `+placeholders(t.users.rows, 17)); err != nil {
		return classify(err)
	}
	_, err := t.b.exec(ctx, &t.gens, `
		INSERT INTO stage.gen (
			ukey,
			id,
			guid,
			username,
			temp,
			role,
			new,
			failed,
			applied,
			issues
		) VALUES `+strings.Repeat(`(?, ?, ?, ?, ?, ?, 1, 0, 1, NULL), `, t.gens.rows-1)+`(?, ?, ?, ?, ?, ?, 1, 0, 1, NULL)`)
	return classify(err)
}

// addUserResultsQuery records in stage.gen, for a slice of the file's users after user
// ?1 (at most ?2), those the import does not create: the users it updates, with their
// stored id, GUID and username once written, and the users that fail.
const addUserResultsQuery = `
	INSERT INTO stage.gen (
		ukey,
		id,
		guid,
		username,
		temp,
		role,
		new,
		failed,
		applied,
		issues
	)
	SELECT
		u.ukey,
		coalesce(m.id, 0),
		coalesce(m.guid, ''),
		coalesce(m.username, ''),
		NULL,
		u.role,
		u.guid = '',
		u.failed,
		u.applied,
		u.issues
	FROM stage.users AS u
	LEFT JOIN main.users AS m ON m.guid = nullif(u.guid, '')
	WHERE u.ukey > ?1 AND NOT (u.guid = '' AND u.applied = 1)
	ORDER BY u.ukey
	LIMIT ?2
	RETURNING ukey`

// AddUserResults records what the results pass needs of every user the import does
// not create (those it does were recorded as they were made): call it once the users
// are written. It goes a slice of the stage at a time, like the other writes over
// every user.
func (t *ImportTx) AddUserResults(ctx context.Context) error {
	after := ""
	for {
		var last string
		n := 0
		rows, err := t.tx.QueryContext(ctx, addUserResultsQuery, after, writeSlice)
		if err != nil {
			return classify(err)
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return classify(err)
			}
			// RETURNING gives the rows in no promised order: the slice ends at its
			// greatest key.
			last = max(last, k)
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return classify(err)
		}
		if n < writeSlice {
			return nil
		}
		after = last
	}
}

// NewClass is a class the import creates.
type NewClass struct {
	CKey string
	// TeacherID is its primary teacher, the user of its first teacher row that is
	// applied (0 in a teacher's upload, where the uploading teacher is).
	TeacherID int64
}

// newClassesQuery reads the classes the import creates, with the user of each one's
// first applied teacher row.
const newClassesQuery = `
	SELECT
		c.ckey,
		coalesce((
			SELECT coalesce(g.id, m.id)
			FROM stage.rows AS r
			JOIN stage.users AS u ON u.ukey = r.ukey
			LEFT JOIN stage.gen AS g ON g.ukey = (CASE WHEN u.guid = '' THEN u.ukey END)
			LEFT JOIN main.users AS m ON m.guid = nullif(u.guid, '')
			WHERE r.ckey = c.ckey
				AND u.applied = 1
				AND u.role = 'Teacher'
				AND r.own = 0
			ORDER BY r.line
			LIMIT 1), 0)
	FROM stage.classes AS c
	WHERE c.ckey > ? AND c.guid = '' AND c.applied = 1
	ORDER BY c.ckey
	LIMIT ?`

// NewClasses returns the next page of the classes the import creates, after class ckey.
func (t *ImportTx) NewClasses(ctx context.Context, ckey string, limit int) ([]NewClass, error) {
	return scanPage(ctx, t.tx, limit, func(rows *sql.Rows, c *NewClass) error {
		return rows.Scan(&c.CKey, &c.TeacherID)
	}, newClassesQuery, ckey, limit)
}

// SetNewClass hands the class ckey the import creates its id, which it returns, its
// GUID and its primary teacher (0 for none).
func (t *ImportTx) SetNewClass(ctx context.Context, ckey, guid string, teacherID int64) (int64, error) {
	id := t.nextClass
	t.nextClass++
	var teacher any
	if teacherID != 0 {
		teacher = teacherID
	}
	_, err := t.tx.ExecContext(ctx, `UPDATE stage.classes SET cid = ?, new_guid = ?, teacher_id = ? WHERE ckey = ?`, id, guid, teacher, ckey)
	return id, classify(err)
}

// writeSlice is how many users or classes one UPDATE of the writes takes: the slice of
// the stage SQLite reads for it stays bounded.
const writeSlice = 5000

// updateUsersQuery updates the stored users of a slice of the file's users, after user
// ?1: a non-blank value overwrites, a blank one keeps. Only the users it changes are
// written (their updated_at moves, they count as updated): a value that differs from
// the stored one, exactly, or a typed password (hashed anew, or in a dry run only
// sealed). A user rostered with cells blank or as stored changes nothing here; their
// enrollment is counted as one. engine.changesStored is the same rule in Go.
const updateUsersQuery = `
	UPDATE OR FAIL main.users SET
		user_id      = CASE WHEN s.user_id = '' THEN users.user_id ELSE s.user_id END,
		user_id_key  = CASE WHEN s.user_id = '' THEN users.user_id_key ELSE s.id_key END,
		first_name   = CASE WHEN s.first_name = '' THEN users.first_name ELSE s.first_name END,
		last_name    = CASE WHEN s.last_name = '' THEN users.last_name ELSE s.last_name END,
		grade        = CASE WHEN s.grade = '' THEN users.grade ELSE s.grade END,
		email        = CASE WHEN s.email = '' THEN users.email ELSE s.email END,
		email_key    = CASE WHEN s.email = '' THEN users.email_key ELSE s.email_key END,
		username     = CASE WHEN s.username = '' THEN users.username ELSE s.username END,
		username_key = CASE WHEN s.username = '' THEN users.username_key ELSE s.name_key END,
		pw_kind      = CASE WHEN s.pw_hash IS NULL THEN users.pw_kind ELSE 'permanent' END,
		pw_hash      = CASE WHEN s.pw_hash IS NULL THEN users.pw_hash ELSE s.pw_hash END,
		pw_issued_at = CASE WHEN s.pw_hash IS NULL THEN users.pw_issued_at ELSE ?2 END,
		updated_at   = ?2
	FROM (
		SELECT *
		FROM stage.users
		WHERE ukey > ?1 AND guid <> '' AND applied = 1
		ORDER BY ukey
		LIMIT ?3
	) AS s
	WHERE users.guid = s.guid
		AND (s.user_id <> '' AND s.user_id <> users.user_id
			OR s.first_name <> '' AND s.first_name <> users.first_name
			OR s.last_name <> '' AND s.last_name <> users.last_name
			OR s.grade <> '' AND s.grade <> users.grade
			OR s.email <> '' AND s.email <> users.email
			OR s.username <> '' AND s.username <> users.username
			OR s.pw_hash IS NOT NULL
			OR s.password IS NOT NULL)`

// UpdateUsers updates the stored users the file's users change, a slice at a time, and
// returns how many it changed.
func (t *ImportTx) UpdateUsers(ctx context.Context) (int, error) {
	total, after := 0, ""
	for {
		var last sql.NullString
		var n int
		if err := t.tx.QueryRowContext(ctx, `
			SELECT max(ukey), count(*) FROM (
				SELECT ukey FROM stage.users
				WHERE ukey > ? AND guid <> '' AND applied = 1
				ORDER BY ukey
				LIMIT ?)`, after, writeSlice).Scan(&last, &n); err != nil {
			return total, classify(err)
		}
		if n == 0 {
			return total, nil
		}
		res, err := t.tx.ExecContext(ctx, updateUsersQuery, after, t.now, writeSlice)
		if err != nil {
			return total, classify(err)
		}
		changed, err := res.RowsAffected()
		if err != nil {
			return total, classify(err)
		}
		total += int(changed)
		after = last.String
	}
}

// insertClassesQuery creates the new classes of the file after class ?3, up to ?4.
const insertClassesQuery = `
	INSERT OR FAIL INTO main.classes (
		id,
		guid,
		school_id,
		class_id,
		class_id_key,
		name,
		grade,
		start_date,
		end_date,
		primary_teacher_id,
		created_at,
		updated_at
	)
	SELECT
		c.cid,
		c.new_guid,
		?1,
		c.class_id,
		coalesce(c.id_key, ''),
		c.name,
		c.grade,
		c.start_date,
		c.end_date,
		c.teacher_id,
		?2,
		?2
	FROM stage.classes AS c
	WHERE c.ckey > ?3 AND c.ckey <= ?4 AND c.guid = '' AND c.applied = 1`

// updateClassesQuery updates the stored classes of a slice of the file's classes,
// after class ?2: a non-blank value overwrites, a blank one keeps.
const updateClassesQuery = `
	UPDATE OR FAIL main.classes SET
		class_id     = CASE WHEN c.class_id = '' THEN classes.class_id ELSE c.class_id END,
		class_id_key = CASE WHEN c.class_id = '' THEN classes.class_id_key ELSE c.id_key END,
		name         = CASE WHEN c.name = '' THEN classes.name ELSE c.name END,
		grade        = CASE WHEN c.grade = '' THEN classes.grade ELSE c.grade END,
		start_date   = CASE WHEN c.start_date = '' THEN classes.start_date ELSE c.start_date END,
		end_date     = CASE WHEN c.end_date = '' THEN classes.end_date ELSE c.end_date END,
		updated_at   = ?1
	FROM (
		SELECT *
		FROM stage.classes
		WHERE ckey > ?2 AND guid <> '' AND applied = 1
		ORDER BY ckey
		LIMIT ?3
	) AS c
	WHERE classes.id = c.cid`

// WriteClasses creates the classes the import makes and updates those it changes, and
// returns how many it created. Both go a slice of the stage at a time: one statement
// over every class of a large file grows SQLite's memory with the file.
func (t *ImportTx) WriteClasses(ctx context.Context, schoolID int64) (int, error) {
	created := 0
	err := t.classSlices(ctx, classSliceNew, func(after, last string) error {
		res, err := t.tx.ExecContext(ctx, insertClassesQuery, schoolID, t.now, after, last)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		created += int(n)
		return nil
	})
	if err != nil {
		return 0, classify(err)
	}
	err = t.classSlices(ctx, classSliceStored, func(after, _ string) error {
		_, err := t.tx.ExecContext(ctx, updateClassesQuery, t.now, after, writeSlice)
		return err
	})
	return created, classify(err)
}

// The slices of the stage's classes that WriteClasses writes: the new classes, and the
// stored classes the file names.
const (
	classSliceNew = `
		SELECT max(ckey) FROM (
			SELECT ckey FROM stage.classes WHERE ckey > ? AND guid = '' AND applied = 1 ORDER BY ckey LIMIT ?)`
	classSliceStored = `
		SELECT max(ckey) FROM (
			SELECT ckey FROM stage.classes WHERE ckey > ? AND guid <> '' AND applied = 1 ORDER BY ckey LIMIT ?)`
)

// classSlices calls fn with the bounds (after, last] of each slice of at most
// writeSlice classes that query (classSliceNew or classSliceStored) finds, in key
// order.
func (t *ImportTx) classSlices(ctx context.Context, query string, fn func(after, last string) error) error {
	after := ""
	for {
		var last sql.NullString
		if err := t.tx.QueryRowContext(ctx, query, after, writeSlice).Scan(&last); err != nil {
			return err
		}
		if !last.Valid {
			return nil
		}
		if err := fn(after, last.String); err != nil {
			return err
		}
		after = last.String
	}
}

// AddRowWrites links user uid to the school, enrolls them in class cid (when not 0) as
// role, and records code (when not "") for the class: what an applied row writes. Rows
// are written a batch at a time: call FlushRows after the last. Existing links,
// enrollments and codes are kept as they are (an import never removes or demotes).
func (t *ImportTx) AddRowWrites(ctx context.Context, schoolID, uid, cid int64, role, code string) error {
	t.links.add(schoolID, uid)
	if cid != 0 {
		t.enrolls.add(cid, uid, role)
		if code != "" {
			t.codes.add(cid, code)
		}
	}
	if t.links.rows == rowsBatch {
		return t.FlushRows(ctx)
	}
	return nil
}

// FlushRows writes what AddRowWrites holds.
func (t *ImportTx) FlushRows(ctx context.Context) error {
	if t.links.rows > 0 {
		if _, err := t.b.exec(ctx, &t.links, `INSERT OR IGNORE INTO main.school_users (school_id, user_id) VALUES `+placeholders(t.links.rows, 2)); err != nil {
			return classify(err)
		}
	}
	if t.enrolls.rows > 0 {
		n, err := t.b.exec(ctx, &t.enrolls, `INSERT OR IGNORE INTO main.enrollments (class_id, user_id, role) VALUES `+placeholders(t.enrolls.rows, 3))
		if err != nil {
			return classify(err)
		}
		t.enrolled += int(n)
	}
	if t.codes.rows > 0 {
		if _, err := t.b.exec(ctx, &t.codes, `INSERT OR IGNORE INTO main.class_codes (class_id, code) VALUES `+placeholders(t.codes.rows, 2)); err != nil {
			return classify(err)
		}
	}
	return nil
}

// Enrolled returns how many enrollments the rows written so far added.
func (t *ImportTx) Enrolled() int { return t.enrolled }

// EnrollTeacher makes teacherID a teacher of every class the import creates (a
// teacher's upload) and returns how many enrollments that added.
func (t *ImportTx) EnrollTeacher(ctx context.Context, teacherID int64) (int, error) {
	res, err := t.tx.ExecContext(ctx, `
		INSERT OR IGNORE INTO main.enrollments (class_id, user_id, role)
		SELECT cid, ?, 'Teacher' FROM stage.classes WHERE guid = '' AND applied = 1`, teacherID)
	if err != nil {
		return 0, classify(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// LastLine returns the last line of the file's rows (0 for none).
func (t *ImportTx) LastLine(ctx context.Context) (int, error) {
	var n sql.NullInt64
	err := t.tx.QueryRowContext(ctx, `SELECT max(line) FROM stage.rows`).Scan(&n)
	return int(n.Int64), classify(err)
}

// ResultRow is a row of the file with everything its result files show.
type ResultRow struct {
	StagedRow
	// The row's user: whether they fail or are applied, their problems, whether the
	// import creates them, and their GUID, username and temporary password (sealed) as
	// the database has them once written.
	UserFailed, UserApplied, UserNew bool
	UserIssues                       []byte
	UID                              int64
	Role                             string
	UserGUID, Username               string
	Temp                             []byte
	// The row's class, when it has one.
	ClassFailed, ClassApplied, ClassNew bool
	ClassIssues                         []byte
	CID                                 int64
	ClassGUID                           string
}

// resultRowsQuery reads the file's rows in order with what the result files show:
// each row's user from stage.gen (AddUserResults), its class from stage.classes.
const resultRowsQuery = `
	SELECT
		r.line,
		r.ukey,
		coalesce(r.ckey, ''),
		coalesce(r.code, ''),
		r.cells,
		r.own,
		g.failed,
		g.applied,
		g.new,
		g.issues,
		g.id,
		g.role,
		g.guid,
		g.username,
		g.temp,
		coalesce(c.failed, 0),
		coalesce(c.applied, 0),
		coalesce(c.guid = '', 0),
		c.issues,
		coalesce(c.cid, 0),
		coalesce(c.new_guid, c.guid, '')
	FROM stage.rows AS r
	JOIN stage.gen AS g ON g.ukey = r.ukey
	LEFT JOIN stage.classes AS c ON c.ckey = r.ckey
	WHERE r.line > ?
	ORDER BY r.line
	LIMIT ?`

// ResultRows returns the next page of the file's rows after line, in order.
func (t *ImportTx) ResultRows(ctx context.Context, line, limit int) ([]ResultRow, error) {
	out := make([]ResultRow, 0, limit) // a page: appending from nil allocated it about twice
	err := t.b.query(ctx, resultRowsQuery, args(int64(line), int64(limit)), func(v []driver.Value) error {
		out = append(out, ResultRow{
			StagedRow: StagedRow{Line: int(vInt(v[0])), UKey: vString(v[1]), CKey: vString(v[2]), Code: vString(v[3]), Cells: vBytes(v[4]),
				Own: vBool(v[5])},
			UserFailed: vBool(v[6]), UserApplied: vBool(v[7]), UserNew: vBool(v[8]), UserIssues: vBytes(v[9]),
			UID: vInt(v[10]), Role: vString(v[11]), UserGUID: vString(v[12]), Username: vString(v[13]), Temp: vBytes(v[14]),
			ClassFailed: vBool(v[15]), ClassApplied: vBool(v[16]), ClassNew: vBool(v[17]), ClassIssues: vBytes(v[18]),
			CID: vInt(v[19]), ClassGUID: vString(v[20]),
		})
		return nil
	})
	return out, classify(err)
}

// FileWriter returns a writer that stores the file kind of upload id in this
// transaction, a part at a time. Close it to store the last part.
func (t *ImportTx) FileWriter(ctx context.Context, id int64, kind core.FileKind) io.WriteCloser {
	return fileWriter(ctx, t.tx, id, string(kind))
}

// CopyStaged stores the stage's file kind (the Uploaded File the read stage wrote) as
// upload id's file of that kind, a part at a time (a statement copying every part
// would hold them all).
func (t *ImportTx) CopyStaged(ctx context.Context, id int64, kind core.FileKind) error {
	var parts int
	if err := t.tx.QueryRowContext(ctx, `SELECT count(*) FROM stage.parts WHERE kind = ?`, string(kind)).Scan(&parts); err != nil {
		return classify(err)
	}
	for part := range parts {
		if _, err := t.tx.ExecContext(ctx, `
			INSERT INTO main.upload_files (upload_id, kind, part, data)
			SELECT ?, kind, part, data FROM stage.parts WHERE kind = ? AND part = ?`, id, string(kind), part); err != nil {
			return classify(err)
		}
	}
	return nil
}

// Finish records the upload's outcome and deletes its original, in this transaction. It
// returns an error of kind KindConflict when another process has taken the upload over.
func (t *ImportTx) Finish(ctx context.Context, id int64, owner string, f Finish, now time.Time) error {
	return classify(finishUpload(ctx, t.tx, id, owner, f, now))
}
