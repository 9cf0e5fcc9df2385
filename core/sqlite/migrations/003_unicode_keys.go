package migrations

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

// UnicodeKeys recomputes every case-insensitive key column with core.Key (NFC, then full
// Unicode case folding, when it was written; NFKC since CompatibilityKeys). Older
// versions computed keys with strings.ToLower on create and SQLite's lower(), which
// folds A-Z only, on update, so ÄB1 and äb1, or STRASSE and Straße, could be stored as
// two users, two classes or two schools.
//
// Two rows whose keys become equal are not merged (that would lose an account) and the
// migration does not fail (that would leave the database unusable until someone edits it
// by hand). One row keeps the key: the one whose stored key already was the new key, else
// the oldest. The others get a marker key (DuplicateMarker) that no value's key can equal,
// so the database stays valid and each such row is still found by its GUID, and every
// pair is recorded in key_duplicates, where Rosterdesk reads what to report. A pair is
// settled when the marked row's value is changed (an update by GUID, a school renamed),
// which gives it a real key again.
func UnicodeKeys(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `CREATE TABLE key_duplicates (
		id         INTEGER PRIMARY KEY,
		kind       TEXT NOT NULL,
		row_id     INTEGER NOT NULL,
		marker     TEXT NOT NULL,
		kept_id    INTEGER NOT NULL,
		found_at   TEXT NOT NULL
	)`); err != nil {
		return err
	}
	return rekeyAll(ctx, tx)
}

// rekeyAll recomputes every column of KeyColumns with core.Key (rekey), recording each
// pair of rows whose keys become equal in key_duplicates.
func rekeyAll(ctx context.Context, tx *sql.Tx) error {
	now := foundAt()
	for _, c := range KeyColumns {
		if err := rekey(ctx, tx, c, now); err != nil {
			return fmt.Errorf("rekey %s.%s: %w", c.Table, c.Key, err)
		}
	}
	return nil
}

// foundAt is key_duplicates.found_at for a pair found now, in the format the database
// stores times in.
func foundAt() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// KeyColumn is a column of keys and the column they are the key of.
type KeyColumn struct {
	Kind  string // what key_duplicates.kind calls it
	Table string
	Value string // the column people see: users.user_id
	Key   string // its key: users.user_id_key
	// Scope is the column within whose values keys are unique ("" for the whole table):
	// a Class ID is unique within its school.
	Scope string
	// Unique is the SQL condition of the rows whose keys must be unique ("" for every
	// row): emails are unique among teachers only.
	Unique string
}

// KeyColumns are the key columns of the schema.
var KeyColumns = []KeyColumn{
	{Kind: "school_name", Table: "schools", Value: "name", Key: "name_key"},
	{Kind: "user_id", Table: "users", Value: "user_id", Key: "user_id_key"},
	{Kind: "username", Table: "users", Value: "username", Key: "username_key"},
	{Kind: "teacher_email", Table: "users", Value: "email", Key: "email_key", Unique: "role = 'Teacher' AND email <> ''"},
	{Kind: "class_id", Table: "classes", Value: "class_id", Key: "class_id_key", Scope: "school_id"},
}

// DuplicateMarker is the key a row gets when another row keeps the key it would have.
// core.Key never returns upper-case letters, so no value's key can equal a marker, and
// the row's id makes it unique.
func DuplicateMarker(id int64) string {
	return "DUPLICATE " + strconv.FormatInt(id, 10)
}

// keyed is one row as rekey sees it.
type keyed struct {
	id           int64
	scope        int64
	oldKey, key  string
	mustBeUnique bool
}

func rekey(ctx context.Context, tx *sql.Tx, c KeyColumn, now string) error {
	scope, unique := "0", "1"
	if c.Scope != "" {
		scope = c.Scope
	}
	if c.Unique != "" {
		unique = c.Unique
	}
	// Only rows whose key changes are kept in memory; the others are found again by
	// the key index below.
	rows, err := tx.QueryContext(ctx, `SELECT id, `+scope+`, `+c.Value+`, `+c.Key+`, `+unique+` FROM `+c.Table+` ORDER BY id`)
	if err != nil {
		return err
	}
	var changed []keyed
	for rows.Next() {
		var r keyed
		var value string
		if err := rows.Scan(&r.id, &r.scope, &value, &r.oldKey, &r.mustBeUnique); err != nil {
			rows.Close()
			return err
		}
		if r.oldKey == DuplicateMarker(r.id) {
			// An earlier rekey marked this row: its pair is recorded already, and it
			// stays marked until its value is changed.
			continue
		}
		if r.key = core.Key(value); r.key != r.oldKey {
			changed = append(changed, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(changed) == 0 {
		return err
	}

	// Step aside first: with every changed row on a temporary key, no update below can
	// meet a key that is about to move (A takes B's old key while B takes C's).
	for _, r := range changed {
		if _, err := tx.ExecContext(ctx, `UPDATE `+c.Table+` SET `+c.Key+` = ? WHERE id = ?`, "REKEY "+strconv.FormatInt(r.id, 10), r.id); err != nil {
			return err
		}
	}
	// Group the changed rows that must be unique by their new key; a row that did not
	// change and already holds that key keeps it.
	type group struct {
		scope int64
		key   string
	}
	groups := map[group][]keyed{}
	var order []group
	for _, r := range changed {
		if !r.mustBeUnique || r.key == "" {
			if err := setKey(ctx, tx, c, r.id, r.key); err != nil {
				return err
			}
			continue
		}
		g := group{r.scope, r.key}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], r)
	}
	for _, g := range order {
		members := groups[g]
		sort.Slice(members, func(i, j int) bool { return members[i].id < members[j].id })
		keeper, err := holder(ctx, tx, c, g.scope, g.key)
		if err != nil {
			return err
		}
		for _, r := range members {
			if keeper == 0 {
				keeper = r.id // the oldest changed row keeps the key
				if err := setKey(ctx, tx, c, r.id, r.key); err != nil {
					return err
				}
				continue
			}
			marker := DuplicateMarker(r.id)
			if err := setKey(ctx, tx, c, r.id, marker); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO key_duplicates (kind, row_id, marker, kept_id, found_at) VALUES (?, ?, ?, ?, ?)`,
				c.Kind, r.id, marker, keeper, now); err != nil {
				return err
			}
		}
	}
	return nil
}

func setKey(ctx context.Context, tx *sql.Tx, c KeyColumn, id int64, key string) error {
	_, err := tx.ExecContext(ctx, `UPDATE `+c.Table+` SET `+c.Key+` = ? WHERE id = ?`, key, id)
	return err
}

// holder returns the id of the unchanged row that holds key among the rows that must be
// unique, or 0.
func holder(ctx context.Context, tx *sql.Tx, c KeyColumn, scope int64, key string) (int64, error) {
	q := `SELECT id FROM ` + c.Table + ` WHERE ` + c.Key + ` = ?`
	args := []any{key}
	if c.Scope != "" {
		q += ` AND ` + c.Scope + ` = ?`
		args = append(args, scope)
	}
	if c.Unique != "" {
		q += ` AND ` + c.Unique
	}
	var id int64
	err := tx.QueryRowContext(ctx, q+` LIMIT 1`, args...).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return id, err
}
