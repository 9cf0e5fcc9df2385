// Package inputfile opens a file a person named (a roster to import) for reading, and
// refuses, in plain words, anything that is not a regular file before it can block: a
// named pipe opened for reading waits, unkillable by SIGTERM in the middle of the open,
// until something writes to it, and a device may never end.
package inputfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/rosterdesk/rosterdesk/core"
)

// instead is what every refusal of a thing that is not a file says to give.
const instead = "Save the roster as a .csv, .xlsx or OneRoster .zip file and import that file instead."

// Open opens the file at path for reading. It looks at path before opening it and
// refuses a folder, a named pipe (FIFO), a device, a socket or anything else that is
// not a regular file, and opens in a way that cannot block (O_NONBLOCK where the system
// has it) and looks again at what it opened, in case path was replaced meanwhile. Every
// failure is a *core.Error of kind KindInvalid whose message names path, says what it
// is and what to give instead; a missing file and one the user may not read say so.
func Open(path string) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, openError(path, err)
	}
	if err := regular(path, st); err != nil {
		return nil, err
	}
	f, err := openNonBlocking(path)
	if err != nil {
		return nil, openError(path, err)
	}
	if st, err = f.Stat(); err == nil {
		err = regular(path, st)
	}
	if err != nil {
		f.Close()
		return nil, openError(path, err)
	}
	return f, nil
}

// ErrNotAFile is in the chain of Open's error when path names something that is not a
// regular file.
var ErrNotAFile = errors.New("not a regular file")

// regular returns nil for a regular file, else an error saying what path is.
func regular(path string, st fs.FileInfo) error {
	m := st.Mode()
	if m.IsRegular() {
		return nil
	}
	what := "not a regular file"
	switch {
	case m.IsDir():
		what = "a folder, not a file"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO), not a file: Rosterdesk reads a roster only from a file saved on disk"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		what = "a device, not a file"
	case m&fs.ModeSocket != 0:
		what = "a socket, not a file"
	}
	return &core.Error{Kind: core.KindInvalid, Op: "read file", Err: fmt.Errorf("%s: %w", path, ErrNotAFile),
		Message: fmt.Sprintf("%s is %s. %s", path, what, instead)}
}

// openError says in plain words why path cannot be opened.
func openError(path string, err error) error {
	var ce *core.Error
	if errors.As(err, &ce) {
		return err
	}
	msg := fmt.Sprintf("%s cannot be read (%v).", path, err)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		msg = fmt.Sprintf("There is no file %s.", path)
	case errors.Is(err, fs.ErrPermission):
		msg = fmt.Sprintf("You may not read %s.", path)
	}
	return &core.Error{Kind: core.KindInvalid, Op: "read file", Message: msg, Err: err}
}
