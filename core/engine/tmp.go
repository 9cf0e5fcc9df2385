package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/report"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// tmpDir is the engine's private folder beside the database (SPEC §12): an import's
// stage, and the small marker files processes leave each other (a cancel asked for, a
// checkpoint still owed), live there and nowhere else. It is readable by its owner
// only, and what a crash leaves in it is removed at the next start.
type tmpDir struct {
	dir  string
	host string // this computer, hashed, as stage files name it
}

// tmpName is the private folder's name, in the database's folder.
const tmpName = ".rosterdesk-tmp"

func newTmpDir(dbPath string) *tmpDir {
	host, _ := os.Hostname()
	sum := sha256.Sum256([]byte(host))
	return &tmpDir{dir: filepath.Join(filepath.Dir(dbPath), tmpName), host: hex.EncodeToString(sum[:4])}
}

// ensure creates the folder, readable by its owner only. When something that is not a
// folder has its name (a file a person made or copied there), the error says so, names
// it and says to move or delete it: "check that you may write to the folder" would send
// them looking at permissions that are fine.
func (t *tmpDir) ensure() error {
	if fi, err := os.Lstat(t.dir); err == nil && !fi.IsDir() {
		if target, err := os.Stat(t.dir); err != nil || !target.IsDir() {
			return &core.Error{Kind: core.KindStorage, Op: "make private folder", Err: fmt.Errorf("%s: %w", t.dir, errNotAFolder),
				Message: fmt.Sprintf("A file named %s is in the way of Rosterdesk's private folder beside the database (%s). Move or delete that file, then try again.", tmpName, t.dir)}
		}
	}
	if err := os.MkdirAll(t.dir, 0o700); err != nil {
		return err
	}
	return os.Chmod(t.dir, 0o700)
}

// errNotAFolder is the cause of ensure's error when a file has the private folder's name.
var errNotAFolder = errors.New("not a folder")

// tmpError is the error of an operation (what, "the file could not be imported") that
// needed the private folder and could not make it: ensure's own words when a file is in
// the way, else a hint to look at the rights on the database's folder.
func tmpError(op, what string, err error) error {
	if errors.Is(err, errNotAFolder) {
		return err
	}
	return &core.Error{Kind: core.KindStorage, Op: op, Err: err,
		Message: "Rosterdesk could not make its private folder beside the database, so " + what + ". Check that you may write to the database's folder."}
}

// stagePath returns a new stage file's path: stage-HOST-PID-NONCE.db, so that a later
// start can tell the files of a process that is gone from those of one still running.
func (t *tmpDir) stagePath() (string, error) {
	if err := t.ensure(); err != nil {
		return "", err
	}
	name := fmt.Sprintf("stage-%s-%d-%s.db", t.host, os.Getpid(), newGUID()[:8])
	ownTmp.Store(name, true)
	return filepath.Join(t.dir, name), nil
}

// ownTmp holds the names of the stage files and spill folders this process made (of
// any of its Services). One of this computer named with this process's id and not among
// them was left by an earlier process that had the same id: process ids are reused, and
// in a container every run may be process 1, whose crashed imports' stages and exports'
// spilled rows (temporary passwords among them) clean would otherwise keep forever.
var ownTmp sync.Map

// spillDir makes a new folder for the temporary files of one workbook being written
// (excelize spills a large sheet's rows to disk): spill-HOST-PID-NONCE, named like a
// stage so that a later start can tell whose it is. The caller removes it once the
// workbook is written; clean, run here first, removes one a crash left: a download
// killed midway leaves its rows (temporary passwords among them), and the next one
// may be the only thing that ever runs on this database.
func (t *tmpDir) spillDir() (string, error) {
	if err := t.ensure(); err != nil {
		return "", err
	}
	t.clean()
	name := fmt.Sprintf("spill-%s-%d-%s", t.host, os.Getpid(), newGUID()[:8])
	ownTmp.Store(name, true)
	dir := filepath.Join(t.dir, name)
	return dir, os.Mkdir(dir, 0o700)
}

// staleAge is how old a stage file of another computer (a database on a shared folder)
// must be before it is taken for a crash's: an import does not run for a day.
const staleAge = 24 * time.Hour

// clean removes the stage files and the workbooks' spill folders a crash left: those
// of processes of this computer that no longer run (or of an earlier process with this
// one's id: not in ownTmp), and those of other computers older than staleAge.
func (t *tmpDir) clean() {
	entries, err := os.ReadDir(t.dir)
	if err != nil {
		return // no folder yet, or not readable: nothing of ours to remove
	}
	for _, e := range entries {
		name := e.Name()
		rest, ok := strings.CutPrefix(name, "stage-")
		spill := false
		if !ok {
			if rest, spill = strings.CutPrefix(name, "spill-"); !spill {
				continue
			}
		}
		parts := strings.SplitN(rest, "-", 3)
		if len(parts) != 3 {
			continue
		}
		pid, err := strconv.Atoi(parts[1])
		stale := false
		if parts[0] == t.host {
			switch {
			case err != nil:
				stale = true
			case pid == os.Getpid():
				_, mine := ownTmp.Load(strings.TrimSuffix(name, "-journal"))
				stale = !mine
			default:
				stale = !processAlive(pid)
			}
		} else if info, err := e.Info(); err == nil {
			stale = time.Since(info.ModTime()) > staleAge
		}
		switch {
		case stale && spill:
			_ = os.RemoveAll(filepath.Join(t.dir, name))
		case stale:
			_ = sqlite.RemoveStage(filepath.Join(t.dir, strings.TrimSuffix(name, "-journal")))
		}
	}
}

// cancelPath is the marker that asks the process running upload id to cancel it.
func (t *tmpDir) cancelPath(id int64) string {
	return filepath.Join(t.dir, "cancel-"+strconv.FormatInt(id, 10))
}

// requestCancel asks whichever process runs upload id to cancel it. It needs no lock of
// the database, which the run's import transaction may hold.
func (t *tmpDir) requestCancel(id int64) error {
	if err := t.ensure(); err != nil {
		return err
	}
	f, err := os.OpenFile(t.cancelPath(id), os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	return f.Close()
}

// cancelRequested reports whether someone asked for upload id to be cancelled.
func (t *tmpDir) cancelRequested(id int64) bool {
	_, err := os.Stat(t.cancelPath(id))
	return err == nil
}

// clearCancel removes the cancel marker of upload id. One that cannot be removed does
// no harm: it names an upload that has ended.
func (t *tmpDir) clearCancel(id int64) { _ = os.Remove(t.cancelPath(id)) }

// checkpointMark records that the WAL may still hold a typed password: the TRUNCATE
// checkpoint after an upload could not finish, and the next start must try again.
func (t *tmpDir) checkpointMark() string { return filepath.Join(t.dir, "checkpoint-owed") }

func (t *tmpDir) oweCheckpoint() {
	if t.ensure() == nil {
		if f, err := os.OpenFile(t.checkpointMark(), os.O_CREATE|os.O_WRONLY, 0o600); err == nil {
			f.Close()
		}
	}
}

func (t *tmpDir) checkpointOwed() bool {
	_, err := os.Stat(t.checkpointMark())
	return err == nil
}

func (t *tmpDir) checkpointPaid() { _ = os.Remove(t.checkpointMark()) }

// WriteTable writes a table as report.Write does, but a workbook's rows spill (past
// excelize's in-memory threshold) into a folder of the engine's private one, never into
// the system's temporary folder: a Completed File, or a list of reset passwords, holds
// temporary passwords in plain text, and the system's folder may be readable by others
// and is not cleaned after a crash. Every file the engine writes goes through it; a
// front end writing such a table itself should too. It stops when ctx ends.
func (s *Service) WriteTable(ctx context.Context, w io.Writer, f core.Format, sheet string, header []string, rows iter.Seq[[]string]) error {
	until := func(yield func([]string) bool) {
		for r := range rows {
			if ctx.Err() != nil || !yield(r) {
				return
			}
		}
	}
	if f != core.FormatXLSX {
		return errors.Join(report.Write(w, f, sheet, header, until), ctx.Err())
	}
	dir, err := s.tmp().spillDir()
	if err != nil {
		// A database on a read-only disk is still viewed and exported. Where no private
		// folder can be made, excelize is given one that does not exist: it then keeps
		// the whole sheet in memory (its StreamWriter does when it cannot create its
		// file), which costs memory but never leaves a row in the system's folder.
		dir = filepath.Join(s.tmp().dir, "spill-none")
	} else {
		defer os.RemoveAll(dir)
	}
	return errors.Join(report.Options{TmpDir: dir}.Write(w, f, sheet, header, until), ctx.Err())
}
