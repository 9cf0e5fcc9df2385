package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

// ImportTx is the one write transaction an import checks and applies in. Everything an
// upload changes commits together with its result, so a crash leaves no half-applied
// row and the upload can simply be run again from the start. Its writes classify their
// errors like DB's methods do, so a disk that fills mid-import is reported as full.
type ImportTx struct {
	db        *DB
	ctx       context.Context
	conn      *sql.Conn // the writer connection, held until the transaction ends
	tx        *sql.Tx
	done      bool
	now       string
	nextUser  int64
	nextClass int64
	cacheSize int64 // the connection's cache_size before the import, restored after
	tempStore int64 // the connection's temp_store before the import, restored after

	// The batch statements run on the driver's connection directly (see exec).
	stmts map[string]driver.Stmt
	args  []driver.NamedValue // the next batch's arguments, reused from batch to batch
}

// arg appends v, a driver.Value (int64, string or nil), to the next batch's arguments.
func (t *ImportTx) arg(v driver.Value) {
	t.args = append(t.args, driver.NamedValue{Ordinal: len(t.args) + 1, Value: v})
}

// exec runs a batch statement with the arguments arg collected, and returns the number
// of rows it changed. Each distinct text is prepared once: every full batch of a kind
// has the same text, and parsing a 6,000-placeholder INSERT afresh for each was 7% of a
// 100,000-row import's CPU. The statements skip database/sql, which copied every
// batch's arguments into a new slice: 70 MB of the 525 MB that import allocated, all
// of it for the garbage collector to reclaim.
func (t *ImportTx) exec(query string) (int64, error) {
	defer func() { t.args = t.args[:0] }()
	var n int64
	err := t.conn.Raw(func(dc any) error {
		st := t.stmts[query]
		if st == nil {
			pc, ok := dc.(driver.ConnPrepareContext)
			if !ok {
				return errors.New("sqlite driver cannot prepare with a context")
			}
			var err error
			if st, err = pc.PrepareContext(t.ctx, query); err != nil {
				return err
			}
			if t.stmts == nil {
				t.stmts = make(map[string]driver.Stmt)
			}
			t.stmts[query] = st
		}
		se, ok := st.(driver.StmtExecContext)
		if !ok {
			return errors.New("sqlite driver cannot execute with a context")
		}
		res, err := se.ExecContext(t.ctx, t.args)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

func (t *ImportTx) closeStmts() {
	if len(t.stmts) == 0 {
		return
	}
	_ = t.conn.Raw(func(any) error {
		for _, st := range t.stmts {
			st.Close()
		}
		return nil
	})
	t.stmts = nil
}

// importCacheKiB is the page cache of the import transaction, in KiB. SQLite's default
// (2 MiB) is far smaller than the indexes a large import writes into: once the
// transaction's dirty pages outgrow it they are spilled to the WAL and read back,
// over and over. The cache only grows as pages are touched, so a small import pays
// nothing, and it is shrunk back when the import ends. 16 MiB: against 32 MiB it took
// 25–30 MB less peak RSS on a 100,000-row import (the cache costs more than its size in
// SQLite's allocator) at no measurable CPU cost; 64 MiB was no faster than 32.
const importCacheKiB = 16 << 10

// lookupBatch bounds the keys in one IN (…) lookup, well under SQLite's parameter limit.
const lookupBatch = 500

// BeginImport opens the import transaction, waiting for another process's write
// transaction when there is one.
func (db *DB) BeginImport(ctx context.Context, now time.Time) (*ImportTx, error) {
	deadline := time.Now().Add(BusyRetry)
	for {
		t, err := db.beginImport(ctx, now)
		if err == nil || !IsBusy(err) || time.Now().After(deadline) {
			return t, classify(err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (db *DB) beginImport(ctx context.Context, now time.Time) (_ *ImportTx, err error) {
	// Every multi-row INSERT of the import keeps a statement journal (the pages it
	// changed, to undo that statement alone), which SQLite spills to a temporary file
	// past 64 KiB: its pwrite calls were 11% of a 100,000-row import's CPU. In memory it
	// is freed after each statement. SQLite decides where it goes when the write
	// transaction begins (BEGIN IMMEDIATE), so temp_store is set on the one writer
	// connection just before, best effort, and restored after.
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return nil, err
	}
	tempStore := int64(2)
	if conn.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&tempStore) == nil && tempStore != 2 {
		if _, err := conn.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
			tempStore = 2 // unchanged: nothing to restore
		}
	}
	defer func() {
		if err != nil {
			if tempStore != 2 {
				_, _ = conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA temp_store = `+strconv.FormatInt(tempStore, 10))
			}
			conn.Close()
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	t := &ImportTx{db: db, ctx: ctx, conn: conn, tx: tx, now: fmtTime(now), tempStore: tempStore}
	if err = tx.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&t.cacheSize); err != nil {
		tx.Rollback()
		return nil, err
	}
	if _, err = tx.ExecContext(ctx, `PRAGMA cache_size = -`+strconv.Itoa(importCacheKiB)); err != nil {
		tx.Rollback()
		return nil, err
	}
	// Foreign keys are checked once, at commit, instead of by every statement. An
	// immediate check makes each multi-row INSERT of enrollments or school links keep a
	// statement journal to undo itself alone should a key be missing: deferred, the
	// 100,000-row import took 0.35 s (12%) less, and a missing parent still fails the
	// commit, so nothing dangling is ever stored. SQLite switches it off again when the
	// transaction ends.
	if _, err = tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
		tx.Rollback()
		return nil, err
	}
	// Ids are handed out here rather than read back from multi-row INSERTs: the write
	// lock is ours until commit, so nobody else can take them.
	if err = tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM users`).Scan(&t.nextUser); err != nil {
		tx.Rollback()
		return nil, err
	}
	if err = tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM classes`).Scan(&t.nextClass); err != nil {
		tx.Rollback()
		return nil, err
	}
	return t, nil
}

// Commit commits the import. A COMMIT that SQLite refuses (a deferred foreign key left
// unresolved) leaves SQLite's transaction open; the driver rolls it back before it gives
// the connection back (TestImportDanglingKeyFailsCommit holds it to that).
func (t *ImportTx) Commit() error {
	if t.done {
		return sql.ErrTxDone
	}
	t.closeStmts()
	err := classify(t.tx.Commit())
	t.end()
	return err
}

// Rollback abandons the import (a dry run, or an error). After Commit it does nothing.
func (t *ImportTx) Rollback() error {
	if t.done {
		return sql.ErrTxDone
	}
	t.closeStmts()
	err := t.tx.Rollback()
	t.end()
	return err
}

// end gives the writer connection its page cache size and temp_store back, which frees
// the pages above the old size (a window left open after a big import should not keep
// the import's cache), and returns the connection to the pool.
func (t *ImportTx) end() {
	t.done = true
	ctx := context.WithoutCancel(t.ctx)
	if t.cacheSize != 0 {
		_, _ = t.conn.ExecContext(ctx, `PRAGMA cache_size = `+strconv.FormatInt(t.cacheSize, 10))
	}
	if t.tempStore != 2 {
		_, _ = t.conn.ExecContext(ctx, `PRAGMA temp_store = `+strconv.FormatInt(t.tempStore, 10))
	}
	t.conn.Close()
}

// ExistingUser is a stored user as the import checks see it.
type ExistingUser struct {
	ID                                             int64
	GUID, UserID, Role, FirstName, LastName, Email string
	Username                                       string
}

func (u ExistingUser) String() string {
	return strings.TrimSpace(u.FirstName+" "+u.LastName) + " (username " + u.Username + ")"
}

// Users returns the stored users whose column (guid, user_id_key, username_key, or
// teacher_email for a teacher's email_key) is one of keys, by that key.
func (t *ImportTx) Users(column string, keys []string) (map[string]ExistingUser, error) {
	out := make(map[string]ExistingUser)
	if len(keys) == 0 {
		return out, nil
	}
	if column == "username_key" {
		// A username is unique across users and administrators.
		if err := t.operatorUsers(keys, out); err != nil {
			return nil, err
		}
	}
	where := column
	extra := ""
	if column == "teacher_email" {
		where, extra = "email_key", ` AND role = 'Teacher'`
	}
	const cols = `SELECT id, guid, user_id, role, first_name, last_name, email, username, `
	if t.fewUsers(len(keys)) {
		want := make(map[string]struct{}, len(keys))
		for _, k := range keys {
			want[k] = struct{}{}
		}
		err := t.scanUsers(cols+where+` FROM users WHERE 1`+extra, nil, func(u ExistingUser, key string) {
			if _, ok := want[key]; ok {
				out[key] = u
			}
		})
		return out, err
	}
	for start := 0; start < len(keys); start += lookupBatch {
		batch := keys[start:min(start+lookupBatch, len(keys))]
		args := make([]any, len(batch))
		for i, k := range batch {
			args[i] = k
		}
		err := t.scanUsers(cols+where+` FROM users WHERE `+where+` IN (`+strings.TrimSuffix(strings.Repeat("?,", len(batch)), ",")+`)`+extra,
			args, func(u ExistingUser, key string) { out[key] = u })
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// fewUsers reports whether the users table holds fewer users than n, so that reading
// it whole is cheaper than looking n keys up in it. The first import into a new
// database looks 100,000 keys up three times in an empty table: 0.1 s of lookups for
// nothing. Ids are distinct and positive, so MAX(id) bounds the count from above.
func (t *ImportTx) fewUsers(n int) bool { return t.nextUser-1 < int64(n) }

// scanUsers runs a query of ExistingUser columns followed by a key, calling fn per row.
func (t *ImportTx) scanUsers(query string, args []any, fn func(ExistingUser, string)) error {
	rows, err := t.tx.QueryContext(t.ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var u ExistingUser
		var key string
		if err := rows.Scan(&u.ID, &u.GUID, &u.UserID, &u.Role, &u.FirstName, &u.LastName, &u.Email, &u.Username, &key); err != nil {
			return err
		}
		fn(u, key)
	}
	return rows.Err()
}

// InSchool returns which of ids belong to school.
func (t *ImportTx) InSchool(schoolID int64, ids []int64) (map[int64]bool, error) {
	out := make(map[int64]bool)
	for start := 0; start < len(ids); start += lookupBatch {
		batch := ids[start:min(start+lookupBatch, len(ids))]
		args := []any{schoolID}
		for _, id := range batch {
			args = append(args, id)
		}
		rows, err := t.tx.QueryContext(t.ctx, `SELECT user_id FROM school_users WHERE school_id = ? AND user_id IN (`+
			strings.TrimSuffix(strings.Repeat("?,", len(batch)), ",")+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = true
		}
		rows.Close()
	}
	return out, nil
}

// UsernamesFrom returns the stored usernames (lower case) that a username generated from
// any of bases could collide with: every key from base up to base followed by ":",
// which holds the base itself and the base followed by digits (base2, base3, …). It
// costs one query per few hundred bases instead of one per candidate.
func (t *ImportTx) UsernamesFrom(bases []string) (map[string]struct{}, error) {
	out := make(map[string]struct{})
	if len(bases) == 0 {
		return out, nil
	}
	// A made username must not be an administrator's either.
	if err := t.operatorUsernames(out); err != nil {
		return nil, err
	}
	if t.fewUsers(len(bases)) {
		// Every stored username: more than asked for, which only means more names the
		// caller will not need to avoid.
		rows, err := t.tx.QueryContext(t.ctx, `SELECT username_key FROM users`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				return nil, err
			}
			out[k] = struct{}{}
		}
		return out, rows.Err()
	}
	for start := 0; start < len(bases); start += lookupBatch {
		batch := bases[start:min(start+lookupBatch, len(bases))]
		args := make([]any, 0, 2*len(batch))
		for _, b := range batch {
			args = append(args, b, b+":")
		}
		rows, err := t.tx.QueryContext(t.ctx, `SELECT u.username_key FROM (VALUES `+placeholders(len(batch), 2)+
			`) AS r JOIN users AS u ON u.username_key >= r.column1 AND u.username_key < r.column2`, args...)
		if err != nil {
			return nil, err
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
			return nil, err
		}
	}
	return out, nil
}

// ExistingClass is a stored class as the import checks see it.
type ExistingClass struct {
	ID                               int64
	GUID                             string
	SchoolID                         int64
	ClassID, Name, Grade, Start, End string
}

// Classes returns stored classes by GUID (column "guid") or, for column "class_id_key",
// the classes of schoolID by lower-case Class ID.
func (t *ImportTx) Classes(column string, schoolID int64, keys []string) (map[string]ExistingClass, error) {
	out := make(map[string]ExistingClass)
	for start := 0; start < len(keys); start += lookupBatch {
		batch := keys[start:min(start+lookupBatch, len(keys))]
		var args []any
		q := `SELECT id, guid, school_id, class_id, name, grade, start_date, end_date, ` + column + ` FROM classes WHERE `
		if column == "class_id_key" {
			q += `school_id = ? AND `
			args = append(args, schoolID)
		}
		q += column + ` IN (` + strings.TrimSuffix(strings.Repeat("?,", len(batch)), ",") + `)`
		for _, k := range batch {
			args = append(args, k)
		}
		rows, err := t.tx.QueryContext(t.ctx, q, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var c ExistingClass
			var key string
			if err := rows.Scan(&c.ID, &c.GUID, &c.SchoolID, &c.ClassID, &c.Name, &c.Grade, &c.Start, &c.End, &key); err != nil {
				rows.Close()
				return nil, err
			}
			out[key] = c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Teaches reports whether teacherID teaches class classID.
func (t *ImportTx) Teaches(teacherID, classID int64) (bool, error) {
	var n int
	err := t.tx.QueryRowContext(t.ctx, `SELECT COUNT(*) FROM enrollments WHERE class_id = ? AND user_id = ? AND role = 'Teacher'`, classID, teacherID).Scan(&n)
	return n > 0, err
}

// UserWrite is a user to create or update. On update, blank fields keep the stored value
// and an empty PwKind keeps the password.
type UserWrite struct {
	ID                              int64
	GUID, UserID, Role, First, Last string
	Grade, Email, Username          string
	PwKind                          core.PasswordState
	PwHash                          string
}

const userBatch = 400

// UserBatch is how many users one INSERT of InsertUsers writes: a caller that passes
// this many at a time reuses one prepared statement.
const UserBatch = userBatch

// InsertUsers creates users, assigning their ids, in multi-row INSERTs.
func (t *ImportTx) InsertUsers(us []*UserWrite) error {
	const cols = 15
	for start := 0; start < len(us); start += userBatch {
		batch := us[start:min(start+userBatch, len(us))]
		t.arg(t.now)
		t.arg(t.now)
		for _, u := range batch {
			u.ID = t.nextUser
			t.nextUser++
			issued := ""
			if u.PwKind != "" {
				issued = t.now
			}
			t.arg(u.ID)
			t.arg(u.GUID)
			t.arg(u.UserID)
			t.arg(core.Key(u.UserID))
			t.arg(u.Role)
			t.arg(u.First)
			t.arg(u.Last)
			t.arg(u.Grade)
			t.arg(u.Email)
			t.arg(core.Key(u.Email))
			t.arg(u.Username)
			t.arg(core.Key(u.Username))
			t.arg(string(orNone(u.PwKind)))
			t.arg(u.PwHash)
			t.arg(issued)
		}
		// OR FAIL: a failing statement ends the whole import (its transaction is rolled
		// back), so it need not undo itself alone, and SQLite then keeps no statement
		// journal for it (users has no foreign keys that would need one): 0.12 s of a
		// 100,000-row import.
		// The two ? of the SELECT list come first in the text: they are arguments 1 and 2.
		_, err := t.exec(`INSERT OR FAIL INTO users (id, guid, user_id, user_id_key, role, first_name, last_name, grade, email, email_key,
			username, username_key, pw_kind, pw_hash, pw_issued_at, created_at, updated_at) SELECT column1, column2, column3, column4, column5,
			column6, column7, column8, column9, column10, column11, column12, column13, column14, column15, ?, ? FROM (VALUES ` + placeholders(len(batch), cols) + `)`)
		if err != nil {
			return classify(err)
		}
	}
	return nil
}

func orNone(k core.PasswordState) core.PasswordState {
	if k == "" {
		return core.PasswordNone
	}
	return k
}

// UpdateUser updates a stored user: non-blank fields overwrite, blank ones keep.
func (t *ImportTx) UpdateUser(u *UserWrite) error {
	_, err := t.tx.ExecContext(t.ctx, `UPDATE users SET
		user_id = CASE WHEN ?1 = '' THEN user_id ELSE ?1 END,
		user_id_key = CASE WHEN ?1 = '' THEN user_id_key ELSE lower(?1) END,
		first_name = CASE WHEN ?2 = '' THEN first_name ELSE ?2 END,
		last_name = CASE WHEN ?3 = '' THEN last_name ELSE ?3 END,
		grade = CASE WHEN ?4 = '' THEN grade ELSE ?4 END,
		email = CASE WHEN ?5 = '' THEN email ELSE ?5 END,
		email_key = CASE WHEN ?5 = '' THEN email_key ELSE lower(?5) END,
		username = CASE WHEN ?6 = '' THEN username ELSE ?6 END,
		username_key = CASE WHEN ?6 = '' THEN username_key ELSE lower(?6) END,
		pw_kind = CASE WHEN ?7 = '' THEN pw_kind ELSE ?7 END,
		pw_hash = CASE WHEN ?7 = '' THEN pw_hash ELSE ?8 END,
		pw_issued_at = CASE WHEN ?7 = '' THEN pw_issued_at ELSE ?9 END,
		updated_at = ?9
		WHERE id = ?10`,
		u.UserID, u.First, u.Last, u.Grade, u.Email, u.Username, string(u.PwKind), u.PwHash, t.now, u.ID)
	return classify(err)
}

// LinkSchool links users to a school; existing links stay as they are.
func (t *ImportTx) LinkSchool(schoolID int64, ids []int64) error {
	const batchSize = 1000
	for start := 0; start < len(ids); start += batchSize {
		batch := ids[start:min(start+batchSize, len(ids))]
		for _, id := range batch {
			t.arg(schoolID)
			t.arg(id)
		}
		if _, err := t.exec(`INSERT OR IGNORE INTO school_users (school_id, user_id) VALUES ` + placeholders(len(batch), 2)); err != nil {
			return classify(err)
		}
	}
	return nil
}

// ClassWrite is a class to create or update (blank fields keep on update).
type ClassWrite struct {
	ID                               int64
	GUID                             string
	SchoolID                         int64
	ClassID, Name, Grade, Start, End string
	PrimaryTeacher                   int64
}

// InsertClasses creates classes, assigning their ids.
func (t *ImportTx) InsertClasses(cs []*ClassWrite) error {
	const cols = 10
	for start := 0; start < len(cs); start += userBatch {
		batch := cs[start:min(start+userBatch, len(cs))]
		t.arg(t.now)
		t.arg(t.now)
		for _, c := range batch {
			c.ID = t.nextClass
			t.nextClass++
			var teacher driver.Value // NULL: no primary teacher
			if c.PrimaryTeacher != 0 {
				teacher = c.PrimaryTeacher
			}
			for _, v := range []driver.Value{c.ID, c.GUID, c.SchoolID, c.ClassID, core.Key(c.ClassID), c.Name, c.Grade, c.Start, c.End, teacher} {
				t.arg(v)
			}
		}
		_, err := t.exec(`INSERT INTO classes (id, guid, school_id, class_id, class_id_key, name, grade, start_date, end_date,
			primary_teacher_id, created_at, updated_at) SELECT column1, column2, column3, column4, column5, column6, column7, column8, column9,
			column10, ?, ? FROM (VALUES ` + placeholders(len(batch), cols) + `)`)
		if err != nil {
			return classify(err)
		}
	}
	return nil
}

// UpdateClass updates a stored class: non-blank fields overwrite, blank ones keep.
func (t *ImportTx) UpdateClass(c *ClassWrite) error {
	_, err := t.tx.ExecContext(t.ctx, `UPDATE classes SET
		class_id = CASE WHEN ?1 = '' THEN class_id ELSE ?1 END,
		class_id_key = CASE WHEN ?1 = '' THEN class_id_key ELSE lower(?1) END,
		name = CASE WHEN ?2 = '' THEN name ELSE ?2 END,
		grade = CASE WHEN ?3 = '' THEN grade ELSE ?3 END,
		start_date = CASE WHEN ?4 = '' THEN start_date ELSE ?4 END,
		end_date = CASE WHEN ?5 = '' THEN end_date ELSE ?5 END,
		updated_at = ?6
		WHERE id = ?7`, c.ClassID, c.Name, c.Grade, c.Start, c.End, t.now, c.ID)
	return classify(err)
}

// ClassCode is a Master Code redeemed for a class.
type ClassCode struct {
	ClassID int64
	Code    string
}

// AddCodes records Master Codes; a code already on the class is kept once.
func (t *ImportTx) AddCodes(codes []ClassCode) error {
	const batchSize = 1000
	for start := 0; start < len(codes); start += batchSize {
		batch := codes[start:min(start+batchSize, len(codes))]
		for _, c := range batch {
			t.arg(c.ClassID)
			t.arg(c.Code)
		}
		if _, err := t.exec(`INSERT OR IGNORE INTO class_codes (class_id, code) VALUES ` + placeholders(len(batch), 2)); err != nil {
			return classify(err)
		}
	}
	return nil
}

// Enrollment links a user to a class with a role.
type Enrollment struct {
	ClassID, UserID int64
	Role            core.Role
}

// Enroll adds enrollments and returns how many were new; existing ones are kept as they
// are (an import never removes or demotes).
func (t *ImportTx) Enroll(es []Enrollment) (int, error) {
	const batchSize = 1000
	added := 0
	for start := 0; start < len(es); start += batchSize {
		batch := es[start:min(start+batchSize, len(es))]
		for _, e := range batch {
			t.arg(e.ClassID)
			t.arg(e.UserID)
			t.arg(string(e.Role))
		}
		n, err := t.exec(`INSERT OR IGNORE INTO enrollments (class_id, user_id, role) VALUES ` + placeholders(len(batch), 3))
		if err != nil {
			return added, classify(err)
		}
		added += int(n)
	}
	return added, nil
}

// Finish records the upload's outcome and files and deletes its original, in this
// transaction.
func (t *ImportTx) Finish(id int64, owner string, f Finish, now time.Time) error {
	return classify(finishUpload(t.ctx, t.tx, id, owner, f, now))
}
