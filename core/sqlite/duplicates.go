package sqlite

import (
	"context"
	"database/sql"
	"strings"
)

// KeyDuplicate is a pair of records that were two before schema 3 or schema 7
// recomputed their keys with core.Key (migrations UnicodeKeys, CompatibilityKeys), and
// are the same now: two users with one User ID, username or teacher email, a user
// with an administrator's username, two classes of a school with one Class ID, or two
// schools with one name. Kept holds the key (for "operator_username", the
// administrator: ID is the operator's, GUID is ""); Other holds a marker until its
// value is changed.
type KeyDuplicate struct {
	Kind        string // "user_id", "username", "teacher_email", "class_id", "school_name", "operator_username"
	Kept, Other DuplicateRecord
	School      string // the classes' school, for "class_id"
}

// DuplicateRecord is one side of a KeyDuplicate.
type DuplicateRecord struct {
	ID    int64
	GUID  string
	Value string // the User ID, username, email, Class ID or school name
	Name  string // the person's or the class's name; "" for a school
}

// KeyDuplicates returns the pairs the key migration recorded that are not settled yet
// (the marked record still has its marker), oldest first. A database without the
// record table (not yet migrated, or opened read-only before it could be) has none.
func (db *DB) KeyDuplicates(ctx context.Context) ([]KeyDuplicate, error) {
	var out []KeyDuplicate
	err := db.read(ctx, func(tx *sql.Tx) error {
		for _, q := range []struct {
			sql  string
			scan func(sc interface{ Scan(...any) error }) (KeyDuplicate, error)
		}{
			{duplicateUsersSQL, scanDuplicateUsers},
			{duplicateOperatorUsernamesSQL, scanDuplicateOperatorUsernames},
			{duplicateClassesSQL, scanDuplicateClasses},
			{duplicateSchoolsSQL, scanDuplicateSchools},
		} {
			rows, err := tx.QueryContext(ctx, q.sql)
			if err != nil {
				if strings.Contains(err.Error(), "no such table: key_duplicates") {
					return nil
				}
				return err
			}
			for rows.Next() {
				d, err := q.scan(rows)
				if err != nil {
					rows.Close()
					return err
				}
				out = append(out, d)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

const duplicateUsersSQL = `SELECT
		d.kind,
		k.id, k.guid, k.user_id, k.username, k.email, k.first_name || ' ' || k.last_name,
		o.id, o.guid, o.user_id, o.username, o.email, o.first_name || ' ' || o.last_name
	FROM key_duplicates d
	JOIN users k ON k.id = d.kept_id
	JOIN users o ON o.id = d.row_id
	WHERE (d.kind = 'user_id' AND o.user_id_key = d.marker)
		OR (d.kind = 'username' AND o.username_key = d.marker)
		OR (d.kind = 'teacher_email' AND o.email_key = d.marker)
	ORDER BY d.id`

func scanDuplicateUsers(sc interface{ Scan(...any) error }) (KeyDuplicate, error) {
	var d KeyDuplicate
	var kID, kUser, kMail, oID, oUser, oMail string
	err := sc.Scan(&d.Kind,
		&d.Kept.ID, &d.Kept.GUID, &kID, &kUser, &kMail, &d.Kept.Name,
		&d.Other.ID, &d.Other.GUID, &oID, &oUser, &oMail, &d.Other.Name)
	switch d.Kind {
	case "user_id":
		d.Kept.Value, d.Other.Value = kID, oID
	case "username":
		d.Kept.Value, d.Other.Value = kUser, oUser
	default:
		d.Kept.Value, d.Other.Value = kMail, oMail
	}
	return d, err
}

// duplicateOperatorUsernamesSQL reads the users whose username an administrator keeps
// (migrations.OperatorUsername). An administrator removed since still names the pair.
const duplicateOperatorUsernamesSQL = `SELECT
		d.kind,
		COALESCE(k.id, 0), COALESCE(k.username, ''), COALESCE(k.name, ''),
		o.id, o.guid, o.username, o.first_name || ' ' || o.last_name
	FROM key_duplicates d
	LEFT JOIN operators k ON k.id = d.kept_id
	JOIN users o ON o.id = d.row_id
	WHERE d.kind = 'operator_username' AND o.username_key = d.marker
	ORDER BY d.id`

func scanDuplicateOperatorUsernames(sc interface{ Scan(...any) error }) (KeyDuplicate, error) {
	var d KeyDuplicate
	err := sc.Scan(&d.Kind,
		&d.Kept.ID, &d.Kept.Value, &d.Kept.Name,
		&d.Other.ID, &d.Other.GUID, &d.Other.Value, &d.Other.Name)
	return d, err
}

const duplicateClassesSQL = `SELECT
		d.kind, COALESCE(s.name, ''),
		k.id, k.guid, k.class_id, k.name,
		o.id, o.guid, o.class_id, o.name
	FROM key_duplicates d
	JOIN classes k ON k.id = d.kept_id
	JOIN classes o ON o.id = d.row_id
	LEFT JOIN schools s ON s.id = o.school_id
	WHERE d.kind = 'class_id' AND o.class_id_key = d.marker
	ORDER BY d.id`

func scanDuplicateClasses(sc interface{ Scan(...any) error }) (KeyDuplicate, error) {
	var d KeyDuplicate
	err := sc.Scan(&d.Kind, &d.School,
		&d.Kept.ID, &d.Kept.GUID, &d.Kept.Value, &d.Kept.Name,
		&d.Other.ID, &d.Other.GUID, &d.Other.Value, &d.Other.Name)
	return d, err
}

const duplicateSchoolsSQL = `SELECT
		d.kind,
		k.id, k.guid, k.name,
		o.id, o.guid, o.name
	FROM key_duplicates d
	JOIN schools k ON k.id = d.kept_id
	JOIN schools o ON o.id = d.row_id
	WHERE d.kind = 'school_name' AND o.name_key = d.marker
	ORDER BY d.id`

func scanDuplicateSchools(sc interface{ Scan(...any) error }) (KeyDuplicate, error) {
	var d KeyDuplicate
	err := sc.Scan(&d.Kind,
		&d.Kept.ID, &d.Kept.GUID, &d.Kept.Value,
		&d.Other.ID, &d.Other.GUID, &d.Other.Value)
	return d, err
}
