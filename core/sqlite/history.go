package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/rosterdesk/rosterdesk/core"
)

// UploadFilter selects uploads for Uploads. The engine fills it from the acting
// person's rights: SchoolIDs for a School Organization Administrator, TeacherID for a
// teacher.
type UploadFilter struct {
	// SchoolIDs keeps the uploads of these schools; nil means every school, and an empty
	// non-nil slice means none.
	SchoolIDs []int64
	// TeacherID, when not 0, keeps only the uploads that teacher made in the Teacher role.
	TeacherID int64
	Limit     int // 0: no limit
	Offset    int
}

// Uploads lists the uploads f selects, newest first.
func (db *DB) Uploads(ctx context.Context, f UploadFilter) ([]core.Upload, error) {
	if f.SchoolIDs != nil && len(f.SchoolIDs) == 0 {
		return nil, nil
	}
	var out []core.Upload
	err := db.read(ctx, func(tx *sql.Tx) error {
		q := `SELECT ` + uploadCols + ` FROM uploads u LEFT JOIN schools s ON s.id = u.school_id`
		var where []string
		var args []any
		if f.SchoolIDs != nil {
			where = append(where, `u.school_id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(f.SchoolIDs)), ",")+`)`)
			for _, id := range f.SchoolIDs {
				args = append(args, id)
			}
		}
		if f.TeacherID != 0 {
			where = append(where, `u.teacher_id = ?`)
			args = append(args, f.TeacherID)
		}
		if len(where) > 0 {
			q += ` WHERE ` + strings.Join(where, ` AND `)
		}
		q += ` ORDER BY u.id DESC`
		if f.Limit > 0 {
			q += ` LIMIT ? OFFSET ?`
			args = append(args, f.Limit, f.Offset)
		}
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanUpload(rows)
			if err != nil {
				return err
			}
			out = append(out, r.Upload)
		}
		return rows.Err()
	})
	return out, err
}
