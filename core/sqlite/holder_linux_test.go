package sqlite

import (
	"strings"
	"testing"
)

// TestLockOwner reads /proc/locks as Linux writes it: the process holding byte 120 of
// the -shm file (SQLite's WAL write lock) exclusively, matched by inode; not a reader,
// not another byte, not another file, not a process blocked waiting ("->").
func TestLockOwner(t *testing.T) {
	const shm = 10397473
	for _, tt := range []struct {
		name  string
		locks string
		want  int
	}{
		{"OK", "1: POSIX  ADVISORY  WRITE 16963 fe:00:10397473 120 120\n", 16963},
		{"OKAmongOthers", strings.Join([]string{
			"1: POSIX  ADVISORY  WRITE 17012 fe:00:10199109 0 0",
			"2: POSIX  ADVISORY  READ 14289 fe:00:10397473 128 128",
			"3: POSIX  ADVISORY  WRITE 15953 fe:00:10396554 120 120",
			"4: POSIX  ADVISORY  WRITE 16963 fe:00:10397473 120 120",
			"5: POSIX  ADVISORY  READ 16963 fe:00:10397473 123 123",
		}, "\n"), 16963},
		{"OKOtherDeviceNumber", "1: POSIX  ADVISORY  WRITE 42 00:2f:10397473 120 120\n", 42}, // btrfs lists its own
		{"ErrNone", "", 0},
		{"ErrReadLock", "1: POSIX  ADVISORY  READ 16963 fe:00:10397473 120 120\n", 0},
		{"ErrOtherByte", "1: POSIX  ADVISORY  WRITE 16963 fe:00:10397473 121 121\n", 0},
		{"ErrOtherFile", "1: POSIX  ADVISORY  WRITE 16963 fe:00:110397473 120 120\n", 0},
		{"ErrBlocked", "1: -> POSIX  ADVISORY  WRITE 16963 fe:00:10397473 120 120\n", 0},
		{"ErrOFD", "1: OFDLCK ADVISORY  WRITE -1 fe:00:10397473 120 120\n", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := lockOwner(strings.NewReader(tt.locks), shm); got != tt.want {
				t.Errorf("lockOwner(%q) = %d, want %d", tt.locks, got, tt.want)
			}
		})
	}
}
