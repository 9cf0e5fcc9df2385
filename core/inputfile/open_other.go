//go:build !unix

package inputfile

import "os"

// openNonBlocking opens path for reading. Outside Unix a path does not become a named
// pipe that blocks its reader's open (Windows' pipes live under \\.\pipe\, which
// Open's first look refuses).
func openNonBlocking(path string) (*os.File, error) { return os.Open(path) }
