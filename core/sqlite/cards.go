package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

// CardAccount is a user as a login card prints it, with the hash of its password, so
// that a card can tell whether a plaintext temporary password still signs in.
type CardAccount struct {
	core.Account
	Hash string
}

// AccountsByGUID returns the users with the given GUIDs, by GUID, with their password
// hashes; a GUID no user has is left out. Classes is not filled.
func (db *DB) AccountsByGUID(ctx context.Context, guids []string) (map[string]CardAccount, error) {
	out := make(map[string]CardAccount, len(guids))
	err := db.read(ctx, func(tx *sql.Tx) error {
		for start := 0; start < len(guids); start += lookupBatch {
			if err := accountsByGUID(ctx, tx, guids[start:min(start+lookupBatch, len(guids))], out); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

func accountsByGUID(ctx context.Context, tx *sql.Tx, guids []string, out map[string]CardAccount) error {
	args := make([]any, len(guids))
	for i, g := range guids {
		args[i] = g
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT `+accountCols+`,
			u.pw_hash
		FROM users u
		WHERE u.guid IN (`+strings.TrimSuffix(strings.Repeat("?,", len(guids)), ",")+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a CardAccount
		var role, kind, issued string
		if err := rows.Scan(&a.ID, &a.GUID, &a.UserID, &role, &a.FirstName, &a.LastName, &a.Grade, &a.Email, &a.Username, &kind, &issued, &a.Hash); err != nil {
			return err
		}
		a.Role, a.Password, a.IssuedAt = core.Role(role), core.PasswordState(kind), parseTime(issued)
		out[a.GUID] = a
	}
	return rows.Err()
}

// StudentClasses returns the ids of the classes of school schoolID in which user userID
// is enrolled as a student, by Class ID.
func (db *DB) StudentClasses(ctx context.Context, userID, schoolID int64) ([]int64, error) {
	var out []int64
	err := db.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT c.id
			FROM enrollments e
			JOIN classes c ON c.id = e.class_id
			WHERE e.user_id = ?
				AND e.role = 'Student'
				AND c.school_id = ?
			ORDER BY c.class_id_key`, userID, schoolID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			out = append(out, id)
		}
		return rows.Err()
	})
	return out, err
}

// CompletedFilesIssued returns, newest first, the uploads into the schools schoolIDs
// whose Completed File may still hold temporary passwords issued at one of the times
// issued: those whose passwords were issued then, and those stored before the issue
// time was recorded (IssuedAt zero), which only reading the file tells. A file whose
// passwords were emptied is never returned.
func (db *DB) CompletedFilesIssued(ctx context.Context, schoolIDs []int64, issued []time.Time) ([]CompletedFile, error) {
	if len(schoolIDs) == 0 || len(issued) == 0 {
		return nil, nil
	}
	// The few issue times are matched here rather than in the query: the uploads of a
	// teacher's schools are one index range, and a list of times could pass SQLite's
	// limit on parameters.
	want := make(map[string]bool, len(issued))
	for _, t := range issued {
		want[fmtTime(t)] = true
	}
	args := make([]any, len(schoolIDs))
	for i, id := range schoolIDs {
		args[i] = id
	}
	var out []CompletedFile
	err := db.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT u.id,
				coalesce(u.temp_passwords_at, '')
			FROM uploads AS u
			WHERE u.school_id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(args)), ",")+`)
				AND coalesce(u.temp_passwords_at, 'unknown') <> ''
				AND EXISTS (SELECT 1 FROM upload_files AS f WHERE f.upload_id = u.id AND f.kind = 'completed')
			ORDER BY u.id DESC`, args...)
		if err != nil {
			return err
		}
		out, err = scanCompletedFiles(rows, func(at string) bool { return at == "" || want[at] })
		return err
	})
	return out, err
}
