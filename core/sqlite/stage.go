package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Stage is an import's staging database: a temporary SQLite file of its own, in a
// private folder beside the main database, that holds the rows of the file being
// imported and every decision about them until the import is written. It is what
// keeps an import's memory bounded whatever the file's size: the rows, users and
// classes live on disk, and each stage of the import reads them back a page at a time,
// in the order it needs (by user, by class, by row).
//
// The stage is written by its own connection while the file is read and checked, then
// attached to the main database's writer connection for the import transaction
// (BeginImport), which joins it with what is stored. It is never part of what the
// import commits: the caller removes the file once the import ends, and removes any
// left by a crash at start-up.
//
// Its journal is off: a stage that is interrupted is thrown away, never recovered.
type Stage struct {
	path string
	db   *sql.DB
	conn *sql.Conn
	b    batcher

	open    bool  // the stage's transaction is open
	rows    batch // rows waiting for AddRow's next INSERT
	users   batch // users waiting for AddUser's next INSERT
	classes batch // classes waiting for AddClass's next INSERT
}

// stageSchema creates the staging tables. Every query of the import reads them in the
// order of an index, so SQLite never sorts or builds a temporary table: the memory and
// the disk it uses stay those of the page cache and of this file.
const stageSchema = `
-- One row per data row of the file: its user and class keys, whether its own cells
-- have a problem (then it fails whatever its user and class), and its cells, encoded
-- by the engine (typed passwords sealed with a key that never leaves the process).
CREATE TABLE rows (
	line  INTEGER PRIMARY KEY,
	ukey  TEXT NOT NULL,
	ckey  TEXT,
	code  TEXT,
	own   INTEGER NOT NULL,
	cells BLOB NOT NULL
);
CREATE INDEX rows_user ON rows (ukey, line);
CREATE INDEX rows_class ON rows (ckey, line) WHERE ckey IS NOT NULL;

-- One row per user of the file: the merged cells B–I, the keys they are compared by,
-- and what was decided.
CREATE TABLE users (
	ukey              TEXT PRIMARY KEY,
	first_line        INTEGER NOT NULL,
	guid              TEXT NOT NULL,
	user_id           TEXT NOT NULL,
	role              TEXT NOT NULL,
	first_name        TEXT NOT NULL,
	last_name         TEXT NOT NULL,
	grade             TEXT NOT NULL,
	email             TEXT NOT NULL,
	username          TEXT NOT NULL,
	password          BLOB,
	id_key            TEXT,
	name_key          TEXT,
	email_key         TEXT,
	teacher_email_key TEXT,
	base              TEXT NOT NULL,
	pw_hash           TEXT,
	issues            BLOB,
	failed            INTEGER NOT NULL DEFAULT 0,
	applied           INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;
-- The User IDs of users not keyed by their User ID (given by GUID, or unmatched): the
-- only ones that can share a User ID with another user of the file.
CREATE INDEX users_other_id ON users (id_key) WHERE ukey NOT LIKE 'u:%';
CREATE INDEX users_name ON users (name_key) WHERE name_key IS NOT NULL;
CREATE INDEX users_teacher_email ON users (teacher_email_key) WHERE teacher_email_key IS NOT NULL;

-- One row per class of the file: the merged cells J–N and what was decided.
CREATE TABLE classes (
	ckey       TEXT PRIMARY KEY,
	first_line INTEGER NOT NULL,
	guid       TEXT NOT NULL,
	class_id   TEXT NOT NULL,
	id_key     TEXT,
	typed_id   TEXT NOT NULL,
	typed_key  TEXT,
	name       TEXT NOT NULL,
	name_given INTEGER NOT NULL,
	grade      TEXT NOT NULL,
	start_date TEXT NOT NULL,
	end_date   TEXT NOT NULL,
	issues     BLOB,
	failed     INTEGER NOT NULL DEFAULT 0,
	applied    INTEGER NOT NULL DEFAULT 1,
	cid        INTEGER,
	new_guid   TEXT,
	teacher_id INTEGER
) WITHOUT ROWID;

-- One row per user of the file once the write stage has run: all the results pass
-- shows of them. The users an import creates come first (generate), with what it made
-- for them: their id, GUID and username, and the temporary password (sealed) the
-- Completed File hands out; the other users follow (AddUserResults). The pass over
-- every row joins this narrow table alone, instead of the wide users table and the
-- stored users, so what it reads stays within the stage's page cache.
CREATE TABLE gen (
	ukey     TEXT PRIMARY KEY,
	id       INTEGER NOT NULL,
	guid     TEXT NOT NULL,
	username TEXT NOT NULL,
	temp     BLOB,
	role     TEXT NOT NULL,
	new      INTEGER NOT NULL,
	failed   INTEGER NOT NULL,
	applied  INTEGER NOT NULL,
	issues   BLOB
) WITHOUT ROWID;

-- The stored Uploaded File, written while the file is read.
CREATE TABLE parts (
	kind TEXT NOT NULL,
	part INTEGER NOT NULL,
	data BLOB NOT NULL,
	PRIMARY KEY (kind, part)
);
`

// stageCacheKiB is the stage's page cache, in KiB, both while the rows are staged and
// once the import transaction has attached it. It bounds the memory an import needs:
// a larger stage spills to its file (docs/performance.md has the sizes tried).
const stageCacheKiB = 32 << 10

// stagePragmas are the staging connection's settings: no journal and no syncing (a
// stage is never recovered, only thrown away), statement journals and anything else
// temporary in memory (never in the system's temporary folder), a bounded page cache,
// and the file locked once for the connection's life, not for every statement (nobody
// else opens it until the connection is closed for the import transaction to attach it).
//
// Its pages are 32 KiB: SQLite allocates each cached page together with its header, and
// the allocator under modernc.org/sqlite serves every allocation above 16 KiB from a
// region of its own, rounded up to whole memory pages, so a 16 KiB page cost 20 KiB of
// memory and a 32 KiB one costs 36 KiB. The same cache then takes less memory, at every
// size, for no measurable difference in time (docs/performance.md).
var stagePragmas = []string{
	`PRAGMA page_size = 32768`,
	`PRAGMA journal_mode = OFF`,
	`PRAGMA synchronous = OFF`,
	`PRAGMA temp_store = MEMORY`,
	`PRAGMA cache_size = -` + strconv.Itoa(stageCacheKiB),
	`PRAGMA foreign_keys = OFF`,
	`PRAGMA locking_mode = EXCLUSIVE`,
}

// stageDSN returns the connection string for a stage at path: a file: URI whose path is
// escaped, so that a folder named "School #5" or "50% off" is used as it is.
func stageDSN(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/… on Windows
	}
	return "file:" + (&url.URL{Path: p}).EscapedPath() + "?_txlock=deferred"
}

// CreateStage creates a new, empty stage at path, readable by its owner only. It fails if
// a file is already there. Close or Remove it when done.
func CreateStage(ctx context.Context, path string) (*Stage, error) {
	s, err := createStageFile(ctx, path)
	if err != nil {
		return nil, err
	}
	if _, err := s.conn.ExecContext(ctx, stageSchema); err != nil {
		s.Remove()
		return nil, classify(fmt.Errorf("create stage: %w", err))
	}
	// One transaction for the stage's whole life on this connection: its pages are
	// written to the file when the cache is full or the stage is closed, not after
	// every statement.
	if _, err := s.conn.ExecContext(ctx, `BEGIN`); err != nil {
		s.Remove()
		return nil, classify(fmt.Errorf("create stage: %w", err))
	}
	s.open = true
	return s, nil
}

// createStageFile creates a file at path, readable by its owner only (failing if one is
// there), and opens it with a stage's settings.
func createStageFile(ctx context.Context, path string) (*Stage, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, storageError("create a temporary file", err)
	}
	f.Close()
	s, err := openStage(ctx, path)
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	return s, nil
}

func openStage(ctx context.Context, path string) (*Stage, error) {
	db, err := sql.Open("sqlite", stageDSN(path))
	if err != nil {
		return nil, storageError("open a temporary file", err)
	}
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, classify(err)
	}
	for _, p := range stagePragmas {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			conn.Close()
			db.Close()
			return nil, classify(fmt.Errorf("stage %s: %w", p, err))
		}
	}
	s := &Stage{path: path, db: db, conn: conn}
	s.b.conn = conn
	return s, nil
}

// Path returns the stage's file.
func (s *Stage) Path() string { return s.path }

// Close writes what the stage holds to its file, closes its connection and keeps the
// file, for the import transaction to attach.
func (s *Stage) Close() error {
	if s.db == nil {
		return nil
	}
	s.b.close()
	var err error
	if s.open {
		_, err = s.conn.ExecContext(context.Background(), `COMMIT`)
		err = classify(err)
	}
	err = errors.Join(err, s.conn.Close(), s.db.Close())
	s.db = nil
	return err
}

// Remove closes the stage and deletes its file.
func (s *Stage) Remove() error {
	return errors.Join(s.Close(), RemoveStage(s.path))
}

// RemoveStage deletes the stage file at path and the journal SQLite may have left beside
// it; a file that is not there is no error.
func RemoveStage(path string) error {
	var errs []error
	for _, p := range []string{path, path + "-journal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// StagedRow is one data row of the file as the stage keeps it.
type StagedRow struct {
	Line int
	UKey string // the user it belongs to
	CKey string // the class it links to, "" when it has no class columns
	Code string // its normalised Master Code, "" when none or not valid
	Own  bool   // its own cells have a problem: it fails whatever its user and class
	// Cells are the row's template cells, encoded by the engine.
	Cells []byte
}

const rowBatch = 400

// AddRow stages a row. Rows are written a batch at a time: call FlushRows after the last.
// It returns an error of kind KindStorage when the disk is full.
func (s *Stage) AddRow(ctx context.Context, r StagedRow) error {
	s.rows.add(int64(r.Line), r.UKey, nullable(r.CKey), nullable(r.Code), boolInt(r.Own), r.Cells)
	if s.rows.rows == rowBatch {
		return s.FlushRows(ctx)
	}
	return nil
}

// FlushRows writes the rows AddRow holds.
func (s *Stage) FlushRows(ctx context.Context) error {
	if s.rows.rows == 0 {
		return nil
	}
	_, err := s.b.exec(ctx, &s.rows, `INSERT INTO rows (line, ukey, ckey, code, own, cells) VALUES `+placeholders(s.rows.rows, 6))
	return classify(err)
}

// Parts returns a writer that stores a file of the stage (the Uploaded File) in parts.
// Close it to store the last part.
func (s *Stage) Parts(ctx context.Context, kind string) io.WriteCloser {
	return newPartWriter(func(part int, data []byte) error {
		_, err := s.conn.ExecContext(ctx, `INSERT INTO parts (kind, part, data) VALUES (?, ?, ?)`, kind, part, data)
		return classify(err)
	})
}

// PartsReader returns a file the stage holds, from its first part to its last.
func (s *Stage) PartsReader(ctx context.Context, kind string) io.Reader {
	return &stageParts{ctx: ctx, conn: s.conn, kind: kind}
}

// stageParts reads a stage's file a part at a time.
type stageParts struct {
	ctx  context.Context
	conn *sql.Conn
	kind string
	next int
	buf  []byte
	done bool
}

func (p *stageParts) Read(b []byte) (int, error) {
	for len(p.buf) == 0 {
		if p.done {
			return 0, io.EOF
		}
		err := p.conn.QueryRowContext(p.ctx, `SELECT data FROM parts WHERE kind = ? AND part = ?`, p.kind, p.next).Scan(&p.buf)
		if errors.Is(err, sql.ErrNoRows) {
			p.done = true
			continue
		}
		if err != nil {
			return 0, classify(err)
		}
		p.next++
	}
	n := copy(b, p.buf)
	p.buf = p.buf[n:]
	return n, nil
}

// UserRows returns the next page of rows in user order, after the row of user ukey on
// line (the start for ""): at most limit rows, each user's rows by line. It reads only
// what the stage holds, never the main database.
func (s *Stage) UserRows(ctx context.Context, ukey string, line, limit int) ([]StagedRow, error) {
	return s.pageOfRows(ctx, `
		SELECT line, ukey, coalesce(ckey, ''), coalesce(code, ''), own, cells
		FROM rows
		WHERE (ukey, line) > (?, ?)
		ORDER BY ukey, line
		LIMIT ?`, ukey, line, limit)
}

// ClassRows returns the next page of rows with class columns in class order, after the
// row of class ckey on line: at most limit rows, each class's rows by line.
func (s *Stage) ClassRows(ctx context.Context, ckey string, line, limit int) ([]StagedRow, error) {
	return s.pageOfRows(ctx, `
		SELECT line, ukey, ckey, coalesce(code, ''), own, cells
		FROM rows
		WHERE ckey IS NOT NULL AND (ckey, line) > (?, ?)
		ORDER BY ckey, line
		LIMIT ?`, ckey, line, limit)
}

// pageOfRows runs query, which reads at most limit rows after (key, line).
func (s *Stage) pageOfRows(ctx context.Context, query, key string, line, limit int) ([]StagedRow, error) {
	out := make([]StagedRow, 0, limit) // a page: appending from nil allocated it about twice
	err := s.b.query(ctx, query, args(key, int64(line), int64(limit)), func(v []driver.Value) error {
		out = append(out, StagedRow{Line: int(vInt(v[0])), UKey: vString(v[1]), CKey: vString(v[2]), Code: vString(v[3]),
			Own: vBool(v[4]), Cells: vBytes(v[5])})
		return nil
	})
	return out, classify(err)
}

// StagedUser is one user of the file: its rows' cells B–I merged, and the keys they are
// compared by.
type StagedUser struct {
	UKey      string
	FirstLine int
	GUID      string // the User GUID given (lower case), "" for a new user
	UserID    string
	Role      string
	First     string
	Last      string
	Grade     string // normalised
	Email     string
	Username  string
	Password  []byte // sealed by the engine, nil when none was typed
	// IDKey, NameKey and EmailKey are core.Key of the User ID, typed username and email,
	// "" when blank; TeacherEmailKey is EmailKey when the file makes the user a teacher.
	IDKey, NameKey, EmailKey, TeacherEmailKey string
	// Base is the username the user would be given if they need one made.
	Base    string
	PwHash  string // argon2id of the typed password, once hashed
	Issues  []byte // the problems found, encoded by the engine; nil when none
	Failed  bool
	Applied bool
}

const userCols = 20

// AddUser stages a user; call FlushUsers after the last.
func (s *Stage) AddUser(ctx context.Context, u *StagedUser) error {
	s.users.add(u.UKey, int64(u.FirstLine), u.GUID, u.UserID, u.Role, u.First, u.Last, u.Grade, u.Email, u.Username,
		blob(u.Password), nullable(u.IDKey), nullable(u.NameKey), nullable(u.EmailKey), nullable(u.TeacherEmailKey),
		u.Base, nullable(u.PwHash), blob(u.Issues), boolInt(u.Failed), boolInt(!u.Failed))
	if s.users.rows == 90 {
		return s.FlushUsers(ctx)
	}
	return nil
}

// FlushUsers writes the users AddUser holds.
func (s *Stage) FlushUsers(ctx context.Context) error {
	if s.users.rows == 0 {
		return nil
	}
	_, err := s.b.exec(ctx, &s.users, `
		INSERT INTO users (
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
			id_key,
			name_key,
			email_key,
			teacher_email_key,
			base,
			pw_hash,
			issues,
			failed,
			applied
		) VALUES `+placeholders(s.users.rows, userCols))
	return classify(err)
}

// StagedClass is one class of the file: its rows' cells J–N merged.
type StagedClass struct {
	CKey      string
	FirstLine int
	GUID      string // the Class GUID given (lower case), "" for a new class
	ClassID   string // the first valid Class ID of its rows
	IDKey     string // core.Key of ClassID, "" when it has none
	TypedID   string // the first Class ID typed, valid or not
	TypedKey  string // core.Key of TypedID
	Name      string
	NameGiven bool   // a Class Name was typed, valid or not
	Grade     string // normalised
	Start     string // YYYY-MM-DD
	End       string
	Issues    []byte
	Failed    bool
	Applied   bool
	CID       int64 // the stored class it updates, once known
}

// AddClass stages a class; call FlushClasses after the last.
func (s *Stage) AddClass(ctx context.Context, c *StagedClass) error {
	s.classes.add(c.CKey, int64(c.FirstLine), c.GUID, c.ClassID, nullable(c.IDKey), c.TypedID, nullable(c.TypedKey), c.Name,
		boolInt(c.NameGiven), c.Grade, c.Start, c.End, blob(c.Issues), boolInt(c.Failed), boolInt(!c.Failed))
	if s.classes.rows == 120 {
		return s.FlushClasses(ctx)
	}
	return nil
}

// FlushClasses writes the classes AddClass holds.
func (s *Stage) FlushClasses(ctx context.Context) error {
	if s.classes.rows == 0 {
		return nil
	}
	_, err := s.b.exec(ctx, &s.classes, `
		INSERT INTO classes (
			ckey,
			first_line,
			guid,
			class_id,
			id_key,
			typed_id,
			typed_key,
			name,
			name_given,
			grade,
			start_date,
			end_date,
			issues,
			failed,
			applied
		) VALUES `+placeholders(s.classes.rows, 15))
	return classify(err)
}

// KeyRun is a key that several users of the file share, with those users.
type KeyRun struct {
	Key   string
	Value string // the value as the first of them has it
	UKeys []string
}

// SharedKey names a key two different users of one file may not share.
type SharedKey int

// The keys two different users of one file may not share.
const (
	SharedUserID SharedKey = iota
	SharedUsername
	SharedTeacherEmail
)

// sharedKeyQueries read each SharedKey's index a page at a time.
var sharedKeyQueries = [...]string{
	SharedUserID: `
		SELECT id_key, ukey, user_id FROM users
		WHERE ukey NOT LIKE 'u:%' AND (id_key, ukey) > (?, ?)
		ORDER BY id_key, ukey
		LIMIT ?`,
	SharedUsername: `
		SELECT name_key, ukey, username FROM users
		WHERE name_key IS NOT NULL AND (name_key, ukey) > (?, ?)
		ORDER BY name_key, ukey
		LIMIT ?`,
	SharedTeacherEmail: `
		SELECT teacher_email_key, ukey, email FROM users
		WHERE teacher_email_key IS NOT NULL AND (teacher_email_key, ukey) > (?, ?)
		ORDER BY teacher_email_key, ukey
		LIMIT ?`,
}

// SharedKeys calls fn for every value of key that more than one user of the file holds,
// in key order. It walks the key's index a page at a time, so a file of millions of
// users costs a page of memory (and a run of users sharing one key, a list of them).
// Users keyed by their User ID share it with no other user so keyed; the index of User
// IDs holds only the others, each checked against the one keyed by its User ID.
func (s *Stage) SharedKeys(ctx context.Context, key SharedKey, fn func(KeyRun) error) error {
	const page = 1000
	after, afterUKey := "", ""
	var run KeyRun
	done := func(r KeyRun) error {
		if key == SharedUserID {
			var v string
			err := s.conn.QueryRowContext(ctx, `SELECT user_id FROM users WHERE ukey = ?`, "u:"+r.Key).Scan(&v)
			switch {
			case err == nil:
				r.UKeys = append([]string{"u:" + r.Key}, r.UKeys...)
				r.Value = v
			case !errors.Is(err, sql.ErrNoRows):
				return classify(err)
			}
		}
		if len(r.UKeys) > 1 {
			return fn(r)
		}
		return nil
	}
	for {
		rows, err := s.conn.QueryContext(ctx, sharedKeyQueries[key], after, afterUKey, page)
		if err != nil {
			return classify(err)
		}
		n := 0
		var pending []KeyRun
		for rows.Next() {
			var k, u, v string
			if err := rows.Scan(&k, &u, &v); err != nil {
				rows.Close()
				return err
			}
			n++
			if k != run.Key {
				if len(run.UKeys) > 0 {
					pending = append(pending, run)
				}
				run = KeyRun{Key: k, Value: v}
			}
			run.UKeys = append(run.UKeys, u)
			after, afterUKey = k, u
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return classify(err)
		}
		for _, r := range pending {
			if err := done(r); err != nil {
				return err
			}
		}
		if n < page {
			break
		}
	}
	if len(run.UKeys) > 0 {
		return done(run)
	}
	return nil
}

// UserLines returns the lines of the rows of user ukey, the first limit of them, and how
// many there are in all.
func (s *Stage) UserLines(ctx context.Context, ukey string, limit int) ([]int, int, error) {
	var total int
	if err := s.conn.QueryRowContext(ctx, `SELECT count(*) FROM rows WHERE ukey = ?`, ukey).Scan(&total); err != nil {
		return nil, 0, classify(err)
	}
	rows, err := s.conn.QueryContext(ctx, `SELECT line FROM rows WHERE ukey = ? ORDER BY line LIMIT ?`, ukey, limit)
	if err != nil {
		return nil, 0, classify(err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var l int
		if err := rows.Scan(&l); err != nil {
			return nil, 0, err
		}
		out = append(out, l)
	}
	return out, total, classify(rows.Err())
}

// UserIssues returns the encoded problems of user ukey.
func (s *Stage) UserIssues(ctx context.Context, ukey string) ([]byte, error) {
	var b []byte
	err := s.conn.QueryRowContext(ctx, `SELECT issues FROM users WHERE ukey = ?`, ukey).Scan(&b)
	return b, classify(err)
}

// FailUser records that user ukey fails, with its problems.
func (s *Stage) FailUser(ctx context.Context, ukey string, issues []byte) error {
	_, err := s.conn.ExecContext(ctx, `UPDATE users SET issues = ?, failed = 1, applied = 0 WHERE ukey = ?`, issues, ukey)
	return classify(err)
}

// TypedPassword is a user's typed password waiting to be hashed.
type TypedPassword struct {
	UKey     string
	GUID     string
	Password []byte // sealed
}

// TypedPasswords returns the next page of users who typed a password and have no
// problem so far, after user ukey.
func (s *Stage) TypedPasswords(ctx context.Context, ukey string, limit int) ([]TypedPassword, error) {
	return scanPage(ctx, s.conn, limit, func(rows *sql.Rows, p *TypedPassword) error {
		return rows.Scan(&p.UKey, &p.GUID, &p.Password)
	}, typedPasswordsQuery, ukey, limit)
}

const typedPasswordsQuery = `
	SELECT ukey, guid, password
	FROM users
	WHERE ukey > ? AND password IS NOT NULL AND failed = 0
	ORDER BY ukey
	LIMIT ?`

// CountTypedPasswords returns how many users typed a password and have no problem so
// far.
func (s *Stage) CountTypedPasswords(ctx context.Context) (int, error) {
	var n int
	err := s.conn.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE password IS NOT NULL AND failed = 0`).Scan(&n)
	return n, classify(err)
}

// SetPasswordHash records the hash of user ukey's typed password.
func (s *Stage) SetPasswordHash(ctx context.Context, ukey, hash string) error {
	_, err := s.conn.ExecContext(ctx, `UPDATE users SET pw_hash = ? WHERE ukey = ?`, hash, ukey)
	return classify(err)
}
