//go:build unix

package sqlite

import (
	"io"
	"os"
	"syscall"
)

// The bytes of a database file SQLite's locks cover (its os_unix.c): the pending byte,
// the reserved byte and the 510 shared bytes after them.
const (
	lockFirst = 0x40000000
	lockBytes = 2 + 510
)

// InUse reports whether another process has the SQLite database at path open: a
// connection to a database in WAL mode keeps a shared lock on it for as long as it is
// open (and in the other modes holds one for each transaction). It only asks (F_GETLK)
// and takes no lock; a file that cannot be opened or asked is not in use. Never ask it
// of a database this process has open: closing the descriptor it opens lets go of
// every lock this process holds on that file.
func InUse(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return false
	}
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: io.SeekStart, Start: lockFirst, Len: lockBytes}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err != nil {
		return false
	}
	return lk.Type != syscall.F_UNLCK
}
