package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// Watch tells whether the database has changed since it last looked: a commit by this
// process's writer, another window or rosterctl. It asks PRAGMA data_version, which costs
// no read of any table. The pragma only counts commits made by other connections than
// the one asking, so a Watch keeps one reader connection of its own, on which nothing
// else runs and which never writes: every commit is then another connection's.
type Watch struct {
	mu   sync.Mutex
	conn *sql.Conn
	last int64
	seen bool
}

// Watch takes a reader connection for a Watch. Close the Watch to give it back; close
// it before the database.
func (db *DB) Watch(ctx context.Context) (*Watch, error) {
	conn, err := db.r.Conn(ctx)
	if err != nil {
		return nil, classify(err)
	}
	return &Watch{conn: conn}, nil
}

// Changed reports whether anything was committed since the last call. The first call
// only takes note of the current state and reports false.
func (w *Watch) Changed(ctx context.Context) (bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn == nil {
		return false, fmt.Errorf("watch the database: closed")
	}
	var v int64
	if err := w.conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
		return false, classify(err)
	}
	changed := w.seen && v != w.last
	w.last, w.seen = v, true
	return changed, nil
}

// Close gives the connection back. It is safe to call more than once.
func (w *Watch) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn == nil {
		return nil
	}
	err := w.conn.Close()
	w.conn = nil
	return err
}
