//go:build windows

package proc

import (
	"errors"
	"os"
	"syscall"
)

// alive reports whether process pid exists: on Windows, FindProcess opens a handle to
// the process and fails when there is none. A process that exists but that this one may
// not open (another user's, an elevated one) is refused with access denied: it is alive.
func alive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return errors.Is(err, syscall.ERROR_ACCESS_DENIED)
	}
	p.Release()
	return true
}
