package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
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
		st := bt.stmts[query]
		if st == nil {
			pc, ok := dc.(driver.ConnPrepareContext)
			if !ok {
				return errors.New("sqlite driver cannot prepare with a context")
			}
			var err error
			if st, err = pc.PrepareContext(ctx, query); err != nil {
				return err
			}
			if bt.stmts == nil {
				bt.stmts = make(map[string]driver.Stmt)
			}
			bt.stmts[query] = st
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
