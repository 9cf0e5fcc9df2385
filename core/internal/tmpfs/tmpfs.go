// Package tmpfs mounts small Linux tmpfs file systems for tests that need a disk that
// fills up or turns read-only. Only tests import it.
package tmpfs

import (
	"bytes"
	"os/exec"
	"runtime"
	"testing"
)

// Mount mounts a tmpfs of size (such as "64k" or "8m") on a new temporary folder, and
// unmounts it when the test ends. It skips the test where mounting needs rights the
// test does not have (not root, not Linux).
func Mount(t testing.TB, size string) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("needs a Linux tmpfs")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s); run as root on Linux", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

// Remount changes the options of a tmpfs Mount made: "ro", "rw", "size=…".
func Remount(t testing.TB, dir, opts string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,"+opts, dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s %s: %v: %s", dir, opts, err, out)
	}
}
