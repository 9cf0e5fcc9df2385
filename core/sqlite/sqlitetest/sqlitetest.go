// Package sqlitetest does to a Rosterdesk database, for the tests of several packages,
// what another program does to it from outside.
package sqlitetest

import (
	"context"
	"database/sql"
	"testing"

	_ "modernc.org/sqlite" // the "sqlite" driver another program would use
)

// Holder is another program holding a database's write lock: DB Browser for SQLite
// with unsaved changes, or the sqlite3 shell inside BEGIN IMMEDIATE.
type Holder struct {
	t    testing.TB
	db   *sql.DB
	conn *sql.Conn
}

// HoldWriteLock opens the database at path as another program and takes its write
// lock (BEGIN IMMEDIATE and a write that changes nothing) until Release or the end of
// the test.
func HoldWriteLock(t testing.TB, path string) *Holder {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	h := &Holder{t: t, db: db, conn: conn}
	t.Cleanup(h.Release)
	for _, q := range []string{"BEGIN IMMEDIATE", "INSERT INTO schools(name) SELECT 'zz' WHERE 0"} {
		if _, err := conn.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return h
}

// Release ends the other program's transaction and closes its connection; again is
// harmless.
func (h *Holder) Release() {
	if h.conn == nil {
		return
	}
	if _, err := h.conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		h.t.Errorf("ROLLBACK: %v", err)
	}
	h.conn.Close()
	h.conn = nil
}
