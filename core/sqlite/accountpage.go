package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/rosterdesk/rosterdesk/core"
)

// accountOrder is the order accounts are listed in: teachers first, then by last and
// first name.
const accountOrder = `u.role = 'Student', lower(u.last_name), lower(u.first_name), u.id`

// accountWhere returns the WHERE clause (with a leading space, or "") and its arguments
// that select the accounts of f, for a query over "users u".
func accountWhere(f AccountFilter) (string, []any) {
	conds, args := accountConditions(f)
	if f.SchoolID != 0 {
		conds = append([]string{`u.id IN (SELECT user_id FROM school_users WHERE school_id = ?)`}, conds...)
		args = append([]any{f.SchoolID}, args...)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return ` WHERE ` + strings.Join(conds, ` AND `), args
}

// accountConditions returns the conditions of f but its school, on "users u".
func accountConditions(f AccountFilter) ([]string, []any) {
	var (
		conds []string
		args  []any
	)
	if f.ids != nil {
		conds = append(conds, `u.id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(f.ids)), ",")+`)`)
		for _, id := range f.ids {
			args = append(args, id)
		}
	}
	if f.ClassID != 0 {
		conds = append(conds, `u.id IN (SELECT user_id FROM enrollments WHERE class_id = ?)`)
		args = append(args, f.ClassID)
	}
	if f.TeacherID != 0 {
		conds = append(conds, `u.role = 'Student' AND u.id IN (SELECT e.user_id FROM enrollments e
			JOIN enrollments t ON t.class_id = e.class_id AND t.user_id = ? AND t.role = 'Teacher'
			JOIN classes c ON c.id = e.class_id
			WHERE e.role = 'Student' AND (? = 0 OR c.school_id = ?))`)
		args = append(args, f.TeacherID, f.SchoolID, f.SchoolID)
	}
	if f.StudentsOnly {
		conds = append(conds, `u.role = 'Student'`)
	}
	if f.TeachersOnly {
		conds = append(conds, `u.role = 'Teacher'`)
	}
	if strings.TrimSpace(f.Query) != "" {
		conds = append(conds, searchCondition)
		args = append(args, searchArgs(f.Query)...)
	}
	return conds, args
}

// AccountPage is one page of a list of accounts, and how many accounts the list has.
type AccountPage struct {
	Accounts []core.Account
	Total    int
}

// AccountsPage returns up to limit accounts of f's school (f.SchoolID is required),
// skipping the first offset, in the order of Accounts, and how many match f in all,
// read in one transaction so the count and the page agree. It keeps a page of a
// 600,000-account school quick: the school's accounts are found through its links
// (school_users) rather than by looking each account up in them; without a search the
// count comes from the links alone; a search folds each name once, counting and
// ordering the matches in the same pass; and only the page's accounts have their
// classes looked up. It returns an error of kind KindInvalid without a school.
func (db *DB) AccountsPage(ctx context.Context, f AccountFilter, offset, limit int) (AccountPage, error) {
	var p AccountPage
	if f.SchoolID == 0 {
		return p, core.Errorf(core.KindInvalid, "Select a school first.")
	}
	offset = max(offset, 0)
	conds, args := accountConditions(f)
	from := ` FROM school_users su JOIN users u ON u.id = su.user_id WHERE ` +
		strings.Join(append([]string{`su.school_id = ?`}, conds...), ` AND `)
	args = append([]any{f.SchoolID}, args...)
	search := strings.TrimSpace(f.Query) != ""
	err := db.read(ctx, func(tx *sql.Tx) error {
		counted := false
		if !search {
			q := `SELECT COUNT(*)` + from
			if len(conds) == 0 {
				q, args := `SELECT COUNT(*) FROM school_users WHERE school_id = ?`, args[:1]
				if err := tx.QueryRowContext(ctx, q, args...).Scan(&p.Total); err != nil {
					return err
				}
			} else if err := tx.QueryRowContext(ctx, q, args...).Scan(&p.Total); err != nil {
				return err
			}
			counted = true
			if limit <= 0 || offset >= p.Total {
				return nil
			}
		}
		// A search's matches are few: counting them over the ordered rows (a window)
		// costs little and saves folding every name a second time.
		total := ``
		if search {
			total = `, COUNT(*) OVER ()`
		}
		rows, err := tx.QueryContext(ctx, `SELECT u.id`+total+from+`
			ORDER BY `+accountOrder+`
			LIMIT ? OFFSET ?`, append(args, max(limit, 0), offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		ids := make([]int64, 0, max(limit, 0))
		for rows.Next() {
			var id int64
			dest := []any{&id}
			if search {
				dest = append(dest, &p.Total)
			}
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if !counted && len(ids) == 0 && (offset > 0 || limit <= 0) {
			// Past the last match (or no page asked for): count them on their own.
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*)`+from, args...).Scan(&p.Total); err != nil {
				return err
			}
		}
		if len(ids) == 0 {
			return nil
		}
		p.Accounts, err = findAccounts(ctx, tx, AccountFilter{SchoolID: f.SchoolID, ids: ids})
		return err
	})
	return p, err
}
