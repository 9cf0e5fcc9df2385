package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rosterdesk/rosterdesk/core"
)

// Backup writes a consistent copy of the database to dst, which must not exist or be an
// empty file (the caller creates it, so it chooses its permissions, and renames it into
// place). The copy is SQLite's VACUUM INTO run on a reader connection: it reads one
// snapshot, so an import writing at the same time (in this process or another) neither
// waits for it nor shows in it half-done, and the copy holds no free pages, so nothing
// deleted (a typed password in a stored file) survives in it. The copy is a plain
// rollback-journal database; Open turns it back to WAL when it is used again.
func (db *DB) Backup(ctx context.Context, dst string) error {
	abs, err := filepath.Abs(dst)
	if err != nil {
		return storageError("write the backup", err)
	}
	conn, err := db.r.Conn(ctx)
	if err != nil {
		return classify(err)
	}
	defer conn.Close()
	// A reader connection, so the copy never queues behind an import's write transaction;
	// but readers are query_only, which refuses VACUUM INTO's writes to the copy. Lift it
	// on this connection only, and put it back before the pool hands the connection out
	// again (or have the pool drop the connection).
	if _, err := conn.ExecContext(ctx, `PRAGMA query_only = 0`); err != nil {
		return classify(err)
	}
	defer func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA query_only = 1`); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	// An absolute path never starts with "file:", so SQLite takes it as a plain file
	// name even though URI names are enabled: '#', '?' and '%' stay ordinary characters.
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, abs); err != nil {
		// The copy writes a rollback journal beside itself, which a failure (a full disk)
		// leaves: the copy is thrown away by the caller, so is its journal.
		_ = os.Remove(abs + "-journal")
		return fmt.Errorf("vacuum into %s: %w", dst, classify(err))
	}
	// VACUUM INTO does not sync what it wrote; a backup must survive a power cut.
	f, err := os.OpenFile(abs, os.O_RDWR, 0)
	if err != nil {
		return storageError("write the backup", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return storageError("write the backup", err)
	}
	return f.Close()
}

// SchemaVersion returns the number of the newest migration applied to the database (1 for
// 001_schema.sql).
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		v, err = schemaVersion(ctx, tx)
		return err
	})
	return v, err
}

// schemaVersion reads the migrations table: its names start with their number.
func schemaVersion(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) (int, error) {
	rows, err := q.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	v := 0
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return 0, err
		}
		num, _, _ := strings.Cut(path.Base(name), "_")
		if n, err := strconv.Atoi(num); err == nil && n > v {
			v = n
		}
	}
	return v, rows.Err()
}

// Summary is what a database file holds, as Inspect counts it.
type Summary struct {
	SchemaVersion int
	Org           string // empty when the database has no organization yet
	Schools       int
	Users         int
	Classes       int
	Uploads       int
}

// Inspect opens the database file at path read-only, without locking it or creating any
// file beside it, checks its integrity and counts what it holds: the proof that a backup
// can be used. It returns an error of kind KindStorage when the file is damaged or is not
// a Rosterdesk database.
func Inspect(ctx context.Context, file string) (Summary, error) {
	var s Summary
	if _, err := os.Stat(file); err != nil {
		return s, storageError("open "+file, err)
	}
	c, err := sql.Open("sqlite", readOnlyURI(file))
	if err != nil {
		return s, storageError("open "+file, err)
	}
	defer c.Close()
	var check string
	if err := c.QueryRowContext(ctx, `PRAGMA integrity_check(1)`).Scan(&check); err != nil {
		return s, notRosterdesk(file, err)
	}
	if check != "ok" {
		return s, notRosterdesk(file, errors.New(check))
	}
	if s.SchemaVersion, err = schemaVersion(ctx, c); err != nil {
		return s, notRosterdesk(file, err)
	}
	if err := c.QueryRowContext(ctx, `SELECT coalesce((SELECT name FROM org LIMIT 1), '')`).Scan(&s.Org); err != nil {
		return s, notRosterdesk(file, err)
	}
	for _, n := range []struct {
		table string
		dst   *int
	}{{"schools", &s.Schools}, {"users", &s.Users}, {"classes", &s.Classes}, {"uploads", &s.Uploads}} {
		// The table names are the constants above, never input.
		if err := c.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+n.table).Scan(n.dst); err != nil {
			return s, notRosterdesk(file, err)
		}
	}
	return s, nil
}

func notRosterdesk(file string, err error) error {
	return &core.Error{Kind: core.KindStorage, Op: "inspect " + file,
		Message: fmt.Sprintf("%s is damaged or is not a Rosterdesk database.", file), Err: err}
}

// readOnlyURI names file as an SQLite URI opened read-only and immutable: no lock, no
// journal, nothing written beside it. The path is escaped, so no character of it can be
// taken for a URI parameter.
func readOnlyURI(file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		abs = file
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x → /C:/x, the form SQLite wants on Windows
	}
	u := url.URL{Scheme: "file", Path: p, RawQuery: "mode=ro&immutable=1"}
	return u.String()
}
