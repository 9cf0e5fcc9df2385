package sqlite

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestSetPasswordsThen: the hashes are committed only when then succeeds, then runs
// exactly once, and it runs inside the transaction (the hashes are not yet visible to a
// reader while it runs).
func TestSetPasswordsThen(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	res, err := db.w.ExecContext(ctx, `INSERT INTO users (guid, user_id, user_id_key, role, first_name, last_name, username, username_key,
		pw_kind, pw_hash, pw_issued_at, created_at, updated_at)
		VALUES ('g-1', 'S1', 's1', 'Student', 'Ava', 'Johnson', 'ajohnson', 'ajohnson', 'temporary', 'old-hash', '', '', '')`)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	hash := func() string {
		t.Helper()
		a, err := db.AccountsByGUID(ctx, []string{"g-1"})
		if err != nil {
			t.Fatal(err)
		}
		return a["g-1"].Hash
	}
	issued := testNow.Add(time.Hour)

	t.Run("ThenFails", func(t *testing.T) {
		calls := 0
		boom := errors.New("rename failed")
		err := db.SetPasswordsThen(ctx, []int64{id}, []string{"new-hash"}, issued, func() error {
			calls++
			return boom
		})
		if !errors.Is(err, boom) || calls != 1 {
			t.Errorf("SetPasswordsThen = %v after %d calls of then, want its error after 1", err, calls)
		}
		if h := hash(); h != "old-hash" {
			t.Errorf("after a failed then the hash is %q, want the old one", h)
		}
	})

	t.Run("OK", func(t *testing.T) {
		calls, during := 0, ""
		err := db.SetPasswordsThen(ctx, []int64{id}, []string{"new-hash"}, issued, func() error {
			calls++
			during = hash() // the reader pool: the write is not committed yet
			return nil
		})
		if err != nil || calls != 1 {
			t.Fatalf("SetPasswordsThen = %v after %d calls of then, want nil after 1", err, calls)
		}
		if during != "old-hash" {
			t.Errorf("while then ran a reader saw %q, want the old hash: then runs before the commit", during)
		}
		if h := hash(); h != "new-hash" {
			t.Errorf("after SetPasswordsThen the hash is %q, want the new one", h)
		}
	})
}
