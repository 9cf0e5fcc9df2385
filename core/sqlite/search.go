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

// searchPattern is the LIKE pattern that finds query anywhere in a folded column: the
// query folded like the column, its LIKE wildcards escaped (with '\').
func searchPattern(query string) string {
	q := core.SearchKey(strings.TrimSpace(query))
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
}

// searchCondition is the WHERE condition of an account search, with searchArgs: the
// query within the name, User ID, username or email, each folded. The username is ASCII
// and its key already lower case, so it needs no folding; it is tested first, and the
// folded name last, because SQLite stops at the first true term.
const searchCondition = `(u.username_key LIKE ? ESCAPE '\'
	OR ` + searchKeyFunc + `(u.user_id) LIKE ? ESCAPE '\'
	OR ` + searchKeyFunc + `(u.email) LIKE ? ESCAPE '\'
	OR ` + searchKeyFunc + `(u.first_name || ' ' || u.last_name) LIKE ? ESCAPE '\')`

// searchArgs are searchCondition's arguments for query.
func searchArgs(query string) []any {
	p := searchPattern(query)
	return []any{p, p, p, p}
}
