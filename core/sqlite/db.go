// Package sqlite stores Rosterdesk's data in one embedded SQLite database
// (modernc.org/sqlite, pure Go). Public methods open a transaction and call lower-case
// helpers that take *sql.Tx.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/retry"
)

// DB is the database: one writer connection and a small pool of readers. WAL lets the
// readers (history, accounts) see the last committed state while an import's write
// transaction is open. A DB opened with OpenReadOnly has readers only.
type DB struct {
	w    *sql.DB
	r    *sql.DB
	Path string
	file os.FileInfo // the database file, for the list of files open in this process
	busy BusyWait
}

// BusyWait says how a DB's writes wait for the database's write lock while another
// connection holds it: another Rosterdesk process's import, or another program (a
// database browser with unsaved changes) that has the database open for writing.
type BusyWait struct {
	// Limit bounds the wait of each write; zero means DefaultBusyLimit.
	Limit time.Duration
	// Notify, when not nil, hears how long a write of db has waited so far, a few times
	// a second while it waits, and once more with freed set when the lock is taken (not
	// when the write gives up or is cancelled). It is called on the waiting goroutine:
	// it must return soon, and may read db but not write it. It hears the writes of
	// OpenWith's upgrade too, before OpenWith has returned db.
	Notify func(ctx context.Context, db *DB, waited time.Duration, freed bool)
}

// DefaultBusyLimit bounds how long a write waits for another connection's write lock
// unless SetBusyWait says otherwise.
const DefaultBusyLimit = 10 * time.Minute

// busyStep is the writer connection's busy_timeout: how long SQLite itself waits for the
// write lock before it returns SQLITE_BUSY and the write's own loop (retry.Until) tries
// again. It is short so that a wait is heard (BusyWait.Notify) and cancelled within a
// fraction of a second, where a long busy_timeout would keep both inside SQLite.
const busyStep = 250 * time.Millisecond

// SetBusyWait sets how the DB's writes wait for another connection's write lock. Call it
// before the DB is used by more than one goroutine; OpenWith sets it before the
// upgrade's writes.
func (db *DB) SetBusyWait(b BusyWait) {
	if b.Limit <= 0 {
		b.Limit = DefaultBusyLimit
	}
	db.busy = b
}

// waitUnlocked calls try until it returns an error that is not SQLite's "busy" (or
// none), retrying while another connection holds the write lock, until limit (zero:
// the DB's busy limit) has passed or ctx ends; it tells BusyWait.Notify how long it
// has waited.
func (db *DB) waitUnlocked(ctx context.Context, limit time.Duration, try func() error) error {
	if limit <= 0 {
		limit = db.busy.Limit
	}
	if limit <= 0 {
		limit = DefaultBusyLimit
	}
	start := time.Now()
	waited := false
	err := retry.Until(ctx, 50*time.Millisecond, limit, func() (bool, error) {
		err := try()
		if !IsBusy(err) {
			return true, err
		}
		if db.busy.Notify != nil {
			waited = true
			db.busy.Notify(ctx, db, time.Since(start), false)
		}
		return false, err
	})
	if waited && !IsBusy(err) && ctx.Err() == nil {
		db.busy.Notify(ctx, db, time.Since(start), true) // the lock was taken
	}
	return err
}

// ApplicationID marks a database file as Rosterdesk's in the SQLite header
// (PRAGMA application_id, bytes 68-71): "RDsk". It is how Open tells a Rosterdesk
// database from another program's without changing either.
const ApplicationID = 0x5244736b

// dsn builds the connection string of the database file at path, which must be
// absolute. The path is escaped as a file: URI path, so '#', '?', '%' and spaces in it
// are plain characters of the name (SQLite and the driver would otherwise read '?'
// and '#' as the start of parameters and decode %41 as 'A'). mode=rw and mode=ro stop
// SQLite from creating a missing file: Open creates it itself. Each pragma is set on
// every connection the pool opens, which db.Exec("PRAGMA …") would not do:
//   - busy_timeout: wait for another connection's lock instead of failing at once (the
//     writer only briefly: its writes wait in waitUnlocked, where the wait is heard);
//   - foreign_keys: SQLite leaves them off unless asked, per connection;
//   - journal_mode(WAL): readers do not block the writer, and a crash rolls back cleanly;
//   - synchronous(NORMAL): durable at each checkpoint, safe with WAL, much faster;
//   - secure_delete: deleted content (an uploaded file's typed passwords) is zeroed, not
//     left in free pages;
//   - query_only: the reader pools can never write, whatever a bug asks of them;
//   - _txlock=immediate: a write transaction takes the write lock at BEGIN, so two
//     writers queue on busy_timeout instead of failing later with SQLITE_BUSY.
func dsn(path string, c conn) string {
	q := url.Values{}
	if c == connWriter {
		q.Add("_pragma", "busy_timeout("+strconv.Itoa(int(busyStep/time.Millisecond))+")")
	} else {
		q.Add("_pragma", "busy_timeout(30000)")
	}
	switch c {
	case connWriter, connReader:
		q.Set("mode", "rw")
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Add("_pragma", "secure_delete(1)")
	case connReadOnly:
		q.Set("mode", "ro")
	case connImmutable:
		// A read-only disk: no other process can change the file, and without its
		// shared-memory file SQLite can read it only when told so.
		q.Set("mode", "ro")
		q.Set("immutable", "1")
	}
	if c == connWriter {
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
		q.Set("_txlock", "deferred")
	}
	return fileURI(path) + "?" + q.Encode()
}

// conn is what a connection string is for.
type conn int

const (
	connWriter    conn = iota // the read-write database's writer
	connReader                // its readers
	connReadOnly              // a database opened read-only
	connImmutable             // a database on a disk that cannot be written
)

// fileURI turns an absolute path into a file: URI that SQLite decodes back to exactly
// that path: every byte but unreserved ones is percent-encoded. A Windows path
// (C:\x\r.db) becomes file:///C:/x/r.db, which SQLite reads as C:/x/r.db.
func fileURI(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	var b strings.Builder
	b.WriteString("file://")
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("/-._~:", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// Open opens the Rosterdesk database at path for reading and writing, creating it
// (readable by its owner only) when there is no file there, and runs the migrations it
// has not run. It refuses, without changing anything:
//   - an empty path, a folder, a device or anything else that is not a regular file
//     (kind KindInvalid, ErrNotAFile);
//   - a file that is not a Rosterdesk database (KindInvalid, ErrNotRosterdesk);
//   - a database made by a newer Rosterdesk (KindInvalid, ErrNewerSchema).
//
// A file that cannot be written gives KindStorage and ErrReadOnly.
func Open(ctx context.Context, path string) (*DB, error) {
	return OpenWith(ctx, path, Options{})
}

// OpenReadOnly opens the Rosterdesk database at path for reading only: nothing of the
// file changes, and a database on a read-only disk, or in a file the user may only
// read, opens as well. Besides Open's refusals, it returns KindNotInitialized and
// ErrNoDatabase when there is no database at path. A database made by an older
// Rosterdesk is upgraded first if its file can be written; if it cannot, OpenReadOnly
// fails with ErrReadOnly. Writes on the returned DB fail with ErrReadOnly.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	return OpenWith(ctx, path, Options{ReadOnly: true})
}

// Options say how OpenWith opens a database.
type Options struct {
	// ReadOnly opens it as OpenReadOnly does; else as Open does.
	ReadOnly bool
	// Busy is the DB's BusyWait (SetBusyWait) from the start. Upgrading a database made
	// by an older Rosterdesk writes, and waits for another connection's write lock like
	// every write: a database browser with unsaved changes, or another Rosterdesk's
	// import, can keep it waiting for minutes, which Busy.Notify hears.
	Busy BusyWait
}

// OpenWith opens the Rosterdesk database at path as Open or OpenReadOnly do, as o says.
func OpenWith(ctx context.Context, path string, o Options) (*DB, error) {
	if o.Busy.Limit <= 0 {
		o.Busy.Limit = DefaultBusyLimit
	}
	abs, fi, err := checkPath(path, !o.ReadOnly)
	readOnly := o.ReadOnly
	if err != nil {
		return nil, err
	}
	if !openHere(fi) {
		// Looking at the file before SQLite does is safe only while no connection of
		// this process has it open: closing our descriptor would drop their locks.
		switch kind, err := identify(ctx, abs, fi); {
		case err != nil:
			return nil, err
		case kind == fileEmpty && readOnly:
			return nil, dbError(core.KindNotInitialized, ErrNoDatabase, nil, "The file %s is empty: there is no database in it yet.", abs)
		case kind == fileEmpty:
			if err := initFile(ctx, abs); err != nil {
				return nil, err
			}
		}
	}
	if readOnly {
		return openReadOnly(ctx, abs, fi, o.Busy)
	}
	return openReadWrite(ctx, abs, fi, o.Busy)
}

func openReadWrite(ctx context.Context, path string, fi os.FileInfo, busy BusyWait) (*DB, error) {
	w, err := sql.Open("sqlite", dsn(path, connWriter))
	if err != nil {
		return nil, storageError("open the database", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", dsn(path, connReader))
	if err != nil {
		w.Close()
		return nil, storageError("open the database", err)
	}
	r.SetMaxOpenConns(4)
	db := &DB{w: w, r: r, Path: path, file: fi, busy: busy}
	remember(fi)
	pending, err := db.checkSchema(ctx)
	if err == nil {
		err = db.migrate(ctx, pending)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func openReadOnly(ctx context.Context, path string, fi os.FileInfo, busy BusyWait) (*DB, error) {
	db, pending, err := openReaders(ctx, path, fi, connReadOnly)
	if db != nil {
		db.busy = busy
	}
	if isCantOpen(err) {
		// A disk that cannot be written cannot give SQLite the database's shared-memory
		// file. With no write-ahead log either, nothing was left unsaved and no process
		// can change the file: SQLite reads it as immutable.
		if exists(path + "-wal") {
			return nil, dbError(core.KindStorage, ErrReadOnly, err, "The database %s was not closed cleanly, and the disk it is on cannot be written, so it cannot be read. Copy it, with the files beside it whose names start the same, to a disk that can be written.", path)
		}
		db, pending, err = openReaders(ctx, path, fi, connImmutable)
	}
	if err != nil {
		return nil, err
	}
	if len(pending) == 0 {
		return db, nil
	}
	// An older version made the database: upgrade it once, then read.
	db.Close()
	up, err := openReadWrite(ctx, path, fi, busy)
	if errors.Is(err, ErrReadOnly) {
		return nil, dbError(core.KindStorage, ErrReadOnly, err, "The database %s was made by an older version of Rosterdesk and must be upgraded once, but it cannot be written.", path)
	}
	if err != nil {
		return nil, err
	}
	if err := up.Close(); err != nil {
		return nil, err
	}
	return openReadOnly(ctx, path, fi, busy)
}

// openReaders opens a read-only pool of kind c and checks the schema through it.
func openReaders(ctx context.Context, path string, fi os.FileInfo, c conn) (*DB, []migration, error) {
	r, err := sql.Open("sqlite", dsn(path, c))
	if err != nil {
		return nil, nil, storageError("open the database", err)
	}
	r.SetMaxOpenConns(4)
	db := &DB{w: r, r: r, Path: path, file: fi}
	remember(fi)
	pending, err := db.checkSchema(ctx)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, pending, nil
}

// checkSchema refuses a database made by a newer Rosterdesk and returns the migrations
// this one has not run yet.
func (db *DB) checkSchema(ctx context.Context) ([]migration, error) {
	var pending []migration
	var newer int
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		pending, newer, err = schemaState(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	if newer > 0 {
		return nil, dbError(core.KindInvalid, ErrNewerSchema, nil, "The database %s was made by a newer version of Rosterdesk (schema %d); install that version.", db.Path, newer)
	}
	return pending, nil
}

// PageSize is the page size of a database Open creates. SQLite's default is 4 KiB;
// with 8 KiB pages a 100,000-row import took about 8% less time (fewer B-tree pages to
// split, balance and write), and the stored files are blobs of many pages anyway.
// Databases made with another page size keep theirs.
const PageSize = 8192

// initFile makes a new, empty database file Rosterdesk's: its page size and
// application_id, then WAL. SQLite fixes the page size when it writes the file's first
// page, here when the file switches to WAL, and a WAL database can never change it
// afterwards. It cannot go in the DSN: the driver runs the DSN's pragmas in
// alphabetical order, journal_mode before page_size.
func initFile(ctx context.Context, path string) error {
	// The file may have been created empty by someone else: it becomes the database,
	// so it becomes private too (SQLite gives the -wal and -shm files its mode).
	if err := os.Chmod(path, 0o600); err != nil {
		return storageError("create the database", err)
	}
	c, err := sql.Open("sqlite", fileURI(path)+"?mode=rw&_pragma=busy_timeout(30000)")
	if err != nil {
		return storageError("create the database", err)
	}
	defer c.Close()
	conn, err := c.Conn(ctx) // pragmas are per connection: all on the same one
	if err != nil {
		return classify(err)
	}
	defer conn.Close()
	for _, q := range []string{
		`PRAGMA page_size = ` + strconv.Itoa(PageSize),
		`PRAGMA application_id = ` + strconv.Itoa(ApplicationID),
		`PRAGMA journal_mode = WAL`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return classify(err)
		}
	}
	return nil
}

// Close closes the database.
func (db *DB) Close() error {
	forget(db.file)
	return db.closePools()
}

func (db *DB) closePools() error {
	errR := db.r.Close()
	if db.w == db.r {
		return errR
	}
	errW := db.w.Close()
	return errors.Join(errW, errR)
}

// write runs fn in a write transaction and commits it; a busy database is retried as
// waitUnlocked does.
func (db *DB) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return db.writeThen(ctx, fn, nil)
}

// writeThen is write with a step between fn and the commit: then, when not nil, runs
// once fn has succeeded, and the transaction commits only if it returns nil. A busy
// database is retried only until then has run, so that then happens at most once.
func (db *DB) writeThen(ctx context.Context, fn func(tx *sql.Tx) error, then func() error) error {
	ran := false
	err := db.waitUnlocked(ctx, 0, func() error {
		err := db.writeOnce(ctx, func(tx *sql.Tx) error {
			if err := fn(tx); err != nil || then == nil {
				return err
			}
			ran = true
			return then()
		})
		if ran && IsBusy(err) {
			// then ran: it must not run again, so the error must not read as busy to
			// waitUnlocked (the driver's error is kept as text only).
			return &core.Error{Kind: core.KindBusy, Message: busyMessage, Err: fmt.Errorf("%w: %v", ErrBusy, err)}
		}
		return err
	})
	return classify(err)
}

func (db *DB) writeOnce(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// read runs fn in a read transaction on the reader pool.
func (db *DB) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return classify(err)
	}
	defer tx.Rollback()
	return classify(fn(tx))
}

// Checkpoint copies the WAL into the database and truncates it, so that content deleted
// by the last transactions (typed passwords) no longer sits in the WAL file.
func (db *DB) Checkpoint(ctx context.Context) error {
	_, err := db.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return classify(err)
}

// IsBusy reports whether err is SQLite's "database is locked" or "busy".
func IsBusy(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	return false
}

// The causes of the storage errors people can do something about. Open and the
// storage methods wrap them in a *core.Error whose message says what is wrong; each
// front end tests for them with errors.Is to add its own advice ("choose another
// database with --db", "run rosterctl init").
var (
	ErrNotAFile      = errors.New("not a database file")
	ErrNoDatabase    = errors.New("no database")
	ErrNotRosterdesk = errors.New("not a Rosterdesk database")
	ErrNewerSchema   = errors.New("made by a newer Rosterdesk")
	ErrReadOnly      = errors.New("database cannot be written")
	ErrDiskFull      = errors.New("disk full")
	ErrDamaged       = errors.New("database damaged")
	ErrBusy          = errors.New("database busy")
)

// dbError returns a *core.Error of kind k whose cause is reason (and err, if any).
func dbError(k core.Kind, reason, err error, format string, args ...any) *core.Error {
	cause := reason
	if err != nil {
		cause = fmt.Errorf("%w: %w", reason, err)
	}
	return &core.Error{Kind: k, Message: fmt.Sprintf(format, args...), Err: cause}
}

const (
	diskFullMessage = "The disk is full, so nothing was saved. Free some space and try again."
	readOnlyMessage = "The database file cannot be written (it is read-only, or in a folder or on a disk you may not write to), so nothing was saved."
	damagedMessage  = "The database file is damaged. Restore it from a backup."
	busyMessage     = "The database stayed busy for too long, so nothing was saved: another Rosterdesk window or rosterctl was saving an upload, or another program (a database browser, for example) had the database open for writing. Wait for the upload to finish, or close that program, and try again."
)

// classify turns storage failures that people can fix (disk full, read-only file,
// damaged database) into a *core.Error with a plain message.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var ce *core.Error
	if errors.As(err, &ce) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_FULL:
			return dbError(core.KindStorage, ErrDiskFull, err, diskFullMessage)
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN:
			return dbError(core.KindStorage, ErrReadOnly, err, readOnlyMessage)
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return dbError(core.KindStorage, ErrDamaged, err, damagedMessage)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return &core.Error{Kind: core.KindBusy, Message: busyMessage, Err: fmt.Errorf("%w: %w", ErrBusy, err)}
		}
	}
	if errors.Is(err, syscall.ENOSPC) {
		return dbError(core.KindStorage, ErrDiskFull, err, diskFullMessage)
	}
	return err
}

// isCantOpen reports whether SQLite could not open a file (a read-only disk without the
// database's shared-memory file, among others).
func isCantOpen(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CANTOPEN
}

// storageError says why the operation op on the database file failed.
func storageError(op string, err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return dbError(core.KindStorage, ErrDiskFull, err, diskFullMessage)
	case errors.Is(err, syscall.EROFS), errors.Is(err, fs.ErrPermission):
		return dbError(core.KindStorage, ErrReadOnly, err, readOnlyMessage)
	}
	return &core.Error{Kind: core.KindStorage, Op: op, Message: "Rosterdesk could not " + op + " (" + err.Error() + ").", Err: err}
}

// fmtTime formats t as the database stores times: RFC 3339 in UTC, to the millisecond.
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// placeholders returns "(?,?,…),(?,?,…)…": rows groups of n parameters.
func placeholders(rows, n int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", n), ",") + ")"
	return strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
}
