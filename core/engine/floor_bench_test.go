package engine_test

// The floor under the import's speed: what writing the rows a 100,000-row import of new
// accounts must store costs on this SQLite (modernc.org/sqlite, pure Go), with nothing
// else of the import around it — no reading, checking, stage, usernames or result files.
// scripts/bench.sh runs it beside `sqlite3 .import` of the same roster, so that the
// ratio issue 14 states its CSV target in can be compared with what the writes alone
// cost (docs/performance.md, "The write floor").
//
//	go test ./core/engine -run '^$' -bench WriteFloor -benchtime 1x -count 5
//
// The rows are the very rows a real import stored: the roster is imported once (not
// timed), its users, classes, school links, enrollments and codes are read back, and
// each iteration writes them into a fresh database of the same schema, in one write
// transaction with the import's pragmas, through multi-row INSERTs of the import's
// batch sizes (core/sqlite/importtx.go), prepared once, on the driver's connection.
// import-equivalent is the same driver doing what `sqlite3 .import` does: the roster's
// rows, 16 text columns, into one table without an index.

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/csv"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// floorRows is what a 100,000-row import stored, table by table, in the order it was
// written, and the roster itself.
type floorRows struct {
	roster                                [][]string
	uploads, files                        [][]driver.Value
	users, classes, links, enrolls, codes [][]driver.Value
}

var (
	floorOnce sync.Once
	floorData floorRows
	floorErr  error
)

// floorTables reads back, once per test binary, what importing the benchmark roster of
// 100,000 rows into a fresh database stored.
func floorTables(b *testing.B) *floorRows {
	b.Helper()
	floorOnce.Do(func() {
		data := rosterFile(b, 100000, core.FormatCSV)
		floorData.roster, floorErr = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
		if floorErr != nil {
			return
		}
		floorData.roster = floorData.roster[1:]
		dir := b.TempDir()
		ctx := context.Background()
		svc, school := freshSchool(b, dir)
		res, err := svc.Import(ctx, engine.UploadRequest{FileName: "roster.csv", Data: data, SchoolID: school.ID,
			Actor: engine.Owner("Benchmark")}, nil)
		if err == nil && res.Status != core.StatusCompleted {
			err = fmt.Errorf("import: %s", res.Status)
		}
		if err != nil {
			floorErr = err
			return
		}
		if floorErr = svc.Close(); floorErr != nil {
			return
		}
		db, err := sql.Open("sqlite", floorDSN(filepath.Join(dir, "bench.db")))
		if err != nil {
			floorErr = err
			return
		}
		defer db.Close()
		for _, t := range []struct {
			to    *[][]driver.Value
			query string
		}{
			{&floorData.uploads, `SELECT * FROM uploads`},
			{&floorData.files, `SELECT upload_id, kind, part, data FROM upload_files ORDER BY id`},
			{&floorData.users, `SELECT ` + userColumns + ` FROM users ORDER BY id`},
			{&floorData.classes, `SELECT ` + classColumns + ` FROM classes ORDER BY id`},
			// Links and enrollments are written in the file's line order, which for the
			// generated roster (class by class, a class's members together) is the
			// order of the class and then of the user.
			{&floorData.links, `SELECT school_id, user_id FROM school_users ORDER BY user_id`},
			{&floorData.enrolls, `SELECT class_id, user_id, role FROM enrollments ORDER BY class_id, user_id`},
			{&floorData.codes, `SELECT class_id, code FROM class_codes ORDER BY class_id`},
		} {
			if *t.to, floorErr = floorRead(db, t.query); floorErr != nil {
				return
			}
		}
	})
	if floorErr != nil {
		b.Fatal(floorErr)
	}
	return &floorData
}

const (
	userColumns  = `id, guid, user_id, user_id_key, role, first_name, last_name, grade, email, email_key, username, username_key, pw_kind, pw_hash, pw_issued_at, created_at, updated_at`
	classColumns = `id, guid, school_id, class_id, class_id_key, name, grade, start_date, end_date, primary_teacher_id, created_at, updated_at`
)

// floorDSN opens path as the engine's writer does (core/sqlite/db.go).
func floorDSN(path string) string {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(30000)", "foreign_keys(1)", "journal_mode(WAL)", "synchronous(NORMAL)", "secure_delete(1)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// floorRead returns every row query returns, each value as the driver gives it.
func floorRead(db *sql.DB, query string) ([][]driver.Value, error) {
	rows, err := db.Query(query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]driver.Value
	for rows.Next() {
		vs := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vs {
			ptrs[i] = &vs[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]driver.Value, len(vs))
		for i, v := range vs {
			row[i] = v
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// floorWriter writes rows in multi-row INSERTs on one connection's driver, each
// statement text prepared once, as core/sqlite's batcher does.
type floorWriter struct {
	ctx   context.Context
	conn  *sql.Conn
	stmts map[string]driver.Stmt
	args  []driver.NamedValue
}

// write inserts rows with insert (its VALUES clause left off), batch rows a statement.
func (w *floorWriter) write(insert string, rows [][]driver.Value, batch int) error {
	for len(rows) > 0 {
		n := min(batch, len(rows))
		w.args = w.args[:0]
		for _, r := range rows[:n] {
			for _, v := range r {
				w.args = append(w.args, driver.NamedValue{Ordinal: len(w.args) + 1, Value: v})
			}
		}
		one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(rows[0])), ",") + ")"
		query := insert + " VALUES " + strings.TrimSuffix(strings.Repeat(one+",", n), ",")
		err := w.conn.Raw(func(dc any) error {
			st := w.stmts[query]
			if st == nil {
				var err error
				if st, err = dc.(driver.ConnPrepareContext).PrepareContext(w.ctx, query); err != nil {
					return err
				}
				w.stmts[query] = st
			}
			_, err := st.(driver.StmtExecContext).ExecContext(w.ctx, w.args)
			return err
		})
		if err != nil {
			return fmt.Errorf("%s: %w", insert, err)
		}
		rows = rows[n:]
	}
	return nil
}

// close closes the prepared statements.
func (w *floorWriter) close() {
	for _, st := range w.stmts {
		st.Close()
	}
}

// floorRun opens a fresh connection to path, runs setup and then, timed, fn with a
// writer on it; the timer stops again when fn returns.
func floorRun(b *testing.B, path string, setup []string, fn func(w *floorWriter) error) {
	b.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", floorDSN(path))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	for _, s := range setup {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
	w := &floorWriter{ctx: ctx, conn: conn, stmts: map[string]driver.Stmt{}}
	defer w.close()
	b.StartTimer()
	err = fn(w)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkWriteFloor100k times writing what a 100,000-row import of new accounts
// stores (writes) and the driver doing sqlite3 .import's work (import-equivalent).
func BenchmarkWriteFloor100k(b *testing.B) {
	d := floorTables(b)
	b.Run("writes", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			dir := b.TempDir()
			svc, _ := freshSchool(b, dir)
			if err := svc.Close(); err != nil {
				b.Fatal(err)
			}
			// The import's own pragmas (core/sqlite/importtx.go beginImport): a 16 MiB
			// cache, foreign keys checked at commit.
			setup := []string{`PRAGMA temp_store = MEMORY`, `PRAGMA main.cache_size = -16384`, `BEGIN IMMEDIATE`, `PRAGMA defer_foreign_keys = ON`}
			floorRun(b, filepath.Join(dir, "bench.db"), setup, func(w *floorWriter) error {
				for _, t := range []struct {
					insert string
					rows   [][]driver.Value
					batch  int
				}{
					// The upload and its stored files (the Uploaded and Completed Files,
					// compressed, in 1 MiB parts), which the import stores too.
					{`INSERT INTO main.uploads`, d.uploads, 1},
					{`INSERT INTO main.upload_files (upload_id, kind, part, data)`, d.files, 1},
					{`INSERT OR FAIL INTO main.users (` + userColumns + `)`, d.users, 120},
					{`INSERT INTO main.classes (` + classColumns + `)`, d.classes, 80},
					{`INSERT OR IGNORE INTO main.school_users (school_id, user_id)`, d.links, 600},
					{`INSERT OR IGNORE INTO main.enrollments (class_id, user_id, role)`, d.enrolls, 600},
					{`INSERT OR IGNORE INTO main.class_codes (class_id, code)`, d.codes, 600},
				} {
					if err := w.write(t.insert, t.rows, t.batch); err != nil {
						return err
					}
				}
				_, err := w.conn.ExecContext(w.ctx, `COMMIT`)
				return err
			})
		}
		b.ReportMetric(float64(len(d.users)), "users")
		b.ReportMetric(float64(len(d.enrolls)), "enrollments")
	})
	b.Run("import-equivalent", func(b *testing.B) {
		rows := make([][]driver.Value, len(d.roster))
		for i, r := range d.roster {
			rows[i] = make([]driver.Value, len(r))
			for j, c := range r {
				rows[i][j] = c
			}
		}
		cols := make([]string, len(d.roster[0]))
		for i := range cols {
			cols[i] = fmt.Sprintf("c%d", i)
		}
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			path := filepath.Join(b.TempDir(), "t.db")
			setup := []string{`CREATE TABLE t (` + strings.Join(cols, ", ") + `)`, `BEGIN IMMEDIATE`}
			floorRun(b, path, setup, func(w *floorWriter) error {
				if err := w.write(`INSERT INTO t`, rows, 60); err != nil {
					return err
				}
				_, err := w.conn.ExecContext(w.ctx, `COMMIT`)
				return err
			})
		}
	})
}

// BenchmarkStageFloor100k times the least a stage in SQLite costs the four-stage design
// of issue 14 (docs/architecture.md) at 100,000 rows: every row written once to a
// temporary file with the stage's settings, indexed by its user and its class, and read
// back whole three times — by user (to merge each user's rows), by class (each class's),
// and in line order (the results: the Completed and Error Files follow the file). The
// real stage does more (merged users and classes, the outcomes, the sealing); this is
// the part no design of that shape can do without.
func BenchmarkStageFloor100k(b *testing.B) {
	d := floorTables(b)
	rows := make([][]driver.Value, len(d.roster))
	for i, r := range d.roster {
		rows[i] = []driver.Value{int64(i + 2), "u:" + strings.ToLower(r[1]), "c:" + strings.ToLower(r[9]), strings.Join(r, "\x1f")}
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		setup := []string{
			`PRAGMA page_size = 32768`, `PRAGMA journal_mode = OFF`, `PRAGMA synchronous = OFF`, `PRAGMA temp_store = MEMORY`,
			`PRAGMA cache_size = -32768`, `PRAGMA locking_mode = EXCLUSIVE`,
			`CREATE TABLE rows (line INTEGER PRIMARY KEY, ukey TEXT NOT NULL, ckey TEXT, cells BLOB NOT NULL)`,
			`CREATE INDEX rows_user ON rows (ukey, line)`,
			`CREATE INDEX rows_class ON rows (ckey, line)`,
			`BEGIN`,
		}
		floorRun(b, filepath.Join(b.TempDir(), "stage.db"), setup, func(w *floorWriter) error {
			if err := w.write(`INSERT INTO rows (line, ukey, ckey, cells)`, rows, 600); err != nil {
				return err
			}
			for _, order := range []string{"ukey, line", "ckey, line", "line"} {
				n, err := w.count(`SELECT line, ukey, ckey, cells FROM rows ORDER BY ` + order)
				if err != nil {
					return err
				}
				if n != len(rows) {
					return fmt.Errorf("read %d rows of %d", n, len(rows))
				}
			}
			_, err := w.conn.ExecContext(w.ctx, `COMMIT`)
			return err
		})
	}
}

// count reads every row query returns through the driver, as core/sqlite's batcher
// does, and returns how many.
func (w *floorWriter) count(query string) (int, error) {
	n := 0
	err := w.conn.Raw(func(dc any) error {
		st, err := dc.(driver.ConnPrepareContext).PrepareContext(w.ctx, query)
		if err != nil {
			return err
		}
		defer st.Close()
		rows, err := st.(driver.StmtQueryContext).QueryContext(w.ctx, nil)
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
			n++
		}
	})
	return n, err
}
