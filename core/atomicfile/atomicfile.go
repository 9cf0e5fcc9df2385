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
	"strconv"
	"strings"
	"sync"
	"syscall"
	"unicode/utf8"

	"github.com/rosterdesk/rosterdesk/core/internal/proc"
)

// Perm is the permission of every file Write creates: readable and writable by its owner
// only.
const Perm fs.FileMode = 0o600

// Write creates or replaces the file at path with what write writes, through a File:
// the bytes go to a hidden temporary file in the same folder (so the final rename stays
// on one file system), created with Perm, flushed to the disk and then renamed over path;
// on any error the temporary file is removed and path is left as it was.
//
// Errors of the file itself are *fs.PathError values that name path, never the
// temporary file, whose name means nothing to the person who chose path. Errors that
// write returns for its own reasons are returned as they are.
func Write(path string, write func(io.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := write(f); err != nil {
		return err
	}
	return f.Publish()
}

// File is a file being written in place of the one at its path, in steps a caller can
// put other work between: Write, then Sync (the bytes are complete and on the disk, path
// is still as it was), then Publish (the file is at path), and Remove to undo whichever
// of these has happened. A caller that must not lose the file's content and must not
// leave it behind either (login cards whose passwords are stored only once the file is
// in place) stores between Sync and Publish, and removes the file when storing fails
// after all. Always Close it: until it is published, Close throws the temporary file
// away.
//
// Its errors are *fs.PathError values that name path, as Write's.
type File struct {
	path      string
	tmp       *os.File
	buf       *bufio.Writer
	err       error // the first failure of Sync; it is returned again
	synced    bool  // the temporary file is complete and on the disk
	closed    bool  // the temporary file is closed (and so its lock let go)
	published bool  // renamed to path
	gone      bool  // removed, temporary or published
}

// Create starts writing the file at path: it creates the hidden temporary file beside
// it, readable and writable by its owner only, and removes those that killed writers of
// the same path left (CreateTemp). A path that is a folder fails at once (ErrIsFolder),
// before anything is written.
func Create(path string) (*File, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, &fs.PathError{Op: "write", Path: path, Err: ErrIsFolder}
	}
	tmp, err := CreateTemp(path, tmpMarker)
	if err != nil {
		return nil, &fs.PathError{Op: "create", Path: path, Err: cause(err)}
	}
	fail := func(op string, err error) (*File, error) {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, &fs.PathError{Op: op, Path: path, Err: cause(err)}
	}
	if err := hide(tmp.Name()); err != nil {
		return fail("create", err)
	}
	// CreateTemp asks for 0600, but a umask such as 0277 takes bits away from that too.
	if err := tmp.Chmod(Perm); err != nil {
		return fail("chmod", err)
	}
	return &File{path: path, tmp: tmp, buf: bufio.NewWriterSize(&target{f: tmp, path: path}, 64<<10)}, nil
}

// Name returns the path the file is written to.
func (f *File) Name() string { return f.path }

// Write adds p to the file. After Sync it fails.
func (f *File) Write(p []byte) (int, error) {
	if f.synced || f.gone {
		return 0, &fs.PathError{Op: "write", Path: f.path, Err: fs.ErrClosed}
	}
	return f.buf.Write(p)
}

// Sync makes what was written complete and durable: buffered bytes are written, the
// temporary file is flushed to the disk (and closed on Windows; elsewhere it stays open,
// and locked, until Publish or Close). The file is not at its path yet.
// Calling it again returns the first call's result.
func (f *File) Sync() error {
	if f.synced || f.err != nil {
		return f.err
	}
	if f.gone {
		return &fs.PathError{Op: "write", Path: f.path, Err: fs.ErrClosed}
	}
	f.synced = true
	if err := f.buf.Flush(); err != nil {
		f.err = err // already a *fs.PathError naming path
	} else if err := f.tmp.Sync(); err != nil {
		f.err = &fs.PathError{Op: "write", Path: f.path, Err: cause(err)}
	}
	if closeBeforeRename || f.err != nil {
		if err := f.closeTmp(); err != nil && f.err == nil {
			f.err = err
		}
	}
	return f.err
}

// closeTmp closes the temporary file once. Until then it stays locked (lock), so that
// nobody takes it for a killed writer's while it waits to be published.
func (f *File) closeTmp() error {
	if f.closed {
		return nil
	}
	f.closed = true
	if err := f.tmp.Close(); err != nil {
		return &fs.PathError{Op: "write", Path: f.path, Err: cause(err)}
	}
	return nil
}

// Publish puts the file at its path, replacing what was there: it syncs first if that
// was not done, then renames the temporary file over path. When it fails, path is as it
// was and the temporary file is still there for Remove or Close.
func (f *File) Publish() error {
	if f.published {
		return nil
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.closeTmp(); err != nil {
		f.err = err
		return err
	}
	// The final file must not keep the temporary file's hidden attribute (Windows).
	if err := unhide(f.tmp.Name()); err != nil {
		return &fs.PathError{Op: "write", Path: f.path, Err: cause(err)}
	}
	if err := os.Rename(f.tmp.Name(), f.path); err != nil {
		return &fs.PathError{Op: "write", Path: f.path, Err: cause(err)}
	}
	f.published = true
	forget(f.tmp.Name())
	syncDir(filepath.Dir(f.path))
	return nil
}

// Remove undoes the file: before Publish it throws the temporary file away, as Close
// does; after Publish it deletes the file at path (what it replaced is gone for good).
func (f *File) Remove() error {
	if f.gone {
		return nil
	}
	if !f.published {
		return f.Close()
	}
	if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return &fs.PathError{Op: "remove", Path: f.path, Err: cause(err)}
	}
	f.gone = true
	return nil
}

// Close throws the temporary file away unless the file was published, and then does
// nothing: deferred right after Create, it cleans up after every failure.
func (f *File) Close() error {
	if f.published || f.gone {
		return nil
	}
	f.gone = true
	f.closeTmp()
	defer forget(f.tmp.Name())
	if err := os.Remove(f.tmp.Name()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return &fs.PathError{Op: "remove", Path: f.path, Err: cause(err)}
	}
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

// tmpMarker marks the name of a temporary file of Create.
const tmpMarker = ".tmp"

// CreateTemp creates a new empty file in the folder of path, to be renamed over path once
// written, and returns it open for writing. Its name is "." + path's base name (its
// first 200 bytes, when it is longer) + "." + this process's id + marker + a random
// number (".roster.csv.4242.tmp1839201"): hidden outside Windows, and telling whose it
// is, so that what a killed writer left is recognised. Before creating it, CreateTemp
// removes the files of that same pattern, for the same path and marker, whose writer is
// gone (removeDeadLeftovers): a killed export leaves half a file of names and temporary
// passwords that nobody would ever remove. The files of running processes (this one's
// own included), those a writer still holds the lock of, and any name not of that exact
// pattern are never touched; the new file is locked (outside Windows) for as long as it
// stays open. marker names the kind of file (".tmp", ".partial"); it must not start with
// a digit. Its errors are those of os.CreateTemp.
func CreateTemp(path, marker string) (*os.File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	prefix := "." + shortBase(base) + "."
	// One at a time in this process: another save's clean-up must not see the new file
	// before it is locked and listed as this process's.
	creating.Lock()
	defer creating.Unlock()
	removeDeadLeftovers(dir, prefix, marker)
	f, err := os.CreateTemp(dir, prefix+strconv.Itoa(os.Getpid())+marker+"*")
	if err == nil {
		lock(f)
		mine.add(f.Name())
	}
	return f, err
}

// creating serialises CreateTemp within this process.
var creating sync.Mutex

// mine holds the base names of the temporary files this process made and has not yet
// published or thrown away. A file named with this process's id that is not among them
// was left by an earlier process that had the same id: process ids are reused, and in a
// container every run may be process 1. Comparing base names, not paths, keeps a file
// of this process whatever path its folder is reached by; the random part of the names
// makes two of them alike unlikely, and a likeness only keeps a file.
var mine = &names{m: map[string]bool{}}

type names struct {
	mu sync.Mutex
	m  map[string]bool
}

func (n *names) add(path string) {
	n.mu.Lock()
	n.m[filepath.Base(path)] = true
	n.mu.Unlock()
}

func (n *names) has(name string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.m[name]
}

// forget removes a published or thrown-away temporary file from mine. The files of
// CreateTemp's other callers stay listed, which only keeps a name that is gone.
func forget(path string) {
	mine.mu.Lock()
	delete(mine.m, filepath.Base(path))
	mine.mu.Unlock()
}

// maxTmpBase is the most bytes of the final name a temporary name repeats. A name may
// have 255 bytes (of UTF-8; 255 UTF-16 units on Windows, never more than its UTF-8
// bytes), and the temporary name adds two dots, a process id, a marker and a random
// number, up to 30 bytes: a final name longer than this would make one the file system
// refuses.
const maxTmpBase = 200

// shortBase returns base cut to maxTmpBase bytes, at a character's boundary, for the
// temporary name: the files of two long names that begin alike then share a pattern,
// which only means a dead writer's leftover of one is removed by a save of the other.
func shortBase(base string) string {
	if len(base) <= maxTmpBase {
		return base
	}
	n := maxTmpBase
	for n > 0 && !utf8.RuneStart(base[n]) {
		n--
	}
	return base[:n]
}

// removeDeadLeftovers removes the regular files of dir named prefix + a process id +
// marker + digits whose writer is gone: the id is of no process running here (or is
// this process's, and the file is not among its own), and nobody holds the file's lock
// (a writer on another computer, saving into the same network folder, whose process
// ids mean nothing here). It is best-effort: a folder that cannot be listed fails the
// file's creation next, and a leftover that cannot be removed harms nothing more than
// before.
func removeDeadLeftovers(dir, prefix, marker string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, ok := leftoverPID(e.Name(), prefix, marker)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		if pid == os.Getpid() {
			if mine.has(e.Name()) {
				continue // never opened here: closing it would drop this process's lock
			}
		} else if proc.Alive(pid) {
			continue
		}
		removeIfUnused(filepath.Join(dir, e.Name()))
	}
}

// leftoverPID returns the process id in name when name is prefix + digits + marker +
// digits, the names CreateTemp gives, or that + "-journal": SQLite's rollback journal of
// a database written under such a name (a backup's copy), which a killed writer leaves
// as well.
func leftoverPID(name, prefix, marker string) (int, bool) {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return 0, false
	}
	rest = strings.TrimSuffix(rest, "-journal")
	id, num, ok := strings.Cut(rest, marker)
	if !ok || !digits(id) || !digits(num) {
		return 0, false
	}
	pid, err := strconv.Atoi(id)
	if err != nil || pid <= 0 {
		return 0, false
	}
	return pid, true
}

// digits reports whether s is one or more ASCII digits.
func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
