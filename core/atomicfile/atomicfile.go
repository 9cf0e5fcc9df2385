// Package atomicfile writes a file all at once and privately: whoever opens the file sees
// the old one or the whole new one, never half of it, and only the file's owner may read
// it. Rosterdesk's exports, templates and an upload's files hold children's names, emails
// and sometimes temporary passwords, so they are written 0600 whatever the umask.
package atomicfile

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Perm is the permission of every file Write creates: readable and writable by its owner
// only.
const Perm fs.FileMode = 0o600

// Write creates or replaces the file at path with what write writes. The bytes go to a
// hidden temporary file in the same folder (so the final rename stays on one file
// system), created with Perm, flushed to the disk and then renamed over path; on any
// error the temporary file is removed and path is left as it was.
//
// Errors of the file itself are *fs.PathError values that name path, never the
// temporary file, whose name means nothing to the person who chose path. Errors that
// write returns for its own reasons are returned as they are.
func Write(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return &fs.PathError{Op: "write", Path: path, Err: ErrIsFolder}
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return &fs.PathError{Op: "create", Path: path, Err: cause(err)}
	}
	renamed := false
	defer func() {
		if !renamed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := hide(tmp.Name()); err != nil {
		return &fs.PathError{Op: "create", Path: path, Err: cause(err)}
	}
	// CreateTemp asks for 0600, but a umask such as 0277 takes bits away from that too.
	if err := tmp.Chmod(Perm); err != nil {
		return &fs.PathError{Op: "chmod", Path: path, Err: cause(err)}
	}
	bw := bufio.NewWriterSize(&target{f: tmp, path: path}, 64<<10)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err // already a *fs.PathError naming path
	}
	if err := tmp.Sync(); err != nil {
		return &fs.PathError{Op: "write", Path: path, Err: cause(err)}
	}
	if err := tmp.Close(); err != nil {
		return &fs.PathError{Op: "write", Path: path, Err: cause(err)}
	}
	// The final file must not keep the temporary file's hidden attribute (Windows).
	if err := unhide(tmp.Name()); err != nil {
		return &fs.PathError{Op: "write", Path: path, Err: cause(err)}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return &fs.PathError{Op: "write", Path: path, Err: cause(err)}
	}
	renamed = true
	return nil
}

// ErrIsFolder is the cause of Write's error when path is a folder.
var ErrIsFolder = errors.New("is a folder")

// Problem says in a few plain words why Write failed ("the disk is full"), for a
// message that names the file; "" when err is not an error of the file itself.
func Problem(err error) string {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return ""
	}
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return "the disk is full"
	case errors.Is(err, ErrIsFolder):
		return "that name is a folder"
	case errors.Is(err, fs.ErrNotExist):
		return "its folder does not exist"
	case errors.Is(err, syscall.EROFS):
		return "the disk is read-only"
	case errors.Is(err, fs.ErrPermission):
		return "you may not write in its folder"
	}
	return pe.Err.Error()
}

// target is the temporary file as write sees it: its errors name the file being
// written, not the temporary one.
type target struct {
	f    *os.File
	path string
}

func (t *target) Write(p []byte) (int, error) {
	n, err := t.f.Write(p)
	if err != nil {
		err = &fs.PathError{Op: "write", Path: t.path, Err: cause(err)}
	}
	return n, err
}

// cause strips the temporary file's name from an error of the os package, keeping the
// system's reason (no space left on the device, permission denied).
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
