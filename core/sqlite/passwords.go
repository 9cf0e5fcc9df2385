package sqlite

import (
	"context"
	"database/sql"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

// TemporaryHashes returns, for each of pws whose GUID names a stored user who still has
// a temporary password, that password's hash, by GUID: an import does not hash a typed
// password that is the account's current temporary one (SPEC §12).
func (db *DB) TemporaryHashes(ctx context.Context, pws []TypedPassword) (map[string]string, error) {
	out := make(map[string]string)
	var guids []any
	for _, p := range pws {
		if p.GUID != "" {
			guids = append(guids, p.GUID)
		}
	}
	if len(guids) == 0 {
		return out, nil
	}
	err := db.read(ctx, func(tx *sql.Tx) error {
		for start := 0; start < len(guids); start += lookupBatch {
			batch := guids[start:min(start+lookupBatch, len(guids))]
			rows, err := tx.QueryContext(ctx, `
				SELECT guid, pw_hash
				FROM users
				WHERE pw_kind = 'temporary' AND guid IN (`+strings.TrimSuffix(strings.Repeat("?,", len(batch)), ",")+`)`, batch...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var g, h string
				if err := rows.Scan(&g, &h); err != nil {
					rows.Close()
					return err
				}
				out[g] = h
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

// CheckpointTruncate copies the WAL into the database and truncates it, so that what the
// last transactions deleted (an uploaded file's typed passwords) no longer sits in the
// WAL file. It reports false, without an error, when a reader's snapshot kept it from
// finishing: the caller tries again.
//
// A TRUNCATE checkpoint waits for the readers it needs gone through the connection's
// busy timeout; here it waits a tenth of a second at most, and the caller's retries
// (retry.Until) do the rest, so that a window reading the history cannot hold an
// upload up for the whole busy timeout.
func (db *DB) CheckpointTruncate(ctx context.Context) (bool, error) {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return false, classify(err)
	}
	defer conn.Close()
	var timeout int
	if err := conn.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&timeout); err != nil {
		return false, classify(err)
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 100`); err != nil {
		return false, classify(err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA busy_timeout = `+strconv.Itoa(timeout))
	var busy, log, done int
	if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &log, &done); err != nil {
		if IsBusy(err) {
			return false, nil
		}
		return false, classify(err)
	}
	return busy == 0 && log <= 0, nil
}

// CompletedFile is an upload's Completed File that may still hand out temporary
// passwords.
type CompletedFile struct {
	Upload int64
	// IssuedAt is when its temporary passwords were issued; the zero time when not known
	// (an upload stored before this was recorded).
	IssuedAt time.Time
}

// CompletedFilesWithPasswords returns the uploads whose Completed File may still hold
// temporary passwords.
func (db *DB) CompletedFilesWithPasswords(ctx context.Context) ([]CompletedFile, error) {
	var out []CompletedFile
	err := db.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT u.id, coalesce(u.temp_passwords_at, '')
			FROM uploads AS u
			WHERE coalesce(u.temp_passwords_at, 'unknown') <> ''
				AND EXISTS (SELECT 1 FROM upload_files AS f WHERE f.upload_id = u.id AND f.kind = 'completed')
			ORDER BY u.id`)
		if err != nil {
			return err
		}
		out, err = scanCompletedFiles(rows, nil)
		return err
	})
	return out, err
}

// scanCompletedFiles reads rows of an upload's id and its temp_passwords_at (empty when not
// known) and closes them; keep, when not nil, keeps only the rows whose
// temp_passwords_at it accepts.
func scanCompletedFiles(rows *sql.Rows, keep func(at string) bool) ([]CompletedFile, error) {
	defer rows.Close()
	var out []CompletedFile
	for rows.Next() {
		var f CompletedFile
		var at string
		if err := rows.Scan(&f.Upload, &at); err != nil {
			return nil, err
		}
		if keep != nil && !keep(at) {
			continue
		}
		f.IssuedAt = parseTime(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

// TemporaryPasswordsLeft reports whether a user still has a temporary password issued at
// issued that has not expired by now.
func (db *DB) TemporaryPasswordsLeft(ctx context.Context, issued, now time.Time) (bool, error) {
	if !now.Before(issued.Add(core.TempPasswordLifetime)) {
		return false, nil
	}
	var n int
	err := db.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `
			SELECT count(*) FROM (
				SELECT 1 FROM users WHERE pw_kind = 'temporary' AND pw_issued_at = ? LIMIT 1)`, fmtTime(issued)).Scan(&n)
	})
	return n > 0, err
}

// PasswordState is a user's password as a Completed File's row is checked against it.
type PasswordState struct {
	Kind     core.PasswordState
	Hash     string
	IssuedAt time.Time
}

// PasswordStates returns the password state of the users with the given GUIDs, by GUID.
func (db *DB) PasswordStates(ctx context.Context, guids []string) (map[string]PasswordState, error) {
	out := make(map[string]PasswordState)
	err := db.read(ctx, func(tx *sql.Tx) error {
		for start := 0; start < len(guids); start += lookupBatch {
			batch := guids[start:min(start+lookupBatch, len(guids))]
			args := make([]any, len(batch))
			for i, g := range batch {
				args[i] = g
			}
			rows, err := tx.QueryContext(ctx, `
				SELECT guid, pw_kind, pw_hash, pw_issued_at
				FROM users
				WHERE guid IN (`+strings.TrimSuffix(strings.Repeat("?,", len(batch)), ",")+`)`, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var g, kind, hash, at string
				if err := rows.Scan(&g, &kind, &hash, &at); err != nil {
					rows.Close()
					return err
				}
				out[g] = PasswordState{Kind: core.PasswordState(kind), Hash: hash, IssuedAt: parseTime(at)}
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

// ReplaceFile stores what r holds as upload id's file kind instead of the one stored, and
// records when the temporary passwords of its Completed File were issued (issuedAt; the
// zero time when it holds none any more), in one transaction. r may read the file it
// replaces: what this transaction does is not seen until it commits.
func (db *DB) ReplaceFile(ctx context.Context, id int64, kind core.FileKind, r io.Reader, issuedAt time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM upload_files WHERE upload_id = ? AND kind = ?`, id, string(kind)); err != nil {
			return err
		}
		if err := putFile(ctx, tx, id, string(kind), r); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE uploads SET temp_passwords_at = ? WHERE id = ?`, fmtTime(issuedAt), id)
		return err
	})
}

// SetTempPasswordsAt records when the temporary passwords in upload id's Completed File
// were issued, learnt by reading it.
func (db *DB) SetTempPasswordsAt(ctx context.Context, id int64, issuedAt time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE uploads SET temp_passwords_at = ? WHERE id = ?`, fmtTime(issuedAt), id)
		return err
	})
}
