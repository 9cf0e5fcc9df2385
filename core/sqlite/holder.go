package sqlite

import (
	"os"
	"strings"

	"github.com/rosterdesk/rosterdesk/core"
)

// WriteLockHolder returns the process of this computer that holds the database's write
// lock, and its program's name, as far as the operating system tells: on Linux, the
// POSIX lock SQLite takes in WAL mode on byte 120 of the shared-memory file (-shm), as
// /proc/locks lists it, and the name in /proc/PID/comm. pid is 0 when it cannot tell:
// another system, a database on another computer's disk, no such lock at this moment,
// or this process itself. It only reads files of /proc and looks at the -shm file's
// information: it opens nothing beside the database, whose locks closing a descriptor
// would drop (open.go, openFiles).
func (db *DB) WriteLockHolder() (pid int, name string) {
	fi, err := os.Stat(db.Path + "-shm")
	if err != nil {
		return 0, ""
	}
	pid = walWriter(fi)
	if pid <= 0 || pid == os.Getpid() {
		return 0, ""
	}
	return pid, programName(pid)
}

// cleanName keeps what a program's name may show: it comes from another process.
func cleanName(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if core.Unprintable(r) {
			return -1
		}
		return r
	}, s))
}
