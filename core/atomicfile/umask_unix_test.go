//go:build unix

package atomicfile

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestWritePrivateWhateverTheUmask: neither an open umask nor one that takes the owner's
// write bit away changes the file's mode.
func TestWritePrivateWhateverTheUmask(t *testing.T) {
	for _, mask := range []int{0, 0o022, 0o277} {
		old := syscall.Umask(mask)
		path := filepath.Join(t.TempDir(), "template.csv")
		err := Write(path, func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err })
		syscall.Umask(old)
		if err != nil {
			t.Fatalf("umask %#o: Write: %v", mask, err)
		}
		if fi, _ := os.Stat(path); fi.Mode().Perm() != Perm {
			t.Errorf("umask %#o: mode %v, want %v", mask, fi.Mode().Perm(), Perm)
		}
	}
}
