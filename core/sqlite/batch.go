package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
)

// batcher runs the multi-row statements of an import on one connection's driver
// directly. Each distinct text is prepared once: every full batch of a kind has the same
// text, and parsing a 2,000-placeholder INSERT afresh for each was 7% of a large
// import's CPU. The statements skip database/sql, which copied every batch's arguments
// into a new slice for the garbage collector to reclaim.
type batcher struct {
	conn  *sql.Conn
	stmts map[string]driver.Stmt
}

// batch collects the rows of one multi-row statement until it is full.
type batch struct {
	args []driver.NamedValue // reused from batch to batch
	rows int
}

// add appends one row's values, each a driver.Value (int64, string, []byte or nil).
func (b *batch) add(vs ...driver.Value) {
	for _, v := range vs {
		b.args = append(b.args, driver.NamedValue{Ordinal: len(b.args) + 1, Value: v})
	}
	b.rows++
}

// exec runs query (built for b.rows rows) with b's arguments, empties b, and returns the
// number of rows the statement changed.
func (bt *batcher) exec(ctx context.Context, b *batch, query string) (int64, error) {
	defer func() { b.args, b.rows = b.args[:0], 0 }()
	var n int64
	err := bt.conn.Raw(func(dc any) error {
		st, err := bt.prepare(ctx, dc, query)
		if err != nil {
			return err
		}
		se, ok := st.(driver.StmtExecContext)
		if !ok {
			return errors.New("sqlite driver cannot execute with a context")
		}
		res, err := se.ExecContext(ctx, b.args)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// prepare returns query prepared on dc, the driver's connection, once per text.
func (bt *batcher) prepare(ctx context.Context, dc any, query string) (driver.Stmt, error) {
	if st := bt.stmts[query]; st != nil {
		return st, nil
	}
	pc, ok := dc.(driver.ConnPrepareContext)
	if !ok {
		return nil, errors.New("sqlite driver cannot prepare with a context")
	}
	st, err := pc.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if bt.stmts == nil {
		bt.stmts = make(map[string]driver.Stmt)
	}
	bt.stmts[query] = st
	return st, nil
}

// query runs query with args on the driver's connection, its statement prepared once,
// and calls fn with each row's values as the driver gives them: int64, float64, string,
// []byte or nil (modernc.org/sqlite copies each string and byte slice out of SQLite, so
// fn may keep them). The passes over every row of a large import read their pages this
// way: database/sql's Scan converted every value and copied every byte slice again, a
// tenth of a large import's work. The row slice itself is reused from row to row.
func (bt *batcher) query(ctx context.Context, query string, args []driver.NamedValue, fn func(row []driver.Value) error) error {
	return bt.conn.Raw(func(dc any) error {
		st, err := bt.prepare(ctx, dc, query)
		if err != nil {
			return err
		}
		sq, ok := st.(driver.StmtQueryContext)
		if !ok {
			return errors.New("sqlite driver cannot query with a context")
		}
		rows, err := sq.QueryContext(ctx, args)
		if err != nil {
			return err
		}
		defer rows.Close()
		row := make([]driver.Value, len(rows.Columns()))
		for {
			if err := rows.Next(row); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			if err := fn(row); err != nil {
				return err
			}
		}
	})
}

// args returns vs as the arguments of a statement, numbered from 1.
func args(vs ...driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(vs))
	for i, v := range vs {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}

// The values of a row query returns, as the columns' Go types. SQLite's values are
// int64 (INTEGER, and the 0 or 1 of a comparison), string (TEXT), []byte (BLOB) or nil
// (NULL); a NULL reads as the zero value.

func vInt(v driver.Value) int64 {
	n, _ := v.(int64)
	return n
}

func vBool(v driver.Value) bool { return vInt(v) != 0 }

func vString(v driver.Value) string {
	switch s := v.(type) {
	case string:
		return s
	case []byte:
		return string(s)
	}
	return ""
}

func vBytes(v driver.Value) []byte {
	switch b := v.(type) {
	case []byte:
		return b
	case string:
		return []byte(b)
	}
	return nil
}

// close closes the prepared statements.
func (bt *batcher) close() {
	if len(bt.stmts) == 0 {
		return
	}
	_ = bt.conn.Raw(func(any) error {
		for _, st := range bt.stmts {
			st.Close()
		}
		return nil
	})
	bt.stmts = nil
}

// nullable returns s as a driver value, NULL when it is "".
func nullable(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

// blob returns b as a driver value, NULL when it is nil.
func blob(b []byte) driver.Value {
	if b == nil {
		return nil
	}
	return b
}

// boolInt stores a bool as SQLite does, 0 or 1.
func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// queryer is what a page is read through: the import's transaction or the stage's
// connection.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// scanPage runs query, which reads at most limit rows, and scans each into a T with
// scan. The slice is made at the page's size: appending from nil allocated a page about
// twice.
func scanPage[T any](ctx context.Context, q queryer, limit int, scan func(*sql.Rows, *T) error, query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	out := make([]T, 0, limit)
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, classify(rows.Err())
}
