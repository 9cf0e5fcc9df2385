//go:build !windows

package atomicfile

import "os"

// hide does nothing: outside Windows the leading dot of the temporary file's name hides
// it.
func hide(string) error { return nil }

func unhide(string) error { return nil }

// syncDir flushes the folder dir to the disk, so that a rename in it survives a power
// cut. It is done on a best-effort basis: some file systems (network shares among them)
// refuse to sync a folder, and the file itself is on the disk already.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
