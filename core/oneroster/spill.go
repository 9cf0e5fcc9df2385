package oneroster

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	// The SQLite driver, for the spill Read keeps in memory when its caller gives none.
	_ "modernc.org/sqlite"
)

// Spill is the SQLite database Read keeps a package's users, classes and enrollments in
// while it translates them, so that its memory does not grow with the package: a
// district's package holds a million enrollments. Read creates its tables (spillSchema)
// and looks records up, groups and orders them with SQL, a page at a time.
//
// A *sql.Conn to an empty database satisfies it. The import passes one to a temporary
// file in the engine's private folder (sqlite.CreateSpill); Read without one uses a
// database in memory, which is right for tests and small packages only. Statements are
// run one at a time, never while another's rows are open.
type Spill interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// spillSchema holds what Read must look up of a package. Orgs and terms, a few hundred
// at most, stay in memory. Every lookup and every ordered read goes through an index
// (or the line, the rowid), so SQLite never builds a sort or a temporary table of the
// package's size: its memory is its page cache.
const spillSchema = `
-- users.csv, one row per record with a sourcedId, by line. A repeated sourcedId has a
-- row of its own; references go to its first (the lowest line).
CREATE TABLE users (
	line      INTEGER PRIMARY KEY,
	id        TEXT NOT NULL,
	role      TEXT NOT NULL,
	first     TEXT NOT NULL,
	last      TEXT NOT NULL,
	grade     TEXT NOT NULL,
	email     TEXT NOT NULL,
	username  TEXT NOT NULL,
	ids       TEXT NOT NULL, -- the User ID candidates, best first, joined by US (0x1f)
	user_id   TEXT NOT NULL, -- the User ID chosen
	id_key    TEXT,          -- core.Key(user_id), NULL for none
	in_school INTEGER NOT NULL,
	problems  TEXT
);
CREATE INDEX users_id ON users (id, line);
-- With in_school and role, users who would share a User ID are found in it alone.
CREATE INDEX users_id_key ON users (id_key, line, in_school, role) WHERE id_key IS NOT NULL;

-- classes.csv, the first record of each sourcedId. place: 1 the school read, 2 another
-- school of orgs.csv (skipped), 0 a school orgs.csv does not have (read, failing).
CREATE TABLE classes (
	line      INTEGER PRIMARY KEY,
	id        TEXT NOT NULL UNIQUE,
	place     INTEGER NOT NULL,
	title     TEXT NOT NULL,
	code      TEXT NOT NULL,
	code_key  TEXT, -- core.Key(code) when it is a valid Class ID
	grade     TEXT NOT NULL,
	start     TEXT NOT NULL,
	end       TEXT NOT NULL,
	class_id  TEXT NOT NULL DEFAULT '',
	class_key TEXT,
	problems  TEXT
);
CREATE INDEX classes_code ON classes (code_key) WHERE code_key IS NOT NULL;
CREATE INDEX classes_class_key ON classes (class_key) WHERE class_key IS NOT NULL;

-- enrollments.csv by line, each resolved as it is stored: uline is its user's first
-- record, state what becomes of it (enrollment* constants), teaches that it makes its
-- user one of the class's teachers.
CREATE TABLE enrollments (
	line    INTEGER PRIMARY KEY,
	class   TEXT NOT NULL,
	user    TEXT NOT NULL,
	rank    INTEGER NOT NULL,
	uline   INTEGER,
	state   INTEGER NOT NULL,
	teaches INTEGER NOT NULL
);
CREATE INDEX enrollments_member ON enrollments (class, user, line);
CREATE INDEX enrollments_user ON enrollments (uline, state) WHERE uline IS NOT NULL;

-- The sourcedIds of users.csv and classes.csv records marked tobedeleted.
CREATE TABLE deleted (
	file TEXT NOT NULL,
	id   TEXT NOT NULL,
	PRIMARY KEY (file, id)
) WITHOUT ROWID;
`

// What becomes of an enrollment (enrollments.state).
const (
	enrollmentSkipped     = 1 // another school's, of a deleted record, or of another role
	enrollmentNotImported = 2 // of a user whose role the upload does not import
	enrollmentKept        = 3 // a row
	enrollmentRepeated    = 4 // of a user already in the class
	enrollmentOthers      = 5 // kept, but in another teacher's class (Options.Teacher)
)

// memorySpill opens a private SQLite database in memory for Read's records.
func memorySpill(ctx context.Context) (*sql.Conn, func(), error) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return nil, nil, err
	}
	db.SetMaxOpenConns(1) // every connection to :memory: is a database of its own
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return conn, func() { conn.Close(); db.Close() }, nil
}

// inserter writes rows into one table of the spill, many to a statement: one INSERT
// per row was most of the time a large package took to store. The statement of a full
// batch is prepared once.
type inserter struct {
	db    Spill
	table string
	cols  []string
	tail  string // after the VALUES, as " ON CONFLICT DO NOTHING"
	// wrap, when set, makes the statement from the VALUES list; after are the arguments
	// of the placeholders it adds after the list's.
	wrap  func(values string) string
	after []any
	args  []any
	rows  int
	full  *sql.Stmt
}

// insertBatch is how many rows an inserter writes at a time.
const insertBatch = 200

func newInserter(db Spill, table string, cols ...string) *inserter {
	return &inserter{db: db, table: table, cols: cols}
}

// add stages one row's values, in the order of the inserter's columns.
func (in *inserter) add(ctx context.Context, vs ...any) error {
	in.args = append(in.args, vs...)
	in.rows++
	if in.rows == insertBatch {
		return in.flush(ctx)
	}
	return nil
}

// flush writes the rows staged. After the last, it closes the prepared statement.
func (in *inserter) flush(ctx context.Context) error {
	err := in.write(ctx)
	if in.rows < insertBatch && in.full != nil {
		err = errors.Join(err, in.full.Close())
		in.full = nil
	}
	in.args, in.rows = in.args[:0], 0
	if err != nil {
		return fmt.Errorf("store %s: %w", in.table, err)
	}
	return nil
}

func (in *inserter) write(ctx context.Context) error {
	args := append(in.args, in.after...)
	switch {
	case in.rows == 0:
		return nil
	case in.rows < insertBatch:
		_, err := in.db.ExecContext(ctx, in.statement(in.rows), args...)
		return err
	case in.full == nil:
		var err error
		if in.full, err = in.db.PrepareContext(ctx, in.statement(insertBatch)); err != nil {
			return err
		}
	}
	_, err := in.full.ExecContext(ctx, args...)
	return err
}

// statement returns the INSERT of n rows. Its placeholders are plain ?s: numbered
// ones (?1, ?2…) cost the driver a search through all of them for each one it binds.
func (in *inserter) statement(n int) string {
	row := "(" + strings.Repeat("?, ", len(in.cols)-1) + "?)"
	values := strings.Repeat(row+", ", n-1) + row
	if in.wrap != nil {
		return in.wrap(values)
	}
	return "INSERT INTO " + in.table + " (" + strings.Join(in.cols, ", ") + ") VALUES " + values + in.tail
}

// encodeProblems packs a record's problems for the spill; nil (NULL) for none.
func encodeProblems(ps []Problem) any {
	if len(ps) == 0 {
		return nil
	}
	b, _ := json.Marshal(ps) // plain strings: no error
	return string(b)
}

// decodeProblems unpacks what encodeProblems packed.
func decodeProblems(s sql.NullString) ([]Problem, error) {
	if !s.Valid || s.String == "" {
		return nil, nil
	}
	var ps []Problem
	if err := json.Unmarshal([]byte(s.String), &ps); err != nil {
		return nil, fmt.Errorf("read problems: %w", err)
	}
	return ps, nil
}

// nullable returns s, or nil (NULL) for "".
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
