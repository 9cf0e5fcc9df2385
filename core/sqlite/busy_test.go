package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

// holdLock takes the write lock of the database at path on a connection of its own, as
// another program does (BEGIN IMMEDIATE), and returns what lets it go.
func holdLock(t *testing.T, path string) (release func()) {
	t.Helper()
	other, err := sql.Open("sqlite", fileURI(path)+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	done := false
	release = func() {
		if !done {
			done = true
			conn.ExecContext(context.Background(), "ROLLBACK")
			conn.Close()
			other.Close()
		}
	}
	t.Cleanup(release)
	return release
}

// TestBusyWait: a write waits for another connection's write lock, telling Notify how
// long so far, and once more (freed) when it gets the lock; one that waits past the
// limit gives up with KindBusy and ErrBusy, and no freed notice.
func TestBusyWait(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	type notice struct {
		waited time.Duration
		freed  bool
	}
	notices := make(chan notice, 1000)
	db.SetBusyWait(BusyWait{Limit: 400 * time.Millisecond, Notify: func(_ context.Context, _ *DB, waited time.Duration, freed bool) {
		notices <- notice{waited, freed}
	}})
	write := func() error {
		return db.write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS t (x)`)
			return err
		})
	}

	t.Run("ErrGivesUp", func(t *testing.T) {
		release := holdLock(t, db.Path)
		defer release()
		err := write()
		if !errors.Is(err, ErrBusy) || core.ErrorKind(err) != core.KindBusy {
			t.Fatalf("write with the lock held past the limit = %v, want KindBusy and ErrBusy", err)
		}
		close(notices)
		n := 0
		for v := range notices {
			n++
			if v.freed {
				t.Error("a give-up was told as freed")
			}
		}
		if n == 0 {
			t.Error("Notify heard nothing of the wait")
		}
		notices = make(chan notice, 1000)
	})

	t.Run("OKOnceFreed", func(t *testing.T) {
		db.SetBusyWait(BusyWait{Limit: time.Minute, Notify: func(_ context.Context, _ *DB, waited time.Duration, freed bool) {
			notices <- notice{waited, freed}
		}})
		release := holdLock(t, db.Path)
		done := make(chan error, 1)
		go func() { done <- write() }()
		if v := <-notices; v.freed || v.waited <= 0 {
			t.Errorf("first notice = %+v, want a wait so far", v)
		}
		release()
		if err := <-done; err != nil {
			t.Fatalf("write once the lock is let go = %v", err)
		}
		freed := false
		for len(notices) > 0 {
			freed = (<-notices).freed
		}
		if !freed {
			t.Error("the last notice is not freed")
		}
	})

	// then runs at most once: a busy error after it has run is not retried.
	t.Run("ErrBusyAfterThenNotRetried", func(t *testing.T) {
		db.SetBusyWait(BusyWait{Limit: time.Minute})
		calls := 0
		err := db.writeThen(ctx, func(tx *sql.Tx) error { return nil }, func() error {
			calls++
			// Our writer holds the lock: another connection's BEGIN IMMEDIATE is busy.
			other, err := sql.Open("sqlite", fileURI(db.Path)+"?_pragma=busy_timeout(0)")
			if err != nil {
				return err
			}
			defer other.Close()
			_, err = other.ExecContext(ctx, "BEGIN IMMEDIATE")
			return err
		})
		if calls != 1 || !errors.Is(err, ErrBusy) {
			t.Errorf("writeThen whose then failed busy = %v after %d calls of then, want ErrBusy after 1", err, calls)
		}
	})
}

// TestOpenUpgradeWaitIsHeard: opening a database that needs an upgrade while another
// program holds its write lock waits for the lock, and Busy.Notify (given to OpenWith)
// hears the wait, with the DB being opened, and that the lock was freed; the open then
// succeeds. It used to wait in silence: the DB's BusyWait was set only once Open had
// returned it, after the upgrade.
func TestOpenUpgradeWaitIsHeard(t *testing.T) {
	ctx := context.Background()
	path := firstSchemaDatabase(t)
	release := holdLock(t, path)
	type notice struct {
		db     *DB
		waited time.Duration
		freed  bool
	}
	notices := make(chan notice, 10000)
	type opened struct {
		db  *DB
		err error
	}
	done := make(chan opened, 1)
	go func() {
		db, err := OpenWith(ctx, path, Options{Busy: BusyWait{Limit: time.Minute, Notify: func(_ context.Context, db *DB, waited time.Duration, freed bool) {
			notices <- notice{db, waited, freed}
		}}})
		done <- opened{db, err}
	}()
	first := <-notices
	if first.freed || first.waited <= 0 || first.db == nil || first.db.Path == "" {
		t.Errorf("first notice = %+v, want a wait so far on the DB being opened", first)
	}
	release()
	o := <-done
	if o.err != nil {
		t.Fatalf("OpenWith once the lock is let go = %v", o.err)
	}
	defer o.db.Close()
	freed := false
	for len(notices) > 0 {
		if n := <-notices; n.freed {
			freed = n.db == o.db
		}
	}
	if !freed {
		t.Error("no notice that the lock was freed, on the DB OpenWith returned")
	}
	var n int
	if err := o.db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != migrationCount(t) {
		t.Errorf("schema_migrations: %d rows, %v; want %d", n, err, migrationCount(t))
	}
}
