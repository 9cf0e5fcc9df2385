package migrations

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/rosterdesk/rosterdesk/core"
)

// CompatibilityKeys recomputes every key column with core.Key once it folds the
// compatibility forms (NFKC) and the decimal digits of every script: until then the
// fullwidth Ｓ１１ a Japanese or Chinese keyboard types, or S١١ in Arabic-Indic digits,
// could be stored as a user apart from S11, and a Class ID, a teacher email or a school
// name likewise. Such rows are handled as UnicodeKeys handles them (rekey): nothing is
// merged and nothing fails; one row keeps the key, the other gets a DuplicateMarker,
// and the pair is recorded in key_duplicates, which rosterctl duplicates and the window
// report until the marked row is given another value. A row UnicodeKeys marked keeps
// its marker.
//
// The sign-in counters (signin_failures) are keyed by core.Key of the username typed,
// which is not stored: their new key is core.Key of the old key, which is core.Key of
// the username (the new Key is idempotent, and folds together all the old one did), and
// counters that meet are added together, so attempts typed in fullwidth before the
// upgrade still count toward the username's pause.
//
// Operators' username keys are left as they are: an operator's username has been
// ASCII-only since operators exist (schema 4), and Key leaves ASCII as it was.
func CompatibilityKeys(ctx context.Context, tx *sql.Tx) error {
	if err := rekeyAll(ctx, tx); err != nil {
		return err
	}
	if err := rekeySignInFailures(ctx, tx); err != nil {
		return fmt.Errorf("rekey signin_failures: %w", err)
	}
	return nil
}

// signInFailure is one row of signin_failures.
type signInFailure struct {
	key                      string
	failures                 int64
	lockedUntil, lastFailure string
}

// rekeySignInFailures gives every sign-in counter core.Key of its key. Only the rows
// whose key changes are read into memory: usernames are ASCII, so these are the few
// typed in another form. They are all removed before any is written back, so a new key
// never meets an old key that is about to move, and one that meets a counter already
// there is added to it: failures summed, the later pause and the later failure kept
// (the times are stored in one fixed format, so the later is the greater text).
func rekeySignInFailures(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT username_key, failures, locked_until, last_failure FROM signin_failures`)
	if err != nil {
		return err
	}
	var changed []signInFailure
	var old []string
	for rows.Next() {
		var f signInFailure
		if err := rows.Scan(&f.key, &f.failures, &f.lockedUntil, &f.lastFailure); err != nil {
			rows.Close()
			return err
		}
		if k := core.Key(f.key); k != f.key {
			old = append(old, f.key)
			f.key = k
			changed = append(changed, f)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, k := range old {
		if _, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE username_key = ?`, k); err != nil {
			return err
		}
	}
	for _, f := range changed {
		if _, err := tx.ExecContext(ctx, `INSERT INTO signin_failures (
				username_key,
				failures,
				locked_until,
				last_failure
			) VALUES (?, ?, ?, ?)
			ON CONFLICT (username_key) DO UPDATE SET
				failures = failures + excluded.failures,
				locked_until = max(locked_until, excluded.locked_until),
				last_failure = max(last_failure, excluded.last_failure)`,
			f.key, f.failures, f.lockedUntil, f.lastFailure); err != nil {
			return err
		}
	}
	return nil
}
