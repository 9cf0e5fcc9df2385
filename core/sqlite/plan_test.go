package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// stageQueries are the queries of an import's passes that read the stage, with
// arguments EXPLAIN can run them with.
var stageQueries = map[string]struct {
	q    string
	args []any
	tx   bool // run with the stage attached to the main database
}{
	"UserRows":                 {q: `SELECT line, ukey, coalesce(ckey, ''), coalesce(code, ''), own, cells FROM rows WHERE (ukey, line) > (?, ?) ORDER BY ukey, line LIMIT ?`, args: []any{"", 0, 10}},
	"ClassRows":                {q: `SELECT line, ukey, ckey, coalesce(code, ''), own, cells FROM rows WHERE ckey IS NOT NULL AND (ckey, line) > (?, ?) ORDER BY ckey, line LIMIT ?`, args: []any{"", 0, 10}},
	"SharedUserID":             {q: sharedKeyQueries[SharedUserID], args: []any{"", "", 10}},
	"SharedUsername":           {q: sharedKeyQueries[SharedUsername], args: []any{"", "", 10}},
	"SharedTeacherEmail":       {q: sharedKeyQueries[SharedTeacherEmail], args: []any{"", "", 10}},
	"UsersWithStored":          {q: usersWithStoredQuery, args: []any{1, "", 10, 2}, tx: true},
	"ClassesWithStored":        {q: classesWithStoredQuery, args: []any{1, 0, "", 10}, tx: true},
	"NewClassesWithoutTeacher": {q: newClassesWithoutTeacherQuery, args: []any{"", 10}, tx: true},
	"RowStatesByUser":          {q: rowStateQueries[ByUser], args: []any{"", 0, 10}, tx: true},
	"RowStatesByClass":         {q: rowStateQueries[ByClass], args: []any{"", 0, 10}, tx: true},
	"GroupRowsByUser":          {q: rowCellsQueries[ByUser], args: []any{""}, tx: true},
	"GroupRowsByClass":         {q: rowCellsQueries[ByClass], args: []any{""}, tx: true},
	"NewUsers":                 {q: newUsersQuery, args: []any{"", 10}, tx: true},
	"NewClasses":               {q: newClassesQuery, args: []any{"", 10}, tx: true},
	"UpdateUsers":              {q: updateUsersQuery, args: []any{"", "", 10}, tx: true},
	"ResultRows":               {q: resultRowsQuery, args: []any{0, 10}, tx: true},
	"AddUserResults":           {q: addUserResultsQuery, args: []any{"", 10}, tx: true},
	"InsertClasses":            {q: insertClassesQuery, args: []any{1, "", "", "z"}, tx: true},
	"ClassSliceNew":            {q: classSliceNew, args: []any{"", 10}, tx: true},
	"ClassSliceStored":         {q: classSliceStored, args: []any{"", 10}, tx: true},
	"UpdateClasses":            {q: updateClassesQuery, args: []any{"", "", 10}, tx: true},
	"TakenUsernames":           {q: strings.Replace(takenQueries[1], "%s", "(?, ?)", 1), args: []any{"a", "a:"}, tx: true},
	"TakenStoredUsernames":     {q: strings.Replace(takenQueries[0], "%s", "(?, ?)", 1), args: []any{"a", "a:"}, tx: true},
}

// sliced are the writes that materialise a slice of the stage (at most writeSlice rows
// of it), which is bounded.
var sliced = map[string]bool{"UpdateUsers": true, "UpdateClasses": true}

// TestStageQueryPlans: every query an import runs over its stage is served by indexes,
// in the order they give. SQLite never sorts, never builds an automatic index and never
// materialises a subquery for them: those would take memory or temporary files that
// grow with the file, and the stage exists to keep both bounded.
func TestStageQueryPlans(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	path := filepath.Join(t.TempDir(), "stage.db")
	st, err := CreateStage(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var tx *ImportTx
	explain := func(name string, q struct {
		q    string
		args []any
		tx   bool
	}) {
		t.Run(name, func(t *testing.T) {
			var rows interface {
				Next() bool
				Scan(...any) error
				Close() error
			}
			var err error
			if q.tx {
				rows, err = tx.tx.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q.q, q.args...)
			} else {
				rows, err = st.conn.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q.q, q.args...)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			t.Logf("%s:\n  %s", name, strings.Join(plan, "\n  "))
			for _, d := range plan {
				for _, bad := range []string{"TEMP B-TREE", "AUTOMATIC", "MATERIALIZE"} {
					if strings.Contains(d, bad) && !(bad == "MATERIALIZE" && sliced[name]) {
						t.Errorf("plan of %s: %q", name, d)
					}
				}
			}
		})
	}
	// The stage's own connection holds its file until it is closed, then the import
	// transaction attaches it.
	for name, q := range stageQueries {
		if !q.tx {
			explain(name, q)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if tx, err = db.BeginImport(ctx, path, testNow, 0); err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	for name, q := range stageQueries {
		if q.tx {
			explain(name, q)
		}
	}
}
