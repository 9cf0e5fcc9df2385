package sqlite

// Where the import stages its rows: a temporary file of its own (what Rosterdesk does)
// or tables in the main database written outside the import transaction (the other
// design issue 14 names). Both write the same 100,000 rows with the same multi-row
// INSERTs and then throw them away; docs/performance.md has the figures.
//
//	go test ./core/sqlite -run '^$' -bench 'Staging' -benchtime 3x

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

const benchStageRows = 100_000

// insertStageRows writes n rows shaped like an import's (keys, ~150 bytes of sealed
// cells) into table rows through exec, rowBatch rows a statement.
func insertStageRows(ctx context.Context, b *testing.B, exec func(query string, args ...any) error, n int) {
	b.Helper()
	cells := make([]byte, 150)
	rand.Read(cells)
	q := `INSERT INTO rows (line, ukey, ckey, code, cells) VALUES ` + placeholders(rowBatch, 5)
	args := make([]any, 0, rowBatch*5)
	for line := 2; line < n+2; line++ {
		ckey := any(nil)
		if line%7 != 0 {
			ckey = fmt.Sprintf("c:class%05d", line/25)
		}
		args = append(args, line, fmt.Sprintf("u:s%07d", (line*7919)%n), ckey, nil, cells)
		if len(args) == cap(args) {
			if err := exec(q, args...); err != nil {
				b.Fatal(err)
			}
			args = args[:0]
		}
	}
	if len(args) > 0 {
		if err := exec(`INSERT INTO rows (line, ukey, ckey, code, cells) VALUES `+placeholders(len(args)/5, 5), args...); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStagingFile stages the rows in a stage file, as imports do, and removes it.
func BenchmarkStagingFile(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	for i := 0; i < b.N; i++ {
		path := filepath.Join(dir, fmt.Sprintf("stage-%d.db", i))
		st, err := CreateStage(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		insertStageRows(ctx, b, func(q string, args ...any) error {
			_, err := st.conn.ExecContext(ctx, q, args...)
			return err
		}, benchStageRows)
		if err := st.Remove(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStagingMainTables stages the same rows in tables of the main database (WAL,
// secure_delete, synchronous NORMAL: its DSN), in one transaction, then deletes them
// and checkpoints, as a staging design there would after each upload.
func BenchmarkStagingMainTables(b *testing.B) {
	ctx := context.Background()
	db := MustOpenDB(b)
	if _, err := db.w.ExecContext(ctx, `
		CREATE TABLE rows (line INTEGER PRIMARY KEY, ukey TEXT NOT NULL, ckey TEXT, code TEXT, cells BLOB NOT NULL);
		CREATE INDEX rows_user ON rows (ukey, line);
		CREATE INDEX rows_class ON rows (ckey, line) WHERE ckey IS NOT NULL;`); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := db.write(ctx, func(tx *sql.Tx) error {
			insertStageRows(ctx, b, func(q string, args ...any) error {
				_, err := tx.ExecContext(ctx, q, args...)
				return err
			}, benchStageRows)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.w.ExecContext(ctx, `DELETE FROM rows`); err != nil {
			b.Fatal(err)
		}
		if _, err := db.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			b.Fatal(err)
		}
	}
}
