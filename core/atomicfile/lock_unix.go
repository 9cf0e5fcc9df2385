//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package atomicfile

import (
	"errors"
	"os"
	"syscall"
)

// lock takes an advisory lock on the temporary file f, which lasts while f is open: it
// tells a cleaner (removeIfUnused) on this computer, or on another one writing into the
// same network folder, that the file is still being written. A file system without
// locks refuses it, which leaves the process ids alone to tell.
func lock(f *os.File) {
	if c, err := f.SyscallConn(); err == nil {
		c.Control(func(fd uintptr) { syscall.Flock(int(fd), syscall.LOCK_EX|syscall.LOCK_NB) })
	}
}

// closeBeforeRename is false: a temporary file stays open, and so locked, until it is
// renamed.
const closeBeforeRename = false

// removeIfUnused removes the leftover at path unless a writer still holds its lock. It
// takes a shared lock itself (an exclusive one needs the file open for writing where the
// lock is a POSIX one, as on NFS) and removes the file while holding it. A file it may
// not open (another user's) is kept: nothing tells whether it is in use.
func removeIfUnused(path string) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return
	}
	c, err := f.SyscallConn()
	if err != nil {
		return
	}
	var lerr error
	if err := c.Control(func(fd uintptr) { lerr = syscall.Flock(int(fd), syscall.LOCK_SH|syscall.LOCK_NB) }); err != nil {
		return
	}
	if errors.Is(lerr, syscall.EWOULDBLOCK) {
		return // a writer, here or on another computer, still has it
	}
	os.Remove(path)
}
