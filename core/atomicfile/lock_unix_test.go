//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// TestCreateKeepsLockedLeftover: a temporary file whose process id is not running here
// but that is still being written — by Rosterdesk on another computer saving into the
// same network folder, whose process ids mean nothing here — is kept. The next save of
// the same name removed it, and the other computer's save failed at its rename with
// "its folder does not exist". A writer holds a lock on its temporary file; a file
// somebody holds a lock on is not a leftover.
func TestCreateKeepsLockedLeftover(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "Completed Lincoln.csv")
	other := filepath.Join(dir, ".Completed Lincoln.csv."+strconv.Itoa(deadPID(t))+".tmp4711")
	f, err := os.OpenFile(other, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Skipf("this file system keeps no locks: %v", err)
	}
	if err := Write(path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(other); err != nil {
		t.Errorf("the file another writer still holds was removed: %v", err)
	}
	// Once that writer is gone (its lock with it), the file is a leftover.
	f.Close()
	if err := Write(path, func(w io.Writer) error { _, err := io.WriteString(w, "newer"); return err }); err != nil {
		t.Fatal(err)
	}
	assertOnly(t, dir, "Completed Lincoln.csv")
}

// TestFileHoldsLock: a File holds the lock on its temporary file from Create until it is
// published or thrown away — also between Sync and Publish, where login cards wait for
// their passwords to be stored (and, behind another program's lock, that may take
// minutes).
func TestFileHoldsLock(t *testing.T) {
	dir := t.TempDir()
	f := createWith(t, filepath.Join(dir, "cards.pdf"), "%PDF")
	locked := func() bool {
		g, err := os.Open(f.tmp.Name())
		if err != nil {
			t.Fatal(err)
		}
		defer g.Close()
		err = syscall.Flock(int(g.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
		return errors.Is(err, syscall.EWOULDBLOCK)
	}
	if !locked() {
		t.Error("a File being written holds no lock on its temporary file")
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if !locked() {
		t.Error("a synced File holds no lock on its temporary file until Publish")
	}
	if err := f.Publish(); err != nil {
		t.Fatal(err)
	}
}
