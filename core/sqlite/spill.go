package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
)

// Spill is a temporary SQLite file a reader keeps records in instead of memory: the
// OneRoster reader's users, classes and enrollments of a package (oneroster.Spill, which
// it satisfies, says what it holds and why). It is made like a Stage — a file of its own
// in the private folder, readable by its owner only, no journal, no syncing, one
// transaction for its life — and like a stage it is thrown away, never recovered: the
// caller removes it when done, and a crash's is removed at the next start.
type Spill struct {
	path string
	db   *sql.DB
	conn *sql.Conn
}

// spillCacheKiB is a spill's page cache, in KiB, and spillPageSize its pages' size in
// bytes: what it holds beyond the cache is read back from its file (docs/performance.md
// has the sizes tried).
const (
	spillCacheKiB = 32 << 10
	spillPageSize = 8 << 10
)

// CreateSpill creates a new, empty spill at path. It fails if a file is already there.
// Remove it when done.
func CreateSpill(ctx context.Context, path string) (*Spill, error) {
	st, err := createStageFile(ctx, path)
	if err != nil {
		return nil, err
	}
	s := &Spill{path: path, db: st.db, conn: st.conn}
	// Smaller pages than a stage's: a spill is read by lookups here and there, and a page
	// that is not in the cache costs a read of the whole page.
	for _, q := range []string{`PRAGMA page_size = ` + strconv.Itoa(spillPageSize), `PRAGMA cache_size = -` + strconv.Itoa(spillCacheKiB), `BEGIN`} {
		if _, err := s.conn.ExecContext(ctx, q); err != nil {
			s.Remove()
			return nil, classify(fmt.Errorf("create spill: %w", err))
		}
	}
	return s, nil
}

// ExecContext runs a statement on the spill's connection.
func (s *Spill) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := s.conn.ExecContext(ctx, query, args...)
	return res, classify(err)
}

// QueryContext runs a query on the spill's connection.
func (s *Spill) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := s.conn.QueryContext(ctx, query, args...)
	return rows, classify(err)
}

// PrepareContext prepares a statement on the spill's connection.
func (s *Spill) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	st, err := s.conn.PrepareContext(ctx, query)
	return st, classify(err)
}

// Remove closes the spill and deletes its file. What it holds is never kept: its
// transaction is rolled back, not written out.
func (s *Spill) Remove() error {
	var err error
	if s.db != nil {
		err = errors.Join(s.conn.Close(), s.db.Close())
		s.db = nil
	}
	return errors.Join(err, RemoveStage(s.path))
}
