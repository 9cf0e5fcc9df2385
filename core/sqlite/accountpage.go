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
	var (
		where []string
		args  []any
	)
	if f.ids != nil {
		where = append(where, `u.id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(f.ids)), ",")+`)`)
		for _, id := range f.ids {
			args = append(args, id)
		}
	}
	if f.ClassID != 0 {
		where = append(where, `u.id IN (SELECT user_id FROM enrollments WHERE class_id = ?)`)
		args = append(args, f.ClassID)
	}
	if f.SchoolID != 0 {
		where = append(where, `u.id IN (SELECT user_id FROM school_users WHERE school_id = ?)`)
		args = append(args, f.SchoolID)
	}
	if f.StudentsOnly {
		where = append(where, `u.role = 'Student'`)
	}
	if f.TeachersOnly {
		where = append(where, `u.role = 'Teacher'`)
	}
	if strings.TrimSpace(f.Query) != "" {
		where = append(where, searchCondition)
		args = append(args, searchArgs(f.Query)...)
	}
	if len(where) == 0 {
		return "", nil
	}
	return ` WHERE ` + strings.Join(where, ` AND `), args
}

// AccountPage is one page of a list of accounts, and how many accounts the list has.
type AccountPage struct {
	Accounts []core.Account
	Total    int
}

// AccountsPage returns up to limit accounts of f, skipping the first offset, in the
// order of Accounts, and how many match f in all. The count and the page are read in one
// transaction, so they agree. Only the page's accounts have their classes looked up,
// which keeps a page of a 600,000-account school as quick as a page of a small one.
func (db *DB) AccountsPage(ctx context.Context, f AccountFilter, offset, limit int) (AccountPage, error) {
	var p AccountPage
	err := db.read(ctx, func(tx *sql.Tx) error {
		where, args := accountWhere(f)
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users u`+where, args...).Scan(&p.Total); err != nil {
			return err
		}
		if limit <= 0 || offset >= p.Total {
			return nil
		}
		rows, err := tx.QueryContext(ctx, `SELECT u.id FROM users u`+where+`
			ORDER BY `+accountOrder+`
			LIMIT ? OFFSET ?`, append(args, limit, max(offset, 0))...)
		if err != nil {
			return err
		}
		defer rows.Close()
		ids := make([]int64, 0, limit)
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		p.Accounts, err = findAccounts(ctx, tx, AccountFilter{SchoolID: f.SchoolID, ids: ids})
		return err
	})
	return p, err
}
