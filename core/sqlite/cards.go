package sqlite

import (
	"context"
	"database/sql"
	"strings"

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
