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
// ASCII-only since operators exist (schema 4), and Key leaves ASCII as it was. But a
// user's username from before usernames were ASCII-only (ｊｏｈｎ) may now have an
// operator's key (john), and a username must belong to one account across both tables,
// or typing it would reach the user and lock the administrator out. The operator keeps
// it, and the user is marked and recorded as an "operator_username" pair, kept_id
// naming the operator.
func CompatibilityKeys(ctx context.Context, tx *sql.Tx) error {
	if err := rekeyAll(ctx, tx); err != nil {
		return err
	}
	if err := separateOperatorUsernames(ctx, tx); err != nil {
		return fmt.Errorf("separate operators' usernames: %w", err)
	}
	if err := rekeySignInFailures(ctx, tx); err != nil {
		return fmt.Errorf("rekey signin_failures: %w", err)
	}
	return nil
}

// separateOperatorUsernames marks each user whose username key an operator holds, and
// records the pair.
func separateOperatorUsernames(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT u.id, o.id
		FROM users AS u
		JOIN operators AS o ON o.username_key = u.username_key
		ORDER BY u.id`)
	if err != nil {
		return err
	}
	type pair struct{ user, operator int64 }
	var pairs []pair
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.user, &p.operator); err != nil {
			rows.Close()
			return err
		}
		pairs = append(pairs, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	now := foundAt()
	for _, p := range pairs {
		marker := DuplicateMarker(p.user)
		if _, err := tx.ExecContext(ctx, `UPDATE users SET username_key = ? WHERE id = ?`, marker, p.user); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO key_duplicates (kind, row_id, marker, kept_id, found_at) VALUES (?, ?, ?, ?, ?)`,
			OperatorUsername, p.user, marker, p.operator, now); err != nil {
			return err
		}
	}
	return nil
}

// OperatorUsername is the key_duplicates kind of a user whose username an operator
// (an administrator account) keeps; its kept_id is the operator's id.
const OperatorUsername = "operator_username"

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
