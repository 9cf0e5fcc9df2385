package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/rosterdesk/rosterdesk/core"
)

// checkPath checks that path can be a database file before anything opens it: not
// empty, and a regular file (or, when create is true, nothing yet, which it then
// creates, readable by its owner only). It returns the absolute path, which stays right
// if the process changes its working folder, and the file's information.
func checkPath(path string, create bool) (string, os.FileInfo, error) {
	if path == "" {
		return "", nil, dbError(core.KindInvalid, ErrNotAFile, nil, "No database file was named.")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", nil, storageError("find the database", err)
	}
	fi, err := os.Stat(abs)
	if errors.Is(err, fs.ErrNotExist) && create {
		if err := createFile(abs); err != nil {
			return "", nil, err
		}
		fi, err = os.Stat(abs)
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", nil, dbError(core.KindNotInitialized, ErrNoDatabase, err, "There is no Rosterdesk database at %s.", abs)
	case err != nil:
		return "", nil, storageError("open the database", err)
	case fi.IsDir():
		return "", nil, dbError(core.KindInvalid, ErrNotAFile, nil, "%s is a folder, not a database file.", abs)
	case !fi.Mode().IsRegular():
		return "", nil, dbError(core.KindInvalid, ErrNotAFile, nil, "%s is not a file but a device, a pipe or a socket, so it cannot be a database.", abs)
	}
	return abs, fi, nil
}

// createFile creates an empty database file, and its folder if needed, readable by
// their owner only. SQLite gives the -wal and -shm files the database's mode. Another
// process creating the same file at the same moment is not an error: both then open it.
func createFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return storageError("create the database folder", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return storageError("create the database", err)
	}
	return f.Close()
}

// fileKind is what identify found.
type fileKind int

const (
	fileRosterdesk fileKind = iota
	fileEmpty               // a new database, or one whose creation a crash cut short
)

// sqliteMagic starts every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// identify tells a Rosterdesk database from anything else without changing the file:
// it reads the 100-byte SQLite header, and only when the header does not carry
// ApplicationID (databases made before it did) asks SQLite, read-only, whether the file
// has Rosterdesk's tables. Another program's file is refused with ErrNotRosterdesk.
func identify(ctx context.Context, path string, fi os.FileInfo) (fileKind, error) {
	if fi.Size() == 0 {
		return fileEmpty, nil
	}
	header, err := readHeader(path)
	if err != nil {
		return 0, storageError("read the database", err)
	}
	notOurs := func(what string) (fileKind, error) {
		return 0, dbError(core.KindInvalid, ErrNotRosterdesk, nil, "%s is %s, not a Rosterdesk database, so it was left untouched.", path, what)
	}
	if len(header) < 100 || !bytes.Equal(header[:16], sqliteMagic) {
		return notOurs("not an SQLite database file")
	}
	switch binary.BigEndian.Uint32(header[68:72]) {
	case ApplicationID:
		return fileRosterdesk, nil
	case 0:
		if ok, err := hasRosterdeskTables(ctx, path, header); err != nil || !ok {
			if err != nil {
				return notOurs("an SQLite database that could not be read (" + err.Error() + ")")
			}
			return notOurs("an SQLite database of another program")
		}
		return fileRosterdesk, nil
	}
	return notOurs("an SQLite database of another program")
}

func readHeader(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, 100)
	n, err := io.ReadFull(f, b)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = nil
	}
	return b[:n], err
}

// hasRosterdeskTables asks SQLite whether the file has the tables and the first
// migration of a Rosterdesk database. A database in WAL mode whose log is gone was
// closed cleanly: all of it is in the file, and reading it as immutable creates no
// -wal or -shm file beside another program's database.
func hasRosterdeskTables(ctx context.Context, path string, header []byte) (bool, error) {
	c := connReadOnly
	if wal := header[18] == 2 && header[19] == 2; !wal || !exists(path+"-wal") {
		c = connImmutable
	}
	db, err := sql.Open("sqlite", dsn(path, c))
	if err != nil {
		return false, err
	}
	defer db.Close()
	var tables, first int
	err = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('schema_migrations', 'org', 'users', 'uploads')`).Scan(&tables)
	if err != nil || tables != 4 {
		return false, err
	}
	err = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = 'migrations/001_schema.sql'`).Scan(&first)
	return first == 1, err
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// openFiles lists the database files this process has open. SQLite's locks on a file are
// POSIX locks, which the kernel drops when the process closes any descriptor of that
// file, so nothing may open a database file for a look (identify) while one of this
// process's connections has it open.
var openFiles struct {
	sync.Mutex
	files []os.FileInfo
}

// openHere reports whether fi is a database file this process has open.
func openHere(fi os.FileInfo) bool {
	openFiles.Lock()
	defer openFiles.Unlock()
	for _, f := range openFiles.files {
		if os.SameFile(f, fi) {
			return true
		}
	}
	return false
}

func remember(fi os.FileInfo) {
	openFiles.Lock()
	defer openFiles.Unlock()
	openFiles.files = append(openFiles.files, fi)
}

func forget(fi os.FileInfo) {
	openFiles.Lock()
	defer openFiles.Unlock()
	for i, f := range openFiles.files {
		if f == fi {
			openFiles.files = append(openFiles.files[:i], openFiles.files[i+1:]...)
			return
		}
	}
}

// IsDatabaseFile reports whether path names the database file db or one of the files
// SQLite keeps beside it (its write-ahead log, shared memory and rollback journal):
// writing over any of them, or opening and closing one in the process that holds the
// database, damages the database. It compares names, then files (a link, another
// spelling of the folder, a file system that ignores case) by their information alone:
// it never opens either.
func IsDatabaseFile(path, db string) bool {
	if path == "" || db == "" {
		return false
	}
	dbAbs, err := filepath.Abs(db)
	if err != nil {
		return false
	}
	chosen, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	chosenInfo, chosenErr := os.Stat(chosen)
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		if chosen == dbAbs+suffix {
			return true
		}
		if other, err := os.Stat(dbAbs + suffix); chosenErr == nil && err == nil && os.SameFile(chosenInfo, other) {
			return true
		}
	}
	return false
}
