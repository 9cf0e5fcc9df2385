package sqlite

import (
	"bufio"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// walWriteLock is the byte of the -shm file on which an SQLite connection in WAL mode
// holds an exclusive lock while it writes (WALINDEX_LOCK_OFFSET + WAL_WRITE_LOCK).
const walWriteLock = "120"

// walWriter reads /proc/locks for the process holding the write lock of the -shm file
// shm, matched by inode alone: some file systems (btrfs) list another device number
// there than stat gives.
func walWriter(shm os.FileInfo) int {
	st, ok := shm.Sys().(*syscall.Stat_t)
	if !ok {
		return 0
	}
	f, err := os.Open("/proc/locks")
	if err != nil {
		return 0
	}
	defer f.Close()
	return lockOwner(f, st.Ino)
}

// lockOwner reads locks, in the form of /proc/locks, for the process holding the WAL
// write lock of the file whose inode is ino.
func lockOwner(locks io.Reader, ino uint64) int {
	suffix := ":" + strconv.FormatUint(ino, 10)
	s := bufio.NewScanner(locks)
	for s.Scan() {
		// "3: POSIX  ADVISORY  WRITE 16963 fe:00:10397473 120 120". A process blocked
		// waiting for a lock is listed as "3: -> POSIX …": it does not hold it (and
		// SQLite never blocks so).
		fields := strings.Fields(s.Text())
		if len(fields) != 8 || fields[1] != "POSIX" || fields[3] != "WRITE" || fields[6] != walWriteLock || fields[7] != walWriteLock {
			continue
		}
		if dev := fields[5]; !strings.HasSuffix(dev, suffix) {
			continue
		}
		if pid, err := strconv.Atoi(fields[4]); err == nil {
			return pid
		}
	}
	return 0
}

// programName is the name of process pid's program ("" when it cannot be read).
func programName(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil {
		return ""
	}
	return cleanName(string(b))
}
