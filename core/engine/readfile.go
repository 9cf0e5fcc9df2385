package engine

import (
	"fmt"
	"io"
	"io/fs"

	"github.com/rosterdesk/rosterdesk/core"
)

// ReadFile reads an upload's file whole from f, a file the caller opened (the engine
// never opens paths itself). It refuses a file over MaxFileBytes before reading a byte
// of it, so a huge file costs neither memory nor time, and a regular file whose size
// or modification time changes while it is read: Excel still saving it, or a sync
// client replacing it, and the bytes read could be half of each version. Both come
// back as a *core.Error with a file-level Code and plain words.
func ReadFile(f fs.File) ([]byte, error) {
	before, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read file: %w", err)
	}
	if before.Size() > MaxFileBytes {
		return nil, tooBig(before.Size())
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read file: %w", err)
	}
	if len(data) > MaxFileBytes {
		return nil, tooBig(int64(len(data)))
	}
	if !before.Mode().IsRegular() {
		return data, nil // a pipe or a device has no size to compare
	}
	after, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read file: %w", err)
	}
	if after.Size() != before.Size() || int64(len(data)) != after.Size() || !after.ModTime().Equal(before.ModTime()) {
		return nil, core.NewFileError(core.FileChanged, "", nil)
	}
	return data, nil
}

// tooBig is the error for a file of n bytes. Megabytes are rounded up, so a file just
// over the limit does not read as "256 MB; the most is 256 MB".
func tooBig(n int64) error {
	return core.NewFileError(core.FileTooBig, fmt.Sprintf("%d MB; the most is %d MB", (n+1<<20-1)>>20, MaxFileBytes>>20), nil)
}
