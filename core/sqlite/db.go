// Package sqlite stores Rosterdesk's data in one embedded SQLite database
// (modernc.org/sqlite, pure Go). Public methods open a transaction and call lower-case
// helpers that take *sql.Tx.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/rosterdesk/rosterdesk/core"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is the database: one writer connection and a small pool of readers. WAL lets the
// readers (history, accounts) see the last committed state while an import's write
// transaction is open.
type DB struct {
	w    *sql.DB
	r    *sql.DB
	Path string
}

// BusyRetry bounds how long a write waits for another process's write transaction (a
// long import in rosterctl while the window is open) before the error reaches the user.
var BusyRetry = 10 * time.Minute

// dsn builds the connection string. Each pragma is set on every connection the pool
// opens, which db.Exec("PRAGMA …") would not do:
//   - busy_timeout: wait for another connection's lock instead of failing at once;
//   - foreign_keys: SQLite leaves them off unless asked, per connection;
//   - journal_mode(WAL): readers do not block the writer, and a crash rolls back cleanly;
//   - synchronous(NORMAL): durable at each checkpoint, safe with WAL, much faster;
//   - secure_delete: deleted content (an uploaded file's typed passwords) is zeroed, not
//     left in free pages;
//   - _txlock=immediate: a write transaction takes the write lock at BEGIN, so two
//     writers queue on busy_timeout instead of failing later with SQLITE_BUSY.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(30000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "secure_delete(1)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
		q.Set("_txlock", "deferred")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + filepath.ToSlash(path) + "?" + q.Encode()
}

// Open opens the database at path, creating it (readable only by its owner) and applying
// migrations as needed.
func Open(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, storageError("create the database folder", err)
		}
	}
	// Create the file ourselves so it is 0600 from the first byte: SQLite gives the WAL
	// and shared-memory files the same permissions as the database.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, storageError("open the database", err)
	}
	st, err := f.Stat()
	f.Close()
	if err != nil {
		return nil, storageError("open the database", err)
	}
	_ = os.Chmod(path, 0o600)
	if st.Size() == 0 {
		if err := initFile(ctx, path); err != nil {
			return nil, err
		}
	}

	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, storageError("open the database", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, storageError("open the database", err)
	}
	r.SetMaxOpenConns(4)
	db := &DB{w: w, r: r, Path: path}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// PageSize is the page size of a database Open creates. SQLite's default is 4 KiB;
// with 8 KiB pages a 100,000-row import took about 8% less time (fewer B-tree pages to
// split, balance and write), and the stored files are blobs of many pages anyway.
// Databases made with another page size keep theirs.
const PageSize = 8192

// initFile gives a new, empty database file its page size. SQLite fixes the page size
// when it writes the file's first page, here when the file switches to WAL, and a WAL
// database can never change it afterwards. It cannot go in the DSN: the driver runs
// the DSN's pragmas in alphabetical order, journal_mode before page_size.
func initFile(ctx context.Context, path string) error {
	c, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?_pragma=busy_timeout(30000)")
	if err != nil {
		return storageError("create the database", err)
	}
	defer c.Close()
	conn, err := c.Conn(ctx) // pragmas are per connection: both on the same one
	if err != nil {
		return classify(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA page_size = `+strconv.Itoa(PageSize)); err != nil {
		return classify(err)
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA journal_mode = WAL`); err != nil {
		return classify(err)
	}
	return nil
}

// Close closes both pools.
func (db *DB) Close() error {
	errR := db.r.Close()
	errW := db.w.Close()
	return errors.Join(errW, errR)
}

func (db *DB) migrate(ctx context.Context) error {
	if err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)`)
		return err
	}); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	return nil
}

// migrateFile runs one migration in its own transaction, once.
func (db *DB) migrateFile(ctx context.Context, name string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		b, err := migrationFS.ReadFile(name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(b)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES (?)`, name)
		return err
	})
}

// write runs fn in a write transaction and commits it; a busy database is retried until
// BusyRetry has passed or ctx ends.
func (db *DB) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	deadline := time.Now().Add(BusyRetry)
	for {
		err := db.writeOnce(ctx, fn)
		if err == nil || !IsBusy(err) || time.Now().After(deadline) {
			return classify(err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
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
			return &core.Error{Kind: core.KindStorage, Message: "The disk is full, so nothing was saved. Free some space and try again.", Err: err}
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN:
			return &core.Error{Kind: core.KindStorage, Message: readOnlyMessage, Err: err}
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return &core.Error{Kind: core.KindStorage, Message: "The database file is damaged or is not a Rosterdesk database. Restore it from a backup or choose another file.", Err: err}
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return &core.Error{Kind: core.KindBusy, Message: "The database is busy with another Rosterdesk window or rosterctl for too long. Wait for the other upload to finish and try again.", Err: err}
		}
	}
	if errors.Is(err, syscall.ENOSPC) {
		return &core.Error{Kind: core.KindStorage, Message: "The disk is full, so nothing was saved. Free some space and try again.", Err: err}
	}
	return err
}

const readOnlyMessage = "The database file cannot be written (it is read-only or in a protected folder), so nothing was saved. Check the file's permissions or choose another database with --db."

func storageError(op string, err error) error {
	msg := "Rosterdesk could not " + op + ". Check that the folder exists and that you may write to it, or choose another database with --db."
	switch {
	case errors.Is(err, syscall.ENOSPC):
		msg = "The disk is full. Free some space and try again."
	case errors.Is(err, syscall.EROFS), errors.Is(err, fs.ErrPermission):
		// Not a missing folder but a protected one or a read-only disk: say so.
		msg = readOnlyMessage
	}
	return &core.Error{Kind: core.KindStorage, Op: op, Message: msg, Err: err}
}

// now formats t as the database stores times: RFC 3339 in UTC, to the millisecond.
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
