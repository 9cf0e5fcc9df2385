//go:build unix

package inputfile

import (
	"os"
	"syscall"
)

// openNonBlocking opens path for reading with O_NONBLOCK: a named pipe put there after
// Open looked then opens at once, without a writer, and Open refuses it. A regular
// file's reads do not heed the flag.
func openNonBlocking(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
