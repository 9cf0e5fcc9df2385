// Package migrations holds the database migrations written in Go, for the changes SQL
// alone cannot make. The .sql files beside this one are the other migrations; package
// sqlite runs both kinds in the order of their numbers, each in its own transaction,
// once.
package migrations

import (
	"context"
	"database/sql"
)

// Migration is one migration written in Go.
type Migration struct {
	// Name is the file the migration lives in, "003_unicode_keys.go": its leading
	// number places it among the .sql files, and the name is what schema_migrations
	// records once it has run.
	Name string
	// Run makes the change inside the transaction that also records it.
	Run func(ctx context.Context, tx *sql.Tx) error
}

// Go lists the migrations written in Go.
var Go = []Migration{
	{Name: "003_unicode_keys.go", Run: UnicodeKeys},
	{Name: "007_compatibility_keys.go", Run: CompatibilityKeys},
}
