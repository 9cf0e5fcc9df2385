package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/rosterdesk/rosterdesk/core/sqlite/migrations"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one step of the schema: a .sql file of migrations/ or a Go function of
// package migrations. schema_migrations records its name once it has run.
type migration struct {
	name string // "migrations/001_schema.sql", "migrations/003_unicode_keys.go"
	num  int    // the name's leading number, which orders the migrations
	sql  string
	run  func(ctx context.Context, tx *sql.Tx) error
}

// allMigrations returns every migration, .sql and Go, in the order of their numbers.
// Two migrations with one number are a mistake of the build, not of the database.
func allMigrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, name := range names {
		b, err := migrationFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{name: name, sql: string(b)})
	}
	for _, m := range migrations.Go {
		out = append(out, migration{name: "migrations/" + m.Name, run: m.Run})
	}
	seen := map[int]string{}
	for i := range out {
		n, ok := migrationNumber(out[i].name)
		if !ok {
			return nil, fmt.Errorf("migration %s: the name must start with its number", out[i].name)
		}
		if other, dup := seen[n]; dup {
			return nil, fmt.Errorf("migrations %s and %s have the same number", other, out[i].name)
		}
		seen[n], out[i].num = out[i].name, n
	}
	sort.Slice(out, func(i, j int) bool { return out[i].num < out[j].num })
	return out, nil
}

// migrationNumber reads the leading number of a migration's name.
func migrationNumber(name string) (int, bool) {
	base := path.Base(name)
	digits := base[:len(base)-len(strings.TrimLeft(base, "0123456789"))]
	n, err := strconv.Atoi(digits)
	return n, err == nil
}

// schemaState compares the migrations a database has run with the ones this program
// knows: pending lists the known ones still to run; newer is the highest number of a
// migration the database ran that this program does not know (0 when there is none).
func schemaState(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) (pending []migration, newer int, err error) {
	known, err := allMigrations()
	if err != nil {
		return nil, 0, err
	}
	last := known[len(known)-1].num
	applied := map[string]bool{}
	rows, err := q.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err != nil && !strings.Contains(err.Error(), "no such table") {
		return nil, 0, err
	}
	if err == nil {
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				rows.Close()
				return nil, 0, err
			}
			applied[name] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, 0, err
		}
	}
	for _, m := range known {
		if !applied[m.name] {
			pending = append(pending, m)
		}
		delete(applied, m.name)
	}
	for name := range applied {
		if n, ok := migrationNumber(name); ok && n > newer {
			newer = n
		} else if !ok && newer == 0 {
			newer = last + 1
		}
	}
	return pending, newer, nil
}

// migrate runs the migrations the database has not run, in order, each in its own
// transaction together with its record in schema_migrations, and marks the file as
// Rosterdesk's (application_id) if an older version did not.
func (db *DB) migrate(ctx context.Context, pending []migration) error {
	if len(pending) == 0 {
		// Opening an up-to-date database must not need the write lock: another
		// program holding it would keep every start waiting before anyone could say why.
		var id int32
		err := db.read(ctx, func(tx *sql.Tx) error {
			return tx.QueryRowContext(ctx, `PRAGMA application_id`).Scan(&id)
		})
		if err != nil || id == ApplicationID {
			return err
		}
	}
	if err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)`)
		return err
	}); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range pending {
		if err := db.write(ctx, func(tx *sql.Tx) error { return runMigration(ctx, tx, m) }); err != nil {
			return fmt.Errorf("migrate %s: %w", m.name, err)
		}
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		var id int32
		if err := tx.QueryRowContext(ctx, `PRAGMA application_id`).Scan(&id); err != nil || id == ApplicationID {
			return err
		}
		_, err := tx.ExecContext(ctx, `PRAGMA application_id = `+strconv.Itoa(ApplicationID))
		return err
	})
}

// runMigration runs m unless another process ran it meanwhile (the check and the
// record are in the same write transaction).
func runMigration(ctx context.Context, tx *sql.Tx, m migration) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, m.name).Scan(&n); err != nil || n > 0 {
		return err
	}
	var err error
	if m.run != nil {
		err = m.run(ctx, tx)
	} else {
		_, err = tx.ExecContext(ctx, m.sql)
	}
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES (?)`, m.name)
	return err
}
