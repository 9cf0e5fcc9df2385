//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package atomicfile

import "os"

// lock does nothing: on Windows a file open for writing cannot be removed, which keeps a
// cleaner off a file still being written.
func lock(*os.File) {}

// closeBeforeRename is true: Windows renames no file that is open.
const closeBeforeRename = true

// removeIfUnused removes the leftover at path; Windows refuses while its writer has it
// open.
func removeIfUnused(path string) { os.Remove(path) }
