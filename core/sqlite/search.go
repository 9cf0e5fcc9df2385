package sqlite

import (
	"database/sql/driver"
	"strings"

	"modernc.org/sqlite"

	"github.com/rosterdesk/rosterdesk/core"
)

// searchKeyFunc is the SQL name of core.SearchKey, so a search folds the stored names the
// same way as what was typed: accents and case ignored ("zoe" finds "Zoë Nguyễn"). It is
// a Go function rather than a folded column so that no import, old database or other
// program writing users has to keep one up to date.
const searchKeyFunc = "rd_search_key"

func init() {
	sqlite.MustRegisterDeterministicScalarFunction(searchKeyFunc, 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return core.SearchKey(v), nil
		case []byte:
			return core.SearchKey(string(v)), nil
		case nil:
			return "", nil
		}
		return args[0], nil
	})
}

// likePattern is the LIKE pattern that finds s anywhere in a column, its LIKE wildcards
// escaped (with '\').
func likePattern(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

// searchCondition is the WHERE condition of an account search, with searchArgs: the
// query within the name, folded (accents and case ignored), or within the User ID,
// username or email, compared by their keys (case ignored; usernames are ASCII). Only
// the name needs the Go function, once per account; the key columns are tested first,
// because SQLite stops at the first true term.
const searchCondition = `(u.username_key LIKE ? ESCAPE '\'
	OR u.user_id_key LIKE ? ESCAPE '\'
	OR u.email_key LIKE ? ESCAPE '\'
	OR ` + searchKeyFunc + `(u.first_name || ' ' || u.last_name) LIKE ? ESCAPE '\')`

// searchArgs are searchCondition's arguments for query.
func searchArgs(query string) []any {
	q := strings.TrimSpace(query)
	key, folded := likePattern(core.Key(q)), likePattern(core.SearchKey(q))
	return []any{folded, key, key, folded}
}
